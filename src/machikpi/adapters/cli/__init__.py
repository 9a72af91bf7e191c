"""The ``machikpi`` command line: one module per command group.

``extract`` (:mod:`.extract`), ``import`` and ``actuals`` (:mod:`.storage`),
``evaluate``, ``audit``, ``report`` and ``demo`` (:mod:`.report`), ``serve``,
``token`` and ``user``. Each module reads its arguments, calls the service
layer (:mod:`machikpi.adapters.services`) or the core, and prints; no
adapter imports a command module.

Every error a user can cause ends with one line naming the file (and line,
where known) on standard error and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ...core.errors import MachikpiError
from . import audit, evaluate, extract, report, serve, storage, tokens, users

EXIT_USAGE = 2
#: Exit code when the database stayed locked by another writer (sysexits EX_TEMPFAIL: try again).
EXIT_BUSY = 75


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="machikpi", description="Run a municipality's plan: 総合計画・総合戦略の KPI 管理"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    extract.add_parser(sub)
    storage.add_parsers(sub)
    evaluate.add_parser(sub)
    audit.add_parser(sub)
    report.add_parsers(sub)
    serve.add_parser(sub)
    tokens.add_parser(sub)
    users.add_parser(sub)
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
        from ..django_settings import BUSY_MESSAGE, database_busy

        if not database_busy(e):
            raise
        print(f"machikpi: error: {BUSY_MESSAGE} ({e}; nothing was changed)", file=sys.stderr)
        return EXIT_BUSY
