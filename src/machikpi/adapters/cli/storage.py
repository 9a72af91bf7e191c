"""The storage subcommands of ``machikpi``: ``import`` and ``actuals template|import|export|history``.

Each takes ``--database URL`` (default ``$MACHIKPI_DATABASE_URL``, else
``machikpi.db`` in the current directory; see
:mod:`machikpi.adapters.django_settings`); the tables are created or
updated on first use. The work is done by the service layer
(:mod:`machikpi.adapters.services`); this module only reads the arguments
and prints.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from ..django_settings import setup
from ..services.entries import import_actual_file
from ..services.plans import store_documents
from ..textfiles import read_source
from .options import database_option as _database_option


def add_parsers(sub: Any) -> None:
    """Add ``import`` and ``actuals`` to ``sub`` (the ``add_subparsers()`` of the main parser)."""
    p = sub.add_parser("import", help="store plan documents in the database (again: update, keeping actuals)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument(
        "--municipality",
        metavar="NAME|CODE",
        help="the municipality owning the plans (default: the one each document names in its title/text)",
    )
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
    t.add_argument(
        "--municipality",
        metavar="NAME|CODE",
        help="the municipality whose plans the workbook lists (needed when several are stored)",
    )
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


def cmd_import(args: argparse.Namespace) -> int:
    """``machikpi import FILE...``: read every document first, then store all in one transaction."""
    for p in args.files:  # an unreadable file is reported before the database is opened
        read_source(p)
    setup(args.database)
    for line in store_documents(args.files, municipality=args.municipality):
        print(line)
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    """``machikpi actuals template --year FY -o FILE.xlsx``."""
    setup(args.database)
    from ..actual_entry import write_template
    from ..storage.actuals import series_info
    from ..storage.municipalities import choose_owner, owner_docs

    docs = owner_docs(choose_owner(args.municipality), args.plan) if db_has_plans() else args.plan
    infos = series_info(args.year, plans=docs, include_missing=False)
    if not infos:
        print("warning: no indicators are stored; run `machikpi import FILE` first", file=sys.stderr)
    n = write_template(infos, args.year, args.output)
    print(f"{args.output}: {n} rows for {args.year}年度")
    return 0


def db_has_plans() -> bool:
    """Whether any plan is stored (Django set up)."""
    from ..storage.models import Plan

    return Plan.objects.exists()


def cmd_actuals_import(args: argparse.Namespace) -> int:
    """``machikpi actuals import FILE``: validate everything, store nothing on any error."""
    from ..actual_entry import read_table

    read_table(args.file)  # an unreadable file is reported before the database is opened
    setup(args.database)
    who = args.user or getpass.getuser()
    print(import_actual_file(args.file, who=who, default_year=args.year, draft=args.draft))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """``machikpi actuals export [-o ROWS.jsonl]``: KPI rows for ``machikpi evaluate``."""
    setup(args.database)
    from ..storage.export import kpi_rows

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
    from ..storage.models import ActualChange

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
