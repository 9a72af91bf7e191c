"""Database fixtures for the storage and actual-value tests (marked ``db``).

Which database: ``$MACHIKPI_TEST_DATABASE_URL`` when set (``make test``
sets it to the local PostgreSQL for its second run, ``pytest -m db``),
else a fresh SQLite file per test session. The tests never read
``MACHIKPI_DATABASE_URL``, so a user's own database is never touched.

On PostgreSQL the session works in a schema of its own
(``machikpi_test_<pid>``, created and dropped here) inside the given
database, so concurrent runs and other data in it are left alone. An
unreachable PostgreSQL skips the tests with a message naming it, or fails
them under ``MACHIKPI_REQUIRE_ALL=1`` (:func:`tests.conftest.require`).
Each test starts from empty tables.

Speed (issue 10): emptying the tables is a restore of a snapshot of the
emptied database (:func:`restore`), taken once per session; a fixture that
fills the database the same way for many tests (a stored plan, its actuals,
evaluations, staff) does so through :func:`populated`, which builds it once
per session and then restores a snapshot of the result for each test. A
test still gets its own copy: whatever it writes is gone by the next one.
SQLite snapshots are in-memory databases copied with SQLite's backup API;
PostgreSQL ones are tables in the session's schema copied back with
``DELETE`` and ``INSERT … SELECT`` (sequences set as they were).
"""

from __future__ import annotations

import copy
import itertools
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import pytest

from machikpi.core.model import CellStatus, Indicator, Node, Plan, Role, Series, ValueCell, YearType
from tests.conftest import require

TEST_URL_VAR = "MACHIKPI_TEST_DATABASE_URL"

T = TypeVar("T")


