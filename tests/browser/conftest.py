"""Browser tests: Playwright driving Debian's Chromium (headless) against the web application.

What a session sets up (issue 4, "Done when"):

* the test database of :mod:`tests.storage_db` (a SQLite file, or the
  PostgreSQL schema when ``MACHIKPI_TEST_DATABASE_URL`` is set), filled
  with the demo: the five bundled sample plans, the invented actual values
  of ``samples/demo_actuals.csv`` (approved, by ``demo``), FY2024 and FY2025
  evaluated with ``baseline-band``, and the demo's departments and staff
  logins (:func:`machikpi.adapters.demo_staff.setup_demo_staff`), as
  ``machikpi demo`` does;
* the application served by Waitress on ``127.0.0.1`` at a free port, in a
  thread of the test process (:class:`Site`);
* one Chromium for the package (``/usr/bin/chromium``, package
  ``chromium``; Playwright's own browser downloads are never used) and a
  new browser context (cookies, language, JavaScript on or off) per test.

Other db tests empty the tables (``tests.storage_db.db``) and the staff
tests change values; the ``site`` fixture puts the demo back before every
test (filled once per session, then restored from its snapshot:
:func:`tests.storage_db.restore`), so neither the order of the tests nor a
test failing half-way leaves the next one different data.

Django's ORM refuses to run in a thread where Playwright's sync API keeps
its event loop (``SynchronousOnlyOperation``), so test code reads and
writes the database through :func:`orm` (one worker thread of its own)
instead of calling the models directly.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from machikpi.adapters.demo_staff import DEMO_PASSWORD
from tests.conftest import require
from tests.storage_db import database_url, empty_tables, restore, take

__all__ = ["database_url"]

T = TypeVar("T")

#: Debian's Chromium (``apt-get install chromium``; ``.ci/run`` installs it).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: axe-core, vendored (tests/vendor/README.md).
AXE_JS = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
#: The WCAG levels checked: 2.0 and 2.1, A and AA (JIS X 8341-3:2016 AA is WCAG 2.0 AA).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: The rule set the demo is evaluated with (as ``machikpi demo``).
DEMO_RULES = "baseline-band"
#: The demo's logins (:mod:`machikpi.adapters.demo_staff`, password ``DEMO_PASSWORD``):
#: the planning user, and the department user is the one of the test indicator's department.
PLANNING_USER = "kikaku"
#: The indicator the data-entry and citizen tests use: seed 002 (伊豆の国市),
#: line 269 ``市内総生産額\t1,997億円\t2,097億円``; the demo gives it 1983 (FY2024)
#: and 1987 (FY2025), approved.
TEST_DOC = "002_9e8d8679760f1d1c.txt"
TEST_INDICATOR = "市内総生産額"
#: The published actual values of the test indicator in the demo (year → raw text).
DEMO_ACTUALS = {2024: "1983", 2025: "1987"}


# --- the database, from a worker thread --------------------------------------------------------

_executor: ThreadPoolExecutor | None = None


def orm(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn(*args, **kwargs)`` in the ORM worker thread (module docstring) and return its result."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="browser-tests-orm")
    return _executor.submit(fn, *args, **kwargs).result()


def _close_orm() -> None:
    global _executor
    if _executor is not None:
        from django.db import connections

        _executor.submit(connections.close_all).result()
        _executor.shutdown()
        _executor = None


@dataclass(frozen=True)
class Demo:
    """Primary keys of the demo objects the tests visit (read from the database after filling it)."""

    plan_id: int
    node_id: int
    indicator_id: int
    series_id: int
    plan_title: str
    node_title: str
    department_user: str


def _fill_demo() -> None:
    """Fill the (empty) database with the demo and its staff (module docstring)."""
    from machikpi.adapters.demo_staff import setup_demo_staff
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.services.entries import import_actual_file
    from machikpi.adapters.services.plans import store_documents
    from machikpi.adapters.storage.evaluations import evaluate_stored
    from machikpi.samples import ROOT, SEEDS

    def ignore(_message: str) -> None:
        pass

    store_documents(SEEDS, warn=ignore)
    import_actual_file(ROOT / "demo_actuals.csv", who="demo", warn=ignore)
    ruleset = load_ruleset(DEMO_RULES)
    evaluate_stored(2024, ruleset)
    evaluate_stored(2025, ruleset)
    setup_demo_staff()


def _demo_ids() -> Demo | None:
    """The :class:`Demo` of the database, or ``None`` when it is not the untouched demo
    (flushed by another test, or a value of the test indicator changed, or a draft or returned value left)."""
    from machikpi.adapters.demo_staff import DEMO_LOGINS
    from machikpi.adapters.storage import models as m

    indicator = (
        m.Indicator.objects.select_related("plan", "node", "department")
        .filter(plan__doc=TEST_DOC, name=TEST_INDICATOR)
        .first()
    )
    if indicator is None or not m.StaffProfile.objects.exists():
        return None
    series = indicator.series.get()
    published = dict(
        m.ActualValue.objects.filter(series=series, status=m.ActualValue.APPROVED).values_list(
            "year", "approved_raw"
        )
    )
    if published != DEMO_ACTUALS or m.ActualValue.objects.exclude(status=m.ActualValue.APPROVED).exists():
        return None
    if m.ReviewEntry.objects.exists() or m.ExternalReview.objects.exists():  # the 効果検証 walk's
        return None
    assert indicator.department is not None, "the demo staff set-up gave the test indicator no department"
    department_users = [
        x.username
        for x in DEMO_LOGINS
        if x.role == "department" and x.department == indicator.department.name
    ]
    assert department_users, f"no demo login of {indicator.department.name}"
    return Demo(
        plan_id=indicator.plan_id,
        node_id=indicator.node_id,
        indicator_id=indicator.pk,
        series_id=series.pk,
        plan_title=indicator.plan.title,
        node_title=indicator.node.title,
        department_user=department_users[0],
    )


#: The name of the demo's snapshot (:mod:`tests.storage_db`).
DEMO_SNAPSHOT = "browser-demo"


def _ensure_demo() -> Demo:
    """Put the demo back (fill it the first time, restore its snapshot afterwards); its ids."""
    if not restore(DEMO_SNAPSHOT):
        empty_tables()
        _fill_demo()
        take(DEMO_SNAPSHOT)
    ids = _demo_ids()
    assert ids is not None, "the demo is not as filled"
    return ids


# --- the application, served -------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """The running application: ``url`` (``http://127.0.0.1:PORT``, no trailing slash) and the demo ids."""

    url: str
    demo: Demo


@pytest.fixture(scope="session")
def _server(database_url: str) -> Iterator[str]:
    """The application served by Waitress in a thread on a free port; yields its base URL."""
    from waitress.server import create_server

    from machikpi.adapters.web.serve import wsgi_application

    app = wsgi_application(database_url)
    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="machikpi-browser-tests")
    thread = threading.Thread(target=server.run, name="browser-tests-waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        server.task_dispatcher.shutdown(timeout=5)
        thread.join(timeout=5)
        _close_orm()


@pytest.fixture
def site(_server: str) -> Site:
    """The running application with the demo in its database (put back for every test)."""
    return Site(url=_server, demo=orm(_ensure_demo))


# --- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser(_server: str) -> Iterator[Any]:
    """One headless Chromium for the browser tests (Debian's; missing → :func:`tests.conftest.require`).

    Package scope, not session: while Playwright's sync API runs, its event loop
    counts as running in the main thread, and Django refuses the ORM there; the
    db tests collected after this package must find it stopped."""
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    require(path is not None, "chromium (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


NewPage = Callable[..., Any]


@pytest.fixture
def new_page(browser: Any, site: Site) -> Iterator[NewPage]:
    """A factory of pages, each in a new browser context: ``new_page(locale="ja-JP",
    javascript=True)``; the contexts are closed after the test."""
    contexts: list[Any] = []

    def make(*, locale: str = "ja-JP", javascript: bool = True) -> Any:
        context = browser.new_context(
            base_url=site.url,
            locale=locale,
            java_script_enabled=javascript,
            accept_downloads=True,
            bypass_csp=True,  # axe is injected as an inline script
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for c in contexts:
        c.close()


@pytest.fixture
def page(new_page: NewPage) -> Any:
    """A page in a new Japanese browser context with JavaScript."""
    return new_page()


# --- helpers -----------------------------------------------------------------------------------


def goto(page: Any, path: str) -> Any:
    """Open ``path`` and assert the response is 200 (returns the response)."""
    response = page.goto(path)
    assert response is not None, path
    assert response.status == 200, f"GET {path}: HTTP {response.status}"
    return response


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; its violations as
    ``{id, impact, help, targets}`` dicts (``targets``: CSS selectors of the offending elements)."""
    page.add_script_tag(path=str(AXE_JS))
    result: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(' ')),
            }));
        }""",
        AXE_TAGS,
    )
    return result


def assert_accessible(page: Any) -> None:
    """Assert axe-core finds no violation on the page, naming each rule and its elements."""
    violations = axe_violations(page)
    lines = [
        f"{v['id']} ({v['impact']}: {v['help']}): "
        + ", ".join(v["targets"][:8])
        + (f" … and {len(v['targets']) - 8} more" if len(v["targets"]) > 8 else "")
        for v in violations
    ]
    assert not violations, f"axe-core violations on {page.url}:\n  " + "\n  ".join(lines)


def login(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the staff login form and assert it worked (no login form after submitting)."""
    goto(page, "/staff/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()
    assert "/staff/login/" not in page.url, f"login of {username} failed: still on {page.url}"
