"""Choosing, per evaluated year, the target to measure against.

Rule (``docs/kpi-rows.md``, *Evaluation*): the nearest target year at or
after the evaluated year, so a plan with targets for 2027 and 2031 is measured
against 2027 up to FY2027 and against 2031 from FY2028. Choices made here:

- only targets with a value count (a ``pending`` 設定予定 cell cannot be
  measured against, so the next valued target year is used);
- after the last target year, the last target is used (a late evaluation of
  a finished plan is still measured against its final target);
- a valued target without a year is used only when no dated target exists;
  its year is then unknown (``NaN``), so ``expected``/pace cannot be computed.
"""

from __future__ import annotations

import numpy as np

from .table import FloatArray, IntArray, SeriesTable


def pick_target(table: SeriesTable) -> tuple[FloatArray, FloatArray, IntArray]:
    """Per row: (target value, target year, target bound code); ``NaN`` value
    and year when the series has no valued target."""
    tv, ty, tb = table.target_value, table.target_year, table.target_bound
    n, k = tv.shape
    if k == 0:
        nan = np.full(n, np.nan)
        return nan, nan.copy(), np.zeros(n, np.int8)
    valued = ~np.isnan(tv)
    dated = valued & ~np.isnan(ty)
    year = table.year.astype(np.float64)[:, None]
    ahead = dated & (ty >= year)
    idx_ahead = np.where(ahead, ty, np.inf).argmin(axis=1)
    idx_last = np.where(dated, ty, -np.inf).argmax(axis=1)
    idx_undated = (valued & ~dated).argmax(axis=1)
    idx = np.where(ahead.any(axis=1), idx_ahead, np.where(dated.any(axis=1), idx_last, idx_undated))
    rows = np.arange(n)
    has = valued.any(axis=1)
    value = np.where(has, tv[rows, idx], np.nan)
    tyear = np.where(has, ty[rows, idx], np.nan)
    bound = np.where(has, tb[rows, idx], 0).astype(np.int8)
    return value, tyear, bound
