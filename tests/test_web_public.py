"""The public site (no login): pages, downloads, opinions links, search, language switch.

Data: the bundled seeds imported with ``store_documents`` (伊勢崎市's strategy,
seed 003, and 平塚市's opinion table, seed 001), actual values recorded with
``record_actual``. Run on SQLite and (``make test``) on PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import math
import re
from html import unescape
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from machikpi.samples import SEEDS_DIR
from tests.storage_db import database_url, db, populated

__all__ = ["database_url", "db"]

pytestmark = pytest.mark.db

SEED_STRATEGY = SEEDS_DIR / "003_06b39d270299f45c.txt"  # 第2期 伊勢崎市 総合戦略
SEED_OPINIONS = SEEDS_DIR / "001_f3abde356c42c768.txt"  # 平塚市 意見の反映状況表
INDICATOR = "製造品出荷額等"


def seed_cells(name: str) -> list[str]:
    """The tab-separated cells of the seed line that starts with the indicator ``name``
    (the baseline and target exactly as the document prints them)."""
    for line in SEED_STRATEGY.read_text(encoding="utf-8").splitlines():
        if line.startswith(name):
            return [c.strip() for c in line.split("\t")[1:]]
    raise AssertionError(f"{name} not in {SEED_STRATEGY.name}")


@pytest.fixture
def seeded(db: str) -> str:
    """The strategy and opinions seeds stored (once per session, restored for each test)."""
    from machikpi.adapters.services.plans import store_documents

    populated(
        "web-public-seeds", lambda: store_documents([SEED_STRATEGY, SEED_OPINIONS], warn=lambda _m: None)
    )
    return db


@pytest.fixture
def client() -> Any:
    from django.test import Client

    return Client()


def text_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return unescape(response.content.decode("utf-8"))


def record(series_id: int, year: int, value: float, *, draft: bool = False) -> None:
    from django.db import transaction

    from machikpi.adapters.storage.actuals import record_actual

    with transaction.atomic():
        record_actual(
            series_id,
            year,
            value=value,
            raw=f"{value:g}",
            note="テスト",
            who="tester",
            status="draft" if draft else "approved",
        )


def the_indicator() -> Any:
    from machikpi.adapters.storage import models as m

    return m.Indicator.objects.get(name=INDICATOR)


def test_indicator_page_prints_baseline_and_target_as_the_seed(seeded, client):
    baseline, target = seed_cells(INDICATOR)
    assert baseline == "11,942億円 (平成30年)" and target == "13,500億円 (令和8年)"
    ind = the_indicator()
    html = text_of(client.get(f"/indicators/{ind.pk}/"))
    assert baseline in html and target in html
    assert "製造品出荷額、加工賃収入額、その他収入額の合計" in html  # the definition (footnote of the seed)
    assert "億円" in html
    # the chart: an image with a name and a description, and the same figures as a table
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert svg is not None and 'role="img"' in svg.group(0)
    assert "<title id=" in svg.group(0) and "<desc id=" in svg.group(0)
    assert re.search(r'<th scope="row">2018</th><td class="num">11,942</td>', html)
    assert re.search(r'<th scope="row">2026</th><td class="num">—</td><td class="num">13,500</td>', html)
    assert html.count("<h1") == 1


def test_only_approved_values_are_public(seeded, client):
    ind = the_indicator()
    sid = ind.series.get().pk
    record(sid, 2024, 13736)  # approved
    record(sid, 2025, 55555, draft=True)  # a draft never approved
    record(sid, 2024, 44444, draft=True)  # a draft over the approved value
    html = text_of(client.get(f"/indicators/{ind.pk}/"))
    assert "13,736億円" in html
    assert "55555" not in html and "55,555" not in html
    assert "44444" not in html and "44,444" not in html
    csv_text = client.get(f"/indicators/{ind.pk}/download.csv").content.decode("utf-8-sig")
    assert "13736" in csv_text and "55555" not in csv_text and "44444" not in csv_text
    # the node page shows the latest public actual, not the draft
    node_html = text_of(client.get(f"/nodes/{ind.node_id}/"))
    assert "13,736億円" in node_html and "55,555" not in node_html and "44,444" not in node_html

    from django.db import transaction

    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import approve_actual

    draft = m.ActualValue.objects.get(series_id=sid, year=2025)
    with transaction.atomic():
        approve_actual(draft.pk, "planner")
    assert "55,555億円" in text_of(client.get(f"/indicators/{ind.pk}/"))


def test_csv_has_bom_japanese_header_and_numbers_as_numbers(seeded, client):
    from machikpi.adapters.web.public.downloads import HEADER

    ind = the_indicator()
    record(ind.series.get().pk, 2024, 13736.5)
    resp = client.get(f"/indicators/{ind.pk}/download.csv")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    assert "attachment" in resp["Content-Disposition"]
    body: bytes = resp.content
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER and rows[0][:3] == ["計画", "施策", "指標"]
    by_kind = {r[5]: r for r in rows[1:]}
    assert by_kind["基準値"][7] == "11942" and by_kind["基準値"][8] == "11,942億円 (平成30年)"
    assert by_kind["目標値"][6] == "2026" and by_kind["目標値"][7] == "13500"
    assert by_kind["実績値"][6] == "2024" and by_kind["実績値"][7] == "13736.5"
    assert by_kind["実績値"][9] == "実績入力"
    # numbers are written bare (not quoted, no thousands separator)
    assert re.search(r",2018,11942,", text) and re.search(r",2024,13736\.5,", text)


def test_xlsx_numbers_are_numbers(seeded, client):
    from openpyxl import load_workbook

    ind = the_indicator()
    record(ind.series.get().pk, 2024, 13736)
    resp = client.get(f"/indicators/{ind.pk}/download.xlsx")
    assert resp.status_code == 200 and "spreadsheetml" in resp["Content-Type"]
    ws = load_workbook(io.BytesIO(resp.content))["指標"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][5:8] == ("種別", "年度", "値")
    values = {r[5]: r for r in rows[1:]}
    for kind, expected in (("基準値", 11942), ("目標値", 13500), ("実績値", 13736)):
        v = values[kind][7]
        assert isinstance(v, int | float) and not isinstance(v, bool) and v == expected, (kind, v)
        assert isinstance(values[kind][6], int)


def test_opinions_link_to_the_right_node_and_never_guess(seeded, client):
    from machikpi.adapters.storage import models as m

    plan = m.Plan.objects.get(doc=SEED_OPINIONS.name)
    target = m.Node.objects.get(plan=plan, title="基幹産業の競争力を強化する")
    assert target.parent is not None and target.parent.title == "強みを活かしたしごとづくり"
    html = text_of(client.get("/opinions/"))
    first = m.Opinion.objects.get(plan=plan, number=1)
    block = html[html.index(f'id="opinion-{first.pk}"') :]
    block = block[: block.index("</article>")]
    # the measure and the reflection "Ⅰ強みを活かしたしごとづくり（１）基幹産業の競争力を強化する＜…＞"
    assert block.count(f'href="/nodes/{target.pk}/"') == 2
    # opinion 2 was reflected in "４活力とにぎわいのあるまちづくり①…": no stored node, shown unlinked
    second = m.Opinion.objects.get(plan=plan, number=2)
    block2 = html[html.index(f'id="opinion-{second.pk}"') :]
    block2 = block2[: block2.index("</article>")]
    assert "活力とにぎわいのあるまちづくり" in block2
    assert block2.count('href="/nodes/') == 1  # the measure only
    # no link ever goes to the other plan (伊勢崎市), whose titles differ
    other = set(m.Node.objects.filter(plan__doc=SEED_STRATEGY.name).values_list("id", flat=True))
    linked = {int(x) for x in re.findall(r'href="/nodes/(\d+)/"', html)}
    assert linked and not linked & other


def test_opinion_links_by_whole_path_only(seeded):
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.web.public.linking import link_opinions

    plan = m.Plan.objects.get(doc=SEED_OPINIONS.name)
    wrong_parent = m.Opinion(
        plan=plan,
        number=99,
        measure=["子どもを産み育てやすい環境づくり", "基幹産業の競争力を強化する"],
        reflections=[
            {"page": 1, "section": "Ⅱ子どもを産み育てやすい環境づくり（９）存在しない施策", "quote": ""}
        ],
        opinion="x",
    )
    wrong_parent.save()
    links = link_opinions([wrong_parent])[wrong_parent.pk]
    assert links.measure is None  # the title exists, but under another goal
    goal = m.Node.objects.get(plan=plan, title="子どもを産み育てやすい環境づくり")
    assert links.reflections[0] is not None and links.reflections[0].id == goal.pk  # the goal it names


@pytest.mark.parametrize(
    ("query", "kind", "expected"),
    [
        ("製造品出荷額", "indicator", INDICATOR),
        ("３歳児健康診査", "indicator", "3歳児健康診査受診率"),  # full-width digit
        ("ｺﾐｭﾆﾃｨﾊﾞｽ", "node", "交通体系の確立"),  # half-width katakana, found in the node's text
        ("伊勢崎　総合戦略", "plan", "伊勢崎市"),  # two terms, ideographic space
    ],
)
def test_search_finds_japanese_terms_in_any_width(seeded, client, query, kind, expected):
    from urllib.parse import quote

    html = text_of(client.get(f"/search/?q={quote(query)}"))
    hits = re.findall(r'<a href="/(plans|nodes|indicators)/\d+/" lang="ja">([^<]*)</a>', html)
    kinds = {"plans": "plan", "nodes": "node", "indicators": "indicator"}
    assert any(kinds[k] == kind and expected in t for k, t in hits), hits


def test_search_paginates(seeded, client):
    from machikpi.adapters.web.public.search import search

    everything = search("の", page=1, page_size=5)
    assert everything.total > 10 and everything.pages > 2 and len(everything.hits) == 5
    second = search("の", page=2, page_size=5)
    assert {(h.kind, h.id) for h in second.hits}.isdisjoint({(h.kind, h.id) for h in everything.hits})
    html = text_of(client.get("/search/?q=の&page=2"))
    assert 'rel="prev"' in html


def test_plan_overview_and_progress_count_stored_grades(seeded, client):
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.evaluations import evaluate_stored

    plan = m.Plan.objects.get(doc=SEED_STRATEGY.name)
    record(the_indicator().series.get().pk, 2024, 13736)  # above the target 13,500: S
    evaluate_stored(2024, load_ruleset("baseline-band"), docs=[plan.doc])
    html = text_of(client.get(f"/plans/{plan.pk}/"))
    assert "2024年度の評価（評価基準 baseline-band）" in html
    series = m.Series.objects.filter(indicator__plan=plan, present=True, indicator__present=True).count()
    assert f"指標 {series}件" in html
    assert '<span class="grade g0">S</span></a> <span class="n">1</span>' in html
    progress = text_of(client.get(f"/plans/{plan.pk}/progress/"))
    assert "<caption>目標ごとの評価別指標数（2024年度、評価基準 baseline-band）</caption>" in progress
    total_row = progress[progress.index("<tfoot>") : progress.index("</tfoot>")]
    numbers = [int(x) for x in re.findall(r'<td class="num">(\d+)</td>', total_row)]
    assert numbers[-1] == series and sum(numbers[:-1]) == series
    assert m.Evaluation.objects.filter(series__indicator__plan=plan, year=2024).count() == series


def test_pages_do_not_query_per_row(seeded, client):
    """The number of queries does not grow with the plan's size (no N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from machikpi.adapters.storage import models as m

    plan = m.Plan.objects.get(doc=SEED_STRATEGY.name)
    busiest = max(m.Node.objects.filter(plan=plan), key=lambda n: n.indicators.count())
    ind = the_indicator()
    for url, limit in (
        ("/", 8),
        (f"/plans/{plan.pk}/", 8),
        (f"/plans/{plan.pk}/progress/", 8),
        # the node page also reads the approved 効果検証, the 外部評価, the committee's name,
        # the SDG goals and the 政策連携プラン it serves: a fixed few queries more
        (f"/nodes/{busiest.pk}/", 18),
        (f"/indicators/{ind.pk}/", 12),
        ("/opinions/", 6),
    ):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        assert len(ctx.captured_queries) <= limit, (url, len(ctx.captured_queries))
    # a node with fewer indicators at the same depth takes as many queries as the busiest:
    # nothing per row (the breadcrumbs read one query per level)
    from machikpi.adapters.storage.tree import node_chain

    depth = len(node_chain(busiest))
    quiet = min(
        (
            n
            for n in m.Node.objects.filter(plan=plan)
            if n.indicators.exists() and len(node_chain(n)) == depth
        ),
        key=lambda n: n.indicators.count(),
    )
    assert quiet.indicators.count() < busiest.indicators.count()
    counts = []
    for node in (quiet, busiest):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/nodes/{node.pk}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_english_switch_translates_headings_not_data(seeded, client):
    from machikpi.adapters.storage import models as m

    plan = m.Plan.objects.get(doc=SEED_STRATEGY.name)
    ja = text_of(client.get(f"/plans/{plan.pk}/"))
    assert '<html lang="ja">' in ja and ">目標と施策</h2>" in ja
    resp = client.post("/i18n/setlang/", {"language": "en", "next": f"/plans/{plan.pk}/"})
    assert resp.status_code == 302
    en = text_of(client.get(f"/plans/{plan.pk}/"))
    assert '<html lang="en">' in en
    assert ">Goals and measures</h2>" in en and "目標と施策" not in en
    assert "しごとの創生" in en  # plan text stays Japanese, marked as such
    assert re.search(r'lang="ja">[^<]*しごとの創生', en)
    ind = the_indicator()
    en_ind = text_of(client.get(f"/indicators/{ind.pk}/"))
    assert ">Baseline and targets</h2>" in en_ind and ">Download the data</h2>" in en_ind
    # and back
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    assert ">目標と施策</h2>" in text_of(client.get(f"/plans/{plan.pk}/"))


