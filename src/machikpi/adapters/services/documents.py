"""Report documents built in the background and kept (issue 10, item 4).

:func:`request_document` is what the staff reports page calls: it looks up
the document of (municipality, year, rule set, format, data version —
:func:`..storage.documents.data_version`). A document already built for
unchanged data is returned done, to be served at once; otherwise a new one
is queued and :func:`build_report_document` builds it in the background,
recording its progress (0–100 and the step in Japanese) for the page to show.
A change of any of the municipality's data makes a new version and so a new
document; the older documents of the same municipality, year, rule set and
format are deleted once the new one is done.

The task runner is the backport of Django 6's tasks framework
(``django-tasks``) with its database backend (``django-tasks-db``): the
queue is a table in machikpi's own database, so SQLite needs no extra
server, and ``machikpi serve`` runs a worker in a thread of its own process
(:func:`start_worker_thread`); with PostgreSQL and several server processes,
``machikpi worker`` runs workers apart. Tests run the real worker in batch
mode (:func:`run_pending`).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from ...core.errors import MachikpiError
from ..storage import models as db
from ..storage.documents import data_version, document_key, set_progress

if TYPE_CHECKING:
    from django_tasks_db.management.commands.db_worker import Worker

#: File suffix → media type of a document download.
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def request_document(
    owner: db.Municipality | None, year: int, rules_arg: str, fmt: str, *, who: str = ""
) -> tuple[db.ReportDocument, bool]:
    """The kept document of ``owner``'s report for ``year`` under the rule set ``rules_arg``
    in format ``fmt`` (``html``, ``pdf``, ``xlsx``) for the data as it is now, and
    whether it was queued by this call (``False``: found, done or still being built).

    A document that failed before is queued again. Raises :class:`MachikpiError`
    for a rule set that cannot be loaded, ``ValueError`` for an unknown format."""
    from ..rulesets import load_ruleset, ruleset_text

    if fmt not in MEDIA_TYPES:
        raise ValueError(f"unknown report format {fmt!r}")
    ruleset = load_ruleset(rules_arg)
    version = data_version(owner)
    key = document_key(owner, year, ruleset.name, ruleset_text(rules_arg), fmt, version)
    with transaction.atomic():
        doc = db.ReportDocument.objects.filter(key=key).first()
        if doc is not None and doc.status != db.ReportDocument.FAILED:
            return doc, False
        if doc is None:
            try:
                with transaction.atomic():
                    doc = db.ReportDocument.objects.create(
                        key=key,
                        municipality=owner,
                        year=year,
                        rules=rules_arg,
                        format=fmt,
                        data_version=version,
                        requested_by=who,
                    )
            except IntegrityError:  # somebody asked for the same document at the same moment
                return db.ReportDocument.objects.get(key=key), False
        else:
            doc.status, doc.progress, doc.step, doc.error = db.ReportDocument.QUEUED, 0, "", ""
            doc.save(update_fields=["status", "progress", "step", "error"])
        pk = doc.pk
        transaction.on_commit(lambda: build_report_document.enqueue(pk))
    return doc, True


@task()
def build_report_document(document_id: int) -> None:
    """Build the queued document ``document_id``: evaluate the municipality's plans for its
    year (the evaluations are saved, as ``machikpi report`` does), render the document and
    keep its bytes. A :class:`MachikpiError` or ``OSError`` leaves the document ``failed``
    with the reason in Japanese; any other error too, and is raised again for the task runner."""
    from ..rulesets import load_ruleset
    from .reports import make_report, report_bytes

    doc = db.ReportDocument.objects.select_related("municipality").get(pk=document_id)
    if doc.status == db.ReportDocument.DONE:
        return
    set_progress(doc.pk, 5, "作成を始めました")
    try:
        report = make_report(
            doc.year,
            load_ruleset(doc.rules),
            doc.rules,
            municipality=doc.municipality,
            progress=lambda percent, step: set_progress(doc.pk, percent, step),
        )
        set_progress(doc.pk, 70, f"{doc.format.upper()} を作成しています")
        data = report_bytes(report, doc.format)
    except (MachikpiError, OSError) as e:
        _failed(doc, f"レポートを作成できませんでした: {e}")
        return
    except Exception as e:
        _failed(doc, f"レポートを作成できませんでした（内部エラー: {type(e).__name__}）")
        raise
    with transaction.atomic():
        db.ReportDocument.objects.filter(pk=doc.pk).update(
            status=db.ReportDocument.DONE,
            progress=100,
            step="完了",
            content=data,
            size=len(data),
            finished_at=timezone.now(),
        )
        db.ReportDocument.objects.filter(
            municipality=doc.municipality, year=doc.year, rules=doc.rules, format=doc.format
        ).exclude(pk=doc.pk).exclude(
            status__in=[db.ReportDocument.QUEUED, db.ReportDocument.RUNNING]
        ).delete()


def _failed(doc: db.ReportDocument, message: str) -> None:
    db.ReportDocument.objects.filter(pk=doc.pk).update(
        status=db.ReportDocument.FAILED, step="失敗", error=message, finished_at=timezone.now()
    )


def _worker(*, batch: bool, interval: float = 1.0) -> Worker:
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"machikpi-{threading.get_ident()}",
        excluded_queue_names=[],
    )


def run_pending() -> None:
    """Run every queued task in this thread, then return (the real worker, batch mode)."""
    w = _worker(batch=True, interval=0)
    w.run()


class WorkerThread:
    """The background worker running in a daemon thread of this process (:func:`start_worker_thread`)."""

    def __init__(self, interval: float) -> None:
        self.worker = _worker(batch=False, interval=interval)
        self.thread = threading.Thread(target=self.worker.run, name="machikpi-worker", daemon=True)

    def stop(self, timeout: float = 30.0) -> None:
        """Let the worker finish its current document, then end the thread."""
        self.worker.running = False
        self.thread.join(timeout)


def start_worker_thread(interval: float = 1.0) -> WorkerThread:
    """Start the background worker in a daemon thread of this process (``machikpi serve``):
    it polls the queue table every ``interval`` seconds while the process lives."""
    w = WorkerThread(interval)
    w.thread.start()
    return w


def run_worker(interval: float = 1.0) -> None:
    """Run the worker in the foreground until interrupted (``machikpi worker``)."""
    w = _worker(batch=False, interval=interval)
    try:
        w.run()
    except KeyboardInterrupt:
        return
