"""The staff area (issue 4 part 2, issue 5 comments/audit/downloads) through Django's test client.

Data: the bundled seed 003 (伊勢崎市 strategy, 50 series) stored with
``store_documents``, the demo's invented actual values of that plan for
FY2024/FY2025, both years evaluated (baseline-band), and the demo staff
(:mod:`machikpi.adapters.demo_staff`: departments by goal, logins kikaku /
sangyo / kosodate / iinkai). Run on SQLite and PostgreSQL (tests/storage_db.py).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from machikpi.samples import ROOT, SEEDS_DIR
from tests.storage_db import database_url, db, populated

__all__ = ["database_url", "db"]

pytestmark = pytest.mark.db

SEED_003 = SEEDS_DIR / "003_06b39d270299f45c.txt"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fast_passwords() -> Any:
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        yield


@pytest.fixture
def staff(db: str, tmp_path_factory: pytest.TempPathFactory, fast_passwords: Any) -> dict[str, Any]:
    """Seed 003 stored, its demo actuals (approved), FY2024/2025 evaluated, the demo staff.

    Built once per session and restored for each test (:func:`tests.storage_db.populated`)."""
    return populated("web-staff-003", lambda: _fill_staff(tmp_path_factory.mktemp("staff")))


def _fill_staff(folder: Path) -> dict[str, Any]:
    from machikpi.adapters.demo_staff import setup_demo_staff
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.services.entries import import_actual_file
    from machikpi.adapters.services.plans import store_documents
    from machikpi.adapters.storage.evaluations import evaluate_stored

    store_documents([SEED_003], warn=lambda m: None)
    text = (ROOT / "demo_actuals.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    mine = [lines[0]] + [ln for ln in lines[1:] if ln.startswith(SEED_003.name)]
    part = folder / "actuals-003.csv"
    part.write_text("\n".join(mine) + "\n", encoding="utf-8")
    import_actual_file(part, who="demo", warn=lambda m: None)
    ruleset = load_ruleset("baseline-band")
    evaluate_stored(2024, ruleset)
    evaluate_stored(2025, ruleset)
    setup_demo_staff()
    return {"csv": part}


def client_for(name: str | None) -> Any:
    """A test client logged in as the demo user ``name`` (``None``: anonymous)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    c = Client()
    if name is not None:
        c.force_login(get_user_model().objects.get(username=name))
    return c


def dept_series(department: str, *, approved_year: int | None = None) -> Any:
    """A series of ``department``'s indicators (with an approved value of ``approved_year`` if given)."""
    from machikpi.adapters.storage import models as m

    qs = m.Series.objects.filter(indicator__department__name=department, present=True).order_by("id")
    if approved_year is not None:
        qs = qs.filter(actual_values__year=approved_year, actual_values__status="approved")
    s = qs.first()
    assert s is not None, department
    return s


def published(series_id: int) -> dict[int, Any]:
    """The published actual values of a series by year (what the public and evaluations read)."""
    from machikpi.adapters.storage.export import stored_rows

    rows = stored_rows()
    row = rows.rows[rows.series_ids.index(series_id)]
    return {a["year"]: a["raw"] for a in row.get("actuals", []) if a.get("year_type") == "fiscal"}


def form_version(html: str) -> int:
    m = re.search(r'name="version" value="(\d+)"', html)
    assert m, "no version field in the form"
    return int(m.group(1))


# ---------------------------------------------------------------------------
# Roles


def test_demo_staff_assigns_every_indicator_and_creates_the_roles(staff):
    from machikpi.adapters.storage import models as m

    assert not m.Indicator.objects.filter(department=None).exists()
    by_role = dict(m.StaffProfile.objects.values_list("user__username", "role"))
    assert by_role == {
        "kikaku": "planning",
        "sangyo": "department",
        "kosodate": "department",
        "iinkai": "committee",
    }
    # by the most specific node title: 新規求人数 (しごとの創生 > …) → 産業振興課; every department gets some
    assert (
        m.Indicator.objects.filter(name="新規求人数").values_list("department__name", flat=True).get()
        == "産業振興課"
    )
    owners = set(m.Indicator.objects.values_list("department__name", flat=True))
    assert owners == {"産業振興課", "子育て支援課", "健康福祉課", "都市計画課", "企画政策課"}


