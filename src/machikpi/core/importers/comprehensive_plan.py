"""Importer for 総合計画 基本計画 chapters laid out by 分野 and 施策大項目.

The layout (a municipal 総合計画's 基本計画, text extracted from the PDF):

* A chapter per policy field: ``第5章 市民生活分野`` (level ``分野``, code
  ``"5"``), then a tagline, then the list of the chapter's items headed
  ``施策大項目`` (``施策大項目と関連するSDGs``): ``1. 市民との協働による
  まちづくりの推進`` … (level ``施策大項目``, code ``"5-1"``).
* Then one block per item, in the order of that list: the item's title line
  (sometimes lost in extraction), ``めざす姿`` (bullets), a 成果指標 table
  with the header ``成果指標 / 現状値 / 目標値`` (tab-separated), ``数値で見る
  状況`` (charts), ``現況と課題`` with the line ``施策に係る市民満足度
  <statement> <value>``, ``取組内容(施策中項目)`` and ``協働による取組``.
* Other chapters (``第7章 政策連携プラン``) hold cross-cutting plans,
  numbered ``1. …プラン``, each naming the 施策大項目 it draws on under a
  ``施策大項目`` label as ``2-1 確かな学力と自立する力の育成`` lines. These
  become :class:`~machikpi.core.model.PlanLink` objects, not indicators.

Recovery rules (the structure is taken from what the document says):

* A block whose title line is missing is assigned to the next item of the
  chapter's list, by order; a warning says so. A title line that matches a
  listed item by name wins over the order. When the numbers of blocks and
  listed items differ, a warning says so.
* A 成果指標 row: arrows ``▶▶`` between columns and markdown ``**`` are
  layout, not cell text (dropped by :func:`~machikpi.core.quantities.read_cell`);
  arrow-only cells are dropped; ``[…]`` after the name is its definition
  (:func:`~machikpi.core.importers.common.read_name`).
* A 満足度 statement may wrap over lines, with the value on its own line; the
  lines are joined up to the value (``30.4%``). Role ``満足度``, unit from the
  value, no target.
* Years come from the column headers or the cells; where none is printed the
  year is ``None`` (never guessed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..model import Indicator, Node, Plan, PlanLink, Role, Series
from ..periods import Period
from ..source import SourceText
from ..text import join_wrapped, match_key
from .common import build_indicator, header_period, indicator_unit, read_name, read_value, split_cells

LAYOUT = "comprehensive-plan"
DESCRIPTION = (
    "総合計画 基本計画: 第N章 …分野 chapters with a 施策大項目 list, 成果指標/現状値/目標値 tables, "
    "施策に係る市民満足度 lines, and 政策連携プラン links to 施策大項目 codes"
)

_CHAPTER = re.compile(r"^\s*第\s*(\d+)\s*章\s*(.*?)\s*$")
_FIELD_TITLE = re.compile(r"分野$")
#: The label of the list of items at a chapter start (``施策大項目と関連するSDGs``).
_ITEM_LIST = re.compile(r"^\s*施策大項目(?!\s*\d)")
#: A numbered list line: ``1. 市民との協働による まちづくりの推進``.
_NUMBERED = re.compile(r"^\s*(\d{1,2})\s*[.．、]\s*(\S.*?)\s*$")
#: A link target line: ``2-1 確かな学力と自立する力の育成``.
_CODE_LINE = re.compile(r"^\s*(\d{1,2})\s*[-‐－ー―]\s*(\d{1,2})(?:\s+(\S.*?))?\s*$")
_LINK_LABEL = re.compile(r"^\s*施策大項目\s*$")
_SATISFACTION = re.compile(r"^\s*(?:施策に(?:係る|関する|対する)|施策の)?市民満足度(?=\s|$)(.*)$")
_SAT_VALUE = re.compile(r"(?P<val>\**\s*[△▲-]?\d[\d,]*(?:\.\d+)?\s*%\s*\**)\s*$")
_BULLET = re.compile(r"^\s*(?:[-・●○◆◇■□▶▷►]|\d+\s*[.．)）](?!\d)|[(（]\d+[)）])")
_CAPTION = re.compile(r"^\s*(?:▲|出典)")
_ARROWS_ONLY = re.compile(r"^[▶►→▷>\s]+$")
_TAGLINE = re.compile(r"\s*[～〜~].*?(?:[～〜~]|$)")

#: Section headings inside an item block; those whose body is the item's text.
_SECTIONS = re.compile(r"^\s*(めざす姿|現況と課題|取組内容.*|協働による取組|数値で見る状況)\s*$")
_TEXT_SECTIONS = ("めざす姿", "現況と課題", "取組内容", "協働による取組")
_BLOCK_START = re.compile(r"^\s*めざす姿\s*$")


def _blank(line: str) -> bool:
    return not line.strip()


def _is_table_header(line: str) -> bool:
    """A 成果指標 table header: tab-separated, an indicator column, 現状値 and 目標値."""
    cells = split_cells(line)
    if len(cells) < 3:
        return False
    return (
        "指標" in cells[0]
        and any("現状" in c or "基準" in c for c in cells)
        and any("目標" in c for c in cells)
    )


def recognise(source: SourceText) -> float:
    """How strongly ``source`` looks like this layout (0.0–1.0).

    Evidence, from the text only: ``第N章 …分野`` chapter headings (0.35), a
    ``施策大項目`` list label (0.25), ``成果指標 / 現状値 / 目標値`` table headers
    (0.3) and ``めざす姿`` section headings (0.1)."""
    lines = source.lines
    field_chapter = any((m := _CHAPTER.match(ln)) and _FIELD_TITLE.search(m.group(2)) for ln in lines)
    item_list = any(_ITEM_LIST.match(ln) for ln in lines)
    table = any("\t" in ln and "成果指標" in ln and _is_table_header(ln) for ln in lines)
    aims = any(_BLOCK_START.match(ln) for ln in lines)
    return round(0.35 * field_chapter + 0.25 * item_list + 0.3 * table + 0.1 * aims, 3)


@dataclass
class _Chapter:
    number: str
    title: str
    start: int  # line number of the heading (1-based)
    end: int  # last line number of the chapter


@dataclass
class _Item:
    number: int
    title: str
    line: int


@dataclass
class _Block:
    anchor: int  # line of めざす姿 (or of the table when めざす姿 is missing)
    heading: int | None  # first line of the title, if printed
    title: str | None = None  # the title as printed (wrap spaces kept)
    end: int = 0
    item: _Item | None = None


@dataclass
class _LinkDraft:
    code: str
    title: str
    line: int
    codes: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)


def _chapters(source: SourceText) -> list[_Chapter]:
    out: list[_Chapter] = []
    for n, line in enumerate(source.lines, start=1):
        m = _CHAPTER.match(line)
        if m:
            if out:
                out[-1].end = n - 1
            title = m.group(2)
            if not title:
                # The title printed on the line below the bare 第N章 heading.
                below = next((t.strip() for t in source.lines[n : n + 3] if t.strip()), "")
                if len(below) <= 30 and not _NUMBERED.match(below) and not _ITEM_LIST.match(below):
                    title = below
            out.append(_Chapter(m.group(1), join_wrapped(title), n, len(source.lines)))
    return out


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, match_key(a), match_key(b)).ratio()


def read(source: SourceText) -> Plan:
    """Read ``source`` into a :class:`Plan`: 分野 → 施策大項目 nodes with their
    成果指標 and 満足度 indicators, and the links of the other chapters.

    Never raises on odd input: what cannot be read becomes a warning."""
    plan = Plan(doc=source.name, title=_title(source), layout=LAYOUT)
    chapters = _chapters(source)
    if not chapters:
        plan.warnings.append(source.warn(1, "no 第N章 chapter heading found; nothing read"))
    for ch in chapters:
        if _FIELD_TITLE.search(ch.title):
            node = _read_field(source, ch, plan)
            if node is not None:
                plan.nodes.append(node)
    known: dict[str, str] = {n.code: n.title for _, n in plan.walk() if n.level == "施策大項目" and n.code}
    for ch in chapters:
        if not _FIELD_TITLE.search(ch.title):
            plan.links.extend(_read_links(source, ch, known, plan))
    return plan


def _title(source: SourceText) -> str:
    """The plan's title: a line naming a 総合計画 / 基本計画 before the first chapter, else ``""``."""
    for line in source.lines:
        if _CHAPTER.match(line):
            break
        text = line.strip()
        if text and re.search(r"総合計画|基本計画", text) and len(text) <= 60:
            return join_wrapped(text)
    return ""


