"""The evaluation report from the database, and ``machikpi demo`` end to end.

The expected grades and rates are worked by hand below from the hand-made
plan of ``tests.storage_db.hand_plan`` (baselines FY2019, targets FY2027)
under the ``baseline-band`` preset (S target reached; A better than the
baseline; B not better but within 10 % of it; C worse; − cannot grade).
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from machikpi.adapters.cli import main
from tests.conftest import DemoRun
from tests.storage_db import database_url, db, hand_plan

__all__ = ["database_url", "db"]

YEAR = 2023


def _store_with_actuals() -> None:
    from django.db import transaction

    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import record_actual
    from machikpi.adapters.storage.plans import store_plan

    with transaction.atomic():
        store_plan(hand_plan())
    sid = {(s.indicator.name, s.group): s.id for s in m.Series.objects.select_related("indicator").all()}
    entries = {
        ("新規就農者数", None): 16.0,  # 12 → 20: 達成率 16/20 = 80.0 %, 進捗率 4/8 = 50.0 % → A
        ("観光入込客数", None): 140.0,  # 150 → 180: worse, but ≥ 150 × 0.9 = 135 → B; worse than baseline
        ("市内従業者数", None): 42600.0,  # 41000 → 42500: reached → S
        ("学校が楽しいと答えた割合", "小"): 70.0,  # 80.5 → 85: < 80.5 × 0.9 = 72.45 → C
        # ("学校が楽しいと答えた割合", "中"): no value → −, listed as missing
    }
    with transaction.atomic():
        for key, value in entries.items():
            record_actual(
                sid[key], YEAR, value=value, raw=f"{value:g}", note="", who="test", status="approved"
            )


COMMENT = "観光客数の減少要因を分析してください"
OLD_COMMENT = "前年度のコメントです"
FINDING = "テスト用の所見です"


def store_comment_and_finding() -> None:
    """The hand-made plan with FY2023 actuals, a comment on 1-1 for 2023 (and one for 2022,
    not to be shown) and a stored audit of one finding on 観光入込客数 (line 42)."""
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.plans import store_audit
    from machikpi.core.audit import Finding, Severity
    from machikpi.core.audit.period import PlanPeriod

    _store_with_actuals()
    plan = m.Plan.objects.get()
    node = m.Node.objects.get(plan=plan, code="1-1")
    m.CommitteeComment.objects.create(node=node, year=2023, author_name="山田委員", text=COMMENT)
    m.CommitteeComment.objects.create(node=node, year=2022, author_name="佐藤委員", text=OLD_COMMENT)
    finding = Finding(
        check="target-pending",
        severity=Severity.WARNING,
        message=FINDING,
        doc=plan.doc,
        line=42,
        node_path=("しごとをつくる", "雇用の場をつくる"),
        node_code="1-1",
        indicator="観光入込客数",
        cell="target[0]",
    )
    store_audit(plan.pk, [finding], PlanPeriod(2020, 2027))


def _row_grade(html: str, name: str) -> str:
    """The grade cell of the table row that names ``name``."""
    m = re.search(rf"<td>{re.escape(name)}.*?</tr>", html, re.S)
    assert m, name
    g = re.search(r'<td class="grade">([^<]*)', m.group(0))
    assert g, m.group(0)
    return g.group(1)


@pytest.mark.db
def test_report_grades_rates_and_lists(db: str, tmp_path: Path) -> None:
    _store_with_actuals()
    out = tmp_path / "report.html"
    # No --year: the latest fiscal year with an approved actual value (2023).
    assert main(["report", "--database", db, "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "令和5年度（2023年度）" in html
    assert _row_grade(html, "新規就農者数") == "A"
    assert _row_grade(html, "観光入込客数") == "B"
    assert _row_grade(html, "市内従業者数") == "S"
    assert _row_grade(html, "学校が楽しいと答えた割合（小）") == "C"
    assert _row_grade(html, "学校が楽しいと答えた割合（中）") == "−"
    row = re.search(r"<td>新規就農者数.*?</tr>", html, re.S)
    assert row and "80.0%" in row.group(0) and "50.0%" in row.group(0)
    missing = html.split("の実績値が未入力の指標")[1].split("</ul>")[0]
    assert "学校が楽しいと答えた割合（中）" in missing and "新規就農者数" not in missing
    worse = html.split("基準値より悪化した指標")[1].split("</ul>")[0]
    assert "観光入込客数" in worse and "学校が楽しいと答えた割合（小）" in worse
    assert "新規就農者数" not in worse
    assert html.count("<svg") == 5  # one chart per series
    assert "架空のデモ用データ" not in html  # real data is not marked as invented
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    # no stored audit (the plan was stored without one): the rows are audited instead
    assert "保存された監査がないため" in html


def _blocks(html: str) -> dict[str, str]:
    """The HTML report cut at each h3/h4 heading: heading text → what follows up to the next one."""
    parts = re.split(r"<h[34][^>]*>(.*?)</h[34]>", html)
    return {parts[k]: parts[k + 1] for k in range(1, len(parts) - 1, 2)}


@pytest.mark.db
def test_comment_and_stored_finding_under_their_node_in_html(db: str, tmp_path: Path) -> None:
    store_comment_and_finding()
    out = tmp_path / "r.html"
    assert main(["report", "--database", db, "--year", str(YEAR), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    blocks = _blocks(html)
    node = blocks["1-1 雇用の場をつくる"]
    assert COMMENT in node and re.search(r"— 山田委員（\d{4}-\d\d-\d\d）", node)
    finding = re.search(r"<tr class=\"sev-warning\">.*?</tr>", node, re.S)
    assert finding and FINDING in finding.group(0) and "観光入込客数" in finding.group(0)
    assert '<td class="num">42</td>' in finding.group(0)  # the document line of the stored finding
    others = [text for heading, text in blocks.items() if heading != "1-1 雇用の場をつくる"]
    assert not any(COMMENT in text for text in others)
    assert OLD_COMMENT not in html  # a comment of another year
    # the full list: the stored audit (one finding), not an audit of the rows
    listing = blocks["監査所見一覧（1件）"]
    row = re.search(r"<tr class=\"sev-warning\">.*?</tr>", listing, re.S)
    assert row and FINDING in row.group(0) and '<td class="num">42</td>' in row.group(0)
    assert "行は計画書ファイル（hand-made-strategy.txt）の行番号です" in listing
    # the committee reads the check's title and the cell in words, not the audit's codes
    assert "目標値が未設定" in row.group(0) and "目標値（1つ目）" in row.group(0)
    assert "target-pending" not in html and "target[0]" not in html
    assert "取込時に保存された監査の結果です" in listing and "計画期間 2020-2027" in listing
    assert "保存された監査がないため" not in html


def _summary_row(html: str, goal: str) -> list[str]:
    """The cells of the HTML report's summary row of ``goal``, after its heading cell."""
    m = re.search(rf'<tr><th scope="row">{re.escape(goal)}</th>(.*?)</tr>', html, re.S)
    assert m, goal
    return re.findall(r'<td class="num">([^<]*)</td>', m.group(1))


