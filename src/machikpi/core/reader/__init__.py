"""The general plan reader: one pipeline for every municipality's plan documents.

Stages (each keeps its result for inspection, see :class:`pipeline.Reading`):

1. :mod:`.lines` — every line classified once, PDF-to-text damage repaired;
2. :mod:`.outline` — numbering systems and the node tree;
3. :mod:`.tables` — tables and lists of every form, columns by the
   vocabulary of :mod:`.vocabulary` (data: ``vocabulary.toml``);
4. :mod:`.build` — one row builder: records → indicators;
5. opinion tables (意見 → 対応方針 → 計画への反映).

:func:`read_plan` is the entry point every adapter calls.
"""

from __future__ import annotations

from ..errors import UnknownLayoutError
from ..model import Plan
from ..source import SourceText
from .pipeline import Reading, read

__all__ = ["Reading", "read", "read_plan"]


def read_plan(source: SourceText) -> Plan:
    """The structured plan read from ``source``.

    Raises :class:`~machikpi.core.errors.UnknownLayoutError` when the document
    holds no indicator and no opinion."""
    plan = read(source).plan
    if not any(True for _ in plan.indicators()):
        opinions = read_opinion_plan(source)
        if opinions is not None and opinions.opinions:
            return opinions
        raise UnknownLayoutError(
            "計画文書として読めません: 指標 (数値目標・KPI・成果指標) の表も意見の表も見つかりませんでした",
            doc=source.name,
        )
    return plan


def read_opinion_plan(source: SourceText) -> Plan | None:
    """The opinion table of ``source`` as a plan, or ``None`` when it has none."""
    from ..importers import opinion_table

    if opinion_table.recognise(source) < 0.3:
        return None
    plan: Plan = opinion_table.read(source)
    return plan
