"""Static Django settings for type checking only (the django-stubs mypy plugin reads them).

At run time machikpi configures Django in code
(:func:`machikpi.adapters.django_settings.setup`); this module names the same
app so that mypy knows the models' fields and relations. It opens no database.
"""

from __future__ import annotations

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "machikpi.adapters.storage",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
SECRET_KEY = "type-checking-only"
