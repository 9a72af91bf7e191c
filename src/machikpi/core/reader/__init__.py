"""The general plan reader: one pipeline for every municipality's plan documents.

:func:`read_plan` is the entry point every adapter calls.
"""

from __future__ import annotations

from ..model import Plan
from ..source import SourceText


def read_plan(source: SourceText) -> Plan:
    """The structured plan read from ``source``.

    Raises :class:`~machikpi.core.errors.UnknownLayoutError` when the document
    holds no indicator and no opinion."""
    from ..importers import read_plan as _read

    return _read(source)
