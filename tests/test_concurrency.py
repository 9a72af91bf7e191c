"""Concurrent writers (issue 13.2–13.4): queue, conflict or "try again", never a bare 500.

* 50 API writes to 50 different series from 10 threads at once (each thread
  its own database connection, as the web server's threads): every one 201.
* The staff form's first entry of a value that somebody stored at the same
  moment (the unique key fires): the conflict page (409), as the API.
* A database that stays locked longer than the wait: 503 with a Japanese
  message (web page and API), the CLI a message and exit code 75.
* Two ``machikpi import`` of one plan into one new SQLite file at once: both
  end well (the second waits for the first's migrations and transaction).

Data: seed 003 (伊勢崎市's strategy, 50 series) and a planning user.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from machikpi.samples import SEEDS_DIR
from tests.storage_db import database_url, empty_tables

__all__ = ["database_url"]

SEED_003 = SEEDS_DIR / "003_06b39d270299f45c.txt"


@pytest.fixture(scope="module")
def seeded(database_url: str) -> dict[str, Any]:
    """Stored once for the module; each test writes its own year (2019–2024), so they do not meet."""
    from django.contrib.auth.models import User

    from machikpi.adapters.services.plans import store_documents
    from machikpi.adapters.services.users import create_token
    from machikpi.adapters.storage import models as m

    empty_tables()
    store_documents([SEED_003], warn=lambda _m: None)
    user = User.objects.create_user("kikaku")
    m.StaffProfile.objects.create(user=user, role="planning")
    return {
        "user": user,
        "token": create_token("kikaku")[0],
        "series": list(m.Series.objects.values_list("pk", flat=True)),
    }


@pytest.mark.db
def test_fifty_concurrent_api_writes_to_different_series_all_succeed(seeded: dict[str, Any]) -> None:
    from django.db import connections
    from rest_framework.test import APIClient

    from machikpi.adapters.storage import models as m

    series = seeded["series"][:50]
    assert len(series) == 50
    start = threading.Barrier(10)

    def write(chunk: list[int]) -> list[int]:
        c = APIClient(raise_request_exception=False)
        c.credentials(HTTP_AUTHORIZATION=f"Token {seeded['token']}")
        start.wait()
        try:
            codes = []
            for sid in chunk:
                body = {"series": sid, "year": 2024, "value": "7", "version": 0, "note": "同時"}
                codes.append(c.post("/api/actuals/", body, format="json").status_code)
            return codes
        finally:
            connections.close_all()

    with ThreadPoolExecutor(10) as pool:
        codes = [code for part in pool.map(write, [series[k::10] for k in range(10)]) for code in part]
    assert codes == [201] * 50, codes
    assert m.ActualValue.objects.filter(year=2024, status="draft").count() == 50
    assert m.ActualChange.objects.filter(note="同時").count() == 50


@pytest.mark.db
def test_concurrent_first_entry_through_the_form_is_the_conflict_page(
    seeded: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other person's first value was committed after this request's read, which
    saw no value (on PostgreSQL both read nothing and both insert; SQLite serialises
    the writers): record_actual's insert hits the unique key."""
    from django.db import transaction
    from django.test import Client

    from machikpi.adapters.storage import actuals
    from machikpi.adapters.storage import models as m

    sid = seeded["series"][0]
    with transaction.atomic():  # the other person's first value, committed
        actuals.record_actual(sid, 2023, value=5, raw="5", note="先", who="other", status="draft")
    real = actuals._locked
    calls = {"n": 0}

    def read_then_other_writes(series: Any, year: int) -> Any:
        calls["n"] += 1
        return None if calls["n"] == 1 else real(series, year)  # the first read: before the other commit

    monkeypatch.setattr(actuals, "_locked", read_then_other_writes)
    c = Client(raise_request_exception=False)
    c.force_login(seeded["user"])
    r = c.post(f"/staff/values/{sid}/2023/", {"value": "6", "note": "後", "version": "0"})
    assert r.status_code == 409, r.status_code
    html = r.content.decode()
    assert "other" in html and "6" in html
    stored = m.ActualValue.objects.get(series_id=sid, year=2023)
    assert (stored.raw, stored.entered_by, stored.version) == ("5", "other", 1)
    assert m.ActualChange.objects.filter(actual=stored).count() == 1  # the second write stored nothing


