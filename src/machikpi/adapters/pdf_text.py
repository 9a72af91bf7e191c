"""Reading a plan PDF into text lines in reading order, with pdfplumber.

pdfplumber (on pdfminer.six, pure Python) gives every character with its box,
the ruling lines, and a table finder whose settings are spelt out here
(:data:`TABLE_SETTINGS`) and can be inspected with its debug tools. From that
this module rebuilds the lines a reader of the printed page would read:

- characters are grouped into lines by their baseline (a raised footnote mark
  stays in its line) and read left to right; no space is put between the
  characters of a Japanese word, a space where the PDF has one or where two
  words stand apart, a TAB where they stand far apart (more than
  :data:`TAB_GAP` character widths: a table without rules, a contents list);
- a paragraph wrapped at the right edge of its column is one line (also over
  a page break, placed where it starts); headings, list items and short
  lines stay as printed;
- a ruled table (two columns or more: a frame round text is read as text) is
  one line per table row, its cells separated by TAB; a cell printed over
  several lines is joined into one cell; a cell merged over several columns
  gives its text to each column where the row below splits it (``目標値``
  over ``(2027)`` and ``(2031)``), else to the first only; a cell merged over
  several rows gives its text to the first row, the rows below get an empty
  cell; a table continued on the next page goes on without a blank line, its
  repeated header rows dropped;
- page furniture is dropped: text in the top or bottom margin band
  (:data:`MARGIN_BAND`) printed at the same place on most pages (a running
  header or footer, digits counted as equal), and page numbers at the page's
  edge (``- 12 -``, ``12/40``, ``p.12``);
- vertical text (upright characters stacked one per line, or rotated
  characters) is joined into one word, put right before what it stands beside;
- a page set in two columns is read column by column;
- a blank line is put between paragraphs (a gap of more than
  :data:`PARAGRAPH_GAP` character heights), around tables and at a page
  break (unless the paragraph goes on).

Every line keeps where it was printed (:class:`LinePosition`: 1-based page,
box in PDF points from the top-left corner); blank lines have ``None``.
Full-width digits are kept as printed (the reader NFKC-normalises). A font
whose encoding is a CMap embedded in the PDF is read as Identity (see
:func:`_patch_embedded_cmaps`; pdfminer would lose all its text).
"""

from __future__ import annotations

import io
import itertools
import math
import re
import traceback
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.errors import DocumentError
from ..core.source import LinePosition, SourceText

#: The settings of pdfplumber's table finder: tables from ruling lines only
#: (drawn lines, the sides of rectangles, the straight pieces of curves),
#: snapped and joined within 3 pt. pdfplumber's ``lines`` strategy collects
#: those lines itself; :func:`read_pdf` collects them with the characters in
#: one pass and hands them over as ``explicit`` lines, which finds the same
#: tables. ``page.debug_tablefinder(TABLE_SETTINGS)`` shows what it finds.
#: Tables without rules are read by text alignment instead (words far apart
#: on one line are separated by TAB).
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "edge_min_length": 3,
    "intersection_tolerance": 3,
}

#: A gap between two words of more than this many character widths is a TAB.
TAB_GAP = 2.0
#: A vertical gap between two lines of more than this many character heights
#: starts a new paragraph (a blank line is put between them).
PARAGRAPH_GAP = 0.8
#: A line that ends within this many character widths of its column's right
#: edge is wrapped (Japanese line breaking can leave two characters' room
#: before 。 or 、): the paragraph goes on in the next line.
WRAP_SLACK = 2.5
#: The share of the page height at its top and bottom where running headers,
#: footers and page numbers are looked for.
MARGIN_BAND = 0.1

NO_TEXT_LAYER = (
    "このPDFには文字情報（テキスト層）がありません。スキャン画像のPDFは読めません（OCRは行いません）。"
    "文字を選択・コピーできるPDFを使ってください。"
)

_SPACES = {" ", "\u3000", "\u00a0", "\t"}
_PAGE_NUMBER = re.compile(
    r"^[\s\-‐−–—―~〜]*(?:p\.?|P\.?|ページ|頁)?\s*\d{1,4}\s*(?:/\s*\d{1,4})?\s*(?:ページ|頁)?[\s\-‐−–—―~〜]*$"
)


# How a new item starts: a bullet, a number, a heading, a bracketed label. A
# line that starts so is not the continuation of the line above.
_ITEM_START = re.compile(
    r"^(?:[・●○◎■□◆◇▶▷►•\-–※*#№]|[(]\s*[0-9一二三四五六七八九十]+\s*[)]|[①-⑳]|[0-9]+[.、)]"
    r"|第[0-9一二三四五六七八九十]+[章節条部]|[【<\[])"
)