@pytest.mark.db
def test_summary_counts_every_grade_and_the_method_is_in_japanese(db: str, tmp_path: Path) -> None:
    _store_with_actuals()
    out = tmp_path / "r.html"
    assert main(["report", "--database", db, "--year", str(YEAR), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert re.search(
        r"<th scope=\"col\">C</th><th scope=\"col\">評価不能（−）</th><th scope=\"col\">計</th>", html
    )
    # goal 1: S 市内従業者数, A 新規就農者数, B 観光入込客数; goal 2: C (小) and − (中, no value)
    assert _summary_row(html, "1 しごとをつくる") == ["1", "1", "1", "0", "0", "3"]
    assert _summary_row(html, "2 子育てを支える") == ["0", "0", "0", "1", "1", "2"]
    method = html[html.index('<section id="method"') : html.index('<section id="appendix"')]
    # what each grade means, from the rule set: S first, then A, B, C, then the cannot-grade grade
    grades = re.findall(r'<td class="grade">([^<]*)</td><td>([^<]*)</td>', method)
    assert [g for g, _ in grades] == ["S", "A", "B", "C", "−"]
    assert dict(grades)["S"] == "目標値に達している" and dict(grades)["C"] == "基準値より悪化している"
    assert "基準値の10%以内" in method  # 同水準 as the preset's [baseline] defines it
    assert "達成率 = 実績値 ÷ 目標値" in method and "進捗率 = （実績値 − 基準値）" in method
    assert "達成（S）の指標の割合" in method  # the roll-up
    assert "#" not in method and "Our reading" not in html  # no TOML comment, not even in the appendix
    appendix = unescape(html[html.index('<section id="appendix"') :])
    assert 'name = "baseline-band"' in appendix and "unchanged_relative = 0.10" in appendix


@pytest.mark.db
def test_report_lists_actuals_per_year_and_the_department(db: str, tmp_path: Path) -> None:
    from django.db import transaction

    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import record_actual

    _store_with_actuals()
    farm = m.Series.objects.get(indicator__name="新規就農者数")
    with transaction.atomic():
        record_actual(farm.pk, YEAR - 1, value=14.0, raw="14", note="", who="test", status="approved")
        record_actual(farm.pk, YEAR - 2, value=13.0, raw="13", note="", who="test", status="draft")
    dept = m.Department.objects.create(name="農政課")
    m.Indicator.objects.filter(pk=farm.indicator_id).update(department=dept)
    out = tmp_path / "r.html"
    assert main(["report", "--database", db, "--year", str(YEAR), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    row = re.search(r"<td>新規就農者数.*?</tr>", html, re.S)
    assert row
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    assert cells[1] == "農政課"  # 担当課, after the indicator
    years = re.findall(r'<span class="y">(\d{4})年度</span> ([^<]*)</span>', cells[4])
    # the approved values of each year up to the report year; the draft of 2021 is not one
    assert years == [("2022", "14人"), ("2023", "16人")]
    other = re.search(r"<td>観光入込客数.*?</tr>", html, re.S)
    assert other and re.findall(r"<td[^>]*>(.*?)</td>", other.group(0), re.S)[1] == "—"


def test_report_format_follows_the_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.docx"
    assert main(["report", "--database", f"sqlite:///{tmp_path / 'none.db'}", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{out}: unsupported report format '.docx'" in err and ".html, .pdf or .xlsx" in err
    assert not out.exists() and not (tmp_path / "none.db").exists()  # refused before any work


@pytest.mark.db
def test_evaluations_are_stored_and_replaced(db: str, tmp_path: Path) -> None:
    from machikpi.adapters.storage import models as m

    _store_with_actuals()
    for _ in range(2):
        assert main(["report", "--database", db, "--year", str(YEAR), "-o", str(tmp_path / "r.html")]) == 0
    assert m.Evaluation.objects.filter(year=YEAR, rules="baseline-band").count() == 5
    farm = m.Evaluation.objects.get(series__indicator__name="新規就農者数", year=YEAR)
    assert farm.grade == "A"
    assert farm.achievement_rate == pytest.approx(0.8)
    assert farm.progress_rate == pytest.approx(0.5)


@pytest.mark.db
def test_report_without_actuals_is_a_clear_error(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--database", db, "-o", str(tmp_path / "r.html")]) == 2
    assert "承認済みの実績値がありません" in capsys.readouterr().err


def test_demo_end_to_end(demo_run: DemoRun) -> None:
    out, r = demo_run.out, demo_run.result  # machikpi demo --no-serve --out DIR (tests/conftest.py)
    assert r.returncode == 0, r.stderr
    assert (out / "machikpi.db").is_file()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "令和7年度（2025年度）" in html
    # One report per municipality (平塚市 000+001, 伊豆の国市, 伊勢崎市, 本庄市); report.html is the first.
    reports = {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("report-*.html"))}
    assert set(reports) == {f"report-{c}.html" for c in ("142034", "222259", "102041", "112119")}
    assert reports["report-142034.html"] == html and "神奈川県平塚市" in html
    for text in reports.values():
        # each report has its municipality's one plan with indicators, marked as invented data
        # (the plan, the header and the method section), and its one invented committee comment
        assert text.count('<section id="plan-') == 1
        assert text.count('<p class="demo" role="note">') == 1 + 1 + 1
        assert text.count("架空のデモ用コメント") == 1
    assert "基本計画 第2章" in html and "伊豆の国市まち・ひと" not in html
    assert "第3期伊豆の国市まち・ひと・しごと創生総合戦略" in reports["report-222259.html"]
    assert "基本計画 第2章" not in reports["report-222259.html"]
    assert "report:" in r.stdout and "245 new" in r.stdout  # 245 rows in samples/demo_actuals.csv
    assert "the document names no municipality; the demo sets 平塚市" in r.stdout
