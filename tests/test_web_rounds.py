"""Issue 12, staff side: each 担当課's own workbook, the submission status against a
due date, 差し戻し with a reason, the history in words.

Data as in :mod:`tests.test_web_staff` (seed 003 stored with its demo actuals for
FY2024/FY2025, the demo staff: sangyo = 産業振興課, kosodate = 子育て支援課).
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from tests.test_web_staff import client_for, database_url, db, dept_series, fast_passwords, staff

__all__ = ["database_url", "db", "fast_passwords", "staff"]

pytestmark = pytest.mark.db


def _workbook(c: Any, query: str) -> Any:
    from openpyxl import load_workbook

    r = c.get(f"/staff/workbook/{query}")
    assert r.status_code == 200, r.status_code
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(r.streaming_content)))


def _rows(ws: Any) -> list[dict[str, Any]]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row), strict=False)) for row in ws.iter_rows(min_row=2)]


def test_a_department_downloads_only_its_own_series_and_uploads_the_workbook_back(staff, tmp_path):
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import record_actual

    own = list(
        m.Series.objects.filter(
            indicator__department__name="産業振興課", present=True, indicator__present=True
        ).order_by("id")
    )
    mine, theirs = own[0], own[1]
    with transaction.atomic():  # a draft of the department's own staff, and one of somebody else's
        record_actual(mine.pk, 2025, value=11, raw="11", note="自課", who="sangyo", status="draft")
        record_actual(theirs.pk, 2025, value=999, raw="999", note="他人", who="kikaku", status="draft")

    wb = _workbook(client_for("sangyo"), "?year=2025")
    assert wb.sheetnames == ["実績入力", "過去の実績", "説明"]
    ws = wb["実績入力"]
    rows = _rows(ws)
    assert {r["ID"] for r in rows} == {s.pk for s in own}  # only the department's series
    assert {r["担当課"] for r in rows} == {"産業振興課"} and {r["年度"] for r in rows} == {2025}
    by_id = {r["ID"]: r for r in rows}
    assert (by_id[mine.pk]["実績値"], by_id[mine.pk]["備考"]) == (11, "自課")  # its own draft
    # not another's draft: the cell is empty (and stays so on upload)
    assert (by_id[theirs.pk]["実績値"], by_id[theirs.pk]["備考"]) == (None, None)
    # only 実績値 and 備考 can be changed; the earlier years are a protected sheet
    assert ws.protection.sheet
    header = [c.value for c in ws[1]]
    unlocked = {header[c.column - 1] for c in ws[2] if not c.protection.locked}
    assert unlocked == {"実績値", "備考"}
    earlier = wb["過去の実績"]
    assert earlier.protection.sheet
    past = _rows(earlier)
    assert "2024年度" in [c.value for c in earlier[1]] and "2025年度" not in [c.value for c in earlier[1]]
    approved_2024 = dict(
        m.ActualValue.objects.filter(series__in=own, year=2024)
        .exclude(approved_raw=None)
        .values_list("series_id", "approved_raw")
    )
    assert approved_2024 and all(
        next(p for p in past if p["ID"] == sid)["2024年度"] == raw for sid, raw in approved_2024.items()
    )

    # another department gets its own, nothing of 産業振興課
    other = _rows(_workbook(client_for("kosodate"), "?year=2025")["実績入力"])
    assert other and {r["担当課"] for r in other} == {"子育て支援課"}
    assert not {r["ID"] for r in other} & {s.pk for s in own}
    # planning picks the department; without one it is sent to the status page
    dept = m.Department.objects.get(name="産業振興課")
    assert {
        r["ID"]
        for r in _rows(_workbook(client_for("kikaku"), f"?department={dept.pk}&year=2025")["実績入力"])
    } == {s.pk for s in own}
    assert client_for("kikaku").get("/staff/workbook/?year=2025")["Location"].startswith("/staff/rounds/")
    assert client_for("iinkai").get("/staff/workbook/?year=2025").status_code == 403

    # filled in and uploaded back by the department: stored as its drafts
    ws.cell(
        row=2 + [r["ID"] for r in rows].index(own[2].pk), column=header.index("実績値") + 1, value="１２３"
    )
    path = tmp_path / "back.xlsx"
    wb.save(path)
    c = client_for("sangyo")
    with path.open("rb") as fh:
        r = c.post("/staff/upload/", {"file": fh})
    html = r.content.decode()
    assert r.status_code == 200, html[:2000]
    token = re.search(r'name="token" value="([^"]+)"', html)
    assert token is not None
    assert c.post("/staff/upload/", {"token": token[1], "confirm": "1"}).status_code == 302
    a = m.ActualValue.objects.get(series=own[2], year=2025)
    assert (a.value, a.status, a.entered_by) == (123.0, "draft", "sangyo")
    assert m.ActualValue.objects.get(series=theirs, year=2025).raw == "999"  # the other's draft untouched


def test_planning_sets_a_due_date_and_sees_who_has_submitted(staff):
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import record_actual

    assert client_for("sangyo").get("/staff/rounds/").status_code == 403
    c = client_for("kikaku")
    r = c.post("/staff/rounds/?year=2025", {"year": 2025, "due_date": "2026-06-30"})
    assert r.status_code == 302
    assert m.EntryRound.objects.get(year=2025).due_date == date(2026, 6, 30)
    assert "提出期限: 2026-06-30" in client_for("sangyo").get("/staff/?year=2025").content.decode()

    def status_of(page: str, dept: str) -> str:
        row = re.search(
            rf'<th scope="row">{dept}</th>\s*<td[^>]*>(.*?)</td>\s*<td class="num">(\d+) / (\d+)', page
        )
        assert row, dept
        return f"{row[1]} {row[2]}/{row[3]}"

    page = c.get("/staff/rounds/?year=2025").content.decode()
    assert "提出期限: 2026-06-30" in page
    series = m.Series.objects.filter(
        indicator__department__name="都市計画課", present=True, indicator__present=True
    )
    done = m.ActualValue.objects.filter(series__in=series, year=2025).exclude(raw="").count()
    assert done < series.count()
    assert status_of(page, "都市計画課").startswith("未提出") and f" {done}/{series.count()}" in status_of(
        page, "都市計画課"
    )
    with transaction.atomic():  # the department enters every missing value
        for s in series:
            if not m.ActualValue.objects.filter(series=s, year=2025).exclude(raw="").exists():
                record_actual(s.pk, 2025, value=1, raw="1", note="", who="toshi", status="draft")
    page = c.get("/staff/rounds/?year=2025").content.decode()
    assert status_of(page, "都市計画課") == f"提出済 {series.count()}/{series.count()}"
    # a bad date is refused on the page
    r = c.post("/staff/rounds/?year=2025", {"year": 2025, "due_date": "6月末"})
    assert r.status_code == 400 and m.EntryRound.objects.get(year=2025).due_date == date(2026, 6, 30)


def test_planning_returns_a_draft_with_a_reason_that_the_department_sees(staff):
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.export import stored_rows  # noqa: F401 (the public rows below)

    s = dept_series("産業振興課", approved_year=2025)
    old = m.ActualValue.objects.get(series=s, year=2025)
    sangyo, kikaku = client_for("sangyo"), client_for("kikaku")
    url = f"/staff/values/{s.pk}/2025/"
    r = sangyo.post(url, {"value": "77", "note": "速報値", "version": str(old.version)})
    assert r.status_code == 302, r.content.decode()[:3000]
    draft = m.ActualValue.objects.get(pk=old.pk)
    approvals = kikaku.get("/staff/approvals/").content.decode()
    assert f'href="/staff/approvals/{draft.pk}/return/"' in approvals
    page = kikaku.get(f"/staff/approvals/{draft.pk}/return/").content.decode()
    assert "差し戻しの理由" in page and "77" in page
    # a reason is required
    r = kikaku.post(f"/staff/approvals/{draft.pk}/return/", {"reason": "", "version": draft.version})
    assert r.status_code == 400 and "理由を入力してください" in r.content.decode()
    assert m.ActualValue.objects.get(pk=old.pk).status == "draft"
    assert sangyo.get(f"/staff/approvals/{draft.pk}/return/").status_code == 403
    r = kikaku.post(
        f"/staff/approvals/{draft.pk}/return/",
        {"reason": "前年度の3倍です。集計範囲を確認してください", "version": draft.version},
        follow=True,
    )
    assert "差し戻しました" in r.content.decode()
    a = m.ActualValue.objects.get(pk=old.pk)
    assert (a.status, a.raw, a.approved_raw) == ("returned", "77", old.approved_raw)  # the public value stays
    change = a.history.order_by("-id").first()
    assert change is not None and (change.action, change.who, change.note) == (
        "return",
        "kikaku",
        "前年度の3倍です。集計範囲を確認してください",
    )
    assert f'href="/staff/approvals/{a.pk}/return/"' not in kikaku.get("/staff/approvals/").content.decode()
    # the department sees it on its page and on the value's page, with the reason
    mine = sangyo.get("/staff/?year=2025").content.decode()
    assert "差し戻し: 77" in mine and "前年度の3倍です。集計範囲を確認してください" in mine
    value_page = sangyo.get(url).content.decode()
    assert "差し戻しました" in value_page and "前年度の3倍です" in value_page
    # the history says it in words, no status codes
    history = sangyo.get("/staff/history/").content.decode()
    assert "(差し戻し)" in history and "(下書き)" in history and "(承認済)" in history
    assert not re.search(r"\((?:draft|approved|returned)\)", history)
    # saved again, it is a draft awaiting approval once more
    assert sangyo.post(url, {"value": "27", "note": "訂正", "version": str(a.version)}).status_code == 302
    assert m.ActualValue.objects.get(pk=old.pk).status == "draft"
    assert f'href="/staff/approvals/{a.pk}/return/"' in kikaku.get("/staff/approvals/").content.decode()
    # returning something that is not a draft changes nothing
    approved = m.ActualValue.objects.filter(status="approved").first()
    assert approved is not None
    before = approved.history.count()
    r = kikaku.post(
        f"/staff/approvals/{approved.pk}/return/", {"reason": "x", "version": approved.version}, follow=True
    )
    assert "下書きだけ" in r.content.decode() and approved.history.count() == before


def test_entry_workbook_written_for_a_department_reads_back_without_its_extra_sheet(tmp_path: Path) -> None:
    """The reader takes the sheet 実績入力 and ignores 過去の実績 and the 担当課 column (no database)."""
    from machikpi.adapters.actual_entry import read_table, write_template
    from machikpi.adapters.storage.actuals import SeriesInfo

    info = SeriesInfo(
        series_id=7,
        plan_doc="p.txt",
        plan_title="計画",
        path=("目標",),
        name="参加者数",
        group=None,
        unit="人",
        baseline="10人",
        target="20人",
        last=(2024, 12.0),
        current=None,
        known=(10.0, 20.0, 12.0),
        present=True,
    )
    path = tmp_path / "e.xlsx"
    assert (
        write_template(
            [info], 2025, path, departments={7: "産業振興課"}, earlier={7: {2023: "11", 2024: "12"}}
        )
        == 1
    )
    table = read_table(path)
    assert table.sheet == "実績入力" and "担当課" in table.columns
    assert table.rows[0][1]["ID"] == 7 and table.rows[0][1]["担当課"] == "産業振興課"


def test_planning_runs_the_evaluation_of_a_year_choosing_the_rule_set_by_its_japanese_name(staff):
    from machikpi.adapters.storage import models as m

    assert client_for("sangyo").get("/staff/evaluate/").status_code == 403
    c = client_for("kikaku")
    page = c.get("/staff/evaluate/").content.decode()
    assert "基準値・目標値との比較による5段階評価 (S/A/B/C/−)" in page  # baseline-band's title
    labels = re.findall(
        r'<label for="id_rules_\d+"><input[^>]*value="([^"]+)"[^>]*>\s*(.*?)</label>', page, re.S
    )
    assert {name for name, _label in labels} == {"baseline-band", "pro-rata", "pace", "points-7", "cagr"}
    assert all(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", label) for _name, label in labels), labels
    assert not m.Evaluation.objects.filter(rules="pro-rata").exists()
    r = c.post("/staff/evaluate/", {"year": 2024, "rules": "pro-rata"}, follow=True)
    n = m.Series.objects.count()
    assert f"按分目標に対する達成度 (①/②/③)」で評価しました: {n} 系列" in r.content.decode()
    assert m.Evaluation.objects.filter(rules="pro-rata", year=2024).count() == n
    assert c.post("/staff/evaluate/", {"year": 2024, "rules": "no-such"}).status_code == 400


def test_the_history_and_the_conflict_page_speak_japanese_and_japan_time(staff):
    from datetime import UTC, datetime

    from machikpi.adapters.storage import models as m

    s = dept_series("産業振興課", approved_year=2025)
    a = m.ActualValue.objects.get(series=s, year=2025)
    created = a.history.get(action="create")
    m.ActualChange.objects.filter(pk=created.pk).update(at=datetime(2025, 3, 31, 15, 30, tzinfo=UTC))
    history = client_for("kikaku").get(f"/staff/history/?indicator={s.indicator_id}").content.decode()
    assert "2025-04-01 00:30:00" in history and "日時(日本時間)" in history  # 15:30 UTC is 00:30 in Tokyo
    assert "(承認済)" in history and not re.search(r"\((?:draft|approved|returned)\)", history)
    # the conflict page names the other person's state in words
    url = f"/staff/values/{s.pk}/2025/"
    r = client_for("sangyo").post(url, {"value": "5", "note": "確認", "version": str(a.version - 1)})
    assert r.status_code == 409
    page = r.content.decode()
    assert "ほかの人が先に保存しました" in page and "<td>承認済</td>" in page and ">approved<" not in page
