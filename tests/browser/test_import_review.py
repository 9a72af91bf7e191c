"""Plan import in Chromium (issue 11 item 2): 企画政策課 uploads a generated PDF
(seed 002 laid out by :mod:`machikpi.samples.pdf_samples`), sees each indicator
beside its source (page and line, the line highlighted), corrects a target,
assigns a department, publishes, and the public indicator page shows the
corrected value. The plan is not public before 公開. Then (issue 11 item 3) a
revised edition of the PDF, one target changed, shows 改訂の差分 before it is
published and keeps the old target in the plan's target history. The plan the
tests store is removed afterwards so that the demo stays as the other tests
expect it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import PLANNING_USER, TEST_INDICATOR, NewPage, Site, goto, login, orm

pytestmark = pytest.mark.db

PDF_NAME = "izu-import-test.pdf"
SEED = "002_9e8d8679760f1d1c.txt"
DEPARTMENT = "産業振興課"
CORRECTED = "2,300億円"
READ = "2,097億円"


def _remove_plan() -> None:
    from machikpi.adapters.storage import models as m

    m.PlanImport.objects.filter(name=PDF_NAME).delete()
    for plan in m.Plan.objects.filter(doc=PDF_NAME):
        m.Cell.objects.filter(series__indicator__plan=plan).delete()
        m.Series.objects.filter(indicator__plan=plan).delete()
        m.Indicator.objects.filter(plan=plan).delete()
        m.Node.objects.filter(plan=plan, parent__isnull=False).delete()
        m.Node.objects.filter(plan=plan).delete()
        plan.delete()


@pytest.fixture
def plan_pdf(tmp_path: Path, site: Site) -> Iterator[Path]:
    from machikpi.samples.pdf_samples import seed_pdf

    path = tmp_path / PDF_NAME
    path.write_bytes(seed_pdf(SEED))
    orm(_remove_plan)
    yield path
    orm(_remove_plan)


def _stored(doc: str) -> tuple[bool, str, str | None] | None:
    from machikpi.adapters.storage import models as m

    ind = (
        m.Indicator.objects.filter(plan__doc=doc, name=TEST_INDICATOR)
        .select_related("plan", "department")
        .first()
    )
    if ind is None:
        return None
    target = m.Cell.objects.get(series__indicator=ind, kind=m.Cell.TARGET)
    return ind.plan.published, target.raw, ind.department.name if ind.department else None


def _indicator_id(doc: str) -> int:
    from machikpi.adapters.storage import models as m

    return int(m.Indicator.objects.get(plan__doc=doc, name=TEST_INDICATOR).pk)


def test_planning_uploads_a_pdf_corrects_assigns_and_publishes(
    new_page: NewPage, site: Site, plan_pdf: Path
) -> None:
    page: Any = new_page()
    login(page, PLANNING_USER)
    goto(page, "/staff/imports/")
    page.set_input_files("input[name=file]", str(plan_pdf))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("読み取る")).click()
    assert re.search(r"/staff/imports/\d+/$", page.url), page.url
    assert "読み取りました" in page.locator("ul.messages").inner_text()
    # not public yet
    assert orm(_stored, PDF_NAME) is None

    row = page.locator("#indicators tbody tr", has=page.get_by_role("rowheader", name=TEST_INDICATOR))
    assert row.count() == 1
    text = row.inner_text()
    assert READ in text
    assert re.search(r"\d+ページ \d+行目", text), text  # the PDF gave the line its page
    mark = row.locator(".source mark")
    assert TEST_INDICATOR in mark.inner_text()

    with page.expect_navigation():
        row.get_by_role("link", name=re.compile("修正")).click()
    target = page.get_by_label("系列1 目標値1", exact=True)
    assert target.input_value() == READ
    target.fill(CORRECTED)
    page.get_by_label("担当課", exact=True).select_option(DEPARTMENT)
    with page.expect_navigation():
        page.get_by_role("button", name="修正を保存").click()
    row = page.locator("#indicators tbody tr", has=page.get_by_role("rowheader", name=TEST_INDICATOR))
    assert CORRECTED in row.inner_text() and DEPARTMENT in row.inner_text()
    history = page.locator("#corrections").inner_text()
    assert f"{READ} → {CORRECTED}" in history
    assert orm(_stored, PDF_NAME) is None  # still nothing stored

    with page.expect_navigation():
        page.get_by_role("button", name="公開する").click()
    assert "/manage/" in page.url
    assert "公開しました" in page.locator("ul.messages").inner_text()
    assert f"{READ} → {CORRECTED}" in page.locator("#plan-history").inner_text()
    assert orm(_stored, PDF_NAME) == (True, CORRECTED, DEPARTMENT)

    # the public site, without a login: the plan page, then the indicator's page
    public: Any = new_page()
    href = page.get_by_role("link", name="公開ページ").get_attribute("href")
    goto(public, href)
    assert public.locator("h1").inner_text().strip() != ""
    goto(public, f"/indicators/{orm(_indicator_id, PDF_NAME)}/")
    # the indicator's own targets (the page may also compare the same concept in other stored plans)
    targets = public.locator("section", has=public.locator("#targets-1")).inner_text()
    assert CORRECTED in targets
    assert READ not in targets


REVISED = "2,150億円"


def _publish_first_edition(path: Path) -> None:
    from machikpi.adapters.services.imports import create_import, publish

    publish(create_import(path.read_bytes(), PDF_NAME, who=PLANNING_USER), who=PLANNING_USER)


def _revision_state(doc: str) -> tuple[str, list[str]]:
    """The stored target of the test indicator and the old targets kept in its history."""
    from machikpi.adapters.storage import models as m

    ind = m.Indicator.objects.get(plan__doc=doc, name=TEST_INDICATOR)
    target = m.Cell.objects.get(series__indicator=ind, kind=m.Cell.TARGET).raw
    kept = [t["raw"] for r in m.TargetRevision.objects.filter(series__indicator=ind) for t in r.targets]
    return target, kept


def test_planning_uploads_a_revised_pdf_and_sees_its_changes_before_publishing(
    new_page: NewPage, site: Site, plan_pdf: Path, tmp_path: Path
) -> None:
    from machikpi.samples.pdf_samples import seed_pdf

    orm(_publish_first_edition, plan_pdf)
    revised = tmp_path / "revised" / PDF_NAME
    revised.parent.mkdir()
    revised.write_bytes(
        seed_pdf(
            SEED, replace={f"{TEST_INDICATOR}\t1,997億円\t{READ}": f"{TEST_INDICATOR}\t1,997億円\t{REVISED}"}
        )
    )

    page: Any = new_page()
    login(page, PLANNING_USER)
    goto(page, "/staff/imports/")
    page.set_input_files("input[name=file]", str(revised))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("読み取る")).click()
    assert re.search(r"/staff/imports/\d+/$", page.url), page.url

    diff = page.locator("#revision-diff")
    assert diff.get_by_role("heading", name="改訂の差分").is_visible()
    changed = diff.locator("#diff-changed tbody tr")
    assert changed.count() == 1, diff.inner_text()
    text = changed.inner_text()
    assert TEST_INDICATOR in text and "目標値" in text
    assert changed.locator("del").inner_text().startswith(READ)
    assert changed.locator("ins").inner_text().startswith(REVISED)
    assert diff.locator("#diff-new").count() == 0 and diff.locator("#diff-removed").count() == 0
    assert orm(_revision_state, PDF_NAME) == (READ, [])  # nothing changed before 公開

    with page.expect_navigation():
        page.get_by_role("button", name="公開する").click()
    assert "/manage/" in page.url
    assert orm(_revision_state, PDF_NAME) == (REVISED, [READ])
    history = page.locator("#target-history tbody tr", has=page.get_by_role("rowheader", name=TEST_INDICATOR))
    assert READ in history.inner_text() and REVISED in history.inner_text()
