"""The plan period (計画期間) the target years are checked against.

Three sources, in order of preference (the caller chooses):

1. given by the user (``audit_plan(..., period=PlanPeriod(2026, 2029))``);
2. read from the document text by :func:`period_from_text`: the first line
   that speaks of the 計画期間 / 対象期間 / 計画の期間 and prints
   a range of two years (``令和8年度から令和11年度まで``,
   ``令和3年度(2021年度)から令和9年度(2027年度)``, ``R8～R11``);
3. inferred from the plan's own years by :func:`infer_period`: the end is
   the most common final target year of the indicators (the year most
   tables aim at; ties go to the later year), the start is the year after
   the most common baseline year (ties to the later year), or the earliest
   target year when no baseline prints a year. This is lenient:
   a plan whose period starts later than the year after its baselines
   (baseline R6, period R8–R11) is given a start one or two years early.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import CellStatus, Plan
from ..periods import find_periods
from ..text import nfkc

_PERIOD_WORDS = re.compile(r"(?:計画|対象|戦略の|計画の)期間")
_RANGE_WORDS = re.compile(r"から|~|～|〜|-|–|—|―|まで")


@dataclass(frozen=True)
class PlanPeriod:
    """A plan period, ``start`` to ``end`` inclusive (Western years, as the
    cells' ``year``), and where it came from: ``"parameter"``, ``"text"``
    (with ``line``, 1-based) or ``"inferred"``."""

    start: int
    end: int
    origin: str = "parameter"
    line: int | None = None

    def __contains__(self, year: object) -> bool:
        return isinstance(year, int) and self.start <= year <= self.end

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"


def period_from_text(lines: Sequence[str]) -> PlanPeriod | None:
    """The period a document states for itself (rule 2 of the module
    docstring), ``None`` when no line states one. ``lines`` are the
    document's lines (1-based numbering in the result). Never raises."""
    for number, raw in enumerate(lines, start=1):
        text = nfkc(raw)
        for m in _PERIOD_WORDS.finditer(text):
            window = text[max(0, m.start() - 60) : m.end() + 120]
            years = find_periods(window)
            for k, first in enumerate(years):
                later = next((p for p in years[k + 1 :] if p.year > first.year), None)
                if later is None:
                    continue
                between = window[first.span[1] : later.span[0]]
                if _RANGE_WORDS.search(between) and later.year - first.year <= 20:
                    return PlanPeriod(first.year, later.year, "text", number)
    return None


def _mode(years: list[int]) -> int | None:
    if not years:
        return None
    counts = Counter(years)
    best = max(counts.values())
    return max(y for y, c in counts.items() if c == best)


def infer_period(plan: Plan) -> PlanPeriod | None:
    """The period inferred from the plan's years (rule 3 of the module
    docstring), ``None`` when no indicator prints a target year."""
    finals: list[int] = []
    every: list[int] = []
    bases: list[int] = []
    for _, ind in plan.indicators():
        for s in ind.series:
            years = [c.year for c in s.targets if c.year is not None]
            if years:
                finals.append(max(years))
                every.extend(years)
            if s.baseline.year is not None and s.baseline.status == CellStatus.VALUE:
                bases.append(s.baseline.year)
    end = _mode(finals)
    if end is None:
        return None
    base = _mode([b for b in bases if b < end])
    start = base + 1 if base is not None else min(every)
    return PlanPeriod(min(start, end), end, "inferred")
