"""Stage 1 of the reader: every line classified once, PDF-to-text damage undone.

A :class:`Line` is one source line (or, for a whole page flattened onto one
line, one of its space-separated pieces) with its cells: a tab- or
pipe-separated row has one cell per column; every other line is one cell.
Repairs made to read it are recorded on the line (``repairs``) so that the
trace can show them:

* **spaced kanji** (``基 本 目 標`` → ``基本目標``): three or more single
  CJK characters separated by single spaces, left by letter-spaced headings;
* **pipe cells** (``成果指標 |``): an HTML table exported one cell per line,
  each cell closed by ``|``;
* **flattened page** (a line of hundreds of characters with many single
  spaces and no tab): split at its spaces into pieces, each read like a
  one-cell line (values, units and names then stand in order, as in a
  one-cell-per-line table);
* **markdown** emphasis ``**…**`` dropped.

The kinds a line can get here are ``blank``, ``furniture`` (page numbers,
table-of-contents leaders), ``row`` (several cells) and ``cell`` (one cell);
later stages refine ``cell`` into heading, label, header, value, name, note
or prose for the trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..source import SourceText
from ..text import nfkc

_CJK = r"[\u3040-\u30ff\u3400-\u9fff々〆ヵヶ]"
_SPACED = re.compile(rf"(?<!\S){_CJK}(?: {_CJK}){{2,}}(?!\S)")
_PAGE_NUMBER = re.compile(
    r"^(?:[-‐ー―—–]\s*\d{1,4}\s*[-‐ー―—–]|\d{1,4}\s*/\s*\d{1,4}|-?\s*\d{1,3}\s*-?|p\.?\s*\d{1,4})$"
)
_LEADER = re.compile(r"(?:・{3,}|\.{4,}|…{2,}|•{3,}|‥{2,})\s*\d{0,4}\s*$")
_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_BOLD = re.compile(r"\*\*")
#: A line this long with this many single spaces and no tab is a flattened page.
FLAT_MIN_CHARS = 160
FLAT_MIN_SPACES = 10


@dataclass
class Line:
    """One line as the reader sees it.

    ``no`` is the 1-based source line number (pieces of a flattened line share
    it); ``raw`` the source text (a piece of it for a flattened line); ``text``
    the NFKC text after repairs, stripped; ``cells`` the cells (stripped,
    empty cells kept); ``kind`` what the stages took the line for (see the
    module docstring); ``note`` where it went (filled by later stages, shown by
    the trace)."""

    no: int
    raw: str
    text: str
    cells: list[str]
    kind: str
    repairs: list[str] = field(default_factory=list)
    note: str = ""
    #: The cells as printed (not NFKC), for names whose footnote marks NFKC changes.
    raw_cells: list[str] = field(default_factory=list)

    @property
    def is_row(self) -> bool:
        """Several cells (a tab- or pipe-separated table line)."""
        return self.kind == "row"


def _unspace(text: str, repairs: list[str]) -> str:
    def join(m: re.Match[str]) -> str:
        repairs.append(f"spaced kanji joined: {m.group(0)!r}")
        return m.group(0).replace(" ", "")

    return _SPACED.sub(join, text)


def _clean(raw: str, repairs: list[str]) -> str:
    text = nfkc(raw).replace("\u3000", " ")
    if "**" in text:
        text = _BOLD.sub("", text)
    return _unspace(text.strip(), repairs)


def split_line(no: int, raw: str) -> list[Line]:
    """The :class:`Line` (or, for a flattened page, the lines) of one source line."""
    repairs: list[str] = []
    if not raw.strip():
        return [Line(no, raw, "", [], "blank")]
    if "\t" in raw:
        cells = [_clean(c, repairs) for c in raw.split("\t")]
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
        text = "\t".join(cells).strip()
        if len(cells) > 1:
            kind = "furniture" if _LEADER.search(cells[-2] if len(cells) > 1 else "") else "row"
            return [Line(no, raw, text, cells, kind, repairs, raw_cells=[c.strip() for c in raw.split("\t")])]
        raw_one = raw.replace("\t", " ")
        return split_line(no, raw_one) if raw_one.strip() else [Line(no, raw, "", [], "blank")]
    text = _clean(raw, repairs)
    if _SEPARATOR.match(text):
        return [Line(no, raw, text, [], "furniture")]
    if "|" in text:
        inner = text.strip()
        if inner.endswith("|") and inner.count("|") == 1:
            cell = inner[:-1].strip()
            repairs.append("pipe cell")
            return [Line(no, raw, cell, [cell], "cell", repairs)]
        if inner.count("|") >= 2:
            cells = [c.strip() for c in inner.strip("|").split("|")]
            return [Line(no, raw, inner, cells, "row", repairs)]
    if _PAGE_NUMBER.match(text) or _LEADER.search(text):
        return [Line(no, raw, text, [text], "furniture", repairs)]
    if len(text) >= FLAT_MIN_CHARS and text.count(" ") >= FLAT_MIN_SPACES:
        pieces = [p for p in re.split(r" +", text) if p]
        return [Line(no, p, p, [p], "cell", ["flattened page split at spaces"]) for p in pieces]
    return [Line(no, raw, text, [text], "cell", repairs)]


_ONE_CJK = re.compile(rf"^{_CJK}$")


def _join_vertical(lines: list[Line]) -> list[Line]:
    """Join runs of one-character lines (a vertical label printed character by
    character: ``目`` / ``標`` / ``値`` → ``目標値``)."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j].kind == "cell" and _ONE_CJK.match(lines[j].text):
            j += 1
        if j - i >= 2:
            text = "".join(ln.text for ln in lines[i:j])
            first = lines[i]
            out.append(
                Line(
                    first.no,
                    text,
                    text,
                    [text],
                    "cell",
                    [f"vertical label joined from lines {first.no}–{lines[j - 1].no}"],
                )
            )
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out


def read_lines(source: SourceText) -> list[Line]:
    """Stage 1: the lines of ``source``, blank lines included (they end blocks)."""
    out: list[Line] = []
    for i, raw in enumerate(source.raw_lines, 1):
        out.extend(split_line(i, raw))
    return _join_vertical(out)
