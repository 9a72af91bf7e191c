"""Issue 14 beyond the public pages: the SDG goals and catalogue concepts in the API and the
public downloads, and the 政策連携プラン and SDG goals in the evaluation report — on seed 004
(本庄市, whose 第7章 prints five 政策連携プラン)."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from machikpi.core.catalogue import concept as catalogue_concept
from machikpi.core.sdgs import goal as sdg_goal
from machikpi.samples import ROOT, SEEDS_DIR
from tests.storage_db import database_url, db

__all__ = ["database_url", "db"]

pytestmark = pytest.mark.db

SEED_004 = SEEDS_DIR / "004_ce2878ebb8c6f072.txt"  # 本庄市: 第7章 政策連携プラン
CRIME = "刑法犯認知件数"  # of measure 5-4 防犯対策の推進, concept crimes, SDG 16 suggested


@pytest.fixture
def seeded(db: str, tmp_path: Path) -> dict[str, Any]:
    """Seed 004 stored with its demo actuals and evaluated for FY2025; the planning office
    confirmed the suggested goal 16 of measure 5-4 and added goal 11 to it, and rejected the
    suggested goal 3 of measure 5-5 (which keeps its suggestion 11, unreviewed)."""
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.services.entries import import_actual_file
    from machikpi.adapters.services.plans import store_documents
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.catalogue import set_node_sdg
    from machikpi.adapters.storage.evaluations import evaluate_stored

    store_documents([SEED_004], warn=lambda _m: None)
    lines = (ROOT / "demo_actuals.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    actuals = tmp_path / "actuals.csv"  # the demo actuals of seed 004 alone
    actuals.write_text("".join([lines[0], *(ln for ln in lines if ln.startswith(SEED_004.name))]), "utf-8")
    import_actual_file(actuals, who="demo", warn=lambda _m: None)
    evaluate_stored(2025, load_ruleset("baseline-band"))
    node = m.Node.objects.get(plan__doc=SEED_004.name, code="5-4")
    assert m.NodeSdg.objects.filter(node=node, goal=16, state=m.NodeSdg.SUGGESTED).exists()
    set_node_sdg(node.pk, 16, m.NodeSdg.CONFIRMED, "kikaku")
    set_node_sdg(node.pk, 11, m.NodeSdg.CONFIRMED, "kikaku")  # added by a person
    other = m.Node.objects.get(plan__doc=SEED_004.name, code="5-5")  # suggested 3 and 11
    assert set(other.sdgs.values_list("goal", flat=True)) == {3, 11}
    set_node_sdg(other.pk, 3, m.NodeSdg.REJECTED, "kikaku")
    ind = m.Indicator.objects.get(plan__doc=SEED_004.name, name=CRIME)
    assert ind.node_id == node.pk
    return {"db": db, "plan": node.plan_id, "node": node.pk, "other": other.pk, "indicator": ind.pk}


def api(url: str) -> Any:
    from rest_framework.test import APIClient

    r = APIClient().get(url)
    assert r.status_code == 200, (url, r.status_code, r.content[:300])
    return r.json()


def expected_goals(node_id: int) -> list[dict[str, Any]]:
    """The public goals of a node straight from the table (not rejected, in goal order)."""
    from machikpi.adapters.storage import models as m

    rows = m.NodeSdg.objects.filter(node_id=node_id).exclude(state=m.NodeSdg.REJECTED).order_by("goal")
    return [
        {"number": r.goal, "short": sdg_goal(r.goal).short, "confirmed": r.state == m.NodeSdg.CONFIRMED}
        for r in rows
    ]


def walk(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in nodes:
        out.append(n)
        out.extend(walk(n["children"]))
    return out


def test_the_api_gives_each_node_its_sdg_goals_and_each_indicator_its_concept(
    seeded: dict[str, Any],
) -> None:
    from machikpi.adapters.storage import models as m

    node = api(f"/api/nodes/{seeded['node']}/")
    assert node["sdgs"] == expected_goals(seeded["node"])
    assert node["sdgs"] == [
        {"number": 11, "short": "住み続けられるまちづくりを", "confirmed": True},
        {"number": 16, "short": "平和と公正をすべての人に", "confirmed": True},
    ]
    other = api(f"/api/nodes/{seeded['other']}/")
    assert other["sdgs"] == [{"number": 11, "short": sdg_goal(11).short, "confirmed": False}]  # 3 rejected

    tree = walk(api(f"/api/plans/{seeded['plan']}/")["nodes"])
    with_goals = {n["id"] for n in tree if n["sdgs"]}
    stored = m.NodeSdg.objects.filter(node__plan_id=seeded["plan"], node__present=True)
    assert with_goals == set(stored.exclude(state=m.NodeSdg.REJECTED).values_list("node_id", flat=True))
    assert len(with_goals) > 5 and {seeded["node"], seeded["other"]} <= with_goals
    for n in tree:
        assert n["sdgs"] == expected_goals(n["id"]), n["code"]
        assert all(set(g) == {"number", "short", "confirmed"} for g in n["sdgs"])

    ind = api(f"/api/indicators/{seeded['indicator']}/")
    assert ind["concept"] == {
        "id": "crimes",
        "label": catalogue_concept("crimes").label,
        "score": m.IndicatorConcept.objects.get(indicator_id=seeded["indicator"]).score,
        "confirmed": False,
    }
    assert isinstance(ind["concept"]["score"], float)
    # an indicator without a concept says null
    none = m.IndicatorConcept.objects.filter(indicator__plan_id=seeded["plan"], concept="").first()
    assert none is not None
    assert api(f"/api/indicators/{none.indicator_id}/")["concept"] is None


def test_a_concept_set_by_the_planning_office_is_confirmed_in_the_api(seeded: dict[str, Any]) -> None:
    from machikpi.adapters.storage.catalogue import set_concept

    set_concept(seeded["indicator"], "crimes", "kikaku")
    assert api(f"/api/indicators/{seeded['indicator']}/")["concept"]["confirmed"] is True
    set_concept(seeded["indicator"], "", "kikaku")
    assert api(f"/api/indicators/{seeded['indicator']}/")["concept"] is None


def test_the_download_has_the_sdg_goals_of_the_node_and_the_concept(seeded: dict[str, Any]) -> None:
    from django.test import Client
    from openpyxl import load_workbook

    from machikpi.adapters.web.public.downloads import HEADER

    numbers = [g["number"] for g in expected_goals(seeded["node"])]
    assert numbers == [11, 16]
    resp = Client().get(f"/indicators/{seeded['indicator']}/download.csv")
    assert resp.status_code == 200 and resp.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER and rows[0][-2:] == ["SDGs", "指標カタログの概念ID"]
    assert rows[0][:3] == ["計画", "施策", "指標"]  # earlier columns keep their place
    assert len(rows) > 2
    for r in rows[1:]:
        assert r[2] == CRIME
        assert r[-2] == "11, 16"
        assert r[-1] == "crimes"
    ws = load_workbook(io.BytesIO(Client().get(f"/indicators/{seeded['indicator']}/download.xlsx").content))
    xrows = list(ws["指標"].iter_rows(values_only=True))
    assert list(xrows[0][-2:]) == ["SDGs", "指標カタログの概念ID"]
    assert {(r[-2], r[-1]) for r in xrows[1:]} == {(", ".join(str(n) for n in numbers), "crimes")}


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def seed_004_report(fmt: str) -> bytes:
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.services.reports import make_report, report_bytes

    report = make_report(2025, load_ruleset("baseline-band"), "baseline-band")
    assert [p.doc for p in report.plans] == [SEED_004.name]
    return report_bytes(report, fmt)


def test_the_report_has_the_cross_cutting_plans_with_their_measures_and_grades(
    seeded: dict[str, Any],
) -> None:
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.textfiles import read_source
    from machikpi.core.reader import read_plan

    html = seed_004_report("html").decode("utf-8")
    text = text_of(html)
    start = text.index("政策連携プラン 分野を横断する")
    section = text[start : text.index("目標値が未設定", start)]
    links = read_plan(read_source(SEED_004)).links
    assert len(links) == 5
    for link in links:
        assert link.source_title in section
        assert link.text.split("\n")[0][:30] in section  # its 課題意識
        for code, title in zip(link.target_codes, link.target_titles, strict=True):
            assert f"{code} {title}" in section, (link.source_title, code)
    # a measure of a plan: its indicators with their grades of FY2025, as stored
    # each measure resolved to the plan's node lists the indicators of that node and the nodes
    # below it with their grades of FY2025 as stored, in every 政策連携プラン naming it
    tables = measure_rows(html)
    parents = dict(m.Node.objects.filter(plan_id=seeded["plan"]).values_list("id", "parent_id"))

    def under(node_id: int, top: int) -> bool:
        n: int | None = node_id
        while n is not None:
            if n == top:
                return True
            n = parents.get(n)
        return False

    checked = 0
    for t in m.PlanLinkTarget.objects.filter(link__plan_id=seeded["plan"], node__isnull=False):
        assert t.node_id is not None
        series = [
            s
            for s in m.Series.objects.filter(
                indicator__plan_id=seeded["plan"], indicator__present=True, present=True
            ).select_related("indicator")
            if under(s.indicator.node_id, t.node_id)
        ]
        graded = dict(
            m.Evaluation.objects.filter(series__in=series, year=2025, rules="baseline-band").values_list(
                "series_id", "grade"
            )
        )
        expected = sorted((s.indicator.name, graded.get(s.pk) or "−") for s in series)
        shown = tables[(t.link_id, f"{t.code} {t.title}")]
        assert sorted(shown) == expected, t.code
        checked += sum(1 for _, g in shown if g != "−")
    assert checked >= 20
    assert html.count('<section class="link"') == 5


def test_the_report_shows_the_sdg_goals_next_to_the_headings(seeded: dict[str, Any]) -> None:
    from machikpi.core.sdgs import AA_CONTRAST, contrast_ratio, goals

    html = seed_004_report("html").decode("utf-8")
    flat = " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())
    assert "5-4 防犯対策の推進 SDGs: 11, 16" in flat  # both confirmed: no note
    assert "5-5 " in flat and re.search(r"5-5 [^S]*SDGs: 11（未確認の提案: 11）", flat)
    assert "SDGs: 3" not in flat  # 5-5's rejected goal
    assert 'class="sdg sdg-11 unconfirmed"' in html
    for g in goals():  # the badge colours of the page: official colour, AA contrast
        assert f".sdg-{g.number} {{ background: {g.colour}; color: {g.text}; }}" in html
        assert contrast_ratio(g.colour, g.text) >= AA_CONTRAST


def test_the_report_workbook_has_the_sdg_column_and_the_cross_cutting_plans(seeded: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(seed_004_report("xlsx")))
    assert "政策連携プラン" in wb.sheetnames and wb.sheetnames[-1] == "監査所見"
    found = []
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        head = next((r for r in rows if r and r[0] == "施策"), None)
        if head is None or head[-1] != "SDGs":
            continue
        name = head.index("指標名")
        found += [r[-1] for r in rows if r[name] == CRIME]
    assert found == ["11, 16"]
    links = list(wb["政策連携プラン"].iter_rows(values_only=True))
    assert any(
        r[3] == "5-6 市民サービスの向上" and r[4] == "証明書コンビニ交付サービスの交付数" and r[5]
        for r in links
    )
    texts = [r for r in links if r[1] == "1 塙保己一プラン" and r[2]]
    assert len(texts) == 1 and str(texts[0][2]).startswith("本市出身の盲目の国学者")  # 課題意識 once


def measure_rows(html: str) -> dict[tuple[int, str], list[tuple[str, str]]]:
    """The report's 政策連携プラン tables: (link id, measure heading) → [(indicator, grade)]."""
    from machikpi.adapters.storage import models as m

    ids = list(m.PlanLinkRow.objects.order_by("position", "id").values_list("id", flat=True))
    out: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for k, body in enumerate(re.findall(r'<section class="link".*?</section>', html, flags=re.S)):
        heading = ""
        for tr in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
            th = re.search(r'<th scope="row"[^>]*>([^<]*)</th>', tr)
            if th:
                heading = unescape(th.group(1))
                out.setdefault((ids[k], heading), [])
            cell = re.search(r'<td>([^<]*)</td><td class="grade">([^<]*)</td>', tr)
            if cell:
                out[(ids[k], heading)].append((unescape(cell.group(1)), unescape(cell.group(2))))
    return out


def test_the_pdf_report_has_the_cross_cutting_plans_and_the_sdg_badges(
    seeded: dict[str, Any], tmp_path: Path
) -> None:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(seed_004_report("pdf"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert re.search(r"5-4 防犯対策の推進 SDGs: 11 ?, ?16(?!（)", flat)
    assert re.search(r"5-5 交通安全対策の推進 SDGs: 11 ?（未確認の提案: 11）", flat)
    start = flat.index("政策連携プラン 分野を横断する")
    for title in ("1 塙保己一プラン", "2 本庄版ネウボラ※プラン", "3 まちなか再生にぎわいプラン"):
        assert title in flat[start:], title
    assert "5-6 市民サービスの向上" in flat[start:] and "課題意識" in flat[start:]
