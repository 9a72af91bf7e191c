"""The general reader on 総合戦略 goals and measures (基本目標N-N → 具体的な施策 → KPI tables).

Values asserted for the seed are read off the seed text
(``shared/seeds/003_06b39d270299f45c.txt``, line numbers given); the
hand-made documents use other names, numbers and counts to show that the
importer keys on the structure, not on the seed.
"""

from __future__ import annotations

import pytest

from machikpi.adapters.textfiles import read_source
from machikpi.core.model import Bound, CellStatus, Indicator, Plan, Role, YearType
from machikpi.core.reader import read_plan
from machikpi.core.rows import kpi_rows
from machikpi.core.source import SourceText
from machikpi.samples import SEEDS_DIR

SEED = "003_06b39d270299f45c.txt"
OTHERS = (
    "000_4cf7fbf0a1127527.txt",
    "001_f3abde356c42c768.txt",
    "002_9e8d8679760f1d1c.txt",
    "004_ce2878ebb8c6f072.txt",
)


@pytest.fixture(scope="module")
def seed_source() -> SourceText:
    return read_source(SEEDS_DIR / SEED)


@pytest.fixture(scope="module")
def seed_plan(seed_source: SourceText) -> Plan:
    return read_plan(seed_source)


def _ind(plan: Plan, name: str) -> Indicator:
    found = [ind for _, ind in plan.indicators() if ind.name == name]
    assert len(found) == 1, f"{name}: {len(found)} found"
    return found[0]


def _path(plan: Plan, name: str) -> list[tuple[str | None, str]]:
    for path, ind in plan.indicators():
        if ind.name == name:
            return [(n.code, n.title) for n in path]
    raise AssertionError(name)


# -- recognise ------------------------------------------------------------


# -- the seed: structure --------------------------------------------------


def test_seed_tree(seed_plan: Plan) -> None:
    goals = [(n.code, n.title) for n in seed_plan.nodes]
    assert goals == [("1", "しごとの創生"), ("2", "ひとの創生"), ("3", "まちの創生")]
    subs = [(s.code, s.title) for g in seed_plan.nodes for s in g.children]
    # l.110, 235, 319, 401, 464, 584 (the table of contents, l.21-29, adds none)
    assert subs == [
        ("1-1", "安定した雇用の創出"),
        ("1-2", "ひとの流れの創出"),
        ("2-1", "結婚・出産・子育ての希望の実現"),
        ("2-2", "地域を担う人材の育成"),
        ("3-1", "時代にあった地域づくり"),
        ("3-2", "安心安全な暮らしの実現"),
    ]
    measures = {s.code: [(m.code, m.title) for m in s.children] for g in seed_plan.nodes for s in g.children}
    assert measures["1-1"] == [
        ("1", "地域産業の活性化、付加価値の向上"),  # l.143, heading missing
        ("2", "就労への総合的支援"),  # l.166-168
        ("3", "企業誘致の推進"),
        ("4", "農業の成長産業化"),
    ]
    assert measures["2-2"] == [
        ("1", "地域に根ざした特色ある教育の推進"),
        ("2", "グローバル教育の推進"),
    ]  # l.424, l.446
    # l.517: the title wraps with a space
    assert measures["3-1"][1] == ("2", "住み慣れた地域で安心して自立した生活を送ることができる体制の整備")
    assert [m.code for m in seed_plan.nodes[2].children[1].children] == ["1", "2"]
    levels = {(len(anc), n.level) for anc, n in seed_plan.walk()}
    assert levels == {(0, "基本目標"), (1, "基本目標"), (2, "具体的な施策")}


def test_seed_misprinted_goal_heading(seed_plan: Plan) -> None:
    # l.582 prints 基本目標2 above 基本目標3-2 (l.584).
    assert _path(seed_plan, "刑法犯認知件数")[:2] == [("3", "まちの創生"), ("3-2", "安心安全な暮らしの実現")]
    assert any(w.source.line == 582 and "誤植" in w.message for w in seed_plan.warnings)
    assert "3-2" not in [s.code for s in seed_plan.nodes[1].children]


def test_seed_missing_headings_are_warned(seed_plan: Plan) -> None:
    lines = sorted(w.source.line for w in seed_plan.warnings if "補いました" in w.message)
    assert lines == [143, 264, 350, 424, 493, 609]


