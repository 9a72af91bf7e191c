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


def store_documents(
    paths: Sequence[Path],
    *,
    warn: Callable[[str], None] = _stderr,
    municipality: str | None = None,
) -> list[str]:
    """Read every document, then store them all in one transaction (Django
    must be set up). Returns one summary line per document; the importer's
    and the storage's warnings go to ``warn``. Raises :class:`MachikpiError`
    for a document that cannot be read (then nothing is stored), or for a
    ``municipality`` that names several known ones.

    Each plan's municipality is ``municipality`` (a name, prefecture + name or
    code: ``machikpi import --municipality``) when given, else the one the
    reader proposes from the document (:func:`machikpi.core.municipality.propose_municipality`);
    a re-imported plan whose document names none keeps the one it had."""
    from django.db import transaction

    from ...core.audit import audit_plan
    from ...core.audit.period import infer_period, period_from_text
    from ...core.municipality import Municipality, Proposal, propose_municipality
    from ..storage.municipalities import ensure_municipality, municipality_from_argument
    from ..storage.plans import store_audit, store_plan

    given = municipality_from_argument(municipality) if municipality else None
    plans = []
    audits = []
    owners: list[tuple[Municipality | None, str]] = []
    for p in paths:
        source = read_source(p)
        plan = read_plan(source)
        period = period_from_text(source.lines) or infer_period(plan)
        plans.append(plan)
        audits.append((period, audit_plan(plan, period=period)))
        proposal: Proposal | None = None if given else propose_municipality(plan.title, source.lines)
        if given is not None:
            owners.append((given, "--municipality"))
        elif proposal is not None:
            owners.append((proposal.municipality, proposal.reason))
        else:
            owners.append((None, "文書に団体名が見つかりません（--municipality で指定できます）"))
    with transaction.atomic():
        results = [
            store_plan(plan, municipality=ensure_municipality(m) if m is not None else None)
            for plan, (m, _) in zip(plans, owners, strict=True)
        ]
        for r, (period, findings) in zip(results, audits, strict=True):
            store_audit(r.plan_id, findings, period)
    lines: list[str] = []
    for plan, r, (_, findings), (m, why) in zip(plans, results, audits, owners, strict=True):
        verb = "stored" if r.created else "updated"
        owner = f"{m.label}{f' ({m.code})' if m.code else ''}" if m is not None else "—"
        lines.append(
            f"{r.doc}: {verb}: {r.indicators_new} new and {r.indicators_updated} known indicators "
            f"({r.series} series), {r.indicators_missing} no longer in the document; "
            f"audit: {len(findings)} findings (`machikpi audit {r.doc}`); municipality: {owner} [{why}]"
        )
        for w in plan.warnings:
            warn(str(w))
        for msg in r.warnings:
            warn(msg)
    return lines
