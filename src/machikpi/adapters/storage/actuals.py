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

from django.db import IntegrityError, transaction
from django.utils import timezone

from ...core.errors import MachikpiError
from . import models as db
from .tree import ancestry


class ActualConflict(MachikpiError):
    """Somebody saved the value after the writer read it (optimistic locking).

    ``current`` is the stored value as it is now: ``(value, raw, note,
    status, version, entered_by)``; the writer shows it and lets the user
    decide, so neither write is lost silently."""

    def __init__(self, message: str, current: tuple[float | None, str, str, str, int, str]) -> None:
        super().__init__(message)
        self.current = current


class RevertError(MachikpiError):
    """A change that cannot be reverted (an approval, or a change that is not the latest)."""


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
    #: the years that take actual values (:func:`~machikpi.adapters.actual_entry.year_window`), when known
    years: tuple[int | None, int | None] | None = None


@dataclass(frozen=True)
class Outcome:
    """What :func:`record_actual` did: ``"create"``, ``"update"`` or ``"same"``."""

    action: str
    actual_id: int


def series_info(
    year: int, *, plans: list[str] | None = None, include_missing: bool = True
) -> list[SeriesInfo]:
    """Every stored series (of the plans whose document names are in
    ``plans``, default all) in plan and document order, as seen for entering
    the actuals of fiscal year ``year``; series gone from their document are
    left out unless ``include_missing``. Four queries whatever the size
    (:class:`StoredSeries`)."""
    return StoredSeries(plans=plans, include_missing=include_missing).for_year(year)


