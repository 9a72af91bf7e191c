"""Deployment settings (issue 13.8): the Content-Security-Policy and the pages that meet it,
no caching of staff pages, the HTTPS-behind-a-proxy settings.

The pages are rendered from seed 003 (with its demo actuals evaluated, so the
progress bars are drawn) for the public, a planning user and a department
user; every page must carry the policy, and no page may hold what the policy
forbids: an inline ``<script>`` or ``<style>``, a ``style`` attribute or an
event handler attribute (``onclick=`` …).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from machikpi.samples import ROOT, SEEDS_DIR
from tests.storage_db import database_url, empty_tables

__all__ = ["database_url"]

SEED_003 = SEEDS_DIR / "003_06b39d270299f45c.txt"
INLINE = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=", re.I)


@pytest.fixture(scope="module")
def site(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.test import override_settings

    from machikpi.adapters.demo_staff import setup_demo_staff
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.services.entries import import_actual_file
    from machikpi.adapters.services.plans import store_documents
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.evaluations import evaluate_stored

    empty_tables()  # module scope: read-only tests share it
    store_documents([SEED_003], warn=lambda _m: None)
    lines = (ROOT / "demo_actuals.csv").read_text(encoding="utf-8-sig").splitlines()
    part = tmp_path_factory.mktemp("csp") / "a.csv"
    part.write_text("\n".join([lines[0]] + [ln for ln in lines[1:] if ln.startswith(SEED_003.name)]) + "\n")
    import_actual_file(part, who="demo", warn=lambda _m: None)
    evaluate_stored(2024, load_ruleset("baseline-band"))
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        setup_demo_staff()
    plan = m.Plan.objects.get()
    ind = m.Indicator.objects.filter(present=True).order_by("id").first()
    assert ind is not None
    return {
        "plan": plan.pk,
        "indicator": ind.pk,
        "node": ind.node_id,
        "series": ind.series.order_by("id").first().pk,  # type: ignore[union-attr]
        "users": {u.username: u for u in User.objects.all()},
    }


def _pages(site: dict[str, Any]) -> list[str]:
    return [
        "/",
        f"/plans/{site['plan']}/",
        f"/plans/{site['plan']}/progress/",
        f"/nodes/{site['node']}/",
        f"/indicators/{site['indicator']}/",
        "/opinions/",
        "/search/?q=人口",
    ]


STAFF_PAGES = [
    "/staff/",
    "/staff/upload/",
    "/staff/approvals/",
    "/staff/history/",
    "/staff/comments/",
    "/staff/plans/",
    "/staff/reports/",
    "/admin/",
]


@pytest.mark.db
def test_every_page_has_the_policy_and_nothing_inline(site: dict[str, Any]) -> None:
    from django.test import Client

    from machikpi.adapters.web.headers import CONTENT_SECURITY_POLICY

    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "script-src 'self'" in CONTENT_SECURITY_POLICY
    public = Client()
    planner = Client()
    planner.force_login(site["users"]["kikaku"])
    dept = Client()
    dept.force_login(site["users"]["sangyo"])
    checked = []
    for client, urls in (
        (public, [*_pages(site), "/staff/login/"]),
        (
            planner,
            [*STAFF_PAGES, f"/staff/plans/{site['plan']}/audit/", f"/staff/values/{site['series']}/2024/"],
        ),
        (dept, ["/staff/"]),
    ):
        for url in urls:
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
            assert r["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
            html = r.content.decode()
            found = INLINE.findall(html)
            assert not found, (url, found[:3])
            checked.append(url)
    progress = public.get(f"/plans/{site['plan']}/progress/").content.decode()
    assert re.search(r'class="seg [^"]* w\d{1,3}"', progress)  # the bars are drawn by classes


@pytest.mark.db
def test_staff_pages_are_not_stored_by_caches_public_pages_may_be(site: dict[str, Any]) -> None:
    from django.test import Client

    planner = Client()
    planner.force_login(site["users"]["kikaku"])
    for url in ["/staff/login/", *STAFF_PAGES]:
        client = Client() if url == "/staff/login/" else planner
        assert "no-store" in client.get(url)["Cache-Control"], url
    assert "no-store" not in Client().get("/").get("Cache-Control", "")


def test_https_proxy_setting_turns_on_secure_cookies_hsts_and_the_proxy_header(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from machikpi.adapters.web.config import HTTPS_PROXY_ENV_VAR, https_settings, web_settings

    monkeypatch.delenv(HTTPS_PROXY_ENV_VAR, raising=False)
    assert https_settings() == {} and "SESSION_COOKIE_SECURE" not in web_settings()
    monkeypatch.setenv(HTTPS_PROXY_ENV_VAR, "127.0.0.1")
    s = web_settings()
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SECURE_SSL_REDIRECT"]
    assert s["SECURE_HSTS_SECONDS"] >= 180 * 24 * 3600
    validators = [v["NAME"].rsplit(".", 1)[1] for v in s["AUTH_PASSWORD_VALIDATORS"]]
    assert validators == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    assert s["AUTH_PASSWORD_VALIDATORS"][1]["OPTIONS"]["min_length"] >= 12
