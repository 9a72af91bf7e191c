"""The stored plans and each plan's stored audit."""

from __future__ import annotations

from collections import Counter

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ...storage import models as db
from .common import (
    staff_context,
)
from .permissions import (
    ALL_ROLES,
    roles,
)

SEVERITIES = ("error", "warning", "info")


@roles(*ALL_ROLES)
def plans(request: HttpRequest) -> HttpResponse:
    """The stored plans with their audit counts per severity."""
    rows = []
    for plan in db.Plan.objects.all():
        counts = Counter(str(f.get("severity")) for f in plan.audit_findings)
        rows.append(
            {
                "plan": plan,
                "counts": [counts.get(s, 0) for s in SEVERITIES],
                "total": len(plan.audit_findings),
            }
        )
    return render(request, "web/staff/plans.html", staff_context(request, rows=rows, severities=SEVERITIES))


@roles(*ALL_ROLES)
def audit(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The stored audit findings of a plan (``?severity=``, ``?check=`` filter),
    each with its place (document:line, node, indicator) linked where stored."""
    plan = get_object_or_404(db.Plan, pk=plan_id)
    findings = list(plan.audit_findings)
    severity = request.GET.get("severity", "")
    check = request.GET.get("check", "")
    counts = Counter(str(f.get("severity")) for f in findings)
    checks = sorted({str(f.get("check")) for f in findings})
    shown = [
        f
        for f in findings
        if (not severity or f.get("severity") == severity) and (not check or f.get("check") == check)
    ]
    indicator_ids: dict[str, int] = {}
    for iid, name in (
        db.Indicator.objects.filter(plan=plan).order_by("-present", "position").values_list("id", "name")
    ):
        indicator_ids.setdefault(name, iid)
    node_ids: dict[str, int] = {}
    for nid, code in db.Node.objects.filter(plan=plan).exclude(code=None).values_list("id", "code"):
        if code is not None:
            node_ids.setdefault(code, nid)
    rows = [
        {
            "f": f,
            "indicator_id": indicator_ids.get(str(f.get("indicator"))),
            "node_id": node_ids.get(str(f.get("node_code"))),
            "path": " > ".join(f.get("node_path") or []),
        }
        for f in shown
    ]
    ctx = staff_context(
        request,
        plan=plan,
        rows=rows,
        total=len(findings),
        counts=[(s, counts.get(s, 0)) for s in SEVERITIES],
        severity=severity,
        check=check,
        checks=checks,
        severities=SEVERITIES,
    )
    return render(request, "web/staff/audit.html", ctx)