def test_missing_objects_are_404(seeded, client):
    from django.conf import settings

    assert not settings.DEBUG  # the error pages below are those a visitor of the real site sees
    for url in (
        "/plans/999999/",
        "/nodes/999999/",
        "/indicators/999999/",
        "/indicators/999999/download.csv",
        "/methods/no-such-rules/",
        "/no/such/page/",
    ):
        resp = client.get(url)
        assert resp.status_code == 404
        html = unescape(resp.content.decode("utf-8"))
        assert '<html lang="ja">' in html and "<h1>ページが見つかりません</h1>" in html, url
        assert 'href="/">' in html and "Not Found" not in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = unescape(client.get("/no/such/page/").content.decode("utf-8"))
    assert '<html lang="en">' in en and "<h1>Page not found</h1>" in en


def test_server_error_page_is_japanese(db):
    from django.test import RequestFactory
    from django.urls import get_resolver
    from django.utils import translation

    handler = get_resolver().resolve_error_handler(500)  # what Django calls on an unhandled error
    # called inside the request, in the language LocaleMiddleware chose for it
    with translation.override("ja"):
        resp = handler(RequestFactory().get("/plans/1/"))
    assert resp.status_code == 500
    html = resp.content.decode("utf-8")
    assert '<html lang="ja">' in html and "<h1>サーバーエラー</h1>" in html
    assert "しばらくしてから、もう一度お試しください" in html and "Server Error" not in html
    with translation.override("en"):
        en = handler(RequestFactory().get("/plans/1/")).content.decode("utf-8")
    assert '<html lang="en">' in en and "<h1>Server error</h1>" in en