@pytest.mark.db
def test_a_version_that_was_never_stored_is_a_conflict_not_a_first_entry(seeded: dict[str, Any]) -> None:
    from django.test import Client

    from machikpi.adapters.storage import models as m

    sid = seeded["series"][2]
    c = Client(raise_request_exception=False)
    c.force_login(seeded["user"])
    r = c.post(f"/staff/values/{sid}/2019/", {"value": "3", "note": "", "version": "99999999999999999999"})
    assert r.status_code == 409
    assert not m.ActualValue.objects.filter(series_id=sid, year=2019).exists()


@pytest.mark.db
def test_two_first_entries_through_the_form_at_once_one_saved_one_conflict(seeded: dict[str, Any]) -> None:
    """Two browsers post the first value of one series and year at the same moment (real
    threads): one is saved, the other gets the conflict page — on SQLite because the
    writers queue and the second sees version 1, on PostgreSQL by whichever of the
    version check or the unique key catches it."""
    from django.db import connections
    from django.test import Client

    from machikpi.adapters.storage import models as m

    sid = seeded["series"][1]
    start = threading.Barrier(2)

    def post(value: str) -> int:
        c = Client(raise_request_exception=False)
        c.force_login(seeded["user"])
        start.wait()
        try:
            return int(
                c.post(f"/staff/values/{sid}/2020/", {"value": value, "note": "", "version": "0"}).status_code
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        codes = sorted(pool.map(post, ["11", "12"]))
    assert codes == [302, 409], codes
    stored = m.ActualValue.objects.get(series_id=sid, year=2020)
    assert stored.raw in ("11", "12") and stored.version == 1
    assert m.ActualChange.objects.filter(actual=stored).count() == 1


@pytest.mark.db
def test_a_locked_database_is_a_503_in_japanese(
    seeded: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError
    from django.test import Client
    from rest_framework.test import APIClient

    from machikpi.adapters.storage import actuals

    def locked(*_a: Any, **_k: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(actuals, "_locked", locked)
    sid = seeded["series"][0]
    c = Client(raise_request_exception=False)
    c.force_login(seeded["user"])
    r = c.post(f"/staff/values/{sid}/2022/", {"value": "6", "note": "", "version": "0"})
    assert r.status_code == 503 and r["Retry-After"]
    assert "もう一度お試しください" in r.content.decode()
    api = APIClient(raise_request_exception=False)
    api.credentials(HTTP_AUTHORIZATION=f"Token {seeded['token']}")
    a = api.post("/api/actuals/", {"series": sid, "year": 2022, "value": "1", "version": 0}, format="json")
    assert a.status_code == 503 and "もう一度お試しください" in a.json()["detail"]


def _sqlite_file(url: str) -> Path | None:
    from machikpi.adapters.django_settings import database_settings

    settings = database_settings(url)
    return Path(settings["NAME"]) if settings["ENGINE"].endswith("sqlite3") else None


def test_sqlite_lock_held_past_the_timeout_is_a_503(database_url: str, seeded: dict[str, Any]) -> None:
    """A real lock: another connection holds the write lock; this one waits 0.2 s, then 503.
    Not marked ``db``: the PostgreSQL run (``-m db``) does not select it."""
    from django.db import connections
    from rest_framework.test import APIClient

    path = _sqlite_file(database_url)
    if path is None:
        pytest.skip("SQLite only (the PostgreSQL run covers the other tests); not selected by -m db")
    token, sid = seeded["token"], seeded["series"][0]
    conn = connections["default"]
    conn.close()
    options = conn.settings_dict["OPTIONS"]
    saved = options["timeout"]
    options["timeout"] = 0.2
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        api = APIClient(raise_request_exception=False)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        r = api.post("/api/actuals/", {"series": sid, "year": 2021, "value": "1"}, format="json")
        assert r.status_code == 503, (r.status_code, r.content[:200])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        conn.close()
        options["timeout"] = saved


def test_two_imports_into_one_new_sqlite_file_at_once_both_end_well(tmp_path: Path) -> None:
    target = f"sqlite:///{tmp_path / 'two.db'}"
    env = {k: v for k, v in os.environ.items() if k != "MACHIKPI_DATABASE_URL"}
    cmd = [sys.executable, "-m", "machikpi.adapters.cli", "import", str(SEED_003), "--database", target]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    results = [(p.returncode, out, err) for p, (out, err) in zip(procs, outputs, strict=True)]
    for code, _out, err in results:
        assert "Traceback" not in err, err
        assert code == 0, err
    verbs = sorted(out.split(": ")[1] for _, out, _ in results)
    assert verbs == ["stored", "updated"]
    with sqlite3.connect(tmp_path / "two.db") as conn:
        assert conn.execute("SELECT count(*) FROM machikpi_series").fetchone() == (50,)
