"""The general reader on KPI blocks with rationale rows on its seed (002) and on hand-made documents.

Expected values are read off the seed text (line numbers given) and off the
small documents written here, never copied from the reader's output.
"""

from __future__ import annotations

from typing import Any, cast

import pytest

from machikpi.adapters.textfiles import read_source
from machikpi.core.model import CellStatus, Plan, Role, YearType
from machikpi.core.reader import notes as strategy_blocks
from machikpi.core.reader import read_plan
from machikpi.core.rows import kpi_rows
from machikpi.core.source import SourceText
from machikpi.samples import SEEDS_DIR

SEED = "002_9e8d8679760f1d1c.txt"
OTHERS = [
    "000_4cf7fbf0a1127527.txt",
    "001_f3abde356c42c768.txt",
    "003_06b39d270299f45c.txt",
    "004_ce2878ebb8c6f072.txt",
]


@pytest.fixture(scope="module")
def seed_plan() -> Plan:
    return read_plan(read_source(SEEDS_DIR / SEED))


def _by_name(plan: Plan) -> dict[str, dict]:
    return {r["name"]: cast("dict[str, Any]", r) for r in kpi_rows(plan)}


# ---------------------------------------------------------------- recognise


# ---------------------------------------------------------------- the seed


def test_seed_nodes_use_body_titles(seed_plan: Plan) -> None:
    # l.203-205, 283-285, 364-366, 443-445; not the <…> titles of the contents (l.31).
    assert [(n.level, n.code, n.title) for n in seed_plan.nodes] == [
        ("基本目標", "1", "稼ぐ力と新しい価値を生み出すしごとをつくる"),
        ("基本目標", "2", "地域の担い手となる多様なひとの流れをつくる"),
        ("基本目標", "3", "誰もが安心して暮らせるまちをつくる"),
        ("基本目標", "4", "デジタル技術を活用し、持続可能で住みよいまちをつくる"),
    ]
    assert [len(n.indicators) for n in seed_plan.nodes] == [2, 2, 2, 2]
    assert seed_plan.warnings == []


def test_seed_values_and_years(seed_plan: Plan) -> None:
    rows = _by_name(seed_plan)
    # l.269: 市内総生産額 1,997億円 → 2,097億円, header years 令和6年度 / 令和11年度 (l.268).
    r = rows["市内総生産額"]
    assert r["unit"] == "億円" and r["role"] == "KPI" and r["codes"] == ["1"]
    assert (r["baseline"]["value"], r["baseline"]["year"], r["baseline"]["year_type"]) == (
        1997,
        2024,
        "fiscal",
    )
    assert [(t["value"], t["year"]) for t in r["targets"]] == [(2097, 2029)]
    # l.348: the extraction's space stays in raw; unit 千人.
    r = rows["観光交流客数"]
    assert r["baseline"]["raw"] == "1,819 千人" and r["unit"] == "千人"
    # l.437: the table's 143件, not the 150件 of the rationale (l.441).
    assert rows["人身事故発生件数"]["targets"][0]["value"] == 143
    assert rows["人身事故発生件数"]["targets"][0]["bound"] is None
    assert rows["市内農業産額"]["baseline"]["value"] == pytest.approx(52.3)
    assert rows["コンビニ交付利用率"]["path"] == ["デジタル技術を活用し、持続可能で住みよいまちをつくる"]


def test_seed_notes_render_latex_and_drop_tags(seed_plan: Plan) -> None:
    rows = _by_name(seed_plan)
    notes = rows["市内総生産額"]["notes"]
    assert len(notes) == 2
    assert notes[0].startswith("指標の考え方：市内の総生産額が多くなることは")
    # l.273: "$199,717 \text{ 百万円} \times 1.05 = … \approx …$" as plain text.
    assert "199,717百万円×1.05=209,702百万円≈209,700百万円（5.0%増）端数調整により設定。" in notes[1]
    assert notes[1].startswith("目標値の考え方：")
    # l.358: "を KPI として" → spaces removed.
    assert "移住者数をKPIとして設定する" in rows["移住相談等を通じた移住者数"]["notes"][0]
    # l.510: <p>…</p> removed.
    online = rows["オンライン申請率"]["notes"]
    assert online[0] == (
        "指標の考え方：これまでの窓口に出向いて書面で行っていた手続きが、自宅や職場から24時間いつでも"
        "可能になり、移動時間や待ち時間をなくすことで市民の利便性の向上、市役所の業務効率化、コスト削減を図る。"
    )
    assert all("<" not in n and "$" not in n for r in rows.values() for n in r["notes"])


