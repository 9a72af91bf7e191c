"""Staff in Chromium: a department user enters a value, it stays a draft and off the
public page until a planning user approves it; an approved entry, and a published
value changed by an upload, are reverted from the history page and the public page
shows the old value again; two people saving the same value get a conflict, not a
silent overwrite.

The test indicator is seed 002's 市内総生産額 (owned by the demo's 産業振興課),
published 1983 (FY2024) and 1987 (FY2025). The demo is filled again after a test
that changed it (tests/browser/conftest.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from machikpi.samples import ROOT
from tests.browser.conftest import (
    PLANNING_USER,
    TEST_DOC,
    TEST_INDICATOR,
    NewPage,
    Site,
    assert_accessible,
    goto,
    login,
    orm,
)

pytestmark = pytest.mark.db


def public_actuals(page: Any, site: Site) -> dict[str, str]:
    """Year → published actual text on the public indicator page (a fresh load)."""
    goto(page, f"/indicators/{site.demo.indicator_id}/")
    table = page.locator("table", has=page.locator("caption", has_text="実績値（公表済み）"))
    return {
        r.locator("th").inner_text().strip(): r.locator("td").first.inner_text().strip()
        for r in table.locator("tbody tr").all()
    }


def public_text(page: Any) -> str:
    """The text of the page's main content without the chart's axis labels (a tick
    may print any round number), keeping the chart's title and description, which
    name every value the chart shows."""
    return str(
        page.evaluate(
            """() => { const m = document.querySelector('#main').cloneNode(true);
            m.querySelectorAll('svg text').forEach(t => t.remove());
            return m.textContent; }"""
        )
    )


def my_updates_state(page: Any) -> str:
    """The 今年度の状態 cell of the test indicator on My updates (FY2025)."""
    goto(page, "/staff/?year=2025")
    row = page.locator("tr", has=page.get_by_role("rowheader", name=TEST_INDICATOR, exact=True))
    assert row.count() == 1
    return " ".join(row.locator("td[class^=state-]").inner_text().split())


def messages(page: Any) -> str:
    return page.locator("ul.messages").inner_text()


def stored(series_id: int, year: int) -> tuple[str, str, str | None]:
    """(raw, status, approved_raw) of the stored actual value."""
    from machikpi.adapters.storage import models as m

    a = m.ActualValue.objects.get(series_id=series_id, year=year)
    return a.raw, a.status, a.approved_raw


def test_department_draft_is_public_only_after_planning_approves_it(new_page: NewPage, site: Site) -> None:
    demo = site.demo
    citizen = new_page()
    assert public_actuals(citizen, site)["2025年度"] == "1,987億円"

    staff = new_page()
    login(staff, demo.department_user)
    assert my_updates_state(staff) == "承認済: 1987"
    row = staff.locator("tr", has=staff.get_by_role("rowheader", name=TEST_INDICATOR, exact=True))
    row.get_by_role("link", name=re.compile("^修正")).click()
    assert staff.url.endswith(f"/staff/values/{demo.series_id}/2025/")
    staff.get_by_label(re.compile("^実績値")).fill("2,050")
    staff.get_by_label("備考").fill("ブラウザテストの入力")
    staff.get_by_role("button", name="下書きとして保存").click()
    assert "下書きとして保存しました" in messages(staff)
    # the department sees its draft next to the published value …
    assert my_updates_state(staff) == "下書き: 2,050 (公開中: 1987)"
    assert orm(stored, demo.series_id, 2025) == ("2,050", "draft", "1987")
    # … and the public does not see it
    shown = public_actuals(citizen, site)
    assert shown["2025年度"] == "1,987億円"
    assert "2,050" not in public_text(citizen)
    # a department user cannot approve (no approvals page for the role)
    response = staff.goto("/staff/approvals/")
    assert response is not None and response.status == 403

    planner = new_page()
    login(planner, PLANNING_USER)
    goto(planner, "/staff/approvals/")
    draft = planner.locator("tr", has=planner.get_by_role("rowheader", name=re.compile(TEST_INDICATOR)))
    assert draft.count() == 1
    cells = [" ".join(t.split()) for t in draft.locator("td").all_inner_texts()]
    assert "1987" in cells and "2,050" in cells and demo.department_user in cells, cells
    draft.get_by_role("button", name=re.compile("^承認")).click()
    assert "1 件を承認しました" in messages(planner)
    assert "承認待ちの値はありません" in planner.locator("#main").inner_text()

    assert public_actuals(citizen, site)["2025年度"] == "2,050億円"
    # the evaluation of FY2025 was made again with the approved value
    history = citizen.locator("table", has=citizen.locator("caption", has_text="年度ごとの評価"))
    fy2025 = history.locator("tr", has=citizen.get_by_role("rowheader", name="2025年度"))
    assert fy2025.locator("td.num").first.inner_text().strip() == "2,050"
    assert my_updates_state(staff) == "承認済: 2,050"


def test_revert_on_the_history_page_restores_the_published_value(
    new_page: NewPage, site: Site, tmp_path: Path
) -> None:
    demo = site.demo
    planner = new_page()
    login(planner, PLANNING_USER)
    # a correction uploaded as approved (the entry CSV's columns, as samples/demo_actuals.csv)
    header = (ROOT / "demo_actuals.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    entry = tmp_path / "correction.csv"
    entry.write_text(
        f"{header}\n{TEST_DOC},{demo.node_title},{TEST_INDICATOR},,億円,2025,2100,訂正(ブラウザテスト)\n",
        encoding="utf-8-sig",
    )
    goto(planner, "/staff/upload/")
    planner.get_by_label(re.compile("^入力ファイル")).set_input_files(str(entry))
    planner.get_by_role("radio", name=re.compile("承認済")).check()
    planner.get_by_role("button", name="内容を確認する").click()
    preview = planner.locator("tr", has=planner.get_by_role("rowheader", name=TEST_INDICATOR))
    cells = [" ".join(t.split()) for t in preview.locator("td").all_inner_texts()]
    assert "1987 (承認済)" in cells and "2100" in cells and "変更" in cells, cells
    assert orm(stored, demo.series_id, 2025) == ("1987", "approved", "1987")  # nothing stored yet
    assert_accessible(planner)  # the preview page
    planner.get_by_role("button", name=re.compile("^この内容で登録する")).click()
    assert "変更 1 件" in messages(planner)

    citizen = new_page()
    assert public_actuals(citizen, site)["2025年度"] == "2,100億円"

    goto(planner, f"/staff/history/?plan={demo.plan_id}&indicator={demo.indicator_id}")
    latest = planner.locator("tbody tr").first
    assert "2100 (承認済)" in latest.inner_text()
    latest.get_by_role("link", name=re.compile("^取り消す")).click()
    # a revert asks for confirmation and a reason
    planner.get_by_label(re.compile("^取り消しの理由")).fill("訂正を戻す(ブラウザテスト)")
    planner.get_by_role("button", name="取り消す").click()
    assert "を取り消しました" in messages(planner)
    revert = planner.locator("tbody tr").first
    assert "1987 (承認済)" in revert.inner_text() and "訂正を戻す(ブラウザテスト)" in revert.inner_text()
    # the revert is itself a change in the history, and the reverted change can no longer be reverted
    assert planner.locator("tbody tr").nth(1).get_by_role("link", name=re.compile("^取り消す")).count() == 0

    assert public_actuals(citizen, site)["2025年度"] == "1,987億円"
    assert "2,100" not in public_text(citizen)
    assert orm(stored, demo.series_id, 2025)[1:] == ("approved", "1987")


def test_two_people_saving_the_same_value_get_a_conflict(new_page: NewPage, site: Site) -> None:
    demo = site.demo
    first, second = new_page(), new_page()
    login(first, demo.department_user)
    login(second, PLANNING_USER)
    form = f"/staff/values/{demo.series_id}/2024/"
    goto(first, form)
    goto(second, form)
    first.get_by_label(re.compile("^実績値")).fill("1990")
    first.get_by_role("button", name="下書きとして保存").click()
    assert "下書きとして保存しました" in messages(first)
    second.get_by_label(re.compile("^実績値")).fill("1995")
    with second.expect_response(lambda r: r.request.method == "POST") as answer:
        second.get_by_role("button", name="下書きとして保存").click()
    assert answer.value.status == 409
    # the second person is shown the first one's value; nothing was overwritten
    assert "1990" in second.locator("#main").inner_text()
    assert_accessible(second)  # the conflict page
    assert orm(stored, demo.series_id, 2024) == ("1990", "draft", "1983")


def enter_and_approve(series_id: int, year: int, raw: str, value: float) -> None:
    """A department's draft of ``raw`` approved by planning (as the first test does in the browser)."""
    from django.db import transaction

    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import approve_actual, record_actual

    with transaction.atomic():
        record_actual(series_id, year, value=value, raw=raw, note="", who="sangyo", status="draft")
        approve_actual(m.ActualValue.objects.get(series_id=series_id, year=year).pk, "kikaku")


