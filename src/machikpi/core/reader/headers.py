"""Stage 4 of the reader: a table's columns, named by the vocabulary.

:func:`read_header` turns the cells of a header row (or a run of header
cells) into a :class:`Header`: each column's kind (:meth:`Vocabulary.column_kind`:
name, baseline, target, actual, unit, verdict, note …) and the year its
header prints (``目標値 (2027)``, ``現状値 (令和元年度)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..periods import Period, find_periods
from ..text import remove_spaces
from .cells import (
    is_year_label,
)
from .vocabulary import vocabulary

VALUE_KINDS = ("baseline", "target", "actual", "year")


@dataclass
class Column:
    """One column of a header: its ``kind`` (a vocabulary column kind, ``"year"``
    for a bare year, ``None`` when unknown), header ``text`` and ``period``."""

    kind: str | None
    text: str
    period: Period | None


@dataclass
class Header:
    """A table header: its columns, line and whether it says 累計."""

    columns: list[Column]
    line: int
    cumulative: bool = False
    #: Made from a block label alone (no header cells were printed).
    implicit: bool = False

    @property
    def value_columns(self) -> list[int]:
        """Indexes of the columns that hold values, in order."""
        return [i for i, c in enumerate(self.columns) if c.kind in VALUE_KINDS or c.kind == "forecast"]

    @property
    def name_column(self) -> int | None:
        return next((i for i, c in enumerate(self.columns) if c.kind == "name"), None)


def header_period(text: str) -> Period | None:
    """The year a header cell prints (the last of a range), ``None`` when none."""
    ps = find_periods(text)
    if ps:
        return ps[-1] if re.search(r"[~〜～]", text) else ps[0]
    m = re.search(r"(\d{1,2})\s*年度", text)
    if m:
        # ``24年度`` with the era left out: read as 平成 before 令和 began (an assumption, warned by callers).
        n = int(m.group(1))
        return Period(1988 + n if n >= 12 else 2018 + n, None, m.span())
    return None


def read_header(cells: list[str], line: int) -> Header | None:
    """The header these cells form, or ``None`` when they do not name an
    indicator column and at least one value column."""
    voc = vocabulary()
    cols: list[Column] = []
    for c in cells:
        kind = voc.column_kind(c) if c else None
        if kind is None and c and is_year_label(c):
            kind = "year"
        if kind == "name" and any(w in remove_spaces(c) for w in ("の説明", "考え方")):
            kind = "note"
        cols.append(Column(kind, c, header_period(c) if kind in (*VALUE_KINDS, "forecast") else None))
    kinds = [c.kind for c in cols]
    if not any(k in VALUE_KINDS for k in kinds):
        return None
    if "name" not in kinds and not (cells and not cells[0].strip()):
        return None
    if sum(1 for k in kinds if k in VALUE_KINDS) + kinds.count("name") < 2:
        return None
    _resolve_years(cols)
    return Header(cols, line, cumulative=any("累計" in c for c in cells))


def _resolve_years(cols: list[Column]) -> None:
    """Bare year columns: the first is the baseline when no column says 基準値/現状値,
    the others are actuals (a 達成状況 table prints each year's 実績)."""
    kinds = [c.kind for c in cols]
    first = True
    for c in cols:
        if c.kind == "year":
            if first and "baseline" not in kinds:
                c.kind = "baseline"
            else:
                c.kind = "actual"
            first = False