def _postgres_session(url: str) -> Iterator[str]:
    import psycopg

    try:
        conn = psycopg.connect(url, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as e:
        require(False, f"PostgreSQL at {url} ({str(e).strip().splitlines()[0]})")
        raise AssertionError("unreachable") from e
    schema = f"machikpi_test_{os.getpid()}"
    with conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options={quote(f'-c search_path={schema}')}"
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


#: The session's database URL once set up. Each test module imports the fixture,
#: which makes one session fixture per module; they share this one database.
_session_url: str | None = None


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The database URL of this test session (module docstring), Django set up for it."""
    global _session_url
    from machikpi.adapters.django_settings import setup

    if _session_url is not None:
        yield _session_url
        return
    url = os.environ.get(TEST_URL_VAR)
    if url and url.split("://")[0].startswith("postgres"):
        gen = _postgres_session(url)
        _session_url = next(gen)
        setup(_session_url)
        yield _session_url
        next(gen, None)
        return
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'machikpi-test.db'}"
    setup(url)
    _session_url = url
    yield url


@pytest.fixture
def db(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Empty tables for one test; returns the URL to pass as ``--database``."""
    monkeypatch.delenv("MACHIKPI_DATABASE_URL", raising=False)
    empty_tables()
    return database_url


def empty_tables() -> None:
    """Empty every table as Django's ``flush`` does (a restore of the snapshot of its result)."""
    from django.core.management import call_command

    if not restore(EMPTY):
        call_command("flush", verbosity=0, interactive=False)
        take(EMPTY)


# --- snapshots of the database (module docstring) -----------------------------------------------

#: The snapshot of the emptied tables (after ``flush``: content types and permissions only).
EMPTY = "empty"


@dataclass
class _Snapshot:
    """One stored state of the tables: an in-memory SQLite database, or (PostgreSQL) the
    SQL that puts the copied tables back; ``value``: what :func:`populated`'s build returned."""

    sqlite: sqlite3.Connection | None = None
    restore_sql: str = ""
    value: Any = None


_snapshots: dict[str, _Snapshot] = {}
#: Numbers the PostgreSQL copy tables of each snapshot taken (never one twice).
_numbers = itertools.count()


def _tables() -> list[str]:
    """The tables ``flush`` empties (every model's table; not ``django_migrations``)."""
    from django.db import connection

    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def take(name: str, value: Any = None) -> None:
    """Keep the current contents of the tables as the snapshot ``name`` (replacing one of that name)."""
    from django.db import connection

    assert not connection.in_atomic_block, "a snapshot is taken of committed data only"
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        mem = sqlite3.connect(":memory:", check_same_thread=False)
        raw.backup(mem)
        _snapshots[name] = _Snapshot(sqlite=mem, value=value)
        return
    assert connection.vendor == "postgresql", connection.vendor
    number = next(_numbers)
    tables = _tables()
    # DELETE, not TRUNCATE: on these small tables TRUNCATE costs ~0.7 s (new files for every
    # table), DELETE ~10 ms; the foreign keys are deferred to the end of the transaction.
    sql = ["SET CONSTRAINTS ALL DEFERRED"] + [f"DELETE FROM {_q(t)}" for t in tables]
    with connection.cursor() as c:
        for i, t in enumerate(tables):
            copy_name = _q(f"_snapshot_{number}_{i}")
            c.execute(f"DROP TABLE IF EXISTS {copy_name}")
            c.execute(f"CREATE TABLE {copy_name} AS SELECT * FROM {_q(t)}")
            c.execute(f"SELECT count(*) FROM {copy_name}")
            if c.fetchone()[0]:
                sql.append(f"INSERT INTO {_q(t)} SELECT * FROM {copy_name}")
            for seq in connection.introspection.get_sequences(c, t):
                c.execute(f"SELECT last_value, is_called FROM {_q(seq['name'])}")
                last, called = c.fetchone()
                sql.append(f"SELECT setval('{_q(seq['name'])}', {int(last)}, {bool(called)})")
    _snapshots[name] = _Snapshot(restore_sql=";\n".join(sql), value=value)


def restore(name: str) -> bool:
    """Put the tables back as the snapshot ``name`` had them; ``False`` when there is no such snapshot."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    snap = _snapshots.get(name)
    if snap is None:
        return False
    assert not connection.in_atomic_block, "restoring a snapshot inside a transaction"
    connection.ensure_connection()
    if snap.sqlite is not None:
        snap.sqlite.backup(connection.connection)
    else:
        with transaction.atomic(), connection.cursor() as c:
            c.execute(snap.restore_sql)
    ContentType.objects.clear_cache()
    return True


def populated(name: str, build: Callable[[], T]) -> T:
    """The database as ``build`` fills it from empty tables, built once per session (snapshot
    ``name``) and restored for each call; returns (a copy of) what ``build`` returned.

    Call it from a function-scoped fixture that depends on :func:`db` (the tables are empty),
    and make ``build`` depend on nothing of one test (use ``tmp_path_factory``, not ``tmp_path``)."""
    snap = _snapshots.get(name)
    if snap is None:
        value = build()
        take(name, copy.deepcopy(value))  # the test may change what it gets
        return value
    restore(name)
    result: T = copy.deepcopy(snap.value)
    return result


def _q(name: str) -> str:
    """A quoted SQL identifier."""
    assert '"' not in name, name
    return f'"{name}"'


def cell(value: float | None, unit: str, year: int, raw: str | None = None) -> ValueCell:
    """A printed value cell of a hand-made plan (fiscal year)."""
    if value is None:
        return ValueCell(raw=raw or "", status=CellStatus.PENDING)
    text = raw if raw is not None else f"{value:g}{unit}"
    return ValueCell(
        raw=text, status=CellStatus.VALUE, value=value, year=year, year_type=YearType.FISCAL, unit=unit
    )


def indicator(
    name: str, unit: str, *series: tuple[str | None, float, float], role: Role = Role.KPI
) -> Indicator:
    """An indicator with one series per ``(group, baseline, target)``; baseline 2019, target 2027."""
    return Indicator(
        role=role,
        name=name,
        raw_name=name.replace("数", " 数"),
        unit=unit,
        series=[
            Series(group=g, baseline=cell(b, unit, 2019), targets=[cell(t, unit, 2027)]) for g, b, t in series
        ],
    )


def hand_plan(doc: str = "hand-made-strategy.txt", *, renumber: bool = False, drop: bool = False) -> Plan:
    """A small plan of the same shape as an imported strategy (different names and numbers
    from every seed): 2 goals, 1 measure, 4 indicators, 5 series.

    ``renumber``: the measure ``1-1`` is printed as ``1-2`` (its indicators move);
    ``drop``: the indicator 観光入込客数 is left out (as if removed from the document)."""
    farm = indicator("新規就農者数", "人", (None, 12, 20))
    tourism = indicator("観光入込客数", "万人", (None, 150, 180))
    measure = Node(level="施策", code="1-2" if renumber else "1-1", title="雇用の場をつくる")
    measure.indicators = [farm] if drop else [farm, tourism]
    goal1 = Node(level="基本目標", code="1", title="しごとをつくる", children=[measure])
    goal1.indicators = [indicator("市内従業者数", "人", (None, 41000, 42500), role=Role.NUMERIC_GOAL)]
    goal2 = Node(level="基本目標", code="2", title="子育てを支える")
    goal2.indicators = [indicator("学校が楽しいと答えた割合", "%", ("小", 80.5, 85), ("中", 70.25, 75))]
    return Plan(doc=doc, title="テスト町まち・ひと・しごと創生総合戦略", layout="hand", nodes=[goal1, goal2])
