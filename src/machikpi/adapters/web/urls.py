"""Root URLs: the public site at ``/``, the staff area at ``/staff/``, the API at
``/api/``, Django's admin at ``/admin/`` (planning users manage staff accounts
and departments there), and ``/i18n/setlang/`` to switch language."""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("machikpi.adapters.web.api.urls")),
    path("staff/", include("machikpi.adapters.web.staff.urls")),
    path("", include("machikpi.adapters.web.public.urls")),
]
