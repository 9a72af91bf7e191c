"""The plan audit: named checks over a :class:`~machikpi.core.model.Plan`.

Plans are written by many hands; their KPI tables carry defects (missing or
pending targets, years outside the plan period, mixed units, targets that
contradict their own rationale, OCR damage, duplicates). :func:`audit_plan`
runs every check registered in :data:`CHECKS` and returns the
:class:`Finding` objects, in document order. Pure: no I/O.

Checks (id, default severity; the rule is in each check's docstring and
``CHECKS[id].rule``):

==============================  ========  ==========================================
``target-missing``              error     no target value and none announced
``target-pending``              warning   target 検討中 / 設定予定 / 集計中 / ``(橋)``
``baseline-missing``            warning   baseline empty, ``—``, pending or 集計中
``target-year-outside-period``  warning   target year outside the plan period
``baseline-after-target``       error     baseline year ≥ target year
``unit-mismatch``               error     baseline unit ≠ target unit
``cumulative-not-increasing``   error     累計 indicator with target ≤ baseline
``direction-against``           warning   target moves against 以内/以上 or the name's 削減/向上…
``rationale-arithmetic``        error     a note's formula does not compute
``rationale-target-mismatch``   error     a note's formula result ≠ table target (units converted)
``rationale-rate-mismatch``     warning   a note's ``5%増加`` ≠ the table's change
``rationale-increment-mismatch`` warning  a note's ``毎年3人ずつ`` / ``年間10人…累計`` ≠ target
``rationale-number-mismatch``   error     a note's ``目標値を150件と設定`` ≠ table target
``ocr-repaired``                info      a cell read after an OCR repair
``unit-missing``                warning   a number without the unit other cells print
``letters-in-number``           warning   letters inside a number (``1O5``)
``cell-unreadable``             warning   a cell kept as pending because it could not be read
``duplicate-indicator``         warning   same normalised name and group twice in a plan
==============================  ========  ==========================================

The plan period is given, read from the text or inferred: see
:mod:`machikpi.core.audit.period`.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Plan
from . import duplicates, ocr, rationale, values  # noqa: F401  (they register their checks)
from .context import AuditContext
from .findings import (
    CHECKS,
    SEVERITY_RANK,
    CheckSpec,
    Finding,
    Severity,
    finding_from_json,
    finding_to_json,
    findings_to_json,
)
from .period import PlanPeriod, infer_period, period_from_text

__all__ = [
    "CHECKS",
    "SEVERITY_RANK",
    "CheckSpec",
    "Finding",
    "PlanPeriod",
    "Severity",
    "audit_plan",
    "finding_from_json",
    "finding_to_json",
    "findings_to_json",
    "infer_period",
    "period_from_text",
]


def audit_plan(
    plan: Plan,
    *,
    period: PlanPeriod | None = None,
    checks: Iterable[str] | None = None,
) -> list[Finding]:
    """Run the checks on ``plan`` and return their findings.

    ``period``: the plan period for ``target-year-outside-period``; when
    ``None`` it is inferred from the plan's years (:func:`infer_period`).
    ``checks``: ids of the checks to run (default: all). Findings are sorted
    by line (findings without a line last), then by check order. Raises
    :class:`KeyError` naming an unknown check id."""
    ids = list(CHECKS) if checks is None else list(checks)
    for cid in ids:
        if cid not in CHECKS:
            raise KeyError(f"unknown audit check {cid!r}; known: {', '.join(CHECKS)}")
    ctx = AuditContext(plan, period if period is not None else infer_period(plan))
    order = {cid: k for k, cid in enumerate(CHECKS)}
    found = [f for cid in ids for f in CHECKS[cid].func(ctx)]
    found.sort(key=lambda f: (f.line is None, f.line or 0, order[f.check], SEVERITY_RANK[f.severity]))
    return found
