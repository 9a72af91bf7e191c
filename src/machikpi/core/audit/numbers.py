"""Numbers and units as the audit compares them.

* Units of one dimension convert into each other (money: 円 千円 万円 百万円
  千万円 億円 兆円; people: 人 千人 万人); spellings of one unit are one
  unit (``カ所 か所 ヶ所 ケ所 箇所``, ``ポイント pt``, ``か月 カ月 ヶ月``).
* Two printed numbers are "the same" when they differ by less than one step
  of the coarser printed precision (``2,097`` has step 1, ``55.0`` step 0.1):
  a rationale that truncates (``209,702.85`` → ``209,702``) or rounds agrees.
* Rationale text is read after NFKC and after removing the LaTeX that PDF
  extraction leaves in formulas (``$199,717 \\text{ 百万円} \\times 1.05$``
  → ``199,717百万円×1.05``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..model import ValueCell
from ..periods import find_periods
from ..quantities import KNOWN_UNITS
from ..text import nfkc

#: unit → (dimension, factor to the dimension's base unit).
SCALES: dict[str, tuple[str, float]] = {
    "円": ("money", 1.0),
    "千円": ("money", 1e3),
    "万円": ("money", 1e4),
    "百万円": ("money", 1e6),
    "千万円": ("money", 1e7),
    "億円": ("money", 1e8),
    "兆円": ("money", 1e12),
    "人": ("people", 1.0),
    "千人": ("people", 1e3),
    "万人": ("people", 1e4),
    "t": ("mass-t", 1.0),
    "トン": ("mass-t", 1.0),
    "千t": ("mass-t", 1e3),
    "kg": ("mass-t", 1e-3),
}

_SPELLINGS: dict[str, str] = {
    "か所": "カ所",
    "ヶ所": "カ所",
    "ケ所": "カ所",
    "箇所": "カ所",
    "pt": "ポイント",
    "か月": "カ月",
    "ヶ月": "カ月",
}


def canonical_unit(unit: str | None) -> str | None:
    """One spelling per unit (``ヶ所`` → ``カ所``); ``None`` stays ``None``."""
    if unit is None:
        return None
    u = re.sub(r"\s+", "", nfkc(unit))
    return _SPELLINGS.get(u, u)


def same_unit(a: str | None, b: str | None) -> bool:
    """Both units are printed and are the same unit (spellings folded)."""
    return a is not None and b is not None and canonical_unit(a) == canonical_unit(b)


def convert(value: float, unit: str | None, to: str | None) -> float | None:
    """``value`` in ``unit`` expressed in ``to``; ``None`` when the units are
    of different dimensions (or one is unknown and they differ)."""
    a, b = canonical_unit(unit), canonical_unit(to)
    if a == b:
        return value
    if a in SCALES and b in SCALES and SCALES[a][0] == SCALES[b][0]:
        return value * SCALES[a][1] / SCALES[b][1]
    return None


def step_of(number_text: str) -> float:
    """One step of a printed number's precision: ``2,097`` → 1, ``55.0`` → 0.1."""
    m = re.search(r"\.(\d+)", number_text)
    return 10.0 ** -len(m.group(1)) if m else 1.0


_CELL_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def cell_step(cell: ValueCell) -> float:
    """The precision step of a cell's printed value (1 when it prints none)."""
    for m in _CELL_NUMBER.finditer(nfkc(cell.raw)):
        try:
            if cell.value is not None and math.isclose(float(m.group(0).replace(",", "")), abs(cell.value)):
                return step_of(m.group(0))
        except ValueError:
            continue
    return 1.0


def agree(a: float, b: float, step: float) -> bool:
    """``a`` and ``b`` differ by less than ``step`` (plus float noise)."""
    return abs(a - b) < step + 1e-9 * max(1.0, abs(a), abs(b))


_LATEX = [
    (re.compile(r"\\(?:text|mathrm|textrm|mbox)\s*\{([^{}]*)\}"), r"\1"),
    (re.compile(r"\\times"), "×"),
    (re.compile(r"\\div"), "÷"),
    (re.compile(r"\\cdot"), "×"),
    (re.compile(r"\\(?:approx|fallingdotseq|simeq|doteq)"), "≈"),
    (re.compile(r"\\(?:le|leq)\b"), "≦"),
    (re.compile(r"\\(?:ge|geq)\b"), "≧"),
    (re.compile(r"\\[,;:! ]|\\quad"), " "),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\\left|\\right"), ""),
    (re.compile(r"\$"), ""),
    (re.compile(r"</?p>"), " "),
]


def normalise_note(text: str) -> str:
    """A rationale note as the audit reads it: NFKC, LaTeX removed, ``≒`` →
    ``≈``, spaces between a number and its unit removed."""
    t = nfkc(text)
    for pattern, repl in _LATEX:
        t = pattern.sub(repl, t)
    t = t.replace("≒", "≈").replace("≃", "≈")
    t = re.sub(r"(?<=\d)\s+(?=[^\d\s=×÷+\-−≈()（）、。,])", "", t)
    return re.sub(r"[ \t]+", " ", t)


_EXTRA_UNITS = ("兆円", "千t")
_UNIT_ALT = "|".join(re.escape(u) for u in sorted({*KNOWN_UNITS, *_EXTRA_UNITS}, key=len, reverse=True))
NUMBER_RE = re.compile(rf"(?<![A-Za-z\d.,第])(?P<num>\d[\d,]*(?:\.\d+)?)(?P<unit>{_UNIT_ALT})?")


@dataclass(frozen=True)
class NoteNumber:
    """A number printed in a note: value, unit (``None`` if none), precision
    step, and its span in the normalised note text."""

    value: float
    unit: str | None
    step: float
    start: int
    end: int


def note_numbers(text: str) -> list[NoteNumber]:
    """Every number of a normalised note (see :func:`normalise_note`) that is
    not part of a year (``令和7年度``, ``R6``, ``2027年度``) nor an ordinal
    (``第12次``). Never raises."""
    years = [p.span for p in find_periods(text)]
    out: list[NoteNumber] = []
    for m in NUMBER_RE.finditer(text):
        if any(a <= m.start() < b for a, b in years):
            continue
        digits = m.group("num").rstrip(",")
        try:
            value = float(digits.replace(",", ""))
        except ValueError:
            continue
        out.append(NoteNumber(value, m.group("unit"), step_of(digits), m.start(), m.end()))
    return out
