"""The 効果検証 walk of issue 12 in Chromium, role by role:

* a 担当課 downloads its workbook, fills it, uploads it and writes (and submits) its
  取組の成果と課題 for the test indicator;
* 企画政策課 returns one value with a reason, approves the rest, approves the 効果検証,
  runs the evaluation and downloads the PDF report, which holds the approved text;
* the committee writes a 外部評価, which the public node page shows only after
  企画政策課 approves it, under the committee's name, not the login name;
* a citizen opens the 評価の方法 page from a grade.

The demo is filled again after this test (tests/browser/conftest.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import PLANNING_USER, TEST_INDICATOR, NewPage, Site, goto, login, orm
from tests.conftest import require

pytestmark = pytest.mark.db

RESULTS = "企業誘致の相談会を3回開催し、2社が立地した。課題は市内企業の人材確保。"
EXTERNAL = "市内総生産の伸びは緩やかであり、成長分野への重点的な支援を求める。"
COMMITTEE = "伊豆の国市総合戦略推進会議"


def messages(page: Any) -> str:
    return str(page.locator("ul.messages").inner_text())


def set_committee_name(name: str) -> None:
    from machikpi.adapters.storage import models as m

    m.ReviewSetting.objects.update_or_create(pk=1, defaults={"committee_name": name})


def statuses(series_id: int, other_id: int) -> tuple[str, str]:
    from machikpi.adapters.storage import models as m

    return (
        m.ActualValue.objects.get(series_id=series_id, year=2025).status,
        m.ActualValue.objects.get(series_id=other_id, year=2025).status,
    )


def test_the_effect_review_walk_of_every_role(new_page: NewPage, site: Site, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    demo = site.demo
    # --- 担当課: workbook down, filled, up; then its 取組の成果と課題 -------------------------------
    staff = new_page()
    login(staff, demo.department_user)
    goto(staff, "/staff/?year=2025")
    with staff.expect_download() as download:
        staff.get_by_role("link", name=re.compile(r"入力ファイル\(Excel\)をダウンロード")).click()
    book = tmp_path / "entry.xlsx"
    download.value.save_as(book)
    wb = load_workbook(book)
    ws = wb["実績入力"]
    header = [c.value for c in ws[1]]
    value_col = header.index("実績値")
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    rows[demo.series_id][value_col].value = "2,060"
    numbers: dict[Any, tuple[Any, float]] = {
        sid: (r, float(v))
        for sid, r in rows.items()
        if sid != demo.series_id and isinstance(v := r[value_col].value, (int, float)) and v > 0
    }
    other_id = next(iter(numbers))
    other, number = numbers[other_id]
    other[value_col].value = number + 1
    wb.save(book)
    goto(staff, "/staff/upload/")
    staff.get_by_label(re.compile("^入力ファイル")).set_input_files(str(book))
    staff.get_by_role("button", name="内容を確認する").click()
    staff.get_by_role("button", name=re.compile("^この内容で登録する")).click()
    assert "変更 2 件" in messages(staff)
    assert orm(statuses, demo.series_id, other_id) == ("draft", "draft")

    goto(staff, "/staff/?year=2025")
    staff.get_by_role("link", name=re.compile("の効果検証")).click()
    row = staff.locator("tr", has=staff.get_by_role("rowheader", name=TEST_INDICATOR, exact=True))
    assert "未記入" in row.inner_text()
    row.get_by_role("link", name=re.compile("^記入")).click()
    staff.get_by_label("取組の成果と課題").fill(RESULTS)
    staff.get_by_label("今後の方向性").select_option(label="継続")
    staff.get_by_label("内部評価").fill("B おおむね順調")
    staff.get_by_role("button", name="企画政策課に提出する").click()
    assert "効果検証を提出しました" in messages(staff)
    row = staff.locator("tr", has=staff.get_by_role("rowheader", name=TEST_INDICATOR, exact=True))
    assert "提出済" in row.inner_text() and "継続" in row.inner_text()

    citizen = new_page()
    goto(citizen, f"/nodes/{demo.node_id}/")
    assert RESULTS not in citizen.locator("#main").inner_text()  # not approved yet

    # --- 企画政策課: one value returned with a reason, the rest approved, the review approved ------
    planner = new_page()
    login(planner, PLANNING_USER)
    goto(planner, "/staff/approvals/")
    draft = planner.locator("tr", has=planner.get_by_role("rowheader", name=re.compile(TEST_INDICATOR)))
    draft.get_by_role("link", name=re.compile("^差し戻す")).click()
    planner.get_by_label(re.compile("^差し戻しの理由")).fill("増加の理由を備考に書いてください")
    planner.get_by_role("button", name="差し戻す").click()
    assert "差し戻しました" in messages(planner)
    goto(planner, "/staff/approvals/")
    boxes = planner.locator("input[name=approve]")
    assert boxes.count() == 1
    boxes.check()
    planner.get_by_role("button", name="選んだ値をまとめて承認").click()
    assert "1 件を承認しました" in messages(planner)
    assert orm(statuses, demo.series_id, other_id) == ("returned", "approved")

    goto(planner, "/staff/review/approvals/")
    entry = planner.locator("tr", has=planner.get_by_role("rowheader", name=TEST_INDICATOR, exact=True))
    assert RESULTS in entry.inner_text()
    entry.get_by_role("button", name=re.compile("^承認")).click()
    assert "承認しました" in messages(planner)

    goto(planner, "/staff/evaluate/")
    planner.get_by_label("評価年度").fill("2025")
    planner.locator("input[name=rules][value=baseline-band]").check()
    planner.get_by_role("button", name="評価する").click()
    assert "評価しました" in messages(planner)

    # the report is of one municipality, built in the background, then downloaded
    from machikpi.adapters.services.documents import run_pending

    def owner_of_node(node_id: int) -> str:
        from machikpi.adapters.storage import models as m

        plan = m.Node.objects.select_related("plan").get(pk=node_id).plan
        return str(plan.municipality_id) if plan.municipality_id else "none"

    goto(planner, "/staff/reports/")
    planner.select_option("#id_municipality", value=orm(owner_of_node, demo.node_id))
    planner.get_by_label("評価年度").fill("2025")
    planner.get_by_label("評価ルール").select_option(value="baseline-band")
    planner.get_by_role("radio", name="PDF").check()
    planner.click("button:has-text('作成してダウンロード')")
    planner.wait_for_url(re.compile(r"/staff/reports/\d+/$"))
    orm(run_pending)  # the task runner's worker (a thread of `machikpi serve`), here in batch mode
    link = planner.locator("a", has_text=re.compile(r"machikpi-report-.*\.pdf"))
    link.wait_for(timeout=60_000)
    with planner.expect_download() as pdf_download:
        link.click()
    pdf = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf)
    assert pdf.read_bytes()[:4] == b"%PDF"
    pdftotext = shutil.which("pdftotext")
    require(pdftotext is not None, "pdftotext (Debian package poppler-utils)")
    assert pdftotext is not None
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", RESULTS) in flat and "取組の成果と課題" in flat

    goto(citizen, f"/nodes/{demo.node_id}/")
    review = citizen.locator("section", has=citizen.locator("#review-heading")).inner_text()
    assert RESULTS in review and "継続" in review and "B おおむね順調" in review

    # --- the committee: a 外部評価, public only after approval, under the committee's name ---------
    orm(set_committee_name, COMMITTEE)
    committee = new_page()
    login(committee, "iinkai")
    goto(committee, "/staff/review/external/?year=2025")
    committee.get_by_label("対象(目標・施策)").select_option(value=str(demo.node_id))
    committee.locator("#id_year").fill("2025")
    committee.get_by_label("外部評価", exact=True).fill(EXTERNAL)
    committee.get_by_role("button", name=re.compile("^保存する")).click()
    assert "企画政策課の承認後" in messages(committee) and COMMITTEE in messages(committee)
    goto(citizen, f"/nodes/{demo.node_id}/")
    assert EXTERNAL not in citizen.locator("#main").inner_text()

    goto(planner, "/staff/review/approvals/")
    ext = planner.locator(
        "tr", has=planner.get_by_role("rowheader", name=re.compile(re.escape(demo.node_title)))
    )
    assert EXTERNAL in ext.inner_text()
    ext.get_by_role("button", name=re.compile("^承認して公開")).click()
    assert "承認しました" in messages(planner)

    goto(citizen, f"/nodes/{demo.node_id}/")
    published = citizen.locator("section", has=citizen.locator("#external-heading")).inner_text()
    assert EXTERNAL in published and COMMITTEE in published and "iinkai" not in published

    # --- a citizen: from a grade to the 評価の方法 page --------------------------------------------
    grade = citizen.locator("a[title='評価の意味']").first
    assert grade.count() == 1
    with citizen.expect_navigation():
        grade.click()
    assert "/methods/" in citizen.url
    assert "評価の方法" in citizen.locator("#main").inner_text()
