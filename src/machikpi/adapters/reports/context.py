"""The content of an evaluation report, built from evaluated KPI rows.

Input: KPI rows as ``docs/kpi-rows.md`` defines them, each with its
``actuals`` and the ``evaluation`` object of one fiscal year (what
``machikpi evaluate`` writes and what the database gives back), and
optionally the committee's comments of the year and each plan's stored
audit (:mod:`.stored` reads both from the database). Output: plain
dataclasses that the HTML, PDF and Excel writers lay out — one context,
several renderers. No I/O here.
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...core.audit import CHECKS, audit_plan, findings_to_json
from ...core.evaluation import RuleSet, RuleSetError, count_up, ruleset_from_toml
from ...core.evaluation.describe import UNGRADED, RuleSetDescription, describe_ruleset
from ...core.model import Indicator, Node, Plan, Role, Series
from ...core.periods import to_wareki
from ...core.quantities import format_number
from ...core.rows import cell_from_row, kpi_rows
from ...core.sdgs import goal as sdg_goal
from ...core.sdgs import goals as sdg_goals
from ..reasons import reason_label
from .charts import ChartPoint, series_chart, series_sparkline

Row = dict[str, Any]


@dataclass
class IndicatorLine:
    """One line of a node's indicator table (one series)."""

    name: str
    group: str | None
    role: str
    unit: str
    baseline: str
    targets: str
    actual: str
    achievement: str
    progress: str
    grade: str
    reason: str
    direction: str
    chart_svg: str
    notes: list[str]
    row: Row
    #: the compact chart of the PDF's table row (:func:`series_sparkline`), ``""`` without data
    spark_svg: str = ""
    #: the department (担当課) owning the indicator, ``""`` when none is assigned
    department: str = ""
    #: the actual value of every year up to the report year, oldest first: (year, text)
    actual_years: list[tuple[int, str]] = field(default_factory=list)
    #: :attr:`baseline` and each of :attr:`targets` as (value text, ``（year）`` or ``""``), for
    #: the PDF's narrow columns, which may break a line between the two only
    baseline_parts: tuple[str, str] = ("", "")
    target_parts: list[tuple[str, str]] = field(default_factory=list)
    #: the approved 効果検証 of the indicator for the report year (``None``: none approved)
    review: ReviewText | None = None

    @property
    def direction_mark(self) -> str:
        """The good direction as one mark: ``↑`` higher, ``↓`` lower, ``→`` keep, ``""`` unknown."""
        return self.direction[:1] if self.direction[:1] in ("↑", "↓", "→") else ""

    @property
    def spark_url(self) -> str:
        """:attr:`spark_svg` as a ``data:image/svg+xml`` URI (``""`` without data): the PDF's
        ``<img>``; WeasyPrint draws an SVG image as vectors, without cascading the document's
        CSS over each of its elements as it does for inline ``<svg>``."""
        if not self.spark_svg:
            return ""
        return "data:image/svg+xml;base64," + base64.b64encode(self.spark_svg.encode("utf-8")).decode("ascii")


@dataclass(frozen=True)
class Comment:
    """A committee comment (外部有識者会議の意見) on a plan node for the report year.

    ``node_path`` lists the titles of the nodes from the root to the node
    the comment is on (as the rows' ``path``); ``node_heading`` is that node's
    code and title; ``date`` is the day of its last change (``YYYY-MM-DD``)."""

    doc: str
    node_path: tuple[str, ...]
    node_heading: str
    author_name: str
    text: str
    date: str = ""


@dataclass(frozen=True)
class ReviewText:
    """The approved 効果検証 of an indicator or a measure written by its 担当課:
    取組の成果と課題, 今後の方向性 and 内部評価 (``""`` for what was left empty)."""

    results: str
    direction: str = ""
    internal: str = ""


@dataclass(frozen=True)
class ExternalReviewText:
    """The committee's approved 外部評価 of a goal or measure, published under
    ``committee_name`` (the committee's name, not a login name); ``node_path`` and
    ``node_heading`` as in :class:`Comment`, ``date`` the day of its approval."""

    doc: str
    node_path: tuple[str, ...]
    node_heading: str
    committee_name: str
    text: str
    date: str = ""


