"""The Content-Security-Policy in a real browser (issue 13.8): the pages meet it.

Unlike the other browser tests (which bypass the policy to inject axe-core),
these contexts enforce it. Every page the public and a planning user visit is
opened; Chromium reports each thing the policy blocks (an inline script or
style, a ``style`` attribute, another origin) as a ``securitypolicyviolation``
event, which the page records; none may occur. And what the policy would have
blocked is still drawn from the stylesheet: the progress bars have their
widths, the staff menu its layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import PLANNING_USER, Site, goto, login

pytestmark = pytest.mark.db

RECORD = """() => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
}"""


@pytest.fixture
def enforcing(browser: Any, site: Site) -> Iterator[Any]:
    """A page in a context that enforces the policy (JavaScript on, to record violations)."""
    context = browser.new_context(base_url=site.url, locale="ja-JP", bypass_csp=False)
    context.add_init_script(f"({RECORD})()")
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def violations(page: Any) -> list[str]:
    """The policy violations recorded on the page since it loaded."""
    found: list[str] = page.evaluate("() => window.__csp || []")
    return found


def test_public_and_staff_pages_meet_the_policy(enforcing: Any, site: Site) -> None:
    d = site.demo
    public = [
        "/",
        f"/plans/{d.plan_id}/",
        f"/plans/{d.plan_id}/progress/",
        f"/nodes/{d.node_id}/",
        f"/indicators/{d.indicator_id}/",
        "/opinions/",
        "/search/?q=人口",
        "/staff/login/",
    ]
    for path in public:
        response = goto(enforcing, path)
        assert "default-src 'self'" in (response.headers.get("content-security-policy") or ""), path
        assert violations(enforcing) == [], path
    goto(enforcing, f"/plans/{d.plan_id}/progress/")
    widths = enforcing.eval_on_selector_all(
        ".bar .seg", "els => els.map(e => e.getBoundingClientRect().width)"
    )
    assert widths and max(widths) > 10  # drawn by the w0…w100 classes, not a style attribute

    login(enforcing, PLANNING_USER)
    staff = [
        "/staff/",
        "/staff/upload/",
        "/staff/approvals/",
        "/staff/history/",
        "/staff/comments/",
        "/staff/plans/",
        f"/staff/plans/{d.plan_id}/audit/",
        "/staff/reports/",
        f"/staff/values/{d.series_id}/2024/",
        "/admin/",
    ]
    for path in staff:
        goto(enforcing, path)
        assert violations(enforcing) == [], path
    goto(enforcing, "/staff/")
    display = enforcing.eval_on_selector(".staff-nav ul", "e => getComputedStyle(e).display")
    assert display == "flex"  # the staff styles, moved from an inline <style> to site.css
