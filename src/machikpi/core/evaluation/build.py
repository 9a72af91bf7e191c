"""Building a :class:`SeriesTable` from KPI rows (dicts) or model objects.

Per series this reads the baseline cell, the valued target cells (value,
year, bound), the actual of the evaluated year (a cell of ``actuals`` whose
``year`` equals it; ``集計中`` sets ``actual_tallying``), ``cumulative``, and
whether ``unit == "%"``. An optional input-only row field ``direction``
(``higher``/``lower``/``keep``) overrides the inferred direction.

**Catalogue directions** (``catalogue_directions=True``, off by default): each
row's indicator is matched to the indicator catalogue
(:func:`machikpi.core.catalogue.match` on ``name``, ``unit``, ``definition``;
an input-only row field ``concept`` naming a concept id is taken instead), and
the concept's usual direction is kept as a fallback, used only where the plan
does not settle the direction (:func:`.direction.apply_fallback`).

**Baseline year missing** (``baseline.year`` null but a baseline value given):
the earliest baseline year printed anywhere in the same plan (same ``doc``)
is used. A plan's baseline column is one 策定時 snapshot; its earliest
printed year is the year the plan measures from, and using it for an undated
cell is the least assumption that still allows a straight line. When the plan
prints no baseline year at all it stays unknown and pace/expected/CAGR are
reported as undefined (reason "no baseline year").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..catalogue import concept as catalogue_concept
from ..catalogue import match as catalogue_match
from ..model import CellStatus, Indicator, Series
from .codes import BOUND_CODES, DIRECTION_CODES
from .table import SeriesTable, TableError, make_table

_NAN = math.nan


def _number(cell: Mapping[str, Any], index: int, field: str) -> float:
    value = cell.get("value")
    if value is None:
        return _NAN
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TableError(f"value must be a number or null, got {value!r}", index=index, field=field)
    return float(value)


def _year(cell: Mapping[str, Any], index: int, field: str) -> float:
    year = cell.get("year")
    if year is None:
        return _NAN
    if isinstance(year, bool) or not isinstance(year, int):
        raise TableError(f"year must be an integer or null, got {year!r}", index=index, field=field)
    return float(year)


def _cell(row: Mapping[str, Any], key: str, index: int) -> Mapping[str, Any]:
    cell = row.get(key)
    if cell is None:
        return {}
    if not isinstance(cell, Mapping):
        raise TableError("must be a value-cell object", index=index, field=key)
    return cell


def _cells(row: Mapping[str, Any], key: str, index: int) -> list[Mapping[str, Any]]:
    cells = row.get(key) or []
    # (a dict is checked by type first: much cheaper than the ABC check, once per cell)
    if not isinstance(cells, list) or not all(type(c) is dict or isinstance(c, Mapping) for c in cells):
        raise TableError("must be a list of value-cell objects", index=index, field=key)
    return cells


def _assemble(recs: list[dict[str, Any]], year: int) -> SeriesTable:
    n = len(recs)
    k = max((len(r["targets"]) for r in recs), default=0)
    tv = np.full((n, max(k, 1)), np.nan)
    ty = np.full((n, max(k, 1)), np.nan)
    tb = np.zeros((n, max(k, 1)), np.int8)
    for i, r in enumerate(recs):
        for j, (v, y, bd) in enumerate(r["targets"]):
            tv[i, j], ty[i, j], tb[i, j] = v, y, bd
    # baseline year: fall back on the plan's earliest baseline year (module docstring)
    earliest: dict[str, float] = {}
    for r in recs:
        if not math.isnan(r["by"]):
            d = r["doc"]
            earliest[d] = min(earliest.get(d, r["by"]), r["by"])
    by = [r["by"] if not math.isnan(r["by"]) else earliest.get(r["doc"], _NAN) for r in recs]
    return make_table(
        year=np.full(n, year, np.int64),
        baseline_value=[r["bv"] for r in recs],
        baseline_year=by,
        target_value=tv,
        target_year=ty,
        target_bound=tb,
        actual=[r["actual"] for r in recs],
        actual_tallying=[r["tallying"] for r in recs],
        cumulative=[r["cumulative"] for r in recs],
        percent=[r["percent"] for r in recs],
        direction_override=[r["override"] for r in recs],
        direction_fallback=[r.get("fallback", 0) for r in recs],
        concept=[r.get("concept", "") for r in recs],
    )


def _catalogue_direction(
    name: object, unit: object, definition: object, concept_id: object, index: int
) -> tuple[int, str]:
    """(direction code, concept id) of an indicator in the catalogue; (0, "") when none.
    A ``concept`` of ``""`` says the indicator has no concept (a person said so): no match is tried."""
    if concept_id == "":
        return 0, ""
    if concept_id is not None:
        if not isinstance(concept_id, str):
            raise TableError(
                f"concept must be a concept id, got {concept_id!r}", index=index, field="concept"
            )
        try:
            c = catalogue_concept(concept_id)
        except KeyError:
            raise TableError(
                f"no concept {concept_id!r} in the catalogue", index=index, field="concept"
            ) from None
        return DIRECTION_CODES[c.direction], c.id
    if not isinstance(name, str) or not name:
        return 0, ""
    m = catalogue_match(
        name,
        unit if isinstance(unit, str) else None,
        definition if isinstance(definition, str) else None,
    )
    if m is None:
        return 0, ""
    return DIRECTION_CODES[catalogue_concept(m.concept).direction], m.concept


def table_from_rows(
    rows: Sequence[Mapping[str, Any]], year: int, *, catalogue_directions: bool = False
) -> SeriesTable:
    """A table evaluating every KPI row for fiscal ``year``; with
    ``catalogue_directions`` each row also carries its catalogue concept's usual
    direction as a fallback (module docstring).

    Raises :class:`TableError` with ``index`` (0-based row) and ``field`` for
    a field of the wrong type or value.
    """
    recs: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        if type(row) is not dict and not isinstance(row, Mapping):
            raise TableError("a KPI row must be a JSON object", index=i)
        base = _cell(row, "baseline", i)
        targets = []
        for j, t in enumerate(_cells(row, "targets", i)):
            bound = t.get("bound")
            if bound not in BOUND_CODES:
                raise TableError(
                    f"bound must be max, min or null, got {bound!r}", index=i, field=f"targets[{j}].bound"
                )
            # the common types first: an error's field name is built only off this path
            value = t.get("value")
            if type(value) is float or type(value) is int:
                value = float(value)
            else:
                value = _number(t, i, f"targets[{j}].value")
            if not math.isnan(value):
                ty = t.get("year")
                ty = float(ty) if type(ty) is int else _year(t, i, f"targets[{j}].year")
                targets.append((value, ty, BOUND_CODES[bound]))
        actual, tallying = _NAN, False
        for j, a in enumerate(_cells(row, "actuals", i)):
            ay = a.get("year")
            if type(ay) is not int:
                ay = _year(a, i, f"actuals[{j}].year")
                if math.isnan(ay):
                    raise TableError("an actual needs a year", index=i, field=f"actuals[{j}].year")
            if int(ay) == year:
                v = a.get("value")
                v = float(v) if type(v) is float or type(v) is int else _number(a, i, f"actuals[{j}].value")
                if not math.isnan(v):
                    actual, tallying = v, False
                elif a.get("status") == "tallying":
                    tallying = True
        override = row.get("direction")
        if override is not None and override not in DIRECTION_CODES:
            raise TableError(
                f"direction must be higher, lower or keep, got {override!r}", index=i, field="direction"
            )
        cumulative = row.get("cumulative", False)
        if not isinstance(cumulative, bool):
            raise TableError(f"must be true or false, got {cumulative!r}", index=i, field="cumulative")
        recs.append(
            {
                "doc": str(row.get("doc", "")),
                "bv": _number(base, i, "baseline.value"),
                "by": _year(base, i, "baseline.year"),
                "targets": targets,
                "actual": actual,
                "tallying": tallying,
                "cumulative": cumulative,
                "percent": row.get("unit") == "%",
                "override": DIRECTION_CODES.get(override, 0) if override else 0,
            }
        )
        if catalogue_directions:
            fb, cid = _catalogue_direction(
                row.get("name"), row.get("unit"), row.get("definition"), row.get("concept"), i
            )
            recs[-1]["fallback"], recs[-1]["concept"] = fb, cid
    return _assemble(recs, year)


def table_from_series(
    items: Sequence[tuple[Indicator, Series]], year: int, *, overrides: Mapping[int, str] | None = None
) -> SeriesTable:
    """A table evaluating model series for fiscal ``year``; ``items`` are
    (indicator, series) pairs of one plan, ``overrides`` maps an item index to
    a direction name."""
    recs: list[dict[str, Any]] = []
    for i, (ind, s) in enumerate(items):
        actual, tallying = _NAN, False
        for a in s.actuals:
            if a.year == year:
                if a.value is not None:
                    actual, tallying = a.value, False
                elif a.status == CellStatus.TALLYING:
                    tallying = True
        override = (overrides or {}).get(i)
        recs.append(
            {
                "doc": "",
                "bv": _NAN if s.baseline.value is None else s.baseline.value,
                "by": _NAN if s.baseline.year is None else float(s.baseline.year),
                "targets": [
                    (
                        t.value,
                        _NAN if t.year is None else float(t.year),
                        BOUND_CODES[str(t.bound) if t.bound else None],
                    )
                    for t in s.targets
                    if t.value is not None
                ],
                "actual": actual,
                "tallying": tallying,
                "cumulative": ind.cumulative,
                "percent": ind.unit == "%",
                "override": DIRECTION_CODES[override] if override else 0,
            }
        )
    return _assemble(recs, year)