def test_anonymous_users_are_sent_to_the_login_page(staff):
    c = client_for(None)
    s = dept_series("産業振興課")
    for url in [
        "/staff/",
        f"/staff/values/{s.pk}/2025/",
        "/staff/upload/",
        "/staff/approvals/",
        "/staff/history/",
    ]:
        r = c.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/staff/login/?next="), url


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (
            "kikaku",
            {"my": 200, "own": 200, "other": 200, "upload": 200, "approvals": 200, "history": 200}
            | {"comments": 200, "audit": 200, "reports": 200, "approve_post": 302},
        ),
        (
            "sangyo",
            {"my": 200, "own": 200, "other": 403, "upload": 200, "approvals": 403, "history": 200}
            | {"comments": 403, "audit": 200, "reports": 403, "approve_post": 403},
        ),
        (
            "iinkai",
            {"my": 200, "own": 403, "other": 403, "upload": 403, "approvals": 200, "history": 403}
            | {"comments": 200, "audit": 200, "reports": 200, "approve_post": 403},
        ),
    ],
)
def test_each_view_enforces_its_roles(staff, user, expected):
    from machikpi.adapters.storage import models as m

    own = dept_series("産業振興課")
    other = dept_series("子育て支援課")
    plan = m.Plan.objects.get()
    c = client_for(user)
    got = {
        "my": c.get("/staff/").status_code,
        "own": c.get(f"/staff/values/{own.pk}/2025/").status_code,
        "other": c.get(f"/staff/values/{other.pk}/2025/").status_code,
        "upload": c.get("/staff/upload/").status_code,
        "approvals": c.get("/staff/approvals/").status_code,
        "history": c.get("/staff/history/").status_code,
        "comments": c.get("/staff/comments/").status_code,
        "audit": c.get(f"/staff/plans/{plan.pk}/audit/").status_code,
        "reports": c.get("/staff/reports/").status_code,
        "approve_post": c.post("/staff/approvals/", {"approve": "1:1"}).status_code,
    }
    assert got == expected


def test_a_department_user_cannot_post_a_value_of_another_department(staff):
    from machikpi.adapters.storage import models as m

    other = dept_series("子育て支援課")
    before = m.ActualChange.objects.count()
    r = client_for("sangyo").post(
        f"/staff/values/{other.pk}/2025/", {"value": "1", "note": "", "version": "0"}
    )
    assert r.status_code == 403
    assert "自分の課が担当する指標だけ" in r.content.decode()  # the 403 page says why
    assert m.ActualChange.objects.count() == before


def test_a_user_without_a_role_gets_403(staff):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("nobody", password="x" * 12)
    assert client_for("nobody").get("/staff/").status_code == 403


# ---------------------------------------------------------------------------
# My updates and the entry form


def test_my_updates_lists_the_departments_series_with_what_is_missing(staff):
    from machikpi.adapters.storage import models as m

    r = client_for("sangyo").get("/staff/?year=2025")
    html = r.content.decode()
    assert r.status_code == 200
    mine = m.Series.objects.filter(
        indicator__department__name="産業振興課", present=True, indicator__present=True
    )
    missing = mine.exclude(actual_values__year=2025).exclude(cells__kind="actual", cells__year=2025)
    total = mine.count()
    assert f"報告する系列 {total} 件: 未入力 {missing.count()} 件" in html
    for s in mine:
        assert f"/staff/values/{s.pk}/2025/" in html
    other = dept_series("子育て支援課")
    assert f"/staff/values/{other.pk}/2025/" not in html
    # ?missing=1 lists only the missing ones
    only = client_for("sangyo").get("/staff/?year=2025&missing=1").content.decode()
    assert only.count("/staff/values/") == missing.count()


def test_a_value_entered_by_a_department_is_a_draft_and_not_public(staff):
    from machikpi.adapters.storage import models as m

    s = dept_series("産業振興課", approved_year=2025)
    before = published(s.pk)
    c = client_for("sangyo")
    page = c.get(f"/staff/values/{s.pk}/2025/").content.decode()
    version = form_version(page)
    r = c.post(f"/staff/values/{s.pk}/2025/", {"value": "123,456", "note": "速報値", "version": str(version)})
    assert r.status_code == 302, r.content.decode()[:2000]
    a = m.ActualValue.objects.get(series=s, year=2025)
    assert (a.value, a.raw, a.status, a.entered_by, a.note) == (
        123456,
        "123,456",
        "draft",
        "sangyo",
        "速報値",
    )
    assert published(s.pk) == before  # the public still sees the approved value
    assert "123,456" not in str(before)


def test_a_value_that_is_not_a_number_is_refused_with_the_reason(staff):
    from machikpi.adapters.storage import models as m

    s = dept_series("産業振興課")
    before = m.ActualChange.objects.count()
    r = client_for("sangyo").post(
        f"/staff/values/{s.pk}/2025/", {"value": "12,3", "note": "", "version": "0"}
    )
    assert r.status_code == 400
    assert "「12,3」は数値として読めません" in r.content.decode()
    assert m.ActualChange.objects.count() == before


