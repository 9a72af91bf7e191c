"""Target history of revised plans (改訂): which targets were in force in which fiscal year.

When a re-import changes the targets of a stored series, :func:`.plans.store_plan`
keeps the superseded ones as a :class:`~.models.TargetRevision` (:func:`record_revision`)
before the printed cells are replaced. A revision published in fiscal year ``Y``
applies from ``Y``: the evaluation of an earlier year uses the targets it replaced
(:func:`targets_in_force`, used where the rows for the evaluation are made,
:func:`.export.stored_rows` and :func:`.load.load_series`).

Targets are compared by what they mean (:func:`targets_changed`): status, value,
year and bound, and the printed text only where the cell has no number — a
changed way of printing the same number (``2,097億円`` / ``2097億円``) is no revision.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from ...core import model as core
from ...core.periods import fiscal_year_of
from ...core.rows import cell_from_row, cell_to_row
from . import models as db


def fiscal_year_at(at: datetime) -> int:
    """The fiscal year (April–March) of the moment ``at``, in the site's time zone."""
    return fiscal_year_of(timezone.localtime(at).date() if timezone.is_aware(at) else at.date())


def _meaning(cell: Any) -> tuple[str, float | None, int | None, str | None, str]:
    status = str(cell.status)
    bound = str(cell.bound) if cell.bound else None
    return status, cell.value, cell.year, bound, "" if cell.value is not None else str(cell.raw or "")


def targets_changed(old: Sequence[Any], new: Sequence[Any]) -> bool:
    """Whether the target cells ``new`` (core or stored cells) mean other targets than ``old``."""
    return [_meaning(c) for c in old] != [_meaning(c) for c in new]


def cell_json(cell: core.ValueCell | db.Cell) -> dict[str, Any]:
    """A target cell (core or stored) as kept in the history: the spec value cell plus its unit."""
    if isinstance(cell, db.Cell):
        return {
            "raw": cell.raw,
            "status": cell.status,
            "value": cell.value,
            "year": cell.year,
            "year_type": cell.year_type,
            "bound": cell.bound,
            "unit": cell.unit,
        }
    return {**cell_to_row(cell), "unit": cell.unit}


def cell_from_json(row: dict[str, Any]) -> core.ValueCell:
    """A kept target cell as the core's cell."""
    cell = cell_from_row(row, where="target history")
    cell.unit = row.get("unit")
    return cell


def record_revision(
    series: db.Series,
    old: Sequence[db.Cell],
    new: Sequence[core.ValueCell],
    *,
    at: datetime,
    who: str = "",
    plan_import_id: int | None = None,
    since: datetime | None = None,
) -> db.TargetRevision | None:
    """Keep the stored targets ``old`` of ``series`` that ``new`` replaces at ``at``
    (module docstring); ``None`` when there were none or they mean the same.
    ``since`` is when they came in when the series has no earlier revision."""
    if not old or not targets_changed(old, new):
        return None
    last = series.target_revisions.order_by("-valid_to", "-id").first()
    valid_from = last.valid_to if last is not None else since
    return db.TargetRevision.objects.create(
        series=series,
        targets=[cell_json(c) for c in old],
        new_targets=[cell_json(c) for c in new],
        valid_from=valid_from,
        valid_to=at,
        from_year=fiscal_year_at(valid_from) if valid_from is not None else None,
        to_year=fiscal_year_at(at),
        plan_import_id=plan_import_id,
        who=who,
    )


def targets_in_force(series_ids: Iterable[int], year: int) -> dict[int, list[core.ValueCell]]:
    """The targets in force in fiscal ``year`` of those of ``series_ids`` whose
    targets a later revision replaced: the targets kept by the first revision
    that took effect after ``year`` (``to_year > year``). A series not in the
    result is evaluated with its stored (current) targets. One query over the
    revisions that apply (few), whatever the number of series."""
    wanted = set(series_ids)
    out: dict[int, list[core.ValueCell]] = {}
    for sid, targets in (
        db.TargetRevision.objects.filter(to_year__gt=year)
        .order_by("series_id", "valid_to", "id")
        .values_list("series_id", "targets")
    ):
        if sid in wanted and sid not in out:
            out[sid] = [cell_from_json(t) for t in targets]
    return out


def swap_targets(plan: core.Plan, series_ids: Sequence[int], year: int | None) -> None:
    """Give the series of ``plan`` (``series_ids[i]`` the ``i``-th series in the order of
    :meth:`~machikpi.core.model.Plan.indicators`) the targets in force in ``year``, in place."""
    if year is None:
        return
    forced = targets_in_force(series_ids, year)
    if not forced:
        return
    every = [s for _, ind in plan.indicators() for s in ind.series]
    for sid, series in zip(series_ids, every, strict=True):
        if sid in forced:
            series.targets = forced[sid]


def target_history(series_ids: Iterable[int]) -> dict[int, list[db.TargetRevision]]:
    """The kept targets of each of ``series_ids`` that has any, oldest first."""
    out: dict[int, list[db.TargetRevision]] = {}
    for rev in db.TargetRevision.objects.filter(series_id__in=list(series_ids)).select_related("plan_import"):
        out.setdefault(rev.series_id, []).append(rev)
    return out


def targets_text(cells: Iterable[dict[str, Any]]) -> str:
    """Kept target cells in words: ``2,097億円（2029年度）、…``; ``—`` for none."""
    parts = []
    for c in cells:
        raw = str(c.get("raw") or "—")
        year = c.get("year")
        suffix = "年" if c.get("year_type") == str(core.YearType.CALENDAR) else "年度"
        parts.append(f"{raw}（{year}{suffix}）" if year else raw)
    return "、".join(parts) or "—"
