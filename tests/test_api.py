"""The API (/api/): public reads of the bundled seed plans, token writes of drafts, the OpenAPI document.

Run on SQLite and (``make test``'s second run) on PostgreSQL; see tests/storage_db.py.
Plan data is imported from the bundled seeds with ``services.plans.store_documents``;
the expected numbers are read off the seed's printed text below.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from machikpi.samples import SEEDS_DIR, gold_rows
from tests.storage_db import database_url, db, populated

__all__ = ["database_url", "db"]

pytestmark = pytest.mark.db

SEED_003 = SEEDS_DIR / "003_06b39d270299f45c.txt"  # 伊勢崎市 総合戦略: KPI tables
SEED_001 = SEEDS_DIR / "001_f3abde356c42c768.txt"  # 平塚市: opinions with responses
NAME = "製造品出荷額等"  # printed with a footnote mark and a definition note, baseline/target in other years
DEPARTMENT = "産業政策課"


def seed_line(path: Path, startswith: str) -> str:
    """The first line of the seed text that starts with ``startswith``."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(startswith):
            return line
    raise AssertionError(f"{startswith!r} not in {path.name}")


def store(*paths: Path) -> None:
    from machikpi.adapters.services.plans import store_documents

    store_documents(list(paths), warn=lambda _: None)


def client(token: str | None = None) -> Any:
    from rest_framework.test import APIClient

    c = APIClient()
    if token is not None:
        c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return c


def staff(username: str, role: str | None, department: str | None = None) -> str:
    """A staff user with ``role`` (None: no profile) and its API token key."""
    from django.contrib.auth.models import User

    from machikpi.adapters.services.users import create_token
    from machikpi.adapters.storage import models as m

    user = User.objects.create_user(username)  # no password: token only, no slow hashing
    if role is not None:
        dept = m.Department.objects.get_or_create(name=department)[0] if department else None
        m.StaffProfile.objects.create(user=user, role=role, department=dept)
    return create_token(username)[0]


@pytest.fixture
def plan(db: str) -> dict[str, Any]:
    """Seed 003 stored; 製造品出荷額等 owned by 産業政策課; users of every role with tokens.

    Built once per session and restored for each test (:func:`tests.storage_db.populated`)."""
    return {**populated("api-plan-003", _fill_plan), "db": db}


def _fill_plan() -> dict[str, Any]:
    from machikpi.adapters.storage import models as m

    store(SEED_003)
    ind = m.Indicator.objects.get(name=NAME)
    ind.department = m.Department.objects.create(name=DEPARTMENT)
    ind.save()
    return {
        "plan": ind.plan_id,
        "indicator": ind.pk,
        "node": ind.node_id,
        "series": m.Series.objects.get(indicator=ind).pk,
        "other_series": m.Series.objects.get(indicator__name="新規求人数").pk,
        "planning": staff("kikaku", "planning"),
        "dept": staff("sangyo", "department", DEPARTMENT),
        "other_dept": staff("kosodate", "department", "こども課"),
        "no_dept": staff("mishozoku", "department"),
        "committee": staff("iin", "committee"),
        "nobody": staff("guest", None),
    }


def get(url: str, token: str | None = None) -> Any:
    r = client(token).get(url)
    assert r.status_code == 200, (url, r.status_code, r.content[:300])
    return r.json()


def post_actual(token: str | None, **body: Any) -> Any:
    return client(token).post("/api/actuals/", body, format="json")


