"""Views of the staff area (``/staff/``; roles in :mod:`.permissions`).

* ``login`` / ``logout``: Django auth (hashed passwords, session, CSRF);
  django-axes locks a user name + address after 5 failed logins for 15
  minutes (:mod:`machikpi.adapters.web.config`); the login page says how
  many attempts are left and, once locked, that it is locked and for how long.
* ``my_updates``: the series the user reports for the cycle year, with what is missing.
* ``value``: the entry form of one value (validation as the entry
  workbook; note required when the grade falls; optimistic locking with a
  conflict page that shows the other person's value).
* ``approvals``: drafts; planning approves one or many.
* ``history`` / ``revert``: every change, one-click revert (itself recorded).
* ``comments``: the committee's comments on nodes.
* ``plans`` / ``audit``: the stored plan audit.
* ``reports``: the evaluation report as HTML, XLSX or PDF.

The upload of entry files is in :mod:`.upload`.
"""

from __future__ import annotations

import tempfile
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ....core.errors import MachikpiError
from ....core.periods import fiscal_year_of, to_wareki
from ...actual_entry import MIN_YEAR, impossible, outlier, year_window
from ...storage import models as db
from ...storage.actuals import (
    ActualConflict,
    RevertError,
    approve_actual,
    record_actual,
    return_actual,
    revert_change,
)
from ...storage.tree import node_chain
from ..grades import check_grade
from ..params import whole_number
from .forms import CommentForm, ReasonForm, ReportForm, ValueForm
from .permissions import (
    ALL_ROLES,
    COMMITTEE,
    DEPARTMENT,
    PLANNING,
    can_enter,
    can_revert,
    check_enter,
    department_of,
    role_of,
    roles,
    series_scope,
)

SOURCE_WEB = "web"


# ---------------------------------------------------------------------------
# Shared helpers


def current_user(request: HttpRequest) -> Any:
    """The logged-in user (the views are behind :func:`.permissions.roles`)."""
    return request.user


def username(request: HttpRequest) -> str:
    """The name recorded as ``who`` / ``entered_by`` for the logged-in user."""
    return request.user.get_username()


def latest_fiscal_year() -> int:
    """The fiscal year (年度) of today: values can be entered up to it."""
    return fiscal_year_of(timezone.localdate())


def cycle_year() -> int:
    """The current reporting cycle: the latest year with a stored evaluation or
    an entered actual value; with neither, the fiscal year of today."""
    years = [
        db.Evaluation.objects.aggregate(m=Max("year"))["m"],
        db.ActualValue.objects.aggregate(m=Max("year"))["m"],
    ]
    known = [y for y in years if y is not None]
    return max(known) if known else latest_fiscal_year()


def year_param(request: HttpRequest, default: int) -> int:
    """``?year=`` as an int within [1900, 2200], else ``default``."""
    year = whole_number(request.GET.get("year"))
    if year is not None and MIN_YEAR <= year <= 2200:
        return year
    return default


def int_param(request: HttpRequest, name: str) -> int | None:
    """``?name=`` as a whole number (:func:`~machikpi.adapters.web.params.whole_number`:
    a number too large for an id is clamped, so a filter by it finds nothing), else ``None``."""
    return whole_number(request.GET.get(name))