def _starts_item(text: str) -> bool:
    t = text.strip()
    return bool(_ITEM_START.match(t) or _ITEM_START.match(unicodedata.normalize("NFKC", t)))


def _wide(ch: str) -> bool:
    """A character of Japanese text: no space is put between two of them."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


@dataclass
class _Seg:
    """Characters that belong together: a word group on one line, or a vertical word."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    vertical: bool = False

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class _Table:
    """A ruled table: one text per row (cells joined by TAB), the row boxes,
    the column boundaries (for joining a table continued on the next page)."""

    rows: list[str]
    boxes: list[tuple[float, float, float, float]]
    x_edges: list[float]
    x0: float
    top: float
    x1: float
    bottom: float
    size: float


@dataclass
class _Item:
    """One line of the page (text or vertical word) or a whole table, in reading order."""

    page: int
    seg: _Seg | None = None
    table: _Table | None = None
    blank_before: bool = False
    furniture: bool = False
    col: int = 0  # 0 the page's one column, 1 the left, 2 the right one
    runs_on: bool = False  # a text line that reaches the right edge of its column (a wrapped paragraph)

    @property
    def box(self) -> tuple[float, float, float, float]:
        if self.table is not None:
            t = self.table
            return (t.x0, t.top, t.x1, t.bottom)
        assert self.seg is not None
        s = self.seg
        return (s.x0, s.top, s.x1, s.bottom)


# --- characters to words ----------------------------------------------------------------


def _join_chars(chars: Sequence[dict[str, Any]]) -> str:
    """The text of characters on one line, in x order: a space where the PDF
    has one or where the gap is wider than a word space (wider for Japanese)."""
    out: list[str] = []
    prev: dict[str, Any] | None = None
    pending_space = ""
    for c in chars:
        t = c["text"]
        if t in _SPACES or not t.strip():
            if prev is not None and not pending_space:
                pending_space = "\u3000" if t == "\u3000" else " "
            continue
        if prev is not None:
            size = max(float(prev["size"]), float(c["size"]), 1.0)
            gap = float(c["x0"]) - float(prev["x1"])
            limit = 0.6 if (_wide(prev["text"][-1]) and _wide(t[0])) else 0.18
            if pending_space:
                out.append(pending_space)
            elif gap > limit * size:
                out.append(" ")
        out.append(t)
        prev = c
        pending_space = ""
    return "".join(out)


def _seg_of(chars: Sequence[dict[str, Any]]) -> _Seg:
    ink = [c for c in chars if c["text"].strip()]
    return _Seg(
        text=_join_chars(chars),
        x0=min(float(c["x0"]) for c in ink),
        top=min(float(c["top"]) for c in ink),
        x1=max(float(c["x1"]) for c in ink),
        bottom=max(float(c["bottom"]) for c in ink),
        size=max(float(c["size"]) for c in ink) or 10.0,
    )