def _links_to_method(html: str) -> list[str]:
    return re.findall(r'<a href="(/methods/[^"]*)"[^>]*><span class="grade [^"]*">', html)


def test_every_grade_links_to_the_method_page_which_explains_it(seeded, client):
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.evaluations import evaluate_stored

    plan = m.Plan.objects.get(doc=SEED_STRATEGY.name)
    ind = the_indicator()
    record(ind.series.get().pk, 2024, 13736)  # above the target 13,500: S; the others cannot be graded
    evaluate_stored(2024, load_ruleset("baseline-band"), docs=[plan.doc])
    overview = text_of(client.get(f"/plans/{plan.pk}/"))
    links = _links_to_method(overview)
    assert "/methods/baseline-band/#grade-S" in links and "/methods/baseline-band/#grade-ungraded" in links
    # every grade badge of the overview (summary and tree) is such a link
    assert len(links) == len(re.findall(r'<span class="grade (?!gnone)[^"]*">', overview))
    assert '<a href="/methods/baseline-band/">評価の方法（各評価の意味と計算）</a>' in overview
    progress = text_of(client.get(f"/plans/{plan.pk}/progress/"))
    assert "/methods/baseline-band/#grade-S" in _links_to_method(progress)
    node = text_of(client.get(f"/nodes/{ind.node_id}/"))
    assert _links_to_method(node).count("/methods/baseline-band/#grade-S") == 1
    page = text_of(client.get(f"/indicators/{ind.pk}/"))
    assert _links_to_method(page) == ["/methods/baseline-band/#grade-S"]  # its one evaluation

    method = text_of(client.get("/methods/baseline-band/"))
    assert "基準値・目標値との比較による5段階評価" in method and "長与町" in method
    # each grade of the rule set, in its order, with the meaning its band gives it
    entries = re.findall(r'<dt id="(grade-[^"]+)"><span class="grade [^"]*">([^<]+)</span>', method)
    assert entries == [(f"grade-{g}", g) for g in ("S", "A", "B", "C")] + [("grade-ungraded", "−")]
    meanings = dict(re.findall(r'<dt id="grade-(\w+)">.*?</dt><dd lang="ja">([^<]+)</dd>', method))
    assert meanings["S"] == "目標値に達している" and meanings["C"] == "基準値より悪化している"
    assert "基準値の10%以内" in method and "達成率 = 実績値 ÷ 目標値" in method
    assert "/methods/pro-rata/" in method  # the other presets
    pro_rata = text_of(client.get("/methods/pro-rata/"))
    assert "目標へのペースが60%以上100%未満" in pro_rata  # ② of 多摩市's rule
    assert "/methods/pace/" in text_of(client.get("/methods/"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = text_of(client.get("/methods/baseline-band/"))
    assert ">Grades and what they mean</h2>" in en and 'lang="ja">目標値に達している' in en


def test_indicator_page_shows_the_last_approval_in_tokyo_time(seeded, client):
    from datetime import UTC, datetime

    from machikpi.adapters.storage import models as m

    ind = the_indicator()
    assert "承認された実績値はまだありません" in text_of(client.get(f"/indicators/{ind.pk}/"))
    sid = ind.series.get().pk
    record(sid, 2023, 13000)
    record(sid, 2024, 13736)
    record(sid, 2025, 99999, draft=True)  # a draft is no update of the public data
    at = {2023: datetime(2025, 3, 31, 15, 30, tzinfo=UTC), 2024: datetime(2024, 6, 1, 0, 0, tzinfo=UTC)}
    for year, when in at.items():
        m.ActualValue.objects.filter(series_id=sid, year=year).update(approved_at=when)
    m.ActualValue.objects.filter(series_id=sid, year=2025).update(approved_at=None)
    html = text_of(client.get(f"/indicators/{ind.pk}/"))
    # the latest approval, 2025-03-31 15:30 UTC, is 2025-04-01 00:30 in Japan
    assert '<time datetime="2025-04-01T00:30:00+09:00">2025-04-01 00:30</time>' in html


def test_empty_database_pages(db, client):
    assert "公開されている計画はまだありません" in text_of(client.get("/"))
    assert "公開されている意見はまだありません" in text_of(client.get("/opinions/"))
    assert "0件見つかりました" in text_of(client.get("/search/?q=なし"))


@given(
    low=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    span=st.floats(min_value=1e-6, max_value=1e9, allow_nan=False),
)
def test_chart_ticks_cover_the_range_at_a_round_step(low: float, span: float) -> None:
    from machikpi.adapters.web.public.charts import nice_ticks

    high = low + span
    # a chart cannot show a span below a millionth of its values (float precision); nor does data
    assume(high > low and span >= abs(low) * 1e-6)
    ticks = nice_ticks(low, high)
    step = ticks[1] - ticks[0]
    assert ticks[0] <= low and ticks[-1] >= high - step * 1e-6
    assert 2 <= len(ticks) <= 12
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 5, 10))


def test_the_admin_labels_the_stored_models_in_japanese(seeded, client):
    from django.contrib.auth import get_user_model

    from machikpi.adapters.storage import models as m

    admin = get_user_model().objects.create_superuser("admin-ja", password=None)
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    index = text_of(client.get("/admin/"))
    for label in ("指標", "担当課", "職員の役割"):  # the models registered in the admin
        assert re.search(rf"<a href=\"/admin/machikpi/[a-z]+/\">{label}</a>", index), label
    ind = the_indicator()
    form = text_of(client.get(f"/admin/machikpi/indicator/{ind.pk}/change/"))
    assert re.search(r"<label[^>]*>担当課:</label>", form)
    assert re.search(r"<label[^>]*>指標名:</label>", form)
    changes = text_of(client.get("/admin/machikpi/indicator/"))
    assert re.search(r'<th scope="col" class="sortable column-name[^"]*">.*?>指標名</a>', changes, re.S)
    assert m.Indicator._meta.verbose_name == "指標"
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    en = text_of(client.get("/admin/"))
    assert '<a href="/admin/machikpi/indicator/">Indicator</a>' in en
    assert '<a href="/admin/machikpi/staffprofile/">Staff roles</a>' in en
