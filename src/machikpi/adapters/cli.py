"""The ``machikpi`` command line.

Every error a user can cause ends with one line naming the file (and line,
where known) on standard error and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from ..core.errors import MachikpiError
from ..core.model import Plan
from ..core.reader import read, read_plan
from ..core.rows import kpi_rows, opinion_rows
from . import audit_cli, evaluate_cli, report_cli, storage_cli
from .plan_json import plan_to_json
from .textfiles import read_source
from .web import serve as web_serve
from .web.api import cli as api_cli
from .web.staff import cli as staff_cli

EXIT_USAGE = 2
#: Exit code when the database stayed locked by another writer (sysexits EX_TEMPFAIL: try again).
EXIT_BUSY = 75


def _write_jsonl(rows: list[dict[str, Any]], out: TextIO) -> None:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_plans(paths: Sequence[Path]) -> list[Plan]:
    """Read every document; raises :class:`MachikpiError` on the first that fails."""
    return [read_plan(read_source(p)) for p in paths]


def read_each(paths: Sequence[Path]) -> tuple[list[Plan], list[MachikpiError]]:
    """Read every document that can be read, and the error of each that cannot."""
    plans: list[Plan] = []
    errors: list[MachikpiError] = []
    for p in paths:
        try:
            plans.append(read_plan(read_source(p)))
        except MachikpiError as e:
            errors.append(e)
    return plans, errors


def cmd_extract(args: argparse.Namespace) -> int:
    if args.trace:
        for p in args.files:
            reading = read(read_source(p))
            print(f"# {p}: what each line was taken for (kind) and where it went (→)")
            for line in reading.trace():
                print(line)
        return 0
    plans, errors = read_each(args.files)
    out: TextIO
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        if args.format == "kpi-rows":
            _write_jsonl([r for p in plans for r in kpi_rows(p)], out)
        elif args.format == "opinion-rows":
            _write_jsonl([r for p in plans for r in opinion_rows(p)], out)
        else:
            json.dump([plan_to_json(p) for p in plans], out, ensure_ascii=False, indent=1)
            out.write("\n")
    finally:
        if out is not sys.stdout:
            out.close()
    for p in plans:
        for w in p.warnings:
            print(f"warning: {w}", file=sys.stderr)
    for e in errors:
        print(f"machikpi: error: {e}", file=sys.stderr)
    return EXIT_USAGE if errors else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="machikpi", description="Run a municipality's plan: 総合計画・総合戦略の KPI 管理"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="read plan documents into KPI rows, opinion rows or a structured plan")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--format", choices=["kpi-rows", "opinion-rows", "json"], default="kpi-rows")
    p.add_argument("-o", "--output", type=Path, help="output file (default: standard output)")
    p.add_argument(
        "--trace",
        action="store_true",
        help="print, line by line, what the reader took each line for and where it went (no rows)",
    )
    p.set_defaults(func=cmd_extract)

    storage_cli.add_parsers(sub)
    evaluate_cli.add_parser(sub)
    audit_cli.add_parser(sub)
    report_cli.add_parsers(sub)
    web_serve.add_parser(sub)
    api_cli.add_parser(sub)
    staff_cli.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``machikpi`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except MachikpiError as e:
        print(f"machikpi: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as e:
        print(f"machikpi: error: {e.filename or ''}: {e.strerror or e}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as e:
        from .django_settings import BUSY_MESSAGE, database_busy

        if not database_busy(e):
            raise
        print(f"machikpi: error: {BUSY_MESSAGE} ({e}; nothing was changed)", file=sys.stderr)
        return EXIT_BUSY


if __name__ == "__main__":
    sys.exit(main())
