"""Stored plans as KPI rows (``shared/spec/kpi-rows.md``) with their actual values.

The rows are what ``machikpi evaluate`` reads: one per stored series of an
indicator still in its document, in plan and document order. ``actuals``
holds the actuals the document printed and the entered actual values (an
entered value wins over a printed one of the same year), each a value cell
with ``year_type`` ``fiscal``; entered values in ``draft`` are left out
unless asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max

from ...core.model import CellStatus
from . import models as db

_EMPTY: dict[str, Any] = {
    "raw": "",
    "status": "pending",
    "value": None,
    "year": None,
    "year_type": None,
    "bound": None,
}


def _number(value: float | None) -> float | int | None:
    return int(value) if value is not None and float(value).is_integer() else value


def _cell(c: db.Cell) -> dict[str, Any]:
    return {
        "raw": c.raw,
        "status": c.status,
        "value": _number(c.value),
        "year": c.year,
        "year_type": c.year_type,
        "bound": c.bound,
    }


def _node_path(node: db.Node) -> list[db.Node]:
    out: list[db.Node] = []
    n: db.Node | None = node
    while n is not None:
        out.append(n)
        n = n.parent
    return list(reversed(out))


@dataclass
class StoredRows:
    """KPI rows of stored series: ``rows[i]`` is the series ``series_ids[i]``;
    ``titles`` maps each document name to its plan title."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    series_ids: list[int] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)


def stored_rows(*, docs: list[str] | None = None, drafts: bool = False) -> StoredRows:
    """KPI rows (module docstring) of the stored plans whose document names
    are in ``docs`` (default all); ``drafts``: include entered values still in draft."""
    qs = (
        db.Series.objects.filter(present=True, indicator__present=True)
        .select_related("indicator__plan", "indicator__node")
        .prefetch_related("cells", "actual_values")
        .order_by("indicator__plan__doc", "indicator__position", "position")
    )
    if docs:
        qs = qs.filter(indicator__plan__doc__in=docs)
    paths: dict[int, list[db.Node]] = {}
    out = StoredRows()
    for s in qs:
        ind = s.indicator
        out.titles.setdefault(ind.plan.doc, ind.plan.title or ind.plan.doc)
        if ind.node_id not in paths:
            paths[ind.node_id] = _node_path(ind.node)
        path = paths[ind.node_id]
        codes = [n.code for n in path]
        cells = list(s.cells.all())
        baseline = next((c for c in cells if c.kind == db.Cell.BASELINE), None)
        actuals: dict[int, dict[str, Any]] = {
            c.year: _cell(c) for c in cells if c.kind == db.Cell.ACTUAL and c.year is not None
        }
        for a in s.actual_values.all():
            if a.status == db.ActualValue.APPROVED or drafts:
                actuals[a.year] = {
                    "raw": a.raw,
                    "status": str(CellStatus.VALUE),
                    "value": _number(a.value),
                    "year": a.year,
                    "year_type": "fiscal",
                    "bound": None,
                }
        row: dict[str, Any] = {
            "doc": ind.plan.doc,
            "path": [n.title for n in path],
            "codes": codes if all(c is not None for c in codes) else None,
            "role": ind.role,
            "name": ind.name,
            "definition": ind.definition,
            "group": s.group,
            "unit": ind.unit,
            "cumulative": ind.cumulative,
            "baseline": _cell(baseline) if baseline else dict(_EMPTY),
            "targets": [_cell(c) for c in cells if c.kind == db.Cell.TARGET],
            "notes": list(ind.notes),
        }
        if actuals:
            row["actuals"] = [actuals[y] for y in sorted(actuals)]
        out.rows.append(row)
        out.series_ids.append(s.pk)
    return out


def kpi_rows(*, plans: list[str] | None = None, drafts: bool = False) -> list[dict[str, Any]]:
    """The rows of :func:`stored_rows` alone (``machikpi actuals export``)."""
    return stored_rows(docs=plans, drafts=drafts).rows


def latest_actual_year(*, drafts: bool = False) -> int | None:
    """The latest year with an entered actual value (approved ones only unless
    ``drafts``) of a series still in its document; ``None`` when there is none."""
    qs = db.ActualValue.objects.filter(series__present=True, series__indicator__present=True)
    if not drafts:
        qs = qs.filter(status=db.ActualValue.APPROVED)
    year: int | None = qs.aggregate(m=Max("year"))["m"]
    return year
