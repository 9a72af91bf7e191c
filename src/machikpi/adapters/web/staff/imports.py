"""``/staff/imports/``: a plan document uploaded, read, reviewed and corrected, then published (企画政策課).

The reading is synchronous (a 100-page PDF in seconds, ``bench/import_review.py``):
the upload form says 「読み取り中…」 while the request runs (a small script of
the site's own, ``static/machikpi/import.js``; without it the button's text
says the same) and then redirects to the review page. Every change goes
through :mod:`machikpi.adapters.services.imports`; nothing is public until 公開.
``/staff/plans/<id>/manage/`` is the administration of a stored plan.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ....core.errors import MachikpiError
from ...services import imports as svc
from ...services import revisions
from ...storage import models as db
from ..public.labels import revision_rows
from .common import staff_context, username
from .import_forms import AddRowForm, PlanAdminForm, PlanMetaForm, PlanUploadForm, RowForm
from .permissions import PLANNING, roles


@roles(PLANNING)
def imports(request: HttpRequest) -> HttpResponse:
    """GET: the upload form and the imports so far. POST: read the file, then the review page."""
    form = PlanUploadForm()
    status = 200
    if request.method == "POST":
        form = PlanUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = b"".join(upload.chunks())
            name = str(upload.name or "plan").replace("\\", "/").rsplit("/", 1)[-1]
            try:
                imp = svc.create_import(
                    data, name, who=username(request), revises=form.cleaned_data.get("revises")
                )
            except MachikpiError as e:
                messages.error(
                    request,
                    _("計画書を読み取れませんでした。何も取り込んでいません: %(error)s") % {"error": e},
                )
                status = 400
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s を読み取りました(%(seconds).1f 秒)。内容を確認し、必要なら修正してから公開してください。"
                    )
                    % {"name": name, "seconds": imp.read_seconds},
                )
                return redirect("staff:import_review", import_id=imp.pk)
        else:
            status = 400
    rows = db.PlanImport.objects.defer("data", "reading", "rows", "lines").select_related("plan")[:50]
    return render(
        request, "web/staff/imports.html", staff_context(request, form=form, imports=rows), status=status
    )


def _values(
    imp: db.PlanImport, row: dict[str, Any], active: dict[tuple[str, str], db.Correction]
) -> dict[str, Any]:
    """The values in effect of an indicator row: the reader's, corrected."""
    values = svc.reader_values(row)
    for field in values:
        c = active.get((row["key"], field))
        if c is not None:
            values[field] = c.person_value
    return values


def _node_label(nodes: dict[str, dict[str, Any]], key: str) -> str:
    n = nodes.get(key)
    return f"{n['code'] or ''} {n['title']}".strip() if n else key


def _review_context(
    request: HttpRequest, imp: db.PlanImport, meta: PlanMetaForm | None = None
) -> dict[str, Any]:
    active = svc.active_corrections(imp)
    nodes = {n["key"]: n for n in imp.rows.get("nodes", [])}
    items = []
    for n, row in enumerate(imp.rows.get("indicators", [])):
        values = _values(imp, row, active)
        corrected = {f for (k, f) in active if k == row["key"]}
        line = row.get("line")
        source = []
        if line:
            for k in (line - 1, line, line + 1):
                text_page = imp.lines.get(str(k))
                if text_page is not None:
                    source.append({"n": k, "text": text_page[0], "page": text_page[1], "here": k == line})
        series = []
        for i, s in enumerate(row["series"]):
            series.append(
                {
                    "group": s["group"],
                    "baseline": values.get(f"s{i}.baseline"),
                    "baseline_year": values.get(f"s{i}.baseline_year"),
                    "baseline_fixed": bool({f"s{i}.baseline", f"s{i}.baseline_year"} & corrected),
                    "targets": [
                        {
                            "raw": values.get(f"s{i}.t{j}"),
                            "year": values.get(f"s{i}.t{j}_year"),
                            "fixed": bool({f"s{i}.t{j}", f"s{i}.t{j}_year"} & corrected),
                        }
                        for j in range(len(s["targets"]))
                    ],
                }
            )
        items.append(
            {
                "n": n,
                "row": row,
                "values": values,
                "series": series,
                "corrected": corrected,
                "node_label": _node_label(nodes, values["node"]),
                "flagged": bool(row["uncertain"] or row["warnings"]),
                "deleted": bool(values.get("deleted")),
                "source": source,
            }
        )
    items.sort(key=lambda it: (not it["flagged"], it["n"]))
    added = [
        {"c": c, "node_label": _node_label(nodes, (c.person_value or {}).get("node", ""))}
        for (k, f), c in active.items()
        if f == "added"
    ]
    plan_values = svc.plan_reader_values(imp.rows)
    for (k, f), c in active.items():
        if not k:
            plan_values[f] = c.person_value
    if meta is None:
        meta = PlanMetaForm(initial=plan_values)
    history = [
        {"c": c, "text": svc.describe(c), "state": dict(db.Correction.STATES).get(c.state, c.state)}
        for c in imp.corrections.order_by("-at", "-id")
    ]
    return staff_context(
        request,
        imp=imp,
        diff=_diff_context(imp),
        items=items,
        flagged=sum(1 for it in items if it["flagged"]),
        added=added,
        meta=meta,
        plan_values=plan_values,
        nodes=imp.rows.get("nodes", []),
        history=history,
        active_count=len(active),
        draft=imp.status == db.PlanImport.DRAFT,
        status_label=dict(db.PlanImport.STATUSES).get(imp.status, imp.status),
    )


