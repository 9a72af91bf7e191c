"""The flat exchange formats: KPI rows and opinion rows (JSON-ready dicts).

Field meanings are those of ``docs/kpi-rows.md`` and
``docs/opinion-rows.md``; this module turns a :class:`Plan` into
rows and reads value cells back from rows.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from .errors import QuantityError
from .model import Bound, CellStatus, Opinion, Plan, ValueCell, YearType
from .quantities import plain_number


class CellRow(TypedDict):
    """A *value cell* of ``docs/kpi-rows.md``."""

    raw: str
    status: str
    value: float | int | None
    year: int | None
    year_type: str | None
    bound: str | None


class KpiRow(TypedDict):
    """One KPI row of ``docs/kpi-rows.md``: one series of one indicator. ``evaluation`` is
    added by an evaluation only (the spec's *Evaluation* object)."""

    doc: str
    path: list[str]
    codes: list[str] | None
    role: str
    name: str
    definition: str | None
    group: str | None
    unit: str | None
    cumulative: bool
    baseline: CellRow
    targets: list[CellRow]
    notes: list[str]
    actuals: NotRequired[list[CellRow]]
    milestones: NotRequired[list[CellRow]]
    uncertain: NotRequired[bool]
    direction: NotRequired[str]
    evaluation: NotRequired[dict[str, Any]]


def cell_to_row(cell: ValueCell) -> CellRow:
    """A value cell as the spec's *value cell* object."""
    return {
        "raw": cell.raw,
        "status": str(cell.status),
        "value": plain_number(cell.value),
        "year": cell.year,
        "year_type": str(cell.year_type) if cell.year_type else None,
        "bound": str(cell.bound) if cell.bound else None,
    }


def cell_from_row(row: dict[str, Any], *, where: str = "") -> ValueCell:
    """Read a spec *value cell* object back. Raises :class:`QuantityError`
    naming ``where`` when a field has a value the spec does not allow."""
    try:
        status = CellStatus(row.get("status") or ("value" if row.get("value") is not None else "pending"))
        year_type = YearType(row["year_type"]) if row.get("year_type") else None
        bound = Bound(row["bound"]) if row.get("bound") else None
        value = row.get("value")
        year = row.get("year")
        return ValueCell(
            raw=str(row.get("raw") or ""),
            status=status,
            value=float(value) if value is not None else None,
            year=int(year) if year is not None else None,
            year_type=year_type,
            bound=bound,
        )
    except (ValueError, TypeError) as e:
        raise QuantityError(f"{where}: bad value cell {row!r}: {e}") from e


def kpi_rows(plan: Plan) -> list[KpiRow]:
    """One KPI row (:class:`KpiRow`) per indicator series, in document order: the one
    builder of KPI rows, for a plan just read and for a stored plan loaded back alike."""
    rows: list[KpiRow] = []
    for path, ind in plan.indicators():
        codes = [n.code for n in path]
        for series in ind.series:
            row: KpiRow = {
                "doc": plan.doc,
                "path": [n.title for n in path],
                "codes": [c for c in codes if c is not None] if all(c is not None for c in codes) else None,
                "role": str(ind.role),
                "name": ind.name,
                "definition": ind.definition,
                "group": series.group,
                "unit": ind.unit,
                "cumulative": ind.cumulative,
                "baseline": cell_to_row(series.baseline),
                "targets": [cell_to_row(t) for t in series.targets],
                "notes": list(ind.notes),
            }
            if series.actuals:
                row["actuals"] = [cell_to_row(a) for a in series.actuals]
            if series.milestones:
                row["milestones"] = [cell_to_row(m) for m in series.milestones]
            if ind.uncertain:
                row["uncertain"] = True
            if ind.direction:
                row["direction"] = ind.direction
            rows.append(row)
    return rows


def opinion_row(doc: str, op: Opinion) -> dict[str, Any]:
    """One opinion as the spec's opinion row."""
    return {
        "doc": doc,
        "number": op.number,
        "measure": list(op.measure),
        "measure_codes": list(op.measure_codes),
        "opinion": op.opinion,
        "response": op.response,
        "reflections": [{"page": r.page, "section": r.section, "quote": r.quote} for r in op.reflections],
    }


def opinion_rows(plan: Plan) -> list[dict[str, Any]]:
    """One opinion row per opinion of the plan, in document order."""
    return [opinion_row(plan.doc, op) for op in plan.opinions]