def walk(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for n in nodes:
        out.append(n)
        out.extend(walk(n["children"]))
    return out


# ---------------------------------------------------------------------------
# Public reads


def test_public_plan_list_and_hierarchy_need_no_login(plan: dict[str, Any]) -> None:
    store(SEED_001)
    plans = get("/api/plans/")
    assert plans["count"] == 2
    assert [p["doc"] for p in plans["results"]] == [SEED_001.name, SEED_003.name]
    mine = plans["results"][1]
    assert mine["indicator_count"] == 48 and mine["url"].endswith(f"/api/plans/{plan['plan']}/")
    first_page = get("/api/plans/?page_size=1")
    assert len(first_page["results"]) == 1 and first_page["next"]

    detail = get(f"/api/plans/{plan['plan']}/")
    assert detail["title"] == "第 2 期 伊勢崎市まち・ひと・しごと創生 総合戦略 (改訂素案)"
    assert detail["evaluation"] is None  # nothing evaluated yet
    nodes = walk(detail["nodes"])
    assert sum(len(n["indicators"]) for n in nodes) == 48
    holder = next(n for n in nodes if any(i["name"] == NAME for i in n["indicators"]))
    assert (holder["id"], holder["title"]) == (plan["node"], "地域産業の活性化、付加価値の向上")
    # The node sits under 基本目標 1 しごとの創生 in the printed hierarchy.
    top = next(n for n in detail["nodes"] if holder in walk([n]))
    assert (top["code"], top["title"]) == ("1", "しごとの創生")
    # A stale or wrong token does not break a public read.
    assert client("not-a-token").get(f"/api/plans/{plan['plan']}/").status_code == 200


def test_indicator_shows_the_seed_printed_baseline_target_and_definition(plan: dict[str, Any]) -> None:
    # Seed 003 prints: 製造品出荷額等 ^{**}	11,942億円 (平成30年)	13,500億円 (令和8年)
    cols = seed_line(SEED_003, NAME).split("\t")
    definition = seed_line(SEED_003, f"[※] **{NAME}**:").split(":", 1)[1]
    data = get(f"/api/indicators/{plan['indicator']}/")
    assert data["name"] == NAME and data["raw_name"] == cols[0] and data["unit"] == "億円"
    assert data["definition"] == definition
    assert data["department"] == DEPARTMENT
    assert [p["title"] for p in data["path"]][-1] == "地域産業の活性化、付加価値の向上"
    [series] = data["series"]
    base, targets = series["baseline"], series["targets"]
    assert base["raw"] == cols[1] == "11,942億円 (平成30年)"
    assert (base["value"], base["year"], base["year_type"]) == (11942, 2018, "calendar")  # 平成30年 = 2018
    assert [t["raw"] for t in targets] == [cols[2]]
    assert (targets[0]["value"], targets[0]["year"]) == (13500, 2026)  # 令和8年 = 2026
    assert series["actuals"] == [] and series["evaluations"] == []

    node = get(f"/api/nodes/{plan['node']}/")
    assert node["title"] == "地域産業の活性化、付加価値の向上" and "起業しやすい環境の整備" in node["text"]
    assert node["path"][0]["title"] == "しごとの創生"
    assert NAME in [i["name"] for i in node["indicators"]]


def test_unknown_ids_are_404(plan: dict[str, Any]) -> None:
    for url in ("/api/plans/999999/", "/api/nodes/999999/", "/api/indicators/999999/"):
        assert client().get(url).status_code == 404
    assert client(plan["planning"]).post("/api/actuals/999999/approve/", {}).status_code == 404


def test_opinions_with_responses_linked_to_their_nodes(db: str) -> None:
    store(SEED_001)
    data = get("/api/opinions/?page_size=100")
    gold = gold_rows("opinions")[SEED_001.name]
    assert data["count"] == len(gold) == 10
    first = data["results"][0]
    assert first["number"] == 1 and first["measure_codes"] == ["Ⅰ", "1"]
    assert first["opinion"].startswith("「基幹産業」の定義付けがあいまいである。")
    assert first["response"] and first["reflections"][0]["page"] == 39
    assert [(n["code"], n["title"]) for n in first["nodes"]] == [
        ("Ⅰ", "強みを活かしたしごとづくり"),
        ("1", "基幹産業の競争力を強化する"),
    ]
    plan_id = first["plan"]["id"]
    assert get(f"/api/opinions/?plan={plan_id}")["count"] == 10
    assert get(f"/api/opinions/?plan={plan_id + 1000}")["count"] == 0
    assert client().get("/api/opinions/?plan=x").status_code == 400


# ---------------------------------------------------------------------------
# Writes


def test_token_write_makes_a_draft_with_history_that_stays_private_until_approved(
    plan: dict[str, Any],
) -> None:
    from machikpi.adapters.storage import models as m

    r = post_actual(plan["dept"], series=plan["series"], year=2024, value="13,736億円", note="速報値")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["status"], body["value"], body["raw"], body["version"]) == ("draft", 13736, "13,736億円", 1)
    assert body["action"] == "create" and body["entered_by"] == "sangyo" and body["approved_raw"] is None
    [change] = m.ActualChange.objects.filter(actual_id=body["id"])
    assert (change.action, change.who, change.new_raw, change.new_value, change.note) == (
        "create",
        "sangyo",
        "13,736億円",
        13736,
        "速報値",
    )
    assert change.new_status == "draft" and change.source == "api"

    # The public JSON never shows the draft.
    public = client().get(f"/api/indicators/{plan['indicator']}/")
    assert public.json()["series"][0]["actuals"] == []
    assert b"13736" not in public.content and b"13,736" not in public.content
    assert b"13736" not in client().get(f"/api/nodes/{plan['node']}/").content
    # Staff see it, with the version to send back.
    listed = get(f"/api/actuals/?series={plan['series']}&year=2024", plan["committee"])
    assert [(a["status"], a["version"], a["raw"]) for a in listed["results"]] == [("draft", 1, "13,736億円")]
    assert get("/api/actuals/?year=2023", plan["committee"])["count"] == 0

    # Department users do not approve; the planning office does, then it is public.
    assert client(plan["dept"]).post(f"/api/actuals/{body['id']}/approve/", {}).status_code == 403
    r = client(plan["planning"]).post(f"/api/actuals/{body['id']}/approve/", {"version": 1}, format="json")
    assert r.status_code == 200 and r.json()["approved"] is True and r.json()["status"] == "approved"
    [actual] = get(f"/api/indicators/{plan['indicator']}/")["series"][0]["actuals"]
    assert (actual["year"], actual["value"], actual["raw"], actual["note"]) == (
        2024,
        13736,
        "13,736億円",
        "速報値",
    )
    again = client(plan["planning"]).post(f"/api/actuals/{body['id']}/approve/", {}, format="json")
    assert again.status_code == 200 and again.json()["approved"] is False
    assert list(m.ActualChange.objects.filter(actual_id=body["id"]).values_list("action", flat=True)) == [
        "create",
        "approve",
    ]

    # A new draft over the approved value leaves the approved one public.
    r = post_actual(plan["dept"], series=plan["series"], year=2024, value="14000", version=2)
    assert r.status_code == 200 and r.json()["action"] == "update" and r.json()["approved_value"] == 13736
    [actual] = get(f"/api/indicators/{plan['indicator']}/")["series"][0]["actuals"]
    assert actual["value"] == 13736


