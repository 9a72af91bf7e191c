"""Bench of evaluating from the database: 1,741 plans × 100 indicators × 10 fiscal years (SQLite).

Issue 3's scale check. Generates a SQLite database of synthetic stored plans
(one node per 10 indicators under one root, one series per indicator, a
baseline cell and two target cells per series, entered actual values for
fiscal years 2016..2025; seeded random, a mix of rising, falling, keep,
bounded, cumulative, % and missing values), then measures on it:

(a) loading the KPI rows from the database (:func:`~machikpi.adapters.storage.export.stored_rows`);
(b) the core evaluation alone on those rows (``table_from_rows`` + ``evaluate``,
    with the garbage collector paused as ``evaluate_stored`` runs them), with
    its tracemalloc peak (NumPy reports its allocations to tracemalloc);
(c) the whole :func:`~machikpi.adapters.storage.evaluations.evaluate_stored`
    for fiscal 2025, saving the evaluations;

and the peak memory of the process (``ru_maxrss``). Generation time is
printed but is not one of the measured figures. Aim: core ≤ 1 s, from the
database ≤ 15 s, peak memory ≤ 2 GB.

Run: ``.venv/bin/python bench/evaluate_database.py [--plans 1741 --indicators 100
--years 10 --db PATH --rules baseline-band --keep]``. Without ``--db`` the
database is a temporary file, deleted at the end; ``--keep`` keeps the file and
reuses an existing one instead of generating it again.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

LAST_YEAR = 2025
INDICATORS_PER_NODE = 10
BATCH = 20_000


def generate(plans: int, indicators: int, years: int, seed: int = 0) -> int:
    """Fill the (empty, migrated) database with synthetic plans; returns the number of actual values.

    Primary keys are assigned here (1, 2, …) so that no key needs reading back;
    everything is written with ``bulk_create`` in one transaction."""
    from django.db import transaction

    from machikpi.adapters.storage import models as db

    rng = np.random.default_rng(seed)
    first_year = LAST_YEAR - years + 1
    s = plans * indicators
    base = np.round(rng.lognormal(4.0, 1.5, s), 1)
    change = rng.choice([1.2, 0.8, 1.0, 1.1], s, p=[0.55, 0.25, 0.05, 0.15])
    t1 = np.round(base * change, 1)
    t2 = np.round(t1 * rng.uniform(1.0, 1.1, s), 1)
    bound = rng.choice([0, 1, 2], s, p=[0.9, 0.05, 0.05])
    cumulative = rng.random(s) < 0.1
    percent = rng.random(s) < 0.3
    no_base = rng.random(s) < 0.03
    base_year = rng.choice([2014, 2015, 2018, 2019], s)
    no_base_year = rng.random(s) < 0.02
    t1_year = base_year + 6
    t2_year = base_year + 10
    yrs = np.arange(first_year, first_year + years)
    frac = (yrs[None, :] - base_year[:, None]) / (t1_year - base_year)[:, None]
    actual = np.round(base[:, None] + (t1 - base)[:, None] * frac * rng.normal(1.0, 0.4, (s, years)), 1)
    missing = rng.random((s, years)) < 0.05
    bound_names = [None, "max", "min"]
    units = ["件", "人", "%"]

    def cell(sid: int, kind: str, pos: int, value: float | None, year: int | None, bd: str | None) -> db.Cell:
        raw = "" if value is None else f"{value:g}"
        return db.Cell(
            series_id=sid,
            kind=kind,
            position=pos,
            raw=raw,
            status="value" if value is not None else "none",
            value=value,
            year=year,
            year_type="fiscal" if year is not None else None,
            bound=bd,
        )

    n_actuals = 0
    nodes_per_plan = 1 + -(-indicators // INDICATORS_PER_NODE)
    with transaction.atomic():
        db.Plan.objects.bulk_create(
            [
                db.Plan(id=p + 1, doc=f"plan-{p + 1:04d}.txt", title=f"第{p + 1}次総合計画", layout="bench")
                for p in range(plans)
            ],
            batch_size=BATCH,
        )
        node_objs: list[db.Node] = []
        for p in range(plans):
            root = p * nodes_per_plan + 1
            node_objs.append(
                db.Node(id=root, plan_id=p + 1, key="1", level="基本目標", code="1", title="基本目標1")
            )
            for k in range(1, nodes_per_plan):
                node_objs.append(
                    db.Node(
                        id=root + k,
                        plan_id=p + 1,
                        parent_id=root,
                        key=f"1 / 1-{k}",
                        level="施策",
                        code=f"1-{k}",
                        title=f"施策{k}",
                        position=k,
                    )
                )
        db.Node.objects.bulk_create(node_objs, batch_size=BATCH)
        del node_objs
        for start in range(0, s, BATCH):
            stop = min(start + BATCH, s)
            inds, series, cells, actuals = [], [], [], []
            for i in range(start, stop):
                p, k = divmod(i, indicators)
                sid = i + 1
                node = p * nodes_per_plan + 2 + k // INDICATORS_PER_NODE
                unit = "%" if percent[i] else units[i % 2]
                inds.append(
                    db.Indicator(
                        id=sid,
                        plan_id=p + 1,
                        node_id=node,
                        key=f"{k} :: 指標{k}",
                        role="KPI",
                        name=f"指標{k}",
                        raw_name=f"指標{k}",
                        unit=unit,
                        cumulative=bool(cumulative[i]),
                        position=k,
                    )
                )
                series.append(db.Series(id=sid, indicator_id=sid))
                bd = bound_names[bound[i]]
                by = None if no_base_year[i] else int(base_year[i])
                cells.append(cell(sid, db.Cell.BASELINE, 0, None if no_base[i] else float(base[i]), by, None))
                cells.append(cell(sid, db.Cell.TARGET, 0, float(t1[i]), int(t1_year[i]), bd))
                cells.append(cell(sid, db.Cell.TARGET, 1, float(t2[i]), int(t2_year[i]), bd))
                for j in range(years):
                    if not missing[i, j]:
                        v = float(actual[i, j])
                        actuals.append(
                            db.ActualValue(
                                series_id=sid, year=int(yrs[j]), value=v, raw=f"{v:g}", entered_by="bench"
                            )
                        )
            db.Indicator.objects.bulk_create(inds, batch_size=BATCH)
            db.Series.objects.bulk_create(series, batch_size=BATCH)
            db.Cell.objects.bulk_create(cells, batch_size=BATCH)
            db.ActualValue.objects.bulk_create(actuals, batch_size=BATCH)
            n_actuals += len(actuals)
    return n_actuals


def rss_mib() -> float:
    """Peak resident memory of this process so far, MiB (Linux reports ``ru_maxrss`` in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plans", type=int, default=1741)
    ap.add_argument("--indicators", type=int, default=100)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--db", help="SQLite file (default: a temporary file)")
    ap.add_argument("--rules", default="baseline-band", help="preset name or TOML file")
    ap.add_argument("--keep", action="store_true", help="keep the database file; reuse it if it exists")
    ap.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.generate_only:  # the child process of a run (below): generate and exit
        from machikpi.adapters.django_settings import setup

        setup(args.db)
        t0 = time.perf_counter()
        n = generate(args.plans, args.indicators, args.years)
        print(
            f"generated {args.db}: {args.plans:,} plans × {args.indicators} indicators, "
            f"{n:,} actual values (fiscal {LAST_YEAR - args.years + 1}..{LAST_YEAR}) "
            f"in {time.perf_counter() - t0:.1f} s (not measured; peak RSS {rss_mib():.0f} MiB)",
            flush=True,
        )
        return

    if args.db:
        path = Path(args.db)
    else:
        fd, name = tempfile.mkstemp(suffix=".db", prefix="machikpi-bench-")
        os.close(fd)
        path = Path(name)
        path.unlink()
    reuse = args.keep and path.exists()
    if path.exists() and not reuse:
        path.unlink()

    try:
        if not reuse:
            # in a child process, so that its memory does not count in this one's peak
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--generate-only",
                    "--db",
                    str(path),
                    "--plans",
                    str(args.plans),
                    "--indicators",
                    str(args.indicators),
                    "--years",
                    str(args.years),
                ],
                check=True,
            )
        measure(path, args.rules, reused=reuse)
    finally:
        if not args.keep:
            path.unlink(missing_ok=True)


