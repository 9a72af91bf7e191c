"""The columnar input of the evaluation engine: :class:`SeriesTable`.

One row of the table is one indicator series evaluated for one fiscal year
(``n`` rows). Numbers are ``float64`` with ``NaN`` where the plan gives no
value; categorical columns are ``int8`` codes from
:mod:`machikpi.core.evaluation.codes`. Targets are a 2-D block of shape
``(n, k)``: ``k`` target columns per series (a plan with targets for 2027 and
2031 has ``k == 2``), ``NaN`` value/year where a series has fewer targets.
The engine picks, per row, the target to measure against
(:func:`machikpi.core.evaluation.targets.pick_target`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..errors import MachikpiError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]
YearArray = npt.NDArray[np.int64]


class TableError(MachikpiError, ValueError):
    """A :class:`SeriesTable` has columns of the wrong shape or type.

    ``index`` is the 0-based row of the input the problem comes from (when it
    comes from a row) and ``field`` the field name, so that an adapter can name
    the file line."""

    def __init__(self, message: str, *, index: int | None = None, field: str | None = None):
        self.message = message
        self.index = index
        self.field = field
        super().__init__(message if index is None else f"row {index}: {field or ''}: {message}")


@dataclass
class SeriesTable:
    """Columns of series × evaluated year.

    - ``year`` (n,) int64: the fiscal year evaluated in this row.
    - ``baseline_value`` (n,) float64, ``baseline_year`` (n,) float64 (``NaN``: unknown).
    - ``target_value``, ``target_year`` (n, k) float64; ``target_bound`` (n, k) int8
      (``BOUND_NONE``/``BOUND_MAX``/``BOUND_MIN``).
    - ``actual`` (n,) float64: the actual value of ``year`` (for a cumulative
      indicator the running total at ``year``); ``NaN`` when none.
    - ``actual_tallying`` (n,) bool: the actual cell says 集計中.
    - ``cumulative`` (n,) bool; ``percent`` (n,) bool: the unit is ``%``
      (tolerances in points apply only to these).
    - ``direction_override`` (n,) int8: ``DIR_UNKNOWN`` (0) for none, else
      ``DIR_HIGHER``/``DIR_LOWER``/``DIR_KEEP``.
    - ``weight`` (n,) float64: weight for a weighted roll-up (1.0 by default).
    - ``direction_fallback`` (n,) int8: the usual direction of the indicator's
      concept in the indicator catalogue (:mod:`machikpi.core.catalogue`),
      ``DIR_UNKNOWN`` (0) for none; used only where the plan does not settle
      the direction (:func:`machikpi.core.evaluation.direction.apply_fallback`).
    - ``concept`` (n,) str: the concept id the fallback comes from (``""`` for none).

    Raises :class:`TableError` from :meth:`check` when shapes disagree.
    """

    year: YearArray
    baseline_value: FloatArray
    baseline_year: FloatArray
    target_value: FloatArray
    target_year: FloatArray
    target_bound: IntArray
    actual: FloatArray
    actual_tallying: BoolArray
    cumulative: BoolArray
    percent: BoolArray
    direction_override: IntArray
    weight: FloatArray
    direction_fallback: IntArray
    concept: npt.NDArray[np.str_]

    def __len__(self) -> int:
        return int(self.year.shape[0])

    def check(self) -> None:
        """Raise :class:`TableError` unless every column has the right shape."""
        n = len(self)
        for name in (
            "baseline_value",
            "baseline_year",
            "actual",
            "actual_tallying",
            "cumulative",
            "percent",
            "direction_override",
            "weight",
            "direction_fallback",
            "concept",
        ):
            col = getattr(self, name)
            if col.shape != (n,):
                raise TableError(f"column {name} has shape {col.shape}, expected ({n},)")
        shape = self.target_value.shape
        if len(shape) != 2 or shape[0] != n:
            raise TableError(f"column target_value has shape {shape}, expected ({n}, k)")
        for name in ("target_year", "target_bound"):
            col = getattr(self, name)
            if col.shape != shape:
                raise TableError(f"column {name} has shape {col.shape}, expected {shape}")


def make_table(
    *,
    year: npt.ArrayLike,
    baseline_value: npt.ArrayLike,
    baseline_year: npt.ArrayLike,
    target_value: npt.ArrayLike,
    target_year: npt.ArrayLike,
    actual: npt.ArrayLike,
    target_bound: npt.ArrayLike | None = None,
    actual_tallying: npt.ArrayLike | None = None,
    cumulative: npt.ArrayLike | None = None,
    percent: npt.ArrayLike | None = None,
    direction_override: npt.ArrayLike | None = None,
    weight: npt.ArrayLike | None = None,
    direction_fallback: npt.ArrayLike | None = None,
    concept: npt.ArrayLike | None = None,
) -> SeriesTable:
    """Build a checked :class:`SeriesTable` from array-likes, converting dtypes.

    ``target_value``/``target_year`` may be 1-D (one target per series); the
    optional columns default to "no bound", "not tallying", "not cumulative",
    "not %", "no override", weight 1 and no catalogue direction. ``year`` may be a scalar (the same
    year for every row). Raises :class:`TableError` on shape mismatch.
    """
    bv = np.asarray(baseline_value, dtype=np.float64)
    n = bv.shape[0]
    tv = np.asarray(target_value, dtype=np.float64)
    ty = np.asarray(target_year, dtype=np.float64)
    if tv.ndim == 1:
        tv = tv[:, None]
    if ty.ndim == 1:
        ty = ty[:, None]
    tb = np.zeros(tv.shape, np.int8) if target_bound is None else np.asarray(target_bound, dtype=np.int8)
    if tb.ndim == 1:
        tb = tb[:, None]
    yr = np.asarray(year, dtype=np.int64)
    if yr.ndim == 0:
        yr = np.full(n, int(yr), np.int64)

    def _bool(x: npt.ArrayLike | None) -> BoolArray:
        return np.zeros(n, np.bool_) if x is None else np.asarray(x, dtype=np.bool_)

    table = SeriesTable(
        year=yr,
        baseline_value=bv,
        baseline_year=np.asarray(baseline_year, dtype=np.float64),
        target_value=tv,
        target_year=ty,
        target_bound=tb,
        actual=np.asarray(actual, dtype=np.float64),
        actual_tallying=_bool(actual_tallying),
        cumulative=_bool(cumulative),
        percent=_bool(percent),
        direction_override=(
            np.zeros(n, np.int8) if direction_override is None else np.asarray(direction_override, np.int8)
        ),
        weight=np.ones(n, np.float64) if weight is None else np.asarray(weight, np.float64),
        direction_fallback=(
            np.zeros(n, np.int8) if direction_fallback is None else np.asarray(direction_fallback, np.int8)
        ),
        concept=np.full(n, "", np.str_) if concept is None else np.asarray(concept, np.str_),
    )
    table.check()
    return table