def test_evaluations_of_approved_values_reach_indicator_node_and_plan(plan: dict[str, Any]) -> None:
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.evaluations import evaluate_stored

    r = post_actual(plan["planning"], series=plan["series"], year=2024, value="13736")
    client(plan["planning"]).post(f"/api/actuals/{r.json()['id']}/approve/", {})
    evaluate_stored(2024, load_ruleset("baseline-band"))

    [ev] = get(f"/api/indicators/{plan['indicator']}/")["series"][0]["evaluations"]
    assert (ev["year"], ev["rules"], ev["actual"], ev["target"]) == (2024, "baseline-band", 13736, 13500)
    assert ev["grade"] is not None  # above the target: graded
    m.CommitteeComment.objects.create(
        node_id=plan["node"], year=2024, author_name="委員A", text="出荷額は目標を上回った。"
    )
    node = get(f"/api/nodes/{plan['node']}/")
    assert [(c["year"], c["author_name"], c["text"]) for c in node["comments"]] == [
        (2024, "委員A", "出荷額は目標を上回った。")
    ]
    mine = next(i for i in node["indicators"] if i["name"] == NAME)
    assert [(e["year"], e["grade"]) for e in mine["series"][0]["latest"]] == [(2024, ev["grade"])]
    detail = get(f"/api/plans/{plan['plan']}/")
    assert detail["evaluation"] == {"year": 2024, "rules": "baseline-band"}
    holder = next(n for n in walk(detail["nodes"]) if n["id"] == plan["node"])
    assert holder["grades"].get(ev["grade"], 0) >= 1
    # The counts of a goal are those of its subtree: 50 series in the plan, all evaluated.
    assert sum(sum(n["grades"].values()) + n["ungraded"] for n in detail["nodes"]) == 50


def test_version_conflict_is_409_with_the_stored_value(plan: dict[str, Any]) -> None:
    from machikpi.adapters.storage import models as m

    first = post_actual(plan["dept"], series=plan["series"], year=2024, value="13736", version=0)
    assert first.status_code == 201
    # A second writer that also read "no value" (version 0) must not overwrite silently.
    second = post_actual(plan["planning"], series=plan["series"], year=2024, value="13800", version=0)
    assert second.status_code == 409
    body = second.json()
    assert body["current"] == {
        "value": 13736,
        "raw": "13736",
        "note": "",
        "status": "draft",
        "version": 1,
        "entered_by": "sangyo",
    }
    assert "sangyo" in body["detail"]
    assert m.ActualValue.objects.get(pk=first.json()["id"]).raw == "13736"
    # With the version it was shown, the writer overwrites deliberately.
    third = post_actual(plan["planning"], series=plan["series"], year=2024, value="13800", version=1)
    assert (
        third.status_code == 200 and third.json()["version"] == 2 and third.json()["entered_by"] == "kikaku"
    )
    same = post_actual(plan["planning"], series=plan["series"], year=2024, value="13,800", version=2)
    assert same.status_code == 200 and same.json()["action"] == "same" and same.json()["version"] == 2
    assert m.ActualChange.objects.filter(actual_id=first.json()["id"]).count() == 2
    # Approving with an old version is a conflict too.
    stale = client(plan["planning"]).post(
        f"/api/actuals/{first.json()['id']}/approve/", {"version": 1}, format="json"
    )
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2