def test_an_approved_entry_is_reverted_on_the_history_page(new_page: NewPage, site: Site) -> None:
    demo = site.demo
    orm(enter_and_approve, demo.series_id, 2025, "2,050", 2050.0)
    citizen = new_page()
    assert public_actuals(citizen, site)["2025年度"] == "2,050億円"
    planner = new_page()
    login(planner, PLANNING_USER)
    goto(planner, f"/staff/history/?plan={demo.plan_id}&indicator={demo.indicator_id}&year=2025")
    entered = (
        planner.locator("tbody tr")
        .filter(has=planner.locator("td:nth-child(4)", has_text=re.compile("^変更$")))
        .filter(has_text="2,050 (下書き)")
    )
    assert entered.count() == 1
    assert entered.get_by_role("link", name=re.compile("^取り消す")).count() == 1, "no revert link"
    entered.get_by_role("link", name=re.compile("^取り消す")).click()
    planner.get_by_label(re.compile("^取り消しの理由")).fill("誤入力")
    planner.get_by_role("button", name="取り消す").click()
    assert "を取り消しました" in messages(planner)
    assert public_actuals(citizen, site)["2025年度"] == "1,987億円"
    grades = citizen.locator("table", has=citizen.locator("caption", has_text="年度ごとの評価"))
    fy2025 = grades.locator("tr", has=citizen.get_by_role("rowheader", name="2025年度"))
    assert fy2025.locator("td.num").first.inner_text().strip() == "1,987"
    assert orm(stored, demo.series_id, 2025) == ("1987", "approved", "1987")


