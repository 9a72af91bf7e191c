"""Small integer codes used in the columns of the evaluation engine.

The engine works on NumPy arrays, so categorical values (direction, bound,
reason for not grading) are stored as ``int8`` codes; this module names them
and turns them back into the strings of ``docs/kpi-rows.md``.
"""

from __future__ import annotations

from typing import Final

# Direction (column ``direction``): which way is good.
DIR_UNKNOWN: Final = 0
DIR_HIGHER: Final = 1
DIR_LOWER: Final = 2
DIR_KEEP: Final = 3

DIRECTION_NAMES: Final[dict[int, str | None]] = {
    DIR_UNKNOWN: None,
    DIR_HIGHER: "higher",
    DIR_LOWER: "lower",
    DIR_KEEP: "keep",
}
DIRECTION_CODES: Final[dict[str, int]] = {"higher": DIR_HIGHER, "lower": DIR_LOWER, "keep": DIR_KEEP}

# Bound of a target cell (column ``target_bound``).
BOUND_NONE: Final = 0
BOUND_MAX: Final = 1  # 以内 / 以下 / 未満: the target is an upper limit, lower-or-equal is good
BOUND_MIN: Final = 2  # 以上 / 超: the target is a lower limit, higher-or-equal is good
BOUND_CODES: Final[dict[str | None, int]] = {None: BOUND_NONE, "max": BOUND_MAX, "min": BOUND_MIN}

# Reasons for not grading (column ``reason``); 0 means graded.
R_NONE: Final = 0
R_NO_ACTUAL: Final = 1
R_TALLYING: Final = 2
R_NO_TARGET: Final = 3
R_DIRECTION_UNKNOWN: Final = 4
R_KEEP_SIDE_UNKNOWN: Final = 5
R_NO_BASELINE: Final = 6
R_NO_BASELINE_YEAR: Final = 7
R_CUMULATIVE_BELOW_BASELINE: Final = 8
R_NO_BAND: Final = 9
R_MEASURE_UNDEFINED: Final = 10  # + measure index, see MEASURES

#: The measures a rule set can grade on, in the order of their reason codes.
MEASURES: Final[tuple[str, ...]] = ("achievement_rate", "progress_rate", "pace", "cagr_ratio")

_MEASURE_WHY: Final[dict[str, str]] = {
    "achievement_rate": "achievement rate undefined (negative actual or target)",
    "progress_rate": "progress rate undefined (the target equals the baseline, or no baseline)",
    "pace": "pace undefined (no change planned towards the good side, or the year is not after the baseline year)",
    "cagr_ratio": "growth-rate ratio undefined (needs positive baseline, actual and target, a planned change and a year after the baseline year)",
}

REASONS: Final[dict[int, str | None]] = {
    R_NONE: None,
    R_NO_ACTUAL: "no actual value for the year",
    R_TALLYING: "the actual value is being tallied (集計中)",
    R_NO_TARGET: "no target value",
    R_DIRECTION_UNKNOWN: "direction unknown: no baseline, no bound and no override",
    R_KEEP_SIDE_UNKNOWN: "keep target (target equals baseline) without 以上/以下: which side is good is unknown; set a direction override",
    R_NO_BASELINE: "no baseline value",
    R_NO_BASELINE_YEAR: "no baseline year (neither the cell nor the plan gives one)",
    R_CUMULATIVE_BELOW_BASELINE: "cumulative target below its baseline: the baseline is probably one year's figure and the target a sum; set a direction override or correct the baseline",
    R_NO_BAND: "no grade band of the rule set matches",
}
for _i, _m in enumerate(MEASURES):
    REASONS[R_MEASURE_UNDEFINED + _i] = _MEASURE_WHY[_m]

#: A stable code for each reason (``reason_code`` of the evaluation objects and of the
#: stored evaluations): the adapters translate the code, never the English sentence.
REASON_KEYS: Final[dict[int, str | None]] = {
    R_NONE: None,
    R_NO_ACTUAL: "no-actual",
    R_TALLYING: "tallying",
    R_NO_TARGET: "no-target",
    R_DIRECTION_UNKNOWN: "direction-unknown",
    R_KEEP_SIDE_UNKNOWN: "keep-side-unknown",
    R_NO_BASELINE: "no-baseline",
    R_NO_BASELINE_YEAR: "no-baseline-year",
    R_CUMULATIVE_BELOW_BASELINE: "cumulative-below-baseline",
    R_NO_BAND: "no-band",
}
for _i, _m in enumerate(MEASURES):
    REASON_KEYS[R_MEASURE_UNDEFINED + _i] = "undefined-" + _m.replace("_", "-")

#: The code of each English reason sentence (for evaluations kept before codes were stored).
REASON_CODE_OF_TEXT: Final[dict[str, str]] = {
    text: code for i, text in REASONS.items() if text and (code := REASON_KEYS[i])
}
