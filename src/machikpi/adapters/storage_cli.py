"""The storage subcommands of ``machikpi``: ``import`` and ``actuals template|import|export|history``.

Each takes ``--database URL`` (default ``$MACHIKPI_DATABASE_URL``, else
``machikpi.db`` in the current directory; see
:mod:`machikpi.adapters.django_settings`); the tables are created or
updated on first use. Registered in :func:`machikpi.adapters.cli.build_parser`
by :func:`add_parsers`.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.reader import read_plan
from .django_settings import setup
from .textfiles import read_source

if TYPE_CHECKING:
    from .actual_entry import Checked, Entry, Table


def _database_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--database",
        metavar="URL",
        help="sqlite:///FILE or postgresql://USER@HOST:PORT/DB "
        "(default: $MACHIKPI_DATABASE_URL, else machikpi.db in the current directory)",
    )


def add_parsers(sub: Any) -> None:
    """Add ``import`` and ``actuals`` to ``sub`` (the ``add_subparsers()`` of the main parser)."""
    p = sub.add_parser("import", help="store plan documents in the database (again: update, keeping actuals)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    _database_option(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("actuals", help="actual values (実績値): entry workbook, import, history")
    actuals = p.add_subparsers(dest="actuals_command", required=True)

    t = actuals.add_parser("template", help="write an entry workbook (.xlsx) for a fiscal year")
    t.add_argument(
        "--year", type=int, required=True, metavar="FY", help="fiscal year (年度), Western, e.g. 2024"
    )
    t.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlsx")
    t.add_argument("--plan", action="append", metavar="DOC", help="only this plan document (repeatable)")
    _database_option(t)
    t.set_defaults(func=cmd_template)

    i = actuals.add_parser("import", help="store the values of a filled entry workbook or CSV")
    i.add_argument(
        "file", type=Path, metavar="FILE", help=".xlsx (the template) or .csv with the same header"
    )
    i.add_argument("--user", help="who enters the values (default: the login name)")
    i.add_argument("--year", type=int, metavar="FY", help="the year of rows that give none")
    i.add_argument("--draft", action="store_true", help="store as draft (default: approved)")
    _database_option(i)
    i.set_defaults(func=cmd_actuals_import)

    x = actuals.add_parser(
        "export", help="write the stored plans with their actuals as KPI rows (JSON Lines)"
    )
    x.add_argument("-o", "--output", type=Path, help="output file (default: standard output)")
    x.add_argument("--plan", action="append", metavar="DOC", help="only this plan document (repeatable)")
    x.add_argument("--drafts", action="store_true", help="include values still in draft")
    _database_option(x)
    x.set_defaults(func=cmd_export)

    h = actuals.add_parser("history", help="print the change history of actual values")
    h.add_argument("--plan", metavar="DOC", help="only this plan document")
    _database_option(h)
    h.set_defaults(func=cmd_history)


def _stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def store_documents(paths: Sequence[Path], *, warn: Callable[[str], None] = _stderr) -> list[str]:
    """Read every document, then store them all in one transaction (Django
    must be set up). Returns one summary line per document; the importer's
    and the storage's warnings go to ``warn``. Raises :class:`MachikpiError`
    for a document that cannot be read (then nothing is stored)."""
    from django.db import transaction

    from ..core.audit import audit_plan
    from ..core.audit.period import infer_period, period_from_text
    from .storage.plans import store_audit, store_plan

    plans = []
    audits = []
    for p in paths:
        source = read_source(p)
        plan = read_plan(source)
        period = period_from_text(source.lines) or infer_period(plan)
        plans.append(plan)
        audits.append((period, audit_plan(plan, period=period)))
    with transaction.atomic():
        results = [store_plan(plan) for plan in plans]
        for r, (period, findings) in zip(results, audits, strict=True):
            store_audit(r.plan_id, findings, period)
    lines: list[str] = []
    for plan, r, (_, findings) in zip(plans, results, audits, strict=True):
        verb = "stored" if r.created else "updated"
        lines.append(
            f"{r.doc}: {verb}: {r.indicators_new} new and {r.indicators_updated} known indicators "
            f"({r.series} series), {r.indicators_missing} no longer in the document; "
            f"audit: {len(findings)} findings (`machikpi audit {r.doc}`)"
        )
        for w in plan.warnings:
            warn(str(w))
        for msg in r.warnings:
            warn(msg)
    return lines


def cmd_import(args: argparse.Namespace) -> int:
    """``machikpi import FILE...``: read every document first, then store all in one transaction."""
    for p in args.files:  # an unreadable file is reported before the database is opened
        read_source(p)
    setup(args.database)
    for line in store_documents(args.files):
        print(line)
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    """``machikpi actuals template --year FY -o FILE.xlsx``."""
    setup(args.database)
    from .actual_entry import write_template
    from .storage.actuals import series_info

    infos = series_info(args.year, plans=args.plan, include_missing=False)
    if not infos:
        print("warning: no indicators are stored; run `machikpi import FILE` first", file=sys.stderr)
    n = write_template(infos, args.year, args.output)
    print(f"{args.output}: {n} rows for {args.year}年度")
    return 0


def validate_stored(table: Table, *, default_year: int | None = None) -> Checked:
    """:func:`~machikpi.adapters.actual_entry.validate` an entry table against
    the stored series (Django must be set up; the stored series, cells and
    values are read once, in a fixed number of queries, for every year the
    table names). Used by ``actuals import`` and the web upload."""
    from .actual_entry import validate
    from .storage.actuals import SeriesInfo, StoredSeries

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

    from .storage.actuals import record_actual

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

    from .actual_entry import EntryErrors, read_table
    from .storage.models import ActualValue

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


def cmd_actuals_import(args: argparse.Namespace) -> int:
    """``machikpi actuals import FILE``: validate everything, store nothing on any error."""
    from .actual_entry import read_table

    read_table(args.file)  # an unreadable file is reported before the database is opened
    setup(args.database)
    who = args.user or getpass.getuser()
    print(import_actual_file(args.file, who=who, default_year=args.year, draft=args.draft))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """``machikpi actuals export [-o ROWS.jsonl]``: KPI rows for ``machikpi evaluate``."""
    setup(args.database)
    from .storage.export import kpi_rows

    rows = kpi_rows(plans=args.plan, drafts=args.drafts)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """``machikpi actuals history``: one line per change, oldest first."""
    setup(args.database)
    from .storage.models import ActualChange

    qs = ActualChange.objects.select_related("actual__series__indicator__plan").order_by("at", "id")
    if args.plan:
        qs = qs.filter(actual__series__indicator__plan__doc=args.plan)
    for c in qs:
        s = c.actual.series
        name = s.indicator.name + (f" [{s.group}]" if s.group else "")
        old = c.old_raw if c.old_raw is not None else "-"
        print(
            f"{c.at:%Y-%m-%d %H:%M} {c.who}: {s.indicator.plan.doc} 「{name}」 {c.actual.year}年度: "
            f"{old} → {c.new_raw} ({c.new_status}){' ' + c.note if c.note else ''}"
        )
    return 0
