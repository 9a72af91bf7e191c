"""Reading years: 和暦 (明治…令和, ``元年``), Western years, 年度 vs 年.

A fiscal year (年度) runs from April to March and is named by the Western
year it starts in: 令和元年度 is FY2019, from 2019-04-01 to 2020-03-31. A
calendar year (年) runs from January to December.

Era start years (the first year of each era, 元年) are those of the
Cabinet Office's 元号 list: 明治 1868, 大正 1912, 昭和 1926, 平成 1989,
令和 2019. Year *n* of an era is ``start + n - 1``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .errors import PeriodError
from .model import YearType
from .text import nfkc

#: First Western year of each era (元年), newest last.
ERAS: dict[str, int] = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
#: One-letter abbreviations used in tables and notes (``R6`` = 令和6年).
ERA_LETTERS: dict[str, str] = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}

_ERA_RE = re.compile(
    r"(?P<era>明治|大正|昭和|平成|令和)\s*(?P<n>元|\d{1,3})\s*(?P<suffix>年度|年)?"
    r"|(?<![A-Za-z])(?P<letter>[MTSHR])\s*(?P<ln>元|\d{1,2})(?![\d.A-Za-z])\s*(?P<lsuffix>年度|年)?"
)
_WESTERN_RE = re.compile(r"(?<!\d)(?P<year>1[89]\d\d|2[01]\d\d)(?!\d)\s*(?P<suffix>年度|年)?")
_PAREN_YEAR_RE = re.compile(r"[(（]\s*(?P<year>1[89]\d\d|2[01]\d\d)\s*[)）]")


@dataclass(frozen=True)
class Period:
    """A year found in a text: Western ``year``, its ``year_type`` (``None``
    when the text prints neither 年度 nor 年), and the ``span`` (start, end)
    of the match in the NFKC text."""

    year: int
    year_type: YearType | None
    span: tuple[int, int]


def era_to_western(era: str, n: int) -> int:
    """Year ``n`` (1 = 元年) of ``era`` (``"令和"`` or its letter ``"R"``) as a Western year.

    Raises :class:`PeriodError` for an unknown era or ``n < 1``."""
    era = ERA_LETTERS.get(era, era)
    if era not in ERAS:
        raise PeriodError(f"unknown era {era!r}")
    if n < 1:
        raise PeriodError(f"era year must be 1 (元年) or more, got {n}")
    return ERAS[era] + n - 1


def _suffix_type(suffix: str | None) -> YearType | None:
    if suffix == "年度":
        return YearType.FISCAL
    if suffix == "年":
        return YearType.CALENDAR
    return None


def find_periods(text: str, *, western: bool = True) -> list[Period]:
    """Every year printed in ``text``, in order of appearance.

    Reads 和暦 (``令和元年度``, ``平成30年``, ``R6``), Western years followed by
    年度/年 (``2027年度``) and bare Western years in brackets (``(2027)``);
    with ``western=False`` only 和暦 is read. Never raises: text without a
    year gives ``[]``.
    """
    text = nfkc(text)
    found: list[Period] = []
    taken: list[tuple[int, int]] = []
    for m in _ERA_RE.finditer(text):
        if m.group("era"):
            n_text, era, suffix = m.group("n"), m.group("era"), m.group("suffix")
        else:
            n_text, era, suffix = m.group("ln"), m.group("letter"), m.group("lsuffix")
        n = 1 if n_text == "元" else int(n_text)
        if n < 1:
            continue
        found.append(Period(era_to_western(era, n), _suffix_type(suffix), m.span()))
        taken.append(m.span())
    if western:
        for m in _WESTERN_RE.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            suffix = m.group("suffix")
            bracketed = _PAREN_YEAR_RE.search(text, max(0, m.start() - 2), m.end() + 2)
            if suffix or bracketed:
                found.append(Period(int(m.group("year")), _suffix_type(suffix), m.span()))
    found.sort(key=lambda p: p.span)
    return found


def read_period(text: str) -> Period:
    """The single year printed in ``text`` (the first, when there are several).

    Raises :class:`PeriodError` when the text prints no year."""
    periods = find_periods(text)
    if not periods:
        raise PeriodError(f"no year in {text!r}")
    return periods[0]


def to_wareki(year: int, year_type: YearType | None = YearType.FISCAL) -> str:
    """Format a Western year as 和暦 (``2019`` → ``令和元年度``), using the
    newest era that had begun by that year. Raises :class:`PeriodError` before 1868."""
    for era, start in reversed(ERAS.items()):
        if year >= start:
            n = year - start + 1
            suffix = {YearType.FISCAL: "年度", YearType.CALENDAR: "年", None: "年"}[year_type]
            return f"{era}{'元' if n == 1 else n}{suffix}"
    raise PeriodError(f"year {year} is before 明治")


def fiscal_year_of(day: date) -> int:
    """The fiscal year (年度, April–March) a date falls in: 2020-03-31 → 2019."""
    return day.year if day.month >= 4 else day.year - 1
