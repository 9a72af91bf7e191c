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
    from .. import importers as legacy

    general = read(source).plan
    n_general = sum(len(i.series) for _, i in general.indicators())
    best: Plan | None = None
    try:
        imp = legacy.choose_importer(source)
        if imp.recognise(source) >= 0.5:
            best = imp.read(source)
    except UnknownLayoutError:
        best = None
    if best is not None:
        n_best = sum(len(i.series) for _, i in best.indicators()) + len(best.opinions)
        if n_best >= n_general:
            return best
    if n_general == 0 and not general.opinions:
        raise UnknownLayoutError(
            "計画文書として読めません: 指標 (数値目標・KPI・成果指標) の表も意見の表も見つかりませんでした",
            doc=source.name,
        )
    return general
