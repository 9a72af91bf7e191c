"""axe-core (WCAG 2.0/2.1 A and AA rules, i.e. JIS X 8341-3 AA) on every main page type
of the public site and the staff area, in Japanese, and on the indicator page and
the plan overview in English. A violation fails with its rule id and the CSS
selectors of the offending elements.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import PLANNING_USER, NewPage, Site, assert_accessible, goto, login, orm

pytestmark = pytest.mark.db


def _crimes_indicator() -> int:
    from machikpi.adapters.storage import models as m

    return orm(lambda: m.Indicator.objects.filter(name="刑法犯認知件数").order_by("plan__doc")[0].pk)


def _first_link() -> int:
    from machikpi.adapters.storage import models as m

    return orm(lambda: m.PlanLinkRow.objects.order_by("id")[0].pk)


def _linked_node() -> int:
    from machikpi.adapters.storage import models as m

    return orm(lambda: m.PlanLinkTarget.objects.filter(node__isnull=False).order_by("id")[0].node_id or 0)


#: Page type → (login as: None, "department" or "planning"; path from the demo ids).
PAGES: dict[str, tuple[str | None, Callable[[Site], str]]] = {
    "plans list": (None, lambda s: "/"),
    "plan overview": (None, lambda s: f"/plans/{s.demo.plan_id}/"),
    "progress": (None, lambda s: f"/plans/{s.demo.plan_id}/progress/"),
    "node": (None, lambda s: f"/nodes/{s.demo.node_id}/"),
    "indicator": (None, lambda s: f"/indicators/{s.demo.indicator_id}/"),
    "opinions": (None, lambda s: "/opinions/"),
    "search": (None, lambda s: "/search/?q=人口"),
    "rule-set method": (None, lambda s: "/methods/baseline-band/"),
    "sdg goals": (None, lambda s: "/sdgs/"),  # all 17 badges: colour contrast of each
    "sdg goal": (None, lambda s: "/sdgs/16/"),
    "concept": (None, lambda s: "/concepts/tourists/"),  # the comparison table, one per unit
    "indicator with comparison": (None, lambda s: f"/indicators/{_crimes_indicator()}/"),
    "cross-cutting plan": (None, lambda s: f"/links/{_first_link()}/"),
    "node with badges": (None, lambda s: f"/nodes/{_linked_node()}/"),
    "login": (None, lambda s: "/staff/login/"),
    "my updates": ("department", lambda s: "/staff/?year=2025"),
    "value form": ("department", lambda s: f"/staff/values/{s.demo.series_id}/2025/"),
    "upload": ("department", lambda s: "/staff/upload/"),
    "approvals": ("planning", lambda s: "/staff/approvals/"),
    "history": ("planning", lambda s: "/staff/history/"),
    "committee comments": ("planning", lambda s: "/staff/comments/"),
    "reports": ("planning", lambda s: "/staff/reports/"),
    "staff plans": ("planning", lambda s: "/staff/plans/"),
    "plan audit": ("planning", lambda s: f"/staff/plans/{s.demo.plan_id}/audit/"),
    "catalogue confirmation": ("planning", lambda s: f"/staff/plans/{s.demo.plan_id}/catalogue/"),
}


@pytest.mark.parametrize("kind", list(PAGES))
def test_no_axe_violations_in_japanese(page: Any, site: Site, kind: str) -> None:
    who, path = PAGES[kind]
    if who is not None:
        login(page, site.demo.department_user if who == "department" else PLANNING_USER)
    goto(page, path(site))
    assert page.locator("html").get_attribute("lang") == "ja"
    assert_accessible(page)


@pytest.mark.parametrize("kind", ["indicator", "plan overview"])
def test_no_axe_violations_in_english(new_page: NewPage, site: Site, kind: str) -> None:
    page = new_page(locale="en-US")
    goto(page, PAGES[kind][1](site))
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)


def test_no_axe_violations_on_a_page_with_a_message(page: Any, site: Site) -> None:
    login(page, site.demo.department_user)
    goto(page, f"/staff/values/{site.demo.series_id}/2025/")
    page.get_by_label(re.compile("^実績値")).fill("2,050")
    page.get_by_role("button", name="下書きとして保存").click()
    assert page.locator("ul.messages li").count() == 1  # the "saved as a draft" message
    assert_accessible(page)
