"""``machikpi audit PLAN_OR_FILE... [--format text|json]``: check plan documents for defects.

An argument that is an existing file is read and audited directly, without
a database (a planner checks a draft before it is published). Any other
argument names a stored plan by its document name (``machikpi import``
audits every plan it stores and keeps the findings with it); its stored
findings are printed, filtered by ``--check`` and ``--min-severity``.

Each file is read (:func:`~machikpi.adapters.textfiles.read_source`), its plan
imported (:func:`~machikpi.core.reader.read_plan`) and audited
(:func:`~machikpi.core.audit.audit_plan`). The plan period is ``--period``
when given, else the period the document states (計画期間…), else inferred
from the plan's years (see :mod:`machikpi.core.audit.period`).

Text output, grouped by document: one header line per document, then one
line per finding ``doc:line [severity] id: message (node / indicator)``.
``--format json`` prints one JSON object per document (``doc``, ``layout``,
``period``, ``findings``). Exit code 0 even with findings; 2 for bad input
(unreadable file, unknown layout, bad ``--period`` or ``--check``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from ...core.audit import (
    CHECKS,
    SEVERITY_RANK,
    Finding,
    PlanPeriod,
    Severity,
    audit_plan,
    finding_from_json,
    findings_to_json,
)
from ...core.audit.period import infer_period, period_from_text
from ...core.errors import MachikpiError
from ...core.reader import read_plan
from ..textfiles import read_source


class AuditUsageError(MachikpiError):
    """A bad ``audit`` option (``--period``, ``--check``)."""


def parse_period(text: str) -> PlanPeriod:
    """``"2026-2029"`` (or ``2026~2029``) → ``PlanPeriod(2026, 2029)``.

    Raises :class:`AuditUsageError` on anything else or a reversed range."""
    m = re.fullmatch(r"\s*(\d{4})\s*[-~～–]\s*(\d{4})\s*", text)
    if not m or int(m.group(1)) > int(m.group(2)):
        raise AuditUsageError(f"--period: expected START-END in Western years (2026-2029), got {text!r}")
    return PlanPeriod(int(m.group(1)), int(m.group(2)), "parameter")


def format_finding(f: Finding) -> str:
    """One text line: ``doc:line [severity] id: message (node / indicator [group])``."""
    place = f"{f.doc}:{f.line}" if f.line is not None else f.doc
    node = " ".join(x for x in (f.node_code or "", f.node_path[-1] if f.node_path else "") if x)
    what = f.indicator or ""
    if f.group:
        what += f" [{f.group}]"
    where = " / ".join(x for x in (node, what) if x)
    return f"{place} [{f.severity}] {f.check}: {f.message}" + (f" ({where})" if where else "")


def cmd_audit(args: argparse.Namespace) -> int:
    """Run the audit on ``args.files``; print text or JSON; return 0."""
    period = parse_period(args.period) if args.period else None
    checks = None
    if args.check:
        unknown = [c for c in args.check if c not in CHECKS]
        if unknown:
            raise AuditUsageError(f"--check: unknown check {', '.join(unknown)}; known: {', '.join(CHECKS)}")
        checks = args.check
    floor = SEVERITY_RANK[Severity(args.min_severity)]
    reports: list[dict[str, Any]] = []
    texts: list[str] = []
    for path in args.files:
        if not path.exists():
            found, doc, layout, used, count = _stored(str(path), args, checks, floor)
        else:
            source = read_source(path)
            plan = read_plan(source)
            used = period or period_from_text(source.lines) or infer_period(plan)
            found = [
                f for f in audit_plan(plan, period=used, checks=checks) if SEVERITY_RANK[f.severity] <= floor
            ]
            doc, layout, count = plan.doc, plan.layout, len(plan.indicators())
        counts = {s: sum(f.severity == s for f in found) for s in Severity}
        reports.append(
            {
                "doc": doc,
                "layout": layout,
                "period": None
                if used is None
                else {"start": used.start, "end": used.end, "origin": used.origin, "line": used.line},
                "counts": {str(k): v for k, v in counts.items()},
                "findings": findings_to_json(found),
            }
        )
        head = f"== {doc} ({layout}, {count} indicators"
        if used is not None:
            head += f", period {used.start}–{used.end} {used.origin}"
        head += f"): {counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, {counts[Severity.INFO]} info"
        texts.append(head)
        texts.extend(format_finding(f) for f in found)
    if args.format == "json":
        json.dump(reports, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for line in texts:
            print(line)
    return 0


def _stored(
    doc: str, args: argparse.Namespace, checks: list[str] | None, floor: int
) -> tuple[list[Finding], str, str, PlanPeriod | None, int]:
    """The stored findings of the stored plan ``doc``: (findings, doc, layout, period, indicators).

    Raises :class:`AuditUsageError` when no such plan is stored or ``--period`` is given."""
    from ..django_settings import setup

    setup(args.database)
    from ..storage import models as db
    from ..storage.plans import stored_audit

    try:
        plan, stored = stored_audit(doc)
    except db.Plan.DoesNotExist:
        known = ", ".join(db.Plan.objects.values_list("doc", flat=True)[:20]) or "none"
        raise AuditUsageError(
            f"{doc}: no such file, and no stored plan of that document (stored: {known})"
        ) from None
    if args.period:
        raise AuditUsageError(
            f"{doc}: --period applies to documents; the stored audit used {plan.audit_period or 'no period'} "
            "(audit the document file to use another period)"
        )
    found = [
        f
        for f in map(finding_from_json, stored)
        if SEVERITY_RANK[f.severity] <= floor and (checks is None or f.check in checks)
    ]
    used = None
    if plan.audit_period:
        start, end = plan.audit_period.split("-")
        used = PlanPeriod(int(start), int(end), "stored")
    count = db.Indicator.objects.filter(plan=plan, present=True).count()
    return found, plan.doc, plan.layout, used, count


def add_parser(sub: Any) -> None:
    """Register the ``audit`` sub-command on ``sub`` (an argparse sub-parsers object)."""
    p = sub.add_parser(
        "audit",
        help="check plan documents' KPI tables for defects (missing targets, units, rationale arithmetic …)",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    p.add_argument("files", nargs="+", type=Path, metavar="PLAN_OR_FILE")
    p.add_argument(
        "--database",
        metavar="URL",
        help="for stored plans; default: $MACHIKPI_DATABASE_URL, else ./machikpi.db",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--period", help="plan period START-END (Western years), e.g. 2026-2029")
    p.add_argument("--check", action="append", metavar="ID", help="run only this check (repeatable)")
    p.add_argument(
        "--min-severity",
        choices=[str(s) for s in Severity],
        default="info",
        help="report findings of this severity or worse (default: info, i.e. all)",
    )
    p.set_defaults(func=cmd_audit)
