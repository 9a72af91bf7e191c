"""``my_updates``: the series the user reports for the cycle year, with what is missing;
``value``: the entry form of one value (validation as the entry workbook; note required when the
grade falls; optimistic locking with a conflict page that shows the other person's value)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ...actual_entry import MIN_YEAR, impossible, outlier, year_window
from ...services.grading import check_grade
from ...storage import models as db
from ...storage.actuals import (
    ActualConflict,
    record_actual,
)
from ...storage.tree import node_chain
from .common import (
    SOURCE_WEB,
    cycle_year,
    int_param,
    latest_fiscal_year,
    safe_next,
    staff_context,
    username,
    wareki,
    year_param,
)
from .forms import ValueForm
from .permissions import (
    ALL_ROLES,
    DEPARTMENT,
    PLANNING,
    can_enter,
    check_enter,
    department_of,
    role_of,
    roles,
    series_scope,
)


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
