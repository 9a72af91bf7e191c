"""Bench of the report documents: HTML, XLSX and PDF of the demo, and of a 1,000-indicator plan.

Issue 5's check. Two cases, each in a process of its own (Django is set up
once per process):

``demo``
    ``machikpi demo --no-serve`` into a temporary folder (the five sample
    plans, the invented FY2024/FY2025 actuals), then the report of FY2025.
``large``
    the largest sample plan (by indicators) repeated to ``--indicators``
    indicators (default 1,000): its top-level goals are kept and their
    measures and indicators copied with distinct codes, titles and names
    ``（第k版）``; stored in a new temporary SQLite database with its audit,
    two invented approved actual values per series (FY2024, FY2025, between
    baseline and target, seeded random) and one committee comment per goal
    and per fifth measure; then the report of FY2025.

For each case it prints the time of building the report (evaluating the
stored plans, saving the evaluations, reading comments and audits, charts)
and of writing each document (HTML, XLSX, PDF), as wall-clock and CPU
seconds of the process (the CPU figure is steadier on a shared machine),
with the size of each file and the PDF's page count. Aim: each document
of 1,000 indicators in under 30 s.

Run: ``.venv/bin/python bench/report_documents.py [--indicators 1000] [--case demo|large]
[--out DIR]`` (``--out`` keeps the documents and databases there).
"""

from __future__ import annotations

import argparse
import copy
import functools
import math
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

YEAR = 2025


def _pages(pdf: Path) -> str:
    """``", N pages"`` from poppler's pdfinfo, or ``""`` without it."""
    if shutil.which("pdfinfo") is None:
        return ""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False).stdout
    m = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return f", {m.group(1)} pages" if m else ""


def _timed(what: str, fn: Callable[[], Any]) -> Any:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    print(
        f"  {what:<36} {time.perf_counter() - wall:7.2f} s wall {time.process_time() - cpu:7.2f} s CPU",
        flush=True,
    )
    return result


def largest_seed_plan() -> Any:
    """The sample plan with the most indicators (core :class:`~machikpi.core.model.Plan`)."""
    from machikpi.adapters.textfiles import read_source
    from machikpi.core.reader import read_plan
    from machikpi.samples import SEEDS

    plans = [read_plan(read_source(p)) for p in SEEDS]
    return max(plans, key=lambda p: len(p.indicators()))


def _rename(node: Any, k: int) -> None:
    node.code = f"{node.code}-{k}版" if node.code else None
    node.title = f"{node.title}（第{k}版）"
    for ind in node.indicators:
        ind.name = f"{ind.name}（第{k}版）"
        ind.raw_name = ind.name
    for child in node.children:
        _rename(child, k)


def repeat_plan(plan: Any, indicators: int) -> Any:
    """``plan`` with its goals' measures and indicators copied until it has ``indicators`` indicators."""
    count = len(plan.indicators())
    copies = math.ceil(indicators / count)
    big = copy.deepcopy(plan)
    big.doc = f"bench-{indicators}-indicators.txt"
    big.title = f"{plan.title}（{indicators:,}指標に複製したベンチ用計画）"
    for goal in big.nodes:
        children, own = goal.children, goal.indicators
        goal.children, goal.indicators = [], []
        for k in range(1, copies + 1):
            for child in copy.deepcopy(children):
                _rename(child, k)
                goal.children.append(child)
            for ind in copy.deepcopy(own):
                ind.name = f"{ind.name}（第{k}版）"
                ind.raw_name = ind.name
                goal.indicators.append(ind)
    kept = 0
    for _, node in big.walk():
        room = max(0, indicators - kept)
        node.indicators = node.indicators[:room]
        kept += len(node.indicators)
    assert len(big.indicators()) == indicators, len(big.indicators())
    return big


