"""The evaluation engine: a :class:`SeriesTable` and a :class:`RuleSet` in,
an :class:`EvaluationResult` of columns out. Pure and vectorised (NumPy): no
Python loop over rows, only over the rule set's few bands.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import codes as C
from .direction import apply_fallback, infer_direction
from .measures import Measures, compute_measures
from .ruleset import RuleSet
from .table import BoolArray, FloatArray, IntArray, SeriesTable, YearArray
from .targets import pick_target


@dataclass
class EvaluationResult:
    """Columns of the evaluation of a :class:`SeriesTable` (n rows).

    ``direction`` int8 codes (:data:`codes.DIRECTION_NAMES`); ``sign`` the good
    side (+1/-1/0); ``target``/``target_year`` the target measured against;
    measures as in :mod:`.measures` (fractions); ``grade`` int16 index into
    ``ruleset.grades`` (-1: not graded); ``points`` float (``NaN``: none);
    ``reason`` int8 code (:data:`codes.REASONS`, 0 when graded);
    ``direction_from_catalogue`` bool: the good side came from the indicator
    catalogue (the plan did not settle it), ``concept`` the concept id per row.
    """

    ruleset: RuleSet
    year: YearArray
    direction: IntArray
    sign: IntArray
    actual: FloatArray
    target: FloatArray
    target_year: FloatArray
    measures: Measures
    grade: npt.NDArray[np.int16]
    points: FloatArray
    reason: IntArray
    direction_from_catalogue: BoolArray
    concept: npt.NDArray[np.str_]

    def __len__(self) -> int:
        return int(self.year.shape[0])


def _condition_masks(
    table: SeriesTable, rs: RuleSet, sign: IntArray, target: FloatArray, m: Measures
) -> dict[str, BoolArray]:
    a, b = table.actual, table.baseline_value
    has_b = ~np.isnan(b)
    with np.errstate(invalid="ignore"):
        reached = (sign != 0) & (sign * (a - target) >= 0)
        tol = np.maximum(rs.unchanged_relative * np.abs(b), np.where(table.percent, rs.unchanged_points, 0.0))
        imp = m.improvement
        better = has_b & (imp > 0)
        worse = has_b & ((imp < -tol) | ((not rs.unchanged_inclusive) & (tol > 0) & (imp <= -tol)))
    return {
        "target_reached": reached,
        "not_target_reached": (sign != 0) & ~np.isnan(target) & ~np.isnan(a) & ~reached,
        "better_than_baseline": better,
        "unchanged": has_b & ~np.isnan(imp) & ~better & ~worse,
        "not_worse_than_baseline": has_b & ~np.isnan(imp) & ~worse,
        "worse_than_baseline": worse,
    }


def evaluate(table: SeriesTable, ruleset: RuleSet) -> EvaluationResult:
    """Evaluate every row of ``table`` with ``ruleset``.

    Rows that cannot be graded get ``grade == -1`` and a reason code, checked
    in this order: no actual (or 集計中), no target, direction / good side
    unknown, cumulative target below baseline, then — when no band matches —
    the first input a band needed and lacked (baseline, baseline year, an
    undefined measure), else "no band matches".
    """
    table.check()
    n = len(table)
    target, target_year, bound = pick_target(table)
    direction, sign = infer_direction(table, target, bound)
    direction, sign, from_catalogue = apply_fallback(table, direction, sign)
    m = compute_measures(table, target, target_year, sign)
    a, b = table.actual, table.baseline_value
    has_b = ~np.isnan(b)

    reason = np.zeros(n, np.int8)
    no_actual = np.isnan(a)
    reason[no_actual] = np.where(table.actual_tallying[no_actual], C.R_TALLYING, C.R_NO_ACTUAL)
    free = reason == 0
    reason[free & np.isnan(target)] = C.R_NO_TARGET
    free = reason == 0
    side_unknown = free & (sign == 0)
    reason[side_unknown] = np.where(
        direction[side_unknown] == C.DIR_KEEP, C.R_KEEP_SIDE_UNKNOWN, C.R_DIRECTION_UNKNOWN
    )
    free = reason == 0
    with np.errstate(invalid="ignore"):
        cum_bad = (
            table.cumulative
            & (target < b)
            & (table.direction_override == C.DIR_UNKNOWN)
            & (bound == C.BOUND_NONE)
        )
    reason[free & cum_bad] = C.R_CUMULATIVE_BELOW_BASELINE
    gradable = reason == 0

    conds = _condition_masks(table, ruleset, sign, target, m)
    columns = {name: getattr(m, name) for name in C.MEASURES}
    grade = np.full(n, -1, np.int16)
    points = np.full(n, np.nan)
    missing = np.zeros(n, np.int8)  # first input a band lacked, for rows no band takes
    grade_index = {g: i for i, g in enumerate(ruleset.grades)}
    for band in ruleset.bands:
        mask = gradable & (grade < 0)
        cause = np.zeros(n, np.int8)
        for w in band.when:
            mask &= conds[w]
            if w not in ("target_reached", "not_target_reached"):
                cause = np.where((cause == 0) & ~has_b, C.R_NO_BASELINE, cause)
        if band.min is not None or band.max is not None:
            name = ruleset.band_measure(band)
            col = columns[name]
            with np.errstate(invalid="ignore"):
                if band.min is not None:
                    mask &= col >= band.min
                if band.max is not None:
                    mask &= col < band.max
            undefined = np.isnan(col)
            why = np.full(n, C.R_MEASURE_UNDEFINED + C.MEASURES.index(name), np.int8)
            if name != "achievement_rate":
                why = np.where(~has_b, C.R_NO_BASELINE, why)
            if name in ("pace", "cagr_ratio"):
                why = np.where(has_b & np.isnan(table.baseline_year), C.R_NO_BASELINE_YEAR, why)
            cause = np.where((cause == 0) & undefined, why, cause)
        grade[mask] = grade_index[band.grade]
        if band.points is not None:
            points[mask] = band.points
        missing = np.where(missing == 0, cause, missing).astype(np.int8)
    unmatched = gradable & (grade < 0)
    reason[unmatched] = np.where(missing[unmatched] != 0, missing[unmatched], C.R_NO_BAND)
    return EvaluationResult(
        ruleset=ruleset,
        year=table.year,
        direction=direction,
        sign=sign,
        actual=a,
        target=target,
        target_year=target_year,
        measures=m,
        grade=grade,
        points=points,
        reason=reason,
        direction_from_catalogue=from_catalogue,
        concept=table.concept,
    )
