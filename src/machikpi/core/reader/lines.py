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
_PAGE_NUMBER = re.compile(r"^(?:[-‐ー―—–]\s*\d{1,4}\s*[-‐ー―—–]|\d{1,4}\s*/\s*\d{1,4}|[pP]\.\s*\d{1,4})$")
_LEADER = re.compile(r"(?:・{3,}|\.{4,}|…{2,}|•{3,}|‥{2,})\s*\d{0,4}\s*$")
_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_BOLD = re.compile(r"\*\*")
_COLUMN_GAP = re.compile(r" {2,}")
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


#: Single characters that are units (``人 件 校``): a run of them is a row of unit cells, not spaced kanji.
_UNIT_CHARS = frozenset("人件校回台本点戸社園室基所食日分年冊頭棟床泊")


def _unspace(text: str, repairs: list[str]) -> str:
    def join(m: re.Match[str]) -> str:
        chars = m.group(0).split(" ")
        if sum(c in _UNIT_CHARS for c in chars) * 2 > len(chars):
            return m.group(0)
        repairs.append(f"spaced kanji joined: {m.group(0)!r}")
        return m.group(0).replace(" ", "")

    return _SPACED.sub(join, text)


def _clean(raw: str, repairs: list[str]) -> str:
    text = nfkc(raw).replace("\u3000", " ")
    if "**" in text:
        text = _BOLD.sub("", text)
    return _unspace(text.strip(), repairs)


# ``①婚姻率:5.5‰(平成 25 年)→5.9‰(平成 31 年)`` inside a flattened page: one piece, spaces and all.
_FLAT_VALUE = r"[△▲-]?\d[\d,.]*\s?[^\s→⇒(（:：\d]{0,4}\s?(?:[(（][^()（）→]{0,20}[)）])?"
_FLAT_ITEM = re.compile(rf"[^\s:：]{{2,40}}[:：]\s?{_FLAT_VALUE}\s?[→⇒]\s?{_FLAT_VALUE}")


# ``平成 25 (基準値)``, ``令和 2 年度``: an era year printed with spaces is one header cell.
_FLAT_ERA_YEAR = r"(?<![^\s])(?:平成|令和|昭和|[HR])\s?(?:\d{1,2}|元)(?:\s?年度?)?(?:\s?[(（][^()（）\s]{1,6}[)）])?(?![^\s])"
#: The pieces of a flattened page that are not split at their spaces.
_FLAT_KEPT = re.compile(rf"(?P<item>{_FLAT_ITEM.pattern})|(?P<year>{_FLAT_ERA_YEAR})")


def _flat_pieces(text: str) -> list[str]:
    """The pieces of a flattened page: split at its spaces, except inside a
    ``名: 基準 → 目標`` item, which stays whole, and inside an era year printed
    with spaces (``平成 25 (基準値)``), which becomes one cell (``平成25(基準値)``)."""
    pieces: list[str] = []
    pos = 0
    for m in _FLAT_KEPT.finditer(text):
        pieces += [p for p in re.split(r" +", text[pos : m.start()]) if p]
        kept = m.group(0).strip()
        pieces.append(kept if m.lastgroup == "item" else kept.replace(" ", ""))
        pos = m.end()
    pieces += [p for p in re.split(r" +", text[pos:]) if p]
    return pieces


def split_line(no: int, raw: str, known_fields: list[str] | None = None) -> list[Line]:
    """The :class:`Line` (or, for a flattened page or a glued table, the lines)
    of one source line. ``known_fields`` collects the 分野 names of glued tables
    across lines (a later page starts with a 分野 read on an earlier one)."""
    known_fields = [] if known_fields is None else known_fields
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
        if not raw_one.strip():
            return [Line(no, raw, "", [], "blank")]
        one = split_line(no, raw_one, known_fields)
        for piece in one:
            piece.raw = raw if len(one) == 1 else piece.raw
        return one
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
    spaced_cells = [c.strip() for c in _COLUMN_GAP.split(text) if c.strip()]
    if len(spaced_cells) >= 3 and len(text) < FLAT_MIN_CHARS:
        # Columns separated by runs of spaces (a table printed with space padding).
        repairs.append("columns separated by runs of spaces")
        return [Line(no, raw, "\t".join(spaced_cells), spaced_cells, "row", repairs, raw_cells=spaced_cells)]
    if len(text) >= 100:
        glued = _unglue(no, text, known_fields)
        if glued:
            return glued
    if len(text) >= FLAT_MIN_CHARS and text.count(" ") >= FLAT_MIN_SPACES:
        # Split the printed text (circled numbers and the like kept in ``raw``), each piece read alone.
        spaced: list[str] = []
        printed = _unspace(_BOLD.sub("", raw.replace("\u3000", " ")).strip(), spaced)
        out: list[Line] = []
        for part in _flat_pieces(printed):
            out.append(
                Line(
                    no,
                    part,
                    nfkc(part).strip(),
                    [nfkc(part).strip()],
                    "cell",
                    ["flattened page split at spaces"],
                )
            )
        return out
    return [Line(no, raw, text, [text], "cell", repairs)]


_ONE_CJK = re.compile(rf"^{_CJK}$")


