"""Entry per department (issue 12): each 担当課 downloads its own workbook, and
企画政策課 follows who has submitted against a due date.

* ``workbook`` (``/staff/workbook/?year=``): the entry workbook of the year
  with only the department's series (a planning user picks the department
  with ``?department=ID``), a 担当課 column, the earlier years' published
  values on the protected sheet 過去の実績, and of the year's stored values
  only the published one or a draft of the department's own staff (another
  person's draft is not handed out: that cell is empty, which an upload
  leaves as it is). It is uploaded back at ``/staff/upload/``.
* ``evaluate`` (``/staff/evaluate/``, planning): run the evaluation of a
  year under a preset rule set chosen by its Japanese title and source.
* ``rounds`` (``/staff/rounds/?year=``, planning): the due date of the year
  (:class:`~machikpi.adapters.storage.models.EntryRound`, set on the page)
  and per department the series, how many have a value of the year (draft,
  returned or approved), 提出済 when every one has, else 未提出, with the
  time of the latest entry and whether the due date has passed.
"""

from __future__ import annotations

import dataclasses
import io
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Count, Max
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...actual_entry import write_template
from ...storage import models as db
from ...storage.actuals import series_info
from .common import cycle_year, int_param, latest_fiscal_year, staff_context, username, wareki, year_param
from .permissions import DEPARTMENT, PLANNING, department_of, role_of, roles

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def department_workbook(department: db.Department, year: int, path: Path) -> int:
    """Write ``department``'s entry workbook of ``year`` to ``path`` (module docstring); the row count."""
    series_ids = set(
        db.Series.objects.filter(
            indicator__department=department, present=True, indicator__present=True
        ).values_list("id", flat=True)
    )
    infos = [i for i in series_info(year, include_missing=False) if i.series_id in series_ids]
    own_staff = set(
        get_user_model()
        .objects.filter(machikpi_profile__department=department)
        .values_list("username", flat=True)
    )
    stored = {a.series_id: a for a in db.ActualValue.objects.filter(series_id__in=series_ids, year=year)}
    shown = []
    for info in infos:
        a = stored.get(info.series_id)
        if a is not None and a.status != db.ActualValue.APPROVED and a.entered_by not in own_staff:
            # somebody else's draft is not handed out: the cell stays empty, and an
            # empty cell uploaded back changes nothing (the draft stays as it is)
            info = dataclasses.replace(info, current=None)
        shown.append(info)
    earlier: dict[int, dict[int, str]] = {}
    for sid, y, raw in db.Cell.objects.filter(
        series_id__in=series_ids, kind=db.Cell.ACTUAL, year__lt=year
    ).values_list("series_id", "year", "raw"):
        if y is not None and raw:
            earlier.setdefault(sid, {})[y] = raw
    for sid, y, published in db.ActualValue.objects.filter(
        series_id__in=series_ids, year__lt=year, approved_raw__isnull=False
    ).values_list("series_id", "year", "approved_raw"):
        if published:
            earlier.setdefault(sid, {})[y] = published  # a published entry over the printed value
    return write_template(
        shown, year, path, departments={i.series_id: department.name for i in shown}, earlier=earlier
    )


def _department_for(request: HttpRequest) -> db.Department | None:
    if role_of(request.user) == DEPARTMENT:
        return department_of(request.user)
    dept_id = int_param(request, "department")
    return db.Department.objects.filter(pk=dept_id).first() if dept_id is not None else None


@roles(PLANNING, DEPARTMENT)
def workbook(request: HttpRequest) -> HttpResponseBase:
    """The department's entry workbook of ``?year=`` (default the cycle year) as a download."""
    year = min(year_param(request, cycle_year()), latest_fiscal_year())
    dept = _department_for(request)
    if dept is None:
        if role_of(request.user) == DEPARTMENT:
            messages.error(request, _("担当課が設定されていません。企画政策課に連絡してください。"))
        else:
            messages.error(request, _("入力ファイルを作る担当課を選んでください。"))
        return redirect(reverse("staff:rounds") + f"?year={year}")
    with tempfile.TemporaryDirectory(prefix="machikpi-workbook-") as tmp:
        path = Path(tmp) / "entry.xlsx"
        department_workbook(dept, year, path)
        data = path.read_bytes()
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=f"実績入力-{dept.name}-{year}年度.xlsx",
        content_type=XLSX,
    )


