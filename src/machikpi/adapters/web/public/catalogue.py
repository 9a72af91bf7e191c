"""Public pages of issue 14: SDG goals (badges, a page per goal), catalogue concepts
(a page per concept, the same concept in the other plans on an indicator page) and the
政策連携プラン (a page per cross-cutting plan; measure pages name the ones they serve).

Only public data: approved entered values and values the documents print
(:func:`.queries.series_views`); grades of each plan's default evaluation (its latest
evaluated year and rule set, :func:`.queries.evaluation_choices`). A comparison never
puts two units in one table: rows are grouped by unit, one table per unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ....core import catalogue as cat
from ....core import sdgs
from ...storage import models as db
from ...storage.catalogue import public_goals
from . import labels
from . import queries as q


@dataclass(frozen=True)
class Badge:
    """An SDG badge as templates draw it (class ``sdg-N`` holds its colours in site.css)."""

    number: int
    short: str
    confirmed: bool = True

    @property
    def css(self) -> str:
        """The badge's CSS class."""
        return f"sdg-{self.number}"

    @property
    def url(self) -> str:
        """The goal's page."""
        return reverse("public:sdg", args=[self.number])


def badge(number: int, confirmed: bool = True) -> Badge:
    """The badge of goal ``number``."""
    return Badge(number, sdgs.goal(number).short, confirmed)


def node_badges(node_ids: list[int]) -> dict[int, list[Badge]]:
    """The public SDG badges per node (:func:`machikpi.adapters.storage.catalogue.public_goals`)."""
    return {nid: [badge(g, c) for g, c in goals] for nid, goals in public_goals(node_ids).items()}


# --- comparison of a concept across plans -------------------------------------------------------


@dataclass
class ComparisonRow:
    """One series of an indicator of the concept, with its plan's default evaluation."""

    plan: db.Plan
    indicator: db.Indicator
    group: str | None
    baseline: str
    baseline_year: str
    target: str
    target_year: str
    actual: str
    actual_year: str
    achievement: str
    progress: str
    grade: str
    grade_css: str
    evaluation: str
    current: bool = False


@dataclass
class UnitGroup:
    """The rows of one unit (``unit`` ``""``: no unit printed)."""

    unit: str
    rows: list[ComparisonRow] = field(default_factory=list)


def concept_rows(
    concept_id: str, *, current: int | None = None, exclude_plan: int | None = None
) -> list[UnitGroup]:
    """Every present indicator of ``concept_id`` in the stored plans (without those of
    ``exclude_plan``), one row per series, grouped by unit (``current``'s unit first)."""
    inds = list(
        db.Indicator.objects.filter(concept_match__concept=concept_id, present=True)
        .select_related("plan")
        .order_by("plan__doc", "position", "id")
    )
    if exclude_plan is not None:
        inds = [i for i in inds if i.plan_id != exclude_plan]
    groups: dict[str, UnitGroup] = {}
    by_plan: dict[int, list[db.Indicator]] = {}
    for i in inds:
        by_plan.setdefault(i.plan_id, []).append(i)
    for plan_id, plan_inds in by_plan.items():
        choice = q.choose_evaluation(q.evaluation_choices(plan_id), None)
        views = q.series_views([i.pk for i in plan_inds], choice)
        for i in plan_inds:
            for v in views.get(i.pk, []):
                target = v.targets[-1] if v.targets else None
                latest = v.latest
                e = v.grade
                row = ComparisonRow(
                    plan=i.plan,
                    indicator=i,
                    group=v.group,
                    baseline=v.baseline.raw if v.baseline is not None and v.baseline.raw else "—",
                    baseline_year=labels.year_label(v.baseline.year, v.baseline.year_type)
                    if v.baseline
                    else "",
                    target=target.raw if target is not None and target.raw else "—",
                    target_year=labels.year_label(target.year, target.year_type) if target else "",
                    actual=latest.text if latest is not None else "",
                    actual_year=labels.year_label(latest.year) if latest is not None else "",
                    achievement=labels.percent_text(e.achievement_rate if e else None),
                    progress=labels.percent_text(e.progress_rate if e else None),
                    grade=(e.grade or q.NO_GRADE_LABEL) if e else "",
                    grade_css=v.grade_css,
                    evaluation=f"{choice.year}:{choice.rules}" if choice and e else "",
                    current=i.pk == current,
                )
                groups.setdefault(i.unit or "", UnitGroup(i.unit or "")).rows.append(row)
    first = next((i.unit or "" for i in inds if i.pk == current), None)
    return sorted(groups.values(), key=lambda g: (g.unit != first, g.unit))


def indicator_concept(indicator: db.Indicator) -> cat.Concept | None:
    """The catalogue concept stored for ``indicator``, ``None`` when it has none."""
    cid = (
        db.IndicatorConcept.objects.filter(indicator_id=indicator.pk)
        .values_list("concept", flat=True)
        .first()
    )
    if not cid:
        return None
    try:
        return cat.concept(cid)
    except KeyError:
        return None


def comparison(indicator: db.Indicator) -> dict[str, Any] | None:
    """What the indicator page shows of the same concept in the other stored plans;
    ``None`` when the indicator has no concept."""
    c = indicator_concept(indicator)
    if c is None:
        return None
    return {
        "concept": c,
        "badges": [badge(g) for g in c.sdg],
        "groups": concept_rows(c.id, exclude_plan=indicator.plan_id),
        "own_unit": indicator.unit or "",
    }


def node_links(node_id: int) -> list[db.PlanLinkRow]:
    """The present cross-cutting plans that name the node."""
    return list(
        db.PlanLinkRow.objects.filter(targets__node_id=node_id, present=True)
        .distinct()
        .order_by("position", "id")
    )


# --- views --------------------------------------------------------------------------------------


