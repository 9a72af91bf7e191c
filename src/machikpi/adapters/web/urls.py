"""Root URLs: the public site at ``/``, the staff area at ``/staff/``, the API at
``/api/``, Django's admin at ``/admin/`` (planning users manage staff accounts
and departments there), and ``/i18n/setlang/`` to switch language. A path that matches nothing is
Django's 404 page, or under ``/api/`` a JSON ``{"detail": …}`` as the API's
other 404s (and its OpenAPI document) say."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, include, path
from django.views.defaults import page_not_found

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("machikpi.adapters.web.api.urls")),
    path("staff/", include("machikpi.adapters.web.staff.urls")),
    path("", include("machikpi.adapters.web.public.urls")),
]


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 of a path no URL matches (module docstring)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


handler404 = not_found
