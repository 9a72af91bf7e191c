"""Stored plans as KPI rows (``docs/kpi-rows.md``) with their actual values.

The rows are what ``machikpi evaluate`` reads: one per stored series of an
indicator still in its document, in plan and document order, built from the
stored plan loaded as the core's plan (:mod:`.load`) by the core's one row
builder (:func:`machikpi.core.rows.kpi_rows`). ``actuals``
holds the actuals the document printed and the entered actual values (an
entered value wins over a printed one of the same year), each a value cell
with ``year_type`` ``fiscal``; entered values in ``draft`` are left out
unless asked for.

:func:`stored_table` reads the same series straight into the evaluation
engine's columns for one year (no row dicts), for evaluating the whole
database: it gives the table :func:`~machikpi.core.evaluation.table_from_rows`
would build from :func:`stored_rows` (published values only).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from django.db import connections
from django.db.models import Max, Q, QuerySet

from ...core.catalogue import concept as catalogue_concept
from ...core.evaluation import SeriesTable, TableError, make_table
from ...core.evaluation.codes import BOUND_CODES, DIRECTION_CODES
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


@dataclass
class StoredTable:
    """Stored series as the evaluation engine's columns for one fiscal year.

    - ``table``: the :class:`~machikpi.core.evaluation.SeriesTable` (``n`` rows).
    - ``series_ids`` (n,) int64: ``table`` row ``i`` is the series ``series_ids[i]``
      (in no particular order: not the order of :func:`stored_rows`).
    - ``plan_ids`` (n,) int64: the plan of each row.
    - ``titles``: document name → plan title (the title, else the document
      name) of the plans with a row, in document-name order, as in :class:`StoredRows`.
    """

    table: SeriesTable
    series_ids: npt.NDArray[np.int64]
    plan_ids: npt.NDArray[np.int64]
    titles: dict[str, str]


def _fetch(qs: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """All rows of a ``values_list`` query as plain tuples from the database
    cursor, without Django's per-row iteration (the SQL is Django's own)."""
    sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _columns(rows: list[tuple[Any, ...]], width: int) -> list[tuple[Any, ...]]:
    """The ``width`` columns of ``rows`` (empty tuples when there is no row)."""
    return list(zip(*rows, strict=True)) if rows else [() for _ in range(width)]


def _floats(col: tuple[Any, ...]) -> npt.NDArray[np.float64]:
    """A float64 column; ``None`` (SQL null) becomes ``NaN``."""
    return np.array(col, dtype=np.float64) if col else np.empty(0, np.float64)


def _ints(col: tuple[Any, ...]) -> npt.NDArray[np.int64]:
    """An int64 column (no nulls)."""
    return np.array(col, dtype=np.int64) if col else np.empty(0, np.int64)


def stored_table(year: int, *, docs: list[str] | None = None) -> StoredTable:
    """The stored series (those :func:`stored_rows` gives, of the plans named
    in ``docs``, default all) as the columns evaluating fiscal ``year``.

    The same table as ``table_from_rows(stored_rows(docs=docs).rows, year)``
    up to the order of the rows (``series_ids`` says which is which): the
    baseline cell (the first, by position), the valued target cells in
    position order, the actual of ``year`` (the published entered value, else
    the last printed one, ``集計中`` setting ``actual_tallying``),
    ``cumulative``, ``unit == "%"``, the direction a person set, the usual direction of the
    indicator's stored concept (catalogue directions), and a missing baseline year replaced
    with the plan's earliest printed one (:mod:`machikpi.core.evaluation.build`).

    Five flat queries (series, baseline cells, valued target cells, printed
    and entered actuals of ``year``) read as tuples straight into NumPy
    arrays: at 174,100 series this is what makes evaluating the whole
    database take seconds. Raises :class:`~machikpi.core.evaluation.TableError`
    for a stored bound other than ``max``/``min``/none."""
    with paused_gc():
        return _stored_table(year, docs)


def _stored_table(year: int, docs: list[str] | None) -> StoredTable:
    series_qs = db.Series.objects.filter(present=True, indicator__present=True)
    if docs:
        series_qs = series_qs.filter(indicator__plan__doc__in=docs)
    sid_col, plan_col, cum_col, unit_col, dir_col, ind_col = _columns(
        _fetch(
            series_qs.order_by().values_list(
                "id",
                "indicator__plan_id",
                "indicator__cumulative",
                "indicator__unit",
                "indicator__direction",
                "indicator_id",
            )
        ),
        6,
    )
    sids, plans = _ints(sid_col), _ints(plan_col)
    n = len(sids)
    order = np.argsort(sids, kind="stable")
    sorted_sids = sids[order]

    def rows_of(cell_sids: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
        """Table row of each series id, and whether it is one of the series read."""
        if n == 0:
            return np.zeros(len(cell_sids), np.intp), np.zeros(len(cell_sids), np.bool_)
        at = np.minimum(np.searchsorted(sorted_sids, cell_sids), n - 1)
        return order[at], sorted_sids[at] == cell_sids

    # (cells of absent series are read and dropped here: cheaper than a join per cell)
    related = Q(series__indicator__plan__doc__in=docs) if docs else Q()
    cells = db.Cell.objects.filter(related).order_by()

    # baseline: the first cell by position
    bsid, bpos, bvalue, byear = _columns(
        _fetch(cells.filter(kind=db.Cell.BASELINE).values_list("series_id", "position", "value", "year")), 4
    )
    bv = np.full(n, np.nan)
    by = np.full(n, np.nan)
    rows, ok = rows_of(_ints(bsid))
    if ok.any():
        rows, pos = rows[ok], _ints(bpos)[ok]
        sort = np.lexsort((pos, rows))
        first = sort[np.unique(rows[sort], return_index=True)[1]]
        bv[rows[first]] = _floats(bvalue)[ok][first]
        by[rows[first]] = _floats(byear)[ok][first]
    # a missing baseline year: the earliest baseline year of the same plan
    if n and np.isnan(by).any():
        plan_index = np.unique(plans, return_inverse=True)[1]
        earliest = np.full(int(plan_index.max()) + 1, np.inf)
        known = ~np.isnan(by)
        np.minimum.at(earliest, plan_index[known], by[known])
        fallback = earliest[plan_index]
        fallback[np.isinf(fallback)] = np.nan
        by = np.where(np.isnan(by), fallback, by)

    # targets: the valued cells in position order, one column each
    tsid, tpos, tvalue, tyear, tbound = _columns(
        _fetch(
            cells.filter(kind=db.Cell.TARGET, value__isnull=False).values_list(
                "series_id", "position", "value", "year", "bound"
            )
        ),
        5,
    )
    tv_all = _floats(tvalue)
    rows, ok = rows_of(_ints(tsid))
    ok &= ~np.isnan(tv_all)  # (a NaN stored as a value counts as none, as in table_from_rows)
    try:
        bounds = np.array([BOUND_CODES[b] for b in tbound], np.int8)
    except KeyError as e:
        raise TableError(
            f"bound must be max, min or null, got {e.args[0]!r}", field="targets.bound"
        ) from None
    rows = rows[ok]
    sort = np.lexsort((_ints(tpos)[ok], rows))
    rows = rows[sort]
    k = 1
    column = np.zeros(len(rows), np.intp)
    if len(rows):
        starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
        column = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
        k = int(column.max()) + 1
    tv = np.full((n, k), np.nan)
    ty = np.full((n, k), np.nan)
    tb = np.zeros((n, k), np.int8)
    tv[rows, column] = tv_all[ok][sort]
    ty[rows, column] = _floats(tyear)[ok][sort]
    tb[rows, column] = bounds[ok][sort]
    # a revision (改訂) after ``year`` replaced some series' targets: the year is evaluated
    # against the targets in force in it (:func:`.revisions.targets_in_force`; few series)
    from .revisions import targets_in_force

    forced = targets_in_force(sids.tolist(), year) if n else {}
    if forced:
        row_of = {int(sid): r for r, sid in enumerate(sids.tolist())}
        valued = {sid: [t for t in in_force if t.value is not None] for sid, in_force in forced.items()}
        k2 = max([k, *(len(v) for v in valued.values())])
        if k2 > k:
            pad = ((0, 0), (0, k2 - k))
            tv = np.pad(tv, pad, constant_values=np.nan)
            ty = np.pad(ty, pad, constant_values=np.nan)
            tb = np.pad(tb, pad)
        for sid, in_force in valued.items():
            r = row_of[sid]
            tv[r, :], ty[r, :], tb[r, :] = np.nan, np.nan, 0
            for col, target in enumerate(in_force):
                tv[r, col] = float(target.value or 0.0)
                ty[r, col] = np.nan if target.year is None else float(target.year)
                tb[r, col] = BOUND_CODES[str(target.bound) if target.bound else None]

    # actual of the year: the printed cell (the last by position), then the published entered value
    actual = np.full(n, np.nan)
    tallying = np.zeros(n, np.bool_)
    asid, apos, astatus, avalue = _columns(
        _fetch(
            cells.filter(kind=db.Cell.ACTUAL, year=year).values_list(
                "series_id", "position", "status", "value"
            )
        ),
        4,
    )
    rows, ok = rows_of(_ints(asid))
    if ok.any():
        values = _floats(avalue)[ok]
        tallies = np.array([s == "tallying" for s in astatus], np.bool_)[ok]
        rows = rows[ok]
        sort = np.lexsort((_ints(apos)[ok], rows))
        last = sort[np.r_[rows[sort][1:] != rows[sort][:-1], True]]  # the last cell of each series
        actual[rows[last]] = values[last]
        tallying[rows[last]] = np.isnan(values[last]) & tallies[last]
    entered = db.ActualValue.objects.filter(year=year, approved_raw__isnull=False)
    if docs:
        entered = entered.filter(series__indicator__plan__doc__in=docs)
    esid, evalue = _columns(_fetch(entered.order_by().values_list("series_id", "approved_value")), 2)
    rows, ok = rows_of(_ints(esid))
    actual[rows[ok]] = _floats(evalue)[ok]
    tallying[rows[ok]] = False

    # the concept stored for each indicator (IndicatorConcept; "" or none: no concept)
    concept_of: dict[int, str] = {}
    if n:
        related_ind = Q(indicator__plan__doc__in=docs) if docs else Q()
        concept_of = dict(
            _fetch(
                db.IndicatorConcept.objects.filter(related_ind)
                .order_by()
                .values_list("indicator_id", "concept")
            )
        )
    usual: dict[str, str] = {}
    for c in {c for c in concept_of.values() if c}:
        with suppress(KeyError):  # a concept no longer in the catalogue: no fallback
            usual[c] = catalogue_concept(c).direction
    concepts = [c if (c := concept_of.get(i) or "") in usual else "" for i in ind_col]

    # (every plan read and those with a row kept: a list of ids could pass SQLite's limit of parameters)
    with_rows = set(np.unique(plans).tolist())
    titles = {
        doc: title or doc
        for pid, doc, title in _fetch(db.Plan.objects.order_by("doc").values_list("id", "doc", "title"))
        if pid in with_rows
    }
    table = make_table(
        year=year,
        baseline_value=bv,
        baseline_year=by,
        target_value=tv,
        target_year=ty,
        target_bound=tb,
        actual=actual,
        actual_tallying=tallying,
        cumulative=np.array(cum_col, np.bool_) if n else np.zeros(0, np.bool_),
        percent=np.array([u == "%" for u in unit_col], np.bool_) if n else np.zeros(0, np.bool_),
        # the direction a person set (the import review) overrides the inferred one
        direction_override=np.array([DIRECTION_CODES.get(d, 0) if d else 0 for d in dir_col], np.int8)
        if n
        else np.zeros(0, np.int8),
        # the usual direction of the indicator's stored concept, where the plan does not settle it
        direction_fallback=np.array([DIRECTION_CODES[usual[c]] if c else 0 for c in concepts], np.int8)
        if n
        else np.zeros(0, np.int8),
        concept=np.array(concepts, dtype=np.str_) if n else np.zeros(0, np.str_),
    )
    return StoredTable(table, sids, plans, titles)