def test_seed_roles_and_counts(seed_plan: Plan) -> None:
    rows = kpi_rows(seed_plan)
    assert len(rows) == 50
    assert sum(r["role"] == "数値目標" for r in rows) == 6
    assert sum(r["cumulative"] for r in rows) == 9
    assert _ind(seed_plan, "新規求人数").role is Role.NUMERIC_GOAL  # l.115
    assert _ind(seed_plan, "創業相談件数").role is Role.KPI  # l.154
    assert _path(seed_plan, "創業相談件数") == [
        ("1", "しごとの創生"),
        ("1-1", "安定した雇用の創出"),
        ("1", "地域産業の活性化、付加価値の向上"),
    ]


# -- the seed: values -----------------------------------------------------


def test_seed_cell_years_override_header(seed_plan: Plan) -> None:
    ind = _ind(seed_plan, "製造品出荷額等")  # l.152: ^{**} mark, 平成30年 / 令和8年
    s = ind.series[0]
    assert (s.baseline.value, s.baseline.year, s.baseline.year_type) == (11942, 2018, YearType.CALENDAR)
    assert (s.targets[0].value, s.targets[0].year) == (13500, 2026)
    assert ind.unit == "億円"
    # l.164: footnote headword is the indicator itself → definition
    assert ind.definition == "製造品出荷額、加工賃収入額、その他収入額の合計(経済センサス・経済構造実態調査)"
    s = _ind(seed_plan, "新技術・新製品等の開発数").series[0]  # l.153: header years
    assert (s.baseline.year, s.baseline.year_type, s.targets[0].year) == (2019, YearType.FISCAL, 2027)


def test_seed_definition_split_and_cumulative(seed_plan: Plan) -> None:
    ind = _ind(seed_plan, "新規就農者数")  # l.219 "新規就農者数*(累計)", footnote l.227
    assert ind.cumulative
    assert ind.definition == "令和元年度以降の新規就農者数の総数。"
    assert ind.notes == ["目標値は年間10人程度を見込んだ累計値。"]
    ind = _ind(seed_plan, "製造業の従業者数")  # l.208: trailing ※ remark is a note
    assert ind.notes == ["雇用期間1カ月以内の臨時雇用者は含まない"]
    assert ind.definition is not None and ind.definition.endswith("(経済センサス・経済構造実態調査)")
    assert _ind(seed_plan, "年少人口").definition == "15歳未満の人口。"  # l.324 [*], l.348 ※年少人口:


def test_seed_glossary_notes(seed_plan: Plan) -> None:
    assert _ind(seed_plan, "ほ場整備面積").notes == ["ほ場:作物を栽培する田畑などの農地。"]  # l.220, l.229
    ind = _ind(seed_plan, "ミニデイサービス事業を実施している行政区の割合")  # l.524 [®], wrapped name
    assert ind.notes[0].startswith("ミニデイサービス事業:行政区などが主体となり")
    assert ind.definition is None
    # l.393: the OCR headword 特機児童 is matched to the marked term 待機児童
    ind = _ind(seed_plan, "保育施設待機児童数")
    assert len(ind.notes) == 1 and ind.notes[0].startswith("保育施設待機児童:調査日時点")
    assert "利用していないもの。" in ind.notes[0]
    assert any(w.source.line == 393 for w in seed_plan.warnings)
    # unmarked terms (子育て世代包括支援センター, l.368) attach to nothing
    assert _ind(seed_plan, "子育て世代包括支援センター相談件数").notes == []


def test_seed_marked_cell_paragraphs(seed_plan: Plan) -> None:
    ind = _ind(seed_plan, "ファミリーサポートセンター会員登録数")  # l.384 "700人(※)", l.386
    assert ind.notes[0] == "現状値(令和元年度)からは減少しているが、令和4年度実績(655人)から増加させるもの。"
    assert ind.notes[1].startswith("ファミリーサポートセンター:")
    assert ind.series[0].targets[0].value == 700
    bus, rail = _ind(seed_plan, "コミュニティバス利用者数"), _ind(seed_plan, "鉄道利用者数")  # l.570-573
    assert bus.notes == rail.notes and len(bus.notes) == 1 and bus.notes[0].startswith("現状値(令和元年度)")
    assert rail.unit == "万人" and rail.series[0].baseline.value == 490.7
    assert (rail.series[0].targets[0].value, rail.series[0].targets[0].year) == (430, 2026)
    # a ※ paragraph elsewhere (l.348) is not a note of an unmarked row
    assert _ind(seed_plan, "3歳児健康診査受診率").notes == []