@dataclass(frozen=True)
class Reviews:
    """What the report shows of the 効果検証 (:func:`.stored.stored_reviews`): the approved
    review of each indicator, keyed as :func:`build_report`'s ``departments`` (document,
    node path, indicator name), of each measure (document, node path), and the approved
    外部評価."""

    indicators: Mapping[tuple[str, tuple[str, ...], str], ReviewText] = field(default_factory=dict)
    measures: Mapping[tuple[str, tuple[str, ...]], ReviewText] = field(default_factory=dict)
    external: list[ExternalReviewText] = field(default_factory=list)


@dataclass(frozen=True)
class StoredAudit:
    """The audit kept with a stored plan (:func:`machikpi.adapters.storage.plans.store_audit`):
    ``findings`` as :func:`machikpi.core.audit.finding_to_json` dicts (with
    document line numbers), ``period`` the plan period it used (``"2020-2024"``
    or ``""``), ``audited_at`` the day it ran (``YYYY-MM-DD``)."""

    findings: list[Row]
    period: str = ""
    audited_at: str = ""


@dataclass(frozen=True)
class SdgMark:
    """An SDG goal of a goal or measure heading: ``colour`` its official colour, ``text`` the
    badge's text colour of the higher WCAG contrast (at least 4.5:1, :mod:`machikpi.core.sdgs`);
    ``confirmed`` false for a suggestion the planning office has not reviewed yet."""

    number: int
    short: str
    colour: str
    text: str
    confirmed: bool = True


def sdg_mark(number: int, confirmed: bool = True) -> SdgMark:
    """The mark of goal ``number`` (1–17; ``KeyError`` otherwise)."""
    g = sdg_goal(number)
    return SdgMark(number, g.short, g.colour, g.text, confirmed)


def sdg_text(marks: list[SdgMark]) -> str:
    """The goals as a heading's text: ``SDGs: 3, 4, 11``, and ``（未確認の提案: 11）`` after it for
    suggestions not reviewed yet; ``""`` without goals."""
    if not marks:
        return ""
    text = "SDGs: " + ", ".join(str(m.number) for m in marks)
    unconfirmed = [str(m.number) for m in marks if not m.confirmed]
    return text + (f"（未確認の提案: {', '.join(unconfirmed)}）" if unconfirmed else "")


@dataclass(frozen=True)
class LinkTargetText:
    """A measure a 政策連携プラン names, as printed (``code``, ``title``), with ``node_path`` the
    titles from the root to the stored node of that code (``None``: no such node)."""

    code: str
    title: str
    node_path: tuple[str, ...] | None = None


