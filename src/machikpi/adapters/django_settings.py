"""Django, configured in code: the database machikpi stores plans and actual values in.

No settings file and no ``manage.py``: :func:`setup` configures Django for
one database URL and brings its tables up to date (``migrate``, quietly), so
a user never runs a separate set-up step.

Which database (first that applies):

1. the URL given to :func:`setup` (the CLI's ``--database URL``);
2. the environment variable ``MACHIKPI_DATABASE_URL``;
3. the SQLite file ``machikpi.db`` in the current directory.

URL forms (:func:`database_settings`):

* ``postgresql://user:password@host:port/dbname`` (also ``postgres://``),
  driver psycopg 3; query parameters (``?sslmode=require``,
  ``?options=-csearch_path%3Dmyschema``) are passed to the driver as they are;
* ``sqlite:///relative/file.db``, ``sqlite:////absolute/file.db``;
* a plain file path (``data/kpi.db``) is a SQLite file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ..core.errors import MachikpiError

#: Environment variable naming the database (see the module docstring).
ENV_VAR = "MACHIKPI_DATABASE_URL"
#: The SQLite file used when neither ``--database`` nor the variable is given.
DEFAULT_SQLITE_FILE = "machikpi.db"

_configured_url: str | None = None
_migrated = False


class DatabaseConfigError(MachikpiError):
    """A database URL machikpi cannot use, or a second, different database in one process."""


def default_url() -> str:
    """The database URL when none is given: ``$MACHIKPI_DATABASE_URL``, else
    ``machikpi.db`` in the current directory."""
    return os.environ.get(ENV_VAR) or DEFAULT_SQLITE_FILE


def database_settings(url: str) -> dict[str, Any]:
    """Django's ``DATABASES["default"]`` for ``url`` (forms in the module docstring).

    Raises :class:`DatabaseConfigError` for a scheme other than SQLite or PostgreSQL."""
    if "://" not in url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(url).resolve())}
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///rel.db → "rel.db"; sqlite:////abs.db → "/abs.db"
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise DatabaseConfigError(f"database URL {url!r} names no SQLite file")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(path).resolve())}
    if scheme in ("postgresql", "postgres", "pgsql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise DatabaseConfigError(f"database URL {url!r} names no database")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
        }
    raise DatabaseConfigError(
        f"database URL {url!r}: only sqlite:///FILE and postgresql://USER@HOST:PORT/DB are supported"
    )


def setup(url: str | None = None, *, migrate: bool = True) -> str:
    """Configure Django for ``url`` (default :func:`default_url`) and, with
    ``migrate``, create or update the tables quietly. Returns the URL used.

    Django can be configured once per process: a second call with the same
    URL does nothing; with another URL it raises :class:`DatabaseConfigError`.
    A database that cannot be reached raises :class:`DatabaseConfigError`
    naming the URL (password left out)."""
    global _configured_url, _migrated
    import django
    from django.conf import settings

    url = url or default_url()
    if _configured_url is None:
        if not settings.configured:
            settings.configure(
                DATABASES={"default": database_settings(url)},
                INSTALLED_APPS=["machikpi.adapters.storage"],
                DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
                USE_TZ=True,
                TIME_ZONE="Asia/Tokyo",
                LANGUAGE_CODE="ja",
            )
        django.setup()
        _configured_url = url
    elif url != _configured_url:
        raise DatabaseConfigError(
            f"this process already uses the database {_safe(_configured_url)}; cannot switch to {_safe(url)}"
        )
    if migrate and not _migrated:
        from django.core.management import call_command
        from django.db import DatabaseError

        try:
            call_command("migrate", verbosity=0, interactive=False)
        except DatabaseError as e:
            raise DatabaseConfigError(f"cannot use the database {_safe(url)}: {e}".strip()) from e
        _migrated = True
    return url


def _safe(url: str) -> str:
    """``url`` with any password replaced by ``***`` (for messages)."""
    parts = urlsplit(url) if "://" in url else None
    if parts is None or not parts.password:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)
