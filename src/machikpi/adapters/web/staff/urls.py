"""URLs of the staff part (filled in by its views)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "staff"
urlpatterns: list[URLPattern | URLResolver] = []