def test_without_a_valid_token_writes_are_401(plan: dict[str, Any]) -> None:
    from machikpi.adapters.storage import models as m

    for token in (None, "0" * 40):
        r = post_actual(token, series=plan["series"], year=2024, value="1")
        assert r.status_code == 401 and r["WWW-Authenticate"] == "Token"
        assert client(token).get("/api/actuals/").status_code == 401
    assert m.ActualValue.objects.count() == 0


def test_roles_that_may_not_write_are_403(plan: dict[str, Any]) -> None:
    from machikpi.adapters.storage import models as m

    refused = {
        "other_dept": "another department",
        "no_dept": "no department",
        "committee": "committee",
        "nobody": "no staff role",
    }
    for who, why in refused.items():
        r = post_actual(plan[who], series=plan["series"], year=2024, value="13736")
        assert r.status_code == 403 and why in r.json()["detail"], (who, r.content)
    # The department writes only its own indicators; the planning office writes all.
    assert post_actual(plan["dept"], series=plan["other_series"], year=2024, value="1600").status_code == 403
    assert (
        post_actual(plan["planning"], series=plan["other_series"], year=2024, value="1600").status_code == 201
    )
    assert m.ActualValue.objects.count() == 1
    # Reading drafts needs a staff role; approving needs the planning office.
    assert client(plan["nobody"]).get("/api/actuals/").status_code == 403
    assert get("/api/actuals/", plan["dept"])["count"] == 1
    pk = m.ActualValue.objects.get().pk
    assert client(plan["committee"]).post(f"/api/actuals/{pk}/approve/", {}).status_code == 403


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"value": "12,3"}, "value", "数値として読めません"),  # not a thousands group: not 123
        ({"value": "45%"}, "value", "この指標の単位「億円」ではありません"),  # the unit is 億円
        ({"value": ""}, "value", ""),
        ({"value": None}, "value", ""),
        ({"year": 1800}, "year", "between 1900"),
        ({"year": "令和6年度"}, "year", ""),
        ({"series": 999999}, "series", "there is no series 999999"),
        ({"version": -1}, "version", ""),
    ],
)
def test_bad_input_is_400_naming_the_field(
    plan: dict[str, Any], body: dict[str, Any], field: str, says: str
) -> None:
    from machikpi.adapters.storage import models as m

    data = {"series": plan["series"], "year": 2024, "value": "13736", **body}
    r = post_actual(plan["dept"], **data)
    assert r.status_code == 400, r.content
    errors = r.json()
    assert list(errors) == [field]
    assert says in " ".join(errors[field])
    assert m.ActualValue.objects.count() == 0


def test_value_text_is_read_like_the_entry_workbook(plan: dict[str, Any]) -> None:
    from machikpi.adapters.storage import models as m

    r = post_actual(plan["planning"], series=plan["other_series"], year=2023, value="△１，６００件")
    assert r.status_code == 201 and r.json()["value"] == -1600 and r.json()["raw"] == "△１，６００件"
    far = post_actual(plan["planning"], series=plan["series"], year=2023, value=99999999)
    assert far.status_code == 201 and far.json()["value"] == 99999999
    assert "大きく外れています" in far.json()["warnings"][0]
    assert m.ActualValue.objects.get(pk=far.json()["id"]).raw == "99999999"


# ---------------------------------------------------------------------------
# OpenAPI, tokens, queries