def _char_rows(chars: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Upright characters grouped into lines by baseline, each in x order."""
    rows: list[list[dict[str, Any]]] = []
    ref = -1e9
    for c in sorted(chars, key=lambda c: (float(c["bottom"]), float(c["x0"]))):
        tol = max(1.5, 0.35 * float(c["size"]))
        if rows and float(c["bottom"]) - ref <= tol:
            rows[-1].append(c)
        else:
            rows.append([c])
            ref = float(c["bottom"])
    # A row of small characters inside the height of a row next to it (a
    # raised footnote mark, a subscript) belongs to that row.
    merged: list[list[dict[str, Any]]] = []
    for k, row in enumerate(rows):
        size = max(float(c["size"]) for c in row)
        mid = sum((float(c["top"]) + float(c["bottom"])) / 2 for c in row) / len(row)
        host = None
        for j in (k - 1, k + 1):
            if 0 <= j < len(rows) and rows[j] and rows[j] is not row:
                other = rows[j]
                if size <= 0.9 * max(float(c["size"]) for c in other) and min(
                    float(c["top"]) for c in other
                ) <= mid <= max(float(c["bottom"]) for c in other):
                    host = other
                    break
        if host is not None:
            host.extend(row)
            row.clear()
        else:
            merged.append(row)
    rows = [r for r in merged if r]
    for row in rows:
        row.sort(key=lambda c: float(c["x0"]))
    return rows


def _segments(chars: list[dict[str, Any]]) -> list[_Seg]:
    """Upright characters as word groups: one line split where two characters
    stand more than :data:`TAB_GAP` character widths apart."""
    segs: list[_Seg] = []
    for row in _char_rows(chars):
        group: list[dict[str, Any]] = []
        last_x1: float | None = None
        for c in row:
            ink = bool(c["text"].strip())
            if (
                ink
                and last_x1 is not None
                and float(c["x0"]) - last_x1 > TAB_GAP * max(float(c["size"]), 1.0)
            ):
                if any(g["text"].strip() for g in group):
                    segs.append(_seg_of(group))
                group = []
            group.append(c)
            if ink:
                last_x1 = float(c["x1"])
        if any(g["text"].strip() for g in group):
            segs.append(_seg_of(group))
    return segs


def _stack_vertical(segs: list[_Seg]) -> list[_Seg]:
    """Join upright characters printed one under the other (vertical writing
    set as one character per line) into one vertical word. A chain needs two
    or more single characters, centred on one another, each right under the
    one before (a gap of at most a third of the character height: ordinary
    lines have leading); chains of digits only (a column of page numbers) are
    left alone."""
    singles = sorted((s for s in segs if len(s.text) == 1), key=lambda s: s.top)
    used: set[int] = set()
    out: list[_Seg] = []
    for i, s in enumerate(singles):
        if id(s) in used:
            continue
        chain = [s]
        for t in singles[i + 1 :]:
            last = chain[-1]
            if t.top - last.bottom > 0.35 * last.size:
                if t.top > last.bottom + 2 * last.size:
                    break
                continue
            if (
                abs((t.x0 + t.x1) / 2 - (last.x0 + last.x1) / 2) <= 0.3 * last.size
                and t.top >= last.bottom - 1
            ):
                chain.append(t)
        if len(chain) < 2 or all(c.text.isdigit() for c in chain):
            continue
        used.update(id(c) for c in chain)
        out.append(
            _Seg(
                text="".join(c.text for c in chain),
                x0=min(c.x0 for c in chain),
                top=chain[0].top,
                x1=max(c.x1 for c in chain),
                bottom=chain[-1].bottom,
                size=chain[0].size,
                vertical=True,
            )
        )
    return [s for s in segs if id(s) not in used] + out


def _rotated(chars: list[dict[str, Any]]) -> list[_Seg]:
    """Rotated characters (vertical text set by rotation) as vertical words:
    grouped by column, read top to bottom, or bottom to top when the text
    runs upwards."""
    cols: list[list[dict[str, Any]]] = []
    for c in sorted(chars, key=lambda c: ((float(c["x0"]) + float(c["x1"])) / 2, float(c["top"]))):
        xc = (float(c["x0"]) + float(c["x1"])) / 2
        if cols:
            last = cols[-1][-1]
            lxc = (float(last["x0"]) + float(last["x1"])) / 2
            near = float(c["top"]) - float(last["bottom"]) <= 0.5 * float(c["size"])
            if abs(xc - lxc) <= 0.3 * float(c["size"]) and near:
                cols[-1].append(c)
                continue
        cols.append([c])
    out: list[_Seg] = []
    for col in cols:
        ink = [c for c in col if c["text"].strip()]
        if not ink:
            continue
        upwards = float(ink[0]["matrix"][1]) > 0
        ordered = sorted(ink, key=lambda c: float(c["top"]), reverse=upwards)
        out.append(
            _Seg(
                text="".join(c["text"] for c in ordered),
                x0=min(float(c["x0"]) for c in ink),
                top=min(float(c["top"]) for c in ink),
                x1=max(float(c["x1"]) for c in ink),
                bottom=max(float(c["bottom"]) for c in ink),
                size=max(float(c["size"]) for c in ink) or 10.0,
                vertical=True,
            )
        )
    return out


def _seg_rows(segs: Iterable[_Seg]) -> list[list[_Seg]]:
    """Horizontal segments grouped into printed lines (middles within half a
    character height: a raised footnote mark stays on its line), top to
    bottom, each in x order."""
    rows: list[list[_Seg]] = []
    for s in sorted((s for s in segs if not s.vertical), key=lambda s: s.cy):
        if rows and abs(s.cy - rows[-1][0].cy) <= 0.5 * max(s.size, rows[-1][0].size):
            rows[-1].append(s)
        else:
            rows.append([s])
    for row in rows:
        row.sort(key=lambda s: s.x0)
    return rows


def _glue(row: list[_Seg], far: str) -> str:
    """The text of one printed line's segments: ``far`` between segments more
    than :data:`TAB_GAP` character widths apart, a space between words apart,
    nothing between a word and a mark set close to it (a raised ※)."""
    text = ""
    prev: _Seg | None = None
    for s in row:
        piece = s.text.strip()
        if not piece:
            continue
        if prev is not None and text:
            size = max(prev.size, s.size, 1.0)
            gap = s.x0 - prev.x1
            if gap > TAB_GAP * size:
                text += far
            elif gap > (0.6 if _wide(text[-1]) and _wide(piece[0]) else 0.18) * size:
                text += " "
        text += piece
        prev = s
    return text


def _cell_text(chars: list[dict[str, Any]]) -> str:
    """The text of one table cell: its lines joined, with no space between two
    Japanese characters, a space otherwise; vertical text in the cell joined."""
    upright = [c for c in chars if c.get("upright", True)]
    segs = _stack_vertical(_segments(upright)) + _rotated([c for c in chars if not c.get("upright", True)])
    pieces = [(row[0].top, _glue(row, " ")) for row in _seg_rows(segs)]
    pieces += [(s.top, s.text.strip()) for s in segs if s.vertical]
    text = ""
    for _, piece in sorted(pieces, key=lambda p: p[0]):
        if not piece:
            continue
        if text and not (_wide(text[-1]) and _wide(piece[0])):
            text += " "
        text += piece
    return text


# --- tables -------------------------------------------------------------------------------


def _inside(c: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x = (float(c["x0"]) + float(c["x1"])) / 2
    y = (float(c["top"]) + float(c["bottom"])) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _read_table(table: Any, chars: list[dict[str, Any]]) -> _Table | None:
    """One table found by pdfplumber, as rows of TAB-separated cells."""
    cells: list[tuple[float, float, float, float]] = [tuple(map(float, c)) for c in table.cells]  # type: ignore[misc]
    if not cells:
        return None
    xs = sorted({round(v, 1) for c in cells for v in (c[0], c[2])})
    ys = sorted({round(v, 1) for c in cells for v in (c[1], c[3])})
    x_edges = [x for i, x in enumerate(xs) if i == 0 or x - xs[i - 1] > 1.5]
    y_edges = [y for i, y in enumerate(ys) if i == 0 or y - ys[i - 1] > 1.5]
    ncol, nrow = len(x_edges) - 1, len(y_edges) - 1
    if ncol < 2 or nrow < 1:
        return None  # a frame round text (a box, a label), not a table: its text is read as text

    def index(edges: list[float], v: float) -> int:
        return min(range(len(edges)), key=lambda i: abs(edges[i] - v))

    in_table = [c for c in chars if _inside(c, table.bbox)]
    grid: list[list[tuple[int, int, int, int] | None]] = [[None] * ncol for _ in range(nrow)]
    texts: dict[tuple[int, int, int, int], str] = {}
    for box in cells:
        c0, c1 = index(x_edges, box[0]), index(x_edges, box[2])
        r0, r1 = index(y_edges, box[1]), index(y_edges, box[3])
        if c1 <= c0 or r1 <= r0:
            continue
        key = (r0, c0, r1, c1)
        texts[key] = _cell_text([c for c in in_table if _inside(c, box)])
        for r in range(r0, r1):
            for col in range(c0, c1):
                grid[r][col] = key
    rows: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []
    sizes = [float(c["size"]) for c in in_table if c["text"].strip()]
    for r in range(nrow):
        out: list[str] = []
        for col in range(ncol):
            here = grid[r][col]
            if here is None:
                out.append("")
                continue
            r0, c0, r1, c1 = here
            if r0 != r:  # merged over rows: the text belongs to the first row
                out.append("")
            elif c0 == col:
                out.append(texts[here])
            elif r1 - r0 == 1 and r + 1 < nrow and _split_below(grid, r + 1, c0, c1):
                out.append(texts[here])  # a group header over the columns of the row below
            else:
                out.append("")
        if not any(out):
            continue
        rows.append("\t".join(out))
        boxes.append((x_edges[0], y_edges[r], x_edges[-1], y_edges[r + 1]))
    if not rows:
        return None
    x0, top, x1, bottom = (float(v) for v in table.bbox)
    size = sorted(sizes)[len(sizes) // 2] if sizes else 10.0
    return _Table(rows, boxes, x_edges, x0, top, x1, bottom, size)


def _split_below(grid: list[list[tuple[int, int, int, int] | None]], r: int, c0: int, c1: int) -> bool:
    """Whether row ``r`` has more than one cell under columns ``c0``..``c1``."""
    below = {grid[r][c] for c in range(c0, c1)}
    return len(below) > 1 and None not in below


# --- a page ---------------------------------------------------------------------------------


def _gutter(segs: list[_Seg], left: float, right: float) -> float | None:
    """The x of the right column's left edge when the text is set in two
    columns, else ``None``. Two columns: at least three lines start at one x
    in the middle of the page, at least three lines end left of it, few lines
    cross it, and at least two lines of the right side run to the right edge
    (wrapped text; the values of a table without rules do not)."""
    text = [s for s in segs if not s.vertical]
    width = right - left
    if width <= 0 or len(text) < 6:
        return None
    starts = Counter(round(s.x0 / 2) * 2 for s in text if left + 0.3 * width <= s.x0 <= left + 0.7 * width)
    for x, n in starts.most_common(3):
        if n < 3:
            break
        rights = [s for s in text if s.x0 >= x - 2]
        lefts = [s for s in text if s.x1 <= x - 4]
        crossing = [s for s in text if s.x0 < x - 2 and s.x1 > x - 4]
        if len(lefts) < 3 or len(rights) < 3 or len(crossing) > 0.2 * len(text):
            continue
        full = [s for s in rights if s.x1 >= right - 1.5 * s.size]
        if len(full) >= 2:
            return float(x)
    return None


def _lines_of(segs: list[_Seg]) -> list[_Item]:
    """Segments of one column as lines (see :func:`_seg_rows`), segments far
    apart separated by TAB; vertical words stand alone."""
    out: list[_Item] = []
    for row in _seg_rows(segs):
        seg = _Seg(
            text=_glue(row, "\t"),
            x0=min(s.x0 for s in row),
            top=min(s.top for s in row),
            x1=max(s.x1 for s in row),
            bottom=max(s.bottom for s in row),
            size=max(s.size for s in row),
        )
        out.append(_Item(0, seg=seg))
    out += [_Item(0, seg=s) for s in segs if s.vertical]
    return out


def _order(items: list[_Item]) -> list[_Item]:
    """Items top to bottom; items starting at the same height (within 3 pt)
    left to right. A vertical word beside other items (a side label next to a
    table) comes right before the first of them it stands beside."""

    def key(it: _Item) -> float:
        _x0, top, x1, bottom = it.box
        if it.seg is not None and it.seg.vertical:
            beside = [
                o.box[1]
                for o in items
                if o is not it and o.box[0] >= x1 - 1 and o.box[1] < bottom and o.box[3] > top
            ]
            return min([top, *beside]) - 0.01
        return top

    keyed = sorted(((key(it), it) for it in items), key=lambda p: p[0])
    out: list[tuple[float, _Item]] = []
    for k_it in keyed:
        k = len(out)
        while k > 0 and abs(out[k - 1][0] - k_it[0]) <= 3 and out[k - 1][1].box[0] > k_it[1].box[0]:
            k -= 1
        out.insert(k, k_it)
    return [it for _, it in out]


def _column(items: list[_Item], col: int) -> list[_Item]:
    for it in items:
        it.col = col
    return items


def _page_objects(page: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The characters and the ruling-line edges of a page, in pdfplumber's
    coordinates (PDF points from the page's top-left), read from pdfminer's
    layout of the page.

    The same as pdfplumber's ``page.chars`` and ``page.edges`` (edges of
    lines, of rectangles' sides and of curves' straight pieces), with only the
    keys used here: pdfplumber turns every object of the page into a dict of
    all its attributes, which takes as long as reading the page itself."""
    from pdfminer.layout import LTChar, LTContainer, LTCurve, LTLine, LTRect

    height = float(page.height)
    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])
    chars: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []

    def edge(x0: float, top: float, x1: float, bottom: float) -> None:
        if x0 == x1 or top == bottom:
            orientation = "v" if x0 == x1 else "h"
            edges.append(
                {
                    "object_type": "line_edge",
                    "x0": x0,
                    "x1": x1,
                    "top": top,
                    "bottom": bottom,
                    "doctop": top,
                    "width": x1 - x0,
                    "height": bottom - top,
                    "orientation": orientation,
                }
            )

    def walk(objs: Iterable[Any]) -> None:
        for obj in objs:
            if isinstance(obj, LTContainer):
                walk(obj)
            elif isinstance(obj, LTChar):
                chars.append(
                    {
                        "text": obj.get_text(),
                        "x0": obj.x0 + mb_x0,
                        "x1": obj.x1 + mb_x0,
                        "top": height - obj.y1 + mb_top,
                        "bottom": height - obj.y0 + mb_top,
                        "size": obj.size,
                        "upright": obj.upright,
                        "matrix": obj.matrix,
                    }
                )
            elif isinstance(obj, LTRect | LTLine):
                x0, x1 = obj.x0 + mb_x0, obj.x1 + mb_x0
                top, bottom = height - obj.y1 + mb_top, height - obj.y0 + mb_top
                if isinstance(obj, LTLine):
                    edge(x0, top, x1, bottom)
                else:
                    edge(x0, top, x1, top)
                    edge(x0, bottom, x1, bottom)
                    edge(x0, top, x0, bottom)
                    edge(x1, top, x1, bottom)
            elif isinstance(obj, LTCurve):
                pts = [page.point2coord(pt) for pt in obj.pts]
                for (ax, ay), (bx, by) in itertools.pairwise(pts):
                    edge(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))

    walk(page.layout)
    return chars, edges