def test_seed_groups(seed_plan: Plan) -> None:
    ind = _ind(seed_plan, "英語の学習が楽しいと感じている児童・生徒の割合")  # l.455-456
    got = [(s.group, s.baseline.value, s.targets[0].value) for s in ind.series]
    assert got == [("小学校", 88.7, 90.0), ("中学校", 82.8, 85.0)]
    assert ind.series[1].baseline.raw == "中学校 82.8%"
    ind = _ind(seed_plan, "健康寿命")  # l.502
    assert [(s.group, s.baseline.value) for s in ind.series] == [("男性", 77.41), ("女性", 79.89)]
    assert all(s.targets[0].status is CellStatus.PENDING for s in ind.series)
    assert ind.notes == ["健康いせさき21(第3次)検討にあわせて設定予定"]


def test_seed_damaged_cells(seed_plan: Plan) -> None:
    s = _ind(seed_plan, "災害図上訓練年間実施回数").series[0]  # l.619 "O□" / "50"
    assert (s.baseline.value, s.baseline.unit) == (0, "回")
    assert s.targets[0].value == 50  # read as printed, with a warning
    assert any(w.source.line == 619 and "単位がありません" in w.message for w in seed_plan.warnings)
    s = _ind(seed_plan, "子育て世代包括支援センター相談件数").series[0]  # l.359 "_"
    assert s.baseline.status is CellStatus.NONE and s.baseline.year == 2019
    s = _ind(seed_plan, "保育施設待機児童数").series[0]  # l.381 待機児童なし
    assert (s.baseline.value, s.targets[0].value) == (0, 0)
    assert _ind(seed_plan, "放課後児童クラブ数").unit == "カ所"  # l.382 78力所
    assert _ind(seed_plan, "休日夜間急患センターの開設日数").notes == ["閏年"]  # l.503


# -- a hand-made document of the same layout -------------------------------

HANDMADE = """\
第3期 みどり町 総合戦略

目次
基本目標1 産業を育てる\t4
基本目標1-1 農林業の振興\t4
基本目標2 暮らしを守る\t9

第1章 はじめに

本戦略は、町の将来像を示すものです。基本目標1では、産業を育てることを目指します。

第2章 基本目標と具体的な施策

基本目標1 産業を育てる

基本目標1-1 農林業の振興

数値目標

指標名\t基準値 (令和2年度)\t目標値 (令和7年度)
農業産出額*\t42億円\t50億円以上

基本的方向

町の農林業を守り育てます。

[※] **農業産出額**:町内で生産された農産物の販売額の合計。目標値は国の推計に基づく。

具体的な施策① 森林資源の活用

間伐材の利用を進め、森林の循環を図ります。

重要業績評価指標(KPI)

指標名\t基準値 (令和2年度)\t目標値 (令和7年度)
間伐面積(累計)\t120ha\t600ha
木質バイオマス*利用量\t3,000t\t4,500t (令和6年)

- 間伐の推進
- 木材の地産地消

[※] 木質バイオマス:木材に由来する再生可能な資源。

直売所の魅力向上

直売所の品ぞろえを増やし、来客を増やします。

重要業績評価指標(KPI)

指標名\t基準値 (令和2年度)\t目標値 (令和7年度)
直売所の年間来客数\t8.2万人\t9.5万人(※1)
直売所の出荷者数\t210人\t250人

※1 令和4年度に改装のため一時休業。

基本目標3 暮らしを守る

基本目標2-1 防災力の向上

数値目標

指標名\t基準値 (令和2年度)\t目標値 (令和7年度)
自主防災組織の組織率\t地区 61.0%\t地区 80.0%
\t学校 40.0%\t学校 60.0%

消防団の充実

消防団員の確保と装備の充実を図ります。

重要業績評価指標(KPI)

指標名\t基準値 (令和2年度)\t目標値 (令和7年度)
消防団員数\t315人\t330人
消防団の訓練に参加した住民の\t\t
割合\t12.5%\t20.0%

具体的な施策②

避難所の整備

避難所の備蓄を進めます。

重要業績評価指標(KPI)

指標名\t基準値 (令和2年度)\t目標値 (令和7年度)
備蓄食料の量\t—\t設定予定
"""


@pytest.fixture(scope="module")
def hand_plan() -> Plan:
    return read_plan(SourceText.from_text("handmade.txt", HANDMADE))


def test_handmade_tree(hand_plan: Plan) -> None:
    tree = [(len(anc), n.code, n.title) for anc, n in hand_plan.walk()]
    assert tree == [
        (0, "1", "産業を育てる"),
        (1, "1-1", "農林業の振興"),
        (2, "1", "森林資源の活用"),
        (2, "2", "直売所の魅力向上"),  # heading missing after measure ①'s table
        (0, "2", "暮らしを守る"),  # 基本目標3 is misprinted above 2-1
        (1, "2-1", "防災力の向上"),
        (2, "1", "消防団の充実"),  # heading missing
        (2, "2", "避難所の整備"),  # heading, title on the next line
    ]
    messages = [w.message for w in hand_plan.warnings]
    assert sum("見出し" in m for m in messages) == 2
    assert any("誤植" in m for m in messages)


