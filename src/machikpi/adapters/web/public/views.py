"""Views of the public site (no login): plans, plan overview and progress, nodes,
indicators (with CSV/XLSX downloads), opinions and search.

Server-rendered Django templates (``templates/web/public/``), readable
without JavaScript. Each view reads one plan, node or indicator with a few
aggregate queries (:mod:`.queries`); only approved values are public.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ...services.review import committee_name
from ...storage import models as db
from ...storage.catalogue import public_goals
from ...storage.revisions import target_history
from ..params import whole_number
from . import catalogue, labels
from . import queries as q
from .charts import chart_data, series_svg
from .downloads import indicator_table, to_csv, to_xlsx
from .linking import link_opinions
from .municipality import check_plan, public_plans, served
from .search import search as run_search

PLANS_PER_PAGE = 20
OPINIONS_PER_PAGE = 30


def _page_number(request: HttpRequest) -> int:
    return max(1, whole_number(request.GET.get("page")) or 1)


def _choice(request: HttpRequest, plan_id: int) -> tuple[q.EvaluationChoice | None, list[q.EvaluationChoice]]:
    choices = q.evaluation_choices(plan_id)
    return q.choose_evaluation(choices, request.GET.get("eval")), choices


def _eval_query(choice: q.EvaluationChoice | None, choices: list[q.EvaluationChoice]) -> str:
    """``?eval=…`` to carry a non-default choice over to linked pages ("" for the default)."""
    if choice is None or not choices or choice == choices[0]:
        return ""
    return f"?eval={choice.value}"


def _crumbs(
    plan: db.Plan, nodes: list[db.Node], current: str | None, *, data: bool = True
) -> list[dict[str, Any]]:
    """Breadcrumbs: the plans list, the plan, ``nodes`` (outermost first), then
    ``current`` (the page itself; ``data``: it is plan text, marked ``lang="ja"``)."""
    crumbs: list[dict[str, Any]] = [{"url": reverse("public:plans"), "label": _("計画一覧"), "data": False}]
    owner = plan.municipality
    if owner is not None:  # the municipality on every plan page
        url = reverse("public:plans") + ("" if served() else f"?municipality={owner.pk}")
        crumbs.append({"url": url, "label": owner.name, "data": True})
    crumbs.append(
        {"url": reverse("public:plan", args=[plan.pk]), "label": plan.title or plan.doc, "data": True}
    )
    crumbs += [{"url": reverse("public:node", args=[n.pk]), "label": str(n), "data": True} for n in nodes]
    if current is not None:
        crumbs.append({"url": "", "label": current, "data": data})
    return crumbs


def plans(request: HttpRequest) -> HttpResponse:
    """``/``: the stored plans, paginated, each with its municipality, its number of goals and
    indicators and its latest evaluated year (aggregated for the page's plans only).
    The served municipality's plans only (:mod:`.municipality`); else the municipalities
    are listed above and ``?municipality=ID`` shows one's plans."""
    owner = served()
    municipalities: list[dict[str, Any]] = []
    qs = public_plans().select_related("municipality").order_by("municipality__position", "doc", "id")
    if owner is None:
        counts = dict(public_plans().values_list("municipality_id").annotate(n=Count("id")).order_by())
        municipalities = [
            {"m": m, "plans": counts.get(m.pk, 0)} for m in db.Municipality.objects.all() if counts.get(m.pk)
        ]
        chosen = whole_number(request.GET.get("municipality"))
        if chosen is not None:
            qs = qs.filter(municipality_id=chosen)
            owner = db.Municipality.objects.filter(pk=chosen).first()
    page = Paginator(qs, PLANS_PER_PAGE).get_page(_page_number(request))
    ids = [p.pk for p in page.object_list]
    indicators = dict(
        db.Indicator.objects.filter(plan_id__in=ids, present=True)
        .values_list("plan_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    goals = dict(
        db.Node.objects.filter(plan_id__in=ids, present=True, parent__isnull=True)
        .values_list("plan_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    latest = dict(
        db.Evaluation.objects.filter(series__indicator__plan_id__in=ids)
        .values_list("series__indicator__plan_id")
        .annotate(y=Max("year"))
        .order_by()
    )
    opinions = dict(
        db.Opinion.objects.filter(plan_id__in=ids).values_list("plan_id").annotate(n=Count("id")).order_by()
    )
    rows = [
        {
            "plan": p,
            "indicators": indicators.get(p.pk, 0),
            "goals": goals.get(p.pk, 0),
            "latest": latest.get(p.pk),
            "opinions": opinions.get(p.pk, 0),
        }
        for p in page.object_list
    ]
    extra = f"municipality={owner.pk}&" if owner is not None and not served() else ""
    return render(
        request,
        "web/public/plans.html",
        {"page": page, "rows": rows, "owner": owner, "municipalities": municipalities, "extra": extra},
    )


def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """``/plans/<id>/``: the plan's hierarchy with a grade summary per node."""
    p = get_object_or_404(db.Plan.objects.select_related("municipality"), pk=plan_id)
    check_plan(p)
    choice, choices = _choice(request, p.pk)
    tree = q.plan_tree(p.pk, choice)
    info = choice.info if choice else q.rules_info("")
    return render(
        request,
        "web/public/plan.html",
        {
            "plan": p,
            "tree": tree,
            "choice": choice,
            "choices": choices,
            "summary": tree.total.items(info, tree.points),
            "eval_query": _eval_query(choice, choices),
            "opinions": db.Opinion.objects.filter(plan_id=p.pk).count(),
            "link_rows": list(db.PlanLinkRow.objects.filter(plan_id=p.pk, present=True).order_by("position")),
            "crumbs": _crumbs(p, [], None),
        },
    )


def progress(request: HttpRequest, plan_id: int) -> HttpResponse:
    """``/plans/<id>/progress/``: how many series got each grade, per goal (top-level node)."""
    p = get_object_or_404(db.Plan.objects.select_related("municipality"), pk=plan_id)
    check_plan(p)
    choice, choices = _choice(request, p.pk)
    tree = q.plan_tree(p.pk, choice)
    info = choice.info if choice else q.rules_info("")
    columns = q.order_grades(tree.total.counts, info, tree.points)
    has_unevaluated = tree.total.not_evaluated > 0

    def row(counts: q.Tally) -> dict[str, Any]:
        cells: list[dict[str, Any]] = [
            {
                "grade": g,
                "label": g or q.NO_GRADE_LABEL,
                "count": counts.counts.get(g, 0),
                "css": q.grade_class(g, info),
            }
            for g in columns
        ]
        total = counts.series
        bar = [{**c, "pct": round(c["count"] * 100 / total, 1)} for c in cells if c["count"] and total]
        if has_unevaluated and counts.not_evaluated and total:
            bar.append(
                {
                    "grade": None,
                    "label": _("未評価"),
                    "count": counts.not_evaluated,
                    "css": "gnone",
                    "pct": round(counts.not_evaluated * 100 / total, 1),
                }
            )
        return {"cells": cells, "not_evaluated": counts.not_evaluated, "total": total, "bar": bar}

    goals = [{"node": r, **row(r.total)} for r in tree.roots]
    return render(
        request,
        "web/public/progress.html",
        {
            "plan": p,
            "choice": choice,
            "choices": choices,
            "columns": [
                {"label": g or q.NO_GRADE_LABEL, "css": q.grade_class(g, info), "url": q.method_url(info, g)}
                for g in columns
            ],
            "has_unevaluated": has_unevaluated,
            "goals": goals,
            "total": row(tree.total),
            "eval_query": _eval_query(choice, choices),
            "crumbs": _crumbs(p, [], _("進捗状況"), data=False),
        },
    )


def node(request: HttpRequest, node_id: int) -> HttpResponse:
    """``/nodes/<id>/``: the node's text, its child nodes, its indicators with
    their latest public actual and grade, and the committee's comments."""
    n = get_object_or_404(db.Node.objects.select_related("plan__municipality"), pk=node_id)
    check_plan(n.plan)
    choice, choices = _choice(request, n.plan_id)
    children = list(
        db.Node.objects.filter(parent_id=n.pk, present=True)
        .order_by("position", "id")
        .annotate(n_indicators=Count("indicators", filter=Q(indicators__present=True)))
    )
    indicators = list(db.Indicator.objects.filter(node_id=n.pk, present=True).order_by("position", "id"))
    views = q.series_views([i.pk for i in indicators], choice)
    rows = [{"indicator": i, "series": views.get(i.pk, [])} for i in indicators]
    comments = list(db.CommitteeComment.objects.filter(node_id=n.pk).order_by("-year", "created_at", "id"))
    # 効果検証: only what 企画政策課 approved (the approved_* copies), newest year first
    reviews = list(
        db.ReviewEntry.objects.filter(approved_at__isnull=False)
        .filter(Q(node_id=n.pk) | Q(indicator__in=indicators))
        .select_related("indicator")
        .order_by("-year", "indicator__position", "id")
    )
    external_reviews = list(
        db.ExternalReview.objects.filter(node_id=n.pk, approved_at__isnull=False).order_by("-year")
    )
    return render(
        request,
        "web/public/node.html",
        {
            "node": n,
            "plan": n.plan,
            "crumbs": _crumbs(n.plan, q.ancestors(n), str(n)),
            "children": children,
            "rows": rows,
            "comments": comments,
            # a comment is published under the committee's name, never a member's login
            "committee_name": committee_name(),
            "reviews": reviews,
            "external_reviews": external_reviews,
            "sdg_badges": catalogue.node_badges([n.pk]).get(n.pk, []),
            "link_rows": catalogue.node_links(n.pk),
            "choice": choice,
            "choices": choices,
            "eval_query": _eval_query(choice, choices),
        },
    )


def _indicator(indicator_id: int) -> db.Indicator:
    ind = get_object_or_404(
        db.Indicator.objects.select_related("plan__municipality", "node", "department"), pk=indicator_id
    )
    check_plan(ind.plan)
    return ind


def _cell_view(c: db.Cell) -> dict[str, Any]:
    return {"raw": c.raw or "—", "year": labels.year_label(c.year, c.year_type), "bound": c.bound}


def indicator(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """``/indicators/<id>/``: definition, unit, baseline, targets, public actuals,
    grade history, notes; per series a chart and the same data as a table."""
    ind = _indicator(indicator_id)
    choice, choices = _choice(request, ind.plan_id)
    views = q.series_views([ind.pk], choice, all_evaluations=True, include_absent=not ind.present).get(
        ind.pk, []
    )
    history = target_history(v.id for v in views)
    series: list[dict[str, Any]] = []
    for k, v in enumerate(views):
        data = chart_data(*q.chart_points(v))
        title = ind.name + (f"（{v.group}）" if v.group else "")
        series.append(
            {
                "view": v,
                "n": k + 1,
                "title": title,
                "baseline": _cell_view(v.baseline) if v.baseline is not None else None,
                "targets": [_cell_view(t) for t in v.targets],
                "revisions": labels.revision_rows(history.get(v.id, [])),
                "actuals": [
                    {
                        "year": labels.year_label(a.year),
                        "text": a.text,
                        "raw": a.raw,
                        "source": _("実績入力（承認済み）") if a.source == "entered" else _("計画書に記載"),
                        "note": a.note,
                    }
                    for a in v.actuals
                ],
                "chart": series_svg(data, ident=f"chart-{k + 1}", title=title, unit=ind.unit),
                "rows": [
                    {
                        "year": r.year,
                        "baseline": labels.number_text(r.baseline),
                        "target": labels.number_text(r.target),
                        "expected": labels.number_text(None if r.expected is None else round(r.expected, 2)),
                        "actual": labels.number_text(r.actual),
                    }
                    for r in data.rows
                ],
                "history": [
                    {
                        "year": e.year,
                        "rules": e.rules,
                        "grade": e.grade or q.NO_GRADE_LABEL,
                        "css": q.grade_class(e.grade, q.rules_info(e.rules)),
                        "url": q.method_url(q.rules_info(e.rules), e.grade or q.NO_GRADE),
                        "actual": labels.number_text(e.actual),
                        "target": labels.number_text(e.target),
                        "expected": labels.number_text(None if e.expected is None else round(e.expected, 2)),
                        "achievement": labels.percent_text(e.achievement_rate),
                        "progress": labels.percent_text(e.progress_rate),
                        "direction": labels.direction_label(e.direction),
                        "direction_note": e.direction_note,
                        "reason": labels.reason_text(e.reason, e.reason_code),
                    }
                    for e in sorted(v.evaluations, key=lambda e: (-e.year, e.rules))
                ],
            }
        )
    return render(
        request,
        "web/public/indicator.html",
        {
            "indicator": ind,
            "plan": ind.plan,
            "node": ind.node,
            "series": series,
            "grouped": len(series) > 1 or any(s["view"].group for s in series),
            "notes": [str(n) for n in ind.notes or []],
            "comparison": catalogue.comparison(ind),
            "updated": db.ActualValue.objects.filter(series__indicator_id=ind.pk, approved_raw__isnull=False)
            .aggregate(at=Max("approved_at"))
            .get("at"),
            "choice": choice,
            "choices": choices,
            "eval_query": _eval_query(choice, choices),
            "crumbs": _crumbs(ind.plan, [*q.ancestors(ind.node), ind.node], ind.name),
        },
    )


def _download(request: HttpRequest, indicator_id: int) -> tuple[db.Indicator, Any]:
    ind = _indicator(indicator_id)
    choice, _choices = _choice(request, ind.plan_id)
    views = q.series_views([ind.pk], choice, all_evaluations=True, include_absent=not ind.present).get(
        ind.pk, []
    )
    goals = [g for g, _confirmed in public_goals([ind.node_id]).get(ind.node_id, [])]
    concept = catalogue.indicator_concept(ind)
    return ind, indicator_table(
        ind, str(ind.node), views, choice, sdgs=goals, concept=concept.id if concept else ""
    )


def indicator_csv(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """``/indicators/<id>/download.csv`` (:mod:`.downloads`)."""
    _ind, table = _download(request, indicator_id)
    resp = HttpResponse(to_csv(table), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{table.filename}.csv"'
    return resp


def indicator_xlsx(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """``/indicators/<id>/download.xlsx`` (:mod:`.downloads`)."""
    _ind, table = _download(request, indicator_id)
    resp = HttpResponse(
        to_xlsx(table), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = f'attachment; filename="{table.filename}.xlsx"'
    return resp


def opinions(request: HttpRequest) -> HttpResponse:
    """``/opinions/``: each stored opinion with its response and reflections,
    linked to the nodes they name (:mod:`.linking`: no link rather than a wrong one)."""
    qs = (
        db.Opinion.objects.filter(plan__in=public_plans())
        .select_related("plan")
        .order_by("plan__doc", "position", "id")
    )
    plan_id = whole_number(request.GET.get("plan"))
    if plan_id is not None:
        qs = qs.filter(plan_id=plan_id)
    page = Paginator(qs, OPINIONS_PER_PAGE).get_page(_page_number(request))
    items = list(page.object_list)
    links = link_opinions(items)
    rows = []
    for o in items:
        lk = links.get(o.pk)
        refl = []
        for k, r in enumerate(o.reflections or []):
            r = r if isinstance(r, dict) else {}
            refl.append({**r, "node": lk.reflections[k] if lk and k < len(lk.reflections) else None})
        rows.append(
            {
                "o": o,
                "measure": " ＞ ".join(
                    f"{c} {t}".strip()
                    for c, t in zip(_pad(o.measure_codes, len(o.measure)), o.measure, strict=True)
                ),
                "measure_node": lk.measure if lk else None,
                "reflections": refl,
            }
        )
    return render(
        request, "web/public/opinions.html", {"page": page, "rows": rows, "plan_filter": plan_id or ""}
    )


def _pad(codes: list[Any] | None, n: int) -> list[str]:
    codes = [str(c or "") for c in (codes or [])][:n]
    return codes + [""] * (n - len(codes))


def search(request: HttpRequest) -> HttpResponse:
    """``/search/?q=…``: plans, nodes and indicators containing every term (:mod:`.search`)."""
    query = request.GET.get("q", "").strip()
    results = run_search(query, _page_number(request)) if query else None
    return render(request, "web/public/search.html", {"q": query, "results": results})


def methods(request: HttpRequest) -> HttpResponse:
    """``/methods/``: the rule sets the site can describe (the presets), each linking to its page."""
    from ...rulesets import preset_names

    return render(
        request, "web/public/methods.html", {"rulesets": [q.rules_info(name) for name in preset_names()]}
    )


def method(request: HttpRequest, rules: str) -> HttpResponse:
    """``/methods/<rules>/``: the 評価の方法 of a rule set, in words generated from the rule set
    (:func:`machikpi.core.evaluation.describe.describe_ruleset`); every grade shown on the site
    links to its entry here. 404 for a rule set that is not a preset."""
    from ....core.evaluation.describe import describe_ruleset
    from ...rulesets import load_ruleset, preset_names

    if rules not in preset_names():
        raise Http404(rules)
    info = q.rules_info(rules)
    description = describe_ruleset(load_ruleset(rules))
    grades = [
        {"rule": g, "anchor": q.grade_anchor(g.grade, info), "css": q.grade_class(g.grade, info)}
        for g in description.grades
    ]
    return render(
        request,
        "web/public/method.html",
        {
            "d": description,
            "grades": grades,
            "ungraded_anchor": q.grade_anchor(None, info),
            "others": [q.rules_info(n) for n in preset_names() if n != rules],
        },
    )