def _falling_case() -> tuple[Any, float]:
    """A series graded S or A in FY2024 with a higher-is-better direction and a
    positive baseline, and a FY2025 value at half the baseline (grade C)."""
    from machikpi.adapters.storage import models as m

    for ev in m.Evaluation.objects.filter(
        year=2024, rules="baseline-band", grade__in=["S", "A"], direction="higher"
    ):
        base = ev.series.cells.filter(kind="baseline").first()
        if base is not None and base.value and base.value > 0:
            return ev.series, base.value / 2
    raise AssertionError("seed 003 has no series graded S/A with a positive baseline")


def test_the_note_is_required_when_the_grade_falls(staff):
    from machikpi.adapters.storage import models as m

    s, low = _falling_case()
    c = client_for("kikaku")
    version = form_version(c.get(f"/staff/values/{s.pk}/2025/").content.decode())
    url = f"/staff/values/{s.pk}/2025/"
    r = c.post(url, {"value": f"{low:g}", "note": "", "version": str(version)})
    html = r.content.decode()
    assert r.status_code == 400
    assert "下がります" in html and "「C」" in html and "備考" in html
    assert m.ActualValue.objects.filter(series=s, year=2025, status="draft").count() == 0
    r = c.post(url, {"value": f"{low:g}", "note": "事業の休止による減少", "version": str(version)})
    assert r.status_code == 302
    a = m.ActualValue.objects.get(series=s, year=2025)
    assert (a.value, a.status, a.note) == (low, "draft", "事業の休止による減少")


def test_a_value_that_keeps_the_grade_needs_no_note(staff):
    from machikpi.adapters.storage import models as m

    s, _low = _falling_case()
    target = s.cells.filter(kind="target").exclude(value=None).first()
    assert target is not None
    c = client_for("kikaku")
    version = form_version(c.get(f"/staff/values/{s.pk}/2025/").content.decode())
    r = c.post(
        f"/staff/values/{s.pk}/2025/", {"value": f"{target.value * 2:g}", "note": "", "version": str(version)}
    )
    assert r.status_code == 302
    assert m.ActualValue.objects.get(series=s, year=2025).value == target.value * 2


