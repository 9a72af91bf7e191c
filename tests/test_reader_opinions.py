"""The general opinion-table reader (core.reader.opinions) on the real material.

Seed 001 and every corpus document with opinion gold are scored with the
project's scoring code; the KPI documents must give no opinions. The
excerpts in the form tests are short pieces of the real texts (line numbers
are lines of the file named) or tables built like them; expected values
are read off the texts, not copied from the reader.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from machikpi.adapters.textfiles import read_source
from machikpi.core.model import Opinion
from machikpi.core.reader.opinions import CAPTION_WORDS, STATUS_WORDS, OpinionReading, read_opinions
from machikpi.core.rows import opinion_row
from machikpi.core.scoring import score_rows
from machikpi.core.source import SourceText
from machikpi.samples import CORPUS, SEEDS, SEEDS_DIR, corpus_text, gold_rows

SEED = "001_f3abde356c42c768.txt"
SEED_GOLD = gold_rows("opinions")
CORPUS_GOLD = gold_rows("opinions", corpus=True)


def _corpus_source(name: str) -> SourceText:
    path = next(p for p in CORPUS if p.name == name)
    return SourceText.from_text(name, corpus_text(path))


def _read(text: str, name: str = "t.txt") -> OpinionReading:
    return read_opinions(SourceText.from_text(name, text))


def _op(reading: OpinionReading, number: int) -> Opinion:
    return next(o for o in reading.opinions if o.number == number)


@pytest.fixture(scope="module")
def seed() -> OpinionReading:
    return read_opinions(read_source(SEEDS_DIR / SEED))


# --- against the gold ----------------------------------------------------------------


def test_seed_001_meets_its_gold(seed: OpinionReading) -> None:
    rows = [opinion_row(SEED, o) for o in seed.opinions]
    score = score_rows("opinions", {SEED: SEED_GOLD[SEED]}, rows)[SEED]
    detail = score.summary() + "\n" + "\n".join(score.misses)
    assert score.recall == 1.0, detail
    assert score.accuracy >= 0.95, detail
    assert score.precision == 1.0, detail
    assert seed.form == "arrow"
    assert seed.score >= 0.8


@pytest.mark.parametrize("doc", sorted(CORPUS_GOLD))
def test_corpus_opinion_documents_meet_their_gold(doc: str) -> None:
    reading = read_opinions(_corpus_source(doc))
    rows = [opinion_row(doc, o) for o in reading.opinions]
    score = score_rows("opinions", {doc: CORPUS_GOLD[doc]}, rows)[doc]
    detail = score.summary() + "\n" + "\n".join(score.misses)
    assert score.recall == 1.0, detail
    assert score.precision == 1.0, detail
    if score.fields:
        assert score.accuracy >= 0.95, detail
    assert reading.score >= 0.6


def test_the_corpus_has_the_opinion_documents_the_readme_lists() -> None:
    assert sorted(CORPUS_GOLD) == ["08_komae.txt", "10_nishitokyo.txt", "11_zama.txt", "12_kasumigaura.txt"]


NON_OPINION = [p for p in SEEDS if p.name != SEED] + [p for p in CORPUS if p.name not in CORPUS_GOLD]


@pytest.mark.parametrize("path", NON_OPINION, ids=lambda p: p.name)
def test_kpi_documents_give_no_opinions_and_score_low(path: Path) -> None:
    if path.parent == SEEDS_DIR:
        source = read_source(path)
    else:
        source = SourceText.from_text(path.name, corpus_text(path))
    reading = read_opinions(source)
    assert reading.opinions == []
    assert reading.nodes == []
    assert reading.score < 0.3
    assert reading.form == ""


# --- form "arrow": seed 001 ------------------------------------------------------


def test_seed_nodes_and_measures(seed: OpinionReading) -> None:
    assert [(n.level, n.code) for n in seed.nodes] == [("基本目標", "Ⅰ"), ("基本目標", "Ⅱ")]
    assert [(c.level, c.code, c.title) for c in seed.nodes[1].children] == [
        ("施策", "2", "安心して子育てができる環境をつくる")
    ]
    assert _op(seed, 3).measure == ["強みを活かしたしごとづくり", "基幹産業の競争力を強化する"]
    assert _op(seed, 9).measure_codes == ["Ⅱ", "2"]


def test_seed_out_of_order_blocks_move_to_row_5(seed: OpinionReading) -> None:
    pages = {o.number: [r.page for r in o.reflections] for o in seed.opinions}
    assert pages[4] == [39] and pages[5] == [40, 107]
    (w,) = seed.warnings
    assert w.source.doc == SEED and w.source.line == 134 and "row 5" in w.message


def test_seed_fields_keep_print_form(seed: OpinionReading) -> None:
    assert "外に向けてＰＲすることが必要である。" in _op(seed, 6).opinion  # l.208, not NFKC
    assert _op(seed, 5).reflections[1].quote.split("／")[3] == "経営に関する相談件数（年間）"  # l.155
    for op in seed.opinions:
        assert " " not in op.opinion + op.response and "\u3000" not in op.opinion + op.response
        assert "⇒" not in op.response and "資料１－２" not in op.response


ARROW_TABLE = """\
№ 施策名 ①意見内容 ②対応方針 ③計画への反映
1
（２）農業を守る
　担い手が足りない。
⇒
　研修を行います。
⇒ p.8
＜方針＞
「担い手を育てます。」
2
（２）農業を守る
　直売所を増やしたい。
⇒
　検討します。
⇒ 10ページ
「直売を支援します。」
"""


def test_arrow_table_with_page_forms() -> None:
    reading = _read(ARROW_TABLE)
    assert reading.form == "arrow"
    assert [[r.page for r in o.reflections] for o in reading.opinions] == [[8], [10]]
    assert reading.opinions[0].reflections[0].section == "＜方針＞"
    assert reading.opinions[1].measure_codes == ["2"]
    assert reading.warnings == []


ARROW_STRAY_NUMBERS = """\
№ 施策名 意見内容 対応方針 計画への反映
3
（１）公園を整える
　公園の遊具が古い。