@dataclass(frozen=True)
class PlanLinkText:
    """A cross-cutting plan (政策連携プラン) of document ``doc``: its code and title, its
    課題意識 ``text`` and the measures it names, in document order."""

    doc: str
    code: str
    title: str
    text: str
    targets: tuple[LinkTargetText, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """What the report shows of issue 14 (:func:`.stored.stored_catalogue`): the SDG goals of
    each node, keyed (document, node path) as :class:`Reviews`' measures, as ``(goal,
    confirmed)`` in goal order (rejected ones left out), and the plans' 政策連携プラン."""

    sdgs: Mapping[tuple[str, tuple[str, ...]], list[tuple[int, bool]]] = field(default_factory=dict)
    links: list[PlanLinkText] = field(default_factory=list)


#: Japanese labels of the audit severities (:class:`machikpi.core.audit.Severity`).
SEVERITY_LABELS = {"error": "誤り", "warning": "要確認", "info": "参考"}


@dataclass
class NodeSection:
    """A goal or measure with its indicators; ``depth`` 0 is a top-level goal.

    ``comments`` are the committee's comments on this node (or on a node
    below it that has no section of its own: then ``Comment.node_heading``
    names it); ``findings`` the audit findings whose ``node_path`` is this
    node's (or, likewise, a node below it without a section); ``anchor`` is
    an id unique in the report (links of the table of contents)."""

    codes: list[str]
    titles: list[str]
    depth: int
    lines: list[IndicatorLine] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    findings: list[Row] = field(default_factory=list)
    anchor: str = ""
    #: the approved 効果検証 of this node as a measure (``None``: none approved)
    review: ReviewText | None = None
    #: the committee's approved 外部評価 of this node (or of a node below it without a section)
    external_reviews: list[ExternalReviewText] = field(default_factory=list)
    #: the node's SDG goals (:class:`Catalogue`), in goal order
    sdgs: list[SdgMark] = field(default_factory=list)

    @property
    def sdg_text(self) -> str:
        """The SDG goals as text, ``SDGs: 3, 4, 11`` (:func:`sdg_text`); ``""`` without goals."""
        return sdg_text(self.sdgs)

    @property
    def sdg_unconfirmed(self) -> str:
        """The goals among :attr:`sdgs` not yet reviewed, ``11, 17`` (``""`` for none)."""
        return ", ".join(str(m.number) for m in self.sdgs if not m.confirmed)

    @property
    def line_reviews(self) -> list[tuple[IndicatorLine, ReviewText]]:
        """The approved 効果検証 of the section's indicators, once per indicator (its first line)."""
        seen: set[str] = set()
        out: list[tuple[IndicatorLine, ReviewText]] = []
        for ln in self.lines:
            if ln.review is not None and ln.name not in seen:
                seen.add(ln.name)
                out.append((ln, ln.review))
        return out

    @property
    def has_reviews(self) -> bool:
        """Whether the section shows any 効果検証 or 外部評価."""
        return bool(self.review or self.external_reviews or self.line_reviews)

    @property
    def heading(self) -> str:
        code = self.codes[-1] if self.codes else ""
        return f"{code or ''} {self.titles[-1] if self.titles else ''}".strip() or "（目標なし）"


@dataclass
class LinkMeasure:
    """A measure a 政策連携プラン names, with the report's section of it (``None``: the
    measure is not in the plan's stored nodes, or has no indicator in the report) and the
    indicator lines of that section and the sections below it (grades of the report year)."""

    code: str
    title: str
    section: NodeSection | None = None
    lines: list[IndicatorLine] = field(default_factory=list)

    @property
    def heading(self) -> str:
        """The measure as printed in the 政策連携プラン: code and title (the title of its
        section when the plan printed the code alone)."""
        title = self.title or (self.section.titles[-1] if self.section and self.section.titles else "")
        return f"{self.code} {title}".strip()


@dataclass
class LinkSection:
    """A 政策連携プラン of the plan: its 課題意識 and its measures with their grades."""

    code: str
    title: str
    text: str
    measures: list[LinkMeasure] = field(default_factory=list)
    anchor: str = ""

    @property
    def heading(self) -> str:
        """Code and title."""
        return f"{self.code} {self.title}".strip()

    @property
    def grade_counts(self) -> list[tuple[str, int]]:
        """(grade, series) over its measures' lines, most frequent first (a series of a
        measure named twice counted once)."""
        seen: dict[int, str] = {}
        for m in self.measures:
            for ln in m.lines:
                seen[id(ln)] = ln.grade
        return Counter(seen.values()).most_common()


@dataclass
class GoalSummary:
    """Grade counts of the indicators under one top-level goal.

    ``counts`` lists (grade, count) of the grades given, in the rule set's order,
    the "cannot grade" grade (:attr:`Report.ungraded`) last; ``cells`` are the
    counts of :attr:`Report.summary_grades` (0 for none) and ``ungraded`` that of
    the cannot-grade grade, so that ``sum(cells) + ungraded == total``."""

    title: str
    counts: list[tuple[str, int]]
    total: int
    cells: list[int] = field(default_factory=list)
    ungraded: int = 0


@dataclass
class Goal:
    """A top-level goal (基本目標) with every section under it (itself first) and its grade counts."""

    section: NodeSection
    sections: list[NodeSection]
    summary: GoalSummary

    @property
    def comments(self) -> list[Comment]:
        """The comments on the goal and on every node under it."""
        return [c for s in self.sections for c in s.comments]

    @property
    def findings(self) -> list[Row]:
        """The audit findings of the goal and of every node under it."""
        return [f for s in self.sections for f in s.findings]


@dataclass
class PlanReport:
    """The report of one plan document."""

    doc: str
    title: str
    sections: list[NodeSection]
    summaries: list[GoalSummary]
    no_target: list[IndicatorLine]
    no_actual: list[IndicatorLine]
    worse: list[IndicatorLine]
    #: Audit findings (:func:`machikpi.core.audit.findings_to_json` dicts, each
    #: with ``severity_label`` and ``check_title`` added): the stored audit of
    #: the plan when there is one (with document lines), else the audit of the
    #: plan as the rows give it back (:func:`plan_from_rows`; no lines).
    findings: list[Row] = field(default_factory=list)
    #: ``"stored"`` or ``"rows"``: where :attr:`findings` came from.
    findings_source: str = "rows"
    #: the plan period the stored audit used and the day it ran ("" when unknown)
    audit_period: str = ""
    audited_at: str = ""
    goals: list[Goal] = field(default_factory=list)
    #: comments on nodes that have no section and no ancestor with one
    other_comments: list[Comment] = field(default_factory=list)
    anchor: str = ""
    #: 外部評価 of nodes that have no section and no ancestor with one
    other_external_reviews: list[ExternalReviewText] = field(default_factory=list)
    #: the plan's 政策連携プラン (cross-cutting plans) with their measures' grades
    links: list[LinkSection] = field(default_factory=list)

    @property
    def external_reviews(self) -> list[ExternalReviewText]:
        """Every approved 外部評価 of the plan, in section order."""
        return [e for s in self.sections for e in s.external_reviews] + self.other_external_reviews

    @property
    def comments(self) -> list[Comment]:
        """Every committee comment of the plan, in section order."""
        return [c for s in self.sections for c in s.comments] + self.other_comments


@dataclass
class Report:
    """A whole report: one or more plans evaluated for ``year`` with ``rules``."""

    year: int
    year_label: str
    rules: str
    rules_description: str
    grade_order: list[str]
    demo_data: bool
    plans: list[PlanReport]
    #: the symbol of a series that cannot be graded: the rule set's ``cannot_grade``, else ``−``
    ungraded: str = UNGRADED
    #: the grades of the summary tables' columns: the rule set's, then any other given
    summary_grades: list[str] = field(default_factory=list)
    #: the rule set in Japanese sentences (the method section); ``None`` when unknown
    method: RuleSetDescription | None = None
    #: the municipality the report is for (福井県鯖江市); ``""`` when unknown
    municipality: str = ""

    @property
    def sdg_css(self) -> str:
        """The CSS of the SDG badges: ``.sdg-N`` with the goal's official colour and the text
        colour of the higher contrast (at least 4.5:1, :mod:`machikpi.core.sdgs`)."""
        return "\n".join(
            f".sdg-{g.number} {{ background: {g.colour}; color: {g.text}; }}" for g in sdg_goals()
        )

    @property
    def rules_toml(self) -> str:
        """:attr:`rules_description` without its comment lines: the rule set's settings
        alone, for the appendix (the method section says in Japanese what they mean)."""
        kept = [line for line in self.rules_description.splitlines() if not line.lstrip().startswith("#")]
        return "\n".join(kept).strip()


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def _cell(cell: Row | None, unit: str | None) -> str:
    if not cell:
        return "—"
    status = cell.get("status")
    if status == "value" and cell.get("value") is not None:
        text = format_number(float(cell["value"])) + (unit or "")
        bound = {"max": "以内", "min": "以上"}.get(cell.get("bound") or "", "")
        return text + bound + (f"（{cell['year']}）" if cell.get("year") else "")
    return {"none": "—", "pending": "検討中" if cell.get("raw") else "未設定", "tallying": "集計中"}.get(
        str(status), cell.get("raw") or "—"
    )


def _parts(cell: Row | None, unit: str | None) -> tuple[str, str]:
    """:func:`_cell` cut into the value and its ``（year）`` (``""`` without one)."""
    text = _cell(cell, unit)
    year = f"（{cell['year']}）" if cell and cell.get("year") else ""
    if year and text.endswith(year):
        return text[: -len(year)], year
    return text, ""


def _point(cell: Row | None, fallback_year: int | None) -> ChartPoint | None:
    if not cell or cell.get("value") is None:
        return None
    year = cell.get("year") or fallback_year
    return ChartPoint(int(year), float(cell["value"])) if year else None


def _is_worse(ev: Row, baseline: Row) -> bool:
    actual, base = ev.get("actual"), baseline.get("value")
    if actual is None or base is None:
        return False
    return (ev.get("direction") == "higher" and actual < base) or (
        ev.get("direction") == "lower" and actual > base
    )


def _line(row: Row, year: int, ungraded: str = UNGRADED, cannot_grade: str | None = None) -> IndicatorLine:
    ev: Row = row.get("evaluation") or {}
    unit = row.get("unit")
    targets = row.get("targets") or []
    actuals = row.get("actuals") or []
    base = row.get("baseline") or {}
    actual_cell = next((a for a in actuals if a.get("year") == year), None)
    base_point = _point(base, min((a["year"] for a in actuals if a.get("year")), default=None))
    target_points = [p for p in (_point(t, None) for t in targets) if p]
    actual_points = [p for p in (_point(a, None) for a in actuals) if p and p.year <= year]
    points: dict[str, Any] = {
        "title": row["name"] + (f"（{row['group']}）" if row.get("group") else ""),
        "unit": unit,
        "baseline": base_point,
        "targets": target_points,
        "actuals": actual_points,
    }
    chart = series_chart(**points)
    return IndicatorLine(
        name=row["name"],
        group=row.get("group"),
        role=row.get("role") or "",
        unit=unit or "",
        baseline=_cell(base, unit),
        targets=" / ".join(_cell(t, unit) for t in targets) or "—",
        actual=_cell(actual_cell, unit) if actual_cell else "未入力",
        achievement=_pct(ev.get("achievement_rate")),
        progress=_pct(ev.get("progress_rate")),
        grade=_grade(ev.get("grade"), ungraded, cannot_grade),
        reason=reason_label(ev.get("reason_code"), ev.get("reason"), japanese=True),
        direction={"higher": "↑ 高いほど良い", "lower": "↓ 低いほど良い", "keep": "→ 維持"}.get(
            ev.get("direction") or "", "不明"
        ),
        chart_svg=chart,
        notes=list(row.get("notes") or []),
        row=row,
        spark_svg=series_sparkline(**points),
        department=str(row.get("department") or ""),
        actual_years=_actual_years(actuals, year, unit),
        baseline_parts=_parts(base, unit),
        target_parts=[_parts(t, unit) for t in targets] or [("—", "")],
    )


def _actual_years(actuals: list[Row], year: int, unit: str | None) -> list[tuple[int, str]]:
    """(year, value text) of every actual up to ``year``, oldest first; ``year`` itself
    reads ``未入力`` when it has no value."""
    out = [
        (int(a["year"]), _cell({**a, "year": None}, unit))
        for a in actuals
        if a.get("year") is not None and int(a["year"]) <= year
    ]
    if not any(y == year for y, _ in out):
        out.append((year, "未入力"))
    return sorted(out)


def _grade(grade: str | None, ungraded: str, cannot_grade: str | None) -> str:
    """The grade as the documents show it: a missing grade and the rule set's own
    "cannot grade" grade are both ``ungraded`` (one symbol everywhere)."""
    if not grade or grade == cannot_grade:
        return ungraded
    return grade


def plan_from_rows(doc: str, title: str, rows: list[Row]) -> Plan:
    """Rebuild a core :class:`Plan` from the KPI rows of one document (for the audit).

    Nodes come from ``path``/``codes`` (level ``""``: rows do not keep it);
    consecutive rows of the same node, role, name and unit become one
    indicator with one series per group. What rows do not keep (source
    lines, per-cell units and OCR repairs, node texts) stays empty, so the
    checks that need it say nothing. Raises
    :class:`~machikpi.core.errors.QuantityError` for a malformed value cell."""
    plan = Plan(doc=doc, title=title, layout="rows")
    nodes: dict[tuple[str, ...], Node] = {}
    last: tuple[Any, ...] | None = None
    for k, r in enumerate(rows):
        titles_path = list(r.get("path") or [])
        codes = list(r.get("codes") or [None] * len(titles_path))
        node: Node | None = None
        for depth in range(len(titles_path)):
            key = tuple(titles_path[: depth + 1])
            if key not in nodes:
                nodes[key] = Node(level="", code=codes[depth], title=titles_path[depth])
                (node.children if node is not None else plan.nodes).append(nodes[key])
            node = nodes[key]
        if node is None:  # an indicator outside any node: a node without title holds it
            node = nodes.setdefault((), Node(level="", code=None, title=""))
            if node not in plan.nodes:
                plan.nodes.append(node)
        where = f"{doc} row {k + 1}"
        series = Series(
            group=r.get("group"),
            baseline=cell_from_row(r.get("baseline") or {}, where=where),
            targets=[cell_from_row(t, where=where) for t in r.get("targets") or []],
            actuals=[cell_from_row(a, where=where) for a in r.get("actuals") or []],
        )
        ident = (tuple(titles_path), r.get("role"), r["name"], r.get("unit"))
        if ident == last and node.indicators:
            node.indicators[-1].series.append(series)
            continue
        last = ident
        node.indicators.append(
            Indicator(
                role=Role(r.get("role") or Role.KPI),
                name=r["name"],
                raw_name=r["name"],
                unit=r.get("unit"),
                series=[series],
                definition=r.get("definition"),
                cumulative=bool(r.get("cumulative")),
                notes=list(r.get("notes") or []),
            )
        )
    return plan


_CELL = re.compile(r"(target|notes|actual)\[(\d+)\]")
_CELL_WORDS = {
    "baseline": "基準値",
    "targets": "目標値",
    "target": "目標値",
    "actuals": "実績値",
    "notes": "備考",
}


def cell_label(cell: str | None) -> str:
    """The audit's name of a cell (``baseline``, ``target[1]``, ``notes[0]``) in Japanese
    words for the documents: ``基準値``, ``目標値（2つ目）``, ``備考（1つ目）``; ``""`` for none,
    an unknown name as it is."""
    if not cell:
        return ""
    m = _CELL.fullmatch(cell)
    if m:
        return f"{_CELL_WORDS[m.group(1)]}（{int(m.group(2)) + 1}つ目）"
    return _CELL_WORDS.get(cell, cell)


def _finding(f: Row) -> Row:
    spec = CHECKS.get(str(f.get("check")))
    return {
        **f,
        "severity_label": SEVERITY_LABELS.get(str(f.get("severity")), str(f.get("severity") or "")),
        "check_title": spec.title if spec else str(f.get("check") or ""),
        "cell_label": cell_label(f.get("cell")),
    }


def plan_title(title: str | None, doc: str, sections: list[NodeSection]) -> str:
    """The title a report shows for a plan: its stored title; a plan stored without one
    (the reader found none) is named by its first goal, never by its file name."""
    if title and title != doc:
        return title
    goals = [s for s in sections if s.depth == 0 and s.titles]
    if not goals:
        return "表題のない計画"
    return f"{goals[0].heading}{' ほか' if len(goals) > 1 else ''}（表題のない計画）"


def _place(path: tuple[str, ...], index: Mapping[tuple[str, ...], NodeSection]) -> NodeSection | None:
    """The section of ``path``, else of its nearest ancestor that has one."""
    for n in range(len(path), 0, -1):
        found = index.get(path[:n])
        if found is not None:
            return found
    return None


def build_report(
    rows: list[Row],
    *,
    year: int,
    rules: str,
    rules_description: str,
    grade_order: list[str],
    titles: dict[str, str] | None = None,
    demo_data: bool = False,
    comments: list[Comment] | None = None,
    audits: Mapping[str, StoredAudit] | None = None,
    ruleset: RuleSet | None = None,
    departments: Mapping[tuple[str, tuple[str, ...], str], str] | None = None,
    source_plans: Mapping[str, Plan] | None = None,
    reviews: Reviews | None = None,
    catalogue: Catalogue | None = None,
) -> Report:
    """Group evaluated KPI rows by document and node into a :class:`Report`.

    ``grade_order`` lists the rule set's grades best first (for summaries);
    ``titles`` maps a document name to its plan title. Rows keep their order.
    ``comments`` (of the report year) go to the section of their node, or of
    its nearest ancestor with indicators, else to the plan's
    ``other_comments``; comments of documents without rows are left out.
    ``audits`` maps a document name to its stored audit: its findings are
    the plan's ``findings`` and go to sections the same way by ``node_path``.
    A document without a stored audit (never audited; an audit that found
    nothing is a stored audit) gets the pure audit (:func:`audit_plan`) of its
    plan in ``source_plans`` (by document name), else of :func:`plan_from_rows` of its rows.

    ``ruleset`` (else parsed from ``rules_description`` when that is the rule
    set's TOML) gives the method section (:attr:`Report.method`) and the
    "cannot grade" symbol; ``departments`` maps (document, node path, indicator
    name) to the department owning the indicator (:func:`.stored.stored_departments`),
    for rows that do not carry a ``department`` themselves.

    ``reviews`` (:func:`.stored.stored_reviews`) gives each line and section its approved
    効果検証 and each section its approved 外部評価 (placed as ``comments``).

    ``catalogue`` (:func:`.stored.stored_catalogue`) gives each section its node's SDG goals
    and each plan its 政策連携プラン (:attr:`PlanReport.links`): each measure they name
    with the lines of its section and the sections below it."""
    reviews = reviews or Reviews()
    catalogue = catalogue or Catalogue()
    titles = titles or {}
    audits = audits or {}
    departments = departments or {}
    if ruleset is None:
        try:
            ruleset = ruleset_from_toml(rules_description)
        except RuleSetError:
            ruleset = None
    cannot_grade = ruleset.cannot_grade if ruleset is not None else None
    ungraded = cannot_grade or UNGRADED
    by_comment_doc: dict[str, list[Comment]] = {}
    for c in comments or []:
        by_comment_doc.setdefault(c.doc, []).append(c)
    plans: list[PlanReport] = []
    by_doc: dict[str, list[Row]] = {}
    for r in rows:
        by_doc.setdefault(r["doc"], []).append(r)
    for p, (doc, doc_rows) in enumerate(by_doc.items(), start=1):
        sections: list[NodeSection] = []
        index: dict[tuple[str, ...], NodeSection] = {}
        for r in doc_rows:
            titles_path = list(r.get("path") or [])
            codes = list(r.get("codes") or [""] * len(titles_path))
            if not titles_path and () not in index:  # an indicator outside any node
                index[()] = NodeSection([], [], 0)
                sections.append(index[()])
            for depth in range(len(titles_path)):
                key = tuple(titles_path[: depth + 1])
                if key not in index:
                    index[key] = NodeSection(codes[: depth + 1], titles_path[: depth + 1], depth)
                    sections.append(index[key])
            if not r.get("department"):
                dept = departments.get((doc, tuple(titles_path), r["name"]))
                if dept:
                    r = {**r, "department": dept}
            line = _line(r, year, ungraded, cannot_grade)
            line.review = reviews.indicators.get((doc, tuple(titles_path), r["name"]))
            index[tuple(titles_path)].lines.append(line)
        for k, sec in enumerate(sections, start=1):
            sec.anchor = f"p{p}-s{k}"
            sec.review = reviews.measures.get((doc, tuple(sec.titles)))
            sec.sdgs = [sdg_mark(g, c) for g, c in catalogue.sdgs.get((doc, tuple(sec.titles)), [])]
        links = _links(doc, p, catalogue, sections, index)
        other_external: list[ExternalReviewText] = []
        for e in reviews.external:
            if e.doc == doc:
                placed = _place(e.node_path, index)
                (placed.external_reviews if placed is not None else other_external).append(e)
        goals: list[Goal] = []
        # grades summed up the section tree by the core's one roll-up of counts
        summed = count_up(
            {
                tuple(sec.titles): (tuple(sec.titles[:-1]) if len(sec.titles) > 1 else None)
                for sec in sections
            },
            {tuple(sec.titles): Counter(line.grade for line in sec.lines) for sec in sections},
        )
        for sec in sections:
            if sec.depth != 0:
                continue
            under = [s for s in sections if s.titles[:1] == sec.titles[:1]]
            grades = summed[tuple(sec.titles)]
            order = [g for g in grade_order if g in grades and g != ungraded]
            order += sorted(g for g in grades if g not in grade_order and g != ungraded)
            order += [ungraded] if ungraded in grades else []
            summary = GoalSummary(
                sec.heading, [(g, grades[g]) for g in order], sum(grades.values()), ungraded=grades[ungraded]
            )
            goals.append(Goal(sec, under, summary))
        other_comments: list[Comment] = []
        for c in by_comment_doc.get(doc, []):
            target = _place(c.node_path, index)
            (target.comments if target is not None else other_comments).append(c)
        title = plan_title(titles.get(doc), doc, sections)
        stored = audits.get(doc)
        if stored is not None:
            findings = [_finding(f) for f in stored.findings]
        else:
            plan = (source_plans or {}).get(doc) or plan_from_rows(doc, title, doc_rows)
            findings = [_finding(f) for f in findings_to_json(audit_plan(plan))]
        for f in findings:
            target = _place(tuple(f.get("node_path") or ()), index)
            if target is not None:
                target.findings.append(f)
        all_lines = [line for s in sections for line in s.lines]
        plans.append(
            PlanReport(
                doc=doc,
                title=title,
                sections=sections,
                summaries=[g.summary for g in goals],
                no_target=[
                    ln
                    for ln in all_lines
                    if not any(t.get("status") == "value" for t in ln.row.get("targets") or [])
                ],
                no_actual=[ln for ln in all_lines if ln.actual == "未入力"],
                worse=[
                    ln
                    for ln in all_lines
                    if _is_worse(ln.row.get("evaluation") or {}, ln.row.get("baseline") or {})
                ],
                findings=findings,
                findings_source="stored" if stored is not None else "rows",
                audit_period=stored.period if stored is not None else "",
                audited_at=stored.audited_at if stored is not None else "",
                goals=goals,
                other_comments=other_comments,
                anchor=f"plan-{p}",
                other_external_reviews=other_external,
                links=links,
            )
        )
    given = {g for pr in plans for s in pr.summaries for g, _ in s.counts}
    summary_grades = [g for g in grade_order if g != ungraded]
    summary_grades += sorted(given - set(summary_grades) - {ungraded})
    for pr in plans:
        for s in pr.summaries:
            counts = dict(s.counts)
            s.cells = [counts.get(g, 0) for g in summary_grades]
    return Report(
        year=year,
        year_label=f"{to_wareki(year)}（{year}年度）",
        rules=rules,
        rules_description=rules_description,
        grade_order=grade_order,
        demo_data=demo_data,
        plans=plans,
        ungraded=ungraded,
        summary_grades=summary_grades,
        method=describe_ruleset(ruleset) if ruleset is not None else None,
    )


def _links(
    doc: str,
    p: int,
    catalogue: Catalogue,
    sections: list[NodeSection],
    index: Mapping[tuple[str, ...], NodeSection],
) -> list[LinkSection]:
    """The 政策連携プラン of ``doc`` with, per measure, its section and the lines under it."""
    out: list[LinkSection] = []
    for link in catalogue.links:
        if link.doc != doc:
            continue
        ls = LinkSection(link.code, link.title, link.text, anchor=f"p{p}-l{len(out) + 1}")
        for t in link.targets:
            sec = index.get(t.node_path) if t.node_path is not None else None
            lines = []
            if t.node_path is not None:
                n = len(t.node_path)
                lines = [ln for s in sections if tuple(s.titles[:n]) == t.node_path for ln in s.lines]
            ls.measures.append(LinkMeasure(t.code, t.title, sec, lines))
        out.append(ls)
    return out


@dataclass
class EvaluatedPlan:
    """A plan (the core's, e.g. loaded from storage) with the evaluation of each of its
    series: ``evaluations[i]`` is the ``evaluation`` object of the ``i``-th KPI row of
    :func:`machikpi.core.rows.kpi_rows` of ``plan`` (``{}`` when not evaluated)."""

    plan: Plan
    evaluations: list[Row]


def report_from_plans(
    plans: list[EvaluatedPlan],
    *,
    year: int,
    rules: str,
    rules_description: str,
    grade_order: list[str],
    demo_data: bool = False,
    comments: list[Comment] | None = None,
    audits: Mapping[str, StoredAudit] | None = None,
    ruleset: RuleSet | None = None,
    departments: Mapping[tuple[str, tuple[str, ...], str], str] | None = None,
    reviews: Reviews | None = None,
    catalogue: Catalogue | None = None,
) -> Report:
    """The :class:`Report` of evaluated plans: their KPI rows come from the one row builder
    (:func:`machikpi.core.rows.kpi_rows`), each with its evaluation; titles are the plans'
    own; a plan without a stored audit is audited as the plan itself (node levels, source
    lines and repairs included), not as rebuilt from rows. Other arguments as :func:`build_report`.

    Raises :class:`ValueError` when a plan has not one evaluation per series."""
    rows: list[Row] = []
    for ep in plans:
        plan_rows = kpi_rows(ep.plan)
        if len(plan_rows) != len(ep.evaluations):
            raise ValueError(f"{ep.plan.doc}: {len(ep.evaluations)} evaluations for {len(plan_rows)} series")
        rows.extend({**row, "evaluation": ev} for row, ev in zip(plan_rows, ep.evaluations, strict=True))
    return build_report(
        rows,
        year=year,
        rules=rules,
        rules_description=rules_description,
        grade_order=grade_order,
        titles={ep.plan.doc: ep.plan.title or ep.plan.doc for ep in plans},
        demo_data=demo_data,
        comments=comments,
        audits=audits,
        ruleset=ruleset,
        departments=departments,
        source_plans={ep.plan.doc: ep.plan for ep in plans},
        reviews=reviews,
        catalogue=catalogue,
    )
