"""The general plan reader: one pipeline for every municipality's plan documents.

Stages (each keeps its result for inspection, see :class:`pipeline.Reading`):

1. :mod:`.lines` — every line classified once, PDF-to-text damage repaired;
2. :mod:`.outline` — numbering systems and the node tree;
3. :mod:`.tables` — the walk over the lines, handing each to its reading
   form: :mod:`.rowtables` (tab, pipe and space-column rows),
   :mod:`.streams` (one cell per line, flattened pages), :mod:`.listforms`
   (one-line items, link lists), :mod:`.footnotes` (notes and footnotes),
   over the shared :mod:`.state`; columns named by :mod:`.headers` from the
   vocabulary of :mod:`.vocabulary` (data: ``vocabulary.toml``);
4. :mod:`.build` — one row builder: records → indicators;
5. opinion tables (意見 → 対応方針 → 計画への反映).

:func:`read_plan` is the entry point every adapter calls.
"""

from __future__ import annotations

import re

from ..errors import UnknownLayoutError
from ..model import CellStatus, Indicator, Plan
from ..source import SourceText
from .opinions import OpinionReading, read_opinions
from .pipeline import Reading, read

__all__ = ["OpinionReading", "Reading", "read", "read_opinions", "read_plan"]


_OPINION_WORD = re.compile(r"意見|提言|要望|提案")
_ANSWER_WORD = re.compile(r"回答|考え方|対応|反映|検討結果")


def _speaks_of_opinions(source: SourceText) -> bool:
    """A short line names opinions and a short line names answers (a caption
    row, or labels such as 【意見】 … 【回答】): the opinion stage is worth running."""
    short = [t for t in source.lines if len(t) <= 60]
    return any(_OPINION_WORD.search(t) for t in short) and any(_ANSWER_WORD.search(t) for t in short)


#: Below this score a document is not taken for an opinion table.
OPINION_MIN_SCORE = 0.5


def _weak(ind: Indicator) -> bool:
    """Read by position only, or without a single printed number."""
    cells = [c for s in ind.series for c in (s.baseline, *s.targets, *s.actuals)]
    return ind.uncertain or not any(c.status is CellStatus.VALUE for c in cells)


def read_plan(source: SourceText) -> Plan:
    """The structured plan read from ``source``: its indicators (stages 1–4)
    and, where the document is an opinion table, its opinions (stage 5).

    Raises :class:`~machikpi.core.errors.UnknownLayoutError` when the document
    holds no indicator and no opinion."""
    plan = read(source).plan
    # The opinion stage only where the text speaks of opinions at all (it is the costlier stage).
    op = read_opinions(source) if _speaks_of_opinions(source) else OpinionReading()
    if op.opinions and op.score >= 0.8 and all(_weak(ind) for _, ind in plan.indicators()):
        # A clear opinion table: indicators read only by position or without any value are its words.
        for _, node in plan.walk():
            node.indicators = []
    has_indicators = any(True for _ in plan.indicators())
    if op.opinions and op.score >= OPINION_MIN_SCORE:
        plan.opinions = op.opinions
        if not has_indicators:
            # An opinion table: the KPI stages' remarks on its text are no concern of it.
            plan.nodes = op.nodes
            plan.warnings = list(op.warnings)
        else:
            plan.warnings += op.warnings
    if not has_indicators and not plan.opinions:
        raise UnknownLayoutError(
            "計画文書として読めません: 指標 (数値目標・KPI・成果指標) の表も意見の表も見つかりませんでした",
            doc=source.name,
        )
    return plan
