"""What every importer needs: table rows, indicator names, header years, indicators.

These are the layout-independent readings of a KPI table; the layout
modules decide where tables, headings and notes are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import QuantityError
from ..model import CellStatus, ExtractWarning, Indicator, Role, Series, SourceRef, ValueCell
from ..periods import Period, find_periods
from ..quantities import read_cell, split_groups
from ..text import join_wrapped, nfkc

from ..reader.names import NameParts, read_name  # noqa: F401  (re-exported for the layout modules)

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
_KANJI = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def heading_number(num: str) -> int:
    """A heading's number as an int: arabic (``3``), roman as NFKC gives it
    (``Ⅳ`` → ``IV`` → 4) or kanji (``十二`` → 12). Raises ``KeyError`` /
    ``ValueError`` for anything else (callers match the number by regex first)."""
    if num.isdigit():
        return int(num)
    if num[0] in _KANJI:
        if "十" in num:
            tens, _, ones = num.partition("十")
            return (_KANJI[tens] if tens else 1) * 10 + (_KANJI[ones] if ones else 0)
        return _KANJI[num]
    total = 0
    for i, ch in enumerate(num):
        v = _ROMAN[ch]
        total += -v if i + 1 < len(num) and _ROMAN[num[i + 1]] > v else v
    return total


def split_cells(line: str) -> list[str]:
    """The cells of a tab-separated table line, stripped (empty cells kept)."""
    return [c.strip() for c in line.split("\t")]


def header_period(cell: str) -> Period | None:
    """The year printed in a column header (``目標値 (2027)``, ``令和6年度``), if any."""
    periods = find_periods(cell)
    return periods[0] if periods else None


def indicator_unit(cells: list[ValueCell]) -> str | None:
    """The indicator's unit: the first unit printed by its cells, baseline first.

    A unit printed only in a later column (``(橋)``) still gives the unit."""
    for c in cells:
        if c.unit:
            return c.unit
    return None


def read_value(
    raw: str, header: Period | None, where: SourceRef, warnings: list[ExtractWarning]
) -> ValueCell:
    """:func:`read_cell` that turns an unreadable cell into a pending cell and a
    warning at ``where`` instead of an exception."""
    try:
        return read_cell(raw, header=header)
    except QuantityError as e:
        warnings.append(ExtractWarning(where, f"unreadable cell kept as pending: {e}"))
        cell = ValueCell(raw=nfkc(raw).strip(), status=CellStatus.PENDING)
        if header:
            cell.year, cell.year_type = header.year, header.year_type
        return cell


def build_indicator(
    role: Role,
    raw_name: str,
    baseline_raw: str,
    target_raws: list[str],
    *,
    baseline_header: Period | None,
    target_headers: list[Period | None],
    source: SourceRef,
    warnings: list[ExtractWarning],
) -> Indicator:
    """An indicator from one table row: name cell, baseline cell, target cells.

    A baseline split by group (``小 79.9% 中 66.3%``) gives one series per
    group; a target cell split the same way is split alike, otherwise every
    group gets the whole target cells. ``target_headers`` gives the year of
    each target column (``None`` where the header prints none)."""
    parts = read_name(raw_name)
    groups = split_groups(baseline_raw)
    series: list[Series] = []
    all_cells: list[ValueCell] = []
    for gi, (group, base_text) in enumerate(groups):
        baseline = read_value(
            base_text if group is None else _strip_label(base_text), baseline_header, source, warnings
        )
        if group is not None:
            baseline.raw = nfkc(base_text)
        targets: list[ValueCell] = []
        for ti, traw in enumerate(target_raws):
            header = target_headers[ti] if ti < len(target_headers) else None
            tgroups = split_groups(traw)
            if group is not None and len(tgroups) == len(groups) and tgroups[gi][0] == group:
                cell = read_value(_strip_label(tgroups[gi][1]), header, source, warnings)
                cell.raw = nfkc(tgroups[gi][1])
            else:
                cell = read_value(traw, header, source, warnings)
            targets.append(cell)
        all_cells += [baseline, *targets]
        series.append(Series(group=group, baseline=baseline, targets=targets))
    notes = [n for c in all_cells for n in c.notes]
    return Indicator(
        role=role,
        name=parts.name,
        raw_name=raw_name,
        unit=indicator_unit(all_cells),
        series=series,
        definition=parts.definition,
        cumulative=parts.cumulative,
        notes=list(dict.fromkeys(notes)),
        source=source,
    )


def _strip_label(part: str) -> str:
    """``"小 79.9%"`` → ``"79.9%"`` (the value of a group part)."""
    return re.sub(r"^\S+?\s*(?=[△▲\d])", "", nfkc(part).strip(), count=1)
