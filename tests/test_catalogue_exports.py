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