class DueDateForm(forms.Form):
    """The due date of a year's entry round."""

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=1900, max_value=2200)
    due_date = forms.DateField(
        label=gettext_lazy("提出期限"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


@roles(PLANNING)
def rounds(request: HttpRequest) -> HttpResponse:
    """GET: the submissions of ``?year=`` per department against the due date.
    POST: set the due date of the year."""
    year = year_param(request, cycle_year())
    entry_round = db.EntryRound.objects.filter(year=year).first()
    if request.method == "POST":
        form = DueDateForm(request.POST)
        if form.is_valid():
            year = form.cleaned_data["year"]
            db.EntryRound.objects.update_or_create(
                year=year, defaults={"due_date": form.cleaned_data["due_date"], "set_by": username(request)}
            )
            messages.success(
                request,
                _("%(year)s の提出期限を %(date)s にしました。")
                % {"year": wareki(year), "date": form.cleaned_data["due_date"].strftime("%Y-%m-%d")},
            )
            return redirect(reverse("staff:rounds") + f"?year={year}")
    else:
        form = DueDateForm(
            initial={"year": year, "due_date": entry_round.due_date if entry_round is not None else None}
        )
    today = timezone.localdate()
    overdue = entry_round is not None and today > entry_round.due_date
    rows = []
    for dept in db.Department.objects.all():
        series = db.Series.objects.filter(indicator__department=dept, present=True, indicator__present=True)
        total = series.count()
        entered = db.ActualValue.objects.filter(series__in=series, year=year).exclude(raw="")
        done = entered.count()
        last = entered.aggregate(m=Max("updated_at"))["m"]
        submitted = total > 0 and done >= total
        rows.append(
            {
                "department": dept,
                "total": total,
                "done": done,
                "drafts": entered.filter(status=db.ActualValue.DRAFT).count(),
                "returned": entered.filter(status=db.ActualValue.RETURNED).count(),
                "approved": entered.filter(status=db.ActualValue.APPROVED).count(),
                "submitted": submitted,
                "late": overdue and not submitted,
                "last": last,
            }
        )
    ctx = staff_context(
        request,
        form=form,
        year=year,
        year_label=wareki(year),
        years=sorted({year - 1, year, year + 1, cycle_year()} & set(range(1900, latest_fiscal_year() + 2))),
        entry_round=entry_round,
        overdue=overdue,
        rows=rows,
    )
    return render(request, "web/staff/rounds.html", ctx, status=400 if form.errors else 200)


def round_of(year: int) -> db.EntryRound | None:
    """The entry round of ``year`` (its due date), if set."""
    return db.EntryRound.objects.filter(year=year).first()


# ---------------------------------------------------------------------------
# Running the evaluation of a year


class EvaluateForm(forms.Form):
    """The year and the rule set (shown by its Japanese title and source) of an evaluation run."""

    municipality = forms.ChoiceField(label=gettext_lazy("団体"), required=False)
    year = forms.IntegerField(label=gettext_lazy("評価年度"), min_value=1900, max_value=2200)
    rules = forms.ChoiceField(label=gettext_lazy("評価ルール"), widget=forms.RadioSelect)

    def __init__(
        self, *args: Any, choices: list[tuple[str, str]], municipalities: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rules"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        owner = self.fields["municipality"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = municipalities


def ruleset_choices() -> list[tuple[str, str]]:
    """Every preset rule set as ``(name, "title — source")`` (:func:`describe_ruleset`)."""
    from ....core.evaluation.describe import describe_ruleset
    from ...rulesets import load_ruleset, preset_names

    out = []
    for name in preset_names():
        d = describe_ruleset(load_ruleset(name))
        out.append((name, f"{d.title}({d.source})" if d.source else d.title))
    return out


@roles(PLANNING)
def evaluate(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: evaluate every stored series of the chosen municipality's plans
    (left out: the only one stored) for the year under the chosen rule set and store the
    evaluations (the public grades follow)."""
    from ....core.evaluation.describe import describe_ruleset
    from ...rulesets import load_ruleset
    from ...services.evaluation import DEFAULT_RULES, evaluate_year
    from ...storage.municipalities import MunicipalityChoiceError, choose_owner, owner_docs, owner_label
    from .reports import owner_choices, owner_of

    choices = ruleset_choices()
    owners = owner_choices()
    if request.method == "POST":
        form = EvaluateForm(request.POST, choices=choices, municipalities=owners)
        if form.is_valid():
            year, rules = form.cleaned_data["year"], form.cleaned_data["rules"]
            ruleset = load_ruleset(rules)
            value = form.cleaned_data["municipality"]
            try:
                owner = owner_of(value) if value else choose_owner(None)
            except MunicipalityChoiceError as e:
                form.add_error("municipality", str(e))
            else:
                docs = owner_docs(owner)
                result = evaluate_year(year, ruleset, docs=docs) if docs else None
                # (the evaluation objects alone: building the KPI rows would read the plans again)
                evaluations = result.evaluations if result is not None else []
                graded = sum(1 for e in evaluations if e.get("grade"))
                messages.success(
                    request,
                    _(
                        "%(owner)s の %(year)s を「%(rules)s」で評価しました: %(n)s 系列(うち評価できたもの %(graded)s)。"
                    )
                    % {
                        "owner": owner_label(owner),
                        "year": wareki(year),
                        "rules": describe_ruleset(ruleset).title,
                        "n": len(evaluations),
                        "graded": graded,
                    },
                )
                return redirect(reverse("staff:evaluate") + f"?year={year}")
    else:
        form = EvaluateForm(
            initial={
                "year": year_param(request, cycle_year()),
                "rules": DEFAULT_RULES,
                "municipality": owners[0][0] if owners else "",
            },
            choices=choices,
            municipalities=owners,
        )
    done = (
        db.Evaluation.objects.values("year", "rules")
        .annotate(n=Count("id"), at=Max("evaluated_at"))
        .order_by("-year", "rules")
    )
    labels = dict(choices)
    ctx = staff_context(
        request,
        form=form,
        done=[{**d, "label": labels.get(d["rules"], d["rules"])} for d in done],
    )
    return render(request, "web/staff/evaluate.html", ctx, status=400 if form.errors else 200)