class StoredSeries:
    """The stored series with their cells and entered values, read once
    (four queries: series, nodes, cells, values; ``values()`` rows, no query per series or node), from
    which :meth:`for_year` builds the :class:`SeriesInfo` of any year in
    Python. Entry checking reads a file's every year from one of these."""

    def __init__(self, *, plans: list[str] | None = None, include_missing: bool = True) -> None:
        qs = db.Series.objects.all()
        if plans:
            qs = qs.filter(indicator__plan__doc__in=plans)
        if not include_missing:
            qs = qs.filter(present=True, indicator__present=True)
        qs = qs.order_by("indicator__plan__doc", "indicator__position", "position")
        self.rows = list(
            qs.values(
                "id",
                "group",
                "present",
                "indicator__name",
                "indicator__unit",
                "indicator__present",
                "indicator__node_id",
                "indicator__plan_id",
                "indicator__plan__doc",
                "indicator__plan__title",
                "indicator__plan__audit_period",
            )
        )
        nodes = list(
            db.Node.objects.filter(plan_id__in=qs.order_by().values("indicator__plan_id")).values_list(
                "id", "parent_id", "title"
            )
        )
        self._parent = {n: p for n, p, _ in nodes}
        self._title = {n: t for n, _, t in nodes}
        chosen = qs.order_by().values("id")  # a subquery: no list of ids as parameters
        self._cells: dict[int, list[tuple[str, int | None, float | None, str]]] = {}
        self._actuals: dict[int, list[tuple[int, float | None, str, str]]] = {}
        for sid, kind, cyear, value, raw in (
            db.Cell.objects.filter(series_id__in=chosen)
            .order_by("series_id", "kind", "position")
            .values_list("series_id", "kind", "year", "value", "raw")
        ):
            self._cells.setdefault(sid, []).append((kind, cyear, value, raw))
        for sid, ayear, value, raw, note in (
            db.ActualValue.objects.filter(series_id__in=chosen)
            .order_by("series_id", "year")
            .values_list("series_id", "year", "value", "raw", "note")
        ):
            self._actuals.setdefault(sid, []).append((ayear, value, raw, note))
        self._paths: dict[int, tuple[str, ...]] = {}

    def _path(self, node_id: int) -> tuple[str, ...]:
        if node_id not in self._paths:
            chain = ancestry(node_id, lambda n: self._parent[n])
            self._paths[node_id] = tuple(self._title[n] for n in chain if n in self._title)
        return self._paths[node_id]

    def for_year(self, year: int) -> list[SeriesInfo]:
        """The :class:`SeriesInfo` of every series read, for entering fiscal ``year``."""
        from ..actual_entry import year_window

        out: list[SeriesInfo] = []
        for r in self.rows:
            sid = r["id"]
            cells = self._cells.get(sid, [])
            baseline = next((c for c in cells if c[0] == db.Cell.BASELINE), None)
            targets = [c for c in cells if c[0] == db.Cell.TARGET]
            history: dict[int, float] = {
                cy: v
                for kind, cy, v, _ in cells
                if kind == db.Cell.ACTUAL and cy is not None and v is not None
            }
            current = None
            for ay, value, raw, note in self._actuals.get(sid, []):
                if ay == year:
                    current = (value, raw, note)
                elif value is not None:
                    history[ay] = value
            before = [y for y in history if y < year]
            last = (max(before), history[max(before)]) if before else None
            known = [v for kind, _, v, _ in cells if kind != db.Cell.ACTUAL and v is not None]
            known.extend(history.values())
            out.append(
                SeriesInfo(
                    series_id=sid,
                    plan_doc=r["indicator__plan__doc"],
                    plan_title=r["indicator__plan__title"] or r["indicator__plan__doc"],
                    path=self._path(r["indicator__node_id"]),
                    name=r["indicator__name"],
                    group=r["group"],
                    unit=r["indicator__unit"],
                    baseline=baseline[3] if baseline else "",
                    target=" / ".join(t[3] for t in targets if t[3]),
                    last=last,
                    current=current,
                    known=tuple(known),
                    present=r["present"] and r["indicator__present"],
                    years=year_window(r["indicator__plan__audit_period"], baseline[1] if baseline else None),
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
    expected_version: int | None = None,
) -> Outcome:
    """Create or update the actual value of ``series_id`` for ``year`` and
    record the change (module docstring). Call it inside a transaction;
    raises ``Series.DoesNotExist`` for an unknown series.

    ``status`` ``approved`` also publishes the value (``approved_*``);
    ``draft`` leaves the published value as it was. ``expected_version``:
    the ``version`` the writer read (``0`` when it saw no value); when the
    stored version differs, :class:`ActualConflict` is raised and nothing
    is written. ``None`` skips the check (file imports).

    Two first entries of one series and year at the same moment: the one
    stored second hits the unique key; it is then treated as written after
    the other one (:class:`ActualConflict` when ``expected_version`` was
    given, an update otherwise), never an ``IntegrityError``."""
    series = db.Series.objects.get(pk=series_id)
    actual = _locked(series, year)
    if actual is None and expected_version in (None, 0):
        try:
            with transaction.atomic():  # a savepoint: a concurrent first entry must not end the caller's
                return _create(
                    series, year, value=value, raw=raw, note=note, who=who, status=status, source=source
                )
        except IntegrityError:
            # Somebody stored the first value of this series and year at the same moment
            # (the unique key machikpi_actual_series_year): go on as with a stored value.
            actual = _locked(series, year)
            if actual is None:
                raise
    if expected_version is not None:
        stored_version = actual.version if actual is not None else 0
        if stored_version != expected_version:
            current = (
                (actual.value, actual.raw, actual.note, actual.status, actual.version, actual.entered_by)
                if actual is not None
                else (None, "", "", "", 0, "")
            )
            raise ActualConflict(
                f"the value of {year} was changed by {current[5] or 'somebody'} after you opened it "
                f"(version {stored_version}, you read {expected_version})",
                current,
            )
    assert actual is not None  # none stored: created above, or a version read that is not 0 → conflict
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
    actual.version += 1
    if status == db.ActualValue.APPROVED:
        _publish(actual, who)
    actual.save()
    return Outcome("update", actual.pk)


def _locked(series: db.Series, year: int) -> db.ActualValue | None:
    """The stored value of ``series`` and ``year``, locked for update, or ``None``."""
    return db.ActualValue.objects.select_for_update().filter(series=series, year=year).first()


def _create(
    series: db.Series,
    year: int,
    *,
    value: float | None,
    raw: str,
    note: str,
    who: str,
    status: str,
    source: str,
) -> Outcome:
    """Store the first value of ``series`` and ``year`` and its ``create`` change."""
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
    if status == db.ActualValue.APPROVED:
        _publish(actual, who)
        actual.save()
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


def _publish(actual: db.ActualValue, who: str) -> None:
    """Make the current value of ``actual`` its published (approved) state (not saved)."""
    actual.approved_value = actual.value
    actual.approved_raw = actual.raw
    actual.approved_note = actual.note
    actual.approved_by = who
    actual.approved_at = timezone.now()


def _locked_value(actual_id: int, expected_version: int | None) -> db.ActualValue:
    """The value ``actual_id`` locked for update; :class:`ActualConflict` when
    ``expected_version`` is given and the value changed since it was read."""
    actual = db.ActualValue.objects.select_for_update().get(pk=actual_id)
    if expected_version is not None and actual.version != expected_version:
        raise ActualConflict(
            f"the value was changed by {actual.entered_by} after you opened it; look at it again",
            (actual.value, actual.raw, actual.note, actual.status, actual.version, actual.entered_by),
        )
    return actual


def _record_status(actual: db.ActualValue, action: str, who: str, new_status: str, note: str) -> None:
    """Record a change of ``actual``'s status only (its text and number stay)."""
    db.ActualChange.objects.create(
        actual=actual,
        action=action,
        who=who,
        old_value=actual.value,
        new_value=actual.value,
        old_raw=actual.raw,
        new_raw=actual.raw,
        old_status=actual.status,
        new_status=new_status,
        note=note,
    )


def approve_actual(actual_id: int, who: str, *, expected_version: int | None = None) -> bool:
    """Approve the draft value ``actual_id``: it becomes the published value
    and an ``approve`` change is recorded. Returns ``False`` (and writes
    nothing) when it is already approved. Call it inside a transaction.

    Raises ``ActualValue.DoesNotExist`` for an unknown id and
    :class:`ActualConflict` when ``expected_version`` is given and differs
    (the value changed after the approver looked at it)."""
    actual = _locked_value(actual_id, expected_version)
    if actual.status == db.ActualValue.APPROVED:
        return False
    _record_status(actual, db.ActualChange.APPROVE, who, db.ActualValue.APPROVED, actual.note)
    actual.status = db.ActualValue.APPROVED
    actual.version += 1
    _publish(actual, who)
    actual.save()
    return True


def revert_change(change_id: int, who: str, *, note: str = "") -> db.ActualChange:
    """Set the value back to what it was before the change ``change_id`` and
    record that as a ``revert`` change (returned). Call it inside a transaction.

    Only the latest change of a value can be reverted, not counting the
    approvals of it (reverting an older one would silently undo the later
    ones too); reverting a change also undoes its approval. The working
    value goes back to the old text, number, note and status; the published
    (approved) value goes back to what was published before the change
    (the last earlier change whose new status was ``approved``), or to
    nothing when nothing was. Reverting a ``create`` leaves an empty draft.

    Raises ``ActualChange.DoesNotExist`` for an unknown id and
    :class:`RevertError` for a change that is followed by other changes than
    approvals, or that is itself an approval."""
    change = db.ActualChange.objects.select_related("actual").get(pk=change_id)
    actual = db.ActualValue.objects.select_for_update().get(pk=change.actual_id)
    if change.action == db.ActualChange.APPROVE:
        raise RevertError("an approval is not reverted on its own; revert the change it approved")
    later = actual.history.filter(id__gt=change.id).exclude(action=db.ActualChange.APPROVE)
    if later.exists():
        raise RevertError("only the latest change of a value can be reverted; revert the later ones first")
    old_status = change.old_status or db.ActualValue.DRAFT
    earlier = actual.history.filter(id__lt=change.id).order_by("-id")
    previous = earlier.exclude(action=db.ActualChange.RETURN).first()  # a return's note is its reason
    published = earlier.filter(new_status=db.ActualValue.APPROVED).first()
    revert = db.ActualChange.objects.create(
        actual=actual,
        action=db.ActualChange.REVERT,
        who=who,
        old_value=actual.value,
        new_value=change.old_value,
        old_raw=actual.raw,
        new_raw=change.old_raw or "",
        old_status=actual.status,
        new_status=old_status,
        note=note or f"取り消し: 変更 #{change.pk}",
        reverts=change,
    )
    actual.value = change.old_value
    actual.raw = change.old_raw or ""
    actual.note = previous.note if previous is not None else ""
    actual.status = old_status
    actual.entered_by = who
    actual.version += 1
    if published is not None:
        actual.approved_value = published.new_value
        actual.approved_raw = published.new_raw
        actual.approved_note = published.note
        actual.approved_by = who
        actual.approved_at = timezone.now()
    else:
        actual.approved_value = None
        actual.approved_raw = None
        actual.approved_note = ""
        actual.approved_by = ""
        actual.approved_at = None
    actual.save()
    return revert


def return_actual(actual_id: int, who: str, *, reason: str, expected_version: int | None = None) -> bool:
    """Send the draft ``actual_id`` back to its department (差し戻し): its status
    becomes ``returned`` and a ``return`` change records ``who`` and the
    ``reason`` (its note); the value and the published value stay as they are.
    Returns ``False`` (and writes nothing) when it is not a draft. Call it
    inside a transaction. Raises ``ActualValue.DoesNotExist``, ``ValueError``
    for an empty reason, and :class:`ActualConflict` when ``expected_version``
    is given and differs."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a return needs a reason")
    actual = _locked_value(actual_id, expected_version)
    if actual.status != db.ActualValue.DRAFT:
        return False
    _record_status(actual, db.ActualChange.RETURN, who, db.ActualValue.RETURNED, reason)
    actual.status = db.ActualValue.RETURNED
    actual.version += 1
    actual.save()
    return True
