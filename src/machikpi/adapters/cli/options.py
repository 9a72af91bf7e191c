"""Options shared by several command groups."""

from __future__ import annotations

import argparse


def database_option(p: argparse.ArgumentParser) -> None:
    """Add ``--database URL`` (default ``$MACHIKPI_DATABASE_URL``, else ``./machikpi.db``) to ``p``."""
    p.add_argument(
        "--database",
        metavar="URL",
        help="sqlite:///FILE or postgresql://USER@HOST:PORT/DB "
        "(default: $MACHIKPI_DATABASE_URL, else machikpi.db in the current directory)",
    )
