"""Document importers: one module per document layout, chosen by content.

Each importer module defines

* ``LAYOUT``: a short name of the layout (``"kpi-tables"`` …);
* ``DESCRIPTION``: one line saying which kind of document it reads;
* ``recognise(source) -> float``: how strongly the text looks like its
  layout, 0.0 (not at all) to 1.0, from what the text says (headings, table
  headers), never from the file name;
* ``read(source) -> Plan``: the structured plan, with warnings for what it
  had to recover or could not read.

:func:`read_plan` picks the importer whose ``recognise`` is highest.
"""

from __future__ import annotations

from types import ModuleType

from ..errors import UnknownLayoutError
from ..model import Plan
from ..source import SourceText
from . import comprehensive_plan, kpi_tables, opinion_table, strategy_blocks, strategy_measures

IMPORTERS: tuple[ModuleType, ...] = (
    kpi_tables,
    opinion_table,
    strategy_blocks,
    strategy_measures,
    comprehensive_plan,
)

#: Below this, no importer is confident enough to read the document.
MIN_CONFIDENCE = 0.3


def choose_importer(source: SourceText) -> ModuleType:
    """The importer module for ``source``.

    Raises :class:`UnknownLayoutError` when no importer recognises it."""
    scored = sorted(((imp.recognise(source), i, imp) for i, imp in enumerate(IMPORTERS)), reverse=True)
    best, _, imp = scored[0]
    if best < MIN_CONFIDENCE:
        raise UnknownLayoutError(
            "not a plan document machikpi can read: no 数値目標 / KPI / 成果指標 table "
            "and no opinion table (意見内容・対応方針) was found",
            doc=source.name,
        )
    return imp


def read_plan(source: SourceText) -> Plan:
    """Read ``source`` with the importer that recognises its layout.

    Raises :class:`UnknownLayoutError` when none does."""
    plan: Plan = choose_importer(source).read(source)
    return plan