4

⇒
　順次更新します。
⇒ p.21
「遊具を更新します。」

5

4
（１）公園を整える
　トイレを増やしてほしい。
⇒
　設置を検討します。
12
⇒
p.22
「トイレを整備します。」
"""


def test_arrow_bare_numbers_in_and_between_rows_are_stray() -> None:
    # l.6 "4" is followed by the ①→② arrow, l.13 "5" by another number,
    # l.20 "12" by the lone ②→③ arrow: none of them opens a row.
    reading = _read(ARROW_STRAY_NUMBERS)
    assert reading.form == "arrow"
    assert [o.number for o in reading.opinions] == [3, 4]
    assert reading.opinions[0].opinion == "公園の遊具が古い。"
    assert reading.opinions[0].response == "順次更新します。"
    assert reading.opinions[1].opinion == "トイレを増やしてほしい。"
    assert [[r.page for r in o.reflections] for o in reading.opinions] == [[21], [22]]
    assert reading.opinions[0].reflections[0].section == ""
    assert sorted(w.source.line for w in reading.warnings) == [6, 13, 20]
    assert all("skipped" in w.message for w in reading.warnings)


NUMBERED_STRAY = """\
№ 意見の概要 市の考え方

1

　公園を増やしてほしい。

　公園の整備を進めます。

7

2

　バスの本数が少ない。