def _find_tables(page: Any, edges: list[dict[str, Any]]) -> list[Any]:
    """pdfplumber's tables of the page from its ruling lines: :data:`TABLE_SETTINGS`
    with the edges handed over explicitly (what the ``lines`` strategy would
    collect itself)."""
    v = [e for e in edges if e["orientation"] == "v"]
    h = [e for e in edges if e["orientation"] == "h"]
    if len(v) < 2 or len(h) < 2:
        return []
    settings = dict(
        TABLE_SETTINGS,
        vertical_strategy="explicit",
        horizontal_strategy="explicit",
        explicit_vertical_lines=v,
        explicit_horizontal_lines=h,
    )
    return list(page.find_tables(settings))


def _page_items(
    page: Any, number: int, chars: list[dict[str, Any]], edges: list[dict[str, Any]]
) -> list[_Item]:
    """The lines and tables of one page in reading order, with blank-line marks."""
    tables: list[_Table] = []
    for found in _find_tables(page, edges):
        t = _read_table(found, chars)
        if t is not None:
            tables.append(t)
    boxes = [(t.x0, t.top, t.x1, t.bottom) for t in tables]
    free = [c for c in chars if not any(_inside(c, b) for b in boxes)]
    segs = _stack_vertical(_segments([c for c in free if c.get("upright", True)]))
    segs += _rotated([c for c in free if not c.get("upright", True)])
    segs = [s for s in segs if s.text.strip()]
    left = min([s.x0 for s in segs] + [t.x0 for t in tables], default=0.0)
    right = max([s.x1 for s in segs] + [t.x1 for t in tables], default=float(page.width))
    tab_items = [_Item(number, table=t) for t in tables]
    gutter = _gutter(segs, left, right)
    ordered: list[_Item] = []
    if gutter is None:
        ordered = _order(_lines_of(segs) + tab_items)
    else:
        # Bands between the items that cross the gutter; in each band the left
        # column, then the right one.
        col_left = [s for s in segs if s.x1 <= gutter - 4]
        col_right = [s for s in segs if s.x0 >= gutter - 2]
        cross = [s for s in segs if s.x1 > gutter - 4 and s.x0 < gutter - 2]
        spanning = _lines_of(cross) + [
            it for it in tab_items if it.box[0] < gutter - 2 and it.box[2] > gutter - 4
        ]
        lefts = _column(_lines_of(col_left) + [it for it in tab_items if it.box[2] <= gutter - 4], 1)
        rights = _column(_lines_of(col_right) + [it for it in tab_items if it.box[0] >= gutter - 2], 2)
        cuts = sorted(spanning, key=lambda it: it.box[1])
        start = -1e9
        for cut in [*cuts, None]:
            end = cut.box[1] if cut is not None else 1e9
            ordered += _order([it for it in lefts if start <= it.box[1] < end])
            ordered += _order([it for it in rights if start <= it.box[1] < end])
            if cut is not None:
                ordered.append(cut)
                start = cut.box[1] + 1e-6
    prev: _Item | None = None
    for it in ordered:
        it.page = number
        if prev is None or it.table is not None or prev.table is not None:
            it.blank_before = True
        elif it.col != prev.col:
            it.blank_before = False
        else:
            size = (prev.seg.size if prev.seg else 10.0) or 10.0
            it.blank_before = it.box[1] - prev.box[3] > PARAGRAPH_GAP * size
        prev = it
    return _join_wrapped(ordered)


