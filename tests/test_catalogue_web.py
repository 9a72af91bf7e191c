"""Issue 14 (items 2, 3, 5) on the stored seeds: catalogue concepts kept with the indicators and
confirmed by staff, SDG goals per node (badges, a page per goal), the same concept across
plans, the 政策連携プラン of seed 004, and evaluations that say their direction came from
the catalogue."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from machikpi.core.sdgs import AA_CONTRAST, contrast_ratio, goals, text_colour
from machikpi.samples import ROOT, SEEDS, SEEDS_DIR
from tests.storage_db import database_url, db

__all__ = ["database_url", "db"]

SEED_003 = SEEDS_DIR / "003_06b39d270299f45c.txt"  # 伊勢崎市 総合戦略: 刑法犯認知件数
SEED_004 = SEEDS_DIR / "004_ce2878ebb8c6f072.txt"  # 本庄市: 第7章 政策連携プラン
CSS = Path(__file__).resolve().parent.parent / "src/machikpi/adapters/web/static/machikpi/site.css"


def text_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def client() -> Any:
    from django.test import Client

    return Client()


def test_every_badge_has_its_official_colour_and_aa_contrast() -> None:
    css = CSS.read_text(encoding="utf-8")
    assert len(goals()) == 17
    assert goals()[0].colour == "#E5243B" and goals()[16].colour == "#19486A"
    for g in goals():
        assert contrast_ratio(g.colour, g.text) >= AA_CONTRAST, g
        line = f".sdg-{g.number}, .sdg-{g.number}:link, .sdg-{g.number}:visited {{ background: {g.colour}; color: {g.text}; }}"
        assert line in css, line
    # white text would fail on goal 7's yellow and goal 11's orange: black is chosen there
    assert contrast_ratio("#FCC30B", "#FFFFFF") < AA_CONTRAST and text_colour("#FCC30B") == "#000000"
    assert contrast_ratio("#FD9D24", "#FFFFFF") < AA_CONTRAST and text_colour("#FD9D24") == "#000000"


@pytest.fixture
def seeded(db: str) -> str:
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.services.entries import import_actual_file
    from machikpi.adapters.services.plans import store_documents
    from machikpi.adapters.storage.evaluations import evaluate_stored

    store_documents(SEEDS, warn=lambda _m: None)
    import_actual_file(ROOT / "demo_actuals.csv", who="demo", warn=lambda _m: None)
    evaluate_stored(2025, load_ruleset("baseline-band"))
    return db


@pytest.mark.db
def test_a_citizen_reaches_the_same_concept_in_another_plan(seeded: str) -> None:
    from machikpi.adapters.storage import models as m

    mine = m.Indicator.objects.get(plan__doc=SEED_003.name, name="刑法犯認知件数")
    other = m.Indicator.objects.get(plan__doc=SEED_004.name, name="刑法犯認知件数")
    assert mine.concept_match.concept == other.concept_match.concept == "crimes"
    page = client().get(f"/indicators/{mine.pk}/").content.decode()
    assert f'href="/indicators/{other.pk}/"' in page  # the other plan's indicator, linked
    assert 'href="/concepts/crimes/"' in page
    text = text_of(client().get(f"/indicators/{mine.pk}/"))
    section = text[text.index("ほかの計画の同じ指標") :]
    assert "単位「件」の指標" in section and re.search(r"475\s*件", section)  # seed 004 baseline
    concept = text_of(client().get("/concepts/crimes/"))
    assert concept.count("刑法犯認知件数") >= 3  # title + both plans' indicators


@pytest.mark.db
def test_a_comparison_never_mixes_units(seeded: str) -> None:
    page = client().get("/concepts/tourists/").content.decode()
    captions = re.findall(r"<caption>(.*?)</caption>", page)
    assert sorted(captions) == sorted(f"単位「{u}」の指標" for u in ("人", "万人", "千人"))
    for table in re.findall(r"<table.*?</table>", page, flags=re.S):
        units = set(re.findall(r'<td lang="ja">([^<]*)</td>\s*</tr>', table))
        assert len(units) == 1, units


@pytest.mark.db
def test_every_cross_cutting_plan_of_seed_004_has_its_page_listing_its_measures(seeded: str) -> None:
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.textfiles import read_source
    from machikpi.core.reader import read_plan

    plan = read_plan(read_source(SEED_004))
    assert len(plan.links) == 5
    rows = {r.title: r for r in m.PlanLinkRow.objects.filter(plan__doc=SEED_004.name)}
    resolved = 0
    for link in plan.links:
        row = rows[link.source_title]
        text = text_of(client().get(f"/links/{row.pk}/"))
        assert "課題意識" in text and link.text.split("\n")[0][:30] in text
        for code, title in zip(link.target_codes, link.target_titles, strict=True):
            assert f"{code} {title}" in text, (link.source_title, code)
        for t in row.targets.filter(node__isnull=False):
            resolved += 1
            assert t.node is not None and t.node.code == t.code
            node_page = client().get(f"/nodes/{t.node_id}/").content.decode()
            assert f'href="/links/{row.pk}/"' in node_page  # the measure names the plan it serves
    assert resolved == 10  # the seed prints the 5-x and 6-x measures only


@pytest.mark.db
def test_cross_cutting_plans_keep_their_page_through_a_reimport(seeded: str) -> None:
    from machikpi.adapters.services.plans import store_documents
    from machikpi.adapters.storage import models as m

    before = dict(m.PlanLinkRow.objects.values_list("key", "id"))
    store_documents([SEED_004], warn=lambda _m: None)
    assert dict(m.PlanLinkRow.objects.values_list("key", "id")) == before
    assert m.PlanLinkTarget.objects.count() == 49


@pytest.mark.db
def test_a_sdg_goal_page_lists_the_measures_linked_to_it(seeded: str) -> None:
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.catalogue import set_node_sdg

    node = m.Node.objects.get(plan__doc=SEED_004.name, code="5-4")  # 防犯対策の推進
    assert m.NodeSdg.objects.filter(node=node, goal=16).exists()  # suggested from 刑法犯認知件数
    set_node_sdg(node.pk, 16, m.NodeSdg.CONFIRMED, "kikaku")
    set_node_sdg(node.pk, 5, m.NodeSdg.REJECTED, "kikaku")
    text = text_of(client().get("/sdgs/16/"))
    assert "5-4 防犯対策の推進" in text and "刑法犯認知件数" in text
    assert "5-4 防犯対策の推進" not in text_of(client().get("/sdgs/5/"))
    badges = client().get(f"/nodes/{node.pk}/").content.decode()
    assert 'class="sdg sdg-16"' in badges and "平和と公正をすべての人に" in badges
    assert "sdg-5" not in badges
    assert client().get("/sdgs/18/").status_code == 404


@pytest.mark.db
def test_an_evaluation_whose_direction_came_from_the_catalogue_says_so(seeded: str) -> None:
    from machikpi.adapters.storage import models as m

    e = m.Evaluation.objects.select_related("series__indicator").get(
        series__indicator__plan__doc__startswith="000",
        series__indicator__name="保育所等の待機児童数",
        year=2025,
    )
    assert e.direction == "lower" and e.direction_note == "方向は指標カタログ (waiting_children) による"
    assert "方向は指標カタログ (waiting_children) による" in text_of(
        client().get(f"/indicators/{e.series.indicator_id}/")
    )
    # a plan that settles the direction itself gets no note
    assert m.Evaluation.objects.filter(year=2025, direction_note="").exists()


@pytest.mark.db
def test_staff_confirmation_of_a_concept_is_kept_through_reimport(seeded: str) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from machikpi.adapters.demo_staff import setup_demo_staff
    from machikpi.adapters.services.plans import store_documents
    from machikpi.adapters.storage import models as m

    setup_demo_staff()
    ind = m.Indicator.objects.get(plan__doc=SEED_003.name, name="刑法犯認知件数")
    c = Client()
    c.force_login(get_user_model().objects.get(username="kikaku"))
    page = c.get(f"/staff/plans/{ind.plan_id}/catalogue/")
    assert page.status_code == 200 and "刑法犯認知件数" in page.content.decode()
    r = c.post(f"/staff/plans/{ind.plan_id}/catalogue/", {"indicator": ind.pk, "concept": ""})
    assert r.status_code == 302
    store_documents([SEED_003], warn=lambda _m: None)
    row = m.IndicatorConcept.objects.get(indicator=ind)
    assert (row.concept, row.set_by, row.confirmed, row.confirmed_by) == ("", "person", True, "kikaku")
    assert "ほかの計画の同じ指標" not in text_of(client().get(f"/indicators/{ind.pk}/"))
    # a department user may not confirm
    d = Client()
    d.force_login(get_user_model().objects.get(username="sangyo"))
    assert d.get(f"/staff/plans/{ind.plan_id}/catalogue/").status_code == 403