def test_openapi_document_is_valid_and_covers_every_endpoint(db: str, tmp_path: Path) -> None:
    from django.core.management import call_command

    r = client().get("/api/openapi.json")
    assert r.status_code == 200 and "json" in r["Content-Type"]
    doc = json.loads(r.content)
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {
        "/api/plans/",
        "/api/plans/{id}/",
        "/api/nodes/{id}/",
        "/api/indicators/{id}/",
        "/api/opinions/",
        "/api/actuals/",
        "/api/actuals/{id}/approve/",
    }
    schemes = doc["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    post = doc["paths"]["/api/actuals/"]["post"]
    assert {"tokenAuth": []} in post["security"] and {} not in post["security"]
    assert set(post["responses"]) >= {"201", "400", "401", "403", "409"}
    assert doc["paths"]["/api/indicators/{id}/"]["get"]["security"] == [{}]  # public
    assert set(doc["components"]["schemas"]["ActualWrite"]["required"]) == {"series", "year", "value"}
    series = doc["components"]["schemas"]["SeriesDetail"]["properties"]
    assert {"baseline", "targets", "actuals", "evaluations"} <= set(series)

    # drf-spectacular's own validation of the generated document (OpenAPI 3 JSON schema), warnings as errors.
    out = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(out)
    )
    assert json.loads(out.read_text(encoding="utf-8"))["paths"].keys() == doc["paths"].keys()
    try:
        from openapi_spec_validator import validate  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return
    validate(doc)


def test_token_command_creates_prints_and_revokes(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from machikpi.adapters.cli import main

    User.objects.create_user("sangyo")
    assert main(["token", "create", "sangyo", "--database", db]) == 0
    key = capsys.readouterr().out.strip()
    assert Token.objects.get(user__username="sangyo").key == key and len(key) == 40
    assert main(["token", "create", "sangyo", "--database", db]) == 0
    assert capsys.readouterr().out.strip() == key  # the same token again
    assert main(["token", "create", "sangyo", "--new", "--database", db]) == 0
    new = capsys.readouterr().out.strip()
    assert new != key and Token.objects.get().key == new
    assert client(new).get("/api/actuals/").status_code == 403  # authenticated, but no staff role
    assert client(key).get("/api/actuals/").status_code == 401  # the replaced token no longer works
    assert main(["token", "revoke", "sangyo", "--database", db]) == 0
    assert not Token.objects.exists()
    assert main(["token", "create", "nobody", "--database", db]) == 2
    assert "no user named 'nobody'" in capsys.readouterr().err


def test_reads_use_a_fixed_number_of_queries(plan: dict[str, Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from machikpi.adapters.storage import models as m

    store(SEED_001)
    grouped = m.Indicator.objects.filter(series__group__isnull=False).distinct().first()
    assert grouped is not None  # seed 003 has an indicator split into groups
    urls = {
        "/api/plans/": 2,
        # the plan, its indicators, then the public site's read model (queries.plan_tree): the
        # evaluations stored, nodes, series and indicators per node, grades per node; then the
        # nodes' SDG goals (one query for the whole tree, issue 14)
        f"/api/plans/{plan['plan']}/": 8,
        # + the node's SDG goals (one prefetch, issue 14); the indicator's catalogue concept is
        # joined to the indicator's query, so the indicator reads keep their count
        f"/api/nodes/{plan['node']}/": 7,
        f"/api/indicators/{plan['indicator']}/": 6,
        f"/api/indicators/{grouped.pk}/": 6,
        "/api/opinions/": 3,
    }
    for url, most in urls.items():
        c = client()
        with CaptureQueriesContext(connection) as queries:
            assert c.get(url).status_code == 200
        assert len(queries) <= most, (url, [q["sql"] for q in queries])


def test_a_value_that_lowers_the_grade_needs_a_note(plan: dict[str, Any]) -> None:
    """The staff form's rule holds for the API too (issue 4: "the note is required when the grade falls")."""
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.evaluations import evaluate_stored

    # FY2024 above the printed target 13,500億円: the best grade
    r = post_actual(plan["planning"], series=plan["series"], year=2024, value="13736")
    client(plan["planning"]).post(f"/api/actuals/{r.json()['id']}/approve/", {})
    evaluate_stored(2024, load_ruleset("baseline-band"))
    # FY2025 below the printed baseline 11,942億円: a lower grade, refused without a note
    bare = post_actual(plan["dept"], series=plan["series"], year=2025, value="11000")
    assert bare.status_code == 400, bare.content
    assert "note" in bare.json() and "2024" in bare.json()["note"][0]
    assert not m.ActualValue.objects.filter(series_id=plan["series"], year=2025).exists()
    noted = post_actual(plan["dept"], series=plan["series"], year=2025, value="11000", note="工場の移転")
    assert noted.status_code == 201 and noted.json()["note"] == "工場の移転"
