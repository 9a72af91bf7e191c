"""The pure evaluation core: rule-set checking, row building, target choice,
baseline-year fallback, direction overrides and roll-ups."""

from __future__ import annotations

import math

import numpy as np
import pytest

from machikpi.adapters.rulesets import load_ruleset, preset_names
from machikpi.core.evaluation import (
    RuleSetError,
    evaluate,
    evaluation_objects,
    make_table,
    rollup,
    ruleset_from_toml,
    table_from_rows,
    table_from_series,
)
from machikpi.core.evaluation.codes import DIR_HIGHER
from machikpi.core.model import CellStatus, Indicator, Role, Series, ValueCell

MINIMAL = 'name = "x"\n[[band]]\ngrade = "A"\nwhen = "target_reached"\n'


def test_presets_are_shipped_and_valid() -> None:
    assert preset_names() == ["baseline-band", "cagr", "pace", "points-7", "pro-rata"]
    for name in preset_names():
        rs = load_ruleset(name)
        assert rs.name == name and rs.source and rs.rollup is not None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('title = "no name"\n[[band]]\ngrade = "A"\n', "name"),
        ('name = "x"\n', "band"),
        ('name = "x"\nmeasure = "speed"\n[[band]]\ngrade = "A"\n', "measure"),
        ('name = "x"\n[[band]]\ngrade = "A"\nwhen = ["sunny"]\n', "band[0].when"),
        ('name = "x"\n[[band]]\ngrade = "A"\n[[band]]\ngrade = "B"\nmin = 2\nmax = 1\n', "band[1].max"),
        ('name = "x"\n[[band]]\ngrade = "A"\ncolour = "red"\n', "band[0].colour"),
        (
            'name = "x"\n[baseline]\nunchanged_points = "3"\n[[band]]\ngrade = "A"\n',
            "baseline.unchanged_points",
        ),
        (MINIMAL + '[rollup]\nmethod = "median"\n', "rollup.method"),
        (MINIMAL + '[rollup]\nmethod = "share_achieved"\nachieved = ["Z"]\n', "rollup.achieved"),
        (MINIMAL + '[rollup]\nmethod = "mean_points"\n', "rollup.method"),
    ],
)
def test_ruleset_errors_name_the_key(text: str, key: str) -> None:
    with pytest.raises(RuleSetError) as exc:
        ruleset_from_toml(text, source="mine.toml")
    assert exc.value.key == key
    assert str(exc.value).startswith(f"mine.toml: {key}: ")


def test_ruleset_toml_syntax_error() -> None:
    with pytest.raises(RuleSetError, match=r"mine\.toml: not valid TOML"):
        ruleset_from_toml("name = ", source="mine.toml")


def test_a_municipality_can_write_its_own_rule_set() -> None:
    # 目標達成 / 改善 / 悪化 with an "otherwise" band and a 5-point % tolerance
    rs = ruleset_from_toml(
        'name = "town"\n[baseline]\nunchanged_points = 5\n'
        '[[band]]\ngrade = "達成"\nwhen = "target_reached"\n'
        '[[band]]\ngrade = "改善"\nwhen = "not_worse_than_baseline"\n'
        '[[band]]\ngrade = "悪化"\n'
    )
    t = make_table(
        year=2023,
        baseline_value=[50, 50, 50],
        baseline_year=[2019] * 3,
        target_value=[60, 60, 60],
        target_year=[2027] * 3,
        actual=[61, 46, 44],
        percent=[True, True, True],
    )
    # 61 >= 60 達成; 46 is 4 points down (< 5) 改善; 44 is 6 down -> falls to 悪化
    assert [e["grade"] for e in evaluation_objects(evaluate(t, rs))] == ["達成", "改善", "悪化"]


def test_rows_baseline_year_falls_back_on_the_plans_earliest() -> None:
    def row(doc: str, by: int | None) -> dict[str, object]:
        return {
            "doc": doc,
            "unit": "人",
            "cumulative": False,
            "baseline": {"status": "value", "value": 100, "year": by},
            "targets": [{"status": "value", "value": 180, "year": 2027, "bound": None}],
            "actuals": [{"status": "value", "value": 150, "year": 2023}],
        }

    rows = [row("a.txt", 2019), row("a.txt", 2018), row("a.txt", None), row("b.txt", None)]
    t = table_from_rows(rows, 2023)
    assert t.baseline_year.tolist()[:3] == [2019, 2018, 2018]  # a.txt's earliest is 2018
    assert math.isnan(t.baseline_year[3])  # b.txt prints no baseline year at all
    ev = evaluation_objects(evaluate(t, load_ruleset("pro-rata")))
    # row 3: line 2018 -> 2027, k/n = 5/9; expected 100 + 80*5/9 = 144.444444
    assert ev[2]["expected"] == pytest.approx(144.444444, abs=1e-6)
    assert ev[3]["reason"].startswith("no baseline year")


