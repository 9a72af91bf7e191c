"""Bench of evaluating the whole database: 1,741 municipalities × 100 indicators × 10 fiscal years.

Issue 3's scale check, issue 10 item 5. Generates a database (SQLite file or
PostgreSQL) of synthetic stored plans (one node per 10 indicators under one
root, one series per indicator, a baseline cell and two target cells per
series, entered actual values for fiscal years 2016..2025, every one approved,
i.e. published; seeded random, a mix of rising, falling, keep, bounded,
cumulative, % and missing values) with bulk inserts, then runs the stored
evaluation of fiscal 2025 (:func:`~machikpi.adapters.storage.evaluations.evaluate_stored`)
twice, first storing new evaluations and then replacing them, and prints its
stages: load (database → the engine's arrays), engine, objects (the spec's
``evaluation`` objects), save, total, and how many of the series were graded
(by the rule set's bands). ``--rows`` also times the earlier path through the
KPI rows (``evaluate_stored_rows``) on the same data.

Generation time is printed but is not one of the measured figures; nothing
is asserted. Aim: evaluate + save ≤ 15 s on PostgreSQL on 2 cores.

Run: ``.venv/bin/python bench/evaluate_database.py [--municipalities 1741
--indicators 100 --years 10 --database URL --rules baseline-band --keep --rows]``.
``--database`` is a SQLite file (or ``sqlite:///…``) or ``postgresql://…``;
default a temporary SQLite file, deleted at the end. A PostgreSQL database is
emptied (every machikpi table) before generating. ``--keep`` keeps the data
and reuses data already there instead of generating it again.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
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
    from django.utils import timezone

    from machikpi.adapters.storage import models as db

    now = timezone.now()

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
                                series_id=sid,
                                year=int(yrs[j]),
                                value=v,
                                raw=f"{v:g}",
                                status=db.ActualValue.APPROVED,
                                entered_by="bench",
                                approved_value=v,
                                approved_raw=f"{v:g}",
                                approved_by="bench",
                                approved_at=now,
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


def is_postgres(url: str) -> bool:
    return url.split("://")[0].startswith(("postgres", "pgsql"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--municipalities", "--plans", type=int, default=1741, help="plans (one per municipality)"
    )
    ap.add_argument("--indicators", type=int, default=100, help="indicators (one series each) per plan")
    ap.add_argument("--years", type=int, default=10, help="fiscal years of actual values, ending 2025")
    ap.add_argument(
        "--database", "--db", help="SQLite file or URL, or postgresql:// URL (default: a temporary file)"
    )
    ap.add_argument("--rules", default="baseline-band", help="preset name or TOML file")
    ap.add_argument("--keep", action="store_true", help="keep the data; reuse data already there")
    ap.add_argument("--rows", action="store_true", help="also time the earlier path through the KPI rows")
    ap.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.generate_only:  # the child process of a run (below): generate and exit
        from django.core.management import call_command

        from machikpi.adapters.django_settings import setup

        setup(args.database)
        call_command("flush", verbosity=0, interactive=False)
        t0 = time.perf_counter()
        n = generate(args.municipalities, args.indicators, args.years)
        print(
            f"generated: {args.municipalities:,} plans × {args.indicators} indicators, "
            f"{n:,} published actual values (fiscal {LAST_YEAR - args.years + 1}..{LAST_YEAR}) "
            f"in {time.perf_counter() - t0:.1f} s (not measured; peak RSS {rss_mib():.0f} MiB)",
            flush=True,
        )
        return

    path: Path | None = None
    if args.database and is_postgres(args.database):
        url = args.database
    else:
        if args.database:
            path = Path(args.database.removeprefix("sqlite:///"))
        else:
            fd, name = tempfile.mkstemp(suffix=".db", prefix="machikpi-bench-")
            os.close(fd)
            path = Path(name)
            path.unlink()
        url = str(path)
    series = args.municipalities * args.indicators
    reuse = args.keep and (path is None or path.exists()) and has_data(url, series)
    if path is not None and path.exists() and not reuse:
        path.unlink()

    try:
        if not reuse:
            # in a child process, so that its memory does not count in this one's peak
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--generate-only",
                    "--database",
                    url,
                    "--municipalities",
                    str(args.municipalities),
                    "--indicators",
                    str(args.indicators),
                    "--years",
                    str(args.years),
                ],
                check=True,
            )
        measure(url, args.rules, reused=reuse, rows=args.rows)
    finally:
        if path is not None and not args.keep:
            path.unlink(missing_ok=True)


def has_data(url: str, series: int) -> bool:
    """Whether the database at ``url`` already holds ``series`` series (asked in a
    child process: Django is set up once per process)."""
    code = (
        "import sys; from machikpi.adapters.django_settings import setup; setup(sys.argv[1]); "
        "from machikpi.adapters.storage import models as db; "
        "sys.exit(0 if db.Series.objects.count() == int(sys.argv[2]) else 1)"
    )
    return subprocess.run([sys.executable, "-c", code, url, str(series)], check=False).returncode == 0


def stages(seconds: dict[str, float]) -> str:
    """The stage times of an evaluation, and their total, as one line."""
    parts = ", ".join(f"{k} {v:.2f} s" for k, v in seconds.items())
    return f"{parts}; total {sum(seconds.values()):.2f} s"


def measure(url: str, rules: str, *, reused: bool, rows: bool) -> None:
    """Run the stored evaluation on the database at ``url`` and print its stages (module docstring)."""
    from django.db import connection

    from machikpi.adapters.django_settings import setup

    setup(url)
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.storage import models as db
    from machikpi.adapters.storage.evaluations import evaluate_stored, evaluate_stored_rows

    ruleset = load_ruleset(rules)
    where = f"{connection.vendor} {connection.settings_dict['NAME']}"
    print(
        f"{'reusing' if reused else 'evaluating'} {where}: {db.Series.objects.count():,} series, "
        f"{db.ActualValue.objects.filter(approved_raw__isnull=False).count():,} published actual values"
    )
    db.Evaluation.objects.filter(year=LAST_YEAR, rules=ruleset.name).delete()
    for label in ("new evaluations", "replacing them"):
        t0 = time.perf_counter()
        ev = evaluate_stored(LAST_YEAR, ruleset)
        t_all = time.perf_counter() - t0
        print(
            f"evaluate_stored({LAST_YEAR}, {ruleset.name}), {label}: {stages(ev.seconds)} "
            f"(wall {t_all:.2f} s); graded {ev.graded:,} of {len(ev):,} series"
        )
    saved = db.Evaluation.objects.filter(year=LAST_YEAR, rules=ruleset.name).count()
    graded = db.Evaluation.objects.filter(year=LAST_YEAR, rules=ruleset.name, reason__isnull=True).count()
    print(f"stored: {saved:,} evaluations of fiscal {LAST_YEAR}, {graded:,} of them graded (no reason)")
    if rows:
        t0 = time.perf_counter()
        ev = evaluate_stored_rows(LAST_YEAR, ruleset)
        t_all = time.perf_counter() - t0
        print(
            f"evaluate_stored_rows (the earlier path), replacing: {stages(ev.seconds)} "
            f"(wall {t_all:.2f} s); graded {ev.graded:,} of {len(ev):,} series"
        )
    print(f"peak memory of the process (ru_maxrss): {rss_mib():.0f} MiB")
    print("aim: evaluate + save ≤ 15 s on PostgreSQL on 2 cores")


if __name__ == "__main__":
    main()