def _plain(it: _Item) -> bool:
    return it.seg is not None and not it.seg.vertical and "\t" not in it.seg.text


def _join_wrapped(items: list[_Item]) -> list[_Item]:
    """Join the lines of a paragraph wrapped at the column's right edge into
    one line: a line that reaches the right edge of its column (within
    :data:`WRAP_SLACK` character widths) goes on in the next one when that starts at the
    column's left edge with no paragraph gap between, and does not start as
    a new item does (a bullet, a number, 第N章, a bracket). Headings, list
    items and other short lines are kept as printed."""
    edges: dict[int, tuple[float, float]] = {}
    for it in items:
        if _plain(it):
            lo, hi = edges.get(it.col, (1e9, -1e9))
            edges[it.col] = (min(lo, it.box[0]), max(hi, it.box[2]))
    out: list[_Item] = []
    last_right = 0.0  # the right end of the last printed line of out[-1]
    for it in items:
        prev = out[-1] if out else None
        if (
            prev is not None
            and _plain(prev)
            and _plain(it)
            and not it.blank_before
            and prev.col == it.col
            and not _starts_item(it.seg.text if it.seg else "")
        ):
            assert prev.seg is not None and it.seg is not None
            size = max(prev.seg.size, 1.0)
            lo, hi = edges[it.col]
            if (
                last_right >= hi - WRAP_SLACK * size
                and it.box[0] <= lo + 1.5 * size
                and it.box[1] > prev.box[1]
            ):
                a, b = prev.seg.text.rstrip(), it.seg.text.strip()
                glue = "" if (a and b and _wide(a[-1]) and _wide(b[0])) else " "
                prev.seg = _Seg(
                    text=a + glue + b,
                    x0=min(prev.box[0], it.box[0]),
                    top=prev.box[1],
                    x1=max(prev.box[2], it.box[2]),
                    bottom=it.box[3],
                    size=prev.seg.size,
                )
                last_right = it.box[2]
                continue
        out.append(it)
        last_right = it.box[2]
    for it in out:
        if _plain(it) and it.seg is not None:
            it.runs_on = it.box[2] >= edges[it.col][1] - WRAP_SLACK * max(it.seg.size, 1.0)
    return out


