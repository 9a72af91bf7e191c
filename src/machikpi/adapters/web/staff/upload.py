"""``/staff/upload/``: the entry workbook (or CSV) uploaded, previewed, then committed all or nothing.

1. POST with a file: the file is kept in a private temporary folder
   (:data:`UPLOAD_ROOT`, mode 0700) under a random token; the session holds
   the token with the file's SHA-256, the options and the stored version
   of every value the file touches. The file is read and validated exactly
   as ``machikpi actuals import`` does (:mod:`machikpi.adapters.actual_entry`),
   plus one rule of the web: a department user may only enter values of
   its own department's indicators (another's is an error at its row).
   The preview lists every value (old → new, new / changed / unchanged),
   every error (sheet, row, column) and every warning. Nothing is stored.
2. POST ``confirm`` with the token: the file must be the same bytes, valid,
   and every value it touches must still have the version seen in the
   preview; then everything is stored in one transaction (``record_actual``
   with the previewed versions; drafts, or approved when a planning user
   chose so). If anything changed, nothing is stored and the new preview
   is shown. ``cancel`` forgets the upload.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ....core.errors import MachikpiError
from ...actual_entry import Checked, EntryFileError, Problem, read_table
from ...services.entries import record_entries, validate_stored
from ...storage import models as db
from ...storage.actuals import ActualConflict
from .common import refresh_evaluations, staff_context, username
from .forms import UploadForm
from .permissions import DEPARTMENT, PLANNING, department_of, role_of, roles

#: Where uploaded files wait between preview and confirm (one folder per upload).
UPLOAD_ROOT = Path(tempfile.gettempdir()) / "machikpi-uploads"
#: Uploads older than this are removed (seconds).
MAX_AGE = 24 * 3600
SESSION_KEY = "machikpi_uploads"
MAX_PENDING = 5


@dataclass
class Preview:
    """The checked file: display rows, problems, and ``versions`` (``"series:year"`` → stored version)."""

    name: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    checked: Checked | None = None

    @property
    def changes(self) -> int:
        """How many values the commit would create or change."""
        return sum(1 for r in self.rows if r["action"] != "same")


def _root() -> Path:
    UPLOAD_ROOT.mkdir(mode=0o700, parents=True, exist_ok=True)
    return UPLOAD_ROOT


def _cleanup_old() -> None:
    now = time.time()
    for d in _root().iterdir():
        try:
            if d.is_dir() and now - d.stat().st_mtime > MAX_AGE:
                shutil.rmtree(d, ignore_errors=True)
        except OSError:
            continue


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _inside_root(path: Path) -> bool:
    try:
        path.resolve().relative_to(_root().resolve())
    except ValueError:
        return False
    return True


def _forget(request: HttpRequest, token: str) -> None:
    pending = dict(request.session.get(SESSION_KEY, {}))
    entry = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if entry is not None:
        folder = Path(entry["dir"])
        if _inside_root(folder):
            shutil.rmtree(folder, ignore_errors=True)


def check_file(path: Path, name: str, *, user: Any, default_year: int | None, status: str) -> Preview:
    """Read and validate the entry file at ``path`` (shown as ``name``) for
    ``user`` and build the preview (module docstring). Stores nothing."""
    preview = Preview(name=name)
    try:
        table = read_table(path)
    except EntryFileError as e:
        preview.errors.append(Problem(name, None, None, None, str(e).replace(str(path), name)))
        return preview
    table.file = name
    checked = validate_stored(table, default_year=default_year)
    preview.checked = checked
    preview.errors.extend(checked.errors)
    preview.warnings.extend(checked.warnings)
    ids = {e.series_id for e in checked.entries}
    series = {
        s.pk: s
        for s in db.Series.objects.filter(pk__in=ids).select_related(
            "indicator__plan", "indicator__department"
        )
    }
    if role_of(user) == DEPARTMENT:
        dept = department_of(user)
        for entry in checked.entries:
            ind = series[entry.series_id].indicator
            if dept is None or ind.department_id != dept.pk:
                owner = ind.department.name if ind.department is not None else _("未割当")
                preview.errors.append(
                    Problem(
                        name,
                        table.sheet,
                        entry.row,
                        "ID",
                        _("「%(name)s」は %(owner)s の指標です。自分の課の指標だけを登録できます。")
                        % {"name": ind.name, "owner": owner},
                    )
                )
    stored = {
        (a.series_id, a.year): a
        for a in db.ActualValue.objects.filter(series_id__in=ids, year__in={e.year for e in checked.entries})
    }
    for entry in checked.entries:
        a = stored.get((entry.series_id, entry.year))
        if a is None:
            action = "new"
        elif (a.value, a.note) == (entry.value, entry.note) and a.status in (status, db.ActualValue.APPROVED):
            # the same value and note: unchanged (a published value given back as a draft stays published)
            action = "same"
        else:
            action = "change"
        preview.versions[f"{entry.series_id}:{entry.year}"] = a.version if a is not None else 0
        preview.rows.append(
            {
                "entry": entry,
                "series": series[entry.series_id],
                "old": a,
                "action": action,
            }
        )
    preview.errors.sort(key=lambda p: (p.row or 0, p.column or ""))
    return preview


@roles(PLANNING, DEPARTMENT)
def upload(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST with a file: the preview. POST ``confirm``
    (with ``token``): commit all or nothing. POST ``cancel``: forget it."""
    may_approve = role_of(request.user) == PLANNING
    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        if "cancel" in request.POST:
            _forget(request, token)
            messages.info(request, _("取り込みを取り消しました。何も登録していません。"))
            return redirect("staff:upload")
        return _confirm(request, token)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, may_approve=may_approve)
        if form.is_valid():
            return _preview_new(request, form, may_approve)
        return render(request, "web/staff/upload.html", staff_context(request, form=form), status=400)
    form = UploadForm(may_approve=may_approve)
    return render(request, "web/staff/upload.html", staff_context(request, form=form))