　事業者と協議します。
2
"""


def test_numbered_bare_page_numbers_are_skipped_with_a_warning() -> None:
    # l.9 "7" is followed by the next number, l.16 "2" by nothing.
    reading = _read(NUMBERED_STRAY)
    assert reading.form == "numbered"
    assert [(o.number, o.response) for o in reading.opinions] == [
        (1, "公園の整備を進めます。"),
        (2, "事業者と協議します。"),
    ]
    assert sorted(w.source.line for w in reading.warnings) == [9, 16]


# --- form "spaced": 08_komae ---------------------------------------------------------


def test_komae_run_of_spaces_splits_opinion_and_answer() -> None:
    reading = read_opinions(_corpus_source("08_komae.txt"))
    assert reading.form == "spaced"
    assert [o.number for o in reading.opinions] == [1, 2, 3]
    two = _op(reading, 2)  # raw l.15: opinion, three spaces, answer; l.16 goes on
    assert two.opinion.endswith("順列であるようなイメージを受けるが。")
    assert two.response.startswith("ご意見の通り、分野別のまちの姿に")
    assert two.response.endswith("総合的に各分野のまちづくりを進めてまいります。")
    # raw l.9 ends in a run of spaces: the answer is the two paragraphs after it.
    assert _op(reading, 1).response.endswith("議論の参考とさせていただきます。")
    assert all(o.measure == [] and o.reflections == [] for o in reading.opinions)


def test_komae_cut_answer_is_reported_with_file_and_line() -> None:
    source = _corpus_source("08_komae.txt")
    reading = read_opinions(source)
    cut_line = next(n for n, line in enumerate(source.lines, 1) if line.rstrip().endswith("主に行政の"))
    (w,) = reading.warnings
    assert w.source.doc == "08_komae.txt" and w.source.line == cut_line
    assert "uncertain" in w.message and "row 3" in w.message
    assert _op(reading, 3).response.endswith("主に行政の")


SPACED_NUMBERED = """\
番号 意見の概要 市の考え方
1 公園を増やしてほしい。  公園の整備を進めます。
2 バスの本数が少ない。  事業者と協議します。
　夜間便も検討します。
"""


def test_spaced_rows_with_a_number_column() -> None:
    reading = _read(SPACED_NUMBERED)
    assert reading.form == "spaced"
    assert [(o.number, o.opinion, o.response) for o in reading.opinions] == [
        (1, "公園を増やしてほしい。", "公園の整備を進めます。"),
        (2, "バスの本数が少ない。", "事業者と協議します。夜間便も検討します。"),
    ]
    assert reading.warnings == []


# --- form "labelled": 10_nishitokyo and others ----------------------------------------


def test_nishitokyo_numbered_labels_and_cut_label() -> None:
    source = _corpus_source("10_nishitokyo.txt")
    reading = read_opinions(source)
    assert reading.form == "labelled"
    assert [o.number for o in reading.opinions] == [1, 2, 3]
    assert _op(reading, 1).opinion == "財政フレームがなければ、経済的な実現性を詳細に検討できないのでは。"
    assert _op(reading, 2).response.startswith("成果指標につきましては、平成29年度の実績を整理し")
    assert _op(reading, 3).response == ""
    last = len(source.lines)
    assert source.line(last) == "[市の検討結果と"
    assert any(w.source.line == last and "uncertain" in w.message for w in reading.warnings)
    # The two prose lines naming the labels in 「」 (l.16-17 of the text) are not rows.
    assert all("一覧表" not in o.opinion + o.response for o in reading.opinions)


BRACKET_LABELS = """\
No.1
【意見】
　防災訓練を増やすべき。
【回答】
　地域と連携して実施します。
【計画への反映】P.12、13頁
No.2
【意見】ごみの分別が分かりにくい。
【回答】パンフレットを作成します。
【反映状況】一部反映
"""


def test_bracket_labels_with_no_numbers_and_a_status() -> None:
    reading = _read(BRACKET_LABELS)
    assert reading.form == "labelled"
    assert [(o.number, o.opinion) for o in reading.opinions] == [
        (1, "防災訓練を増やすべき。"),
        (2, "ごみの分別が分かりにくい。"),
    ]
    assert _op(reading, 1).response == "地域と連携して実施します。"
    assert [(r.page, r.section) for r in _op(reading, 1).reflections] == [(12, ""), (13, "")]
    assert _op(reading, 2).reflections == []
    assert _op(reading, 2).response == "【一部反映】パンフレットを作成します。"
    assert reading.statuses == {2: "一部反映"}


PAREN_LABELS = """\
意見3
(意見)
空き家対策を強化してほしい。
(市の考え方)
空き家バンクを充実します。
意見4
(意見)
歩道が狭い。
(市の考え方)
順次整備します。

