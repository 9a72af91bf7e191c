"""The general reader on opinion-reflection tables (意見の反映状況表) on seed 001 and on hand-made tables.

Expected values are read off the documents themselves (line numbers are
lines of ``seeds/001_f3abde356c42c768.txt``), not copied from the reader.
"""

from __future__ import annotations

import pytest

from machikpi.adapters.textfiles import read_source
from machikpi.core.errors import UnknownLayoutError
from machikpi.core.model import Opinion, Plan
from machikpi.core.reader import read_plan
from machikpi.core.source import SourceText
from machikpi.samples import SEEDS_DIR

SEED = "001_f3abde356c42c768.txt"


@pytest.fixture(scope="module")
def seed_plan() -> Plan:
    return read_plan(read_source(SEEDS_DIR / SEED))


def _op(plan: Plan, number: int) -> Opinion:
    return next(o for o in plan.opinions if o.number == number)


# --- recognise ---------------------------------------------------------------


# --- the seed ----------------------------------------------------------------


def test_seed_rows_and_title(seed_plan: Plan) -> None:
    assert [o.number for o in seed_plan.opinions] == list(range(1, 11))
    assert seed_plan.title.startswith("平成30年度ひらつか行革ミーティング")  # l.2
    five = _op(seed_plan, 5).source
    assert five is not None and five.line == 159


def test_seed_opinion_and_response_are_joined_without_spaces(seed_plan: Plan) -> None:
    one = _op(seed_plan, 1)
    # l.12-16, leading U+3000 and line breaks removed; not NFKC (「」 kept).
    assert one.opinion.startswith("「基幹産業」の定義付けがあいまいである。まちのにぎわい")
    assert one.opinion.endswith("基幹産業の定義を明確にする必要がある。")
    # l.270-272: the response follows the ⇒ on the next line, without a blank line.
    assert _op(seed_plan, 8).response == (
        "子育て支援策を検討する際は、評価指標として人数だけではなく割合など多面から分析していきます。"
    )
    # l.200-201 and 208: full-width ＰＲ kept as printed.
    assert "外に向けてＰＲすることが必要である。" in _op(seed_plan, 6).opinion
    for op in seed_plan.opinions:
        for text in (op.opinion, op.response):
            assert "⇒" not in text and "資料１－２" not in text and "反映状況表" not in text
            assert " " not in text and "\u3000" not in text


def test_seed_measures_and_nodes(seed_plan: Plan) -> None:
    assert _op(seed_plan, 3).measure == ["強みを活かしたしごとづくり", "基幹産業の競争力を強化する"]
    assert _op(seed_plan, 3).measure_codes == ["Ⅰ", "1"]
    assert _op(seed_plan, 9).measure == [
        "子どもを産み育てやすい環境づくり",
        "安心して子育てができる環境をつくる",
    ]
    assert _op(seed_plan, 9).measure_codes == ["Ⅱ", "2"]
    roots = seed_plan.nodes
    assert [(n.level, n.code) for n in roots] == [("基本目標", "Ⅰ"), ("基本目標", "Ⅱ")]
    assert [(c.level, c.code, c.title) for c in roots[1].children] == [
        ("施策", "2", "安心して子育てができる環境をつくる")
    ]
    assert roots[0].children[0].source is not None and roots[0].children[0].source.line == 9
    assert not seed_plan.indicators()


def test_seed_reflection_pages(seed_plan: Plan) -> None:
    pages = {o.number: [r.page for r in o.reflections] for o in seed_plan.opinions}
    # Row 4's own ③ cell is "⇒ p.39" (l.123); the bare p.40 / p.107 blocks
    # (l.134, l.143) belong to row 5, whose ③ arrow (l.183) stands alone.
    assert pages == {
        1: [39],
        2: [107],
        3: [39],
        4: [39],
        5: [40, 107],
        6: [22],
        7: [44],
        8: [43],
        9: [45],
        10: [45],
    }