def test_a_department_fills_its_workbook_and_planning_returns_a_value_with_a_reason(
    new_page: NewPage, site: Site, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    demo = site.demo
    staff = new_page()
    login(staff, demo.department_user)
    goto(staff, "/staff/?year=2025")
    with staff.expect_download() as download:
        staff.get_by_role("link", name=re.compile(r"入力ファイル\(Excel\)をダウンロード")).click()
    path = tmp_path / "entry.xlsx"
    download.value.save_as(path)
    assert download.value.suggested_filename.endswith("2025年度.xlsx")
    wb = load_workbook(path)
    ws = wb["実績入力"]
    header = [c.value for c in ws[1]]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert demo.series_id in rows and {r[header.index("担当課")].value for r in rows.values()} == {
        "産業振興課"
    }
    rows[demo.series_id][header.index("実績値")].value = "2,060"
    rows[demo.series_id][header.index("備考")].value = "ワークブックから(ブラウザテスト)"
    wb.save(path)

    goto(staff, "/staff/upload/")
    staff.get_by_label(re.compile("^入力ファイル")).set_input_files(str(path))
    staff.get_by_role("button", name="内容を確認する").click()
    staff.get_by_role("button", name=re.compile("^この内容で登録する")).click()
    assert "変更 1 件" in messages(staff)
    assert orm(stored, demo.series_id, 2025) == ("2,060", "draft", "1987")

    planner = new_page()
    login(planner, PLANNING_USER)
    goto(planner, "/staff/approvals/")
    draft = planner.locator("tr", has=planner.get_by_role("rowheader", name=re.compile(TEST_INDICATOR)))
    draft.get_by_role("link", name=re.compile("^差し戻す")).click()
    assert_accessible(planner)  # the return page
    planner.get_by_label(re.compile("^差し戻しの理由")).fill("前年度との差の理由を備考に書いてください")
    planner.get_by_role("button", name="差し戻す").click()
    assert "差し戻しました" in messages(planner)
    assert orm(stored, demo.series_id, 2025) == ("2,060", "returned", "1987")

    state = my_updates_state(staff)
    assert state.startswith("差し戻し: 2,060") and "前年度との差の理由を備考に書いてください" in state, state
    assert_accessible(staff)  # My updates with the returned value


def test_a_report_is_built_in_the_background_and_then_downloaded(page: Any, site: Site) -> None:
    from machikpi.adapters.services.documents import run_pending

    login(page, PLANNING_USER)
    goto(page, "/staff/reports/")
    page.select_option("#id_municipality", label="群馬県伊勢崎市（102041）")
    page.fill("#id_year", "2025")
    page.check("input[name=format][value=html]")
    page.click("button:has-text('作成してダウンロード')")
    page.wait_for_url(re.compile(r"/staff/reports/\d+/$"))
    assert page.locator("progress").count() == 1 and "状態を更新" in page.inner_text("#main")
    assert_accessible(page)
    orm(run_pending)  # the task runner's worker (a thread of `machikpi serve`), here in batch mode
    # the page's script asks the status and reloads the page when the document is done
    link = page.locator("a", has_text="machikpi-report-102041-2025-baseline-band.html")
    link.wait_for(timeout=15000)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "machikpi-report-102041-2025-baseline-band.html"
    assert "群馬県伊勢崎市 効果検証報告書" in Path(download.value.path()).read_text(encoding="utf-8")
    # the same request again: served from storage, straight to the download
    goto(page, "/staff/reports/")
    page.select_option("#id_municipality", label="群馬県伊勢崎市（102041）")
    page.fill("#id_year", "2025")
    page.check("input[name=format][value=html]")
    with page.expect_download() as again:
        page.click("button:has-text('作成してダウンロード')")
    assert again.value.suggested_filename == download.value.suggested_filename
