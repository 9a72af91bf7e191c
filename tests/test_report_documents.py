"""Report documents kept per (municipality, year, rule set, format, data version), built by the
task runner's worker (a thread of the server process, or batch mode here)."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from tests.storage_db import database_url, db, hand_plan

__all__ = ["database_url", "db"]


def _stored() -> int:
    """The hand-made plan stored for テスト町 with one approved FY2023 value; returns its series id."""
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import record_actual
    from machikpi.adapters.storage.plans import store_plan

    town = m.Municipality.objects.create(name="テスト町")
    store_plan(hand_plan(), municipality=town)
    sid = m.Series.objects.filter(indicator__name="新規就農者数").values_list("id", flat=True).get()
    with transaction.atomic():
        record_actual(sid, 2023, value=16.0, raw="16", note="", who="test", status="approved")
    return sid


@pytest.mark.db
def test_data_version_changes_with_each_kind_of_data(db: str) -> None:
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import approve_actual, record_actual
    from machikpi.adapters.storage.documents import data_version
    from machikpi.adapters.storage.plans import store_plan

    sid = _stored()
    town = m.Municipality.objects.get()
    other = m.Municipality.objects.create(name="ほか市")
    store_plan(hand_plan("other.txt"), municipality=other)
    seen = [data_version(town)]

    def changed() -> None:
        v = data_version(town)
        assert v not in seen
        seen.append(v)

    assert data_version(town) == seen[0]  # nothing changed: the same version
    with transaction.atomic():
        record_actual(sid, 2023, value=17.0, raw="17", note="", who="test", status="draft")
    changed()
    with transaction.atomic():
        approve_actual(m.ActualValue.objects.get(series_id=sid).pk, "boss")
    changed()
    node = m.Node.objects.filter(plan__municipality=town).first()
    assert node is not None
    m.CommitteeComment.objects.create(node=node, year=2023, author_name="委員", text="意見")
    changed()
    dept = m.Department.objects.create(name="農政課")
    m.Indicator.objects.filter(plan__municipality=town, name="新規就農者数").update(department=dept)
    changed()
    store_plan(hand_plan(drop=True), municipality=town)
    changed()
    # another municipality's change leaves this one's version alone
    other_sid = m.Series.objects.filter(indicator__plan__municipality=other).values_list("id", flat=True)[0]
    with transaction.atomic():
        record_actual(other_sid, 2023, value=1.0, raw="1", note="", who="test", status="approved")
    assert data_version(town) == seen[-1]


@pytest.mark.db
def test_the_worker_thread_builds_a_queued_document(db: str) -> None:
    from machikpi.adapters.services.documents import request_document, start_worker_thread
    from machikpi.adapters.storage import models as m

    _stored()
    town = m.Municipality.objects.get()
    doc, queued = request_document(town, 2023, "baseline-band", "html", who="test")
    assert queued and doc.status == "queued"
    worker = start_worker_thread(interval=0.05)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            doc.refresh_from_db()
            if doc.status in ("done", "failed"):
                break
            time.sleep(0.1)
    finally:
        worker.stop()
    assert not worker.thread.is_alive()
    assert doc.status == "done", doc.error
    assert doc.content is not None and "テスト町 効果検証報告書" in bytes(doc.content).decode()
    again, queued = request_document(town, 2023, "baseline-band", "html")
    assert (again.pk, queued) == (doc.pk, False)
    # another format or year is another document
    assert request_document(town, 2023, "baseline-band", "xlsx")[1]
    assert request_document(town, 2022, "baseline-band", "html")[1]
