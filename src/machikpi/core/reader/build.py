"""Stage 5 of the reader: one row builder from table records to indicators.

A :class:`Record` is what a table form (tab row, pipe row, one cell per line,
list item, flattened page) found for one indicator: its name cell, and the
cells of its columns with the years the headers give. :func:`build` reads
the cells through the project's quantity and period readers
(:mod:`machikpi.core.quantities`, :mod:`machikpi.core.periods`) into an
:class:`~machikpi.core.model.Indicator`, with one policy for every form:

* a baseline split by group (``小 79.9% 中 66.3%``) gives one series per
  group, targets split alike;
* a cell in words (``設置``, ``全員取得``) is status ``text`` with no value;
* ``なし`` alone is status ``none`` (no value exists), ``待機児童なし`` is 0;
* a year range (``H15~19平均値``) gives its last year, the range kept in notes;
* a unit printed in a column of its own wins over units in the cells;
* a header that says ``累計`` makes count indicators cumulative (not rates);
* nothing is invented: a cell that cannot be read is pending, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import QuantityError
from ..model import CellStatus, ExtractWarning, Indicator, Role, Series, SourceRef, ValueCell, Verdict
from ..periods import Period, era_to_western
from ..quantities import normalise_unit, read_cell, split_groups
from ..text import join_wrapped, nfkc
from .cells import is_text_value, is_unit
from .names import read_name


@dataclass
class Cell:
    """A cell of a record: text as printed (NFKC) and the year its column header gives."""

    text: str
    header: Period | None = None


@dataclass
class Record:
    """What a table form found for one indicator (see the module docstring).

    ``targets`` keeps one entry per target column, empty cells included;
    ``uncertain`` marks a record assembled from damaged text."""

    name: str
    line: int
    role: Role
    baseline: Cell | None = None
    targets: list[Cell] = field(default_factory=list)
    actuals: list[Cell] = field(default_factory=list)
    milestones: list[Cell] = field(default_factory=list)
    unit: str | None = None
    cumulative: bool = False
    notes: list[str] = field(default_factory=list)
    verdict: str | None = None
    verdict_legend: str | None = None
    raw: str = ""
    uncertain: bool = False
    definition: str | None = None


_NAME_UNIT = re.compile(r"[(（【\[]\s*([^()（）【】\[\]\s]{1,6})\s*[)）】\]]$")
_COUNT_UNITS = {
    "人",
    "件",
    "社",
    "団体",
    "箇所",
    "カ所",
    "か所",
    "ヶ所",
    "回",
    "事業所",
    "店舗",
    "校",
    "人日",
    "戸",
    "世帯",
}


def read_value_cell(
    text: str, header: Period | None, where: SourceRef, warnings: list[ExtractWarning]
) -> ValueCell:
    """One cell through :func:`~machikpi.core.quantities.read_cell`, with the
    reader's policy for words, ``なし`` and year ranges; never raises."""
    t = nfkc(text).strip()
    t = re.sub(r"\s*[▶►]+\s*$", "", t) if re.search(r"\d", t) else t
    if t == "なし":
        cell = ValueCell(raw=t, status=CellStatus.NONE)
        if header:
            cell.year, cell.year_type = header.year, header.year_type
        return cell
    if t and is_text_value(t):
        cell = ValueCell(raw=t, status=CellStatus.TEXT)
        if header:
            cell.year, cell.year_type = header.year, header.year_type
        return cell
    try:
        cell = read_cell(t, header=header)
    except QuantityError as e:
        warnings.append(ExtractWarning(where, f"読めないセルを未設定としました: {t!r} ({e})"))
        cell = ValueCell(raw=t, status=CellStatus.PENDING)
        if header:
            cell.year, cell.year_type = header.year, header.year_type
        return cell
    rng = re.search(r"(?P<era>[HRS]|平成|令和)?\s*(?P<a>\d{1,4})\s*[~〜～]\s*(?P<b>\d{1,4})", t)
    if rng:
        a, b = int(rng.group("a")), int(rng.group("b"))
        if rng.group("era"):
            start_year = era_to_western(rng.group("era"), a) if a >= 1 else None
            if start_year is not None:
                cell.year = start_year - a + b
        elif a >= 1900:
            cell.year = b if b >= 1900 else a - a % 100 + b
    return cell