def _crumbs(*extra: tuple[str, str]) -> list[dict[str, Any]]:
    crumbs: list[dict[str, Any]] = [{"url": reverse("public:plans"), "label": _("計画一覧"), "data": False}]
    crumbs += [{"url": u, "label": label, "data": False} for u, label in extra]
    return crumbs


def sdg_index(request: HttpRequest) -> HttpResponse:
    """``/sdgs/``: the 17 goals, each with the number of measures linked to it."""
    counts: dict[int, int] = {}
    for goal in (
        db.NodeSdg.objects.filter(node__present=True)
        .exclude(state=db.NodeSdg.REJECTED)
        .values_list("goal", flat=True)
    ):
        counts[goal] = counts.get(goal, 0) + 1
    rows = [{"badge": badge(g.number), "n": counts.get(g.number, 0)} for g in sdgs.goals()]
    return render(request, "web/public/sdgs.html", {"rows": rows, "crumbs": _crumbs(("", _("SDGsのゴール")))})


def sdg_goal(request: HttpRequest, goal: int) -> HttpResponse:
    """``/sdgs/<n>/``: per plan, the measures linked to goal ``n`` (confirmed, or suggested and
    not yet reviewed, marked so) with their indicators; ``?plan=<id>`` for one plan."""
    if not 1 <= goal <= 17:
        raise Http404(goal)
    links = (
        db.NodeSdg.objects.filter(goal=goal, node__present=True)
        .exclude(state=db.NodeSdg.REJECTED)
        .select_related("node", "node__plan")
        .order_by("node__plan__doc", "node__position", "node_id")
    )
    plan_id = request.GET.get("plan")
    if plan_id and plan_id.isdigit():
        links = links.filter(node__plan_id=int(plan_id))
    items = list(links)
    inds: dict[int, list[db.Indicator]] = {}
    for i in db.Indicator.objects.filter(node_id__in=[s.node_id for s in items], present=True).order_by(
        "position", "id"
    ):
        inds.setdefault(i.node_id, []).append(i)
    plans: dict[int, dict[str, Any]] = {}
    for s in items:
        p = plans.setdefault(s.node.plan_id, {"plan": s.node.plan, "nodes": []})
        p["nodes"].append(
            {
                "node": s.node,
                "confirmed": s.state == db.NodeSdg.CONFIRMED,
                "indicators": inds.get(s.node_id, []),
            }
        )
    g = sdgs.goal(goal)
    return render(
        request,
        "web/public/sdg.html",
        {
            "badge": badge(goal),
            "goal": g,
            "plans": list(plans.values()),
            "crumbs": _crumbs((reverse("public:sdgs"), _("SDGsのゴール")), ("", f"{goal} {g.short}")),
        },
    )


def concept_page(request: HttpRequest, concept_id: str) -> HttpResponse:
    """``/concepts/<id>/``: a catalogue concept and every stored plan's indicator of it,
    one table per unit."""
    try:
        c = cat.concept(concept_id)
    except KeyError:
        raise Http404(concept_id) from None
    return render(
        request,
        "web/public/concept.html",
        {
            "concept": c,
            "direction": labels.direction_label(c.direction),
            "badges": [badge(g) for g in c.sdg],
            "groups": concept_rows(c.id),
            "crumbs": _crumbs(("", c.label)),
        },
    )


def link_page(request: HttpRequest, link_id: int) -> HttpResponse:
    """``/links/<id>/``: a cross-cutting plan (政策連携プラン): its 課題意識, the measures it names
    grouped by 政策大綱 field with their indicators' grades, and its own roll-up of grades."""
    link = get_object_or_404(db.PlanLinkRow.objects.select_related("plan"), pk=link_id)
    choice = q.choose_evaluation(q.evaluation_choices(link.plan_id), request.GET.get("eval"))
    tree = q.plan_tree(link.plan_id, choice)
    tree_nodes = {n.id: n for n in tree.walk()}
    targets = list(link.targets.select_related("node", "node__parent").order_by("position", "id"))
    node_ids = [t.node_id for t in targets if t.node_id is not None]
    inds: dict[int, list[db.Indicator]] = {}
    for i in db.Indicator.objects.filter(node_id__in=node_ids, present=True).order_by("position", "id"):
        inds.setdefault(i.node_id, []).append(i)
    views = q.series_views([i.pk for lst in inds.values() for i in lst], choice)
    fields: dict[str, dict[str, Any]] = {}
    total = q.Tally()
    counted: set[int] = set()
    for t in targets:
        n = t.node
        if n is not None and n.parent is not None:
            fkey, flabel = f"n{n.parent_id}", str(n.parent)
        else:
            fcode = (t.code or "").split("-")[0]
            fkey, flabel = f"c{fcode}", _("分野 %(code)s") % {"code": fcode}
        f = fields.setdefault(fkey, {"label": flabel, "targets": []})
        rows = []
        if n is not None:
            for i in inds.get(n.pk, []):
                for v in views.get(i.pk, []):
                    rows.append({"indicator": i, "series": v})
            if n.pk in tree_nodes and n.pk not in counted:
                counted.add(n.pk)
                total.add(tree_nodes[n.pk].total)
        f["targets"].append({"target": t, "node": n, "rows": rows})
    info = choice.info if choice else q.rules_info("")
    return render(
        request,
        "web/public/link.html",
        {
            "link": link,
            "plan": link.plan,
            "fields": list(fields.values()),
            "summary": total.items(info, tree.points),
            "total": total,
            "choice": choice,
            "choices": q.evaluation_choices(link.plan_id),
            "crumbs": [
                *_crumbs((reverse("public:plan", args=[link.plan_id]), link.plan.title or link.plan.doc)),
                {"url": "", "label": str(link), "data": True},
            ],
        },
    )
