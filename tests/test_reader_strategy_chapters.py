"""The general reader on 重点戦略 chapters (重点戦略 chapters with ◆数値目標 / ◆KPI tables).

Expected values are read off the seed text (line numbers of
``000_4cf7fbf0a1127527.txt``) or off the small hand-made document below.
"""

from __future__ import annotations

import pytest

from machikpi.adapters.textfiles import read_source
from machikpi.core.model import CellStatus, Indicator, Plan, Role
from machikpi.core.reader import read_plan
from machikpi.core.source import SourceText
from machikpi.samples import SEEDS_DIR

SEED = "000_4cf7fbf0a1127527.txt"


@pytest.fixture(scope="module")
def seed_plan() -> Plan:
    return read_plan(read_source(SEEDS_DIR / SEED))


def _find(plan: Plan, name: str) -> tuple[list[str], Indicator]:
    found = [(path, ind) for path, ind in plan.indicators() if ind.name == name]
    assert len(found) == 1, [ind.name for _, ind in plan.indicators()]
    path, ind = found[0]
    return [n.code or "" for n in path], ind


# -- recognise ----------------------------------------------------------------


# -- the seed -----------------------------------------------------------------


def test_seed_tree(seed_plan: Plan) -> None:
    strategies = seed_plan.nodes
    # l.20 prints 重点戦略Ⅰ (roman), l.112/203/295 arabic 2..4.
    assert [(s.level, s.code) for s in strategies] == [("重点戦略", c) for c in "1234"]
    assert strategies[0].title == "子どもを育む環境づくり"  # l.22, the line after the heading
    assert strategies[3].title == "安心・安全で快適なまちづくり"  # l.297
    # each strategy has (1)..(3), listed once under ◆SDGs and printed again: no duplicates.
    for s in strategies:
        # (n) prints no level word: the general reader keeps the level empty rather than guess 施策.
        assert [c.code for c in s.children] == list("123")
    assert strategies[1].children[1].title == "担い手の育成・確保を支援する"  # l.164
    assert strategies[0].text.startswith("希望する妊娠・出産が叶うように")  # l.26 基本的な方向性


def test_seed_counts_and_roles(seed_plan: Plan) -> None:
    inds = seed_plan.indicators()
    # Tables: 3+2+2+2 数値目標 rows, 2+3+2 / 3+2+2 / 2+2+4 / 3+3+2 KPI rows.
    assert sum(i.role == Role.NUMERIC_GOAL for _, i in inds) == 9
    assert sum(i.role == Role.KPI for _, i in inds) == 30
    for path, ind in inds:
        assert len(path) == (1 if ind.role == Role.NUMERIC_GOAL else 2)


def test_seed_split_group_cell(seed_plan: Plan) -> None:
    # l.33: 小 79.9% 中 66.3%, name wrapped "あると 答えた", "(小中学校)" kept.
    codes, ind = _find(seed_plan, "将来の夢ややりたいことがあると答えた児童・生徒の割合(小中学校)")
    assert codes == ["1"] and ind.role == Role.NUMERIC_GOAL
    assert [(s.group, s.baseline.raw, s.baseline.value) for s in ind.series] == [
        ("小", "小 79.9%", 79.9),
        ("中", "中 66.3%", 66.3),
    ]
    assert ind.unit == "%"
    for s in ind.series:
        assert [(t.status, t.year) for t in s.targets] == [
            (CellStatus.PENDING, 2027),
            (CellStatus.PENDING, 2031),
        ]
        assert s.baseline.year is None


def test_seed_values_and_units(seed_plan: Plan) -> None:
    codes, ind = _find(seed_plan, "企業における二酸化炭素排出削減量")  # l.160 "129 トンCO ₂【累計】"
    assert codes == ["2", "1"]
    assert ind.cumulative and ind.unit == "トンCO2" and ind.series[0].baseline.value == 129
    codes, ind = _find(seed_plan, "橋りょうの耐震化数")  # l.340 集計中 … (橋)
    assert codes == ["4", "1"]
    assert ind.unit == "橋" and ind.series[0].baseline.status == CellStatus.TALLYING
    assert ind.series[0].targets[1].raw == "(橋)"
    _, ind = _find(seed_plan, "自動運転バスの運行路線数")  # l.307 "-", nothing else printed
    assert ind.series[0].baseline.status == CellStatus.NONE and ind.unit is None
    _, ind = _find(seed_plan, "合同就職面接会に参加した市内企業数")  # l.180 wrapped "市内 企業数"
    assert ind.series[0].baseline.value == 98 and ind.unit == "件"


