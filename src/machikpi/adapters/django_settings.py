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

SQLite under concurrent writers (the web server's threads, a CLI import
while the server runs): every transaction starts ``IMMEDIATE`` (it takes the
write lock when it begins, so two transactions never both read and then
fail to upgrade to writing) and waits up to :data:`SQLITE_TIMEOUT` seconds
for the lock (Django's ``transaction_mode`` and ``timeout`` options), so
writers queue instead of failing. A wait that times out raises
``OperationalError: database is locked``; :func:`database_busy` recognises
it, and the web application answers it with a 503 "try again" page
(:mod:`machikpi.adapters.web.busy`), the command line with a message.
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
#: Seconds a SQLite transaction waits for another writer's lock before giving up.
SQLITE_TIMEOUT = 30.0
#: The message for a database that stayed busy (locked by another writer) too long.
BUSY_MESSAGE = "データベースがほかの処理で使用中です。しばらく待ってから、もう一度お試しください。"

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
        return _sqlite(Path(url))
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///rel.db → "rel.db"; sqlite:////abs.db → "/abs.db"
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise DatabaseConfigError(f"database URL {url!r} names no SQLite file")
        return _sqlite(Path(path))
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


def _sqlite(path: Path) -> dict[str, Any]:
    """The settings of the SQLite file ``path`` (concurrent writers: module docstring)."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path.resolve()),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": SQLITE_TIMEOUT},
    }


def database_busy(error: BaseException) -> bool:
    """Whether ``error`` is a database that stayed locked by another writer
    (SQLite's ``database is locked`` after :data:`SQLITE_TIMEOUT`)."""
    from django.db import OperationalError

    text = str(error).lower()
    return isinstance(error, OperationalError) and ("database is locked" in text or "table is locked" in text)


#: Django apps, the same for the command line and the web application (one schema).
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    # background report documents (:mod:`.services.documents`): the backport of Django 6's
    # tasks framework and its database backend (the queue is a table of the same database)
    "django_tasks",
    "django_tasks_db",
    "machikpi.adapters.storage",
    "machikpi.adapters.web",
]


def django_settings(url: str) -> dict[str, Any]:
    """Every Django setting machikpi uses, for the database ``url``.

    The web settings (templates, middleware, static files, languages) are
    those of :mod:`machikpi.adapters.web.config`; ``SECRET_KEY`` comes from
    :func:`secret_key`."""
    from .web.config import web_settings

    return {
        "DATABASES": {"default": database_settings(url)},
        "INSTALLED_APPS": INSTALLED_APPS,
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "USE_TZ": True,
        "TIME_ZONE": "Asia/Tokyo",
        "LANGUAGE_CODE": "ja",
        "SECRET_KEY": secret_key(),
        "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        **web_settings(),
    }


#: Environment variable holding the web application's secret key.
SECRET_ENV_VAR = "MACHIKPI_SECRET_KEY"


def secret_key() -> str:
    """Django's ``SECRET_KEY``: ``$MACHIKPI_SECRET_KEY``, else the key kept in
    ``$XDG_DATA_HOME/machikpi/secret_key`` (default ``~/.local/share``),
    made once with :func:`secrets.token_urlsafe` and written with mode 0600.

    Sessions and password-reset links stay valid across restarts because the
    key is kept; a machine whose home cannot be written gets a key for this
    process only (sessions end when it stops)."""
    import secrets

    key = os.environ.get(SECRET_ENV_VAR)
    if key:
        return key
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "machikpi"
    path = base / "secret_key"
    try:
        if path.exists():
            return path.read_text(encoding="ascii").strip()
        base.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key)
        return key
    except OSError:
        return secrets.token_urlsafe(50)


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
            settings.configure(**django_settings(url))
        django.setup()
        _configured_url = url
    elif url != _configured_url:
        raise DatabaseConfigError(
            f"this process already uses the database {_safe(_configured_url)}; cannot switch to {_safe(url)}"
        )
    if migrate and not _migrated:
        from django.db import DatabaseError

        try:
            _migrate()
        except DatabaseError as e:
            if database_busy(e):
                raise
            raise DatabaseConfigError(f"cannot use the database {_safe(url)}: {e}".strip()) from e
        _migrated = True
    return url


#: The PostgreSQL advisory lock key machikpi holds while it migrates (any fixed number).
_MIGRATE_LOCK = 0x6D6B7069  # "mkpi"


def _migrate() -> None:
    """Bring the tables up to date, one process at a time.

    Two commands started at once on a new database (two imports) would both
    plan the same migrations and the second would fail on a table the first
    just made. So the migrations run under a lock: on SQLite one
    ``IMMEDIATE`` transaction around them all (SQLite changes its schema in
    transactions; foreign key checks are switched off first, as Django's
    SQLite schema editor requires, and the plan is made inside, after the
    lock), on PostgreSQL an advisory lock. When nothing is to be migrated,
    no lock is taken (a command never waits behind another's long import)."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    if connection.vendor == "sqlite":
        connection.disable_constraint_checking()
        try:
            with transaction.atomic():
                call_command("migrate", verbosity=0, interactive=False)
        finally:
            connection.enable_constraint_checking()
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [_MIGRATE_LOCK])
        try:
            call_command("migrate", verbosity=0, interactive=False)
        finally:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s)", [_MIGRATE_LOCK])
        return
    call_command("migrate", verbosity=0, interactive=False)


def _safe(url: str) -> str:
    """``url`` with any password replaced by ``***`` (for messages)."""
    parts = urlsplit(url) if "://" in url else None
    if parts is None or not parts.password:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)