def _preview_new(request: HttpRequest, form: UploadForm, may_approve: bool) -> HttpResponse:
    _cleanup_old()
    upload = form.cleaned_data["file"]
    original = Path(str(upload.name)).name
    suffix = Path(original).suffix.lower()
    folder = Path(tempfile.mkdtemp(prefix="u-", dir=_root()))
    path = folder / f"entry{suffix}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    status = db.ActualValue.DRAFT
    if may_approve and form.cleaned_data.get("status") == db.ActualValue.APPROVED:
        status = db.ActualValue.APPROVED
    default_year = form.cleaned_data.get("year")
    preview = check_file(path, original, user=request.user, default_year=default_year, status=status)
    token = secrets.token_urlsafe(24)
    pending = dict(request.session.get(SESSION_KEY, {}))
    for old in sorted(pending, key=lambda t: pending[t]["created"])[: max(0, len(pending) - MAX_PENDING + 1)]:
        _forget(request, old)
        pending.pop(old, None)
    pending[token] = {
        "dir": str(folder),
        "file": str(path),
        "name": original,
        "sha256": _sha256(path),
        "year": default_year,
        "status": status,
        "versions": preview.versions,
        "user": request.user.pk,
        "created": time.time(),
    }
    request.session[SESSION_KEY] = pending
    return _render_preview(request, token, preview, status)


def _render_preview(
    request: HttpRequest, token: str, preview: Preview, status: str, *, changed: list[str] | None = None
) -> HttpResponse:
    ctx = staff_context(
        request,
        token=token,
        preview=preview,
        status=status,
        status_label=dict(db.ActualValue.STATUSES).get(status, status),
        changed=changed or [],
    )
    return render(request, "web/staff/upload_preview.html", ctx, status=400 if preview.errors else 200)


def _confirm(request: HttpRequest, token: str) -> HttpResponse:
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None or entry.get("user") != request.user.pk:
        messages.error(
            request,
            _(
                "この取り込みは見つかりません(期限切れか、別の画面で確定済みです)。ファイルをもう一度選んでください。"
            ),
        )
        return redirect("staff:upload")
    path = Path(entry["file"])
    if not _inside_root(path) or not path.exists() or _sha256(path) != entry["sha256"]:
        _forget(request, token)
        messages.error(
            request, _("取り込むファイルが確認の後に変わったか、なくなりました。何も登録していません。")
        )
        return redirect("staff:upload")
    status = entry["status"]
    preview = check_file(path, entry["name"], user=request.user, default_year=entry["year"], status=status)
    if preview.errors or preview.checked is None:
        return _render_preview(request, token, preview, status)
    seen: dict[str, int] = entry["versions"]
    changed = sorted(k for k in preview.versions if preview.versions.get(k) != seen.get(k))
    if changed or set(seen) != set(preview.versions):
        pending = dict(request.session[SESSION_KEY])
        pending[token] = {**entry, "versions": preview.versions}
        request.session[SESSION_KEY] = pending
        messages.warning(
            request,
            _(
                "確認の後に、ほかの人が %(n)s 件の値を変更しました。下の最新の内容を見直してから確定してください。何も登録していません。"
            )
            % {"n": len(changed)},
        )
        return _render_preview(request, token, preview, status, changed=changed)
    unchanged = {(r["entry"].series_id, r["entry"].year) for r in preview.rows if r["action"] == "same"}
    to_store = [e for e in preview.checked.entries if (e.series_id, e.year) not in unchanged]
    try:
        counts = record_entries(
            to_store,
            who=username(request),
            status=status,
            source=f"web upload: {entry['name']}",
            versions={(e.series_id, e.year): seen[f"{e.series_id}:{e.year}"] for e in to_store},
        )
    except ActualConflict:
        messages.error(
            request,
            _("登録していません(すべて取り消しました): 確認の後に、ほかの人が値を変更しました。"),
        )
        return _render_preview(request, token, preview, status)
    except MachikpiError as err:
        messages.error(request, _("登録していません(すべて取り消しました): %(error)s") % {"error": err})
        return _render_preview(request, token, preview, status)
    _forget(request, token)
    if status == db.ActualValue.APPROVED:
        entries = preview.checked.entries
        plan_of = dict(
            db.Series.objects.filter(pk__in={e.series_id for e in entries}).values_list(
                "pk", "indicator__plan_id"
            )
        )
        refresh_evaluations({(plan_of[e.series_id], e.year) for e in entries})
    messages.success(
        request,
        _("%(name)s を登録しました: 新規 %(new)s 件、変更 %(changed)s 件、変更なし %(same)s 件(%(status)s)。")
        % {
            "name": entry["name"],
            "new": counts["create"],
            "changed": counts["update"],
            "same": counts["same"] + len(unchanged),
            "status": dict(db.ActualValue.STATUSES).get(status, status),
        },
    )
    return redirect(reverse("staff:my_updates"))
