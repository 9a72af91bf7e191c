"""Response headers every page gets: a Content-Security-Policy, and no caching of staff pages.

The policy (:data:`CONTENT_SECURITY_POLICY`) allows only the site's own
files: no inline script or style, no other origin (the site serves its
styles and fonts itself, and works without JavaScript; Django's admin loads
its scripts from static files). ``img-src`` also allows ``data:`` for the
empty favicon (``<link rel="icon" href="data:,">``). A response that already
has a policy keeps it.

Staff pages (``/staff/``, ``/admin/``) and the staff API (``/api/actuals/``)
show drafts and personal data: they get ``Cache-Control: no-store`` (Django's
:func:`~django.utils.cache.add_never_cache_headers`), so neither the browser
nor a proxy keeps a copy after logout.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

#: The Content-Security-Policy of every response (module docstring).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
#: Path prefixes whose responses are never cached.
PRIVATE_PREFIXES = ("/staff/", "/admin/", "/api/actuals/")


class SecurityHeadersMiddleware:
    """Adds :data:`CONTENT_SECURITY_POLICY` and, on staff paths, ``no-store`` (module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """The view's response with the headers added."""
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        if request.path.startswith(PRIVATE_PREFIXES):
            add_never_cache_headers(response)
        return response
