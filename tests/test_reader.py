"""The general reader: its stages on small real-shaped inputs, and the whole
pipeline on the corpus of other municipalities' real texts against their
hand-made gold (issue 9's thresholds).

Expected values are read off the documents (the corpus README states the
judgement calls), never copied from the reader's output.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest

from machikpi.core.errors import UnknownLayoutError
from machikpi.core.model import CellStatus, Role
from machikpi.core.reader import read, read_plan
from machikpi.core.reader.cells import is_value, looks_like_name
from machikpi.core.reader.lines import read_lines, split_line
from machikpi.core.reader.outline import number_value, read_numbering
from machikpi.core.reader.vocabulary import vocabulary
from machikpi.core.rows import kpi_rows, opinion_rows
from machikpi.core.scoring import score_rows
from machikpi.core.source import SourceText
from machikpi.samples import CORPUS, CORPUS_DIR, corpus_text, gold_rows

KPI_GOLD = gold_rows("kpi", corpus=True)
OPINION_GOLD = gold_rows("opinions", corpus=True)


def _corpus_source(name: str) -> SourceText:
    return SourceText.from_text(name, corpus_text(CORPUS_DIR / "raw" / name))


@pytest.fixture(scope="module")
def corpus_rows() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for path in CORPUS:
        try:
            plan = read_plan(_corpus_source(path.name))
        except UnknownLayoutError:
            out[path.name] = []
            continue
        out[path.name] = cast("list[dict[str, Any]]", kpi_rows(plan)) + opinion_rows(plan)
    return out


# -- the corpus against its gold (issue 9: done when) -------------------------


def test_corpus_kpi_recall_and_accuracy_overall(corpus_rows: dict[str, list[dict]]) -> None:
    rows = [r for rs in corpus_rows.values() for r in rs if "name" in r]
    scores = score_rows("kpi", KPI_GOLD, rows)
    gold = sum(s.gold for s in scores.values())
    matched = sum(s.matched for s in scores.values())
    fields = sum(s.fields for s in scores.values())
    equal = sum(s.equal for s in scores.values())
    detail = "\n".join(f"{d}: {s.summary()}" for d, s in scores.items())
    assert matched / gold >= 0.8, detail
    assert equal / fields >= 0.9, detail
    predicted = sum(s.pred for s in scores.values())
    assert matched / predicted >= 0.92, detail  # few invented rows (0.937 measured 2026-12-01)


@pytest.mark.parametrize("doc", sorted(KPI_GOLD))
def test_no_corpus_document_with_gold_reads_nothing(doc: str, corpus_rows: dict[str, list[dict]]) -> None:
    rows = [r for r in corpus_rows[doc] if "name" in r]
    score = score_rows("kpi", {doc: KPI_GOLD[doc]}, rows)[doc]
    assert score.recall > 0, score.summary()


@pytest.mark.parametrize("doc", sorted(OPINION_GOLD))
def test_corpus_public_comment_tables_are_read(doc: str, corpus_rows: dict[str, list[dict]]) -> None:
    rows = [r for r in corpus_rows[doc] if "number" in r]
    score = score_rows("opinions", {doc: OPINION_GOLD[doc]}, rows)[doc]
    assert score.recall == 1.0, score.summary()


# -- stage 1: lines -------------------------------------------------------------


def test_spaced_kanji_and_vertical_labels_are_repaired() -> None:
    (line,) = split_line(1, "基 本 目 標 1.地域資源を活かす産業の振興")
    assert line.text.startswith("基本目標 ") and line.repairs
    lines = read_lines(SourceText.from_text("v.txt", "目\n標\n値\n(2019(H31)年)\n"))  # corpus 03
    assert next(ln.text for ln in lines if ln.kind != "blank") == "目標値"


def test_pipe_cells_flattened_pages_and_glued_tables() -> None:
    (cell,) = split_line(7, "図書館入館者数 |")  # corpus 01: one cell per line
    assert (cell.text, cell.kind) == ("図書館入館者数", "cell")
    flat = split_line(1, "成果指標 " + " ".join(["待機児童 人 0 0"] * 20))  # corpus 04
    assert len(flat) > 40 and {ln.no for ln in flat} == {1}
    glued = split_line(
        3,
        "成果指標一覧分野項目指標説明策定時の値(2015年度)中間目標(2019年度)目標値(2023年度)"
        "健康健康・医療P35健康であると感じている人の割合自分の健康に関心を持ち、生活を送ります。"
        "70.7%(2012年度)73%75%1日に30分以上歩く人の割合活動量が増え、予防につながります。49.8%52%54%",
    )  # corpus 02: cells run together
    rows = [ln.cells for ln in glued[1:]]
    assert [r[1:6] for r in rows] == [
        ["健康・医療", "健康であると感じている人の割合", "70.7%(2012年度)", "73%", "75%"],
        ["", "1日に30分以上歩く人の割合", "49.8%", "52%", "54%"],
    ]


# -- stage 2: numbering and outline ---------------------------------------------


@pytest.mark.parametrize(
    ("printed", "style", "code", "title"),
    [
        ("重点戦略Ⅱ 活気あふれる産業づくり", "level:重点戦略", "2", "活気あふれる産業づくり"),
        ("基本目標1-2 ひとの流れの創出", "level:基本目標:compound", "1-2", "ひとの流れの創出"),
        ("具体的な施策③", "level:具体的な施策", "3", ""),
        ("第十二章 資料編", "chapter:章", "12", "資料編"),
        (
            "1章 市民の個性と能力が発揮できるまちづくり",
            "chapter:章",
            "1",
            "市民の個性と能力が発揮できるまちづくり",
        ),
        ("（２）担い手の育成", "paren", "2", "担い手の育成"),
        ("④安全で持続可能な地域", "circled", "4", "安全で持続可能な地域"),
        ("Ⅳ 施策の展開", "roman", "4", "施策の展開"),
        ("5. 交通安全対策の推進", "dot", "5", "交通安全対策の推進"),
    ],
)
def test_numbering_systems(printed: str, style: str, code: str, title: str) -> None:
    num = read_numbering(printed)
    assert num is not None and (num.style, num.code, num.title) == (style, code, title)


def test_numbering_is_not_read_in_prose_or_values() -> None:
    assert read_numbering("重点戦略1は、他の戦略を支えます") is None
    assert read_numbering("4 けていてもらえるように、追跡調査") is None
    assert number_value("十二") == "12" and number_value("XIV") == "14"


def test_sections_close_deeper_levels_but_are_not_nodes() -> None:
    text = (
        "基本目標 1\n\nしごとをつくる\n\n3 目標達成のための方向性\n\n(1) 中小企業支援事業\n\n"
        "5 重要業績評価指標 (KPI)\n\n指標名\t現状値\t目標値\n\t令和6年度\t令和11年度\n市内総生産額\t1,997億円\t2,097億円\n"
    )  # seed 002's shape: the KPI table belongs to the goal, not to (1)
    (row,) = kpi_rows(read_plan(SourceText.from_text("s.txt", text)))
    assert row["path"] == ["しごとをつくる"] and row["role"] == "KPI"
    assert (row["baseline"]["year"], row["targets"][0]["year"]) == (2024, 2029)


# -- stages 3 and 4: tables, lists, vocabulary ----------------------------------


def test_vocabulary_names_columns_by_the_longest_word() -> None:
    voc = vocabulary()
    assert voc.column_kind("現状値 (令和元年度)") == "baseline"
    assert voc.column_kind("目標(平成31年度)") == "target"
    assert voc.column_kind("平成13年実績") == "actual"
    assert voc.column_kind("平成15年末見込") == "forecast"
    assert voc.column_kind("重要業績評価指標 (KPI)") == "name"
    assert voc.column_kind("指標の考え方") is None or voc.column_kind("指標の考え方") == "note"


def test_pipe_table_with_a_header_per_section() -> None:
    text = (
        "| 指標名 | 基準値 | 目標値(R7) |\n|---|---|---|\n| 転入者数 | 1,200人(R2) | 1,500人 |\n\n"
        "■ 施策2 子育て\n\n| 指標名 | 基準値 | 目標値(R7) |\n|---|---|---|\n| 待機児童数 | 12人 | 0人 |\n"
    )
    rows = kpi_rows(read_plan(SourceText.from_text("p.txt", text)))
    assert [
        (r["name"], r["baseline"]["value"], r["targets"][0]["value"], r["targets"][0]["year"]) for r in rows
    ] == [
        ("転入者数", 1200, 1500, 2025),
        ("待機児童数", 12, 0, 2025),
    ]


def test_list_forms() -> None:
    text = (
        "基本目標1 しごとをつくる\n\n"
        "■ 新規就農者数 現状値 5人 目標値 10人\n"
        "観光入込客数:120万人(H26) → 150万人(R1)\n"
        "数値目標=転入者数 基準値=1,200人 評価区分=A\n"
        "評価区分 順調A,要改善B\n"
    )
    plan = read_plan(SourceText.from_text("l.txt", text))
    rows = {r["name"]: r for r in kpi_rows(plan)}
    assert (rows["新規就農者数"]["baseline"]["value"], rows["新規就農者数"]["targets"][0]["value"]) == (5, 10)
    tourists = rows["観光入込客数"]
    assert (tourists["baseline"]["year"], tourists["targets"][0]["year"]) == (2014, 2019)
    assert rows["転入者数"]["role"] == "数値目標"
    (_, ind) = next((p, i) for p, i in plan.indicators() if i.name == "転入者数")
    assert [(v.value, v.legend) for v in ind.verdicts] == [("A", "評価区分 順調A,要改善B")]


def test_words_instead_of_numbers_and_nothing() -> None:
    # corpus 01: "なし" is none (no value exists), "設置" is text; 003: "待機児童なし" is 0.
    text = "成果指標 |\n平成12年 |\n5ヵ年目標 |\n協議会の設置 |\nなし |\n設置 |\n"
    (row,) = kpi_rows(read_plan(SourceText.from_text("w.txt", text)))
    assert row["baseline"]["status"] == "none" and row["baseline"]["year"] == 2000
    assert row["targets"][0]["status"] == "text" and row["targets"][0]["value"] is None
    assert is_value("待機児童なし") and not looks_like_name("1,007人")


def test_damaged_rows_are_uncertain_with_a_warning_and_never_invented() -> None:
    plan = read_plan(_corpus_source("04_mima.txt"))
    rows = kpi_rows(plan)
    uncertain = [r for r in rows if r.get("uncertain")]
    assert uncertain, "column-scrambled names must be flagged"
    lines = {w.source.line for w in plan.warnings}
    for r in uncertain:
        ind = next(i for _, i in plan.indicators() if i.name == r["name"])
        assert ind.source is not None and ind.source.line in lines
    # a name whose values cannot be placed keeps null values
    valueless = [
        r for r in rows if r["baseline"]["value"] is None and all(t["value"] is None for t in r["targets"])
    ]
    assert all(r.get("uncertain") for r in valueless)


def test_year_grid_gives_milestones_and_actuals() -> None:
    plan = read_plan(_corpus_source("09_mizunami.txt"))  # 年度 24年度…30年度 / 目標値 … / 実績値 …
    ind = next(i for _, i in plan.indicators() if i.name == "福祉ボランティアグループの数")
    s = ind.series[0]
    assert (s.targets[0].value, s.targets[0].year) == (23, 2023)
    assert [a.value for a in s.actuals] == [16, 16, 17, 18, 18, 18]
    assert [m.value for m in s.milestones] == [17, 20, 20, 20, 21, 22]
    assert ind.definition == "社会福祉協議会ボランティア連絡協議会加盟団体数"


def test_indicator_blocks_with_year_columns_marked_by_role() -> None:
    """``数値目標① 婚姻率 平成25(基準値) 平成27 平成28(現状値) 平成31(目標値) 5.5‰ 5.4‰ 5.0‰ 5.9‰``
    details an indicator of the summary list above it: its actual values join that row
    (checked against the hand-made gold), and no second row is made."""
    plan = read_plan(_corpus_source("15_matsudo_senryaku.txt"))
    gold = {r["name"]: r for r in KPI_GOLD["15_matsudo_senryaku.txt"]}
    names = [i.name for _, i in plan.indicators()]
    assert len(names) == len(set(names)), names
    for name in ("婚姻率", "出生数"):
        ind = next(i for _, i in plan.indicators() if i.name == name)
        got = [(a.value, a.year) for a in ind.series[0].actuals]
        assert got == [(a["value"], a["year"]) for a in gold[name]["actuals"]], name
    assert not any(n.startswith(("参考", "数値目標")) for n in names)


# -- behaviour of the command line ------------------------------------------------


def test_extract_reads_every_readable_file_then_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "memo.txt"
    bad.write_text("会議の日程をお知らせします。\n", encoding="utf-8")
    good = CORPUS_DIR / "raw" / "06_daisen.txt"
    out = tmp_path / "rows.jsonl"
    r = subprocess.run(
        [sys.executable, "-m", "machikpi.adapters.cli", "extract", str(bad), str(good), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 2
    assert "memo.txt" in r.stderr and "Traceback" not in r.stderr
    docs = {json.loads(line)["doc"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert docs == {"06_daisen.txt"}


def test_trace_says_what_each_line_was_taken_for() -> None:
    reading = read(_corpus_source("01_oyabe.txt"))
    kinds = {ln.text: ln.kind for ln in reading.lines}
    assert kinds["5ヵ年目標"] == "header" and kinds["図書館入館者数"] == "row"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "machikpi.adapters.cli",
            "extract",
            "--trace",
            str(CORPUS_DIR / "raw" / "01_oyabe.txt"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0 and "cell of 図書館入館者数" in r.stdout and "pipe cell" in r.stdout


def test_role_comes_from_labels_then_from_the_level() -> None:
    text = "基本目標1 しごとをつくる\n\n指標名\t現状値\t目標値\n創業件数\t10件\t20件\n"
    (row,) = kpi_rows(read_plan(SourceText.from_text("r.txt", text)))
    assert row["role"] == str(Role.NUMERIC_GOAL)  # a 基本目標's table: 数値目標 (vocabulary level_roles)
    labelled = text.replace("指標名", "重要業績評価指標(KPI)")
    plan = read_plan(SourceText.from_text("r.txt", labelled))
    ind = plan.indicators()[0][1]
    assert ind.role is Role.KPI and ind.series[0].baseline.status is CellStatus.VALUE


def test_columns_separated_by_runs_of_spaces_and_one_cell_per_line() -> None:
    text = (
        "基本目標1 しごとをつくる\n\n"
        "指標名      基準値(令和元年度)      目標値(令和7年度)\n"
        "新規就農者数      5人      10人\n\n"
        "基本目標2 ひとを呼ぶ\n指標名\n現状値\n目標値(R7)\n転入者数\n1,200人\n1,500人\n婚姻件数\n300件\n320件\n"
    )
    rows = kpi_rows(read_plan(SourceText.from_text("c.txt", text)))
    got = [
        (
            r["path"][-1],
            r["name"],
            r["baseline"]["value"],
            r["baseline"]["year"],
            r["targets"][0]["value"],
            r["targets"][0]["year"],
        )
        for r in rows
    ]
    assert got == [
        ("しごとをつくる", "新規就農者数", 5, 2019, 10, 2025),
        ("ひとを呼ぶ", "転入者数", 1200, None, 1500, 2025),
        ("ひとを呼ぶ", "婚姻件数", 300, None, 320, 2025),
    ]


def test_evaluation_sheet_keeps_actuals_and_the_verdict_with_its_legend() -> None:
    text = (
        "令和5年度 効果検証シート\n\n基本目標1 しごとをつくる\n\n"
        "指標名\t基準値(R1)\t目標値(R6)\t実績値(R5)\t評価\n"
        "新規就農者数\t5人\t10人\t8人\tB\n"
        "観光入込客数\t120万人\t150万人\t151万人\tA\n\n"
        "評価:A 目標達成 B 概ね順調 C 遅れ\n"
    )
    plan = read_plan(SourceText.from_text("e.txt", text))
    by_name = {i.name: i for _, i in plan.indicators()}
    farmers = by_name["新規就農者数"]
    assert [(a.value, a.year) for a in farmers.series[0].actuals] == [(8, 2023)]
    assert [v.value for v in farmers.verdicts] == ["B"]
    assert farmers.verdicts[0].legend is not None and "概ね順調" in farmers.verdicts[0].legend
    (row,) = [r for r in kpi_rows(plan) if r["name"] == "観光入込客数"]
    assert row["actuals"][0]["value"] == 151


def test_a_unit_printed_with_the_name() -> None:
    text = "指標名\t現状値\t目標値\n市内総生産額(億円)\t1,997\t2,097\n転入者数【人】\t1,200\t1,500\n"
    plan = read_plan(SourceText.from_text("u.txt", text))
    assert [(r["name"], r["unit"]) for r in kpi_rows(plan)] == [
        ("市内総生産額(億円)", "億円"),
        ("転入者数【人】", "人"),
    ]
    assert not any("単位がありません" in w.message for w in plan.warnings)