def measure(path: Path, rules: str, *, reused: bool) -> None:
    """Measure (a), (b), (c) of the module docstring on the database at ``path`` and print them."""
    from machikpi.adapters.django_settings import setup

    setup(str(path))
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.storage import models as db
    from machikpi.adapters.storage.evaluations import evaluate_stored
    from machikpi.adapters.storage.export import paused_gc, stored_rows
    from machikpi.core.evaluation import evaluate, table_from_rows

    ruleset = load_ruleset(rules)
    if reused:
        print(
            f"reusing {path} ({db.Series.objects.count():,} series, {db.ActualValue.objects.count():,} actual values)"
        )
    t0 = time.perf_counter()
    stored = stored_rows()
    t_load = time.perf_counter() - t0
    print(f"(a) load rows from the database (stored_rows): {t_load:.2f} s, {len(stored.rows):,} rows")

    with paused_gc():  # as evaluate_stored runs it
        t0 = time.perf_counter()
        table = table_from_rows(stored.rows, LAST_YEAR)
        t_table = time.perf_counter() - t0
        result = evaluate(table, ruleset)
        t_core = time.perf_counter() - t0
    graded = int((result.grade >= 0).sum())
    tracemalloc.start()  # separately: tracing slows allocation down
    evaluate(table_from_rows(stored.rows, LAST_YEAR), ruleset)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"(b) core evaluation (table_from_rows + evaluate, {ruleset.name}): {t_core:.2f} s "
        f"(table_from_rows {t_table:.2f} s, evaluate {t_core - t_table:.3f} s), "
        f"graded {graded:,}/{len(result):,}, tracemalloc peak {peak / 2**20:.0f} MiB"
    )
    del stored, table, result

    t0 = time.perf_counter()
    ev = evaluate_stored(LAST_YEAR, ruleset)
    t_all = time.perf_counter() - t0
    saved = db.Evaluation.objects.filter(year=LAST_YEAR, rules=ruleset.name).count()
    print(
        f"(c) evaluate_stored({LAST_YEAR}) from the database, saving: {t_all:.2f} s, "
        f"{len(ev.rows):,} rows, {saved:,} evaluations stored"
    )
    print(f"peak memory of the process (ru_maxrss): {rss_mib():.0f} MiB")
    print("aim: core ≤ 1 s, from the database ≤ 15 s, peak memory ≤ 2048 MiB")


if __name__ == "__main__":
    main()
