"""``machikpi serve [--database URL] [--host H] [--port N]``: run the web application.

The server is Waitress (a pure-Python production WSGI server that also runs
on the Windows machines many municipalities have); static files are served by
the application itself (WhiteNoise). It serves until stopped (Ctrl+C).

HTTPS: put a reverse proxy (nginx, Apache, IIS) in front that terminates
HTTPS and forwards to this server with ``X-Forwarded-Proto`` and
``X-Forwarded-For``, and set ``MACHIKPI_HTTPS_PROXY`` to the proxy's address
(``127.0.0.1`` when it runs on the same machine). Waitress then takes the
client's address and the scheme from those headers, from that address only,
and Django sets Secure cookies, HSTS and the redirect to HTTPS
(:func:`machikpi.adapters.web.config.https_settings`).
"""

from __future__ import annotations

from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def wsgi_application(database: str | None = None) -> Any:
    """Django set up for ``database`` (default :func:`~machikpi.adapters.django_settings.default_url`),
    tables up to date, and its WSGI application."""
    from ..django_settings import setup

    setup(database)
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def serve(
    database: str | None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    threads: int = 8,
    *,
    worker: bool = True,
) -> None:
    """Serve the web application on ``host:port`` until interrupted; with ``worker``, a
    thread of this process builds the queued report documents
    (:func:`machikpi.adapters.services.documents.start_worker_thread`: no other process
    or server is needed, SQLite included)."""
    from waitress import serve as waitress_serve

    from .config import https_proxy

    app = wsgi_application(database)
    options: dict[str, Any] = {}
    proxy = https_proxy()
    if proxy is not None:
        options = {
            "trusted_proxy": proxy,
            "trusted_proxy_count": 1,
            "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
            "clear_untrusted_proxy_headers": True,
        }
        print(f"machikpi: behind the HTTPS proxy {proxy} (MACHIKPI_HTTPS_PROXY)", flush=True)
    if worker:
        from ..services.documents import start_worker_thread

        start_worker_thread()
    print(f"machikpi: serving on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="machikpi", **options)
    except KeyboardInterrupt:
        print("machikpi: stopped", flush=True)