def _change_label(change: revisions.Change) -> str:
    labels = {
        revisions.NAME: _("指標名"),
        revisions.NODE: _("上位の項目"),
        revisions.UNIT: _("単位"),
        revisions.SERIES_ADDED: _("系列の追加"),
        revisions.SERIES_REMOVED: _("系列の削除"),
        revisions.BASELINE: _("基準値"),
        revisions.TARGETS: _("目標値"),
    }
    label = labels.get(change.what, change.what)
    return f"{label}（{change.group}）" if change.group else label


def _diff_context(imp: db.PlanImport) -> dict[str, Any] | None:
    """The 改訂の差分 section: what publishing changes in the plan it revises."""
    diff = revisions.revision_diff(imp) if imp.status == db.PlanImport.DRAFT else None
    if diff is None:
        return None
    return {
        "d": diff,
        "changed": [
            {"row": r, "changes": [{"label": _change_label(c), "c": c} for c in r.changes]}
            for r in diff.changed
        ],
    }


@roles(PLANNING)
def review(request: HttpRequest, import_id: int) -> HttpResponse:
    """GET: the review page. POST ``action``: ``meta`` (title, municipality,
    period), ``revert`` (``correction``), ``publish``, ``discard``."""
    imp = get_object_or_404(db.PlanImport, pk=import_id)
    if request.method != "POST":
        return render(request, "web/staff/import_review.html", _review_context(request, imp))
    action = request.POST.get("action", "")
    who = username(request)
    try:
        if action == "meta":
            meta = PlanMetaForm(request.POST)
            if not meta.is_valid():
                return render(
                    request, "web/staff/import_review.html", _review_context(request, imp, meta), status=400
                )
            for field in ("title", "municipality", "period_start", "period_end"):
                svc.correct(imp, "", field, meta.cleaned_data.get(field), who=who)
            messages.success(
                request, _("表題・自治体名・計画期間を保存しました(公開するまで公開サイトには出ません)。")
            )
        elif action == "revert":
            c = get_object_or_404(db.Correction, pk=request.POST.get("correction") or 0, plan_import=imp)
            svc.revert(c, who=who)
            messages.success(
                request, _("修正を取り消しました(記録は残ります): %(text)s") % {"text": svc.describe(c)}
            )
        elif action == "publish":
            plan = svc.publish(imp, who=who)
            messages.success(
                request,
                _("「%(title)s」を公開しました(修正 %(n)s 件を反映)。")
                % {"title": plan.title, "n": imp.corrections.filter(state=db.Correction.ACTIVE).count()},
            )
            return redirect("staff:plan_manage", plan_id=plan.pk)
        elif action == "discard":
            svc.discard(imp, who=who)
            messages.info(request, _("取込を破棄しました。何も公開していません。"))
            return redirect("staff:imports")
    except MachikpiError as e:
        messages.error(request, _("できませんでした(何も変更していません): %(error)s") % {"error": e})
        return render(request, "web/staff/import_review.html", _review_context(request, imp), status=400)
    return redirect("staff:import_review", import_id=imp.pk)