# ---------------------------------------------------------------- 分野 chapters


def _read_field(source: SourceText, ch: _Chapter, plan: Plan) -> Node | None:
    """One 分野 chapter as a node, or ``None`` for a heading with no content
    (a table-of-contents line)."""
    lines = source.lines
    items, list_end = _read_item_list(source, ch)
    blocks = _find_blocks(source, ch, list_end, plan)
    if not items and not blocks:
        return None
    node = Node(level="分野", code=ch.number, title=ch.title, source=source.ref(ch.start))
    # The tagline: the first non-blank line after the heading, before the list.
    for n in range(ch.start + 1, (items[0].line if items else list_end) or ch.end):
        text = lines[n - 1].strip()
        if text and join_wrapped(text) != ch.title:
            if not _ITEM_LIST.match(text):
                node.text = join_wrapped(text)
            break
    if not items:
        plan.warnings.append(
            source.warn(ch.start, f"chapter {ch.number}: no 施策大項目 list; items numbered by block order")
        )
    _assign_blocks(source, ch, items, blocks, plan)
    _set_ends(blocks, ch)
    children: dict[int, Node] = {}
    for it in items:
        children[it.number] = Node(
            level="施策大項目", code=f"{ch.number}-{it.number}", title=it.title, source=source.ref(it.line)
        )
    for b in blocks:
        if b.item is None:
            continue
        child = children.get(b.item.number)
        if child is None:
            child = Node(level="施策大項目", code=f"{ch.number}-{b.item.number}", title=b.item.title)
            children[b.item.number] = child
        child.source = source.ref(b.heading or b.anchor)
        _read_block(source, b, child, plan)
    node.children = [children[k] for k in sorted(children)]
    return node


