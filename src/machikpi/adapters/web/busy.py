"""A database that stayed locked by another writer: a 503 "try again", never a bare 500.

With SQLite, writers queue for the lock (:mod:`machikpi.adapters.django_settings`);
when one waited longer than the timeout, the request ends here: a 503 with a
``Retry-After`` header and a Japanese message (JSON ``{"detail": …}`` under
``/api/``, a small page otherwise). Nothing was written: the transaction that
could not get the lock was rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from django.http import HttpRequest, HttpResponse, JsonResponse

from ..django_settings import BUSY_MESSAGE, database_busy

#: Seconds the client is asked to wait before trying again.
RETRY_AFTER = 5


def busy_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer (module docstring)."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": BUSY_MESSAGE}, status=503)
    else:
        page = (
            '<!doctype html><html lang="ja"><head><meta charset="utf-8">'
            "<title>しばらくしてからお試しください</title></head><body>"
            f"<h1>しばらくしてからお試しください</h1><p>{escape(BUSY_MESSAGE)}</p>"
            "<p>入力した内容は保存されていません。前の画面に戻って、もう一度送信してください。</p>"
            "</body></html>"
        )
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class BusyDatabaseMiddleware:
    """Turns a "database is locked" error of a view into :func:`busy_response`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Pass the request on (exceptions are handled by :meth:`process_exception`)."""
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """The 503 for a busy database; ``None`` (Django's usual handling) otherwise."""
        return busy_response(request) if database_busy(exception) else None
