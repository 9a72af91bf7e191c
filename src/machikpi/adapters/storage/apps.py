"""Django app configuration of machikpi's storage."""

from __future__ import annotations

from django.apps import AppConfig


class StorageConfig(AppConfig):
    """The ``machikpi`` app: every table is named ``machikpi_*``."""

    name = "machikpi.adapters.storage"
    label = "machikpi"
    verbose_name = "machikpi: 計画・指標・実績値"
    default_auto_field = "django.db.models.BigAutoField"
