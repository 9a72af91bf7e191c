"""Validating and recording entered actual values (実績値).

The entry table (a workbook or CSV read by :mod:`machikpi.adapters.actual_entry`,
or the web form's values) is checked against the stored series
(:func:`validate_stored`), then recorded with its history all or nothing
(:func:`record_entries`). ``machikpi actuals import``, the staff upload and
the API use these.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..actual_entry import Checked, Entry, Table


def _stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def validate_stored(table: Table, *, default_year: int | None = None) -> Checked:
    """:func:`~machikpi.adapters.actual_entry.validate` an entry table against
    the stored series (Django must be set up; the stored series, cells and
    values are read once, in a fixed number of queries, for every year the
    table names). Used by ``actuals import`` and the web upload."""
    from ..actual_entry import validate
    from ..storage.actuals import SeriesInfo, StoredSeries

    stored = StoredSeries()  # every series, cell and entered value: read once, a few queries
    cache: dict[int, dict[int, SeriesInfo]] = {}

    def lookup(year: int) -> dict[int, SeriesInfo]:
        if year not in cache:
            cache[year] = {i.series_id: i for i in stored.for_year(year)}
        return cache[year]

    return validate(table, lookup, default_year=default_year)


def record_entries(
    entries: Sequence[Entry],
    *,
    who: str,
    status: str,
    source: str,
    versions: Mapping[tuple[int, int], int] | None = None,
) -> dict[str, int]:
    """Record every validated entry (:func:`~machikpi.adapters.storage.actuals.record_actual`)
    in one transaction: all or nothing. ``versions`` maps ``(series id, year)``
    to the version the user was shown (conflict detection, the web upload).
    Returns the count of each outcome (``create``, ``update``, ``same``);
    raises what ``record_actual`` raises, after rolling everything back."""
    from django.db import transaction

    from ..storage.actuals import record_actual

    counts = {"create": 0, "update": 0, "same": 0}
    with transaction.atomic():
        for e in entries:
            outcome = record_actual(
                e.series_id,
                e.year,
                value=e.value,
                raw=e.raw,
                note=e.note,
                who=who,
                status=status,
                source=source,
                expected_version=None if versions is None else versions[(e.series_id, e.year)],
            )
            counts[outcome.action] += 1
    return counts


def import_actual_file(
    path: Path,
    *,
    who: str,
    default_year: int | None = None,
    draft: bool = False,
    warn: Callable[[str], None] = _stderr,
) -> str:
    """Validate an entry file (:mod:`machikpi.adapters.actual_entry`) and store
    its values with their history, all or nothing (Django must be set up).
    Returns a summary line; warnings go to ``warn``. Raises
    :class:`~machikpi.adapters.actual_entry.EntryErrors` listing every error
    (nothing stored) or :class:`~machikpi.adapters.actual_entry.EntryFileError`."""

    from ..actual_entry import EntryErrors, read_table
    from ..storage.models import ActualValue

    table = read_table(path)
    checked = validate_stored(table, default_year=default_year)
    for w in checked.warnings:
        warn(str(w))
    if checked.errors:
        raise EntryErrors(table.file, checked.errors)
    status = ActualValue.DRAFT if draft else ActualValue.APPROVED
    counts = record_entries(checked.entries, who=who, status=status, source=table.file)
    return (
        f"{table.file}: {counts['create']} new, {counts['update']} changed, "
        f"{counts['same']} unchanged actual value(s) ({status}, by {who})"
    )
