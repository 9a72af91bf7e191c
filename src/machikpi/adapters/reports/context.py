"""The content of an evaluation report, built from evaluated KPI rows.

Input: KPI rows as ``shared/spec/kpi-rows.md`` defines them, each with its
``actuals`` and the ``evaluation`` object of one fiscal year (what
``machikpi evaluate`` writes and what the database gives back). Output: plain
dataclasses that the HTML, PDF and Excel writers lay out. No I/O here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ...core.audit import audit_plan, findings_to_json
from ...core.model import Indicator, Node, Plan, Role, Series
from ...core.periods import to_wareki
from ...core.quantities import format_number
from ...core.rows import cell_from_row
from .charts import ChartPoint, series_chart

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


@dataclass
class NodeSection:
    """A goal or measure with its indicators; ``depth`` 0 is a top-level goal."""

    codes: list[str]
    titles: list[str]
    depth: int
    lines: list[IndicatorLine] = field(default_factory=list)

    @property
    def heading(self) -> str:
        code = self.codes[-1] if self.codes else ""
        return f"{code} {self.titles[-1]}".strip()


@dataclass
class GoalSummary:
    """Grade counts of the indicators under one top-level goal."""

    title: str
    counts: list[tuple[str, int]]
    total: int


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
    #: Audit findings (:func:`machikpi.core.audit.findings_to_json` dicts) of
    #: the plan as the rows give it back (see :func:`plan_from_rows`).
    findings: list[Row] = field(default_factory=list)


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


def _line(row: Row, year: int) -> IndicatorLine:
    ev: Row = row.get("evaluation") or {}
    unit = row.get("unit")
    targets = row.get("targets") or []
    actuals = row.get("actuals") or []
    base = row.get("baseline") or {}
    actual_cell = next((a for a in actuals if a.get("year") == year), None)
    base_point = _point(base, min((a["year"] for a in actuals if a.get("year")), default=None))
    target_points = [p for p in (_point(t, None) for t in targets) if p]
    actual_points = [p for p in (_point(a, None) for a in actuals) if p and p.year <= year]
    chart = series_chart(
        title=row["name"] + (f"（{row['group']}）" if row.get("group") else ""),
        unit=unit,
        baseline=base_point,
        targets=target_points,
        actuals=actual_points,
    )
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
        grade=ev.get("grade") or "—",
        reason=ev.get("reason") or "",
        direction={"higher": "↑ 高いほど良い", "lower": "↓ 低いほど良い", "keep": "→ 維持"}.get(
            ev.get("direction") or "", "不明"
        ),
        chart_svg=chart,
        notes=list(row.get("notes") or []),
        row=row,
    )


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


def build_report(
    rows: list[Row],
    *,
    year: int,
    rules: str,
    rules_description: str,
    grade_order: list[str],
    titles: dict[str, str] | None = None,
    demo_data: bool = False,
) -> Report:
    """Group evaluated KPI rows by document and node into a :class:`Report`.

    ``grade_order`` lists the rule set's grades best first (for summaries);
    ``titles`` maps a document name to its plan title. Rows keep their order.
    Each plan's ``findings`` are the pure audit's (:func:`audit_plan`) on
    :func:`plan_from_rows` of its rows."""
    titles = titles or {}
    plans: list[PlanReport] = []
    by_doc: dict[str, list[Row]] = {}
    for r in rows:
        by_doc.setdefault(r["doc"], []).append(r)
    for doc, doc_rows in by_doc.items():
        sections: list[NodeSection] = []
        index: dict[tuple[str, ...], NodeSection] = {}
        for r in doc_rows:
            titles_path = list(r.get("path") or [])
            codes = list(r.get("codes") or [""] * len(titles_path))
            for depth in range(len(titles_path)):
                key = tuple(titles_path[: depth + 1])
                if key not in index:
                    index[key] = NodeSection(codes[: depth + 1], titles_path[: depth + 1], depth)
                    sections.append(index[key])
            index[tuple(titles_path)].lines.append(_line(r, year))
        summaries: list[GoalSummary] = []
        for sec in sections:
            if sec.depth != 0:
                continue
            grades = Counter(
                line.grade for s in sections if s.titles[:1] == sec.titles[:1] for line in s.lines
            )
            order = [g for g in grade_order if g in grades] + sorted(
                g for g in grades if g not in grade_order
            )
            summaries.append(GoalSummary(sec.heading, [(g, grades[g]) for g in order], sum(grades.values())))
        all_lines = [line for s in sections for line in s.lines]
        plans.append(
            PlanReport(
                doc=doc,
                title=titles.get(doc, doc),
                sections=sections,
                summaries=summaries,
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
                findings=findings_to_json(audit_plan(plan_from_rows(doc, titles.get(doc, doc), doc_rows))),
            )
        )
    return Report(
        year=year,
        year_label=f"{to_wareki(year)}（{year}年度）",
        rules=rules,
        rules_description=rules_description,
        grade_order=grade_order,
        demo_data=demo_data,
        plans=plans,
    )
