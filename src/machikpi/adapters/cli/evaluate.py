"""``machikpi evaluate ROWS.jsonl --rules NAME|PATH --year FY [-o OUT.jsonl]``.

Reads KPI rows (``docs/kpi-rows.md``) with ``actuals``, evaluates them
for one fiscal year with a rule set, and writes the same rows back with an
``evaluation`` object. Bad input raises a :class:`DocumentError` naming the
file, the line and the field (``cli.main`` prints it and exits 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from ...core.errors import DocumentError
from ...core.evaluation import TableError, evaluate, evaluation_objects, table_from_rows
from ..rulesets import load_ruleset


def read_rows(path: Path) -> tuple[list[dict[str, Any]], list[int]]:
    """The JSON objects of a JSON Lines file and their 1-based line numbers
    (blank lines skipped). Raises :class:`DocumentError` on a bad line."""
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise DocumentError(f"not UTF-8 text: {e}", doc=str(path)) from e
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise DocumentError(f"not valid JSON: {e.msg} (column {e.colno})", doc=str(path), line=n) from e
        if not isinstance(row, dict):
            raise DocumentError("a KPI row must be a JSON object", doc=str(path), line=n)
        rows.append(row)
        lines.append(n)
    return rows, lines


def evaluate_rows(
    rows: list[dict[str, Any]], rules: str, year: int, *, catalogue_directions: bool = False
) -> list[dict[str, Any]]:
    """The rows with an ``evaluation`` object for ``year`` under rule set
    ``rules`` (preset name or path); with ``catalogue_directions``, the indicator
    catalogue's usual direction where the plan does not settle it. Raises
    :class:`TableError` for a bad row."""
    ruleset = load_ruleset(rules)
    table = table_from_rows(rows, year, catalogue_directions=catalogue_directions)
    evaluations = evaluation_objects(evaluate(table, ruleset))
    return [{**row, "evaluation": ev} for row, ev in zip(rows, evaluations, strict=True)]


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Run ``machikpi evaluate``; returns the exit code."""
    rows, lines = read_rows(args.rows)
    try:
        out_rows = evaluate_rows(rows, args.rules, args.year, catalogue_directions=args.catalogue_directions)
    except TableError as e:
        line = lines[e.index] if e.index is not None else None
        raise DocumentError(e.message, doc=str(args.rows), line=line, column=e.field) from e
    out: TextIO
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        for row in out_rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def add_parser(sub: Any) -> None:
    """Register the ``evaluate`` subcommand on an argparse subparsers object."""
    p = sub.add_parser("evaluate", help="grade KPI rows with actuals for one fiscal year under a rule set")
    p.add_argument("rows", type=Path, metavar="ROWS.jsonl", help="KPI rows with actuals (JSON Lines)")
    p.add_argument(
        "--rules",
        required=True,
        metavar="NAME|PATH",
        help="preset (baseline-band, pro-rata, pace, points-7, cagr) or a rule-set TOML file",
    )
    p.add_argument("--year", required=True, type=int, metavar="FY", help="fiscal year evaluated, e.g. 2023")
    p.add_argument("-o", "--output", type=Path, help="output file (default: standard output)")
    p.add_argument(
        "--catalogue-directions",
        action="store_true",
        help="where the plan does not settle which way is good, take the indicator catalogue's usual direction"
        " (the evaluation then says 方向は指標カタログ (concept) による)",
    )
    p.set_defaults(func=cmd_evaluate)
