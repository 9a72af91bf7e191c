"""Importer stub: to be written."""

from __future__ import annotations

from ..model import Plan
from ..source import SourceText

LAYOUT = "comprehensive_plan"
DESCRIPTION = "to be written"


def recognise(source: SourceText) -> float:
    """How strongly ``source`` looks like this layout (0.0–1.0)."""
    return 0.0


def read(source: SourceText) -> Plan:
    """Read ``source`` into a :class:`Plan`."""
    return Plan(doc=source.name, title="", layout=LAYOUT)