def build_large(indicators: int) -> str:
    """Store the repeated plan with actuals and comments (Django set up); returns a summary line."""
    from django.db import transaction

    from machikpi.adapters.storage import models as db
    from machikpi.adapters.storage.actuals import record_actual
    from machikpi.adapters.storage.plans import store_audit, store_plan
    from machikpi.core.audit import audit_plan
    from machikpi.core.audit.period import infer_period

    plan = repeat_plan(largest_seed_plan(), indicators)
    period = infer_period(plan)
    findings = audit_plan(plan, period=period)
    rng = random.Random(0)
    with transaction.atomic():
        stored = store_plan(plan)
        store_audit(stored.plan_id, findings, period)
        n_actuals = 0
        for s in db.Series.objects.filter(indicator__plan_id=stored.plan_id).prefetch_related("cells"):
            cells = {c.kind: c for c in s.cells.all() if c.value is not None}
            base = cells.get(db.Cell.BASELINE)
            target = cells.get(db.Cell.TARGET)
            if base is None or target is None or base.value is None or target.value is None:
                continue
            for year, share in ((2024, 0.3), (2025, 0.5)):
                value = round(base.value + (target.value - base.value) * share * rng.uniform(0.2, 1.6), 1)
                record_actual(s.pk, year, value=value, raw=f"{value:g}", note="", who="bench")
                n_actuals += 1
        nodes = list(db.Node.objects.filter(plan_id=stored.plan_id).order_by("position"))
        n_comments = 0
        for k, node in enumerate(nodes):
            if node.parent_id is None or k % 5 == 0:
                db.CommitteeComment.objects.create(
                    node=node,
                    year=YEAR,
                    author_name="ベンチ委員",
                    text=f"{node.title}について、取組の成果と課題を次年度の評価で確認したい。",
                )
                n_comments += 1
    return (
        f"{plan.doc}: {len(plan.indicators())} indicators, {stored.series} series, "
        f"{len(nodes)} nodes, {n_actuals} actual values, {n_comments} comments, {len(findings)} findings"
    )


def run_case(case: str, indicators: int, out: Path) -> None:
    """Build the case's database in ``out`` and time the documents (this process)."""
    out.mkdir(parents=True, exist_ok=True)
    print(f"== {case}", flush=True)
    if case == "demo":
        from machikpi.adapters.cli import main

        wall = time.perf_counter()
        with open(out / "demo.log", "w", encoding="utf-8") as log:
            sys.stdout, saved = log, sys.stdout
            try:
                main(["demo", "--no-serve", "--out", str(out)])
            finally:
                sys.stdout = saved
        print(f"  (set-up: machikpi demo in {time.perf_counter() - wall:.1f} s)")
    else:
        from machikpi.adapters.django_settings import setup

        db_file = out / "machikpi.db"
        db_file.unlink(missing_ok=True)
        setup(f"sqlite:///{db_file.resolve()}")
        wall = time.perf_counter()
        line = build_large(indicators)
        print(f"  (set-up: {line} in {time.perf_counter() - wall:.1f} s)")

    from django.db.models import Count

    from machikpi.adapters.reports.documents import render_document
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.services.reports import make_report
    from machikpi.adapters.storage import models as db

    ruleset = load_ruleset("baseline-band")
    # a report is of one municipality: the demo's with the most series (伊勢崎市), the large plan's own
    owner = (
        db.Municipality.objects.annotate(n=Count("plans__indicators__series")).order_by("-n").first()
        if db.Municipality.objects.exists()
        else None
    )
    report = _timed(
        "report context (evaluate + build)",
        lambda: make_report(YEAR, ruleset, "baseline-band", municipality=owner),
    )
    series = sum(len(s.lines) for p in report.plans for s in p.sections)
    goals = sum(len(p.goals) for p in report.plans)
    comments = sum(len(p.comments) for p in report.plans)
    findings = sum(len(p.findings) for p in report.plans)
    print(
        f"  {len(report.plans)} plans, {goals} goals, {series} series, {comments} comments, {findings} findings"
    )
    for fmt in ("html", "xlsx", "pdf"):
        data = _timed(f"{fmt.upper()} document", functools.partial(render_document, report, fmt))
        path = out / f"report.{fmt}"
        path.write_bytes(data)
        print(f"    {len(data) / 1e6:.2f} MB{_pages(path) if fmt == 'pdf' else ''}", flush=True)


def main() -> None:
    """Run the cases (each in a child process) and print their figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--indicators", type=int, default=1000)
    ap.add_argument("--case", choices=["demo", "large"], action="append")
    ap.add_argument("--out", type=Path, help="keep the databases and documents in this folder")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    cases = args.case or ["demo", "large"]
    if args.child:
        run_case(cases[0], args.indicators, args.out)
        return
    with tempfile.TemporaryDirectory(prefix="machikpi-bench-") as tmp:
        base = args.out or Path(tmp)
        for case in cases:
            cmd = [sys.executable, __file__, "--child", "--case", case, "--indicators", str(args.indicators)]
            subprocess.run([*cmd, "--out", str(base / case)], check=True)


if __name__ == "__main__":
    main()