def _read_item_list(source: SourceText, ch: _Chapter) -> tuple[list[_Item], int]:
    """The items listed after the ``施策大項目…`` label: consecutive numbered
    lines 1, 2, 3 … separated by blank lines; a non-blank line directly under
    an item continues its title. Returns the items and the line after the list
    (the chapter's second line when there is no list)."""
    lines = source.lines
    label = next((n for n in range(ch.start + 1, ch.end + 1) if _ITEM_LIST.match(lines[n - 1])), None)
    if label is None:
        return [], ch.start + 1
    items: list[_Item] = []
    n = label + 1
    prev_blank = True
    while n <= ch.end:
        line = lines[n - 1]
        m = _NUMBERED.match(line)
        if _blank(line):
            prev_blank = True
        elif m and int(m.group(1)) == len(items) + 1:
            items.append(_Item(int(m.group(1)), m.group(2), n))
            prev_blank = False
        elif items and not prev_blank and not _SECTIONS.match(line) and not _BULLET.match(line):
            items[-1].title += " " + line.strip()
        else:
            break
        n += 1
    for it in items:
        it.title = join_wrapped(it.title)
    return items, n


def _find_blocks(source: SourceText, ch: _Chapter, first: int, plan: Plan) -> list[_Block]:
    """The item blocks of a chapter: each starts at ``めざす姿``; a second
    成果指標 table with no ``めざす姿`` before it also starts a block."""
    lines = source.lines
    blocks: list[_Block] = []
    has_table = False
    for n in range(first, ch.end + 1):
        line = lines[n - 1]
        if _BLOCK_START.match(line) or (_is_table_header(line) and (has_table or not blocks)):
            if not _BLOCK_START.match(line):
                plan.warnings.append(
                    source.warn(n, "成果指標 table without a めざす姿 heading before it: starts a new block")
                )
            blocks.append(_Block(anchor=n, heading=None))
            has_table = _is_table_header(line)
        elif _is_table_header(line):
            has_table = True
    for i, b in enumerate(blocks):
        floor = blocks[i - 1].anchor if i else first - 1
        found = _heading_before(source, b.anchor, floor)
        if found:
            b.heading, b.title = found
    return blocks


