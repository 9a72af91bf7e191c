"""Shared test set-up.

A test that needs a system program (a browser, PostgreSQL, poppler) calls
:func:`require` instead of skipping by hand: on a user's machine it skips
with a message naming what is missing; with ``MACHIKPI_REQUIRE_ALL=1`` (set
by ``.ci/run``) it fails instead, so CI never skips silently.

:func:`demo_run` runs ``machikpi demo --no-serve`` once per session for the
tests that read what it made (the report test and the PDF tests).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest


def require(available: bool, what: str) -> None:
    """Skip (or, under ``MACHIKPI_REQUIRE_ALL=1``, fail) when ``what`` is missing."""
    if available:
        return
    if os.environ.get("MACHIKPI_REQUIRE_ALL") == "1":
        pytest.fail(f"{what} is required (MACHIKPI_REQUIRE_ALL=1) but missing")
    pytest.skip(f"{what} is not available on this machine")


@dataclass(frozen=True)
class DemoRun:
    """``machikpi demo --no-serve --out DIR`` run in a subprocess: its folder and its result.

    Shared by the tests of one session: read it, write nowhere in ``out``."""

    out: Path
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """The demo made once per session (it takes some 10 s; two modules read it).

    Under ``make test`` (pytest-xdist, one file per process at a time) that is once per
    process that runs either module."""
    out = tmp_path_factory.mktemp("demo-run") / "demo"
    r = subprocess.run(
        [sys.executable, "-m", "machikpi.adapters.cli", "demo", "--no-serve", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    return DemoRun(out=out, result=r)
