"""効果検証 in the staff area (issue 12, item 1).

* ``review_list``: a 担当課's indicators and measures for the evaluation year with the state of
  their 効果検証 (planning and committee see every department's); ``review_edit``: the form of
  one (取組の成果と課題, 今後の方向性, 内部評価), saved as a draft or submitted;
* ``review_approvals`` (planning approves, committee reads): the submitted 効果検証 and the draft
  外部評価; ``review_return``: send one back with a reason;
* ``external``: the committee writes the 外部評価 of a goal or measure;
* ``review_settings`` (planning): the committee's published name and the 今後の方向性 list.

The rules (who writes, approval before publication, history) are the service's
(:mod:`machikpi.adapters.services.review`); these views only call it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...services import review as svc
from ...storage import models as db
from ...storage.tree import node_chain
from ..params import whole_number
from .common import current_user, cycle_year, int_param, safe_next, staff_context, wareki, year_param
from .forms import node_choices
from .permissions import ALL_ROLES, COMMITTEE, DEPARTMENT, PLANNING, department_of, role_of, roles


class ReviewForm(forms.Form):
    """The 効果検証 of one indicator or measure; ``version`` is the stored entry's (0: none)."""

    results = forms.CharField(
        label=gettext_lazy("取組の成果と課題"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 70}),
    )
    direction = forms.TypedChoiceField(
        label=gettext_lazy("今後の方向性"), coerce=int, required=False, empty_value=None
    )
    internal = forms.CharField(
        label=gettext_lazy("内部評価"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["direction"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *((c.pk, c.label) for c in svc.direction_choices())]


class ExternalForm(forms.Form):
    """The committee's 外部評価 of a goal or measure for an evaluation year."""

    node = forms.TypedChoiceField(label=gettext_lazy("対象(目標・施策)"), coerce=int)
    year = forms.IntegerField(label=gettext_lazy("評価年度"), min_value=1900, max_value=2200)
    text = forms.CharField(
        label=gettext_lazy("外部評価"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6, "cols": 70})
    )
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["node"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = node_choices()


def _entries(year: int) -> tuple[dict[int, db.ReviewEntry], dict[int, db.ReviewEntry]]:
    """The entries of ``year`` by indicator id and by node id."""
    by_ind: dict[int, db.ReviewEntry] = {}
    by_node: dict[int, db.ReviewEntry] = {}
    for e in db.ReviewEntry.objects.filter(year=year).select_related("direction"):
        if e.indicator_id is not None:
            by_ind[e.indicator_id] = e
        elif e.node_id is not None:
            by_node[e.node_id] = e
    return by_ind, by_node


@roles(*ALL_ROLES)
def review_list(request: HttpRequest) -> HttpResponse:
    """The indicators and measures of the user's department (planning, committee: all, or
    ``?department=ID``) with their 効果検証 of the year (``?year=``, default the cycle year)."""
    year = year_param(request, cycle_year())
    qs = db.Indicator.objects.filter(present=True, department__isnull=False)
    dept_id = int_param(request, "department")
    if role_of(request.user) == DEPARTMENT:
        dept = department_of(request.user)
        qs = qs.filter(department_id=dept.pk if dept is not None else -1)
    elif dept_id is not None:
        qs = qs.filter(department_id=dept_id)
    indicators = list(
        qs.select_related("plan", "node", "department").order_by("plan__doc", "node__position", "position")
    )
    by_ind, by_node = _entries(year)
    returns = svc.latest_review_returns(
        [e.pk for e in [*by_ind.values(), *by_node.values()] if e.status == db.ReviewEntry.RETURNED]
    )
    plans: dict[int, dict[str, Any]] = {}
    seen_nodes: set[int] = set()
    for ind in indicators:
        entry = plans.setdefault(ind.plan_id, {"plan": ind.plan, "rows": []})
        if ind.node_id not in seen_nodes:
            seen_nodes.add(ind.node_id)
            e = by_node.get(ind.node_id)
            entry["rows"].append(
                {
                    "kind": "node",
                    "node": ind.node,
                    "name": str(ind.node),
                    "department": "",
                    "entry": e,
                    "returned": returns.get(e.pk) if e is not None else None,
                    "url": reverse("staff:review_node", args=[ind.node_id, year]),
                    "can_write": svc.can_write_review(request.user, node=ind.node),
                }
            )
        e = by_ind.get(ind.pk)
        entry["rows"].append(
            {
                "kind": "indicator",
                "name": ind.name,
                "department": ind.department.name if ind.department else "",
                "entry": e,
                "returned": returns.get(e.pk) if e is not None else None,
                "url": reverse("staff:review_indicator", args=[ind.pk, year]),
                "can_write": svc.can_write_review(request.user, indicator=ind),
            }
        )
    ctx = staff_context(
        request,
        year=year,
        year_label=wareki(year),
        plans=list(plans.values()),
        departments=db.Department.objects.all() if role_of(request.user) != DEPARTMENT else [],
        department_id=dept_id,
    )
    return render(request, "web/staff/review_list.html", ctx)


def _edit(request: HttpRequest, year: int, *, indicator: db.Indicator | None, node: db.Node) -> HttpResponse:
    key: dict[str, Any] = {"indicator": indicator} if indicator is not None else {"node": node}
    entry = db.ReviewEntry.objects.filter(year=year, **key).select_related("direction").first()
    back = reverse("staff:review_list") + f"?year={year}"
    can_write = svc.can_write_review(request.user, indicator=indicator, node=None if indicator else node)
    status = 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied(_("効果検証を書けるのは、その指標・施策を担当する課だけです。"))
        form = ReviewForm(request.POST)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                with transaction.atomic():
                    svc.save_review(
                        current_user(request),
                        year=year,
                        indicator_id=indicator.pk if indicator is not None else None,
                        node_id=None if indicator is not None else node.pk,
                        results=form.cleaned_data["results"],
                        direction_id=form.cleaned_data["direction"],
                        internal=form.cleaned_data["internal"],
                        expected_version=form.cleaned_data["version"],
                        submit=submit,
                    )
            except svc.ReviewPermissionError as e:
                raise PermissionDenied(str(e)) from e
            except svc.ReviewError as e:
                form.add_error(None, str(e))
                status = 409 if isinstance(e, svc.ReviewConflict) else 400
            else:
                if submit:
                    messages.success(request, _("効果検証を提出しました。企画政策課の承認後に公開されます。"))
                else:
                    messages.success(request, _("効果検証を下書きとして保存しました(まだ提出していません)。"))
                return redirect(safe_next(request, back))
        else:
            status = 400
    else:
        form = ReviewForm(
            initial={
                "results": entry.results if entry else "",
                "direction": entry.direction_id if entry else None,
                "internal": entry.internal if entry else "",
                "version": entry.version if entry else 0,
            }
        )
    history = list(entry.history.order_by("-at", "-id")[:20]) if entry is not None else []
    returned = (
        svc.latest_review_returns([entry.pk]).get(entry.pk)
        if entry is not None and entry.status == db.ReviewEntry.RETURNED
        else None
    )
    ctx = staff_context(
        request,
        form=form,
        entry=entry,
        indicator=indicator,
        node=node,
        path=node_chain(node),
        year=year,
        year_label=wareki(year),
        can_write=can_write,
        history=history,
        returned=returned,
        back=back,
    )
    return render(request, "web/staff/review_edit.html", ctx, status=status)


@roles(*ALL_ROLES)
def review_indicator(request: HttpRequest, indicator_id: int, year: int) -> HttpResponse:
    """The 効果検証 of one indicator for ``year`` (the owning department writes; others read)."""
    ind = get_object_or_404(
        db.Indicator.objects.select_related("plan", "node", "department"), pk=indicator_id
    )
    return _edit(request, year, indicator=ind, node=ind.node)


@roles(*ALL_ROLES)
def review_node(request: HttpRequest, node_id: int, year: int) -> HttpResponse:
    """The 効果検証 of one measure for ``year`` (a department owning one of its indicators writes)."""
    node = get_object_or_404(db.Node.objects.select_related("plan"), pk=node_id)
    return _edit(request, year, indicator=None, node=node)


@roles(PLANNING, COMMITTEE)
def review_approvals(request: HttpRequest) -> HttpResponse:
    """GET: the submitted 効果検証 and the draft 外部評価. POST (planning): approve one
    (``approve_entry`` or ``approve_external`` = ``ID:VERSION``)."""
    if request.method == "POST":
        if role_of(request.user) != PLANNING:
            raise PermissionDenied(_("承認できるのは企画政策課だけです。"))
        back = safe_next(request, reverse("staff:review_approvals"))
        for field, approve in (
            ("approve_entry", svc.approve_review),
            ("approve_external", svc.approve_external),
        ):
            value = request.POST.get(field)
            if not value:
                continue
            id_text, _sep, version_text = value.partition(":")
            pk, version = whole_number(id_text), whole_number(version_text)
            if pk is None:
                break
            try:
                with transaction.atomic():
                    done = approve(current_user(request), pk, expected_version=version)
            except svc.ReviewError as e:
                messages.error(request, _("承認していません: %(why)s") % {"why": e})
                return redirect(back)
            except (db.ReviewEntry.DoesNotExist, db.ExternalReview.DoesNotExist):
                messages.error(request, _("承認していません: 選んだものが見つかりません。"))
                return redirect(back)
            if done:
                messages.success(request, _("承認しました。公開ページと評価レポートに掲載されます。"))
            else:
                messages.warning(request, _("承認待ちではありません。"))
            return redirect(back)
        messages.warning(request, _("承認するものを選んでください。"))
        return redirect(back)
    entries = list(
        db.ReviewEntry.objects.filter(status=db.ReviewEntry.SUBMITTED)
        .select_related("indicator__plan", "indicator__department", "node__plan", "direction")
        .order_by("year", "id")
    )
    externals = list(
        db.ExternalReview.objects.filter(status=db.ExternalReview.DRAFT)
        .select_related("node__plan")
        .order_by("year", "node__plan__doc", "node__position")
    )
    ctx = staff_context(request, entries=entries, externals=externals, committee_name=svc.committee_name())
    return render(request, "web/staff/review_approvals.html", ctx)


class _ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("差し戻しの理由(担当課に表示されます)"), max_length=2000)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


@roles(PLANNING)
def review_return(request: HttpRequest, entry_id: int) -> HttpResponse:
    """差し戻し of a submitted 効果検証 with a reason (required)."""
    entry = get_object_or_404(
        db.ReviewEntry.objects.select_related("indicator__plan", "indicator__department", "node__plan"),
        pk=entry_id,
    )
    back = safe_next(request, reverse("staff:review_approvals"))
    if request.method == "POST":
        form = _ReasonForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    done = svc.return_review(
                        current_user(request),
                        entry.pk,
                        reason=form.cleaned_data["reason"],
                        expected_version=form.cleaned_data["version"],
                    )
            except svc.ReviewError as e:
                messages.error(request, _("差し戻していません: %(why)s") % {"why": e})
                return redirect(back)
            if done:
                messages.success(request, _("効果検証を差し戻しました。理由は担当課に表示されます。"))
            else:
                messages.warning(request, _("差し戻せるのは提出済の効果検証だけです。"))
            return redirect(back)
    else:
        form = _ReasonForm(initial={"version": entry.version})
    ctx = staff_context(request, form=form, entry=entry, year_label=wareki(entry.year), back=back)
    return render(request, "web/staff/review_return.html", ctx, status=400 if form.errors else 200)


@roles(PLANNING, COMMITTEE)
def external(request: HttpRequest) -> HttpResponse:
    """The 外部評価 of a year (``?year=``); the committee writes one (``?node=ID`` preselects
    the node and loads its text). Planning reads and approves them on ``review_approvals``."""
    year = year_param(request, cycle_year())
    status = 200
    if request.method == "POST":
        form = ExternalForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = svc.save_external(
                        current_user(request),
                        node_id=form.cleaned_data["node"],
                        year=form.cleaned_data["year"],
                        text=form.cleaned_data["text"],
                        expected_version=form.cleaned_data["version"],
                    )
            except svc.ReviewPermissionError as e:
                raise PermissionDenied(str(e)) from e
            except svc.ReviewError as e:
                form.add_error(None, str(e))
                status = 409 if isinstance(e, svc.ReviewConflict) else 400
            else:
                messages.success(
                    request,
                    _("外部評価を保存しました。企画政策課の承認後に「%(name)s」の名で公開されます。")
                    % {"name": svc.committee_name()},
                )
                return redirect(reverse("staff:external") + f"?year={saved.year}")
        else:
            status = 400
    else:
        node_id = int_param(request, "node")
        current = (
            db.ExternalReview.objects.filter(node_id=node_id, year=year).first()
            if node_id is not None
            else None
        )
        form = ExternalForm(
            initial={
                "year": year,
                "node": node_id,
                "text": current.text if current else "",
                "version": current.version if current else 0,
            }
        )
    reviews = list(
        db.ExternalReview.objects.filter(year=year)
        .select_related("node__plan")
        .order_by("node__plan__doc", "node__position")
    )
    ctx = staff_context(
        request,
        form=form,
        reviews=reviews,
        year=year,
        year_label=wareki(year),
        committee_name=svc.committee_name(),
    )
    return render(request, "web/staff/external.html", ctx, status=status)


@roles(PLANNING)
def review_settings(request: HttpRequest) -> HttpResponse:
    """The committee's published name and the 今後の方向性 list (add, rename, reorder, hide)."""
    if request.method == "POST":
        try:
            with transaction.atomic():
                if "committee_name" in request.POST:
                    svc.set_committee_name(current_user(request), request.POST.get("committee_name", ""))
                    messages.success(request, _("会議の名称を保存しました。"))
                else:
                    choice_id = whole_number(request.POST.get("choice"))
                    svc.save_direction(
                        current_user(request),
                        label=request.POST.get("label", ""),
                        position=whole_number(request.POST.get("position")) or 0,
                        active=request.POST.get("active") == "1",
                        choice_id=choice_id,
                    )
                    messages.success(request, _("今後の方向性の選択肢を保存しました。"))
        except (svc.ReviewError, db.DirectionChoice.DoesNotExist) as e:
            messages.error(request, _("保存していません: %(why)s") % {"why": e})
        return redirect(reverse("staff:review_settings"))
    ctx = staff_context(
        request,
        committee_name=svc.committee_name(),
        choices=svc.direction_choices(include_inactive=True),
        next_position=len(svc.direction_choices(include_inactive=True)),
    )
    return render(request, "web/staff/review_settings.html", ctx)