# --- the document ---------------------------------------------------------------------------

_TWO_BYTE_SPACE = re.compile(rb"begincodespacerange\s*<0000>\s*<ffff>\s*endcodespacerange", re.IGNORECASE)


def _patch_embedded_cmaps() -> None:
    """Let pdfminer read fonts whose encoding is a CMap embedded in the PDF.

    pdfminer.six looks such a CMap up by its name in its own database and,
    not finding it, decodes nothing: every character of the font is lost
    (WeasyPrint, for one, embeds one when a glyph is missing from the font).
    An embedded CMap with the two-byte code space ``<0000>``–``<ffff>`` is
    read as Identity (code = CID); the font's ToUnicode map, which the PDF
    standard keys by code, then gives the text as a viewer's copy would."""
    from pdfminer import pdffont
    from pdfminer.cmapdb import IdentityCMap
    from pdfminer.pdftypes import PDFStream, resolve1

    original = pdffont.PDFCIDFont.get_cmap_from_spec
    if getattr(original, "_machikpi_patched", False):
        return

    def get_cmap_from_spec(self: Any, spec: Any, strict: bool) -> Any:
        encoding = resolve1(spec.get("Encoding")) if hasattr(spec, "get") else None
        if isinstance(encoding, PDFStream):
            try:
                data = encoding.get_data()
            except Exception:
                data = b""
            if _TWO_BYTE_SPACE.search(data or b""):
                wmode = resolve1(encoding.attrs.get("WMode", 0))
                return IdentityCMap(WMode=int(wmode or 0))
        return original(self, spec, strict)

    get_cmap_from_spec._machikpi_patched = True  # type: ignore[attr-defined]
    pdffont.PDFCIDFont.get_cmap_from_spec = get_cmap_from_spec  # type: ignore[method-assign]


