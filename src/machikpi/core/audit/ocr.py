"""Checks on cells that look damaged by the PDF text extraction (OCR), so
that a person compares them with the printed document."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import CellStatus, Series, ValueCell
from ..quantities import PENDING_WORDS, TALLYING_WORDS
from ..text import nfkc
from .context import AuditContext
from .findings import Finding, Severity, check


def _cells(s: Series) -> list[tuple[str, ValueCell]]:
    return [("baseline", s.baseline), *((f"target[{i}]", c) for i, c in enumerate(s.targets))]


@check(
    "ocr-repaired",
    Severity.INFO,
    "OCR の読み誤りを修復したセル",
    "A cell was read after an OCR repair (ValueCell.repairs: 力所→カ所, □→回, "
    "O→0; see machikpi.core.quantities): a person confirms the repair.",
)
def ocr_repaired(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        for s in e.indicator.series:
            for name, c in _cells(s):
                if c.repairs:
                    yield ctx.finding(
                        "ocr-repaired",
                        e,
                        f"「{c.raw}」は OCR の読み誤りを修復して読みました ({'、'.join(c.repairs)})。原本で確認してください",
                        series=s,
                        cell=name,
                        repairs=list(c.repairs),
                    )


@check(
    "unit-missing",
    Severity.WARNING,
    "単位のない数値",
    "A cell holds a number but prints no unit while another cell of the same "
    "indicator prints one (the unit may have been lost in extraction). "
    "``〇〇なし`` (read as 0) is not flagged.",
)
def unit_missing(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        ind = e.indicator
        units = {c.unit for s in ind.series for _, c in _cells(s) if c.unit}
        if not units:
            continue
        for s in ind.series:
            for name, c in _cells(s):
                if c.status != CellStatus.VALUE or c.unit or c.raw.strip().endswith("なし"):
                    continue
                yield ctx.finding(
                    "unit-missing",
                    e,
                    f"「{c.raw}」に単位がありません (他のセルは「{'・'.join(sorted(units))}」)",
                    series=s,
                    cell=name,
                    expected_units=sorted(units),
                )


#: Letter runs allowed next to digits: units and era letters of years (R6, H30).
_ALLOWED_LETTERS = re.compile(r"^(?:km2?|m2?|ha|t|kg|kW|kWh|MWh|GWh|L|pt|CO2?|t-CO2?|[RHST])$")
_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z,.]*")


def letters_in_number(raw: str) -> list[str]:
    """The tokens of ``raw`` where letters stand inside or in front of a
    number (``1O5``, ``l2``, ``3S0``): a run of ASCII letters and digits that
    mixes both and is not a number followed by a unit (``12km``) or an era
    year (``R6``)."""
    bad: list[str] = []
    for m in _TOKEN.finditer(nfkc(raw)):
        tok = m.group(0).rstrip(",.")
        if not (re.search(r"\d", tok) and re.search(r"[A-Za-z]", tok)):
            continue
        lead = re.fullmatch(r"(?P<num>\d[\d,.]*)(?P<unit>[A-Za-z][A-Za-z0-9-]*)", tok)
        if lead and _ALLOWED_LETTERS.match(lead.group("unit")):
            continue
        era = re.fullmatch(r"(?P<era>[A-Za-z]+)(?P<num>\d{1,2})", tok)
        if era and _ALLOWED_LETTERS.match(era.group("era")):
            continue
        bad.append(tok)
    return bad


@check(
    "letters-in-number",
    Severity.WARNING,
    "数値の中に英字",
    "A cell's text has ASCII letters inside or before its digits (``1O5``, "
    "``l2``), other than units (km, ha, t …) and era years (R6): OCR damage.",
)
def letters_in_number_check(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        for s in e.indicator.series:
            for name, c in _cells(s):
                bad = letters_in_number(c.raw)
                if bad:
                    yield ctx.finding(
                        "letters-in-number",
                        e,
                        f"「{c.raw}」の数値に英字が混じっています ({'、'.join(bad)})。OCR の読み誤りの可能性",
                        series=s,
                        cell=name,
                        tokens=bad,
                    )


@check(
    "cell-unreadable",
    Severity.WARNING,
    "読めなかったセル",
    "A cell with text that is neither a value nor a pending/tallying word nor "
    "a bracketed unit: the importer kept it as pending (it warned too).",
)
def cell_unreadable(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        for s in e.indicator.series:
            for name, c in _cells(s):
                text = c.raw.replace(" ", "")
                if c.status != CellStatus.PENDING or not text or c.unit:
                    continue
                if any(w in text for w in (*PENDING_WORDS, *TALLYING_WORDS)):
                    continue
                yield ctx.finding(
                    "cell-unreadable",
                    e,
                    f"「{c.raw}」を値として読めませんでした。原本で確認してください",
                    series=s,
                    cell=name,
                )
