"""The indicator catalogue (concepts.toml) and its matcher."""

from __future__ import annotations

import json
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from bench.catalogue_match import figures, heldout, labels, outcomes

from machikpi.adapters.cli import main
from machikpi.adapters.rulesets import load_ruleset
from machikpi.core.catalogue import DIRECTIONS, THRESHOLD, catalogue, concept, concepts, match, ranked
from machikpi.core.evaluation import TableError, evaluate, evaluation_objects, table_from_rows
from machikpi.samples import gold_rows


def _raw() -> dict[str, Any]:
    text = resources.files("machikpi.core.catalogue").joinpath("concepts.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_every_concept_is_complete() -> None:
    data = _raw()
    kinds = set(data["unit_kinds"])
    ids = [c["id"] for c in data["concepts"]]
    assert len(ids) == len(set(ids)), "ids must be unique"
    assert len(ids) >= 100
    for c in data["concepts"]:
        cid = c["id"]
        assert re.fullmatch(r"[a-z][a-z0-9_]*", cid), cid
        assert c["label"].strip(), cid
        assert c.get("wordings") or c.get("patterns"), cid
        for p in c.get("patterns", ()):
            re.compile(p)
        assert c["direction"] in ("higher", "lower", "keep"), cid
        assert c["sdg"] and all(isinstance(g, int) and 1 <= g <= 17 for g in c["sdg"]), cid
        for t in c.get("targets", ()):
            goal = int(t.split(".")[0])
            assert goal in c["sdg"], f"{cid}: target {t} outside its goals"
        assert c["source"].strip(), cid
        assert c["units"] and set(c["units"]) <= kinds, cid
    assert len(concepts()) == len(ids)
    assert DIRECTIONS == ("higher", "lower", "keep")


def test_unit_kinds() -> None:
    cat = catalogue()
    assert cat.unit_kind("人") == "people"
    assert cat.unit_kind("千人") == "people"
    assert cat.unit_kind("億円") == "money"
    assert cat.unit_kind("%") == "percent"
    assert cat.unit_kind("％") == "percent"
    assert cat.unit_kind("件") == "count"
    assert cat.unit_kind(None) is None
    assert cat.unit_kind("ふしぎ") is None


@pytest.mark.parametrize(
    ("name", "unit", "expected"),
    [
        ("合計特殊出生率", None, "total_fertility_rate"),
        ("保育所等の待機児童数", "人", "waiting_children"),
        ("放課後児童クラブの待機児童数", "人", "after_school_waiting"),
        ("観光入込客数", "万人", "tourists"),
        ("ふるさと納税寄附件数", "件", "furusato_nozei"),
        ("自治会の加入率", "%", "community_association_rate"),
        ("市内における交通人身事故発生件数(年間)", "件", "traffic_accidents"),
        ("上記のうち高齢者が関係した事故発生件数", "件", "elderly_traffic_accidents"),
        ("特定健診受診率", "%", "specific_health_checkup"),
        ("健康寿命", "歳", "healthy_life_expectancy"),
    ],
)
def test_specific_matches(name: str, unit: str | None, expected: str) -> None:
    m = match(name, unit)
    assert m is not None and m.concept == expected, (name, m)
    assert THRESHOLD <= m.score <= 1.0
    assert m.why


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("市民提案型事業数", "件"),
        ("自治会数", "自治会"),  # a count of associations, not the membership share
        ("中心市街地周辺の人口", "人"),
        ("英語の学習が楽しいと感じている児童・生徒の割合", "%"),
        ("地域協議体の開催回数", "回"),
        ("道の駅利用者数", "人"),  # a roadside station, not a railway station
        ("観光ボランティアガイド案内客数", "人"),
    ],
)
def test_non_matches(name: str, unit: str | None) -> None:
    assert match(name, unit) is None


@pytest.mark.parametrize(
    "name",
    [
        "待機児童がいないと答えた保護者の割合",
        "認知症サポーターを知っていると答えた児童の割合",
        "交通事故にあいそうになったと答えた児童の割合",
        "観光客数が増えたと答えた市民の割合",
    ],
)
@pytest.mark.parametrize("unit", ["%", None])
def test_a_share_never_matches_a_count_concept(name: str, unit: str | None) -> None:
    for m in ranked(name, unit):
        assert not concept(m.concept).is_count, (name, m)


def test_a_flow_counted_the_other_way_has_the_other_direction() -> None:
    net_in = match("社会増減数", "人")
    net_out = match("転出超過数", "人")
    assert net_in is not None and net_out is not None
    assert (net_in.concept, net_out.concept) == ("net_migration", "net_out_migration")
    assert concept(net_in.concept).direction == "higher"
    assert concept(net_out.concept).direction == "lower"


def test_a_count_never_matches_a_share_concept() -> None:
    assert match("自主防災組織率", "%") is not None
    assert match("自主防災組織率", "件") is None
    assert match("刑法犯認知件数", "件") is not None
    assert match("刑法犯認知件数", "%") is None


def test_a_unit_of_another_kind_lowers_the_score() -> None:
    right = match("健康寿命", "歳")
    wrong = ranked("健康寿命", "億円")
    assert right is not None and wrong
    assert wrong[0].concept == "healthy_life_expectancy"
    assert wrong[0].score < right.score


def test_the_definition_tells_a_concept_the_name_does_not() -> None:
    definition = "高齢者に占める介護認定を受けていない人の割合"
    assert match("元気生活率", "%") is None
    m = match("元気生活率", "%", definition)
    assert m is not None and m.concept == "elderly_not_certified"
    assert "definition" in m.why