def _set_ends(blocks: list[_Block], ch: _Chapter) -> None:
    """Each block ends where the next one's title (or めざす姿) begins."""
    for i, b in enumerate(blocks):
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        b.end = ((nxt.heading or nxt.anchor) - 1) if nxt else ch.end


def _heading_before(source: SourceText, anchor: int, floor: int) -> tuple[int, str] | None:
    """The title printed just above a block's ``めざす姿``: the nearest
    non-blank lines (up to three, wrapped with no blank line between them)
    that read as a heading, not a bullet, caption, section word or sentence.
    Returns (first line number, title text) or ``None``."""
    found: list[int] = []
    for n in range(anchor - 1, floor, -1):
        text = source.lines[n - 1].strip()
        if not text:
            if found:
                break
            continue
        if (
            _BULLET.match(text)
            or _CAPTION.match(text)
            or _SECTIONS.match(text)
            or "\t" in text
            or text.endswith("。")
            or len(text) > 60
            or len(found) == 3
        ):
            break
        found.append(n)
    if not found:
        return None
    first = found[-1]
    return first, " ".join(source.lines[k - 1].strip() for k in reversed(found))


def _assign_blocks(
    source: SourceText, ch: _Chapter, items: list[_Item], blocks: list[_Block], plan: Plan
) -> None:
    """Give every block its listed item: by its title line when that names a
    listed item, else by the list's order (with a warning)."""
    by_key = {match_key(it.title): it for it in items}
    nxt = 0  # index of the next item expected by order
    extra = len(items)
    for b in blocks:
        heading = join_wrapped(b.title) if b.title else None
        if heading is not None:
            heading = re.sub(r"^\d{1,2}\s*[.．、]?\s*", "", heading) or heading
        named = by_key.get(match_key(heading)) if heading else None
        expected = items[nxt] if nxt < len(items) else None
        where = b.heading or b.anchor
        if named is not None:
            k = items.index(named)
            if k > nxt:
                skipped = ", ".join(f"{ch.number}-{it.number}" for it in items[nxt:k])
                plan.warnings.append(source.warn(where, f"no block found for listed item(s) {skipped}"))
            elif k < nxt:
                plan.warnings.append(
                    source.warn(where, f"second block for item {ch.number}-{named.number} {named.title}")
                )
            b.item = named
            nxt = max(nxt, k + 1)
            continue
        if heading is not None and expected is not None and _similar(heading, expected.title) < 0.6:
            heading = None  # body text of the block above, not a title line
            b.heading = b.title = None
        if expected is not None:
            b.item = expected
            nxt += 1
            if heading is None:
                msg = (
                    f"施策大項目 heading missing before this block; assigned to {ch.number}-{expected.number} "
                    f"{expected.title} by the order of the list at line {expected.line}"
                )
            else:
                msg = (
                    f"施策大項目 heading {heading!r} differs from the listed {expected.title!r}; "
                    f"assigned to {ch.number}-{expected.number} by order"
                )
            plan.warnings.append(source.warn(where, msg))
            continue
        extra += 1
        b.item = _Item(extra, heading or "", where)
        plan.warnings.append(
            source.warn(
                where,
                f"block not in the chapter's 施策大項目 list; numbered {ch.number}-{extra} by order"
                + ("" if heading else " and left untitled"),
            )
        )
    if items and len(blocks) != len(items):
        plan.warnings.append(
            source.warn(
                ch.start,
                f"chapter {ch.number}: {len(items)} 施策大項目 listed but {len(blocks)} blocks found",
            )
        )
    if nxt < len(items):
        missing = ", ".join(f"{ch.number}-{it.number}" for it in items[nxt:])
        plan.warnings.append(source.warn(ch.end, f"no block found for listed item(s) {missing}"))


