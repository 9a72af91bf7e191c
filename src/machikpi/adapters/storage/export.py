"""Stored plans as KPI rows (``shared/spec/kpi-rows.md``) with their actual values.

The rows are what ``machikpi evaluate`` reads: one per stored series of an
indicator still in its document, in plan and document order. ``actuals``
holds the actuals the document printed and the entered actual values (an
entered value wins over a printed one of the same year), each a value cell
with ``year_type`` ``fiscal``; entered values in ``draft`` are left out
unless asked for.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max

from ...core.model import CellStatus
from . import models as db
from .tree import ancestry

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


def _cell(
    raw: str, status: str, value: float | None, year: int | None, year_type: str | None, bound: str | None
) -> dict[str, Any]:
    return {
        "raw": raw,
        "status": status,
        "value": _number(value),
        "year": year,
        "year_type": year_type,
        "bound": bound,
    }


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building millions of
    small, acyclic objects (rows, cells): each collection walks every object
    made so far, which took about 40 % of :func:`stored_rows` at 1.7 million
    actual values. Reference counting still frees memory; nested use is fine."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class StoredRows:
    """KPI rows of stored series: ``rows[i]`` is the series ``series_ids[i]``;
    ``titles`` maps each document name to its plan title."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    series_ids: list[int] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)


def stored_rows(*, docs: list[str] | None = None, drafts: bool = False) -> StoredRows:
    """KPI rows (module docstring) of the stored plans whose document names
    are in ``docs`` (default all); ``drafts``: include entered values still in draft.

    Reads with four flat queries (series with their indicator and plan, nodes,
    cells, actual values) rather than model objects: at 174,100 series and
    1.7 million actual values, building a model object per row took minutes."""
    with paused_gc():
        return _stored_rows(docs, drafts)


def _stored_rows(docs: list[str] | None, drafts: bool) -> StoredRows:
    series_qs = db.Series.objects.filter(present=True, indicator__present=True)
    if docs:
        series_qs = series_qs.filter(indicator__plan__doc__in=docs)
    series = list(
        series_qs.order_by("indicator__plan__doc", "indicator__position", "position").values_list(
            "id",
            "group",
            "indicator__plan__doc",
            "indicator__plan__title",
            "indicator__node_id",
            "indicator__role",
            "indicator__name",
            "indicator__definition",
            "indicator__unit",
            "indicator__cumulative",
            "indicator__notes",
            "indicator__direction",
        )
    )
    out = StoredRows()
    if not series:
        return out

    # nodes of the plans read (parent id, code, title) by id; paths from the root
    nodes: dict[int, tuple[int | None, str | None, str]] = {
        nid: (parent, code, title)
        for nid, parent, code, title in db.Node.objects.filter(**({"plan__doc__in": docs} if docs else {}))
        .order_by()
        .values_list("id", "parent_id", "code", "title")
        .iterator(chunk_size=10_000)
    }
    paths: dict[int, tuple[list[str], list[str | None]]] = {}

    def path_of(node_id: int) -> tuple[list[str], list[str | None]]:
        if node_id not in paths:
            chain = ancestry(node_id, lambda n: nodes[n][0])
            paths[node_id] = ([nodes[n][2] for n in chain], [nodes[n][1] for n in chain])
        return paths[node_id]

    # cells and actual values of the same series, in model order (series, kind, position / year)
    # (filtered in Python by the series read: a join on series and indicator
    # per cell and actual value cost more than reading the few of absent series)
    wanted = {s[0] for s in series}
    related: dict[str, Any] = {"series__indicator__plan__doc__in": docs} if docs else {}
    baselines: dict[int, dict[str, Any]] = {}
    targets: dict[int, list[dict[str, Any]]] = {}
    actuals: dict[int, dict[int, dict[str, Any]]] = {}
    for sid, kind, raw, status, value, year, year_type, bound in (
        db.Cell.objects.filter(**related)
        .order_by("series_id", "kind", "position")
        .values_list("series_id", "kind", "raw", "status", "value", "year", "year_type", "bound")
        .iterator(chunk_size=10_000)
    ):
        if sid not in wanted:
            continue
        if kind == db.Cell.BASELINE:
            if sid not in baselines:
                baselines[sid] = _cell(raw, status, value, year, year_type, bound)
        elif kind == db.Cell.TARGET:
            targets.setdefault(sid, []).append(_cell(raw, status, value, year, year_type, bound))
        elif kind == db.Cell.ACTUAL and year is not None:
            actuals.setdefault(sid, {})[year] = _cell(raw, status, value, year, year_type, bound)
    # drafts: the working values; else the published (last approved) ones
    entered = db.ActualValue.objects.filter(**related)
    fields = ("series_id", "year", "value", "raw")
    if not drafts:
        entered = entered.filter(approved_raw__isnull=False)
        fields = ("series_id", "year", "approved_value", "approved_raw")
    value_status = str(CellStatus.VALUE)
    for sid, year, value, raw in (
        entered.order_by("series_id", "year").values_list(*fields).iterator(chunk_size=10_000)
    ):
        if sid not in wanted:
            continue
        actuals.setdefault(sid, {})[year] = {
            "raw": raw,
            "status": value_status,
            "value": _number(value),
            "year": year,
            "year_type": "fiscal",
            "bound": None,
        }

    for sid, group, doc, title, node_id, role, name, definition, unit, cumulative, notes, direction in series:
        out.titles.setdefault(doc, title or doc)
        titles, codes = path_of(node_id)
        row: dict[str, Any] = {
            "doc": doc,
            "path": list(titles),
            "codes": list(codes) if all(c is not None for c in codes) else None,
            "role": role,
            "name": name,
            "definition": definition,
            "group": group,
            "unit": unit,
            "cumulative": cumulative,
            "baseline": baselines.get(sid) or dict(_EMPTY),
            "targets": targets.get(sid, []),
            "notes": list(notes),
        }
        if direction:  # set by the planning office: overrides the inferred direction
            row["direction"] = direction
        acts = actuals.get(sid)
        if acts:
            row["actuals"] = [acts[y] for y in sorted(acts)]
        out.rows.append(row)
        out.series_ids.append(sid)
    return out


def kpi_rows(*, plans: list[str] | None = None, drafts: bool = False) -> list[dict[str, Any]]:
    """The rows of :func:`stored_rows` alone (``machikpi actuals export``)."""
    return stored_rows(docs=plans, drafts=drafts).rows


def latest_actual_year(*, drafts: bool = False) -> int | None:
    """The latest year with an entered actual value (approved ones only unless
    ``drafts``) of a series still in its document; ``None`` when there is none."""
    qs = db.ActualValue.objects.filter(series__present=True, series__indicator__present=True)
    if not drafts:
        qs = qs.filter(approved_raw__isnull=False)
    year: int | None = qs.aggregate(m=Max("year"))["m"]
    return year
