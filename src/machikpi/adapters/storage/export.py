"""Stored plans as KPI rows (``docs/kpi-rows.md``) with their actual values.

The rows are what ``machikpi evaluate`` reads: one per stored series of an
indicator still in its document, in plan and document order, built from the
stored plan loaded as the core's plan (:mod:`.load`) by the core's one row
builder (:func:`machikpi.core.rows.kpi_rows`). ``actuals``
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
from typing import Any, cast

from django.db.models import Max

from ...core.rows import kpi_rows as core_kpi_rows
from . import models as db


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


def stored_rows(
    *, docs: list[str] | None = None, drafts: bool = False, year: int | None = None
) -> StoredRows:
    """KPI rows (module docstring) of the stored plans whose document names
    are in ``docs`` (default all); ``drafts``: include entered values still in draft.
    ``year``: the rows for the evaluation of that fiscal year, each series with the
    targets in force in it (a revision published after it: the targets it replaced,
    :func:`.revisions.targets_in_force`); default the current targets.

    The plans are loaded as core plans (:func:`.load.load_plans`, a fixed number of
    flat queries) and turned into rows by the one row builder,
    :func:`machikpi.core.rows.kpi_rows`."""
    with paused_gc():
        return _stored_rows(docs, drafts, year)


def _stored_rows(docs: list[str] | None, drafts: bool, year: int | None) -> StoredRows:
    from .load import load_plans
    from .revisions import swap_targets

    out = StoredRows()
    for lp in load_plans(docs or None, drafts=drafts):
        swap_targets(lp.plan, lp.series_ids, year)
        rows = core_kpi_rows(lp.plan)
        if not rows:
            continue
        out.titles[lp.plan.doc] = lp.plan.title or lp.plan.doc
        out.rows.extend(cast("list[dict[str, Any]]", rows))  # evaluations and reports add fields
        out.series_ids.extend(lp.series_ids)
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
