"""Whole-number query parameters never end in a 500 (issue 13.5, 13.10).

A number above 2**63 - 1 cannot be passed to the database (``OverflowError``),
and ``"²"`` passes ``str.isdigit`` but not ``int``. Every list that takes an
id, a year or a page must answer 400 or an empty result instead. Data: the
seeds 003 (a strategy) and 001 (an opinion table), one stored actual value,
a planning user (session for the staff pages, token for the API).
"""

from __future__ import annotations

from typing import Any

import pytest

from machikpi.samples import SEEDS_DIR
from tests.storage_db import database_url, empty_tables

__all__ = ["database_url"]

pytestmark = pytest.mark.db

HUGE = "99999999999999999999999"
BAD = [HUGE, "²", "-1", "1.5", "x", str(2**63)]


@pytest.fixture(scope="module")
def stored(database_url: str) -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.db import transaction

    from machikpi.adapters.services.plans import store_documents
    from machikpi.adapters.services.users import create_token
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import record_actual

    empty_tables()  # module scope: read-only tests share it
    store_documents(
        [SEEDS_DIR / "003_06b39d270299f45c.txt", SEEDS_DIR / "001_f3abde356c42c768.txt"], warn=lambda _m: None
    )
    series = m.Series.objects.order_by("id").first()
    assert series is not None
    with transaction.atomic():
        record_actual(series.pk, 2024, value=1, raw="1", note="", who="t", status="draft")
    user = User.objects.create_user("kikaku")
    m.StaffProfile.objects.create(user=user, role="planning")
    return {
        "user": user,
        "token": create_token("kikaku")[0],
        "opinions": m.Opinion.objects.count(),
        "name": series.indicator.name,
    }


def test_public_opinions_with_a_bad_plan_are_empty_or_all_never_500(stored: dict[str, Any]) -> None:
    from django.test import Client

    c = Client(raise_request_exception=False)
    for bad in BAD:
        r = c.get(f"/opinions/?plan={bad}&page={bad}")
        assert r.status_code == 200, (bad, r.status_code)
    # a well-formed id too large for the database names no plan: nothing is listed
    assert "公開されている意見はまだありません" in c.get(f"/opinions/?plan={HUGE}").content.decode()
    assert stored["opinions"] > 0


def test_staff_list_filters_with_huge_numbers_are_empty_never_500(stored: dict[str, Any]) -> None:
    from django.test import Client

    c = Client(raise_request_exception=False)
    c.force_login(stored["user"])
    urls = [
        "/staff/?department={}&year={}",
        "/staff/approvals/?plan={}",
        "/staff/history/?plan={}&indicator={}&year={}&page={}",
        "/staff/comments/?year={}&node={}",
    ]
    for url in urls:
        for bad in BAD:
            r = c.get(url.format(bad, bad, bad, bad))
            assert r.status_code == 200, (url, bad, r.status_code)
    # the draft is on the approvals page, and gone when filtered by an id no plan has
    # an approval of an id too large for the database: a message, nothing approved
    r = c.post("/staff/approvals/", {"approve": f"{HUGE}:0"})
    assert r.status_code == 302
    name = stored["name"]
    assert name in c.get("/staff/approvals/").content.decode()
    assert name not in c.get(f"/staff/approvals/?plan={HUGE}").content.decode()
    assert name in c.get("/staff/history/").content.decode()
    assert name not in c.get(f"/staff/history/?indicator={HUGE}").content.decode()


def test_api_rejects_bad_whole_numbers_with_400_naming_the_parameter(stored: dict[str, Any]) -> None:
    from rest_framework.test import APIClient

    c = APIClient(raise_request_exception=False)
    c.credentials(HTTP_AUTHORIZATION=f"Token {stored['token']}")
    checks = [
        ("/api/opinions/?plan={}", "plan"),
        ("/api/plans/?page={}", "page"),
        ("/api/plans/?page_size={}", "page_size"),
        ("/api/actuals/?series={}", "series"),
        ("/api/actuals/?year={}", "year"),
    ]
    for url, name in checks:
        for bad in [*BAD, "0"]:
            r = c.get(url.format(bad))
            assert r.status_code == 400, (url, bad, r.status_code)
            assert name in r.json(), (url, bad, r.json())
    assert c.get("/api/plans/?page_size=501").status_code == 400
    # in range: an id nobody has gives an empty page, a page past the end a 404
    assert c.get(f"/api/opinions/?plan={2**63 - 1}").json()["results"] == []
    assert c.get("/api/actuals/?year=1900").json()["results"] == []
    assert len(c.get("/api/actuals/?year=2024").json()["results"]) == 1
    assert c.get("/api/plans/?page=2").status_code == 404
    assert c.get("/api/plans/?page=1&page_size=1").status_code == 200


def test_openapi_states_the_bounds_the_api_enforces(stored: dict[str, Any]) -> None:
    from django.test import Client

    doc = Client().get("/api/openapi.json").json()
    params = {(p["name"]): p["schema"] for p in doc["paths"]["/api/actuals/"]["get"]["parameters"]}
    assert params["page"]["minimum"] == 1 and params["page_size"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 500,
    }
    assert params["series"]["maximum"] == 2**63 - 1 and params["year"]["minimum"] == 1900
    for path in ("/api/plans/", "/api/opinions/", "/api/actuals/"):
        assert {"400", "404"} <= set(doc["paths"][path]["get"]["responses"]), path
    detail = doc["paths"]["/api/plans/{id}/"]["get"]["parameters"][0]["schema"]
    assert detail["minimum"] == 1 and detail["maximum"] == 2**63 - 1
