"""``machikpi report`` and ``machikpi demo``: evaluate the stored plans and write the report.

``report [--municipality NAME|CODE] [--plan DOC]... [--year FY] [--rules NAME|PATH] -o FILE.html|FILE.pdf|FILE.xlsx [--database URL]``:
the report of one municipality's plans (``--municipality`` may be left out
when one is stored; with several, a Japanese error lists them), or of some of
them (``--plan``); the year defaults to the latest fiscal year with an approved actual value;
the format follows the suffix of ``-o`` (:mod:`.reports.documents`); the
committee's comments of the year and each plan's stored audit go into it.

``demo [--out DIR] [--no-serve] [--port N]``: the main job end to end on the
bundled samples — a new SQLite database ``DIR/machikpi.db``, the five sample
plans imported (their municipalities as the reader proposes them, the
documents that name none given theirs from :data:`machikpi.samples.SEED_MUNICIPALITIES`),
the invented actual values of ``samples/demo_actuals.csv``
(架空のデモ用データ) loaded, both demo years evaluated, one report per
municipality written (``DIR/report-CODE.html``; ``DIR/report.html`` is the
first municipality's) and a one-screen summary printed; then the web application serves
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
    from ..storage.municipalities import choose_owner, owner_label

    year = evaluation_year(args.year)
    owner = choose_owner(args.municipality)
    ruleset = load_ruleset(args.rules)
    report = make_report(year, ruleset, args.rules, municipality=owner, plans=args.plan)
    write_document(report, args.output)
    print(f"{args.output}: report of {owner_label(owner)} for {report.year_label}, rule set {ruleset.name}")
    for line in summary_lines(report):
        print(line)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Run ``machikpi demo`` (see the module docstring)."""
    from ...samples import ROOT, SEED_MUNICIPALITIES, SEEDS
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
    from ..storage import models as db

    for seed in SEEDS:  # a sample whose text names no municipality: the demo knows whose it is
        if db.Plan.objects.filter(doc=seed.name, municipality=None).exists():
            name = SEED_MUNICIPALITIES[seed.name]
            _step(f"{seed.name}: the document names no municipality; the demo sets {name}")
            store_documents([seed], warn=warnings.append, municipality=name)
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
    from ..storage.municipalities import owner_docs

    owners = list(db.Municipality.objects.filter(plans__isnull=False).distinct())
    for owner in owners:  # every evaluation is of one municipality's plans
        _step(f"evaluating 2024年度 of {owner.name} with the rule set {ruleset.name}")
        evaluate_year(2024, ruleset, docs=owner_docs(owner))
    print(f"\n{len(owners)} municipalities; one report each (架空のデモ用データ):")
    first = True
    for owner in owners:
        _step(f"evaluating 2025年度 of {owner.name} with the rule set {ruleset.name}")
        report = make_report(2025, ruleset, args.rules, municipality=owner, demo_data=True)
        path = out / f"report-{owner.code or owner.pk}.html"
        write_document(report, path)
        if first:
            write_document(report, out / "report.html")
            first = False
        print(f"report: {path.resolve()} — {owner.label} {report.year_label}（{ruleset.name}）")
        for line in summary_lines(report):
            print(line)
    print(f"database: {db_file.resolve()}")
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
    p = sub.add_parser("report", help="evaluate one municipality's stored plans and write the report")
    p.add_argument(
        "--municipality",
        metavar="NAME|CODE",
        help="the municipality (name, 都道府県+name or 6-digit code); needed when several are stored",
    )
    p.add_argument(
        "--plan", action="append", metavar="DOC", help="only this plan document of it (repeatable)"
    )
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
