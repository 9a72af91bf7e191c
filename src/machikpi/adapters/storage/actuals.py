"""Recording actual values (実績値) with their history, and reading what an entry sheet needs.

Every change goes through :func:`record_actual`: it creates or updates the
one :class:`~.models.ActualValue` of a series and year and writes an
:class:`~.models.ActualChange` (who, when, old value, new value, note); an
entry equal to the stored one (same value, note and status; the raw text
may differ, e.g. ``71.5`` for a stored ``71.5%``, as the entry sheet gives
the stored value back as a number) changes nothing and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import models as db


@dataclass(frozen=True)
class SeriesInfo:
    """What an entry sheet shows of one series and what validation needs.

    ``known`` are the numbers already known for the series (baseline,
    targets, printed actuals, entered actuals of other years than
    ``year``), used for the outlier check; ``last`` is the latest actual
    before ``year`` as ``(year, value)``; ``current`` the stored actual of
    ``year`` as ``(value, raw, note)``."""

    series_id: int
    plan_doc: str
    plan_title: str
    path: tuple[str, ...]
    name: str
    group: str | None
    unit: str | None
    baseline: str
    target: str
    last: tuple[int, float] | None
    current: tuple[float | None, str, str] | None
    known: tuple[float, ...]
    present: bool


@dataclass(frozen=True)
class Outcome:
    """What :func:`record_actual` did: ``"create"``, ``"update"`` or ``"same"``."""

    action: str
    actual_id: int


def _path(node: db.Node) -> tuple[str, ...]:
    out: list[str] = []
    n: db.Node | None = node
    while n is not None:
        out.append(n.title)
        n = n.parent
    return tuple(reversed(out))


def series_info(
    year: int, *, plans: list[str] | None = None, include_missing: bool = True
) -> list[SeriesInfo]:
    """Every stored series (of the plans whose document names are in
    ``plans``, default all) in plan and document order, as seen for entering
    the actuals of fiscal year ``year``; series gone from their document are
    left out unless ``include_missing``."""
    qs = db.Series.objects.select_related("indicator__plan", "indicator__node").prefetch_related(
        "cells", "actual_values"
    )
    if plans:
        qs = qs.filter(indicator__plan__doc__in=plans)
    if not include_missing:
        qs = qs.filter(present=True, indicator__present=True)
    qs = qs.order_by("indicator__plan__doc", "indicator__position", "position")
    node_paths: dict[int, tuple[str, ...]] = {}
    out: list[SeriesInfo] = []
    for s in qs:
        ind = s.indicator
        if ind.node_id not in node_paths:
            node_paths[ind.node_id] = _path(ind.node)
        cells = list(s.cells.all())
        baseline = next((c for c in cells if c.kind == db.Cell.BASELINE), None)
        targets = [c for c in cells if c.kind == db.Cell.TARGET]
        history: dict[int, float] = {
            c.year: c.value
            for c in cells
            if c.kind == db.Cell.ACTUAL and c.year is not None and c.value is not None
        }
        current = None
        for a in s.actual_values.all():
            if a.year == year:
                current = (a.value, a.raw, a.note)
            elif a.value is not None:
                history[a.year] = a.value
        before = [y for y in history if y < year]
        last = (max(before), history[max(before)]) if before else None
        known = [c.value for c in cells if c.kind != db.Cell.ACTUAL and c.value is not None]
        known.extend(history.values())
        out.append(
            SeriesInfo(
                series_id=s.pk,
                plan_doc=ind.plan.doc,
                plan_title=ind.plan.title or ind.plan.doc,
                path=node_paths[ind.node_id],
                name=ind.name,
                group=s.group,
                unit=ind.unit,
                baseline=baseline.raw if baseline else "",
                target=" / ".join(t.raw for t in targets if t.raw),
                last=last,
                current=current,
                known=tuple(known),
                present=s.present and ind.present,
            )
        )
    return out


def record_actual(
    series_id: int,
    year: int,
    *,
    value: float | None,
    raw: str,
    note: str,
    who: str,
    status: str = db.ActualValue.APPROVED,
    source: str = "",
) -> Outcome:
    """Create or update the actual value of ``series_id`` for ``year`` and
    record the change (module docstring). Call it inside a transaction;
    raises ``Series.DoesNotExist`` for an unknown series."""
    series = db.Series.objects.get(pk=series_id)
    actual = db.ActualValue.objects.select_for_update().filter(series=series, year=year).first()
    if actual is None:
        actual = db.ActualValue.objects.create(
            series=series,
            year=year,
            value=value,
            raw=raw,
            note=note,
            status=status,
            entered_by=who,
            source=source,
        )
        db.ActualChange.objects.create(
            actual=actual,
            action=db.ActualChange.CREATE,
            who=who,
            new_value=value,
            new_raw=raw,
            new_status=status,
            note=note,
            source=source,
        )
        return Outcome("create", actual.pk)
    if (actual.value, actual.note, actual.status) == (value, note, status):
        return Outcome("same", actual.pk)
    db.ActualChange.objects.create(
        actual=actual,
        action=db.ActualChange.UPDATE,
        who=who,
        old_value=actual.value,
        new_value=value,
        old_raw=actual.raw,
        new_raw=raw,
        old_status=actual.status,
        new_status=status,
        note=note,
        source=source,
    )
    actual.value = value
    actual.raw = raw
    actual.note = note
    actual.status = status
    actual.entered_by = who
    actual.source = source
    actual.save()
    return Outcome("update", actual.pk)
