"""Indicator names as printed: footnote marks, 累計 markers and definitions taken off."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import join_wrapped, nfkc

# Footnote marks printed after an indicator name: ^{**}, [*], [®], ※, ※1,
# (※19), superscript digits ¹²³ (NFKC turns them into 1 2 3 — so they are
# matched on the raw text), and trailing asterisks.
_MARKS_RAW = re.compile(r"\s*(?:\^\{\*+\}|\[[*®※]\]|[(（]※\s*\d*[)）]|※\s*\d*|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\*+)\s*")
_CUMULATIVE = re.compile(r"\s*(?:【累計】|[(（]累計[)）]|〔累計〕|<累計>|＜累計＞)\s*")
_SQUARE_DEF = re.compile(r"\s*[\[［]([^\]］]+)[\]］]\s*")


@dataclass
class NameParts:
    """An indicator name read from its printed form.

    ``name``: cleaned name (NFKC, wrap spaces, marks, definitions and 累計
    markers removed); ``definition``: a bracketed definition printed with it;
    ``cumulative``: a 累計 marker was printed; ``marks``: the footnote marks
    found (``"*"``, ``"¹"``, ``"※19"`` …) so a footnote can be attached."""

    name: str
    definition: str | None = None
    cumulative: bool = False
    marks: list[str] = field(default_factory=list)


def read_name(raw: str) -> NameParts:
    """Clean a printed indicator name (see :class:`NameParts`).

    ``(小中学校)`` or ``(年間)`` are scope qualifiers and stay in the name;
    ``[…]`` is a definition; ``【累計】`` / ``(累計)`` set ``cumulative``.
    Source: the name rule of ``docs/kpi-rows.md``."""
    # Markdown bold ``**`` is dropped, but not the ``**`` of a ``^{**}`` mark.
    text = re.sub(r"(?<!\{)\*\*(?!\})", "", raw)
    marks = [m.strip() for m in _MARKS_RAW.findall(text) if m.strip()]
    text = _MARKS_RAW.sub(" ", text)
    text = nfkc(text)
    cumulative = bool(_CUMULATIVE.search(text))
    text = _CUMULATIVE.sub(" ", text)
    # ``(1)地域活動に参加している人の割合``: the numbering of a sub-indicator is not its name.
    text = re.sub(r"^\s*[(（]\s*\d{1,2}\s*[)）]\s*(?=\S)", "", text)
    definition = None
    m = _SQUARE_DEF.search(text)
    if m:
        definition = join_wrapped(m.group(1))
        text = text[: m.start()] + " " + text[m.end() :]
    return NameParts(join_wrapped(text), definition, cumulative, marks)
