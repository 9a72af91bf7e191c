"""Rolling grades of indicators up to plan nodes, as the rule set declares.

Methods (``[rollup] method``), over the *graded* rows of each group only:

- ``mean_points``: mean of the band points;
- ``weighted_mean_points``: ``sum(w * points) / sum(w)`` with the table's ``weight``;
- ``share_achieved``: share of rows whose grade is in ``achieved``;
- ``worst``: the worst grade (bands are listed best first, so the grade of the
  latest-listed grade); its value is that band's points, if any;
- ``mean_measure``: mean of the rule set's default measure (佐野市 averages the
  achievement rates of a 施策's indicators, then scores the average).

The node grade comes from ``[[rollup.band]]`` on the value (first band with
``min <= value < max``), or for ``worst`` is the worst grade itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from .engine import EvaluationResult
from .table import FloatArray

K = TypeVar("K", bound=Hashable)


def count_up(parents: Mapping[K, K | None], own: Mapping[K, Counter[str]]) -> dict[K, Counter[str]]:
    """Per node of a tree, the counts (grades, series …) of the node and all its descendants.

    ``parents`` maps every node to its parent (``None`` for a root; a parent not in
    ``parents`` makes a root too); ``own`` gives each node's own counts (a node missing
    from it counts nothing). The one roll-up of grade counts that the public site, the API
    and the reports show. Raises :class:`ValueError` for a cycle."""
    total: dict[K, Counter[str]] = {k: Counter(own.get(k) or {}) for k in parents}
    for node, counts in own.items():
        if node in total or not counts:
            continue
        total[node] = Counter(counts)
    seen_depth: dict[K, int] = {}

    def depth(k: K) -> int:
        chain: list[K] = []
        cur: K | None = k
        while cur is not None and cur in parents and cur not in seen_depth:
            if cur in chain:
                raise ValueError(f"the node tree has a cycle at {cur!r}")
            chain.append(cur)
            cur = parents[cur]
        base = seen_depth.get(cur, -1) if cur is not None else -1
        for n in reversed(chain):
            base += 1
            seen_depth[n] = base
        return seen_depth[k]

    for node in sorted(parents, key=depth, reverse=True):  # deepest first: children before parents
        parent = parents[node]
        if parent is not None and parent in total:
            total[parent].update(total[node])
    return total


@dataclass
class RollupResult:
    """Per group (length ``n_groups``): ``value`` (``NaN`` when nothing graded),
    ``grade`` (``None`` when none), ``graded`` and ``total`` row counts."""

    value: FloatArray
    grade: list[str | None]
    graded: npt.NDArray[np.int64]
    total: npt.NDArray[np.int64]


def rollup(
    result: EvaluationResult, groups: npt.ArrayLike, n_groups: int, weight: npt.ArrayLike | None = None
) -> RollupResult:
    """Roll ``result`` up into ``n_groups`` groups; ``groups`` (n,) gives each
    row's group number (0-based). Raises ``ValueError`` when the rule set
    declares no ``[rollup]``."""
    rs = result.ruleset
    if rs.rollup is None:
        raise ValueError(f"rule set {rs.name!r} declares no [rollup]")
    method = rs.rollup.method
    g = np.asarray(groups, dtype=np.int64)
    graded = result.grade >= 0
    total = np.bincount(g, minlength=n_groups)
    count = np.bincount(g, weights=graded.astype(np.float64), minlength=n_groups)
    w = np.ones(len(result)) if weight is None else np.asarray(weight, np.float64)
    value = np.full(n_groups, np.nan)
    grade: list[str | None] = [None] * n_groups
    ok = count > 0
    if method in ("mean_points", "weighted_mean_points", "mean_measure"):
        x = getattr(result.measures, rs.measure) if method == "mean_measure" else result.points
        use = graded & ~np.isnan(x)
        ww = (w if method == "weighted_mean_points" else np.ones(len(result))) * use
        num = np.bincount(g, weights=np.where(use, x, 0.0) * ww, minlength=n_groups)
        den = np.bincount(g, weights=ww, minlength=n_groups)
        np.divide(num, den, out=value, where=den > 0)
    elif method == "share_achieved":
        idx = [rs.grades.index(a) for a in rs.rollup.achieved]
        hit = graded & np.isin(result.grade, idx)
        num = np.bincount(g, weights=hit.astype(np.float64), minlength=n_groups)
        np.divide(num, count, out=value, where=ok)
    else:  # worst
        # a grade's rank is the position of its first band (bands are best first)
        rank_of_grade = np.array(
            [min(i for i, b in enumerate(rs.bands) if b.grade == gr) for gr in rs.grades]
        )
        rank = np.where(graded, rank_of_grade[np.maximum(result.grade, 0)], -1)
        worst = np.full(n_groups, -1, np.int64)
        np.maximum.at(worst, g, rank)
        for i, r in enumerate(worst.tolist()):
            if r >= 0:
                grade[i] = rs.bands[r].grade
                pts = rs.bands[r].points
                value[i] = np.nan if pts is None else pts
        return RollupResult(value=value, grade=grade, graded=count.astype(np.int64), total=total)
    for i, v in enumerate(value.tolist()):
        if v == v:  # not NaN
            for band in rs.rollup.bands:
                if (band.min is None or v >= band.min) and (band.max is None or v < band.max):
                    grade[i] = band.grade
                    break
    return RollupResult(value=value, grade=grade, graded=count.astype(np.int64), total=total)
