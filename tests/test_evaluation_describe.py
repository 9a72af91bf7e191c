"""The rule sets in Japanese words (:func:`machikpi.core.evaluation.describe.describe_ruleset`).

Expected sentences are read off the preset files' quoted sources (their
header comments): 長与町's S/A/B/C/− with a 10 % tolerance, 佐野市's 7 points
per 10 % band of 達成率, 多摩市's ①/②/③ on the pace, 福岡市's a/b/c with 3
points 未満 for % indicators.
"""

from __future__ import annotations

import pytest

from machikpi.adapters.rulesets import load_ruleset, preset_names
from machikpi.core.evaluation import ruleset_from_toml
from machikpi.core.evaluation.describe import describe_ruleset


def _meanings(name: str) -> dict[str, str]:
    return {g.grade: g.meaning for g in describe_ruleset(load_ruleset(name)).grades}


@pytest.mark.parametrize("name", preset_names())
def test_every_grade_of_every_preset_is_described_in_japanese(name: str) -> None:
    rs = load_ruleset(name)
    d = describe_ruleset(rs)
    assert [g.grade for g in d.grades] == list(rs.grades)
    assert all(g.meaning and not g.meaning.isascii() for g in d.grades)
    assert d.ungraded == (rs.cannot_grade or "−") and "評価できない" in d.ungraded_meaning
    assert d.measures and all(formula for _, formula in d.measures)
    assert d.rollup  # every preset rolls up to nodes


def test_baseline_band_reads_as_nagayo_publishes_it() -> None:
    d = describe_ruleset(load_ruleset("baseline-band"))
    assert {g.grade: g.meaning for g in d.grades} == {
        "S": "目標値に達している",
        "A": "基準値より良くなっている",
        "B": "基準値と同水準",
        "C": "基準値より悪化している",
    }
    assert [g.points_text for g in d.grades] == ["3", "2", "1", "0"]
    same = next(r for r in d.rules if "同水準" in r)
    assert "基準値の10%以内" in same  # 「同水準である(△10%以内)」
    assert d.rollup == "目標・施策ごとに、その下の指標のうち達成（S）の指標の割合を求めます。"


def test_points_7_bands_are_sano_city_s_ten_percent_steps() -> None:
    m = _meanings("points-7")
    assert m["7"] == "目標値に達している、または達成率が100%以上"
    assert m["6"] == "達成率が90%以上100%未満"  # 「100%未満~90% 6」
    assert m["1"] == "達成率が50%未満"
    d = describe_ruleset(load_ruleset("points-7"))
    assert [name for name, _ in d.measures] == ["達成率"]
    assert "7（100%以上）" in d.rollup and "1（50%未満）" in d.rollup  # 平均達成率 → 点数


def test_pro_rata_and_pace_grade_on_the_pace() -> None:
    m = _meanings("pro-rata")
    assert m["②"] == "目標へのペースが60%以上100%未満" and m["③"] == "目標へのペースが60%未満"
    d = describe_ruleset(load_ruleset("pace"))
    assert d.measures[0][0] == "目標へのペース" and "経過割合" in d.measures[0][1]
    same = next(r for r in d.rules if "同水準" in r)
    assert "単位が%の指標では3ポイント未満" in same  # 「±3パーセント未満」, exclusive


def test_a_municipality_s_own_rule_set_is_described_too() -> None:
    rs = ruleset_from_toml(
        """
        name = "own"
        measure = "progress_rate"
        cannot_grade = "評価不能"
        [[band]]
        grade = "◎"
        min = 1.0
        [[band]]
        grade = "○"
        when = ["better_than_baseline"]
        min = 0.5
        max = 1.0
        [[band]]
        grade = "△"
        """
    )
    d = describe_ruleset(rs)
    assert [(g.grade, g.meaning, g.points_text) for g in d.grades] == [
        ("◎", "進捗率が100%以上", "—"),
        ("○", "基準値より良くなっている、かつ進捗率が50%以上100%未満", "—"),
        ("△", "評価できる指標のうち、ほかの区分に当たらないもの", "—"),
    ]
    assert d.ungraded == "評価不能"
    same = next(r for r in d.rules if "同水準" in r)
    assert same.startswith("基準値と同じ値のときだけ")  # no [baseline] tolerance
    assert [name for name, _ in d.shown_measures] == ["達成率"] and d.rollup == ""
