"""Django app configuration of the web application."""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The ``machikpi.adapters.web`` app (templates, static files, template tags)."""

    name = "machikpi.adapters.web"
    label = "machikpi_web"
    verbose_name = "machikpi web"
