"""Whole-number query parameters (``?plan=``, ``?page=``, ``?year=`` …), read one way everywhere.

A parameter is a whole number when it is ASCII digits only (``"²"`` or
``"١"`` pass :meth:`str.isdigit` but are no number). A number above
:data:`MAX_ID` (the largest value of a 64-bit database integer) can name no
stored row; passed to the database it would raise ``OverflowError`` (a bare
500), so :func:`whole_number` clamps it to :data:`MAX_ID`: a filter by it
finds nothing, a page number past the end gives the last page.
"""

from __future__ import annotations

import re

#: The largest id (and number) a database integer column holds: 2**63 - 1.
MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]+")


def exact_number(raw: str | None) -> int | None:
    """``raw`` (spaces around ignored) as a whole number ≥ 0 when it is ASCII digits
    only, else ``None``; a text of more than 25 digits is ``MAX_ID + 1`` (above
    every bound, and ``int()`` of a very long text is slow)."""
    if raw is None:
        return None
    raw = raw.strip()
    if not _DIGITS.fullmatch(raw):
        return None
    return MAX_ID + 1 if len(raw) > 25 else int(raw)


def whole_number(raw: str | None) -> int | None:
    """``raw`` as a whole number ≥ 0 clamped to :data:`MAX_ID` (module docstring),
    or ``None`` when it is missing, empty or not ASCII digits."""
    number = exact_number(raw)
    return None if number is None else min(number, MAX_ID)