def test_seed_footnote_gives_definition_and_note(seed_plan: Plan) -> None:
    r = _by_name(seed_plan)["観光交流客数"]  # printed "観光交流客数 (※19)" on l.348
    assert r["definition"] == (
        "市内旅館等への宿泊客数と観光レクリエーション客数（韮山反射炉、江川邸、民間観光施設、"
        "観光農園、日帰り温泉施設などの利用者数）を足した人数のこと。"
    )
    assert len(r["notes"]) == 3
    assert r["notes"][2].startswith("観光交流客数…市内旅館等への宿泊客数")
    assert _by_name(seed_plan)["市内総生産額"]["definition"] is None


# ---------------------------------------------------------------- LaTeX


def test_render_latex() -> None:
    assert (
        strategy_blocks.clean_note_text(r"約 $\frac{3}{4} \fallingdotseq 0.75$ とする") == "約3/4≒0.75とする"
    )
    assert strategy_blocks.render_latex(r"$a \le b$") == "a ≤ b"
    assert strategy_blocks.render_latex("料金は$5から$10") == "料金は$5から$10"  # no math: unchanged


# ---------------------------------------------------------------- a hand-made document

HANDMADE = """\
第2期みどり町地方創生総合戦略

目次
\t基本目標1 <しごとをつくる>\t3
\t基本目標2 <ひとを呼ぶ>\t5
\t基本目標3 <まちを守る>\t8

基本目標 1

農と食でしごとをつくる

1 基本目標の柱

本文。

4 重要業績評価指標 (KPI)

重要業績評価指標 (KPI)\t基準値
\t目標値
\t令和5年度\t令和10年度
新規就農者数 ※3\t4人\t12人
指標の考え方\t\t
新規就農者の数は、農業の担い手の確保の度合いを示す。\t\t
目標値の考え方\t\t

毎年 2 人ずつの増加を目指す。\t\t
<p>$4 \\text{ 人} + 2 \\times 4 = 12 \\text{ 人}$</p>\t\t

重要業績評価指標 (KPI)\t基準値\t目標値
農産物直売所の
売上額\t3.5億円\t4億円以上
指標の考え方\t\t
直売所の売上は地域の農業所得につながる。\t\t
目標値の考え方\t\t
過去 5 年の伸びを参考とした。\t\t

（※3） 新規就農者数…町内で新たに就農した 45 歳未満の人の数。

基本目標 2 ひとを呼ぶまちをつくる

1 基本目標の柱

本文。

4 重要業績評価指標 (KPI)

重要業績評価指標 (KPI)\t基準値\t目標値
\t令和5年度\t令和10年度
転入者数 (※7)\t—\t500人
指標の考え方\t\t
転入は町の活力を示す。\t\t
目標値の考え方\t\t
近隣町の実績を参考とした。\t\t

（※7） 転入…他の市町村から住所を移すこと。

1 基本目標の柱

本文。

重要業績評価指標 (KPI)\t基準値\t目標値
\t令和5年度\t令和10年度
自主防災訓練の参加率\t35%\t60%
指標の考え方\t\t
防災意識の高さを示す。\t\t
目標値の考え方\t\t
毎年 5 ポイントの増加を目指す。\t\t
"""


@pytest.fixture(scope="module")
def hand_plan() -> Plan:
    return read_plan(SourceText.from_text("hand.txt", HANDMADE))