def test_concurrent_saves_conflict_and_nothing_is_lost(staff):
    from machikpi.adapters.storage import models as m

    s = dept_series("産業振興課")
    url = f"/staff/values/{s.pk}/2025/"
    alice, bob = client_for("sangyo"), client_for("kikaku")
    v_alice = form_version(alice.get(url).content.decode())
    v_bob = form_version(bob.get(url).content.decode())
    assert v_alice == v_bob
    assert alice.post(url, {"value": "111", "note": "alice", "version": str(v_alice)}).status_code == 302
    r = bob.post(url, {"value": "222", "note": "bob", "version": str(v_bob)})
    html = r.content.decode()
    assert r.status_code == 409
    assert "ほかの人が先に保存しました" in html and "sangyo" in html and "111" in html and "222" in html
    a = m.ActualValue.objects.get(series=s, year=2025)
    assert (a.raw, a.note) == ("111", "alice")  # bob's save did not overwrite silently
    # bob overwrites knowingly with the version the conflict page carries
    version = form_version(html)
    assert version == a.version
    r = bob.post(url, {"value": "222", "note": "bob", "version": str(version), "overwrite": "1"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert (a.raw, a.entered_by) == ("222", "kikaku")
    history = list(m.ActualChange.objects.filter(actual=a).order_by("id").values_list("who", "new_raw"))
    assert history[-2:] == [("sangyo", "111"), ("kikaku", "222")]


# ---------------------------------------------------------------------------
# Approval, history, revert


def test_planning_approves_a_draft_and_it_becomes_public(staff):
    from machikpi.adapters.storage import models as m

    s = dept_series("産業振興課", approved_year=2025)
    c = client_for("sangyo")
    url = f"/staff/values/{s.pk}/2025/"
    version = form_version(c.get(url).content.decode())
    assert c.post(url, {"value": "98765", "note": "確定値", "version": str(version)}).status_code == 302
    a = m.ActualValue.objects.get(series=s, year=2025)
    approvals = client_for("kikaku").get("/staff/approvals/").content.decode()
    assert f'value="{a.pk}:{a.version}"' in approvals and "98765" in approvals
    # the committee reads the drafts but has no approve button
    seen = client_for("iinkai").get("/staff/approvals/").content.decode()
    assert "98765" in seen and f'value="{a.pk}:{a.version}"' not in seen
    r = client_for("kikaku").post("/staff/approvals/", {"approve": [f"{a.pk}:{a.version}"]})
    assert r.status_code == 302
    a.refresh_from_db()
    assert (a.status, a.approved_raw, a.approved_by) == ("approved", "98765", "kikaku")
    assert published(s.pk)[2025] == "98765"
    # the stored evaluation of the year follows the published value
    assert m.Evaluation.objects.get(series=s, year=2025, rules="baseline-band").actual == 98765


def test_approving_a_value_changed_since_the_list_was_shown_approves_nothing(staff):
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import record_actual

    s1 = dept_series("産業振興課")
    s2 = dept_series("子育て支援課")
    with transaction.atomic():
        record_actual(s1.pk, 2025, value=1, raw="1", note="", who="sangyo", status="draft")
        record_actual(s2.pk, 2025, value=2, raw="2", note="", who="kosodate", status="draft")
    a1 = m.ActualValue.objects.get(series=s1, year=2025)
    a2 = m.ActualValue.objects.get(series=s2, year=2025)
    shown = [f"{a1.pk}:{a1.version}", f"{a2.pk}:{a2.version}"]
    with transaction.atomic():  # changed after the approver opened the list
        record_actual(s2.pk, 2025, value=3, raw="3", note="", who="kosodate", status="draft")
    r = client_for("kikaku").post("/staff/approvals/", {"approve": shown}, follow=True)
    assert "承認していません" in r.content.decode()
    assert set(m.ActualValue.objects.filter(pk__in=[a1.pk, a2.pk]).values_list("status", flat=True)) == {
        "draft"
    }


def test_revert_restores_the_old_value_and_is_recorded(staff):
    from machikpi.adapters.storage import models as m

    s = dept_series("産業振興課", approved_year=2025)
    old = m.ActualValue.objects.get(series=s, year=2025)
    c = client_for("sangyo")
    url = f"/staff/values/{s.pk}/2025/"
    assert c.post(url, {"value": "5", "note": "誤入力", "version": str(old.version)}).status_code == 302
    change = m.ActualChange.objects.filter(actual=old).order_by("-id").first()
    assert change is not None and change.new_raw == "5"
    history = c.get("/staff/history/").content.decode()
    assert f'href="/staff/history/{change.pk}/revert/?next=' in history
    # the link asks for confirmation and a reason; without a reason nothing is reverted
    page = c.get(f"/staff/history/{change.pk}/revert/").content.decode()
    assert "を取り消しますか" in page and f"値は「{old.raw}」に戻ります" in page and "取り消しの理由" in page
    r = c.post(f"/staff/history/{change.pk}/revert/", {"reason": " "})
    assert r.status_code == 400 and "理由を入力してください" in r.content.decode()
    assert m.ActualValue.objects.get(pk=old.pk).raw == "5"
    r = c.post(f"/staff/history/{change.pk}/revert/", {"reason": "桁を間違えた"}, follow=True)
    assert "取り消しました" in r.content.decode()
    a = m.ActualValue.objects.get(pk=old.pk)
    assert (a.raw, a.status, a.value) == (old.raw, "approved", old.value)
    revert = m.ActualChange.objects.filter(actual=a).order_by("-id").first()
    assert revert is not None and (revert.action, revert.reverts_id, revert.who, revert.note) == (
        "revert",
        change.pk,
        "sangyo",
        "桁を間違えた",
    )
    # the reverted change is no longer the latest: reverting it again is refused with an explanation
    r = c.post(f"/staff/history/{change.pk}/revert/", {"reason": "もう一度"}, follow=True)
    assert "最新の変更だけ" in r.content.decode()
    assert m.ActualChange.objects.filter(actual=a).count() == revert.actual.history.count()


def test_a_department_cannot_revert_a_published_change_but_planning_can(staff):
    from machikpi.adapters.storage import models as m

    s = dept_series("産業振興課", approved_year=2025)
    a = m.ActualValue.objects.get(series=s, year=2025)
    created = m.ActualChange.objects.get(actual=a, action="create")  # the approved import
    why = {"reason": "誤り"}
    assert client_for("sangyo").post(f"/staff/history/{created.pk}/revert/", why).status_code == 403
    assert client_for("iinkai").post(f"/staff/history/{created.pk}/revert/", why).status_code == 403
    assert client_for("kikaku").post(f"/staff/history/{created.pk}/revert/", why).status_code == 302
    a.refresh_from_db()
    assert a.approved_raw is None and 2025 not in published(s.pk)


def test_history_filters_by_plan_and_indicator(staff):
    from machikpi.adapters.storage import models as m

    s = dept_series("産業振興課", approved_year=2025)
    plan = m.Plan.objects.get()
    html = (
        client_for("kikaku")
        .get(f"/staff/history/?plan={plan.pk}&indicator={s.indicator_id}")
        .content.decode()
    )
    rows = re.findall(r'<tr id="change-(\d+)">', html)
    expected = m.ActualChange.objects.filter(actual__series__indicator=s.indicator).count()
    assert len(rows) == expected > 0


# ---------------------------------------------------------------------------
# Upload


def _entry_csv(path: Path, rows: list[tuple[int, str, str]]) -> Path:
    """An entry CSV with ID, 年度, 実績値, 備考."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["ID", "年度", "実績値", "備考"])
    for sid, value, note in rows:
        w.writerow([sid, 2025, value, note])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _state() -> list[tuple[Any, ...]]:
    from machikpi.adapters.storage import models as m

    return list(m.ActualValue.objects.order_by("id").values_list("id", "raw", "status", "version"))


def _token(html: str) -> str:
    m = re.search(r'name="token" value="([^"]+)"', html)
    assert m
    return m.group(1)


def test_upload_previews_every_change_and_stores_nothing_until_confirmed(staff, tmp_path):
    from machikpi.adapters.storage import models as m

    series = list(
        m.Series.objects.filter(
            indicator__department__name="産業振興課", present=True, indicator__present=True
        )[:3]
    )
    old = {a.series_id: a.raw for a in m.ActualValue.objects.filter(series__in=series, year=2025)}
    f = _entry_csv(tmp_path / "entry.csv", [(s.pk, f"{1000 + i}", "") for i, s in enumerate(series)])
    before = _state()
    c = client_for("sangyo")
    with f.open("rb") as fh:
        r = c.post("/staff/upload/", {"file": fh})
    html = r.content.decode()
    assert r.status_code == 200, html[:3000]
    for i, s in enumerate(series):
        assert f"{1000 + i}" in html
        if s.pk in old:
            assert old[s.pk] in html
    assert "まだ何も登録していません" in html
    assert _state() == before  # the preview changed nothing
    r = c.post("/staff/upload/", {"token": _token(html), "confirm": "1"})
    assert r.status_code == 302
    stored = {
        a.series_id: (a.raw, a.status) for a in m.ActualValue.objects.filter(series__in=series, year=2025)
    }
    assert stored == {s.pk: (f"{1000 + i}", "draft") for i, s in enumerate(series)}
    # the same token cannot be committed twice
    r = c.post("/staff/upload/", {"token": _token(html), "confirm": "1"}, follow=True)
    assert "見つかりません" in r.content.decode()


def test_an_upload_with_one_bad_cell_changes_nothing(staff, tmp_path):
    from machikpi.adapters.storage import models as m

    series = list(m.Series.objects.filter(indicator__department__name="産業振興課", present=True)[:3])
    f = _entry_csv(
        tmp_path / "bad.csv", [(series[0].pk, "10", ""), (series[1].pk, "12,3", ""), (series[2].pk, "30", "")]
    )
    before = _state()
    c = client_for("sangyo")
    with f.open("rb") as fh:
        r = c.post("/staff/upload/", {"file": fh})
    html = r.content.decode()
    assert r.status_code == 400
    assert "何も登録しません" in html
    # the error names its row (header = 1, so the second data row is 3) and column
    assert re.search(r'<td class="num">3</td><td>実績値</td><td>[^<]*12,3', html)
    assert 'name="confirm"' not in html
    r = c.post("/staff/upload/", {"token": _token(html), "confirm": "1"})
    assert r.status_code == 400
    assert _state() == before


def test_an_upload_of_another_departments_indicator_is_an_error(staff, tmp_path):
    own = dept_series("産業振興課")
    other = dept_series("子育て支援課")
    f = _entry_csv(tmp_path / "mixed.csv", [(own.pk, "10", ""), (other.pk, "20", "")])
    before = _state()
    with f.open("rb") as fh:
        r = client_for("sangyo").post("/staff/upload/", {"file": fh})
    assert r.status_code == 400
    assert "子育て支援課 の指標です" in r.content.decode()
    assert _state() == before


def test_an_upload_confirmed_after_somebody_changed_a_value_stores_nothing(staff, tmp_path):
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import record_actual

    series = list(m.Series.objects.filter(indicator__department__name="産業振興課", present=True)[:2])
    f = _entry_csv(tmp_path / "entry.csv", [(series[0].pk, "10", ""), (series[1].pk, "20", "")])
    c = client_for("sangyo")
    with f.open("rb") as fh:
        html = c.post("/staff/upload/", {"file": fh}).content.decode()
    with transaction.atomic():  # somebody saves one of the values between preview and confirm
        record_actual(series[1].pk, 2025, value=99, raw="99", note="", who="kikaku", status="draft")
    before = _state()
    r = c.post("/staff/upload/", {"token": _token(html), "confirm": "1"})
    assert r.status_code == 200
    assert "ほかの人が 1 件の値を変更しました" in r.content.decode()
    assert _state() == before
    # confirming the refreshed preview stores the file (the other write stays in the history)
    r = c.post("/staff/upload/", {"token": _token(html), "confirm": "1"})
    assert r.status_code == 302
    a = m.ActualValue.objects.get(series=series[1], year=2025)
    assert a.raw == "20"
    assert list(a.history.order_by("id").values_list("who", "new_raw"))[-2:] == [
        ("kikaku", "99"),
        ("sangyo", "20"),
    ]


def test_planning_may_upload_as_approved(staff, tmp_path):
    from machikpi.adapters.storage import models as m

    s = dept_series("子育て支援課")
    f = _entry_csv(tmp_path / "entry.csv", [(s.pk, "77", "確定")])
    c = client_for("kikaku")
    with f.open("rb") as fh:
        html = c.post("/staff/upload/", {"file": fh, "status": "approved"}).content.decode()
    assert c.post("/staff/upload/", {"token": _token(html), "confirm": "1"}).status_code == 302
    assert published(s.pk)[2025] == "77"
    assert m.ActualValue.objects.get(series=s, year=2025).approved_by == "kikaku"


# ---------------------------------------------------------------------------
# Login throttling (django-axes)


def test_login_locks_after_five_failures_and_says_so(staff):
    from django.test import Client

    c = Client()
    page = c.get("/staff/login/").content.decode()
    assert "5 回続けて間違える" in page and "15 分間" in page
    r = c.post("/staff/login/", {"username": "sangyo", "password": "wrong"})
    assert r.status_code == 200 and "あと 4 回" in r.content.decode()
    for _ in range(3):
        assert c.post("/staff/login/", {"username": "sangyo", "password": "wrong"}).status_code == 200
    r = c.post("/staff/login/", {"username": "sangyo", "password": "wrong"})
    assert r.status_code == 429
    assert "ログインがロックされています" in r.content.decode()
    # locked: even the right password does not log in
    r = c.post("/staff/login/", {"username": "sangyo", "password": "machikpi-demo"})
    assert r.status_code == 429 and "_auth_user_id" not in c.session
    # another user from another address is not locked (from the same address it is:
    # failures are also counted per address across user names)
    r = Client(REMOTE_ADDR="10.0.0.2").post(
        "/staff/login/", {"username": "kikaku", "password": "machikpi-demo"}
    )
    assert r.status_code == 302 and r["Location"] == "/staff/"
    assert (
        Client().post("/staff/login/", {"username": "kikaku", "password": "machikpi-demo"}).status_code == 429
    )


def test_failures_across_user_names_lock_the_address_not_the_users(staff):
    from django.test import Client

    attacker = Client(REMOTE_ADDR="192.0.2.7")
    for name in ("sangyo", "kikaku", "kosodate", "iinkai"):  # one guess per known name
        assert attacker.post("/staff/login/", {"username": name, "password": "guess"}).status_code == 200
    r = attacker.post("/staff/login/", {"username": "nobody", "password": "guess"})
    assert r.status_code == 429  # the fifth failure from that address, whatever the names
    assert (
        attacker.post("/staff/login/", {"username": "kikaku", "password": "machikpi-demo"}).status_code == 429
    )
    # the users themselves, from their own addresses, are not locked out by it
    r = Client(REMOTE_ADDR="10.0.0.3").post(
        "/staff/login/", {"username": "kikaku", "password": "machikpi-demo"}
    )
    assert r.status_code == 302


def test_login_and_logout(staff):
    from django.test import Client

    c = Client()
    r = c.post("/staff/login/", {"username": "kosodate", "password": "machikpi-demo"})
    assert r.status_code == 302
    assert "kosodate" in c.get("/staff/").content.decode()
    assert c.post("/staff/logout/").status_code == 302
    assert c.get("/staff/").status_code == 302


# ---------------------------------------------------------------------------
# Committee comments, audit, reports


def test_committee_comments_on_a_node_and_edits_only_its_own(staff):
    from machikpi.adapters.storage import models as m

    node = m.Node.objects.filter(parent=None).first()
    assert node is not None
    c = client_for("iinkai")
    r = c.post("/staff/comments/", {"node": str(node.pk), "year": "2025", "text": "目標の設定根拠を示すこと"})
    assert r.status_code == 302
    comment = m.CommitteeComment.objects.get()
    assert (comment.node_id, comment.year, comment.author_name) == (node.pk, 2025, "iinkai")
    assert "目標の設定根拠を示すこと" in c.get("/staff/comments/?year=2025").content.decode()
    # the public node page shows the comment under the committee's name, never the login name
    from django.test import Client

    page = Client().get(f"/nodes/{node.pk}/").content.decode()
    assert "目標の設定根拠を示すこと" in page and "外部有識者会議" in page
    assert "iinkai" not in page
    r = c.post(
        f"/staff/comments/{comment.pk}/edit/", {"node": str(node.pk), "year": "2025", "text": "改めて"}
    )
    assert r.status_code == 302
    comment.refresh_from_db()
    assert comment.text == "改めて"
    assert client_for("kikaku").get(f"/staff/comments/{comment.pk}/edit/").status_code == 403
    assert client_for("sangyo").get("/staff/comments/").status_code == 403


def test_the_audit_page_shows_the_stored_findings_with_their_place(staff):
    from machikpi.adapters.storage import models as m

    plan = m.Plan.objects.get()
    assert plan.audit_findings
    c = client_for("iinkai")
    assert f"/staff/plans/{plan.pk}/audit/" in c.get("/staff/plans/").content.decode()
    html = c.get(f"/staff/plans/{plan.pk}/audit/").content.decode()
    # seed 003 line 619: 災害図上訓練年間実施回数, target printed without its unit
    assert "unit-missing" in html and f"{SEED_003.name}:619" in html and "災害図上訓練年間実施回数" in html
    severities = {f["severity"] for f in plan.audit_findings}
    for sev in severities:
        filtered = c.get(f"/staff/plans/{plan.pk}/audit/?severity={sev}").content.decode()
        n = sum(1 for f in plan.audit_findings if f["severity"] == sev)
        assert filtered.count('<tr class="severity-') == n


def _request(c: Any, fmt: str) -> Any:
    from machikpi.adapters.storage import models as m

    owner = m.Municipality.objects.get(code="102041")  # seed 003 is 伊勢崎市's
    return c.post(
        "/staff/reports/",
        {"municipality": str(owner.pk), "year": "2025", "rules": "baseline-band", "format": fmt},
    )


@pytest.mark.parametrize(("fmt", "magic"), [("html", b"<!DOCTYPE html"), ("xlsx", b"PK")])
def test_reports_are_built_in_the_background_and_kept(staff, fmt, magic):
    from django_tasks_db.models import DBTaskResult

    from machikpi.adapters.services.documents import run_pending
    from machikpi.adapters.storage import models as m

    c = client_for("iinkai")
    r = _request(c, fmt)
    doc = m.ReportDocument.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/staff/reports/{doc.pk}/"
    page = c.get(r["Location"]).content.decode()
    assert "report-progress.js" in page and "<progress" in page and "待機中" in page
    assert c.get(f"/staff/reports/{doc.pk}/download/")["Location"] == f"/staff/reports/{doc.pk}/"
    assert DBTaskResult.objects.count() == 1
    run_pending()  # the real worker of the task runner, in batch mode
    status = c.get(f"/staff/reports/{doc.pk}/status.json").json()
    assert (status["status"], status["progress"]) == ("done", 100), status
    assert status["download"] == f"/staff/reports/{doc.pk}/download/"
    r = c.get(status["download"])
    body = b"".join(r.streaming_content)
    assert body.lstrip()[: len(magic)].lower() == magic.lower()
    assert f"machikpi-report-102041-2025-baseline-band.{fmt}" in r["Content-Disposition"]
    if fmt == "html":
        assert "群馬県伊勢崎市 効果検証報告書" in body.decode()
    # The second request of unchanged data is served from storage: straight to the download,
    # the same document, no new task.
    r = _request(c, fmt)
    assert r.status_code == 302 and r["Location"] == f"/staff/reports/{doc.pk}/download/"
    assert m.ReportDocument.objects.get().pk == doc.pk and DBTaskResult.objects.count() == 1
    # A changed actual value makes the next request a new document, built anew.
    from machikpi.adapters.storage.actuals import record_actual

    value = m.ActualValue.objects.filter(year=2025).order_by("id").first()
    assert value is not None
    from django.db import transaction

    with transaction.atomic():
        record_actual(
            value.series_id,
            2025,
            value=(value.value or 0) + 1,
            raw="1",
            note="",
            who="test",
            status="approved",
        )
    r = _request(c, fmt)
    new = m.ReportDocument.objects.exclude(pk=doc.pk).get()
    assert r["Location"] == f"/staff/reports/{new.pk}/" and new.data_version != doc.data_version
    assert DBTaskResult.objects.count() == 2
    run_pending()
    new.refresh_from_db()
    assert new.status == "done" and new.content is not None
    assert not m.ReportDocument.objects.filter(pk=doc.pk).exists()  # the outdated one is dropped


def test_a_report_that_cannot_be_made_fails_with_its_reason(staff):
    from machikpi.adapters.services.documents import run_pending
    from machikpi.adapters.storage import models as m

    owner = m.Municipality.objects.get()
    c = client_for("kikaku")
    r = c.post(
        "/staff/reports/", {"municipality": str(owner.pk), "year": "2025", "rules": "nope", "format": "pdf"}
    )
    assert r.status_code == 400  # an unknown rule set is refused on the form (not a choice)
    from machikpi.adapters.services.documents import request_document

    doc, queued = request_document(owner, 2025, "baseline-band", "html")
    m.ReportDocument.objects.filter(pk=doc.pk).update(rules="no-such-rules")
    run_pending()
    doc.refresh_from_db()
    assert queued and doc.status == "failed" and "レポートを作成できませんでした" in doc.error
    page = c.get(f"/staff/reports/{doc.pk}/").content.decode()
    assert "もう一度作成する" in page and "レポートを作成できませんでした" in page


# ---------------------------------------------------------------------------
# CLI and admin


def test_user_add_cli(db, monkeypatch, capsys, fast_passwords):
    from django.contrib.auth import get_user_model

    from machikpi.adapters.cli import main
    from machikpi.adapters.storage import models as m

    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    code = main(
        [
            "user",
            "add",
            "tanaka",
            "--role",
            "department",
            "--department",
            "産業振興課",
            "--password-stdin",
            "--database",
            db,
        ]
    )
    assert code == 0, capsys.readouterr().err
    user = get_user_model().objects.get(username="tanaka")
    assert user.check_password("a-long-password") and not user.password.startswith("a-long")
    profile = m.StaffProfile.objects.select_related("department").get(user=user)
    assert (profile.role, profile.department and profile.department.name) == ("department", "産業振興課")
    assert m.Department.objects.filter(name="産業振興課").exists()
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["user", "add", "suzuki", "--role", "department", "--password-stdin", "--database", db]) == 2
    assert "--department" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "add", "sato", "--role", "planning", "--password-stdin", "--database", db]) == 2
    assert not get_user_model().objects.filter(username__in=["suzuki", "sato"]).exists()


def test_planning_users_manage_departments_in_the_admin(staff):
    from machikpi.adapters.storage import models as m

    c = client_for("kikaku")
    r = c.get("/admin/machikpi/indicator/")
    assert r.status_code == 200 and "産業振興課" in r.content.decode()
    assert c.get("/admin/machikpi/department/").status_code == 200
    assert c.get("/admin/machikpi/staffprofile/").status_code == 200
    assert client_for("sangyo").get("/admin/machikpi/indicator/").status_code == 302  # not staff: admin login
    assert m.Department.objects.count() >= 5


def test_the_entry_workbook_uploads_with_errors_named_by_sheet_row_and_column(staff, tmp_path):
    from openpyxl import load_workbook

    from machikpi.adapters.actual_entry import COLUMNS, VALUE, write_template
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import series_info

    own = set(m.Series.objects.filter(indicator__department__name="産業振興課").values_list("pk", flat=True))
    infos = [i for i in series_info(2025, include_missing=False) if i.series_id in own]
    path = tmp_path / "entry.xlsx"
    write_template(infos, 2025, path)
    wb = load_workbook(path)
    ws = wb["実績入力"]
    col = COLUMNS.index(VALUE) + 1
    ws.cell(row=2, column=col, value=4321)
    ws.cell(row=3, column=col, value="たくさん")
    wb.save(path)
    before = _state()
    with path.open("rb") as fh:
        r = client_for("sangyo").post("/staff/upload/", {"file": fh})
    html = r.content.decode()
    assert r.status_code == 400
    assert re.search(r"<td>実績入力</td><td class=\"num\">3</td><td>実績値</td><td>[^<]*たくさん", html)
    assert _state() == before
    ws.cell(row=3, column=col).value = None  # (ws.cell(..., value=None) would leave the cell as it is)
    wb.save(path)
    with path.open("rb") as fh:
        html = client_for("sangyo").post("/staff/upload/", {"file": fh}).content.decode()
    assert "4321" in html and 'name="confirm"' in html


def test_user_add_refuses_weak_passwords_and_needs_a_terminal_or_stdin(
    db, monkeypatch, capsys, fast_passwords
):
    from django.contrib.auth import get_user_model

    from machikpi.adapters.cli import main

    def add(name: str, stdin: str | None) -> int:
        args = ["user", "add", name, "--role", "planning", "--database", db]
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
            args.append("--password-stdin")
        return main(args)

    assert add("yamada", "elevenchars\n") == 2  # 11 characters: under the minimum of 12
    assert "12" in capsys.readouterr().err
    assert add("yamada", "password1234\n") == 2  # a common password
    assert add("suzuki-hanako", "suzukihanako\n") == 2  # like the user name
    assert add("yamada", "846203957162\n") == 2  # digits only
    # no terminal and no --password-stdin: a message, no traceback
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert add("yamada", None) == 2
    err = capsys.readouterr().err
    assert "--password-stdin" in err and "Traceback" not in err
    assert not get_user_model().objects.filter(username__in=["yamada", "suzuki-hanako"]).exists()
    assert add("yamada", "kumo-no-ue-no-shiro\n") == 0
    assert get_user_model().objects.get(username="yamada").check_password("kumo-no-ue-no-shiro")
