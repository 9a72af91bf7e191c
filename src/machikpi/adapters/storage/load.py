"""Stored plans loaded back as the core's plan: one plan model from import to page and report.

:func:`load_plans` turns the stored rows of each plan into a
:class:`machikpi.core.model.Plan` — the node tree with each node's level,
code, title, text and source line; each indicator with its role, names,
definition, unit, notes, source line, uncertain mark, verdicts and the
direction a person set; each
series with its printed cells (units, notes and OCR repairs kept) and its
actual values: those the document printed, overridden year by year by the
entered ones (published values, or the working values with ``drafts``).

Everything downstream takes this plan: the KPI rows of
:func:`machikpi.core.rows.kpi_rows` (the one row builder, used by the
evaluation and ``machikpi actuals export``), the audit and the reports.
Only what is still in the latest document (``present``) is loaded.
Reads with a fixed number of flat queries (plans, nodes, indicators,
series, cells, entered values) whatever the number of plans.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min

from ...core import model as core
from ...core.rows import KpiRow, kpi_rows
from . import models as db


@dataclass
class LoadedPlan:
    """A stored plan as the core's plan.

    ``series_ids[i]`` is the database id of the ``i``-th series in the order
    of :meth:`machikpi.core.model.Plan.indicators` (each indicator's series in
    order): the order of :func:`machikpi.core.rows.kpi_rows`."""

    plan_id: int
    plan: core.Plan
    series_ids: list[int] = field(default_factory=list)


def _cell(
    raw: str,
    status: str,
    value: float | None,
    year: int | None,
    year_type: str | None,
    bound: str | None,
    unit: str | None = None,
    notes: Iterable[str] = (),
    repairs: Iterable[str] = (),
) -> core.ValueCell:
    return core.ValueCell(
        raw=raw,
        status=core.CellStatus(status),
        value=value,
        year=year,
        year_type=core.YearType(year_type) if year_type else None,
        bound=core.Bound(bound) if bound else None,
        unit=unit,
        notes=list(notes),
        repairs=list(repairs),
    )


def load_plans(docs: Iterable[str] | None = None, *, drafts: bool = False) -> list[LoadedPlan]:
    """The stored plans of the documents ``docs`` (default every stored plan), ordered by
    document name, as core plans with their actual values (module docstring).

    ``drafts``: the entered values' working values (drafts included) rather than
    the published ones. Needs Django set up."""
    wanted = sorted(set(docs)) if docs is not None else None
    plans_qs = db.Plan.objects.all()
    if wanted is not None:
        plans_qs = plans_qs.filter(doc__in=wanted)
    plan_rows = list(plans_qs.order_by("doc").values_list("id", "doc", "title", "layout"))
    if not plan_rows:
        return []
    return _load(plan_rows, drafts=drafts)


def _load(
    plan_rows: list[tuple[int, str, str, str]],
    *,
    drafts: bool,
    node_ids: list[int] | None = None,
    indicator_id: int | None = None,
    series_id: int | None = None,
) -> list[LoadedPlan]:
    """The plans of ``plan_rows`` (id, doc, title, layout), or only the nodes ``node_ids``,
    the indicator ``indicator_id`` and the series ``series_id`` of them."""
    plan_ids = [p[0] for p in plan_rows]
    loaded = {
        pid: LoadedPlan(pid, core.Plan(doc=doc, title=title or "", layout=layout or ""))
        for pid, doc, title, layout in plan_rows
    }
    only_nodes: dict[str, Any] = {"id__in": node_ids} if node_ids is not None else {}
    only_ind: dict[str, Any] = {"id": indicator_id} if indicator_id is not None else {}
    only_series: dict[str, Any] = {"series_id": series_id} if series_id is not None else {}

    nodes: dict[int, core.Node] = {}
    for nid, pid, parent, level, code, title, text, line in (
        db.Node.objects.filter(plan_id__in=plan_ids, present=True, **only_nodes)
        .order_by("plan_id", "position", "id")
        .values_list("id", "plan_id", "parent_id", "level", "code", "title", "text", "line")
        .iterator(chunk_size=10_000)
    ):
        doc = loaded[pid].plan.doc
        node = core.Node(
            level=level,
            code=code,
            title=title,
            text=text or "",
            source=core.SourceRef(doc, line) if line else None,
        )
        nodes[nid] = node
        holder = nodes.get(parent) if parent is not None else None
        (holder.children if holder is not None else loaded[pid].plan.nodes).append(node)

    indicators: dict[int, core.Indicator] = {}
    for (
        iid,
        pid,
        node_id,
        role,
        name,
        raw_name,
        definition,
        unit,
        cumulative,
        notes,
        line,
        uncertain,
        verdicts,
        direction,
    ) in (
        db.Indicator.objects.filter(plan_id__in=plan_ids, present=True, **only_ind)
        .order_by("plan_id", "position", "id")
        .values_list(
            "id",
            "plan_id",
            "node_id",
            "role",
            "name",
            "raw_name",
            "definition",
            "unit",
            "cumulative",
            "notes",
            "line",
            "uncertain",
            "verdicts",
            "direction",
        )
        .iterator(chunk_size=10_000)
    ):
        owner = nodes.get(node_id)
        if owner is None:  # its node is gone from the document: the indicator is not shown either
            continue
        doc = loaded[pid].plan.doc
        ind = core.Indicator(
            role=core.Role(role),
            name=name,
            raw_name=raw_name,
            unit=unit,
            series=[],
            definition=definition,
            cumulative=cumulative,
            notes=list(notes or []),
            source=core.SourceRef(doc, line) if line else None,
            uncertain=uncertain,
            verdicts=[
                core.Verdict(
                    value=v.get("value", ""),
                    legend=v.get("legend"),
                    raw=v.get("raw", ""),
                    source=core.SourceRef(doc, v["line"]) if v.get("line") else None,
                )
                for v in verdicts or []
            ],
            direction=direction or None,
        )
        indicators[iid] = ind
        owner.indicators.append(ind)

    series: dict[int, core.Series] = {}
    series_of: dict[int, list[tuple[int, core.Series]]] = {}
    for sid, iid, group in (
        db.Series.objects.filter(
            indicator__plan_id__in=plan_ids,
            present=True,
            **({"id": series_id} if series_id is not None else {}),
        )
        .order_by("indicator_id", "position", "id")
        .values_list("id", "indicator_id", "group")
        .iterator(chunk_size=10_000)
    ):
        if iid not in indicators:
            continue
        s = core.Series(group=group, baseline=core.empty_cell())
        series[sid] = s
        series_of.setdefault(iid, []).append((sid, s))
    for iid, pairs in series_of.items():
        indicators[iid].series = [s for _, s in pairs]

    printed: dict[int, dict[int, core.ValueCell]] = {}
    has_baseline: set[int] = set()
    for sid, kind, raw, status, value, year, year_type, bound, unit, notes, repairs in (
        db.Cell.objects.filter(series__indicator__plan_id__in=plan_ids, **only_series)
        .order_by("series_id", "kind", "position", "id")
        .values_list(
            "series_id",
            "kind",
            "raw",
            "status",
            "value",
            "year",
            "year_type",
            "bound",
            "unit",
            "notes",
            "repairs",
        )
        .iterator(chunk_size=10_000)
    ):
        found = series.get(sid)
        if found is None:
            continue
        cell = _cell(raw, status, value, year, year_type, bound, unit, notes or (), repairs or ())
        if kind == db.Cell.BASELINE:
            if sid not in has_baseline:
                found.baseline = cell
                has_baseline.add(sid)
        elif kind == db.Cell.TARGET:
            found.targets.append(cell)
        elif kind == db.Cell.ACTUAL and year is not None:
            printed.setdefault(sid, {})[year] = cell

    entered = db.ActualValue.objects.filter(series__indicator__plan_id__in=plan_ids, **only_series)
    fields = ("series_id", "year", "value", "raw")
    if not drafts:
        entered = entered.filter(approved_raw__isnull=False)
        fields = ("series_id", "year", "approved_value", "approved_raw")
    for sid, year, value, raw in (
        entered.order_by("series_id", "year").values_list(*fields).iterator(chunk_size=10_000)
    ):
        if sid not in series:
            continue
        printed.setdefault(sid, {})[year] = core.ValueCell(
            raw=raw, status=core.CellStatus.VALUE, value=value, year=year, year_type=core.YearType.FISCAL
        )
    for sid, by_year in printed.items():
        series[sid].actuals = [by_year[y] for y in sorted(by_year)]

    ids_of = {id(s): sid for sid, s in series.items()}
    out = [loaded[pid] for pid in plan_ids]
    for lp in out:
        lp.series_ids = [ids_of[id(s)] for _, ind in lp.plan.indicators() for s in ind.series]
    return out


@dataclass
class LoadedSeries:
    """One stored series as its KPI row (:func:`machikpi.core.rows.kpi_rows` of a plan holding
    only its node path, its indicator and this series), with its plan's id and the earliest
    baseline year the plan prints (``None`` when none), which the evaluation takes for an
    undated baseline (:mod:`machikpi.core.evaluation.build`)."""

    series_id: int
    plan_id: int
    row: KpiRow
    plan_baseline_year: int | None


def load_series(series_id: int, *, drafts: bool = False, year: int | None = None) -> LoadedSeries | None:
    """The series ``series_id`` alone (:class:`LoadedSeries`), read with a few queries whatever
    the size of its plan; ``None`` when it is no longer in its document. ``year``: with the
    targets in force in that fiscal year (:func:`.revisions.targets_in_force`). Needs Django set up."""
    found = (
        db.Series.objects.filter(pk=series_id, present=True, indicator__present=True)
        .values_list("indicator_id", "indicator__plan_id", "indicator__node_id")
        .first()
    )
    if found is None:
        return None
    indicator_id, plan_id, node_id = found
    from .tree import node_chain

    node_row = db.Node.objects.get(pk=node_id)
    plan_row = db.Plan.objects.filter(pk=plan_id).values_list("id", "doc", "title", "layout").get()
    (lp,) = _load(
        [plan_row],
        drafts=drafts,
        node_ids=[n.pk for n in node_chain(node_row)],
        indicator_id=indicator_id,
        series_id=series_id,
    )
    from .revisions import swap_targets

    swap_targets(lp.plan, lp.series_ids, year)
    rows = kpi_rows(lp.plan)
    if len(rows) != 1:
        return None
    earliest = (
        db.Cell.objects.filter(
            series__indicator__plan_id=plan_id,
            series__present=True,
            series__indicator__present=True,
            kind=db.Cell.BASELINE,
            year__isnull=False,
        )
        .aggregate(m=Min("year"))
        .get("m")
    )
    return LoadedSeries(series_id, plan_id, rows[0], earliest)
