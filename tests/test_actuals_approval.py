"""Drafts, approval, revert and conflicts of actual values; the audit stored with an imported plan.

The published (approved) value is what evaluations and the public read; a
draft over an approved value leaves the approved one published until it is
approved (issue 4: "only approved values are public"). Run on SQLite and
PostgreSQL (tests/storage_db.py).
"""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from machikpi.adapters.cli import main
from machikpi.samples import SEEDS_DIR
from tests.storage_db import database_url, db, hand_plan

__all__ = ["database_url", "db"]

pytestmark = pytest.mark.db

SEED_003 = SEEDS_DIR / "003_06b39d270299f45c.txt"


def _farm_series() -> int:
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.plans import store_plan

    store_plan(hand_plan())
    return m.Series.objects.get(indicator__name="新規就農者数").pk


def _record(sid: int, value: float, *, status: str, who: str = "dept", version: int | None = None) -> None:
    from machikpi.adapters.storage.actuals import record_actual

    with transaction.atomic():
        record_actual(
            sid,
            2024,
            value=value,
            raw=f"{value:g}人",
            note="",
            who=who,
            status=status,
            expected_version=version,
        )


def _published(sid: int) -> dict[int, float | None]:
    from machikpi.adapters.storage.export import stored_rows

    rows = stored_rows()
    row = rows.rows[rows.series_ids.index(sid)]
    return {a["year"]: a["value"] for a in row.get("actuals", [])}


def test_a_draft_is_not_published_until_approved(db):
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import approve_actual

    sid = _farm_series()
    _record(sid, 14, status="approved", who="planning")
    assert _published(sid) == {2024: 14}
    _record(sid, 15, status="draft")
    actual = m.ActualValue.objects.get(series_id=sid)
    # the working value is the draft; the public still sees the approved 14
    assert (actual.value, actual.status, actual.approved_value) == (15, "draft", 14)
    assert _published(sid) == {2024: 14}
    with transaction.atomic():
        assert approve_actual(actual.pk, "planning") is True
        assert approve_actual(actual.pk, "planning") is False  # already approved: nothing written
    assert _published(sid) == {2024: 15}
    actions = list(m.ActualChange.objects.order_by("id").values_list("action", "who"))
    assert actions == [("create", "planning"), ("update", "dept"), ("approve", "planning")]


def test_revert_restores_the_old_value_and_is_itself_recorded(db):
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import RevertError, approve_actual, revert_change

    sid = _farm_series()
    _record(sid, 14, status="approved", who="planning")
    _record(sid, 18, status="approved", who="planning")
    latest = m.ActualChange.objects.order_by("-id").first()
    assert latest is not None and (latest.old_value, latest.new_value) == (14, 18)
    with transaction.atomic():
        revert = revert_change(latest.pk, "planning")
    actual = m.ActualValue.objects.get(series_id=sid)
    assert (actual.value, actual.raw, actual.status) == (14, "14人", "approved")
    assert _published(sid) == {2024: 14}
    assert (revert.action, revert.reverts_id, revert.old_value, revert.new_value) == (
        "revert",
        latest.pk,
        18,
        14,
    )
    # an older change can no longer be reverted on its own (it would undo the revert silently)
    first = m.ActualChange.objects.order_by("id").first()
    assert first is not None
    with pytest.raises(RevertError), transaction.atomic():
        revert_change(first.pk, "planning")
    # an approval is not reverted on its own, but reverting the change it approved undoes both
    _record(sid, 20, status="draft")
    draft = m.ActualChange.objects.order_by("-id").first()
    with transaction.atomic():
        approve_actual(actual.pk, "planning")
    assert _published(sid) == {2024: 20}
    approval = m.ActualChange.objects.order_by("-id").first()
    assert draft is not None and approval is not None and approval.action == "approve"
    with pytest.raises(RevertError), transaction.atomic():
        revert_change(approval.pk, "planning")
    with transaction.atomic():
        revert_change(draft.pk, "planning")
    actual.refresh_from_db()
    assert (actual.value, actual.status, actual.approved_value) == (14, "approved", 14)
    assert _published(sid) == {2024: 14}


