"""Reading plan documents and storing them.

:func:`read_each` reads documents with the general reader
(:func:`machikpi.core.reader.read_plan`); :func:`store_documents` reads
them all first, then stores every plan and its audit in one transaction,
so that a document that cannot be read stores nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ...core.errors import MachikpiError
from ...core.model import Plan
from ...core.reader import read_plan
from ..textfiles import read_source


def _stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def read_plans(paths: Sequence[Path]) -> list[Plan]:
    """Read every document; raises :class:`MachikpiError` on the first that fails."""
    return [read_plan(read_source(p)) for p in paths]


def read_each(paths: Sequence[Path]) -> tuple[list[Plan], list[MachikpiError]]:
    """Read every document that can be read, and the error of each that cannot."""
    plans: list[Plan] = []
    errors: list[MachikpiError] = []
    for p in paths:
        try:
            plans.append(read_plan(read_source(p)))
        except MachikpiError as e:
            errors.append(e)
    return plans, errors


def store_documents(paths: Sequence[Path], *, warn: Callable[[str], None] = _stderr) -> list[str]:
    """Read every document, then store them all in one transaction (Django
    must be set up). Returns one summary line per document; the importer's
    and the storage's warnings go to ``warn``. Raises :class:`MachikpiError`
    for a document that cannot be read (then nothing is stored)."""
    from django.db import transaction

    from ...core.audit import audit_plan
    from ...core.audit.period import infer_period, period_from_text
    from ..storage.plans import store_audit, store_plan

    plans = []
    audits = []
    for p in paths:
        source = read_source(p)
        plan = read_plan(source)
        period = period_from_text(source.lines) or infer_period(plan)
        plans.append(plan)
        audits.append((period, audit_plan(plan, period=period)))
    with transaction.atomic():
        results = [store_plan(plan) for plan in plans]
        for r, (period, findings) in zip(results, audits, strict=True):
            store_audit(r.plan_id, findings, period)
    lines: list[str] = []
    for plan, r, (_, findings) in zip(plans, results, audits, strict=True):
        verb = "stored" if r.created else "updated"
        lines.append(
            f"{r.doc}: {verb}: {r.indicators_new} new and {r.indicators_updated} known indicators "
            f"({r.series} series), {r.indicators_missing} no longer in the document; "
            f"audit: {len(findings)} findings (`machikpi audit {r.doc}`)"
        )
        for w in plan.warnings:
            warn(str(w))
        for msg in r.warnings:
            warn(msg)
    return lines