def test_seed_sections_and_quotes(seed_plan: Plan) -> None:
    p107 = _op(seed_plan, 5).reflections[1]
    assert p107.section == "４活力とにぎわいのあるまちづくり①産業の活性化を促進する＜取組方針＞＜成果指標＞"
    quotes = p107.quote.split("／")
    assert len(quotes) == 4  # l.148-155: two sentences and two 成果指標 names
    assert quotes[2] == "産業間連携ネットワークによる新商品開発・新事業創出件数（累計）"
    assert quotes[3] == "経営に関する相談件数（年間）"
    # l.215-218: only the outermost 「」 are stripped.
    six = _op(seed_plan, 6).reflections[0]
    assert six.section == "１まちづくりの基本姿勢（１）誇りと愛着を持てるまちづくり"
    assert six.quote.startswith("「新たな魅力の創出」や「弱みの改善」に取り組む")
    assert six.quote.endswith("企業の進出増加・流出減少につなげます。")
    # l.279-281: three KPI names.
    assert _op(seed_plan, 8).reflections[0].quote.count("／") == 2
    # l.328-329: no (n) sub-heading; the ideographic space is removed.
    assert _op(seed_plan, 10).reflections[0].section == "Ⅱ子どもを産み育てやすい環境づくり＜基本的な方向性＞"


def test_seed_warns_only_about_the_moved_blocks(seed_plan: Plan) -> None:
    assert len(seed_plan.warnings) == 1
    w = seed_plan.warnings[0]
    assert w.source.line == 134 and "row 5" in w.message


# --- hand-made tables: other names, numbers, counts ---------------------------

HAND = """\
令和5年度 市民意見交換会における意見の第3次計画への反映状況
No. 施策名 ①意見内容 ②対応方針 ③第3次計画への反映

11

Ⅲ　安全で快適な
暮らしの実現
（４）防災体制を
強化する

　避難所の運営に女性の視点を取り入
れるべきである。

⇒

　避難所運営マニュアルを見直し、女
性の参画を進めます。

⇒ P.12

Ⅲ安全で快適な暮らしの実現
（４）防災体制を強化する
＜主な取組＞
「「避難所運営」に女性の意見を反映
します。」
「防災リーダーを育成します。」

12

　空き家の活用について、所有者への
働きかけが必要である。

⇒

　所有者向けの相談会を開催します。

⇒ P.15

Ⅲ安全で快適な暮らしの実現
（５）住環境を整える
「空き家の利活用を促進します。」

P.16

（５）住環境を整える
＜成果指標＞
「空き家バンク登録件数」

- 3 -

資料2
令和5年度 市民意見交換会における意見の第3次計画への反映状況
No. 施策名 ①意見内容 ②対応方針 ③第3次計画への反映

13

基本目標4 ひとが集うまち
（１）観光を振興する

　観光案内を多言語化すべき。

⇒

　案内板の多言語化を進めます。

⇒

14

基本目標4 ひとが集うまち
（１）観光を振興する

　駐車場が不足している。

⇒

　民間駐車場との連携を検討します。

⇒ P.30

基本目標４ひとが集うまち
「駐車場の案内を充実します。」

P.31

＜観光施策＞
「回遊性を高めます。」

15

基本目標4 ひとが集うまち
（１）観光を振興する

　イベントを増やしてほしい。

⇒

　イベント支援を検討します。

⇒
"""


@pytest.fixture(scope="module")
def hand_plan() -> Plan:
    return read_plan(SourceText.from_text("hand.txt", HAND))


def test_hand_rows_measures_and_merged_cell(hand_plan: Plan) -> None:
    assert [o.number for o in hand_plan.opinions] == [11, 12, 13, 14, 15]
    eleven = _op(hand_plan, 11)
    assert eleven.measure == ["安全で快適な暮らしの実現", "防災体制を強化する"]
    assert eleven.measure_codes == ["Ⅲ", "4"]
    assert eleven.opinion == "避難所の運営に女性の視点を取り入れるべきである。"
    # Row 12 prints no 施策名 (a merged cell): filed under row 11's, with a warning.
    assert _op(hand_plan, 12).measure_codes == ["Ⅲ", "4"]
    assert _op(hand_plan, 12).opinion == "空き家の活用について、所有者への働きかけが必要である。"
    assert any("row 12" in w.message and "施策名" in w.message for w in hand_plan.warnings)
    assert _op(hand_plan, 13).measure == ["ひとが集うまち", "観光を振興する"]
    assert _op(hand_plan, 13).measure_codes == ["4", "1"]
    assert [(n.code, [c.code for c in n.children]) for n in hand_plan.nodes] == [("Ⅲ", ["4"]), ("4", ["1"])]


