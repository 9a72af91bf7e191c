"""The general reader on 総合計画 基本計画 chapters (総合計画 基本計画: 分野 → 施策大項目).

Expected values are read off the seed text (line numbers of
``004_ce2878ebb8c6f072.txt`` are given) or off the small hand-made documents
below, which use other names, numbers, counts and wrappings.
"""

from __future__ import annotations

import pytest

from machikpi.adapters.textfiles import read_source
from machikpi.core.errors import UnknownLayoutError
from machikpi.core.model import Bound, CellStatus, Indicator, Node, Plan, Role
from machikpi.core.reader import read_plan
from machikpi.core.source import SourceText
from machikpi.samples import SEEDS_DIR

SEED = "004_ce2878ebb8c6f072.txt"


@pytest.fixture(scope="module")
def seed() -> Plan:
    return read_plan(read_source(SEEDS_DIR / SEED))


def _nodes(plan: Plan) -> dict[str, Node]:
    return {n.code: n for _, n in plan.walk() if n.code}


def _ind(plan: Plan, name: str) -> Indicator:
    found = [i for _, i in plan.indicators() if i.name == name]
    assert len(found) == 1, [i.name for _, i in plan.indicators()]
    return found[0]


# ----------------------------------------------------------------- recognise


# ----------------------------------------------------------------- the seed


def test_seed_hierarchy(seed: Plan) -> None:
    assert [(n.level, n.code, n.title) for n in seed.nodes] == [
        ("分野", "5", "市民生活分野"),  # l.5
        ("分野", "6", "行財政経営分野"),  # l.374 "第 6 章 行財政経営分野"
    ]
    # l.27-47: the six items of chapter 5, wrap space of l.27 and l.31 removed.
    assert [(c.code, c.title) for c in seed.nodes[0].children] == [
        ("5-1", "市民との協働によるまちづくりの推進"),
        ("5-2", "人権を尊重する社会の実現"),
        ("5-3", "危機管理体制の強化"),
        ("5-4", "防犯対策の推進"),
        ("5-5", "交通安全対策の推進"),
        ("5-6", "市民サービスの向上"),
    ]
    assert [c.code for c in seed.nodes[1].children] == ["6-1", "6-2", "6-3", "6-4", "6-5"]
    assert seed.nodes[1].children[0].title == "市政情報の提供の充実と市政に対する市民参加の推進"
    assert seed.nodes[0].text == "市民だれもが活躍し、安全に生活できるまち"  # l.7


def test_seed_missing_headings_assigned_by_order_with_warnings(seed: Plan) -> None:
    nodes = _nodes(seed)
    # l.114 block (no heading) holds the table of l.122-125: it is 5-2.
    assert [i.name for i in nodes["5-2"].indicators] == [
        "人権教育研修会への参加者数(年間)",
        "審議会等における女性委員の割合",
        "国際交流事業への参加者数",
        "人権を尊重する社会が実現されている",
    ]
    # l.292 block → 5-5, l.332 block → 5-6, l.624 block → 6-4.
    assert nodes["5-5"].indicators[0].name == "市内における交通人身事故発生件数(年間)"
    assert nodes["5-6"].indicators[0].name == "証明書コンビニ交付サービスの交付数"
    assert nodes["6-4"].indicators[0].name == "オンラインによる各種手続数"
    missing = sorted(w.source.line for w in seed.warnings if "印字されていない" in w.message)
    assert missing == [114, 292, 332, 624]
    # 5-3 (l.175), 5-4 (l.241), 6-2 (l.478) have their headings: no warning there.
    assert not any(w.source.line in (175, 177, 241, 243, 478, 480) for w in seed.warnings)


