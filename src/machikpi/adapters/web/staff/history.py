"""The history of every change of an actual value, and its revert (a confirmation with a reason,
itself recorded)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ...storage import models as db
from ...storage.actuals import (
    RevertError,
    revert_change,
)
from ..params import whole_number
from .common import (
    int_param,
    refresh_evaluations,
    safe_next,
    staff_context,
    username,
    wareki,
)
from .forms import ReasonForm
from .permissions import (
    DEPARTMENT,
    PLANNING,
    can_revert,
    department_of,
    role_of,
    roles,
)


def _history_qs(request: HttpRequest) -> Any:
    qs = db.ActualChange.objects.select_related(
        "actual__series__indicator__plan", "actual__series__indicator__department", "reverts"
    ).order_by("-at", "-id")
    if role_of(request.user) == DEPARTMENT:
        dept = department_of(request.user)
        qs = qs.filter(actual__series__indicator__department_id=dept.pk if dept is not None else -1)
    return qs


@roles(PLANNING, DEPARTMENT)
def history(request: HttpRequest) -> HttpResponse:
    """Every change of an actual value, newest first; filters ``?plan=``,
    ``?indicator=``, ``?year=``, ``?who=``; a revert button on each change that
    can be reverted (the latest of its value, not an approval, allowed to the user)."""
    qs = _history_qs(request)
    plan_id = int_param(request, "plan")
    indicator_id = int_param(request, "indicator")
    year = int_param(request, "year")
    who = request.GET.get("who", "").strip()
    if plan_id is not None:
        qs = qs.filter(actual__series__indicator__plan_id=plan_id)
    if indicator_id is not None:
        qs = qs.filter(actual__series__indicator_id=indicator_id)
    if year is not None:
        qs = qs.filter(actual__year=year)
    if who:
        qs = qs.filter(who=who)
    page = Paginator(qs, 50).get_page(whole_number(request.GET.get("page")) or 1)
    changes = list(page.object_list)
    # the latest change of each value, and the latest not counting approvals:
    # a change followed only by its approvals is reverted with them (planning
    # users); a department user reverts only what nobody has approved since
    latest: dict[int, int] = {}
    latest_entry: dict[int, int] = {}
    for aid, cid, action in (
        db.ActualChange.objects.filter(actual_id__in={c.actual_id for c in changes})
        .order_by("actual_id", "-id")
        .values_list("actual_id", "id", "action")
    ):
        latest.setdefault(aid, cid)
        if action != db.ActualChange.APPROVE:
            latest_entry.setdefault(aid, cid)
    planning = role_of(request.user) == PLANNING
    rows = [
        {
            "change": c,
            "series": c.actual.series,
            "revertable": (latest_entry if planning else latest).get(c.actual_id) == c.pk
            and c.action != db.ActualChange.APPROVE
            and can_revert(request.user, c),
        }
        for c in changes
    ]
    indicators = db.Indicator.objects.filter(plan_id=plan_id) if plan_id is not None else []
    query = request.GET.copy()
    query.pop("page", None)
    ctx = staff_context(
        request,
        rows=rows,
        page=page,
        plans=db.Plan.objects.all(),
        indicators=indicators,
        plan_id=plan_id,
        indicator_id=indicator_id,
        filter_year=year,
        who=who,
        query=query.urlencode(),
        actions=dict(db.ActualChange.ACTIONS),
        statuses=dict(db.ActualValue.STATUSES),
    )
    return render(request, "web/staff/history.html", ctx)


@roles(PLANNING, DEPARTMENT)
def revert(request: HttpRequest, change_id: int) -> HttpResponse:
    """GET: the confirmation page of reverting ``change_id`` (what it sets back, a
    reason to give). POST with the reason: revert it (recorded as a ``revert``
    change with the reason as its note); a change that cannot be reverted is
    explained in a message."""
    change = get_object_or_404(
        db.ActualChange.objects.select_related("actual__series__indicator__plan"), pk=change_id
    )
    if not can_revert(request.user, change):
        raise PermissionDenied(
            _("この変更を取り消す権限がありません(公開中の値の取り消しは企画政策課が行います)。")
        )
    back = safe_next(request, reverse("staff:history"))
    form = ReasonForm(request.POST if request.method == "POST" else None, initial={"version": 0})
    if request.method != "POST" or not form.is_valid():
        ctx = staff_context(
            request,
            form=form,
            change=change,
            series=change.actual.series,
            year_label=wareki(change.actual.year),
            action_label=dict(db.ActualChange.ACTIONS).get(change.action, change.action),
            back=back,
        )
        return render(request, "web/staff/revert.html", ctx, status=400 if form.errors else 200)
    note = form.cleaned_data["reason"]
    try:
        with transaction.atomic():
            done = revert_change(change.pk, username(request), note=note)
    except RevertError:
        if change.action == db.ActualChange.APPROVE:
            text = _(
                "承認は単独では取り消せません。承認された変更(この前の行)を取り消すと、承認も取り消されます。"
            )
        else:
            text = _(
                "取り消せません: 取り消せるのは、その値の最新の変更だけです。後の変更を先に取り消してください。"
            )
        messages.error(request, text)  # the storage's own words (English) are not shown
        return redirect(back)
    if db.ActualValue.APPROVED in (done.old_status, done.new_status) or change.old_status is None:
        refresh_evaluations({(change.actual.series.indicator.plan_id, change.actual.year)})
    messages.success(
        request,
        _("変更 #%(id)s を取り消しました: 「%(old)s」→「%(new)s」(取り消しも履歴 #%(rid)s に残ります)。")
        % {"id": change.pk, "old": done.old_raw or "—", "new": done.new_raw or "—", "rid": done.pk},
    )
    return redirect(back)
