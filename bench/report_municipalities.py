"""Bench: one municipality's report on a database of many municipalities (issue 10, items 3–4).

Builds two SQLite databases in a temporary folder: one with a single
municipality and one with ``--municipalities`` (default 100). Each
municipality (the first ones of the 総務省 code list) owns a copy of the
sample strategy of 伊勢崎市 (seed 003: 50 series) under its own document
name, with invented approved actual values for FY2024 and FY2025 (between
baseline and target, seeded random; written in bulk, this is set-up only).

Then, on each database, it times

* ``machikpi report --municipality NAME --year 2025 -o r.pdf`` as a command
  (a process of its own: Django start-up, evaluation of that municipality's
  plans, PDF) — the issue's check: the time on 100 municipalities should be
  that of one;
* the kept document (:mod:`machikpi.adapters.services.documents`): the first
  request (queued, built by the task runner's worker) and the second
  request of unchanged data (served from storage).

It also checks that the PDF names no other municipality's plan.

Run: ``.venv/bin/python bench/report_municipalities.py [--municipalities 100] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YEAR = 2025


def build(db_file: Path, count: int) -> str:
    """Store ``count`` municipalities, each with a copy of seed 003 and its actuals; returns the
    name of the one to report (the middle one)."""
    import copy

    from django.db import transaction

    from machikpi.adapters.django_settings import setup
    from machikpi.adapters.textfiles import read_source
    from machikpi.core.municipality import known_municipalities
    from machikpi.core.reader import read_plan
    from machikpi.samples import SEEDS

    setup(f"sqlite:///{db_file.resolve()}")
    from machikpi.adapters.storage import models as db
    from machikpi.adapters.storage.plans import store_plan

    seed = read_plan(read_source(SEEDS[3]))
    rng = random.Random(0)
    names = [m for m in known_municipalities() if m.name != "伊勢崎市"][:count]
    for k, m in enumerate(names):
        plan = copy.deepcopy(seed)
        plan.doc = f"{m.code}_strategy.txt"
        plan.title = f"第2期{m.name}まち・ひと・しごと創生総合戦略"
        with transaction.atomic():
            owner = db.Municipality.objects.create(
                name=m.name, prefecture=m.prefecture, code=m.code, position=k
            )
            stored = store_plan(plan, municipality=owner)
            values = []
            for s in db.Series.objects.filter(indicator__plan_id=stored.plan_id).prefetch_related("cells"):
                cells = {c.kind: c for c in s.cells.all() if c.value is not None}
                base, target = cells.get(db.Cell.BASELINE), cells.get(db.Cell.TARGET)
                if base is None or target is None or base.value is None or target.value is None:
                    continue
                for year, share in ((2024, 0.3), (2025, 0.5)):
                    v = round(base.value + (target.value - base.value) * share * rng.uniform(0.2, 1.6), 1)
                    values.append(
                        db.ActualValue(
                            series=s,
                            year=year,
                            value=v,
                            raw=f"{v:g}",
                            status=db.ActualValue.APPROVED,
                            entered_by="bench",
                            approved_value=v,
                            approved_raw=f"{v:g}",
                            approved_by="bench",
                        )
                    )
            db.ActualValue.objects.bulk_create(values)
    return names[len(names) // 2].name


def child(db_file: Path, count: int, out: Path) -> None:
    """Build the database of ``count`` municipalities and time its reports (this process)."""
    wall = time.perf_counter()
    name = build(db_file, count)
    from machikpi.adapters.storage import models as db

    n_series = db.Series.objects.count()
    print(
        f"== {count} municipalit{'y' if count == 1 else 'ies'}: {db.Plan.objects.count()} plans, "
        f"{n_series} series, {db.ActualValue.objects.count()} actual values "
        f"(set-up {time.perf_counter() - wall:.1f} s); report of {name}",
        flush=True,
    )
    pdf = out / f"report-{count}.pdf"
    cmd = [
        sys.executable,
        "-m",
        "machikpi.adapters.cli",
        "report",
        "--database",
        f"sqlite:///{db_file.resolve()}",
    ]
    cmd += ["--municipality", name, "--year", str(YEAR), "-o", str(pdf)]
    wall = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    took = time.perf_counter() - wall
    if r.returncode != 0:
        raise SystemExit(r.stderr)
    print(f"  machikpi report --municipality {name} -o r.pdf   {took:6.2f} s wall (a process of its own)")
    print(f"    {r.stdout.strip().splitlines()[-1]}")
    others = _other_titles(pdf, name)
    print(f"    other municipalities' plans in the PDF: {others}")

    from machikpi.adapters.services.documents import request_document, run_pending

    owner = db.Municipality.objects.get(name=name)
    wall = time.perf_counter()
    doc, queued = request_document(owner, YEAR, "baseline-band", "pdf")
    run_pending()
    doc.refresh_from_db()
    first = time.perf_counter() - wall
    wall = time.perf_counter()
    again, queued_again = request_document(owner, YEAR, "baseline-band", "pdf")
    second = time.perf_counter() - wall
    assert queued and not queued_again and again.pk == doc.pk and doc.status == "done", doc.error
    print(f"  kept PDF, first request (queued + built by the worker) {first:6.2f} s wall")
    print(
        f"  kept PDF, second request of unchanged data            {second * 1000:6.1f} ms (served from storage)"
    )


def _other_titles(pdf: Path, name: str) -> str:
    """How many times the PDF's text names a plan title of another municipality (pdftotext), or a note."""
    import shutil

    if shutil.which("pdftotext") is None:
        return "not checked (no pdftotext)"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=False).stdout
    text = "".join(text.split())
    hits = [
        t for t in text.split("まち・ひと・しごと創生総合戦略") if t.endswith("市") and not t.endswith(name)
    ]
    own = text.count(f"{name}まち・ひと・しごと創生総合戦略")
    return f"{len(hits)} (its own title: {own} times)"


def main() -> None:
    """Run the one-municipality and the many-municipality cases, each in a child process."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--municipalities", type=int, default=100)
    ap.add_argument("--out", type=Path, help="keep the databases and PDFs in this folder")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.out / f"machikpi-{args.child}.db", args.child, args.out)
        return
    with tempfile.TemporaryDirectory(prefix="machikpi-bench-") as tmp:
        base = args.out or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        for count in (1, args.municipalities):
            (base / f"machikpi-{count}.db").unlink(missing_ok=True)
            subprocess.run([sys.executable, __file__, "--child", str(count), "--out", str(base)], check=True)


if __name__ == "__main__":
    main()