def test_seed_outcome_cells(seed: Plan) -> None:
    # l.62: "82.31 % ▶▶" → raw without the arrows.
    ind = _ind(seed, "自治会の加入率")
    assert ind.role is Role.OUTCOME
    assert ind.definition == "全世帯のうち自治会に加入している世帯の割合"
    assert ind.unit == "%"
    s = ind.series[0]
    assert (s.baseline.raw, s.baseline.value, s.baseline.year) == ("82.31 %", 82.31, None)
    assert [(t.raw, t.value, t.year) for t in s.targets] == [("85.00 %", 85.0, None)]
    # l.64: "—" baseline → none.
    base = _ind(seed, "市民提案型事業数").series[0].baseline
    assert base.status is CellStatus.NONE and base.value is None
    # l.693 / l.695: 以内 → max; no 以内 → no bound.
    t = _ind(seed, "経常収支比率").series[0].targets[0]
    assert (t.value, t.bound, t.raw) == (92.7, Bound.MAX, "92.7 %以内")
    assert _ind(seed, "将来負担比率").series[0].targets[0].bound is None
    # l.696: definition glued to the name, note in the target cell.
    ind = _ind(seed, "20代・30代の転入超過人口")
    assert ind.definition == "転入人口-転出人口"
    assert ind.notes == ["移動均衡"]
    assert (ind.unit, ind.series[0].targets[0].value) == ("人", 0.0)
    # l.487-488: "[*]" marks removed; "(年間)" stays; 10.0% is no bound.
    assert _ind(seed, "職員提案制度件数(年間)").series[0].baseline.value == 5
    ind = _ind(seed, "高ストレスと判定される職員の割合")
    assert ind.definition == "厚生労働省の判定基準10%"
    assert ind.series[0].targets[0].bound is None
    # l.560: a unit that is not in the known list.
    assert _ind(seed, "早稲田大学との協働事業数").unit == "事業"


def test_seed_satisfaction_lines(seed: Plan) -> None:
    sats = [(i.name, i.series[0].baseline.raw) for _, i in seed.indicators() if i.role is Role.SATISFACTION]
    assert len(sats) == 11  # one per 施策大項目 block
    # l.137: markdown ** dropped.
    assert ("人権を尊重する社会が実現されている", "23.1%") in sats
    # l.72-74: label alone, statement and value on the line below.
    assert ("ボランティア活動や自治会活動などの市民との協働によるまちづくりが進んでいる", "30.6%") in sats
    # l.437-442: statement wrapped over two lines, value on its own line.
    ind = _ind(seed, "市の情報発信や情報公開が充実し、まちづくりへの市民参加機会がたくさんある")
    assert ind.unit == "%" and ind.definition is None
    assert ind.series[0].baseline.value == 30.4
    assert ind.series[0].targets == []


def test_seed_counts_and_no_indicators_from_chapter_7(seed: Plan) -> None:
    inds = seed.indicators()
    assert len(inds) == 38
    assert all(i.source is not None and i.source.line < 754 for _, i in inds)  # l.754 第7章
    assert all(c.year is None for _, i in inds for s in i.series for c in (s.baseline, *s.targets))


def test_seed_node_text(seed: Plan) -> None:
    text = _nodes(seed)["5-1"].text
    assert "- 市民の提案がまちづくりに活かされています。" in text  # l.59 めざす姿
    assert "1. 自治会の支援" in text  # l.82 取組内容
    assert "協働による取組" in text  # l.106
    assert "市民による植栽活動" not in text  # l.100 photo caption
    assert "30.6%" not in text  # the 満足度 line is an indicator, not text
    assert "人権" not in text  # the next block (l.114) is not in it
    # l.746's circled items (①認知度の向上 …) are read as numbered items of 6-5 by the
    # general reader (the outline stage), no longer pasted into its text.