def test_reverting_an_approved_correction_of_a_draft_unpublishes_it(db):
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import approve_actual, revert_change

    sid = _farm_series()
    _record(sid, 14, status="draft")  # never approved
    _record(sid, 18, status="draft")
    correction = m.ActualChange.objects.order_by("-id").first()
    actual = m.ActualValue.objects.get(series_id=sid)
    with transaction.atomic():
        approve_actual(actual.pk, "planning")
    assert _published(sid) == {2024: 18}
    assert correction is not None
    with transaction.atomic():
        revert_change(correction.pk, "planning")
    actual.refresh_from_db()
    # back to the first draft; 18 is no longer public and nothing else was ever approved
    assert (actual.value, actual.status, actual.approved_raw) == (14, "draft", None)
    assert _published(sid) == {}


def test_reverting_a_first_entry_leaves_nothing_published(db):
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import revert_change

    sid = _farm_series()
    _record(sid, 14, status="approved", who="planning")
    created = m.ActualChange.objects.get()
    with transaction.atomic():
        revert_change(created.pk, "planning")
    actual = m.ActualValue.objects.get(series_id=sid)
    assert (actual.value, actual.raw, actual.status, actual.approved_raw) == (None, "", "draft", None)
    assert _published(sid) == {}
    assert m.ActualChange.objects.count() == 2


def test_the_second_of_two_concurrent_writes_gets_a_conflict(db):
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import ActualConflict

    sid = _farm_series()
    # both people open the empty value (version 0); the first save wins, the second is told
    _record(sid, 14, status="draft", who="alice", version=0)
    with pytest.raises(ActualConflict) as caught:
        _record(sid, 15, status="draft", who="bob", version=0)
    value, raw, _note, status, version, who = caught.value.current
    assert (value, raw, status, version, who) == (14, "14人", "draft", 1, "alice")
    assert m.ActualValue.objects.get(series_id=sid).value == 14
    # bob saw alice's value (version 1) and saves knowingly: both writes are in the history
    _record(sid, 15, status="draft", who="bob", version=1)
    history = list(m.ActualChange.objects.order_by("id").values_list("who", "old_value", "new_value"))
    assert history == [("alice", None, 14), ("bob", 14, 15)]
    assert m.ActualValue.objects.get(series_id=sid).version == 2


def test_import_stores_the_audit_and_audit_reads_it_by_plan_name(db, capsys):
    from machikpi.adapters.storage import models as m

    assert main(["import", str(SEED_003), "--database", db]) == 0
    plan = m.Plan.objects.get()
    assert plan.audited_at is not None
    # seed 003 line 619: 災害図上訓練年間実施回数, target printed "50" without the 回 of its other cells
    unit_missing = [f for f in plan.audit_findings if f["check"] == "unit-missing"]
    assert [(f["line"], f["indicator"]) for f in unit_missing] == [(619, "災害図上訓練年間実施回数")]
    capsys.readouterr()
    assert (
        main(["audit", SEED_003.name, "--database", db, "--format", "json", "--check", "unit-missing"]) == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert [(f["doc"], f["line"]) for f in report[0]["findings"]] == [(SEED_003.name, 619)]
    # the stored audit is the document's audit
    capsys.readouterr()
    assert main(["audit", str(SEED_003), "--format", "json"]) == 0
    direct = json.loads(capsys.readouterr().out)[0]["findings"]
    assert direct == plan.audit_findings


def test_audit_of_an_unknown_plan_names_it(db, capsys):
    assert main(["audit", "no-such-plan.txt", "--database", db]) == 2
    assert "no-such-plan.txt" in capsys.readouterr().err