def _read_block(source: SourceText, b: _Block, node: Node, plan: Plan) -> None:
    """Read one item block into ``node``: its text, 成果指標 rows and 満足度 line."""
    lines = source.lines
    section: str | None = None
    parts: list[str] = []
    n = b.anchor
    while n <= b.end:
        line = lines[n - 1]
        text = line.strip()
        if _is_table_header(line):
            n = _read_table(source, n, b.end, node, plan)
            section = None
            continue
        m = _SATISFACTION.match(line)
        if m:
            n = _read_satisfaction(source, n, b.end, m.group(1), node, plan)
            continue
        sm = _SECTIONS.match(line)
        if sm:
            word = sm.group(1)
            section = word if word.startswith(_TEXT_SECTIONS) else None
            if section:
                parts.append(("\n" if parts else "") + section)
        elif text and section and not _CAPTION.match(text):
            parts.append(source.raw(n).strip())
        n += 1
    node.text = "\n".join(parts)


def _read_table(source: SourceText, header_line: int, end: int, node: Node, plan: Plan) -> int:
    """Read a 成果指標 table starting at ``header_line``; returns the line after it.

    Rows are the tab-separated lines up to the first blank line. A tab-less
    line inside the table continues the previous row's name (or, before the
    first row, starts the next one's)."""
    header = split_cells(source.lines[header_line - 1])
    base_col = next(i for i, c in enumerate(header) if "現状" in c or "基準" in c)
    target_cols = [i for i, c in enumerate(header) if "目標" in c and i != base_col]
    base_period: Period | None = header_period(header[base_col])
    target_periods = [header_period(header[i]) for i in target_cols]
    rows: list[tuple[int, list[str]]] = []
    prefix = ""
    n = header_line + 1
    while n <= end:
        raw = source.raw(n)
        line = source.lines[n - 1]
        if _blank(line) or _SECTIONS.match(line) or _SATISFACTION.match(line):
            break
        if "\t" not in line:
            if line.strip().endswith("。"):
                break
            if rows:
                rows[-1][1][0] += " " + raw.strip()
            else:
                prefix += raw.strip() + " "
            n += 1
            continue
        cells = _row_cells(raw, header)
        if prefix:
            cells[0] = prefix + cells[0]
            prefix = ""
        if len(cells) < len(header):
            plan.warnings.append(
                source.warn(
                    n, f"row has {len(cells)} cells, the header {len(header)}: missing cells read as empty"
                )
            )
            cells += [""] * (len(header) - len(cells))
        elif len(cells) > len(header):
            plan.warnings.append(
                source.warn(n, f"row has {len(cells)} cells, the header {len(header)}: extra cells ignored")
            )
        rows.append((n, cells))
        n += 1
    for row_line, cells in rows:
        ind = build_indicator(
            Role.OUTCOME,
            cells[0],
            cells[base_col],
            [cells[i] for i in target_cols],
            baseline_header=base_period,
            target_headers=target_periods,
            source=source.ref(row_line),
            warnings=plan.warnings,
        )
        if not ind.name:
            plan.warnings.append(source.warn(row_line, "成果指標 row without a name skipped"))
            continue
        node.indicators.append(ind)
    return n


def _row_cells(raw: str, header: list[str]) -> list[str]:
    """The cells of a table row with the arrow cells (``▶▶``) dropped: an
    arrow under an empty header cell leaves that column empty, an arrow the
    header has no column for is removed."""
    cells: list[str] = []
    for i, c in enumerate(split_cells(raw)):
        if c and _ARROWS_ONLY.match(c):
            if i < len(header) and not header[i]:
                cells.append("")
            continue
        cells.append(c)
    return cells


def _read_satisfaction(source: SourceText, start: int, end: int, rest: str, node: Node, plan: Plan) -> int:
    """Read a ``施策に係る市民満足度`` line: the statement (possibly wrapped over
    lines, possibly on the lines below the label) up to the value ``30.4%``.
    Returns the line after the value."""
    collected = rest.strip()
    n = start
    while True:
        m = _SAT_VALUE.search(collected)
        if m:
            break
        n += 1
        if n > end or n - start > 6:
            plan.warnings.append(source.warn(start, "市民満足度 label without a value (a % at a line end)"))
            return start + 1
        text = source.lines[n - 1].strip()
        if not text:
            continue
        if _BULLET.match(text) or _SECTIONS.match(text) or "\t" in text:
            plan.warnings.append(source.warn(start, "市民満足度 label without a value (a % at a line end)"))
            return start + 1
        collected += " " + text
    statement = collected[: m.start()].strip()
    if not statement:
        plan.warnings.append(source.warn(start, "市民満足度 value without a statement skipped"))
        return n + 1
    parts = read_name(statement)
    cell = read_value(m.group("val"), None, source.ref(n), plan.warnings)
    node.indicators.append(
        Indicator(
            role=Role.SATISFACTION,
            name=parts.name,
            raw_name=statement,
            unit=indicator_unit([cell]),
            series=[Series(group=None, baseline=cell, targets=[])],
            definition=parts.definition,
            source=source.ref(start),
        )
    )
    return n + 1