def test_seed_links_of_chapter_7(seed: Plan) -> None:
    links = {lk.source_code: lk for lk in seed.links}
    assert sorted(str(k) for k in links) == ["1", "2", "3", "4", "5"]  # l.772, 828, 886, 929, 975
    # l.886: plan 3; its lists at l.896-902 and l.908-921 (5-1 wrapped over l.920-921).
    p3 = links["3"]
    assert p3.source_title == "まちなか再生にぎわいプラン"
    assert p3.source is not None and p3.source.line == 886
    assert p3.target_codes == ["3-2", "3-4", "4-1", "3-6", "4-2", "4-3", "4-4", "4-7", "5-1"]
    assert p3.target_titles[-1] == "市民との協働によるまちづくりの推進"
    # l.975-1013: plan 5 (tagline on its own line l.977), 5-1 once, ends with 5-2.
    p5 = links["5"]
    assert p5.source_title == "誰もが輝く、チャレンジ応援プラン"
    assert p5.target_codes == ["1-5", "3-1", "3-2", "3-3", "3-5", "5-1", "1-1", "1-6", "5-2"]
    assert p5.target_titles[-1] == "人権を尊重する社会の実現"
    # l.772 heading vs l.756 list entry (OCR damage "埴保己ー"): warned, heading kept.
    assert links["1"].source_title == "塙保己一プラン"
    assert any(w.source.line == 772 for w in seed.warnings)
    # plan 1 names 2-4 twice (l.788, l.816): once in the link.
    assert links["1"].target_codes.count("2-4") == 1
    assert "6-4" in links["1"].target_codes  # l.822


# ----------------------------------------------------------------- hand-made documents

HAND = """\
第 2 章 健康福祉分野

だれもが健やかに暮らせるまち

施策大項目

1. 地域医療の 充実

2. 高齢者が安心して
暮らせる地域づくり

3. 子育て支援の推進

地域医療の充実

めざす姿

- 必要な医療を受けられます。

成果指標\t現状値 (令和4年度)\t\t目標値 (令和10年度)
かかりつけ医のいる市民の割合 [20歳以上]\t61.5 %\t▶▶\t70.0 %以上
救急搬送の平均時間 ※\t38.2 分\t▶▶\t35 分以内

現況と課題

施策に関する市民満足度 医療体制が整っている 45.5 %

取組内容(施策中項目)

1. 医療機関との連携

- 連携を進めます。

▲ 病院の写真

- 介護が必要になっても住み続けられるよう支えます。

めざす姿

- 高齢者が地域で暮らしています。

成果指標\t現状値 (令和4年度)\t\t目標値 (令和10年度)
認知症サポーター数(累計)\t1,200 人\t▶▶\t2,000 人

施策に係る市民満足度

高齢者が安心して暮らせる
環境が整っている

**18.0%**

子育て支援の
推進

めざす姿

- 子どもが健やかに育っています。

成果指標\t現状値 (令和4年度)\t\t目標値 (令和10年度)
待機児童数\t3 人\t▶▶\t0 人

第 3 章 重点プロジェクト

1. 健康長寿プロジェクト
2. 子育て応援プロジェクト

1. 健康長寿プロジェクト～いつまでも元気に～

施策大項目

2-1 地域医療の充実

2-2 高齢者が安心して
暮らせる地域づくり

8-4 公園の整備

2. 子育て応援プロジェクト

施策大項目

2-3 子育て支援の推進
2-1 地域医療の充実
おわりに
"""


@pytest.fixture(scope="module")
def hand() -> Plan:
    return read_plan(SourceText.from_text("hand.txt", HAND))