def build(record: Record, doc: str, warnings: list[ExtractWarning]) -> Indicator:
    """The indicator of ``record`` (see the module docstring)."""
    where = SourceRef(doc, record.line)
    parts = read_name(record.name)
    base_text = record.baseline.text if record.baseline else ""
    groups = split_groups(base_text) if base_text else [(None, "")]
    if len(groups) == 1 and record.targets:
        tg = split_groups(record.targets[0].text)
        if len(tg) > 1:
            groups = [(g, "") for g, _ in tg]
    series: list[Series] = []
    cells: list[ValueCell] = []
    for gi, (group, gtext) in enumerate(groups):
        if record.baseline is None:
            baseline = ValueCell(raw="", status=CellStatus.NONE)
        elif group is None:
            baseline = read_value_cell(base_text, record.baseline.header, where, warnings)
        elif gtext:
            baseline = read_value_cell(_strip_label(gtext), record.baseline.header, where, warnings)
            baseline.raw = nfkc(gtext)
        else:
            baseline = ValueCell(raw="", status=CellStatus.NONE)
        targets = [_group_cell(t, group, gi, len(groups), where, warnings) for t in record.targets]
        actuals = [_group_cell(a, group, gi, len(groups), where, warnings) for a in record.actuals]
        milestones = [_group_cell(m, group, gi, len(groups), where, warnings) for m in record.milestones]
        cells += [baseline, *targets, *actuals]
        series.append(
            Series(group=group, baseline=baseline, targets=targets, actuals=actuals, milestones=milestones)
        )
    unit = normalise_unit(record.unit) if record.unit else next((c.unit for c in cells if c.unit), None)
    unit_from_name = False
    if unit is None:
        # ``市内総生産額(億円)``, ``転入者数【人】``: the unit printed with the name.
        m = _NAME_UNIT.search(nfkc(record.name).strip())
        if m and is_unit(m.group(1)):
            unit, unit_from_name = normalise_unit(m.group(1)), True
    printed = list(dict.fromkeys(c.unit for c in cells if c.unit))
    if record.unit is None and len(printed) > 1:
        warnings.append(
            ExtractWarning(where, f"セルの単位が異なります {printed}: 最初の {unit} を使いました")
        )
    for c in cells:
        if c.repairs:
            warnings.append(
                ExtractWarning(where, f"文字化けを修復して読みました: {c.raw!r} ({', '.join(c.repairs)})")
            )
        elif (
            unit
            and c.status is CellStatus.VALUE
            and not c.unit
            and record.unit is None
            and not unit_from_name
        ):
            warnings.append(
                ExtractWarning(where, f"セル {c.raw!r} に単位がありません ({unit} として読みました)")
            )
    notes = [*record.notes, *(n for c in cells for n in c.notes)]
    for c in cells:
        # ``※健康いせさき21(第3次)検討にあわせて設定予定``: a pending cell's explanation.
        if c.status is CellStatus.PENDING and len(c.raw) > 6:
            notes.append(re.sub(r"\s+", "", c.raw).lstrip("※"))
    cumulative = parts.cumulative or (record.cumulative and unit in _COUNT_UNITS)
    ind = Indicator(
        role=record.role,
        name=parts.name,
        raw_name=record.name,
        unit=unit,
        series=series,
        definition=record.definition or parts.definition,
        cumulative=cumulative,
        notes=list(dict.fromkeys(n for n in notes if n)),
        source=where,
        uncertain=record.uncertain,
    )
    if record.verdict:
        ind.verdicts.append(Verdict(record.verdict, record.verdict_legend, record.raw, where))
    return ind


def _group_cell(
    cell: Cell, group: str | None, gi: int, n: int, where: SourceRef, warnings: list[ExtractWarning]
) -> ValueCell:
    if group is not None:
        parts = split_groups(cell.text)
        if len(parts) == n and parts[gi][0] == group:
            out = read_value_cell(_strip_label(parts[gi][1]), cell.header, where, warnings)
            out.raw = nfkc(parts[gi][1])
            return out
    return read_value_cell(cell.text, cell.header, where, warnings)


def _strip_label(part: str) -> str:
    """``"小 79.9%"`` → ``"79.9%"`` (the value of a group part)."""
    return re.sub(r"^\S+?\s*(?=[△▲\d])", "", nfkc(part).strip(), count=1)


def join_name(parts: list[str]) -> str:
    """A name wrapped over several cells or lines, joined."""
    return join_wrapped(" ".join(p for p in parts if p))