def test_hand_reflections(hand_plan: Plan) -> None:
    pages = {o.number: [r.page for r in o.reflections] for o in hand_plan.opinions}
    # Row 12: ⇒ P.15 then a bare P.16 before row 13's number; row 13's own
    # ③ arrow stands alone, so the P.16 block is row 13's (extracted early).
    assert pages[11] == [12]
    assert pages[12] == [15]
    assert pages[13] == [16]
    # Row 14: ⇒ P.30 and a bare P.31; row 15's arrow stands alone too, so P.31 moves.
    assert pages[14] == [30]
    assert pages[15] == [31]
    r11 = _op(hand_plan, 11).reflections[0]
    assert r11.section == "Ⅲ安全で快適な暮らしの実現（４）防災体制を強化する＜主な取組＞"
    assert r11.quote == "「避難所運営」に女性の意見を反映します。／防災リーダーを育成します。"
    assert _op(hand_plan, 13).reflections[0].quote == "空き家バンク登録件数"
    moved = [w for w in hand_plan.warnings if "stands alone" in w.message]
    assert len(moved) == 2
    for op in hand_plan.opinions:
        assert "資料2" not in op.response and "反映状況" not in op.response


def test_multi_page_cell_in_order_stays_with_its_row() -> None:
    text = """\
№ 施策名 意見内容 対応方針 計画への反映
1
（２）農業を守る
　担い手が足りない。
⇒
　研修を行います。
⇒ p.8
＜方針＞
「担い手を育てます。」
p.9
「農地を集約します。」
2
（２）農業を守る
　直売所を増やしたい。
⇒
　検討します。
⇒ p.10
「直売を支援します。」
"""
    plan = read_plan(SourceText.from_text("t.txt", text))
    assert [[r.page for r in o.reflections] for o in plan.opinions] == [[8, 9], [10]]
    assert plan.opinions[0].measure_codes == ["2"]
    assert plan.opinions[0].reflections[1].section == ""
    assert plan.opinions[0].opinion == "担い手が足りない。"
    assert plan.warnings == []


def test_lone_arrow_without_any_block_warns() -> None:
    text = """\
№ 施策名 意見内容 対応方針
7
（１）健康づくり
　運動の機会がほしい。
⇒
　教室を開きます。
⇒
"""
    plan = read_plan(SourceText.from_text("t.txt", text))
    assert plan.opinions[0].number == 7
    assert plan.opinions[0].reflections == []
    assert plan.opinions[0].response == "教室を開きます。"
    assert any("nothing after it" in w.message for w in plan.warnings)


def test_no_rows_is_a_clear_error_naming_the_file() -> None:
    # Issue 9: a document with no indicator and no opinion gets that message (Japanese, file named).
    with pytest.raises(UnknownLayoutError) as e:
        read_plan(SourceText.from_text("t.txt", "意見内容 対応方針\n何もない\n"))
    assert str(e.value).startswith("t.txt:") and "意見の表も見つかりませんでした" in str(e.value)


def test_bare_page_number_inside_and_between_rows_is_skipped() -> None:
    text = """\
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
⇒ p.22
「トイレを整備します。」
"""
    plan = read_plan(SourceText.from_text("t.txt", text))
    assert [o.number for o in plan.opinions] == [3, 4]
    assert plan.opinions[0].opinion == "公園の遊具が古い。"
    assert plan.opinions[0].reflections[0].section == ""  # the footer "5" is not a heading
    assert [[r.page for r in o.reflections] for o in plan.opinions] == [[21], [22]]
    assert sorted(w.source.line for w in plan.warnings) == [6, 13]  # the stray "4" and "5"


def test_arrow_with_text_but_no_page_is_kept_with_a_warning() -> None:
    text = """\
№ 施策名 意見内容 対応方針 計画への反映
1
（３）ごみを減らす
　分別を分かりやすく。
⇒
　冊子を配ります。
⇒ 「分別の周知を図ります。」
"""
    plan = read_plan(SourceText.from_text("t.txt", text))
    (ref,) = plan.opinions[0].reflections
    assert ref.page is None and ref.quote == "分別の周知を図ります。"
    assert any("no page" in w.message for w in plan.warnings)