def test_hand_hierarchy_and_assignment(hand: Plan) -> None:
    assert [(n.code, n.title, n.text) for n in hand.nodes] == [
        ("2", "健康福祉分野", "だれもが健やかに暮らせるまち")
    ]
    kids = hand.nodes[0].children
    assert [(c.code, c.title) for c in kids] == [
        ("2-1", "地域医療の充実"),
        ("2-2", "高齢者が安心して暮らせる地域づくり"),
        ("2-3", "子育て支援の推進"),
    ]
    assert [i.name for i in kids[0].indicators] == [
        "かかりつけ医のいる市民の割合",
        "救急搬送の平均時間",
        "医療体制が整っている",
    ]
    # The 2-2 block has no heading (the line above is a bullet of 2-1): by order, warned.
    assert [i.name for i in kids[1].indicators] == [
        "認知症サポーター数",
        "高齢者が安心して暮らせる環境が整っている",
    ]
    assert [w.source.line for w in hand.warnings if "印字されていない" in w.message] == [38]
    # The 2-3 heading is wrapped over two lines and still names its item: no warning.
    assert [i.name for i in kids[2].indicators] == ["待機児童数"]
    assert len([w for w in hand.warnings if "見出し" in w.message]) == 1
    # The 2-1 bullet printed above the headless block stays with 2-1, the caption is dropped.
    assert "介護が必要になっても" in kids[0].text and "病院の写真" not in kids[0].text
    assert "介護" not in kids[1].text


def test_hand_cells_years_bounds(hand: Plan) -> None:
    ind = _ind(hand, "かかりつけ医のいる市民の割合")
    assert ind.definition == "20歳以上"
    s = ind.series[0]
    assert (s.baseline.value, s.baseline.year) == (61.5, 2022)
    assert [(t.value, t.year, t.bound) for t in s.targets] == [(70.0, 2028, Bound.MIN)]
    t = _ind(hand, "救急搬送の平均時間").series[0].targets[0]
    assert (t.value, t.unit, t.bound) == (35.0, "分", Bound.MAX)
    ind = _ind(hand, "認知症サポーター数")
    assert ind.cumulative and ind.series[0].targets[0].value == 2000
    sat = _ind(hand, "高齢者が安心して暮らせる環境が整っている")
    assert sat.role is Role.SATISFACTION
    assert (sat.series[0].baseline.raw, sat.series[0].baseline.value) == ("18.0%", 18.0)
    assert sat.series[0].baseline.year is None


def test_hand_links(hand: Plan) -> None:
    assert [(lk.source_code, lk.source_title) for lk in hand.links] == [
        ("1", "健康長寿プロジェクト"),
        ("2", "子育て応援プロジェクト"),
    ]
    assert hand.links[0].target_codes == ["2-1", "2-2", "8-4"]
    assert hand.links[0].target_titles == [
        "地域医療の充実",
        "高齢者が安心して暮らせる地域づくり",
        "公園の整備",
    ]
    assert hand.links[1].target_codes == ["2-3", "2-1"]
    # "おわりに" directly under "2-1 …" does not continue this document's title of 2-1.
    assert hand.links[1].target_titles == ["子育て支援の推進", "地域医療の充実"]
    assert not [i for _, i in hand.indicators() if i.source and i.source.line > 63]


def test_more_items_than_blocks_and_heading_naming_a_later_item() -> None:
    # The chapter title is printed on the line below a bare "第1章".
    text = """\
第1章
産業分野

施策大項目と関連するSDGs

1. 農業の振興

2. 商業の振興

3. 観光の振興

観光の振興

めざす姿

- 人が来ます。

成果指標\t現状値\t目標値
観光客数\t10 万人 ▶▶\t12 万人
"""
    plan = read_plan(SourceText.from_text("t.txt", text))
    assert [(n.code, n.title, n.text) for n in plan.nodes] == [("1", "産業分野", "")]
    kids = {c.code: c for c in plan.nodes[0].children}
    assert sorted(str(k) for k in kids) == ["1-1", "1-2", "1-3"]
    assert [i.name for i in kids["1-3"].indicators] == ["観光客数"]
    assert not kids["1-1"].indicators and not kids["1-2"].indicators
    assert _ind(plan, "観光客数").unit == "万人"


def test_no_indicator_is_a_clear_error_naming_the_file() -> None:
    with pytest.raises(UnknownLayoutError) as e:
        read_plan(SourceText.from_text("e.txt", "何もない\n"))
    assert str(e.value).startswith("e.txt:") and "計画文書として読めません" in str(e.value)
