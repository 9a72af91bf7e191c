"""Report documents: request one (municipality, year, rule set, format), watch it being
built in the background, download it (:mod:`machikpi.adapters.services.documents`).

``GET /staff/reports/``: the form and the latest documents. ``POST``: the
document of the data as it is now — one already built is served at once
(redirect to its download), else it is queued and the browser goes to its
page, whose script (``static/machikpi/report-progress.js``, a file of the
site as the Content-Security-Policy requires) asks the status every
:data:`REFRESH_SECONDS` seconds, shows the progress and reloads the page when
the document is done; without script, a link reloads it (no ``<meta refresh>``,
which a screen reader user cannot stop). ``GET /staff/reports/ID/status.json``
gives the same progress as JSON (``{"status", "status_label", "progress",
"step", "error", "download"}``) for a page or a script that polls.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ....core.errors import MachikpiError
from ...storage import models as db
from .common import cycle_year, staff_context, username
from .forms import ReportForm
from .permissions import COMMITTEE, PLANNING, roles

#: Seconds between two status requests of the page of a document being built.
REFRESH_SECONDS = 2
#: How many of the latest documents the reports page lists.
LATEST = 10


def owner_choices() -> list[tuple[str, str]]:
    """The owners of stored plans as form choices: ``(id, "福井県鯖江市（182079）")``, and
    ``("none", "団体未設定の計画")`` when some plan has no municipality."""
    from ...storage.municipalities import owners

    return [
        (str(m.pk), f"{m.label}（{m.code}）" if m.code else m.label)
        if m is not None
        else ("none", _("団体未設定の計画"))
        for m in owners()
    ]


def owner_of(value: str) -> db.Municipality | None:
    """The owner of a choice of :func:`owner_choices` (``"none"``: ``None``)."""
    return None if value == "none" else db.Municipality.objects.get(pk=int(value))


@roles(PLANNING, COMMITTEE)
def reports(request: HttpRequest) -> HttpResponseBase:
    """GET: the form and the latest documents. POST: request the document (module docstring);
    an error is shown on the form."""
    from ...rulesets import preset_names
    from ...services.documents import request_document
    from ...services.evaluation import DEFAULT_RULES
    from ...storage.export import latest_actual_year

    rules = preset_names()
    owners = owner_choices()
    years = sorted(
        set(db.ActualValue.objects.exclude(approved_raw=None).values_list("year", flat=True))
        | set(db.Evaluation.objects.values_list("year", flat=True)),
        reverse=True,
    )
    default_year = latest_actual_year() or cycle_year()
    if request.method == "POST":
        form = ReportForm(request.POST, rules=rules, municipalities=owners)
        if form.is_valid():
            try:
                doc, _queued = request_document(
                    owner_of(form.cleaned_data["municipality"]),
                    form.cleaned_data["year"],
                    form.cleaned_data["rules"],
                    form.cleaned_data["format"],
                    who=username(request),
                )
            except (MachikpiError, OSError) as e:
                form.add_error(None, _("レポートを作成できませんでした: %(error)s") % {"error": e})
            else:
                if doc.status == db.ReportDocument.DONE:
                    return redirect("staff:report_download", document_id=doc.pk)
                return redirect("staff:report_document", document_id=doc.pk)
    else:
        initial = {"year": default_year, "rules": DEFAULT_RULES, "format": "html"}
        if owners:
            initial["municipality"] = owners[0][0]
        form = ReportForm(initial=initial, rules=rules, municipalities=owners)
    latest = db.ReportDocument.objects.select_related("municipality").defer("content")[:LATEST]
    ctx = staff_context(request, form=form, years=years, documents=latest)
    return render(request, "web/staff/reports.html", ctx, status=400 if form.errors else 200)


def _filename(doc: db.ReportDocument) -> str:
    owner = doc.municipality.code or doc.municipality.pk if doc.municipality else "none"
    return f"machikpi-report-{owner}-{doc.year}-{doc.rules}.{doc.format}"


@roles(PLANNING, COMMITTEE)
def document(request: HttpRequest, document_id: int) -> HttpResponseBase:
    """The page of one document: its progress while it is built (asked by its script), then the
    download link; a failed document shows its error."""
    doc = get_object_or_404(
        db.ReportDocument.objects.select_related("municipality").defer("content"), pk=document_id
    )
    building = doc.status in (db.ReportDocument.QUEUED, db.ReportDocument.RUNNING)
    ctx = staff_context(request, doc=doc, building=building, refresh=REFRESH_SECONDS, filename=_filename(doc))
    return render(request, "web/staff/report_document.html", ctx)


@roles(PLANNING, COMMITTEE)
def document_status(request: HttpRequest, document_id: int) -> HttpResponseBase:
    """The document's progress as JSON (module docstring)."""
    doc = get_object_or_404(db.ReportDocument.objects.defer("content"), pk=document_id)
    done = doc.status == db.ReportDocument.DONE
    return JsonResponse(
        {
            "status": doc.status,
            "status_label": doc.status_label,
            "progress": doc.progress,
            "step": doc.step,
            "error": doc.error,
            "download": reverse("staff:report_download", args=[doc.pk]) if done else None,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@roles(PLANNING, COMMITTEE)
def download(request: HttpRequest, document_id: int) -> HttpResponseBase:
    """The kept bytes of a done document as a download; a document not done yet: its page."""
    import io

    from ...services.documents import MEDIA_TYPES

    doc = get_object_or_404(db.ReportDocument.objects.select_related("municipality"), pk=document_id)
    if doc.status != db.ReportDocument.DONE or doc.content is None:
        return redirect("staff:report_document", document_id=doc.pk)
    return FileResponse(
        io.BytesIO(bytes(doc.content)),
        as_attachment=True,
        filename=_filename(doc),
        content_type=MEDIA_TYPES[doc.format],
    )