def test_handmade_values(hand_plan: Plan) -> None:
    ind = _ind(hand_plan, "農業産出額")
    assert ind.role is Role.NUMERIC_GOAL
    assert ind.definition == "町内で生産された農産物の販売額の合計。"
    assert ind.notes == ["目標値は国の推計に基づく。"]
    s = ind.series[0]
    assert (s.baseline.value, s.baseline.year, s.baseline.year_type) == (42, 2020, YearType.FISCAL)
    assert (s.targets[0].value, s.targets[0].year, s.targets[0].bound) == (50, 2025, Bound.MIN)
    ind = _ind(hand_plan, "間伐面積")
    assert ind.cumulative and ind.role is Role.KPI and ind.unit == "ha"
    ind = _ind(hand_plan, "木質バイオマス利用量")
    assert ind.notes == ["木質バイオマス:木材に由来する再生可能な資源。"]
    assert (ind.series[0].targets[0].year, ind.series[0].targets[0].year_type) == (2024, YearType.CALENDAR)
    assert _ind(hand_plan, "直売所の年間来客数").notes == ["令和4年度に改装のため一時休業。"]
    assert _ind(hand_plan, "直売所の出荷者数").notes == []
    assert _path(hand_plan, "直売所の出荷者数")[-1] == ("2", "直売所の魅力向上")


def test_handmade_wrapped_rows(hand_plan: Plan) -> None:
    ind = _ind(hand_plan, "自主防災組織の組織率")  # values continue on a line with no name
    assert [(s.group, s.baseline.value, s.targets[0].value) for s in ind.series] == [
        ("地区", 61.0, 80.0),
        ("学校", 40.0, 60.0),
    ]
    ind = _ind(hand_plan, "消防団の訓練に参加した住民の割合")  # name wraps, first line has no values
    assert (ind.series[0].baseline.value, ind.series[0].targets[0].value) == (12.5, 20.0)
    assert _path(hand_plan, "消防団員数")[-1] == ("1", "消防団の充実")
    s = _ind(hand_plan, "備蓄食料の量").series[0]
    assert s.baseline.status is CellStatus.NONE and s.targets[0].status is CellStatus.PENDING


def test_handmade_table_of_contents_and_prose_skipped(hand_plan: Plan) -> None:
    assert [n.code for n in hand_plan.nodes] == ["1", "2"]
    assert len(kpi_rows(hand_plan)) == 10  # 9 indicators, one split in two groups


VARIANT = """\
基本目標2 観光で人を呼ぶ

基本目標2-1 交流人口の拡大

指標名\t現状値 (平成31年度)\t目標値 (令和8年度)
宿泊者数\t52,000人\t60,000人

温泉街のにぎわい創出

温泉街の空き店舗を活用し、回遊性を高めます。

12

指標名\t現状値 (平成31年度)\t目標値 (令和8年度)
空き店舗の活用件数(累計)\t3件\t15件

具体的な施策(2) 情報発信の強化

重要業績評価指標(KPI)

指標名\t現状値 (平成31年度)\t目標値 (令和8年度)
観光サイトの閲覧数\t45万件\t集計中
"""


def test_variant_without_labels() -> None:
    plan = read_plan(SourceText.from_text("variant.txt", VARIANT))
    tree = [(len(anc), n.code, n.title) for anc, n in plan.walk()]
    assert tree == [
        (0, "2", "観光で人を呼ぶ"),
        (1, "2-1", "交流人口の拡大"),
        (2, "1", "温泉街のにぎわい創出"),  # not the page number "12"
        (2, "2", "情報発信の強化"),
    ]
    assert _ind(plan, "宿泊者数").role is Role.NUMERIC_GOAL  # first table of the sub-goal, no label
    ind = _ind(plan, "空き店舗の活用件数")
    assert ind.role is Role.KPI and ind.cumulative
    s = ind.series[0]
    assert (s.baseline.year, s.targets[0].value, s.targets[0].year) == (2019, 15, 2026)
    assert _ind(plan, "観光サイトの閲覧数").series[0].targets[0].status is CellStatus.TALLYING
    assert sum("表の種類" in w.message for w in plan.warnings) == 2