def wareki(year: int) -> str:
    """``令和6年度(2024年度)``."""
    try:
        return f"{to_wareki(year)}({year}年度)"
    except MachikpiError:
        return f"{year}年度"


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` POST/GET parameter when it is a local URL, else ``fallback``."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return fallback


def refresh_evaluations(keys: set[tuple[int, int]]) -> None:
    """Evaluate again the stored evaluations of ``(plan id, year)`` pairs after
    their published values changed (approval, revert), so that the public
    grades follow the published values. Only years already evaluated for
    the plan are refreshed (a new year is evaluated by ``machikpi report`` or
    the report download), each under every rule set stored for it."""
    from ...rulesets import load_ruleset
    from ...storage.evaluations import evaluate_stored

    for plan_id, year in sorted(keys):
        rules = set(
            db.Evaluation.objects.filter(series__indicator__plan_id=plan_id, year=year).values_list(
                "rules", flat=True
            )
        )
        doc = db.Plan.objects.filter(pk=plan_id).values_list("doc", flat=True).first()
        if doc is None:
            continue
        for name in sorted(rules):
            try:
                ruleset = load_ruleset(name)
            except (MachikpiError, OSError):
                continue  # a rule-set file the web application does not know
            evaluate_stored(year, ruleset, docs=[doc])


def staff_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """What every staff template reads: the role and its flags."""
    role = role_of(request.user)
    dept = department_of(request.user)
    return {
        "role": role,
        "role_label": dict(db.StaffProfile.ROLES).get(role or "", ""),
        "department": dept,
        "is_planning": role == PLANNING,
        "is_department": role == DEPARTMENT,
        "is_committee": role == COMMITTEE,
        **extra,
    }


# ---------------------------------------------------------------------------
# Login


class StaffLoginView(LoginView):
    """The staff login page with django-axes' lockout said in words.

    Before checking a password the view asks axes whether the user name and
    address are locked; after a failure it shows how many attempts remain.
    When locked, it answers 429 with its own page (which names the wait) in
    place of axes' plain-text default."""

    template_name = "web/staff/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Adds the failure limit and the lockout time (minutes) for the page's notice."""
        ctx = super().get_context_data(**kwargs)
        ctx["failure_limit"] = _axes("AXES_FAILURE_LIMIT", 5)
        ctx["cooloff_minutes"] = _cooloff_minutes()
        return ctx

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Refuse at once (429) when the user name is locked; else log in as Django does."""
        from axes.handlers.proxy import AxesProxyHandler

        name = request.POST.get("username", "")
        if AxesProxyHandler.is_locked(request, {"username": name}):
            return self.locked(name)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        """A failed login: the locked page after the last allowed failure, else the
        form with the number of attempts left."""
        from axes.handlers.proxy import AxesProxyHandler

        name = self.request.POST.get("username", "")
        if getattr(self.request, "axes_locked_out", False):
            return self.locked(name)
        failures = AxesProxyHandler.get_failures(self.request, {"username": name})
        ctx = self.get_context_data(form=form)
        ctx["remaining"] = max(0, int(_axes("AXES_FAILURE_LIMIT", 5)) - int(failures))
        return self.render_to_response(ctx)

    def locked(self, name: str) -> HttpResponse:
        """The 429 page: locked, for how long, what to do."""
        # Our page replaces axes' plain-text lockout response (the middleware
        # would otherwise overwrite this response when it sees the flag).
        self.request.axes_locked_out = False  # type: ignore[attr-defined]
        return render(
            self.request,
            "web/staff/locked.html",
            {
                "username": name,
                "failure_limit": _axes("AXES_FAILURE_LIMIT", 5),
                "cooloff_minutes": _cooloff_minutes(),
            },
            status=429,
        )


def _axes(name: str, default: Any) -> Any:
    """A django-axes setting (:mod:`machikpi.adapters.web.config`), else axes' default."""
    return getattr(settings, name, default)


def _cooloff_minutes() -> int:
    cool = _axes("AXES_COOLOFF_TIME", 0.25)
    if isinstance(cool, timedelta):
        return int(cool.total_seconds() // 60)
    if isinstance(cool, int | float):
        return int(cool * 60)
    return 15


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The lockout page for ``AXES_LOCKOUT_CALLABLE`` (other login paths, e.g. the admin's)."""
    name = ""
    if isinstance(credentials, dict):
        name = str(credentials.get("username") or "")
    return render(
        request,
        "web/staff/locked.html",
        {
            "username": name,
            "failure_limit": _axes("AXES_FAILURE_LIMIT", 5),
            "cooloff_minutes": _cooloff_minutes(),
        },
        status=429,
    )


# ---------------------------------------------------------------------------
# My updates


def latest_returns(actual_ids: list[int]) -> dict[int, db.ActualChange]:
    """The latest ``return`` change (差し戻し, with its reason in ``note``) of each actual value."""
    out: dict[int, db.ActualChange] = {}
    for c in db.ActualChange.objects.filter(actual_id__in=actual_ids, action=db.ActualChange.RETURN).order_by(
        "actual_id", "-id"
    ):
        out.setdefault(c.actual_id, c)
    return out


@roles(*ALL_ROLES)
def my_updates(request: HttpRequest) -> HttpResponse:
    """The series the user reports for the cycle year (``?year=``) with their
    state: missing, draft, approved; ``?missing=1`` lists only what is missing;
    planning users may narrow to one department (``?department=ID``)."""
    year = year_param(request, cycle_year())
    only_missing = request.GET.get("missing") == "1"
    dept_id = int_param(request, "department")
    qs = db.Series.objects.filter(present=True, indicator__present=True, **series_scope(request.user))
    if dept_id is not None and role_of(request.user) != DEPARTMENT:
        qs = qs.filter(indicator__department_id=dept_id)
    series = list(
        qs.select_related("indicator__plan", "indicator__node", "indicator__department").order_by(
            "indicator__plan__doc", "indicator__position", "position"
        )
    )
    ids = [s.pk for s in series]
    actuals = {
        (a.series_id, a.year): a
        for a in db.ActualValue.objects.filter(series_id__in=ids, year__in=[year, year - 1])
    }
    printed = {
        (c.series_id, c.year): c
        for c in db.Cell.objects.filter(series_id__in=ids, kind=db.Cell.ACTUAL, year__in=[year, year - 1])
    }
    targets: dict[int, list[str]] = defaultdict(list)
    for sid, raw in db.Cell.objects.filter(series_id__in=ids, kind=db.Cell.TARGET).values_list(
        "series_id", "raw"
    ):
        if raw:
            targets[sid].append(raw)
    returns = latest_returns([a.pk for a in actuals.values() if a.status == db.ActualValue.RETURNED])
    plans: dict[int, dict[str, Any]] = {}
    counts: Counter[str] = Counter()
    for s in series:
        a = actuals.get((s.pk, year))
        if a is not None and a.raw:
            state = {db.ActualValue.DRAFT: "draft", db.ActualValue.RETURNED: "returned"}.get(
                a.status, "approved"
            )
        elif (s.pk, year) in printed and printed[(s.pk, year)].value is not None:
            state = "printed"
        else:
            state = "missing"
        counts[state] += 1
        if only_missing and state != "missing":
            continue
        prev = actuals.get((s.pk, year - 1))
        prev_text = prev.raw if prev is not None and prev.raw else ""
        if not prev_text and (s.pk, year - 1) in printed:
            prev_text = printed[(s.pk, year - 1)].raw
        ind = s.indicator
        entry = plans.setdefault(ind.plan_id, {"plan": ind.plan, "rows": []})
        entry["rows"].append(
            {
                "series": s,
                "indicator": ind,
                "state": state,
                "actual": a,
                "printed": printed.get((s.pk, year)),
                "previous": prev_text,
                "targets": " / ".join(targets.get(s.pk, [])),
                "can_enter": can_enter(request.user, ind),
                "returned": returns.get(a.pk) if a is not None and state == "returned" else None,
            }
        )
    ctx = staff_context(
        request,
        year=year,
        year_label=wareki(year),
        years=sorted(
            {year - 1, year, year + 1, cycle_year()} & set(range(MIN_YEAR, latest_fiscal_year() + 1))
        ),
        plans=list(plans.values()),
        counts=counts,
        total=len(series),
        only_missing=only_missing,
        departments=db.Department.objects.all() if role_of(request.user) != DEPARTMENT else [],
        department_id=dept_id,
        no_department=role_of(request.user) == DEPARTMENT and department_of(request.user) is None,
        entry_round=db.EntryRound.objects.filter(year=year).first(),
    )
    return render(request, "web/staff/my_updates.html", ctx)


# ---------------------------------------------------------------------------
# The entry form of one value


def _series_or_404(series_id: int) -> db.Series:
    return get_object_or_404(
        db.Series.objects.select_related("indicator__plan", "indicator__node", "indicator__department"),
        pk=series_id,
    )


def _value_context(request: HttpRequest, series: db.Series, year: int, **extra: Any) -> dict[str, Any]:
    ind = series.indicator
    cells = list(series.cells.all())
    actual = db.ActualValue.objects.filter(series=series, year=year).first()
    others = list(db.ActualValue.objects.filter(series=series).exclude(year=year).order_by("year"))
    evaluations = list(db.Evaluation.objects.filter(series=series).order_by("year", "rules"))
    history = list(actual.history.order_by("-at", "-id")[:10]) if actual is not None else []
    return staff_context(
        request,
        series=series,
        indicator=ind,
        plan=ind.plan,
        path=node_chain(ind.node),
        year=year,
        year_label=wareki(year),
        baseline=[c for c in cells if c.kind == db.Cell.BASELINE],
        targets=[c for c in cells if c.kind == db.Cell.TARGET],
        printed=[c for c in cells if c.kind == db.Cell.ACTUAL],
        actual=actual,
        others=others,
        evaluations=evaluations,
        history=history,
        returned=(
            latest_returns([actual.pk]).get(actual.pk)
            if actual is not None and actual.status == db.ActualValue.RETURNED
            else None
        ),
        **extra,
    )


def _known(series: db.Series, year: int) -> tuple[float, ...]:
    """The known numbers of ``series`` besides ``year``'s value: baseline, targets, other years' actuals."""
    known = [c.value for c in series.cells.all() if c.value is not None and c.kind != db.Cell.ACTUAL]
    known += [
        v
        for v in db.ActualValue.objects.filter(series=series)
        .exclude(year=year)
        .values_list("value", flat=True)
        if v is not None
    ]
    return tuple(known)


@roles(PLANNING, DEPARTMENT)
def value(request: HttpRequest, series_id: int, year: int) -> HttpResponse:
    """GET: the form with the stored value and the version it was read at.
    POST: validate; refuse an empty note when the grade falls; save as a
    draft with the version read; on a conflict show both values (409)."""
    series = _series_or_404(series_id)
    check_enter(request.user, series.indicator)
    unit = series.indicator.unit
    year_error = None
    if year > latest_fiscal_year():
        year_error = _("%(year)s年度はまだ来ていません。実績値を入力できるのは%(max)s年度までです。") % {
            "year": year,
            "max": latest_fiscal_year(),
        }
    elif year < MIN_YEAR:
        year_error = _("%(min)s年度より前の実績値は入力できません。") % {"min": MIN_YEAR}
    else:
        baseline_year = next(
            (c.year for c in series.cells.all() if c.kind == db.Cell.BASELINE and c.year is not None), None
        )
        window = year_window(series.indicator.plan.audit_period, baseline_year)
        if window is not None and window[0] is not None and year < window[0]:
            year_error = _(
                "%(year)s年度は計画の期間外です。この指標の実績値は基準値の%(start)s年度から入力できます。"
            ) % {"year": year, "start": window[0]}
        elif window is not None and window[1] is not None and year > window[1]:
            year_error = _("%(year)s年度は計画の期間外です。計画の最終年度は%(end)s年度です。") % {
                "year": year,
                "end": window[1],
            }
    back = reverse("staff:my_updates") + f"?year={year}"
    if request.method != "POST" or year_error:
        actual = db.ActualValue.objects.filter(series=series, year=year).first()
        initial = {
            "value": actual.raw if actual is not None else "",
            "note": actual.note if actual is not None else "",
            "version": actual.version if actual is not None else 0,
        }
        form = ValueForm(initial=initial, unit=unit)
        ctx = _value_context(request, series, year, form=form, year_error=year_error, back=back)
        return render(request, "web/staff/value.html", ctx, status=400 if year_error else 200)

    form = ValueForm(request.POST, unit=unit)
    grade = None
    warning = None
    if form.is_valid():
        raw = form.cleaned_data["value"]
        number = form.parsed
        note = form.cleaned_data["note"]
        why_not = impossible(number, unit, series.indicator.name, _known(series, year))
        if why_not:
            form.add_error("value", _("この値は入力できません: %(why)s。") % {"why": why_not})
        grade = check_grade(series.pk, year, number, raw) if not why_not else None
        if grade is not None and grade.falls and not note:
            form.add_error(
                "note",
                _(
                    "この値では評価が %(prev_year)s の「%(prev)s」から「%(new)s」に下がります"
                    "(評価ルール %(rules)s)。下がった理由を備考に書いてください。"
                )
                % {
                    "prev_year": wareki(grade.previous_year),
                    "prev": grade.previous_grade,
                    "new": grade.new_grade,
                    "rules": grade.rules,
                },
            )
    if not form.is_valid():
        ctx = _value_context(request, series, year, form=form, grade=grade, back=back)
        return render(request, "web/staff/value.html", ctx, status=400)

    expected = form.cleaned_data["version"]
    try:
        with transaction.atomic():
            outcome = record_actual(
                series.pk,
                year,
                value=number,
                raw=raw,
                note=note,
                who=username(request),
                status=db.ActualValue.DRAFT,
                source=SOURCE_WEB,
                expected_version=expected,
            )
    except ActualConflict as conflict:
        theirs_value, theirs_raw, theirs_note, theirs_status, theirs_version, theirs_who = conflict.current
        ctx = _value_context(
            request,
            series,
            year,
            back=back,
            mine={"raw": raw, "note": note},
            theirs={
                "value": theirs_value,
                "raw": theirs_raw,
                "note": theirs_note,
                "status": theirs_status,
                "status_label": db.status_label(theirs_status) or "—",
                "version": theirs_version,
                "who": theirs_who,
            },
            read_version=expected,
        )
        return render(request, "web/staff/conflict.html", ctx, status=409)

    why = outlier(number, _known(series, year))
    if why:
        warning = _("値を確認してください: %(why)s") % {"why": why}
    if outcome.action == "same":
        messages.info(request, _("変更はありません(保存済みの値と同じです)。"))
    else:
        messages.success(
            request,
            _(
                "%(name)s %(year)s の実績値「%(raw)s」を下書きとして保存しました。企画政策課の承認後に公開されます。"
            )
            % {"name": series, "year": wareki(year), "raw": raw},
        )
    if form.cleaned_data.get("overwrite") and outcome.action != "same":
        messages.info(request, _("先に保存されていた値は変更履歴に残っています。"))
    if warning:
        messages.warning(request, warning)
    return redirect(safe_next(request, back))


# ---------------------------------------------------------------------------
# Approvals


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


# ---------------------------------------------------------------------------
# History and revert


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


# ---------------------------------------------------------------------------
# Committee comments


@roles(PLANNING, COMMITTEE)
def comments(request: HttpRequest) -> HttpResponse:
    """The comments of a year (``?year=``, default the cycle year) and a form
    to add one (``?node=ID`` preselects the node)."""
    year = year_param(request, cycle_year())
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            node = get_object_or_404(db.Node, pk=form.cleaned_data["node"])
            c = db.CommitteeComment.objects.create(
                node=node,
                year=form.cleaned_data["year"],
                author=current_user(request),
                author_name=current_user(request).get_full_name() or username(request),
                text=form.cleaned_data["text"],
            )
            messages.success(request, _("コメントを登録しました。"))
            return redirect(reverse("staff:comments") + f"?year={c.year}")
    else:
        form = CommentForm(initial={"year": year, "node": int_param(request, "node")})
    qs = (
        db.CommitteeComment.objects.filter(year=year)
        .select_related("node__plan")
        .order_by("node__plan__doc", "node__position", "created_at")
    )
    mine_only = request.GET.get("mine") == "1"
    if mine_only:
        qs = qs.filter(author=current_user(request))
    ctx = staff_context(
        request,
        form=form,
        comments=list(qs),
        year=year,
        year_label=wareki(year),
        mine_only=mine_only,
        user_id=request.user.pk,
    )
    return render(request, "web/staff/comments.html", ctx, status=400 if form.errors else 200)


def _own_comment(request: HttpRequest, comment_id: int) -> db.CommitteeComment:
    c = get_object_or_404(db.CommitteeComment.objects.select_related("node__plan"), pk=comment_id)
    if c.author_id != request.user.pk:
        raise PermissionDenied(_("自分のコメントだけを編集できます。"))
    return c


@roles(PLANNING, COMMITTEE)
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Edit (POST ``text``) or delete (POST ``delete``) one's own comment."""
    c = _own_comment(request, comment_id)
    back = reverse("staff:comments") + f"?year={c.year}"
    if request.method == "POST":
        if "delete" in request.POST:
            c.delete()
            messages.success(request, _("コメントを削除しました。"))
            return redirect(back)
        form = CommentForm(request.POST)
        if form.is_valid():
            c.node = get_object_or_404(db.Node, pk=form.cleaned_data["node"])
            c.year = form.cleaned_data["year"]
            c.text = form.cleaned_data["text"]
            c.save()
            messages.success(request, _("コメントを更新しました。"))
            return redirect(reverse("staff:comments") + f"?year={c.year}")
    else:
        form = CommentForm(initial={"node": c.node_id, "year": c.year, "text": c.text})
    return render(
        request,
        "web/staff/comment_edit.html",
        staff_context(request, form=form, comment=c, back=back),
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------------------
# Plans and their stored audit

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


# ---------------------------------------------------------------------------
# Report downloads

REPORT_TYPES = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@roles(PLANNING, COMMITTEE)
def reports(request: HttpRequest) -> HttpResponseBase:
    """GET: the form (year, rule set, format). POST: evaluate the stored plans
    for the year (the evaluations are kept, as ``machikpi report`` does) and
    send the report as a download; an error is shown on the form."""
    from ...report_cli import DEFAULT_RULES, make_report, write_report
    from ...rulesets import load_ruleset, preset_names
    from ...storage.export import latest_actual_year

    rules = preset_names()
    years = sorted(
        set(db.ActualValue.objects.exclude(approved_raw=None).values_list("year", flat=True))
        | set(db.Evaluation.objects.values_list("year", flat=True)),
        reverse=True,
    )
    default_year = latest_actual_year() or cycle_year()
    if request.method == "POST":
        form = ReportForm(request.POST, rules=rules)
        if form.is_valid():
            year = form.cleaned_data["year"]
            fmt = form.cleaned_data["format"]
            rules_arg = form.cleaned_data["rules"]
            try:
                report = make_report(year, load_ruleset(rules_arg), rules_arg)
                with tempfile.TemporaryDirectory(prefix="machikpi-report-") as tmp:
                    path = Path(tmp) / f"machikpi-report-{year}.{fmt}"
                    write_report(report, path)
                    data = path.read_bytes()
            except (MachikpiError, OSError) as e:
                form.add_error(None, _("レポートを作成できませんでした: %(error)s") % {"error": e})
            else:
                import io

                response = FileResponse(
                    io.BytesIO(data),
                    as_attachment=True,
                    filename=f"machikpi-report-{year}-{rules_arg}.{fmt}",
                    content_type=REPORT_TYPES[fmt],
                )
                return response
    else:
        form = ReportForm(
            initial={"year": default_year, "rules": DEFAULT_RULES, "format": "html"}, rules=rules
        )
    ctx = staff_context(request, form=form, years=years)
    return render(request, "web/staff/reports.html", ctx, status=400 if form.errors else 200)


__all__ = [
    "StaffLoginView",
    "approvals",
    "audit",
    "comment_edit",
    "comments",
    "history",
    "lockout_response",
    "my_updates",
    "plans",
    "reports",
    "revert",
    "value",
]