お問い合わせ
都市計画課
"""


def test_paren_labels_numbered_by_iken_n_and_footer_left_out() -> None:
    reading = _read(PAREN_LABELS)
    assert [(o.number, o.opinion, o.response) for o in reading.opinions] == [
        (3, "空き家対策を強化してほしい。", "空き家バンクを充実します。"),
        (4, "歩道が狭い。", "順次整備します。"),
    ]


def test_colon_labels_counted_in_print_order() -> None:
    reading = _read(
        "■意見:駅前に駐輪場がほしい。\n■回答:駐輪場の整備を検討します。\n■意見:図書館を増やして。\n■回答:既存施設を活用します。\n"
    )
    assert [(o.number, o.response) for o in reading.opinions] == [
        (1, "駐輪場の整備を検討します。"),
        (2, "既存施設を活用します。"),
    ]


def test_prose_mentioning_opinions_is_not_a_label() -> None:
    text = "意見を募集しました。\n回答は後日公表します。\n意見交換会を開きます。\n"
    reading = _read(text)
    assert reading.opinions == [] and reading.score < 0.3


# --- form "delimited": 12_kasumigaura and others --------------------------------------


def test_kasumigaura_pipe_table_with_status_column() -> None:
    reading = read_opinions(_corpus_source("12_kasumigaura.txt"))
    assert reading.form == "delimited"
    assert [o.number for o in reading.opinions] == [1, 2]  # no № printed: counted
    one = _op(reading, 1)
    assert one.opinion.startswith("10年後のイメージが田園都市をめざすとするならば")
    assert one.response.startswith("【原案のとおり】プランについては")
    assert reading.statuses == {1: "原案のとおり", 2: "原案のとおり"}
    (w,) = reading.warnings
    assert "row 2" in w.message and "uncertain" in w.message


PIPE_TABLE = """\
第2次計画(案)に対するパブリックコメントの結果
| 番号 | 意見の概要 | 市の考え方 | 計画への反映 |
|---|---|---|---|
| 1 | 公園を増やしてほしい。 | 公園の整備を進めます。 | P.12 |
| 2 | バスの本数が少ない。 | 事業者と協議します。 | 12ページ |
|  | 特に夜間。 | 夜間便も検討します。 | 13頁 |
"""


def test_pipe_table_with_numbers_pages_and_a_continued_row() -> None:
    reading = _read(PIPE_TABLE)
    assert reading.form == "delimited"
    assert [o.number for o in reading.opinions] == [1, 2]
    two = _op(reading, 2)
    assert two.opinion == "バスの本数が少ない。特に夜間。"
    assert two.response == "事業者と協議します。夜間便も検討します。"
    assert [r.page for r in two.reflections] == [12, 13]
    assert [r.page for r in _op(reading, 1).reflections] == [12]
    assert reading.warnings == []


TAB_ROWS = (
    "ご意見の要旨\t市の考え方\t反映状況\n"
    "子育て支援を充実すべき。\t第3章に記載しています。\t記載済み\n"
    "図書館の開館時間を延ばしてほしい。\t今後検討します。\t反映しない\n"
)


def test_tab_rows_with_a_status_column() -> None:
    reading = _read(TAB_ROWS)
    assert reading.form == "delimited"
    assert [(o.number, o.response) for o in reading.opinions] == [
        (1, "【記載済み】第3章に記載しています。"),
        (2, "【反映しない】今後検討します。"),
    ]
    assert reading.statuses == {1: "記載済み", 2: "反映しない"}


def test_taio_beside_no_response_column_is_the_response() -> None:
    reading = _read("番号\t意見\t対応\n1\t案内板を増やしてほしい。\t設置を検討します。\n")
    assert [(o.number, o.response) for o in reading.opinions] == [(1, "設置を検討します。")]
    assert reading.statuses == {}


@pytest.mark.parametrize("opinion_word", [w for w, _ in CAPTION_WORDS["opinion"]])
@pytest.mark.parametrize("response_word", [w for w, _ in CAPTION_WORDS["response"]])
def test_every_caption_word_opens_a_table(opinion_word: str, response_word: str) -> None:
    text = f"番号 | {opinion_word} | {response_word}\n1 | 駐車場がほしい。 | 検討します。\n"
    reading = _read(text)
    assert [(o.number, o.opinion, o.response) for o in reading.opinions] == [
        (1, "駐車場がほしい。", "検討します。")
    ]


def test_vocabulary_notes_say_where_each_word_was_seen() -> None:
    for words in (*CAPTION_WORDS.values(), STATUS_WORDS):
        for word, note in words:
            assert word and note.strip()


# --- form "numbered": 11_zama and others ----------------------------------------------


def test_zama_captions_one_character_per_line() -> None:
    source = _corpus_source("11_zama.txt")
    reading = read_opinions(source)
    assert reading.form == "numbered"
    (one,) = reading.opinions
    assert one.number == 1
    assert one.opinion.startswith("人口が増えて、魅力的な市にする提案1.市庁舎")
    assert one.opinion.endswith("12)10年後に、市民税、健康保険料等は二分の一に。2.仕")
    assert one.response == ""
    (w,) = reading.warnings
    assert "uncertain" in w.message and w.source.line == len(source.lines)


NUMBERED = """\
№ 意見の概要 市の考え方