def test_labels_cover_every_gold_indicator() -> None:
    gold = set()
    for corpus in (False, True):
        for doc, rows in gold_rows("kpi", corpus=corpus).items():
            gold |= {(doc, r["name"], r["group"] or "") for r in rows}
    rows = labels()
    keys = [(r["doc"], r["name"], r["group"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert set(keys) == gold
    ids = {c.id for c in concepts()}
    assert {r["concept"] for r in rows if r["concept"]} <= ids


def test_precision_and_recall_on_the_labels() -> None:
    precision, recall, tp, _fp, _fn = figures(outcomes())
    assert tp > 100
    assert precision >= 0.9
    assert recall >= 0.8


def test_precision_and_recall_on_the_held_out_names() -> None:
    rows = heldout()
    assert {r.label for r in rows if r.label} <= {c.id for c in concepts()}
    precision, recall, tp, _fp, _fn = figures(rows)
    assert tp > 40
    assert precision >= 0.9
    assert recall >= 0.8


# ---------------------------------------------------------------- the catalogue's direction in the evaluation


def _row(name: str, unit: str, baseline: float | None, target: float, actual: float) -> dict[str, Any]:
    return {
        "doc": "plan.txt",
        "name": name,
        "unit": unit,
        "cumulative": False,
        "baseline": {"value": baseline, "year": None if baseline is None else 2019},
        "targets": [{"value": target, "year": 2027, "bound": None}],
        "actuals": [{"value": actual, "year": 2024}],
    }


def _evaluate(rows: list[dict[str, Any]], **kw: bool) -> list[dict[str, Any]]:
    ruleset = load_ruleset("baseline-band")
    return evaluation_objects(evaluate(table_from_rows(rows, 2024, **kw), ruleset))


def test_without_the_option_nothing_changes() -> None:
    [ev] = _evaluate([_row("刑法犯認知件数", "件", None, 500, 400)])
    assert ev["direction"] is None
    assert ev["reason"] is not None and "direction unknown" in ev["reason"]
    assert "direction_note" not in ev


def test_the_concept_direction_decides_when_the_plan_does_not() -> None:
    # no baseline: the plan does not say which way is good; 刑法犯認知件数 is better lower
    [ev] = _evaluate([_row("刑法犯認知件数", "件", None, 500, 400)], catalogue_directions=True)
    assert ev["direction"] == "lower"
    assert ev["direction_note"] == "方向は指標カタログ (crimes) による"
    assert ev["reason"] is None or "direction unknown" not in ev["reason"]
    assert ev["target"] == 500


def test_a_keep_target_takes_its_good_side_from_the_concept() -> None:
    plain = _evaluate([_row("健康寿命", "歳", 80.0, 80.0, 81.0)])[0]
    assert plain["reason"] is not None and "keep target" in plain["reason"]
    [ev] = _evaluate([_row("健康寿命", "歳", 80.0, 80.0, 81.0)], catalogue_directions=True)
    assert ev["direction"] == "keep"
    assert ev["direction_note"] == "方向は指標カタログ (healthy_life_expectancy) による"
    assert ev["reason"] is None or "keep target" not in ev["reason"]


def test_the_plan_wins_over_the_concept() -> None:
    # 観光入込客数 is usually better higher, but this plan plans a fall: the plan decides
    [ev] = _evaluate([_row("観光入込客数", "万人", 500.0, 400.0, 450.0)], catalogue_directions=True)
    assert ev["direction"] == "lower"
    assert "direction_note" not in ev
    # an override wins too
    row = _row("刑法犯認知件数", "件", None, 500, 400) | {"direction": "higher"}
    [ev] = _evaluate([row], catalogue_directions=True)
    assert ev["direction"] == "higher" and "direction_note" not in ev


def test_an_unmatched_indicator_or_a_keep_concept_gives_no_direction() -> None:
    rows = [_row("市民提案型事業数", "件", None, 10, 8), _row("人口", "人", None, 10000, 9000)]
    evs = _evaluate(rows, catalogue_directions=True)
    assert [e["direction"] for e in evs] == [None, None]
    assert all("direction_note" not in e for e in evs)


def test_a_row_can_name_its_concept() -> None:
    row = _row("地域の安全の指標", "件", None, 500, 400) | {"concept": "crimes"}
    [ev] = _evaluate([row], catalogue_directions=True)
    assert ev["direction"] == "lower" and "crimes" in ev["direction_note"]
    with pytest.raises(TableError):
        table_from_rows([row | {"concept": "no_such_concept"}], 2024, catalogue_directions=True)


def test_the_evaluate_command_takes_catalogue_directions(tmp_path: Path) -> None:
    rows = [_row("刑法犯認知件数", "件", None, 500, 400), _row("新規就農者数", "人", 10.0, 20.0, 15.0)]
    src = tmp_path / "rows.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for flag, expected in (([], [None, "higher"]), (["--catalogue-directions"], ["lower", "higher"])):
        out = tmp_path / "out.jsonl"
        assert (
            main(["evaluate", str(src), "--rules", "baseline-band", "--year", "2024", "-o", str(out), *flag])
            == 0
        )
        evs = [json.loads(x)["evaluation"] for x in out.read_text(encoding="utf-8").splitlines()]
        assert [e["direction"] for e in evs] == expected
        assert ("direction_note" in evs[0]) == bool(flag)
        assert "direction_note" not in evs[1]  # the plan settles it: 10 -> 20
