"""Report downloads: the evaluation report as HTML, XLSX or PDF (:mod:`machikpi.adapters.services.reports`)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from ....core.errors import MachikpiError
from ...storage import models as db
from .common import (
    cycle_year,
    staff_context,
)
from .forms import ReportForm
from .permissions import (
    COMMITTEE,
    PLANNING,
    roles,
)

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
    from ...rulesets import load_ruleset, preset_names
    from ...services.evaluation import DEFAULT_RULES
    from ...services.reports import make_report, report_bytes
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
                data = report_bytes(report, fmt)
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