def test_handmade_nodes(hand_plan: Plan) -> None:
    assert hand_plan.title == "第2期みどり町地方創生総合戦略"
    # Goal 1 from the body heading (title on the next line), goal 2 with its title on
    # the heading line, goal 3 whose heading is missing: its title from the contents.
    assert [(n.code, n.title, [i.name for i in n.indicators]) for n in hand_plan.nodes] == [
        ("1", "農と食でしごとをつくる", ["新規就農者数", "農産物直売所の売上額"]),
        ("2", "ひとを呼ぶまちをつくる", ["転入者数"]),
        ("3", "まちを守る", ["自主防災訓練の参加率"]),
    ]
    assert all(i.role is Role.KPI for _, i in hand_plan.indicators())


def test_handmade_wrapped_header_and_footnote_definition(hand_plan: Plan) -> None:
    ind = hand_plan.nodes[0].indicators[0]
    s = ind.series[0]
    assert (s.baseline.value, s.baseline.year, s.baseline.year_type) == (4, 2023, YearType.FISCAL)
    assert [(t.value, t.year) for t in s.targets] == [(12, 2028)]
    assert ind.unit == "人"
    assert ind.definition == "町内で新たに就農した45歳未満の人の数。"
    assert ind.notes == [
        "指標の考え方：新規就農者の数は、農業の担い手の確保の度合いを示す。",
        "目標値の考え方：毎年2人ずつの増加を目指す。4人+2×4=12人",
        "新規就農者数…町内で新たに就農した45歳未満の人の数。",
    ]


def test_handmade_missing_year_line_and_wrapped_name(hand_plan: Plan) -> None:
    ind = hand_plan.nodes[0].indicators[1]
    assert ind.name == "農産物直売所の売上額"
    s = ind.series[0]
    # No year line: the previous header's years, with a warning.
    assert (s.baseline.value, s.baseline.year) == (3.5, 2023)
    assert (s.targets[0].value, s.targets[0].year, str(s.targets[0].bound)) == (4, 2028, "min")
    assert ind.unit == "億円"
    assert len(ind.notes) == 2
    messages = [(w.source.line, w.message) for w in hand_plan.warnings]
    assert any(line == 29 and "年度の行がない" in msg for line, msg in messages)


def test_handmade_term_footnote_is_a_note_not_a_definition(hand_plan: Plan) -> None:
    ind = hand_plan.nodes[1].indicators[0]
    assert ind.name == "転入者数"
    assert ind.series[0].baseline.status is CellStatus.NONE
    # The footnote explains 転入, not the indicator itself.
    assert ind.definition is None
    assert ind.notes[-1] == "転入…他の市町村から住所を移すこと。"


def test_handmade_missing_heading_is_warned(hand_plan: Plan) -> None:
    node = hand_plan.nodes[2]
    assert node.indicators[0].series[0].targets[0].value == 60
    missing = [w for w in hand_plan.warnings if "補いました" in w.message]
    assert len(missing) == 1 and missing[0].source.line == 57
    assert len(hand_plan.warnings) == 2


def test_years_in_header_cells_and_two_target_columns() -> None:
    text = (
        "基本目標 5 みんなで支えるまちをつくる\n"
        "\n"
        "指標名\t現状値 (R6年度)\t中間目標 (R8年度)\t目標値 (2029年度)\n"
        "見守りボランティア登録者数\t120人\t\t200人\n"
        "目標値設定の考え方\t\n"
        "毎年 16 人の増加を見込む。\t\n"
    )
    plan = read_plan(SourceText.from_text("y.txt", text))
    assert plan.warnings == []
    assert [(n.code, n.title) for n in plan.nodes] == [("5", "みんなで支えるまちをつくる")]
    (row,) = kpi_rows(plan)
    assert (row["baseline"]["value"], row["baseline"]["year"]) == (120, 2024)
    assert [(t["status"], t["value"], t["year"]) for t in row["targets"]] == [
        ("pending", None, 2026),
        ("value", 200, 2029),
    ]
    assert row["notes"] == ["目標値設定の考え方：毎年16人の増加を見込む。"]