def test_seed_footnotes(seed_plan: Plan) -> None:
    # l.126 "：創業支援計画に基づく支援を受けた創業者数" → 創業者数, names a count → definition.
    _, ind = _find(seed_plan, "創業者数")
    assert ind.definition == "創業支援計画に基づく支援を受けた創業者数" and ind.notes == [ind.definition]
    assert _find(seed_plan, "知的対流を通じた交流人数")[1].notes == []
    # l.108 "1：…" → both groups of the row marked ¹ (l.105); l.110 "2：…" → the row marked ².
    _, ind = _find(seed_plan, "話し合う活動で考えを深め、広げられている児童・生徒の割合(小中学校)")
    assert len(ind.series) == 2 and ind.definition is not None and "話し合う活動を通じて" in ind.definition
    _, ind = _find(seed_plan, "相談できる大人がいる児童・生徒の割合(小中学校)")
    assert ind.definition is not None and "困りごとや不安" in ind.definition
    # l.162 qualifies (…によるもの): a note, not a definition; attached to the CO2 row, not row 1.
    _, ind = _find(seed_plan, "企業における二酸化炭素排出削減量")
    assert ind.notes == ["脱炭素設備投資補助金など市の支援によるもの"] and ind.definition is None
    assert _find(seed_plan, "企業立地支援件数")[1].notes == []
    # l.35 → row 1 of its table (l.31), a population: note only.
    _, ind = _find(seed_plan, "育児・子育ては、夫婦同じくらい分担していると回答した割合")
    assert ind.notes == ["未就学児を育てている夫婦世帯が対象"] and ind.definition is None
    # l.217 explains 地域協議体 (l.214).
    assert _find(seed_plan, "地域協議体の開催回数")[1].notes[0].endswith("「第2層協議体」")


def test_seed_warnings(seed_plan: Plan) -> None:
    lines = {w.source.line for w in seed_plan.warnings}
    assert 360 in lines  # 70 店舗 vs (回)
    assert _find(seed_plan, "魅力化実施店舗数")[1].unit == "店舗"


# -- a hand-made document of the same layout ---------------------------------

HAND = """第3章 重点戦略

- 重点戦略1 まちの魅力を高める
- 重点戦略2 みどりを守る
- 重点戦略3 学びを支える

重点戦略Ⅰ まちの魅力を高める

◆基本的な方向性

観光と交流を進めます。

◆数値目標

指標名\t現状値\t目標値 (2026)\t目標値 (2028)\t目標値 (2030)
観光客数※1\t120万人\t130万人\t140万人\t150万人以上
平均寿命\t男性 80.1歳 女性 86.2歳\t検討中\t\t

※1：市内の主要観光施設の延べ入込客数

(1) 観光を磨く

(2) 交流を広げる

(1) 観光を磨く

◆KPI（重要業績評価指標）

指標名\t現状値\t目標値 (2026)\t目標値 (2028)\t目標値 (2030)
ガイドツアー開催回数【累計】\t—\t\t\t(回)

(2) 交流を広げる

◆KPI（重要業績評価指標）

指標名\t現状値\t目標値 (2026)\t目標値 (2028)\t目標値 (2030)
姉妹都市との交流事業数\t4 事業\t6 事業\t8 事業\t10 事業
国際交流ボランティア登録者数\t集計中\t\t\t

：語学ボランティアとして登録した個人

重点戦略Ⅲ

学びを支える

◆数値目標

指標名\t現状値\t目標値 (2026)\t目標値 (2028)\t目標値 (2030)
図書館の貸出冊数\t52万冊\t55万冊\t\t

重点戦略Ⅳ

◆数値目標

指標名\t現状値\t目標値 (2026)\t目標値 (2028)\t目標値 (2030)
公民館講座の受講者数\t3,210人\t-\t\t
"""


@pytest.fixture(scope="module")
def hand_plan() -> Plan:
    return read_plan(SourceText.from_text("hand.txt", HAND))


def test_hand_tree(hand_plan: Plan) -> None:
    assert [(s.code, s.title) for s in hand_plan.nodes] == [
        ("1", "まちの魅力を高める"),  # title on the heading line
        ("3", "学びを支える"),  # Ⅲ, title on the next line
        ("4", ""),  # Ⅳ, no title and not in the list
    ]
    assert [(c.code, c.title) for c in hand_plan.nodes[0].children] == [
        ("1", "観光を磨く"),
        ("2", "交流を広げる"),
    ]
    assert hand_plan.nodes[0].text == "観光と交流を進めます。"