1

　公園を増やしてほしい。
　特に北部に。

　公園の整備を進めます。

2

　バスの本数が少ない。

　事業者と協議します。
"""


def test_numbered_rows_split_at_the_first_blank_line() -> None:
    reading = _read(NUMBERED)
    assert reading.form == "numbered"
    assert [(o.number, o.opinion, o.response) for o in reading.opinions] == [
        (1, "公園を増やしてほしい。特に北部に。", "公園の整備を進めます。"),
        (2, "バスの本数が少ない。", "事業者と協議します。"),
    ]
    assert reading.warnings == []


# --- the score ----------------------------------------------------------------------


def test_score_does_not_depend_on_the_file_name() -> None:
    text = corpus_text(next(p for p in CORPUS if p.name == "08_komae.txt"))
    a = _read(text, "08_komae.txt")
    b = _read(text, "kpi_plan.txt")
    assert a.score == b.score >= 0.6
    assert [o.opinion for o in a.opinions] == [o.opinion for o in b.opinions]


def test_plain_prose_and_kpi_lines_score_zero() -> None:
    text = "第1章 総論\n基本目標1 しごとをつくる\n指標名\t現状値\t目標値\n市民との意見交換の実施回数\t10回\t20回\n"
    reading = _read(text)
    assert reading.score == 0.0 and reading.opinions == [] and reading.warnings == []


def test_captions_without_rows_warn() -> None:
    reading = _read("パブリックコメントの結果\n意見 回答\n")
    assert reading.opinions == []
    with_rows = read_opinions(_corpus_source("08_komae.txt"))
    assert 0.3 <= reading.score < with_rows.score
    assert reading.warnings and reading.warnings[0].source.line == 1


# --- speed ---------------------------------------------------------------------------


def test_reads_a_megabyte_in_linear_time() -> None:
    """Against quadratic scans: 1 MB of mixed real text (opinion tables and KPI
    plans) must be read in well under the 1 MB/s budget's second even on a
    loaded machine; the bound is loose so that only a blow-up fails."""
    parts = [corpus_text(p) for p in CORPUS] + ["\n".join(read_source(p).raw_lines) for p in SEEDS]
    text = "\n".join(parts)
    big = "\n".join([text] * (1_000_000 // len(text.encode()) + 1))
    source = SourceText.from_text("big.txt", big)
    start = time.perf_counter()
    read_opinions(source)
    assert time.perf_counter() - start < 3.0