# ---------------------------------------------------------------- link chapters


def _read_links(source: SourceText, ch: _Chapter, known: dict[str, str], plan: Plan) -> list[PlanLink]:
    """The plans of a non-分野 chapter (``政策連携プラン``) with the 施策大項目
    they name: every ``施策大項目`` label's code lines go to the latest
    numbered plan heading above them. A listed plan whose later heading
    differs, or a code whose title differs from this document's item of that
    code, gives a warning."""
    lines = source.lines
    announced: dict[str, str] = {}
    drafts: dict[str, _LinkDraft] = {}
    current: _LinkDraft | None = None
    n = ch.start + 1
    while n <= ch.end:
        line = lines[n - 1]
        m = _NUMBERED.match(line)
        if m:
            code, title = m.group(1), _plan_title(m.group(2))
            if code not in announced:
                announced[code] = title
            elif code not in drafts and match_key(title) != match_key(announced[code]):
                plan.warnings.append(
                    source.warn(
                        n,
                        f"plan {code} heading {title!r} differs from the chapter's list {announced[code]!r}",
                    )
                )
            # A plan already holding links keeps them; otherwise the latest heading names it.
            current = drafts.get(code) or _LinkDraft(code, title, n)
            n += 1
            continue
        if _LINK_LABEL.match(line):
            if current is None:
                plan.warnings.append(
                    source.warn(n, "施策大項目 list before any numbered plan heading; skipped")
                )
                n = _read_codes(source, n + 1, ch.end, None, known, plan)
                continue
            drafts[current.code] = current
            n = _read_codes(source, n + 1, ch.end, current, known, plan)
            continue
        n += 1
    return [
        PlanLink(d.code, d.title, d.codes, d.titles, source.ref(d.line))
        for d in sorted(drafts.values(), key=lambda d: d.line)
    ]


def _plan_title(text: str) -> str:
    """A plan heading without its ``～…～`` tagline and wrap spaces."""
    return join_wrapped(_TAGLINE.sub("", text)) or join_wrapped(text)


def _read_codes(
    source: SourceText,
    n: int,
    end: int,
    draft: _LinkDraft | None,
    known: dict[str, str],
    plan: Plan,
) -> int:
    """Read the ``5-1 title`` lines under a ``施策大項目`` label into ``draft``.

    A title wrapped over lines is joined: the next line continues it when it
    directly follows (no blank line) and either completes this document's
    title of that code or, for a code not in this document, is a short
    phrase. Returns the line after the list."""
    lines = source.lines
    while n <= end:
        line = lines[n - 1]
        if _blank(line):
            n += 1
            continue
        m = _CODE_LINE.match(line)
        if not m:
            break
        code = f"{int(m.group(1))}-{int(m.group(2))}"
        title = m.group(3) or ""
        start = n
        while n + 1 <= end and not _blank(lines[n]) and not _CODE_LINE.match(lines[n]):
            cont = lines[n].strip()
            own = known.get(code)
            fits = (
                match_key(own).startswith(match_key(title + cont))
                if own
                else (len(cont) <= 30 and not _BULLET.match(cont) and not _SECTIONS.match(cont))
            )
            if not fits or _LINK_LABEL.match(cont) or _NUMBERED.match(cont):
                break
            title += " " + cont
            n += 1
        title = join_wrapped(title)
        own = known.get(code)
        if own is not None and match_key(own) != match_key(title):
            plan.warnings.append(
                source.warn(start, f"link target {code} {title!r} differs from this document's item {own!r}")
            )
        if draft is not None and code not in draft.codes:
            draft.codes.append(code)
            draft.titles.append(title)
        n += 1
    return n
