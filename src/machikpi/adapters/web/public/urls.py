"""URLs of the public part (filled in by its views)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "public"
urlpatterns: list[URLPattern | URLResolver] = []
