"""Approvals: the drafts; 企画政策課 approves one or many, or returns one (差し戻し) with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ...storage import models as db
from ...storage.actuals import (
    ActualConflict,
    approve_actual,
    return_actual,
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
    COMMITTEE,
    PLANNING,
    role_of,
    roles,
)


@roles(PLANNING, COMMITTEE)
def approvals(request: HttpRequest) -> HttpResponse:
    """GET: the drafts (committee: read only). POST (planning): approve the
    checked drafts, each at the version shown, all or nothing."""
    if request.method == "POST":
        if role_of(request.user) != PLANNING:
            raise PermissionDenied(_("承認できるのは企画政策課だけです。"))
        return _approve(request)
    plan_id = int_param(request, "plan")
    qs = (
        db.ActualValue.objects.filter(status=db.ActualValue.DRAFT)
        .exclude(raw="")
        .select_related("series__indicator__plan", "series__indicator__department")
        .order_by("series__indicator__plan__doc", "series__indicator__position", "series__position", "year")
    )
    if plan_id is not None:
        qs = qs.filter(series__indicator__plan_id=plan_id)
    drafts = list(qs)
    ctx = staff_context(
        request,
        drafts=drafts,
        plans=db.Plan.objects.all(),
        plan_id=plan_id,
    )
    return render(request, "web/staff/approvals.html", ctx)


def _approve(request: HttpRequest) -> HttpResponse:
    picked: list[tuple[int, int]] = []
    # a row's own button approves that value only; the bottom button, the checked ones
    items = request.POST.getlist("approve_one") or request.POST.getlist("approve")
    for item in items:
        id_text, _sep, version_text = item.partition(":")
        aid, version = whole_number(id_text), whole_number(version_text)
        if aid is not None and version is not None:
            picked.append((aid, version))
    back = safe_next(request, reverse("staff:approvals"))
    if not picked:
        messages.warning(request, _("承認する値を選んでください。"))
        return redirect(back)
    approved = 0
    try:
        with transaction.atomic():
            for aid, version in picked:
                if approve_actual(aid, username(request), expected_version=version):
                    approved += 1
    except ActualConflict as conflict:
        _value, raw, _note, status, _version, who = conflict.current
        messages.error(
            request,
            _(
                "承認していません: 一覧を開いた後に %(who)s さんが値を「%(raw)s」(%(status)s)に変更しました。"
                "一覧を見直してから、もう一度承認してください。"
            )
            % {"who": who, "raw": raw, "status": dict(db.ActualValue.STATUSES).get(status, status)},
        )
        return redirect(back)
    except db.ActualValue.DoesNotExist:
        messages.error(request, _("承認していません: 選んだ値が見つかりません。"))
        return redirect(back)
    keys = set(
        db.ActualValue.objects.filter(pk__in=[a for a, _v in picked]).values_list(
            "series__indicator__plan_id", "year"
        )
    )
    refresh_evaluations(keys)
    messages.success(request, _("%(n)s 件を承認しました。公開ページに表示されます。") % {"n": approved})
    return redirect(back)


@roles(PLANNING)
def return_draft(request: HttpRequest, actual_id: int) -> HttpResponse:
    """差し戻し: GET asks for the reason; POST (reason required, at the version
    shown) sends the draft back to its department (``return_actual``)."""
    actual = get_object_or_404(
        db.ActualValue.objects.select_related("series__indicator__plan", "series__indicator__department"),
        pk=actual_id,
    )
    back = safe_next(request, reverse("staff:approvals"))
    if request.method == "POST":
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    done = return_actual(
                        actual.pk,
                        username(request),
                        reason=form.cleaned_data["reason"],
                        expected_version=form.cleaned_data["version"],
                    )
            except ActualConflict:
                messages.error(
                    request, _("差し戻していません: 画面を開いた後に値が変更されました。見直してください。")
                )
                return redirect(back)
            if done:
                messages.success(
                    request,
                    _("%(name)s %(year)s の下書き「%(raw)s」を差し戻しました。理由は担当課に表示されます。")
                    % {"name": actual.series, "year": wareki(actual.year), "raw": actual.raw},
                )
            else:
                messages.warning(request, _("差し戻せるのは下書きだけです。この値は下書きではありません。"))
            return redirect(back)
    else:
        form = ReasonForm(initial={"version": actual.version})
    ctx = staff_context(request, form=form, actual=actual, year_label=wareki(actual.year), back=back)
    return render(request, "web/staff/return.html", ctx, status=400 if form.errors else 200)