def test_hand_values(hand_plan: Plan) -> None:
    codes, ind = _find(hand_plan, "観光客数")
    assert codes == ["1"] and ind.role == Role.NUMERIC_GOAL and ind.unit == "万人"
    s = ind.series[0]
    assert s.baseline.value == 120 and [t.value for t in s.targets] == [130, 140, 150]
    assert [t.year for t in s.targets] == [2026, 2028, 2030]
    assert s.targets[2].bound is not None and s.targets[2].bound.value == "min"
    # ※1 footnote to the row marked ※1; it names a count (…客数) → definition.
    assert ind.definition == "市内の主要観光施設の延べ入込客数"

    _, ind = _find(hand_plan, "平均寿命")
    assert [(x.group, x.baseline.value) for x in ind.series] == [("男性", 80.1), ("女性", 86.2)]
    assert ind.unit == "歳" and ind.notes == []

    codes, ind = _find(hand_plan, "ガイドツアー開催回数")
    assert codes == ["1", "1"] and ind.role == Role.KPI and ind.cumulative
    assert ind.unit == "回" and ind.series[0].baseline.status == CellStatus.NONE

    codes, ind = _find(hand_plan, "姉妹都市との交流事業数")
    assert codes == ["1", "2"] and ind.unit == "事業" and ind.series[0].targets[2].value == 10

    # unmarked footnote → the row it speaks of (ボランティア, 登録), a note only (…個人).
    _, ind = _find(hand_plan, "国際交流ボランティア登録者数")
    assert ind.notes == ["語学ボランティアとして登録した個人"] and ind.definition is None

    codes, ind = _find(hand_plan, "図書館の貸出冊数")
    assert codes == ["3"] and ind.series[0].baseline.value == 52


def test_hand_warnings(hand_plan: Plan) -> None:
    msgs = [(w.source.line, w.message) for w in hand_plan.warnings]
    text = HAND.split("\n")
    line_of = {t: n + 1 for n, t in enumerate(text)}
    # 重点戦略Ⅳ has no title; 重点戦略2 is listed but missing; Ⅲ follows Ⅰ.
    assert any(n == line_of["重点戦略Ⅳ"] and "題がありません" in m for n, m in msgs)
    assert any(n == line_of["- 重点戦略2 みどりを守る"] for n, _ in msgs)
    assert any(n == line_of["重点戦略Ⅲ"] and "見当たりません" in m for n, m in msgs)


def test_title_recovered_from_chapter_list() -> None:
    doc = "- 重点戦略1 ひとを育てる\n\n重点戦略1\n\n◆数値目標\n\n指標名\t策定時実績値\t目標値 (2030)\n人材育成数\t10人\t20人\n"
    plan = read_plan(SourceText.from_text("t.txt", doc))
    assert plan.nodes[0].title == "ひとを育てる"
    assert [w.source.line for w in plan.warnings] == [3]


def test_prose_naming_a_strategy_is_not_a_heading() -> None:
    doc = (
        "重点戦略1 ひとを育てる\n\n◆数値目標\n\n指標名\t策定時実績値\t目標値 (2030)\n人材育成数\t10人\t20人\n\n"
        "重点戦略1は、他の戦略を支えます\n"
    )
    plan = read_plan(SourceText.from_text("t.txt", doc))
    assert [(s.code, s.title) for s in plan.nodes] == [("1", "ひとを育てる")]
    assert plan.warnings == []


def test_header_wrapped_over_two_lines() -> None:
    doc = (
        "重点戦略2 ひとを育てる\n\n◆KPI\n\n"
        "指標名\t基準値\t目標値\t目標値\n"
        "\t(令和5年度)\t(令和9年度)\t(令和13年度)\n"
        "人材育成数\t10人\t20人\t30人\n"
    )
    plan = read_plan(SourceText.from_text("t.txt", doc))
    (_, ind), *rest = plan.indicators()
    assert rest == [] and ind.role == Role.KPI
    s = ind.series[0]
    assert (s.baseline.year, [t.year for t in s.targets]) == (2023, [2027, 2031])
    assert [t.value for t in s.targets] == [20, 30]
