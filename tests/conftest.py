"""Shared test set-up.

A test that needs a system program (a browser, PostgreSQL, poppler) calls
:func:`require` instead of skipping by hand: on a user's machine it skips
with a message naming what is missing; with ``MACHIKPI_REQUIRE_ALL=1`` (set
by ``.ci/run``) it fails instead, so CI never skips silently.
"""

from __future__ import annotations

import os

import pytest


def require(available: bool, what: str) -> None:
    """Skip (or, under ``MACHIKPI_REQUIRE_ALL=1``, fail) when ``what`` is missing."""
    if available:
        return
    if os.environ.get("MACHIKPI_REQUIRE_ALL") == "1":
        pytest.fail(f"{what} is required (MACHIKPI_REQUIRE_ALL=1) but missing")
    pytest.skip(f"{what} is not available on this machine")