def test_direction_override_from_row() -> None:
    # コミュニティバス利用者数 294,758 -> 290,000 reads as "lower", but the town means
    # "keep at least 290,000": override higher. a=291,000: 291000/290000 = 1.003448 -> reached
    base = {
        "doc": "d",
        "baseline": {"value": 294758, "year": 2019},
        "targets": [{"value": 290000, "year": 2027}],
        "actuals": [{"value": 291000, "year": 2023}],
    }
    t = table_from_rows([base, {**base, "direction": "higher"}], 2023)
    ev = evaluation_objects(evaluate(t, load_ruleset("baseline-band")))
    assert ev[0]["direction"] == "lower"
    assert ev[1]["direction"] == "higher"
    assert ev[1]["grade"] == "S"
    assert ev[1]["achievement_rate"] == pytest.approx(1.003448, abs=1e-6)


def test_cumulative_target_below_baseline_is_reported() -> None:
    t = make_table(
        year=2023, baseline_value=[300], baseline_year=[2019], target_value=[200], target_year=[2027],
        actual=[150], cumulative=[True],
    )  # fmt: skip
    e = evaluation_objects(evaluate(t, load_ruleset("baseline-band")))[0]
    assert e["direction"] == "higher" and e["reason"].startswith("cumulative target below")


def test_model_series_table() -> None:
    s = Series(
        group=None,
        baseline=ValueCell(raw="10件", status=CellStatus.VALUE, value=10, year=2019),
        targets=[ValueCell(raw="28件", status=CellStatus.VALUE, value=28, year=2027)],
        actuals=[ValueCell(raw="19件", status=CellStatus.VALUE, value=19, year=2023)],
    )
    ind = Indicator(role=Role.KPI, name="創業相談件数", raw_name="創業相談件数", unit="件", series=[s])
    t = table_from_series([(ind, s)], 2023)
    r = evaluate(t, load_ruleset("pro-rata"))
    # 進捗率 9/18 = 0.5, k/n = 0.5 -> pace 1.0 -> ①
    assert r.direction[0] == DIR_HIGHER
    assert evaluation_objects(r)[0]["grade"] == "①"


def test_rollups() -> None:
    # two nodes: node 0 has rows graded S, A, C (+ one ungraded), node 1 only B
    t = make_table(
        year=2023,
        baseline_value=[100, 100, 100, 100, 100],
        baseline_year=[2019] * 5,
        target_value=[120] * 5,
        target_year=[2027] * 5,
        actual=[125, 110, 80, np.nan, 95],
    )
    groups = [0, 0, 0, 0, 1]
    r = evaluate(t, load_ruleset("baseline-band"))
    ro = rollup(r, groups, 2)
    # share of S among graded: node 0: 1/3; node 1: 0/1
    assert ro.value.tolist() == pytest.approx([1 / 3, 0.0])
    assert ro.graded.tolist() == [3, 1] and ro.total.tolist() == [4, 1]
    # pace preset: mean points. Rows: 125 reached a(3); 110 pace (10/20)/0.5 = 1.0 a(3);
    # 80 worse c(1) -> mean 7/3 = 2.333 -> B; node 1: 95 worse c(1) -> D
    ro = rollup(evaluate(t, load_ruleset("pace")), groups, 2)
    assert ro.value.tolist() == pytest.approx([7 / 3, 1.0])
    assert ro.grade == ["B", "D"]
    # points-7 rolls up the mean 達成率: (125/120 + 110/120 + 80/120) / 3 = 315/360 = 0.875 -> "5"
    ro = rollup(evaluate(t, load_ruleset("points-7")), groups, 2)
    assert ro.value[0] == pytest.approx(0.875)
    assert ro.grade[0] == "5"


def test_count_up_sums_every_node_with_its_descendants() -> None:
    from collections import Counter

    from machikpi.core.evaluation import count_up

    parents = {"g1": None, "m1": "g1", "m2": "g1", "s1": "m1", "g2": None, "orphan": "gone"}
    own = {
        "g1": Counter({"A": 1}),
        "m1": Counter({"B": 2}),
        "s1": Counter({"A": 1, "C": 1}),
        "m2": Counter({"C": 1}),
        "orphan": Counter({"A": 5}),
    }
    total = count_up(parents, own)
    assert total["s1"] == Counter({"A": 1, "C": 1})
    assert total["m1"] == Counter({"B": 2, "A": 1, "C": 1})
    assert total["g1"] == Counter({"A": 2, "B": 2, "C": 2})
    assert total["g2"] == Counter()
    assert total["orphan"] == Counter({"A": 5})  # a parent not in the tree makes a root
    with pytest.raises(ValueError, match="cycle"):
        count_up({"a": "b", "b": "a"}, {})
