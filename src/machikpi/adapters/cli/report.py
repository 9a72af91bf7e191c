"""``machikpi report`` and ``machikpi demo``: evaluate the stored plans and write the report.

``report [--year FY] [--rules NAME|PATH] -o FILE.html|FILE.pdf|FILE.xlsx [--database URL]``:
the year defaults to the latest fiscal year with an approved actual value;
the format follows the suffix of ``-o`` (:mod:`.reports.documents`); the
committee's comments of the year and each plan's stored audit go into it.

``demo [--out DIR] [--no-serve] [--port N]``: the main job end to end on the
bundled samples — a new SQLite database ``DIR/machikpi.db``, the five sample
plans imported, the invented actual values of ``samples/demo_actuals.csv``
(架空のデモ用データ) loaded, both demo years evaluated, ``DIR/report.html``
written and a one-screen summary printed; then the web application serves
the demo database on 127.0.0.1:8000 until stopped, unless ``--no-serve``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..rulesets import DEFAULT_RULES, load_ruleset


def _step(message: str) -> None:
    print(f"  … {message}", flush=True)


def cmd_report(args: argparse.Namespace) -> int:
    """Run ``machikpi report``."""
    from ..django_settings import setup
    from ..reports.documents import document_format, write_document

    document_format(args.output)  # an unknown suffix fails before anything is evaluated
    setup(args.database)
    from ..services.evaluation import evaluation_year
    from ..services.reports import make_report, summary_lines

    year = evaluation_year(args.year)
    ruleset = load_ruleset(args.rules)
    report = make_report(year, ruleset, args.rules)
    write_document(report, args.output)
    print(f"{args.output}: report for {report.year_label}, rule set {ruleset.name}")
    for line in summary_lines(report):
        print(line)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Run ``machikpi demo`` (see the module docstring)."""
    from ...samples import ROOT, SEEDS
    from ..django_settings import setup

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    db_file = out / "machikpi.db"
    if db_file.exists():
        db_file.unlink()
    print(f"machikpi demo → {out}/")
    _step(f"creating a new database {db_file}")
    db_url = setup(f"sqlite:///{db_file.resolve()}")
    from ..services.entries import import_actual_file
    from ..services.plans import store_documents

    warnings: list[str] = []
    _step(f"importing {len(SEEDS)} sample plans")
    for line in store_documents(SEEDS, warn=warnings.append):
        _step(line)
    _step(
        f"{len(warnings)} importer warnings (recovered headings, OCR repairs): `machikpi extract` lists them"
    )
    _step("loading the invented actual values (架空のデモ用データ) for FY2024 and FY2025")
    _step(import_actual_file(ROOT / "demo_actuals.csv", who="demo", warn=warnings.append))
    from ..demo_staff import add_demo_comments, login_lines, setup_demo_staff
    from ..reports.documents import write_document
    from ..services.evaluation import evaluate_year
    from ..services.reports import make_report, summary_lines

    _step("creating the demo departments, their indicators and the demo staff logins")
    logins = setup_demo_staff()
    _step(f"{add_demo_comments(2025)} committee comments for 2025年度 (架空のデモ用コメント)")
    ruleset = load_ruleset(args.rules)
    # The earlier year is evaluated and stored (grade history); only the latest is reported.
    _step(f"evaluating 2024年度 with the rule set {ruleset.name}")
    evaluate_year(2024, ruleset)
    _step(f"evaluating 2025年度 with the rule set {ruleset.name}")
    report = make_report(2025, ruleset, args.rules, demo_data=True)
    path = out / "report.html"
    write_document(report, path)
    print(f"\nreport: {path.resolve()}")
    print(f"database: {db_file.resolve()}")
    print(f"{report.year_label} の評価（{ruleset.name}、架空のデモ用データ）:")
    for line in summary_lines(report):
        print(line)
    print("\nstaff area /staff/ — demo logins (user / password, for this demo only):")
    for line in login_lines(logins):
        print(line)
    if args.serve:
        from ..web.serve import serve

        print()
        serve(db_url, args.host, args.port)
    return 0


def add_parsers(sub: Any) -> None:
    """Register ``report`` and ``demo`` on the main parser's subparsers."""
    p = sub.add_parser("report", help="evaluate the stored plans and write the evaluation report")
    p.add_argument("--year", type=int, metavar="FY", help="fiscal year (default: latest with actual values)")
    p.add_argument(
        "--rules", default=DEFAULT_RULES, metavar="NAME|PATH", help=f"rule set (default {DEFAULT_RULES})"
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="FILE",
        help="report file; the format follows the suffix: .html, .pdf (A4) or .xlsx",
    )
    p.add_argument("--database", metavar="URL", help="default: $MACHIKPI_DATABASE_URL, else ./machikpi.db")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("demo", help="the main job on the bundled sample plans, end to end")
    p.add_argument(
        "--out", type=Path, default=Path("demo"), metavar="DIR", help="output folder (default ./demo)"
    )
    p.add_argument("--rules", default=DEFAULT_RULES, metavar="NAME|PATH")
    p.add_argument(
        "--no-serve",
        dest="serve",
        action="store_false",
        help="build the demo database and report, then exit (default: serve it on 127.0.0.1:8000)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
    p.set_defaults(func=cmd_demo)