def _furniture_key(it: _Item, height: float) -> tuple[str, int] | None:
    if it.seg is None or it.seg.vertical:
        return None
    top, bottom = it.box[1], it.box[3]
    if bottom > MARGIN_BAND * height and top < (1 - MARGIN_BAND) * height:
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", it.seg.text))
    return (re.sub(r"\d+", "#", text), round(top / 4))


def _drop_furniture(pages: list[list[_Item]], heights: list[float]) -> None:
    """Mark running headers, footers and page numbers in the margin bands.

    A line in a band printed at the same place on most pages (digits counted
    as equal) is furniture wherever it is in the band. A page number is
    furniture only at the very edge: the lines of a band are peeled from the
    page's edge inwards, and the first line that is neither stops the peeling
    (a table's row number ``5`` just above the footer is kept)."""
    counts: Counter[tuple[str, int]] = Counter()
    keys: list[list[tuple[str, int] | None]] = []
    for items, h in zip(pages, heights, strict=True):
        ks = [_furniture_key(it, h) for it in items]
        keys.append(ks)
        counts.update({k for k in ks if k is not None})
    need = max(2, math.ceil(0.5 * len(pages)))
    for items, ks in zip(pages, keys, strict=True):
        for it, k in zip(items, ks, strict=True):
            if k is not None and counts[k] >= need:
                it.furniture = True
        keyed = list(zip(items, ks, strict=True))
        for edge in (sorted(keyed, key=lambda p: p[0].box[1]), sorted(keyed, key=lambda p: -p[0].box[3])):
            for it, k in edge:
                if it.furniture:
                    continue
                if (
                    k is None
                    or it.seg is None
                    or not _PAGE_NUMBER.match(unicodedata.normalize("NFKC", it.seg.text))
                ):
                    break
                it.furniture = True


def _continues(prev: _Table, nxt: _Table) -> bool:
    """Whether ``nxt`` (first on its page) goes on with ``prev`` (last on the page before)."""
    if len(prev.x_edges) != len(nxt.x_edges):
        return False
    return all(abs(a - b) <= 3 for a, b in zip(prev.x_edges, nxt.x_edges, strict=True))


