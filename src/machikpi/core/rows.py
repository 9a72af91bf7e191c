"""The flat exchange formats: KPI rows and opinion rows (JSON-ready dicts).

Field meanings are those of ``shared/spec/kpi-rows.md`` and
``shared/spec/opinion-rows.md``; this module turns a :class:`Plan` into
rows and reads value cells back from rows.
"""

from __future__ import annotations

from typing import Any

from .errors import QuantityError
from .model import Bound, CellStatus, Opinion, Plan, ValueCell, YearType
from .quantities import plain_number


def cell_to_row(cell: ValueCell) -> dict[str, Any]:
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


def kpi_rows(plan: Plan) -> list[dict[str, Any]]:
    """One KPI row per indicator series, in document order."""
    rows: list[dict[str, Any]] = []
    for path, ind in plan.indicators():
        codes = [n.code for n in path]
        for series in ind.series:
            row: dict[str, Any] = {
                "doc": plan.doc,
                "path": [n.title for n in path],
                "codes": codes if all(c is not None for c in codes) else None,
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
