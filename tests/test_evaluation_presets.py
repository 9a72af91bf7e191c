"""Worked examples of the five preset rule sets; every expected value is
computed by hand in the comment next to it (baseline year 2019, target year
2027, so in FY2023 the year fraction k/n is 4/8 = 0.5)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from machikpi.adapters.rulesets import load_ruleset
from machikpi.core.evaluation import evaluate, evaluation_objects, make_table
from machikpi.core.evaluation.codes import BOUND_MAX, BOUND_MIN

NAN = math.nan


def ev(
    rules: str,
    *,
    b: float,
    t: float | list[float],
    a: float,
    year: int = 2023,
    by: float = 2019,
    ty: float | list[float] = 2027,
    bound: int = 0,
    cumulative: bool = False,
    percent: bool = False,
    tallying: bool = False,
) -> dict[str, Any]:
    tv = t if isinstance(t, list) else [t]
    tys = ty if isinstance(ty, list) else [ty]
    table = make_table(
        year=[year],
        baseline_value=[b],
        baseline_year=[by],
        target_value=[tv],
        target_year=[tys],
        target_bound=[[bound] * len(tv)],
        actual=[a],
        actual_tallying=[tallying],
        cumulative=[cumulative],
        percent=[percent],
    )
    return evaluation_objects(evaluate(table, load_ruleset(rules)))[0]


# ---------------------------------------------------------------- baseline-band (長与町)


def test_baseline_band_target_reached_is_s() -> None:
    # 125 >= 120: S. 達成率 125/120 = 1.041667; 進捗率 (125-100)/(120-100) = 1.25;
    # expected 100 + 20 * 4/8 = 110.
    e = ev("baseline-band", b=100, t=120, a=125)
    assert (e["grade"], e["points"], e["direction"]) == ("S", 3, "higher")
    assert e["achievement_rate"] == pytest.approx(1.041667, abs=1e-6)
    assert e["progress_rate"] == pytest.approx(1.25)
    assert e["expected"] == pytest.approx(110)
    assert e["reason"] is None


def test_baseline_band_lower_is_better_within_ten_percent_is_b_beyond_is_c() -> None:
    # lower is better (50 -> 40). a=53: 3 worse than the baseline, 10 % of 50 = 5 -> B.
    # 達成率 40/53 = 0.754717; 進捗率 (53-50)/(40-50) = -0.3.
    e = ev("baseline-band", b=50, t=40, a=53)
    assert (e["direction"], e["grade"]) == ("lower", "B")
    assert e["achievement_rate"] == pytest.approx(0.754717, abs=1e-6)
    assert e["progress_rate"] == pytest.approx(-0.3)
    # a=56: 6 worse > 5 -> C
    assert ev("baseline-band", b=50, t=40, a=56)["grade"] == "C"
    # a=48: better than 50 but target 40 not reached -> A
    assert ev("baseline-band", b=50, t=40, a=48)["grade"] == "A"


def test_baseline_band_exactly_ten_percent_down_is_b() -> None:
    # 100 -> 90 is a decline of exactly 10 % of 100: "△10%以内" is inclusive -> B
    assert ev("baseline-band", b=100, t=120, a=90)["grade"] == "B"
    # 89.9: more than 10 % down -> C
    assert ev("baseline-band", b=100, t=120, a=89.9)["grade"] == "C"


def test_baseline_band_keep_with_upper_bound() -> None:
    # 待機児童 0人 -> 0人以下: keep, lower-or-equal is good. a=0 reaches the target: S.
    e = ev("baseline-band", b=0, t=0, a=0, bound=BOUND_MAX)
    assert (e["direction"], e["grade"]) == ("keep", "S")
    # a=2: above the ceiling and above the baseline (tolerance 10 % of 0 = 0): C.
    assert ev("baseline-band", b=0, t=0, a=2, bound=BOUND_MAX)["grade"] == "C"


def test_baseline_band_keep_without_bound_is_reported_not_guessed() -> None:
    # 開設日数 366 -> 366 with no 以上/以下: which side is good is unknown.
    e = ev("baseline-band", b=366, t=366, a=365)
    assert e["direction"] == "keep"
    assert e["grade"] == "−"
    assert "keep target" in e["reason"]


def test_baseline_band_cumulative() -> None:
    # 新規就農者数 (累計) 21 -> 157: a running total, higher is better.
    # a=80 in FY2023: expected 21 + 136 * 0.5 = 89; 進捗率 59/136 = 0.433824;
    # 達成率 80/157 = 0.509554; better than the baseline, target not reached: A.
    e = ev("baseline-band", b=21, t=157, a=80, cumulative=True)
    assert (e["direction"], e["grade"]) == ("higher", "A")
    assert e["expected"] == pytest.approx(89)
    assert e["progress_rate"] == pytest.approx(0.433824, abs=1e-6)
    assert e["achievement_rate"] == pytest.approx(0.509554, abs=1e-6)


def test_baseline_band_upper_bound_above_baseline() -> None:
    # "20日以内" with a baseline of 10: the ceiling says lower is good.
    # a=15 <= 20: S; 達成率 20/15 = 1.333333.
    e = ev("baseline-band", b=10, t=20, a=15, bound=BOUND_MAX)
    assert (e["direction"], e["grade"]) == ("lower", "S")
    assert e["achievement_rate"] == pytest.approx(1.333333, abs=1e-6)


def test_baseline_band_missing_values() -> None:
    e = ev("baseline-band", b=100, t=120, a=NAN)
    assert (e["grade"], e["reason"]) == ("−", "no actual value for the year")
    assert e["actual"] is None and e["achievement_rate"] is None
    # no baseline and no bound: the direction cannot be known even when a > t
    e = ev("baseline-band", b=NAN, t=100, a=120)
    assert e["direction"] is None and e["grade"] == "−"
    assert e["reason"].startswith("direction unknown")
    # tallying
    assert "集計中" in ev("baseline-band", b=1, t=2, a=NAN, tallying=True)["reason"]


# ---------------------------------------------------------------- pro-rata (多摩市)


def test_pro_rata_bands_in_year_two_of_eight() -> None:
    # FY2021 is year 2 of 8: k/n = 0.25, planned change 80, expected 100 + 20 = 120.
    e = ev("pro-rata", b=100, t=180, a=120, year=2021)  # 進捗率 20/80 = 0.25, pace 1.0 -> ①
    assert e["grade"] == "①" and e["expected"] == pytest.approx(120)
    assert ev("pro-rata", b=100, t=180, a=113, year=2021)["grade"] == "②"  # 13/80=0.1625; /0.25 = 0.65
    assert ev("pro-rata", b=100, t=180, a=109, year=2021)["grade"] == "③"  # 9/80=0.1125; /0.25 = 0.45


def test_pro_rata_lower_is_better() -> None:
    # 交通事故 1465 -> 1050 (lower). FY2023 k/n 0.5. a=1300:
    # 進捗率 (1300-1465)/(1050-1465) = -165/-415 = 0.397590; pace 0.795181 -> ②.
    e = ev("pro-rata", b=1465, t=1050, a=1300)
    assert (e["direction"], e["grade"]) == ("lower", "②")
    assert e["progress_rate"] == pytest.approx(0.397590, abs=1e-6)
    assert e["expected"] == pytest.approx(1257.5)  # 1465 - 415/2


def test_pro_rata_cumulative() -> None:
    # 危険空き家除却件数 (累計) 49 -> 210. a=140 in FY2023: 進捗率 91/161 = 0.565217;
    # pace 1.130435 -> ①.
    e = ev("pro-rata", b=49, t=210, a=140, cumulative=True)
    assert e["grade"] == "①"
    assert e["progress_rate"] == pytest.approx(0.565217, abs=1e-6)


def test_pro_rata_keep_and_upper_bound() -> None:
    # keep 366 -> 366日以上: held -> ① (target reached); dropped to 360 -> no planned change,
    # pace undefined: reported.
    assert ev("pro-rata", b=366, t=366, a=366, bound=BOUND_MIN)["grade"] == "①"
    e = ev("pro-rata", b=366, t=366, a=360, bound=BOUND_MIN)
    assert e["grade"] is None and e["reason"].startswith("pace undefined")
    # 20日以内 over a baseline of 10: a=12 is within the ceiling -> ①
    assert ev("pro-rata", b=10, t=20, a=12, bound=BOUND_MAX)["grade"] == "①"


def test_pro_rata_missing_baseline_year_and_first_year() -> None:
    e = ev("pro-rata", b=100, t=180, a=150, by=NAN)
    assert e["grade"] is None and e["reason"].startswith("no baseline year")
    # evaluated in the baseline year itself: k = 0, no pace
    assert ev("pro-rata", b=100, t=180, a=150, year=2019)["reason"].startswith("pace undefined")


def test_pro_rata_second_target_year() -> None:
    # targets 180 (2027) and 260 (2031); FY2029 is after 2027 so 2031 counts:
    # k/n = 10/12; expected 100 + 160*10/12 = 233.333333; a=220: 進捗率 120/160 = 0.75;
    # pace 0.75 / (10/12) = 0.9 -> ②.
    e = ev("pro-rata", b=100, t=[180, 260], ty=[2027, 2031], a=220, year=2029)
    assert e["target"] == 260
    assert e["expected"] == pytest.approx(233.333333, abs=1e-6)
    assert e["progress_rate"] == pytest.approx(0.75)
    assert e["grade"] == "②"
    # FY2027 still measures against 2027's 180: a=180 reached -> ①
    e = ev("pro-rata", b=100, t=[180, 260], ty=[2027, 2031], a=180, year=2027)
    assert (e["target"], e["grade"]) == (180, "①")


# ---------------------------------------------------------------- pace (福岡市)


def test_pace_survey_share_tolerance_three_points() -> None:
    # 子育てしたい割合 72.5% -> 77.3% (unit %). FY2023 k/n 0.5.
    # a=75.0: 進捗率 2.5/4.8 = 0.520833, pace 1.041667 -> a
    e = ev("pace", b=72.5, t=77.3, a=75.0, percent=True)
    assert e["grade"] == "a"
    assert e["progress_rate"] == pytest.approx(0.520833, abs=1e-6)
    # a=70.0: 2.5 points down, less than ±3: 現状維持 -> b
    assert ev("pace", b=72.5, t=77.3, a=70.0, percent=True)["grade"] == "b"
    # a=69.5: 3.0 points down, not "未満 3" -> worse -> c
    assert ev("pace", b=72.5, t=77.3, a=69.5, percent=True)["grade"] == "c"
    # the same 1 unit drop on a count (not %) has no tolerance -> c
    assert ev("pace", b=100, t=120, a=99)["grade"] == "c"


def test_pace_lower_is_better_behind_pace_but_improved() -> None:
    # 刑法犯認知件数 1634 -> 1318. a=1500: 進捗率 (1500-1634)/(1318-1634) = 0.424051,
    # pace 0.848101 < 1; improved on 1634 -> b. expected 1634 - 316/2 = 1476.
    e = ev("pace", b=1634, t=1318, a=1500)
    assert (e["direction"], e["grade"], e["points"]) == ("lower", "b", 2)
    assert e["expected"] == pytest.approx(1476)


def test_pace_cumulative_on_pace() -> None:
    # 認知症サポーター数 (累計) 11762 -> 15200; expected in FY2023 = 13481; a=13500:
    # 進捗率 1738/3438 = 0.505526, pace 1.011053 -> a
    e = ev("pace", b=11762, t=15200, a=13500, cumulative=True)
    assert e["grade"] == "a"
    assert e["expected"] == pytest.approx(13481)


def test_pace_keep_and_ceiling() -> None:
    # keep 0 -> 0人以下; a=1 is worse than the baseline (no tolerance for 人) -> c
    e = ev("pace", b=0, t=0, a=1, bound=BOUND_MAX)
    assert (e["direction"], e["grade"]) == ("keep", "c")
    # ceiling 20 over baseline 10; a=25 is above it: approaching/exceeding a ceiling is not
    # progress (pace undefined), and 25 is worse than 10 -> c; a=12 within it -> a
    assert ev("pace", b=10, t=20, a=25, bound=BOUND_MAX)["grade"] == "c"
    assert ev("pace", b=10, t=20, a=12, bound=BOUND_MAX)["grade"] == "a"


def test_pace_missing_values() -> None:
    assert ev("pace", b=10, t=20, a=NAN)["reason"] == "no actual value for the year"
    # no baseline: pace cannot be computed and b/c need the baseline; direction from the
    # bound 以上: a=25 >= 20 still reaches the target -> a
    assert ev("pace", b=NAN, t=20, a=25, bound=BOUND_MIN)["grade"] == "a"
    e = ev("pace", b=NAN, t=20, a=15, bound=BOUND_MIN)
    assert e["grade"] is None and e["reason"] == "no baseline value"


# ---------------------------------------------------------------- points-7 (佐野市)


def test_points_seven_bands() -> None:
    # 達成率 190/200 = 0.95 -> 6; 180/200 = 0.90 -> 6 (band is 90 % to under 100 %);
    # 179/200 = 0.895 -> 5; 100/200 = 0.5 -> 2; 99/200 = 0.495 -> 1; 200/200 -> 7
    for a, pts in [(190, 6), (180, 6), (179, 5), (100, 2), (99, 1), (200, 7), (260, 7)]:
        e = ev("points-7", b=100, t=200, a=a)
        assert (e["points"], e["grade"]) == (pts, str(pts)), a


def test_points_seven_lower_is_better() -> None:
    # 1465 -> 1050; a=1400: 達成率 1050/1400 = 0.75 -> 4 points
    e = ev("points-7", b=1465, t=1050, a=1400)
    assert e["achievement_rate"] == pytest.approx(0.75)
    assert e["points"] == 4


def test_points_seven_zero_target_keep_and_ceiling() -> None:
    # 待機児童 5 -> 0人以下: a=0 reaches it (0/0 taken as 100 %) -> 7; a=2: 0/2 = 0 -> 1
    e = ev("points-7", b=5, t=0, a=0, bound=BOUND_MAX)
    assert (e["achievement_rate"], e["points"]) == (1, 7)
    assert ev("points-7", b=5, t=0, a=2, bound=BOUND_MAX)["points"] == 1
    # ceiling 20 over baseline 10, a=25: 達成率 20/25 = 0.8 -> 5
    assert ev("points-7", b=10, t=20, a=25, bound=BOUND_MAX)["points"] == 5
    # keep 366 -> 366 without a bound: not graded
    assert ev("points-7", b=366, t=366, a=360)["points"] is None


def test_points_seven_cumulative_and_missing() -> None:
    # 新規就農者数 (累計) 21 -> 157, a=60: 60/157 = 0.382166 -> 1
    e = ev("points-7", b=21, t=157, a=60, cumulative=True)
    assert e["achievement_rate"] == pytest.approx(0.382166, abs=1e-6)
    assert e["points"] == 1
    # no target (健康寿命: 設定予定)
    assert ev("points-7", b=77.41, t=NAN, a=78.0)["reason"] == "no target value"
    # negative values (社会増減 -500 -> 0): 達成率 undefined
    assert ev("points-7", b=-500, t=0, a=-200)["reason"].startswith("achievement rate undefined")


# ---------------------------------------------------------------- cagr (Open SDG / ESCAP)


def test_cagr_ratio_categories() -> None:
    # required CAGR for 100 -> 200 over 8 years: 2^(1/8) - 1 = 0.090508.
    # a=150 after 4 years: 1.5^(1/4) - 1 = 0.106682; R = 1.178705 -> on track
    e = ev("cagr", b=100, t=200, a=150)
    assert e["grade"] == "on track"
    r = evaluate(
        make_table(
            year=[2023],
            baseline_value=[100],
            baseline_year=[2019],
            target_value=[200],
            target_year=[2027],
            actual=[150],
        ),
        load_ruleset("cagr"),
    ).measures.cagr_ratio[0]
    assert r == pytest.approx(1.178705, rel=1e-5)
    # a=130: 1.3^(1/4) - 1 = 0.067790; R = 0.748995 -> moderate
    assert ev("cagr", b=100, t=200, a=130)["grade"] == "moderate"
    # a=110: 1.1^(1/4) - 1 = 0.024114; R = 0.266427 -> limited
    assert ev("cagr", b=100, t=200, a=110)["grade"] == "limited"
    # a=90: 0.9^(1/4) - 1 = -0.025996; R = -0.287225 -> deterioration
    assert ev("cagr", b=100, t=200, a=90)["grade"] == "deterioration"
    # a=200: target achieved
    assert ev("cagr", b=100, t=200, a=200)["grade"] == "target achieved"


def test_cagr_lower_is_better() -> None:
    # 1465 -> 1050: required (1050/1465)^(1/8) - 1 = -0.040779;
    # a=1300: observed (1300/1465)^(1/4) - 1 = -0.029431; R = -1 * -0.029431 / 0.040779 = 0.72172
    e = ev("cagr", b=1465, t=1050, a=1300)
    assert (e["direction"], e["grade"]) == ("lower", "moderate")


def test_cagr_cumulative_keep_ceiling_missing() -> None:
    # cumulative 49 -> 210: required (210/49)^(1/8) - 1 = 0.199511; a=100: observed
    # (100/49)^(1/4) - 1 = 0.195232; R = 0.978552 -> on track
    assert ev("cagr", b=49, t=210, a=100, cumulative=True)["grade"] == "on track"
    # keep 366 -> 366日以上: held -> target achieved; dropped -> no required growth: reported
    assert ev("cagr", b=366, t=366, a=366, bound=BOUND_MIN)["grade"] == "target achieved"
    assert ev("cagr", b=366, t=366, a=360, bound=BOUND_MIN)["reason"].startswith(
        "growth-rate ratio undefined"
    )
    # ceiling 20日以内 over 10: a=15 within -> target achieved
    assert ev("cagr", b=10, t=20, a=15, bound=BOUND_MAX)["grade"] == "target achieved"
    # zero baseline: no growth rate
    assert ev("cagr", b=0, t=5, a=3)["reason"].startswith("growth-rate ratio undefined")
