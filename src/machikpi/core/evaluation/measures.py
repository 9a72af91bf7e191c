"""The numbers an evaluation computes per row (all columnar, ``NaN`` = undefined).

Definitions (``a`` actual, ``b`` baseline, ``t`` target, ``s`` the good-side
sign from :mod:`.direction`, years ``y`` evaluated, ``y0`` baseline, ``yT`` target):

- **達成率 achievement_rate** (fraction): ``a / t`` when higher is better
  (s = +1), ``t / a`` when lower is better (s = -1). This is the ratio form
  most municipal evaluation sheets print (実績値÷目標値; 目標値÷実績値 for
  指標 to be reduced), the one 佐野市 grades its 7 points on. It is defined for
  non-negative ``a`` and ``t`` only (counts, amounts, shares); for negative
  values (社会増減 -500 人 → 0 人) it is undefined. A zero denominator means
  the target is reached (``t == 0`` with s = +1 and ``a >= 0``; ``a == 0``
  with s = -1 and ``t >= 0``): the rate is then taken as 1.0.
- **進捗率 progress_rate** = ``(a - b) / (t - b)``; undefined when ``t == b``.
- **expected** = ``b + (t - b) * f`` with ``f = clip((y - y0) / (yT - y0), 0, 1)``:
  the straight line from the baseline year to the target year.
- **pace** = progress made over progress expected by now = ``progress_rate / f``;
  undefined when ``f == 0`` (year not after the baseline year), when no change
  is planned, or when the target lies on the bad side of the baseline (a
  ``以内`` ceiling above the baseline: approaching it is not progress). In year k of an n-year plan this is progress against k/n of the
  planned change (多摩市's reading).
- **cagr_ratio** = ``s * CAGR_obs / |CAGR_req|`` with
  ``CAGR_obs = (a / b) ** (1 / (y - y0)) - 1`` and
  ``CAGR_req = (t / b) ** (1 / (yT - y0)) - 1`` — the Statistics Canada / Open SDG
  progress measure (open-sdg/open-sdg ``docs/progress-methodology.md``: ratio
  of observed to required compound annual growth rate, with ``d = ±1`` for the
  desired direction); it needs positive ``a``, ``b``, ``t``, ``y > y0`` and ``t != b``.
- **improvement** = ``s * (a - b)``: positive when better than the baseline.

Cumulative indicators: the actual of a year is the running total so far, on
the same footing as the target (the total the plan wants by the target year);
the baseline is the running total at the baseline year. All the formulas then
apply unchanged (the straight line is the expected running total); only the
direction is fixed to ``higher`` (see :mod:`.direction`). A cumulative target
below its baseline signals a baseline that is one year's figure while the
target is a sum from zero; that case is not graded (reason given).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .table import FloatArray, IntArray, SeriesTable


@dataclass
class Measures:
    """The computed columns, all (n,) float64."""

    achievement_rate: FloatArray
    progress_rate: FloatArray
    expected: FloatArray
    pace: FloatArray
    cagr_ratio: FloatArray
    improvement: FloatArray
    year_fraction: FloatArray


def _div(num: FloatArray, den: FloatArray, ok: np.ndarray) -> FloatArray:
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=ok & (den != 0))
    return out


def compute_measures(
    table: SeriesTable, target: FloatArray, target_year: FloatArray, sign: IntArray
) -> Measures:
    """Compute every measure of the module docstring for every row."""
    a = table.actual
    b = table.baseline_value
    t = target
    y = table.year.astype(np.float64)
    y0 = table.baseline_year
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        nonneg = (a >= 0) & (t >= 0)
        up = sign == 1
        down = sign == -1
        rate = np.full(a.shape, np.nan)
        rate = np.where(up & nonneg, np.where(t > 0, a / np.where(t > 0, t, 1.0), 1.0), rate)
        rate = np.where(down & nonneg, np.where(a > 0, t / np.where(a > 0, a, 1.0), 1.0), rate)

        planned = t - b
        progress = _div(a - b, planned, np.ones(a.shape, bool))

        span = target_year - y0
        frac = np.full(a.shape, np.nan)
        np.divide(y - y0, span, out=frac, where=span > 0)
        frac = np.clip(frac, 0.0, 1.0)
        expected = b + planned * frac
        # pace only where the target lies on the good side of the baseline: moving towards
        # a ceiling (以内) set above the baseline is not progress
        pace = _div(progress, frac, (frac > 0) & (sign * planned > 0))

        pos = (a > 0) & (b > 0) & (t > 0) & (y > y0) & (span > 0) & (planned != 0)
        safe_b = np.where(pos, b, 1.0)
        cagr_obs = (np.where(pos, a, 1.0) / safe_b) ** (1.0 / np.where(pos, y - y0, 1.0)) - 1.0
        cagr_req = (np.where(pos, t, 2.0) / safe_b) ** (1.0 / np.where(pos, span, 1.0)) - 1.0
        cagr = np.where(pos & (cagr_req != 0), sign * cagr_obs / np.abs(cagr_req), np.nan)

        improvement = sign * (a - b)
        improvement = np.where(sign == 0, np.nan, improvement)
    return Measures(
        achievement_rate=rate,
        progress_rate=progress,
        expected=expected,
        pace=pace,
        cagr_ratio=cagr,
        improvement=improvement,
        year_fraction=frac,
    )