def _join_vertical(lines: list[Line]) -> list[Line]:
    """Join runs of one-character lines (a vertical label printed character by
    character: ``目`` / ``標`` / ``値`` → ``目標値``)."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        j = i
        while (
            j < len(lines)
            and lines[j].kind == "cell"
            and _ONE_CJK.match(lines[j].text)
            and lines[j].text not in _UNIT_CHARS
            and not lines[j].repairs
        ):
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


# A glued table: header words run together (``策定時の値(2015年度)中間目標(2019年度)目標値(2023年度)``).
_GLUED_HEAD = re.compile(
    r"(?P<col>策定時の値|策定時|基準値|現状値|中間目標値?|最終目標値|目標値|目標|実績値)"
    r"(?P<year>\((?:19|20)\d\d年度?\)|\((?:平成|令和)\s*\d+年度?\))?"
)
_GLUED_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_GLUED_UNIT = r"(?:%|kWh|ha|km|万人|千人|人|件|箇所|カ所|か所|ヶ所|回|台|本|点|円|千円|万円|億円|団体|社|校|日|時間|分|世帯|戸|t|トン)"
_GLUED_VALUE = rf"(?:[―—–-]|{_GLUED_NUM}\s*{_GLUED_UNIT}?(?:\((?:19|20)\d\d年度?\))?)"
_PAGE_REF = re.compile(r"P(\d{1,3})")


def _unglue(no: int, text: str, known_fields: list[str]) -> list[Line] | None:
    """A table whose cells run together on one line (a flip-book page's text
    layer): the header words give the value columns; each row is text ending
    in ``。`` (分野, 項目, ``P35``, the name, its 説明) followed by one value per
    column. Returns a header row and one tab row per indicator, or ``None``."""
    heads = list(_GLUED_HEAD.finditer(text))
    run: list[re.Match[str]] = []
    for m in heads:
        if run and m.start() - run[-1].end() > 2:
            if len(run) >= 2:
                break
            run = []
        run.append(m)
    if len(run) < 2:
        return None
    ncol = len(run)
    body = text[run[-1].end() :]
    row_re = re.compile(rf"(?P<text>[^。]*。)\s*(?P<vals>(?:{_GLUED_VALUE}\s*){{{ncol}}})")
    rows: list[Line] = []
    header = ["分野", "項目", "指標", *(m.group(0) for m in run), "説明"]
    rep = ["glued table: cells recovered by the value pattern"]
    rows.append(Line(no, text[: run[-1].end()], "\t".join(header), header, "row", list(rep)))
    field = item = ""
    for m in row_re.finditer(body):
        head = m.group("text").strip()
        vals = re.findall(_GLUED_VALUE, m.group("vals"))
        if len(vals) != ncol:
            continue
        ref = _PAGE_REF.search(head)
        if ref:
            # ``P391人…``: the page number is the reading closest above the last page seen (P37 → P39, not P391).
            digits = ref.group(1)
            last = int(known_fields[-1]) if known_fields and known_fields[-1].isdigit() else 0
            if last:
                cut = min(
                    range(1, len(digits) + 1),
                    key=lambda k: (int(digits[:k]) < last, abs(int(digits[:k]) - last - 2)),
                )
            else:
                cut = min(len(digits), 2)
            before, head = head[: ref.start()], head[ref.start() + 1 + cut :]
            known_fields[:] = [f for f in known_fields if not f.isdigit()]
            field, item = _split_field(before, known_fields)
            known_fields.append(digits[:cut])
        name, desc = _split_name(head)
        if not name:
            continue
        cells = [field, item, name, *vals, desc]
        field = item = ""
        rows.append(Line(no, m.group(0), "\t".join(cells), cells, "row", list(rep)))
    return rows if len(rows) > 2 else None


def _split_field(text: str, known: list[str]) -> tuple[str, str]:
    """``健康健康・医療`` → (``健康``, ``健康・医療``): a 分野 cell glued to its 項目
    cell, split where the text repeats its start or begins with a 分野 seen before."""
    t = text.strip()
    for k in range(1, len(t) // 2 + 1):
        if t[k:].startswith(t[:k]) and k >= 2:
            known.append(t[:k])
            return t[:k], t[k:]
    for f in sorted((k for k in known if not k.isdigit()), key=len, reverse=True):
        if t.startswith(f) and len(t) > len(f):
            return f, t[len(f) :]
    return "", t


def _split_name(text: str) -> tuple[str, str]:
    """An indicator name glued to its description: the name ends at the first
    indicator-name ending (割合, 率, 数, 量 …, with a bracket after it) before
    the description's first comma or stop."""
    from .vocabulary import vocabulary

    stop = min([p for p in (text.find("、"), text.find("。")) if p >= 0] or [len(text)])
    endings = vocabulary().name_endings
    best = -1
    for k in range(2, stop + 1):
        if any(text[:k].endswith(e) for e in endings) and text[k : k + 1] not in (
            "数",
            "率",
            "量",
            "額",
            "割",
            "度",
        ):
            best = k
            break
    if best < 0:
        return "", text
    m = re.match(r"\([^()]{1,20}\)(?:\([^()]{1,20}\))?", text[best:])
    if m:
        best += m.end()
    return text[:best], text[best:]


def read_lines(source: SourceText) -> list[Line]:
    """Stage 1: the lines of ``source``, blank lines included (they end blocks)."""
    out: list[Line] = []
    fields: list[str] = []
    for i, raw in enumerate(source.raw_lines, 1):
        out.extend(split_line(i, raw, fields))
    return _join_vertical(out)
