"""効果検証 (issue 12, item 1): the departments' 取組の成果と課題 / 今後の方向性 / 内部評価 and the
committee's 外部評価 — who may write, approval before anything is public or in a report,
the history of changes, the committee's name instead of a login name.

Data: the staff fixture of tests/test_web_staff.py (seed 003 with the demo actuals and staff).
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.db import transaction

from tests.storage_db import database_url, db
from tests.test_web_staff import client_for, fast_passwords, staff

__all__ = ["database_url", "db", "fast_passwords", "staff"]

pytestmark = pytest.mark.db

YEAR = 2025
APPROVED_TEXT = "就農相談会を年4回開き、新規就農者は目標を上回った。課題は定着支援。"
DRAFT_TEXT = "まだ承認されていない書きかけの成果"
EXTERNAL_TEXT = "雇用の創出は順調だが、若年層の定着に向けた施策の強化を求める。"
COMMITTEE = "伊勢崎市総合戦略推進会議"


def user(name: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def indicator_of(department: str) -> Any:
    from machikpi.adapters.storage import models as m

    ind = m.Indicator.objects.filter(department__name=department, present=True).order_by("id").first()
    assert ind is not None, department
    return ind


def write(
    who: str, *, submit: bool, text: str = APPROVED_TEXT, version: int | None = None, **key: Any
) -> Any:
    from machikpi.adapters.services import review

    direction = review.direction_choices()[0]
    with transaction.atomic():
        return review.save_review(
            user(who),
            year=YEAR,
            results=text,
            direction_id=direction.pk,
            internal="A 順調",
            expected_version=version,
            submit=submit,
            **key,
        )


def approve(entry: Any) -> bool:
    from machikpi.adapters.services import review

    with transaction.atomic():
        return review.approve_review(user("kikaku"), entry.pk, expected_version=None)


def test_only_the_owning_department_writes_and_planning_approves(staff: Any) -> None:
    from machikpi.adapters.services import review

    ind = indicator_of("産業振興課")
    for who in ("kosodate", "kikaku", "iinkai"):  # another department, planning, the committee
        with pytest.raises(review.ReviewPermissionError):
            write(who, submit=True, indicator_id=ind.pk)
    entry = write("sangyo", submit=True, indicator_id=ind.pk)
    assert entry.status == "submitted"
    # a department cannot approve its own review
    with pytest.raises(review.ReviewPermissionError), transaction.atomic():
        review.approve_review(user("sangyo"), entry.pk)
    # a measure: written by a department owning one of its indicators, not by another
    write("sangyo", submit=False, node_id=ind.node_id)
    with pytest.raises(review.ReviewPermissionError):
        write("kosodate", submit=False, node_id=ind.node_id)


def test_a_review_is_in_the_report_only_after_approval_and_its_history_is_kept(staff: Any) -> None:
    from machikpi.adapters.reports.stored import stored_reviews
    from machikpi.adapters.storage import models as m

    ind = indicator_of("産業振興課")
    entry = write("sangyo", submit=True, indicator_id=ind.pk)
    assert stored_reviews(YEAR).indicators == {}  # submitted, not approved: nothing shown
    assert approve(entry)
    shown = list(stored_reviews(YEAR).indicators.values())
    assert [(r.results, r.direction, r.internal) for r in shown] == [(APPROVED_TEXT, "拡充", "A 順調")]
    # a new draft leaves the approved text published until approved
    entry.refresh_from_db()
    write("sangyo", submit=False, text=DRAFT_TEXT, indicator_id=ind.pk, version=entry.version)
    assert [r.results for r in stored_reviews(YEAR).indicators.values()] == [APPROVED_TEXT]
    history = list(m.ReviewChange.objects.filter(entry=entry).order_by("id"))
    assert [(c.action, c.who, c.old_status, c.new_status) for c in history] == [
        ("submit", "sangyo", None, "submitted"),
        ("approve", "kikaku", "submitted", "approved"),
        ("update", "sangyo", "approved", "draft"),
    ]
    assert history[-1].old["results"] == APPROVED_TEXT and history[-1].new["results"] == DRAFT_TEXT


def test_a_stale_save_conflicts_and_a_return_needs_a_reason(staff: Any) -> None:
    from machikpi.adapters.services import review

    ind = indicator_of("産業振興課")
    entry = write("sangyo", submit=True, indicator_id=ind.pk)
    with pytest.raises(review.ReviewConflict):
        write(
            "sangyo", submit=True, text="古い画面からの保存", indicator_id=ind.pk, version=entry.version - 1
        )
    with pytest.raises(review.ReviewError), transaction.atomic():
        review.return_review(user("kikaku"), entry.pk, reason="  ")
    with transaction.atomic():
        assert review.return_review(user("kikaku"), entry.pk, reason="数値の根拠を書いてください")
    entry.refresh_from_db()
    assert entry.status == "returned" and not entry.published
    assert review.latest_review_returns([entry.pk])[entry.pk].note == "数値の根拠を書いてください"
    assert not approve(entry)  # only a submitted review is approved


def test_the_external_review_is_public_after_approval_under_the_committee_name(staff: Any) -> None:
    from machikpi.adapters.services import review

    ind = indicator_of("産業振興課")
    with pytest.raises(review.ReviewPermissionError), transaction.atomic():
        review.save_external(user("sangyo"), node_id=ind.node_id, year=YEAR, text=EXTERNAL_TEXT)
    with transaction.atomic():
        review.set_committee_name(user("kikaku"), COMMITTEE)
        ext = review.save_external(user("iinkai"), node_id=ind.node_id, year=YEAR, text=EXTERNAL_TEXT)
    page = f"/nodes/{ind.node_id}/"
    before = client_for(None).get(page).content.decode()
    assert EXTERNAL_TEXT not in before
    with transaction.atomic():
        assert review.approve_external(user("kikaku"), ext.pk, expected_version=ext.version)
    after = client_for(None).get(page).content.decode()
    section = after[after.index('id="external-heading"') :]
    assert EXTERNAL_TEXT in section and COMMITTEE in section
    assert "iinkai" not in after


def test_the_approved_review_is_in_html_and_xlsx_and_a_draft_is_not(staff: Any) -> None:
    from openpyxl import load_workbook

    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.services import review
    from machikpi.adapters.services.reports import make_report, report_bytes

    ind = indicator_of("産業振興課")
    approve(write("sangyo", submit=True, indicator_id=ind.pk))
    write("sangyo", submit=True, text=DRAFT_TEXT, node_id=ind.node_id)  # submitted, never approved
    with transaction.atomic():
        review.set_committee_name(user("kikaku"), COMMITTEE)
        ext = review.save_external(user("iinkai"), node_id=ind.node_id, year=YEAR, text=EXTERNAL_TEXT)
        review.approve_external(user("kikaku"), ext.pk)
    report = make_report(YEAR, load_ruleset("baseline-band"), "baseline-band")
    html = report_bytes(report, "html").decode()
    assert APPROVED_TEXT in html and DRAFT_TEXT not in html
    assert re.search(rf"<blockquote class=\"external\">.*?{EXTERNAL_TEXT}.*?— {COMMITTEE}", html, re.S)
    wb = load_workbook(io.BytesIO(report_bytes(report, "xlsx")))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert APPROVED_TEXT in cells and DRAFT_TEXT not in cells and EXTERNAL_TEXT in cells
    for ws in wb.worksheets[1:-1]:  # goal sheets: the review columns after 備考
        header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "施策")
        assert list(header[-5:]) == ["備考", "取組の成果と課題", "今後の方向性", "内部評価", "SDGs"], ws.title
    row = next(
        r for ws in wb.worksheets for r in ws.iter_rows(values_only=True) if APPROVED_TEXT in r and r[2]
    )
    assert row[-3:-1] == ("拡充", "A 順調")  # then the SDGs column


def test_the_staff_pages_follow_the_rules(staff: Any) -> None:
    from machikpi.adapters.storage import models as m

    ind = indicator_of("産業振興課")
    url = f"/staff/review/indicators/{ind.pk}/{YEAR}/"
    form = {"results": APPROVED_TEXT, "direction": "", "internal": "", "version": "0", "submit": "1"}
    assert client_for("kosodate").post(url, form).status_code == 403
    assert not m.ReviewEntry.objects.exists()
    response = client_for("sangyo").post(url, form)
    assert response.status_code == 302
    entry = m.ReviewEntry.objects.get()
    assert entry.status == "submitted" and entry.written_by == "sangyo"
    listing = client_for("kikaku").get("/staff/review/approvals/").content.decode()
    assert APPROVED_TEXT in listing and f'value="{entry.pk}:{entry.version}"' in listing
    assert client_for("sangyo").get("/staff/review/approvals/").status_code == 403
    assert (
        client_for("iinkai").post("/staff/review/approvals/", {"approve_entry": f"{entry.pk}:1"}).status_code
        == 403
    )
    client_for("kikaku").post("/staff/review/approvals/", {"approve_entry": f"{entry.pk}:{entry.version}"})
    entry.refresh_from_db()
    assert entry.status == "approved" and entry.approved_results == APPROVED_TEXT
    public = client_for(None).get(f"/nodes/{ind.node_id}/").content.decode()
    assert APPROVED_TEXT in public
