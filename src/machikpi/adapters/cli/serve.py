"""``machikpi serve [--database URL] [--host H] [--port N]``: run the web application
(:func:`machikpi.adapters.web.serve.serve`, whose docstring says how to put it behind HTTPS)."""

from __future__ import annotations

import argparse
from typing import Any

from ..web.serve import DEFAULT_HOST, DEFAULT_PORT, serve


def cmd_serve(args: argparse.Namespace) -> int:
    """Run ``machikpi serve``."""
    serve(args.database, args.host, args.port, worker=args.worker)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run ``machikpi worker``: build queued report documents until interrupted."""
    from ..django_settings import setup

    setup(args.database)
    from ..services.documents import run_pending, run_worker

    if args.batch:
        run_pending()
    else:
        print("machikpi: report worker running (Ctrl+C to stop)", flush=True)
        run_worker()
    return 0


def add_parser(sub: Any) -> None:
    """Register ``serve`` on the main parser's subparsers."""
    p = sub.add_parser(
        "serve",
        help="run the web application (public site, staff area, API)",
        description="Serve the web application with Waitress. For HTTPS, run it behind a reverse proxy "
        "that terminates HTTPS and sends X-Forwarded-Proto and X-Forwarded-For, and set "
        "MACHIKPI_HTTPS_PROXY to the proxy's address (e.g. 127.0.0.1): Secure cookies, HSTS and the "
        "redirect to HTTPS follow.",
    )
    p.add_argument("--database", metavar="URL", help="default: $MACHIKPI_DATABASE_URL, else ./machikpi.db")
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument(
        "--no-worker",
        dest="worker",
        action="store_false",
        help="do not build report documents in this process (run `machikpi worker` instead)",
    )
    p.set_defaults(func=cmd_serve)

    w = sub.add_parser(
        "worker",
        help="build the queued report documents (PDF, XLSX, HTML) in the background",
        description="`machikpi serve` runs a worker in its own process; run this instead with "
        "`serve --no-worker`, e.g. several server processes on PostgreSQL.",
    )
    w.add_argument("--database", metavar="URL", help="default: $MACHIKPI_DATABASE_URL, else ./machikpi.db")
    w.add_argument("--batch", action="store_true", help="build what is queued, then exit")
    w.set_defaults(func=cmd_worker)
