"""Which way is good for each series: ``higher``, ``lower``, ``keep`` or unknown.

Inference, in order (first that applies):

1. a per-indicator override (``direction_override``) wins; for an override
   ``keep`` the good side still comes from the bound;
2. the bound of the target: ``max`` (以内/以下) means lower-or-equal is good,
   ``min`` (以上) higher-or-equal is good. Direction is ``keep`` when the
   target equals the baseline, else ``lower`` for ``max`` and ``higher`` for
   ``min`` (a ``max`` target above the baseline is still a ceiling);
3. a cumulative indicator (running total) can only grow: ``higher``
   (``keep`` when the target equals the baseline);
4. baseline → target: up is ``higher``, down is ``lower``; equal is ``keep``
   with the good side unknown — reported, not guessed;
5. otherwise (no baseline or no target, no bound) unknown.

Only then, and only for a table built with catalogue directions
(``direction_fallback``), :func:`apply_fallback`: where the plan leaves the
good side unknown (no override, no bound, no baseline → target change), the
usual direction of the indicator's concept in the indicator catalogue
(:mod:`machikpi.core.catalogue`) is taken — an unknown direction becomes the
concept's, and a ``keep`` target (target equals baseline) takes its good side
from it. The rows so decided are returned, so the output can say so.

Besides the direction, :func:`infer_direction` returns the *good side*
``sign``: +1 when a larger actual is better, -1 when smaller is better, 0 when
unknown (no grade can be given then).
"""

from __future__ import annotations

import numpy as np

from .codes import BOUND_MAX, BOUND_MIN, DIR_HIGHER, DIR_KEEP, DIR_LOWER, DIR_UNKNOWN
from .table import BoolArray, FloatArray, IntArray, SeriesTable


def infer_direction(table: SeriesTable, target: FloatArray, bound: IntArray) -> tuple[IntArray, IntArray]:
    """(direction code, good-side sign) per row; see the module docstring."""
    base = table.baseline_value
    both = ~np.isnan(base) & ~np.isnan(target)
    up = both & (target > base)
    down = both & (target < base)
    equal = both & (target == base)

    # 4. baseline -> target
    direction = np.where(up, DIR_HIGHER, np.where(down, DIR_LOWER, np.where(equal, DIR_KEEP, DIR_UNKNOWN)))
    sign = np.where(up, 1, np.where(down, -1, 0))
    # 3. cumulative: running totals only grow
    cum = table.cumulative & ~np.isnan(target)
    direction = np.where(cum, np.where(equal, DIR_KEEP, DIR_HIGHER), direction)
    sign = np.where(cum, 1, sign)
    # 2. bound
    is_max = bound == BOUND_MAX
    is_min = bound == BOUND_MIN
    direction = np.where(is_max, np.where(equal, DIR_KEEP, DIR_LOWER), direction)
    direction = np.where(is_min, np.where(equal, DIR_KEEP, DIR_HIGHER), direction)
    sign = np.where(is_max, -1, np.where(is_min, 1, sign))
    # 1. override
    ov = table.direction_override
    direction = np.where(ov != DIR_UNKNOWN, ov, direction)
    keep_sign = np.where(is_max, -1, np.where(is_min, 1, 0))
    sign = np.where(
        ov == DIR_HIGHER, 1, np.where(ov == DIR_LOWER, -1, np.where(ov == DIR_KEEP, keep_sign, sign))
    )
    return direction.astype(np.int8), sign.astype(np.int8)


def apply_fallback(
    table: SeriesTable, direction: IntArray, sign: IntArray
) -> tuple[IntArray, IntArray, BoolArray]:
    """(direction, sign, used): :func:`infer_direction`'s result with the catalogue's
    direction (``table.direction_fallback``) where the plan leaves the good side
    unknown (``sign == 0``, no override); ``used`` marks those rows. A concept whose
    usual direction is ``keep`` gives no good side and changes nothing."""
    fb = table.direction_fallback
    open_side = (sign == 0) & (table.direction_override == DIR_UNKNOWN)
    used = open_side & ((fb == DIR_HIGHER) | (fb == DIR_LOWER))
    unknown = used & (direction == DIR_UNKNOWN)
    direction = np.where(unknown, fb, direction).astype(np.int8)
    sign = np.where(used, np.where(fb == DIR_HIGHER, 1, -1), sign).astype(np.int8)
    return direction, sign, used