def _lines_from_pages(
    pages: list[list[_Item]], heights: list[float]
) -> tuple[list[str], list[LinePosition | None]]:
    """The document's lines and their positions from the pages' items: page
    furniture dropped, a table continued on the next page joined to its first
    part (repeated header rows dropped), a paragraph continued on the next
    page joined to its first part, blank lines between paragraphs."""
    _drop_furniture(pages, heights)
    lines: list[str] = []
    positions: list[LinePosition | None] = []
    last_table: _Table | None = None
    last_was_table = False
    last_runs_on = False
    for items in pages:
        body = [it for it in items if not it.furniture]
        for i, it in enumerate(body):
            if it.table is not None:
                t = it.table
                rows = list(zip(t.rows, t.boxes, strict=True))
                if i == 0 and last_was_table and last_table is not None and _continues(last_table, t):
                    # Continued from the page before: drop the header rows printed again.
                    k = 0
                    while k < min(len(rows), len(last_table.rows), 3) and rows[k][0] == last_table.rows[k]:
                        k += 1
                    rows = rows[k:]
                elif lines:
                    lines.append("")
                    positions.append(None)
                for text, (x0, top, x1, bottom) in rows:
                    lines.append(text)
                    positions.append(
                        LinePosition(it.page, round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2))
                    )
                last_table, last_was_table = t, True
                continue
            assert it.seg is not None
            # A page break is a paragraph break unless the page ended in a wrapped
            # line: then the paragraph goes on here, in the same line (which keeps
            # the place where it starts).
            carried = i == 0 and last_runs_on and not last_was_table
            prev_pos = positions[-1] if positions else None
            if (
                carried
                and _plain(it)
                and prev_pos is not None
                and abs(it.box[0] - prev_pos.x0) <= 1.5 * it.seg.size
            ):
                a, b = lines[-1].rstrip(), it.seg.text.strip()
                lines[-1] = a + ("" if (a and b and _wide(a[-1]) and _wide(b[0])) else " ") + b
                last_runs_on = it.runs_on
                continue
            blank = it.blank_before
            if lines and (blank or last_was_table) and lines[-1] != "":
                lines.append("")
                positions.append(None)
            x0, top, x1, bottom = it.box
            lines.append(it.seg.text.strip())
            positions.append(
                LinePosition(it.page, round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2))
            )
            last_was_table = False
            last_runs_on = it.runs_on
    return lines, positions


ENCRYPTED = "このPDFはパスワードで保護（暗号化）されているため読めません。保護を解除したPDFを使ってください。"


def _from_parser(e: BaseException) -> bool:
    """Whether ``e`` was raised inside pdfminer or pdfplumber (a damaged file),
    not in this module (a bug, which must not pass for a broken PDF)."""
    frames = traceback.extract_tb(e.__traceback__)
    return bool(frames) and any(k in frames[-1].filename for k in ("pdfminer", "pdfplumber"))


def _unreadable(e: BaseException, where: str) -> DocumentError:
    """The error for a PDF that pdfminer cannot open or parse: encrypted, or broken."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    cause = e.args[0] if type(e).__name__ == "PdfminerException" and e.args else e
    if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
        return DocumentError(ENCRYPTED, doc=where)
    detail = type(cause).__name__ if isinstance(cause, BaseException) else type(e).__name__
    return DocumentError(
        f"PDFとして読めません（ファイルが壊れている可能性があります: {detail}）。", doc=where
    )


def read_pdf(data: bytes, *, name: str, doc: str | None = None) -> SourceText:
    """Read the PDF ``data`` into a :class:`SourceText` named ``name``: its
    lines in reading order (tables one row a line, cells separated by TAB) and
    their positions (1-based page, box in PDF points from the page's top-left;
    ``None`` for the blank lines put between paragraphs).

    Raises :class:`DocumentError` naming ``doc`` (default ``name``) with a
    Japanese message when the PDF is encrypted (:data:`ENCRYPTED`), broken,
    has no page, or has no text layer (:data:`NO_TEXT_LAYER`: a scan; OCR is
    not done)."""
    import pdfplumber

    where = doc or name
    _patch_embedded_cmaps()
    pages: list[list[_Item]] = []
    heights: list[float] = []
    has_text = False
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                chars, edges = _page_objects(page)
                if any(c["text"].strip() for c in chars):
                    has_text = True
                pages.append(_page_items(page, number, chars, edges))
                heights.append(float(page.height))
                page.close()
    except Exception as e:  # pdfminer raises many kinds on a damaged file
        if not _from_parser(e):
            raise
        raise _unreadable(e, where) from e
    if not pages:
        raise DocumentError("このPDFにはページがありません。", doc=where)
    if not has_text:
        raise DocumentError(NO_TEXT_LAYER, doc=where)
    lines, positions = _lines_from_pages(pages, heights)
    return SourceText(name, lines, positions)
