"""Bench of the evaluation core: 1,741 plans × 100 indicators × 10 fiscal years.

Generates synthetic series in arrays (baseline 2019, targets 2027 and 2031,
a mix of rising, falling, keep, bounded, cumulative, % and missing values),
then times :func:`machikpi.core.evaluation.evaluate` over all 1,741,000
series-years in one call for every preset rule set (best of 3), and reports
the peak memory of one call (tracemalloc, which NumPy allocations report to;
measured in a separate call because tracing slows allocation). Aim: ≤ 1 s per rule set.

Run: ``.venv/bin/python bench/evaluate_core.py``
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np

from machikpi.adapters.rulesets import load_ruleset, preset_names
from machikpi.core.evaluation import SeriesTable, evaluate, make_table

PLANS, INDICATORS, YEARS = 1741, 100, 10
FIRST_YEAR = 2020


def synthetic_table(seed: int = 0) -> SeriesTable:
    """One row per plan × indicator × year (year varies fastest)."""
    rng = np.random.default_rng(seed)
    s = PLANS * INDICATORS
    base = rng.lognormal(4.0, 1.5, s)
    change = rng.choice([1.2, 0.8, 1.0, 1.1], s, p=[0.55, 0.25, 0.05, 0.15])
    t1 = base * change
    t2 = t1 * rng.uniform(1.0, 1.1, s)
    bound = rng.choice([0, 1, 2], s, p=[0.9, 0.05, 0.05]).astype(np.int8)
    cumulative = rng.random(s) < 0.1
    percent = rng.random(s) < 0.3
    base[rng.random(s) < 0.03] = np.nan
    base_year = np.where(rng.random(s) < 0.02, np.nan, 2019.0)
    years = np.arange(FIRST_YEAR, FIRST_YEAR + YEARS)
    n = s * YEARS
    rep = np.repeat
    frac = np.tile((years - 2019) / 8.0, s)
    b = rep(base, YEARS)
    actual = b + (rep(t1, YEARS) - b) * frac * rng.normal(1.0, 0.4, n)
    actual[rng.random(n) < 0.05] = np.nan
    return make_table(
        year=np.tile(years, s),
        baseline_value=b,
        baseline_year=rep(base_year, YEARS),
        target_value=np.stack([rep(t1, YEARS), rep(t2, YEARS)], axis=1),
        target_year=np.tile(np.array([[2027.0, 2031.0]]), (n, 1)),
        target_bound=np.stack([rep(bound, YEARS), rep(bound, YEARS)], axis=1),
        actual=actual,
        cumulative=rep(cumulative, YEARS),
        percent=rep(percent, YEARS),
    )


def main() -> None:
    t0 = time.perf_counter()
    table = synthetic_table()
    print(
        f"generated {len(table):,} series-years ({PLANS} plans × {INDICATORS} indicators × {YEARS} years) in {time.perf_counter() - t0:.2f} s"
    )
    for name in preset_names():
        rs = load_ruleset(name)
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            result = evaluate(table, rs)
            times.append(time.perf_counter() - t0)
        elapsed = min(times)
        tracemalloc.start()  # separately: tracing slows allocation down
        evaluate(table, rs)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        graded = int((result.grade >= 0).sum())
        print(
            f"{name:14s} core evaluation {elapsed:.3f} s (best of 3), peak memory {peak / 2**20:.0f} MiB, graded {graded:,}/{len(result):,}"
        )


if __name__ == "__main__":
    main()
