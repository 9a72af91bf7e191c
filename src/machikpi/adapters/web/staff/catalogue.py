"""企画政策課 confirms the catalogue concepts of a plan's indicators and the SDG goals of its
nodes (issue 14): ``/staff/plans/<id>/catalogue/`` lists every present indicator with its
matched concept and score (confirm, or change to another concept or to none) and every
node with its SDG goals (suggested ones to confirm or reject, others to add).
A decision is kept through re-imports (:mod:`machikpi.adapters.storage.catalogue`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ....core import catalogue as cat
from ....core import sdgs
from ...storage import models as db
from ...storage.catalogue import set_concept, set_node_sdg
from .common import staff_context
from .permissions import PLANNING, roles


def _who(request: HttpRequest) -> str:
    return str(request.user.get_username())


@roles(PLANNING)
def plan_catalogue(request: HttpRequest, plan_id: int) -> HttpResponseBase:
    """The page (GET) and its two forms (POST ``indicator`` + ``concept``; POST ``node`` +
    ``goal`` + ``state``)."""
    plan = get_object_or_404(db.Plan, pk=plan_id)
    if request.method == "POST":
        return _post(request, plan)
    matches = {c.indicator_id: c for c in db.IndicatorConcept.objects.filter(indicator__plan=plan)}
    concepts = cat.concepts()
    indicators: list[dict[str, Any]] = [
        {"indicator": i, "match": matches.get(i.pk), "label": _label(matches.get(i.pk))}
        for i in db.Indicator.objects.filter(plan=plan, present=True)
        .select_related("node")
        .order_by("position")
    ]
    goals_of: dict[int, list[db.NodeSdg]] = {}
    for s in db.NodeSdg.objects.filter(node__plan=plan).order_by("goal"):
        goals_of.setdefault(s.node_id, []).append(s)
    nodes = [
        {"node": n, "goals": [{"row": s, "short": sdgs.goal(s.goal).short} for s in goals_of.get(n.pk, [])]}
        for n in db.Node.objects.filter(plan=plan, present=True).order_by("position")
    ]
    return render(
        request,
        "web/staff/catalogue.html",
        staff_context(
            request,
            plan=plan,
            indicators=indicators,
            nodes=nodes,
            concepts=concepts,
            goals=sdgs.goals(),
            unconfirmed=sum(
                1 for m in (matches.get(r["indicator"].pk) for r in indicators) if not (m and m.confirmed)
            ),
        ),
    )


def _label(m: db.IndicatorConcept | None) -> str:
    if m is None or not m.concept:
        return ""
    try:
        return cat.concept(m.concept).label
    except KeyError:
        return m.concept


def _post(request: HttpRequest, plan: db.Plan) -> HttpResponse:
    who = _who(request)
    if "indicator" in request.POST:
        ind = get_object_or_404(db.Indicator, pk=request.POST.get("indicator", ""), plan=plan)
        concept = request.POST.get("concept", "")
        try:
            with transaction.atomic():
                set_concept(ind.pk, concept, who)
        except KeyError:
            messages.error(request, _("指標カタログにない概念です。"))
        else:
            messages.success(request, _("「%(name)s」の概念を確認しました。") % {"name": ind.name})
    elif "node" in request.POST:
        node = get_object_or_404(db.Node, pk=request.POST.get("node", ""), plan=plan)
        goal = request.POST.get("goal", "")
        state = request.POST.get("state", "")
        try:
            with transaction.atomic():
                set_node_sdg(node.pk, int(goal), state, who)
        except ValueError:
            messages.error(request, _("SDGsのゴールまたは状態が正しくありません。"))
        else:
            messages.success(request, _("「%(node)s」のSDGsのゴールを更新しました。") % {"node": str(node)})
    return redirect("staff:catalogue", plan_id=plan.pk)
