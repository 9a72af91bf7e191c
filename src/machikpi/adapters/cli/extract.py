"""``machikpi extract FILE... [--format kpi-rows|opinion-rows|json] [-o OUT] [--trace]``.

Reads every document that can be read (text or PDF) with the general reader
and writes its KPI rows, opinion rows or structured plan; a document that
cannot be read is named on standard error and the exit code is 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from ...core.reader import read
from ...core.rows import kpi_rows, opinion_rows
from ..plan_json import plan_to_json
from ..services.plans import read_each
from ..textfiles import read_source

EXIT_USAGE = 2


def _write_jsonl(rows: Sequence[Mapping[str, Any]], out: TextIO) -> None:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


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


def add_parser(sub: Any) -> None:
    """Register ``extract`` on the main parser's subparsers."""
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
