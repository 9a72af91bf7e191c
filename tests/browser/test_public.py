"""A citizen on the public site, in Chromium: from the plans list down to an indicator,
its printed baseline and target (as seed 002 prints them), its published actual
values, the CSV download, search, and reading without JavaScript.

The demo (tests/browser/conftest.py): seed 002 (伊豆の国市) line 269 prints
``市内総生産額\t1,997億円\t2,097億円`` (baseline, target); the invented actual
values are 1983 (FY2024) and 1987 (FY2025), approved.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from machikpi.samples import SEEDS_DIR
from tests.browser.conftest import TEST_DOC, TEST_INDICATOR, NewPage, Site, goto

pytestmark = pytest.mark.db

SEED_LINE = 269


def printed_values() -> tuple[str, str]:
    """(baseline, target) as seed 002 prints them on :data:`SEED_LINE` (tab-separated, NFKC)."""
    line = (SEEDS_DIR / TEST_DOC).read_text(encoding="utf-8").splitlines()[SEED_LINE - 1]
    name, baseline, target = (unicodedata.normalize("NFKC", c).strip() for c in line.split("\t"))
    assert name == TEST_INDICATOR, line
    return baseline, target


def facts(page: Any, heading: str) -> dict[str, str]:
    """The ``dt → dd`` texts of the definition list in the section headed ``heading``."""
    section = page.locator("section", has=page.get_by_role("heading", name=heading, exact=True)).first
    terms = section.locator("dl dt").all_inner_texts()
    values = section.locator("dl dd").all_inner_texts()
    return {t.strip(): " ".join(v.split()) for t, v in zip(terms, values, strict=True)}


def table_rows(page: Any, caption: str) -> list[list[str]]:
    """The body rows (cell texts) of the table whose caption starts with ``caption``."""
    table = page.locator("table", has=page.locator("caption", has_text=caption)).first
    rows = []
    for row in table.locator("tbody tr").all():
        rows.append([" ".join(c.split()) for c in row.locator("th, td").all_inner_texts()])
    return rows


def test_citizen_reads_an_indicator_from_the_plans_list_and_downloads_its_csv(page: Any, site: Site) -> None:
    demo = site.demo
    goto(page, "/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.get_by_role("link", name=demo.plan_title, exact=True).first.click()
    assert page.url == f"{site.url}/plans/{demo.plan_id}/"
    assert page.get_by_role("heading", level=1).inner_text().strip() == demo.plan_title
    # the hierarchy with a grade summary per node: 4 goals, each with its tally of grades
    rows = page.locator("ul.tree > li > .tree-row")
    assert rows.count() == 4
    goal = page.locator(".tree-row", has=page.get_by_role("link", name=demo.node_title))
    assert goal.locator(".tally .grade").count() >= 1

    goal.get_by_role("link", name=demo.node_title).click()
    assert page.url.startswith(f"{site.url}/nodes/{demo.node_id}/")
    assert demo.node_title in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name=TEST_INDICATOR, exact=True).first.click()
    assert page.url.startswith(f"{site.url}/indicators/{demo.indicator_id}/")
    assert page.get_by_role("heading", level=1).inner_text().strip() == TEST_INDICATOR

    # baseline and target as the plan document prints them
    baseline, target = printed_values()
    assert (baseline, target) == ("1,997億円", "2,097億円")
    shown = facts(page, "基準値と目標値")
    assert shown["基準値"].startswith(baseline), shown
    assert shown["目標値"].startswith(target), shown
    assert facts(page, "指標の概要")["単位"] == "億円"
    # the published actual values, and the chart's numbers as a table (target year 2029)
    actuals = {r[0]: r[1] for r in table_rows(page, "実績値（公表済み）")}
    assert actuals == {"2024年度": "1,983億円", "2025年度": "1,987億円"}
    chart = {r[0]: r[1:] for r in table_rows(page, "グラフの数値")}
    assert chart["2029"][1] == "2,097" and chart["2025"][3] == "1,987", chart
    assert page.locator("figure.chart svg").count() == 1

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("^CSV")).click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), data[:10]  # UTF-8 with BOM (Excel opens it as UTF-8)
    records = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {r["指標"] for r in records} == {TEST_INDICATOR}
    by_kind = {(r["種別"], r["年度"]): (r["値"], r["表記"]) for r in records}
    assert by_kind[("基準値", "2024")] == ("1997", baseline)
    assert by_kind[("目標値", "2029")] == ("2097", target)
    assert by_kind[("実績値", "2025")][0] == "1987"
    assert by_kind[("実績値", "2024")][0] == "1983"


def test_search_finds_the_indicator(page: Any, site: Site) -> None:
    goto(page, "/search/")
    page.get_by_role("searchbox").fill("総生産")
    page.get_by_role("button", name="検索").click()
    hit = page.locator("ol.hits").get_by_role("link", name=TEST_INDICATOR, exact=True)
    assert hit.count() == 1
    hit.click()
    assert page.url == f"{site.url}/indicators/{site.demo.indicator_id}/"


def test_pages_can_be_read_without_javascript(new_page: NewPage, site: Site) -> None:
    page = new_page(javascript=False)
    goto(page, f"/indicators/{site.demo.indicator_id}/")
    # scripts really are off in this context
    page.set_content("<p id=t>static</p><script>document.getElementById('t').textContent='scripted'</script>")
    assert page.locator("#t").inner_text() == "static"
    goto(page, f"/indicators/{site.demo.indicator_id}/")
    actuals = {r[0]: r[1] for r in table_rows(page, "実績値（公表済み）")}
    assert actuals["2025年度"] == "1,987億円"
    chart = {r[0]: r[1:] for r in table_rows(page, "グラフの数値")}
    assert chart["2029"][1] == "2,097"
    assert page.locator("figure.chart svg").count() == 1  # inline SVG, no script draws it
    grades = table_rows(page, "年度ごとの評価")
    assert [r[0] for r in grades] == ["2025年度", "2024年度"]
    # choosing another evaluation is a plain form (GET)
    goto(page, f"/plans/{site.demo.plan_id}/")
    page.get_by_label("ほかの評価を表示").select_option("2024:baseline-band")
    page.get_by_role("button", name="表示", exact=True).click()
    assert "eval=2024" in page.url
    assert "2024年度の評価" in page.locator("#main").inner_text()
    # and so is the language switch (POST form)
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().strip() == site.demo.plan_title