@roles(PLANNING)
def row(request: HttpRequest, import_id: int, n: int) -> HttpResponse:
    """Correct one indicator row: every field, delete, or restore."""
    imp = get_object_or_404(db.PlanImport, pk=import_id)
    rows = imp.rows.get("indicators", [])
    if not 0 <= n < len(rows):
        return redirect("staff:import_review", import_id=imp.pk)
    r = rows[n]
    values = _values(imp, r, svc.active_corrections(imp))
    nodes = imp.rows.get("nodes", [])
    form = RowForm(values=values, nodes=nodes)
    status = 200
    if request.method == "POST":
        form = RowForm(request.POST, values=values, nodes=nodes)
        if form.is_valid():
            errors = 0
            for field, value in form.changes(values).items():
                try:
                    svc.correct(imp, r["key"], field, value, who=username(request))
                except MachikpiError as e:
                    form.add_error(field.replace(".", "__"), str(e))
                    errors += 1
            if not errors:
                messages.success(request, _("「%(name)s」の修正を保存しました。") % {"name": r["name"]})
                return redirect(f"/staff/imports/{imp.pk}/#row-{n}")
        status = 400
    line = r.get("line")
    source = [
        {"n": k, "text": imp.lines[str(k)][0], "page": imp.lines[str(k)][1], "here": k == line}
        for k in ((line - 1, line, line + 1) if line else ())
        if str(k) in imp.lines
    ]
    ctx = staff_context(
        request,
        imp=imp,
        r=r,
        n=n,
        form=form,
        source=source,
        draft=imp.status == db.PlanImport.DRAFT,
        reader=svc.reader_values(r),
    )
    return render(request, "web/staff/import_row.html", ctx, status=status)


@roles(PLANNING)
def add(request: HttpRequest, import_id: int) -> HttpResponse:
    """Add a row the reader missed."""
    imp = get_object_or_404(db.PlanImport, pk=import_id)
    nodes = imp.rows.get("nodes", [])
    form = AddRowForm(nodes=nodes)
    status = 200
    if request.method == "POST":
        form = AddRowForm(request.POST, nodes=nodes)
        if form.is_valid():
            try:
                svc.add_row(imp, form.cleaned_data, who=username(request))
            except MachikpiError as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, _("行を追加しました。"))
                return redirect("staff:import_review", import_id=imp.pk)
        status = 400
    return render(
        request, "web/staff/import_add.html", staff_context(request, imp=imp, form=form), status=status
    )


@roles(PLANNING)
def plan_manage(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A stored plan: title and period, publish / unpublish, the department of
    each indicator, and the plan's history."""
    plan = get_object_or_404(db.Plan, pk=plan_id)
    who = username(request)
    form = PlanAdminForm(
        initial={"title": plan.title, "period_start": plan.period_start, "period_end": plan.period_end}
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "meta":
                form = PlanAdminForm(request.POST)
                if form.is_valid():
                    svc.rename_plan(plan, form.cleaned_data["title"], who=who)
                    svc.set_period(
                        plan, form.cleaned_data["period_start"], form.cleaned_data["period_end"], who=who
                    )
                    messages.success(request, _("表題と計画期間を保存しました。"))
                    return redirect("staff:plan_manage", plan_id=plan.pk)
                status = 400
            elif action in ("publish", "unpublish"):
                svc.set_published(plan, action == "publish", who=who)
                messages.success(
                    request,
                    _("公開しました。")
                    if action == "publish"
                    else _("非公開にしました(公開サイトと API に出ません)。"),
                )
                return redirect("staff:plan_manage", plan_id=plan.pk)
            elif action == "departments":
                wanted: dict[int, int | None] = {}
                for key in request.POST:
                    value = request.POST.get(key, "")
                    if key.startswith("dept-") and key[5:].isdigit():
                        wanted[int(key[5:])] = int(value) if value.isdigit() else None
                n = svc.assign_departments(plan, wanted, who=who)
                messages.success(request, _("担当課を %(n)s 件変更しました。") % {"n": n})
                return redirect("staff:plan_manage", plan_id=plan.pk)
        except MachikpiError as e:
            messages.error(request, _("できませんでした(何も変更していません): %(error)s") % {"error": e})
            status = 400
    indicators = list(
        db.Indicator.objects.filter(plan=plan, present=True).select_related("node").order_by("position", "id")
    )
    ctx = staff_context(
        request,
        plan=plan,
        form=form,
        indicators=indicators,
        departments=list(db.Department.objects.all()),
        changes=list(plan.changes.select_related("plan_import")[:100]),
        target_history=[
            {**row, "indicator": row["rev"].series.indicator, "group": row["rev"].series.group}
            for row in revision_rows(
                list(
                    db.TargetRevision.objects.filter(series__indicator__plan=plan).select_related(
                        "series__indicator", "plan_import"
                    )
                )
            )
        ],
    )
    return render(request, "web/staff/plan_manage.html", ctx, status=status)
