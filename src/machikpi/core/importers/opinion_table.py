"""Opinion-reflection tables (意見の反映状況表): 意見内容 → 対応方針 → 計画への反映.

A 行革ミーティング / パブリックコメント 反映状況表 prints one table row per
opinion with the columns ``№ / 施策名 / ①意見内容 / ②対応方針 / ③計画への反映``.
The PDF extraction gives the row cell by cell::

    5                              ← № (a line with a number only)
    Ⅰ　強みを活かした              ← 施策名, wrapped: Ⅰ … （１）…
    しごとづくり
    （１）基幹産業の競
    争力を強化する
    中小企業経営支援事業は、…    ← ① 意見内容 (indented paragraph)
    ⇒                              ← the ①→② arrow, alone on its line
    関係機関等と連携して…        ← ② 対応方針
    ⇒ p.39                         ← the ②→③ arrow with the first page cited
    Ⅰ強みを活かしたしごとづくり    ← ③ section heading lines
    ＜基本的な方向性＞
    「本市の経済を…進めます。」    ← ③ quoted plan text (one or more 「」)
    p.40                           ← a further cited page of the same cell
    …

Page furniture (the repeated title, ``資料１－２``, column captions such as
``③改訂基本計画への反映``, page numbers ``－2－``) is skipped wherever it is.

**Out-of-order ③ cells.** A tall, top-aligned ③ cell can be extracted before
the vertically centred №/①/② cells of its own row, so its blocks come after
the previous row's ③ content, and the row's own ③ arrow ``⇒`` is left with
nothing after it. The rule used (it reads only the order of blocks): blocks
introduced by a bare page marker (``p.40``, no ``⇒``) that follow a row's
arrowed block (``⇒ p.39``) belong to the *next* row when that row's ③ arrow
stands alone with no block after it; otherwise they continue the row they
follow. Every such move is reported as a warning so that a person can check
it. (Source: annotator's notes on seed 001, NOTES-000-001-002.md.)

Field forms follow ``shared/spec/opinion-rows.md`` and the gold notes:
opinion, response, section and quote have all white space removed and are
*not* NFKC-normalised; only the outermost 「」 of a quoted passage are
stripped, several passages of one block are joined with ``／``, and a block's
heading lines (including sub-headings such as ``＜成果指標＞`` printed between
passages) are concatenated into its section. The 施策名 cell gives the node
hierarchy: a roman numeral (``Ⅰ``, kept as printed) or ``基本目標N`` opens a
``基本目標`` node, ``（１）`` a ``施策`` node coded ``"1"``, ``①`` a
``具体的な施策`` node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Node, Opinion, Plan, Reflection
from ..source import SourceText
from ..text import join_wrapped, nfkc, remove_spaces

LAYOUT = "opinion-table"
DESCRIPTION = "意見の反映状況表 (№ / 施策名 / 意見内容 / 対応方針 / 計画への反映 ⇒ p.NN)"

_ARROWS = "⇒→➡⇨⇛"
# An arrow at the start of a line and what follows it (NFKC text).
_ARROW_LINE = re.compile(rf"^[{_ARROWS}]\s*(?P<rest>.*)$")
# A cited page: "p.39", "P39", "p. 107", "p.39~40", "39ページ", "39頁" (NFKC text).
_PAGE = re.compile(
    r"^(?:[pP]\s*\.?\s*(?P<p1>\d+)(?:\s*[-~〜]\s*\d+)?|(?P<p2>\d+)\s*(?:ページ|頁))$",
)
# A row number: the № cell, alone on its line ("12"; NFKC turns № into "No").
_ROW_NUMBER = re.compile(r"^(?:No\.?\s*)?(\d{1,3})$")
# Page furniture (NFKC text, stripped).
_DOC_LABEL = re.compile(r"^(?:資料|別紙|別添|参考)\s*\d+(?:\s*[-‐ー―]\s*\d+)*$")
_PAGE_NUMBER = re.compile(r"^(?:[-‐ー―—–]\s*\d+\s*[-‐ー―—–]|\d+\s*/\s*\d+)$")
_CAPTION = re.compile(
    r"^\d?(?:No\.?|番号|施策名?|意見(?:内容|の?概要|の?要旨)?|対応(?:方針|策|の?考え方)?"
    r"|\S{0,16}への反映|反映(?:状況|箇所|内容)?)$"
)
_CAPTION_STRONG = re.compile(r"意見|対応|反映")
# 施策名 cell headings. Roman numerals and circled numbers are read on the
# raw text (NFKC would turn "Ⅰ" into "I" and "①" into "1").
_ROMAN = re.compile(r"^(?P<code>[\u2160-\u216b\u2170-\u217b]+)[\s.．、]*(?P<title>.*)$")
_CIRCLED = re.compile(r"^(?P<code>[\u2460-\u2473])\s*(?P<title>.*)$")
_GOAL = re.compile(r"^基本目標\s*(?P<code>[\u2160-\u216b]+|[0-9０-９]+)[\s.:：．、]*(?P<title>.*)$")
_PAREN = re.compile(r"^[(（]\s*(?P<code>[0-9０-９]+)\s*[)）]\s*(?P<title>.*)$")

_LEVELS = {"goal": "基本目標", "paren": "施策", "circled": "具体的な施策"}


@dataclass
class _Line:
    n: int  # 1-based line number
    raw: str  # raw text, right-stripped
    text: str  # NFKC text, stripped


@dataclass(frozen=True)
class _Part:
    """One numbered part of a 施策名 cell (``code`` is ``""`` when none is printed)."""

    level: str
    code: str
    title: str
    line: int


@dataclass
class _Block:
    """One cited place of a ③ cell: a page marker and the lines after it."""

    line: int
    page: int | None
    arrowed: bool  # introduced by "⇒ p.NN" (True) or a bare "p.NN" (False)
    lines: list[_Line] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    line: int
    lines: list[_Line | None]  # None marks a blank line (a cell break)
    blocks: list[_Block] = field(default_factory=list)
    arrow_line: int | None = None  # the ②→③ arrow
    arrow_alone: bool = False  # that arrow had nothing after it in the row


def _is_arrow_alone(text: str) -> bool:
    m = _ARROW_LINE.match(text)
    return m is not None and not m.group("rest")


def _page_of(text: str) -> tuple[bool, int | None] | None:
    """``(arrowed, page)`` when ``text`` (NFKC) opens a ③ block, else ``None``.

    An arrow followed by other text opens a block without a page."""
    arrowed = False
    m = _ARROW_LINE.match(text)
    if m:
        arrowed = True
        text = m.group("rest")
        if not text:
            return None
    p = _PAGE.match(text)
    if p:
        return arrowed, int(p.group("p1") or p.group("p2"))
    return (True, None) if arrowed else None


def _is_caption_line(text: str) -> bool:
    tokens = text.split()
    if not tokens or not all(_CAPTION.match(t) for t in tokens):
        return False
    return len(tokens) >= 2 or bool(_CAPTION_STRONG.search(text))


def _title_line(source: SourceText) -> _Line | None:
    for i, raw in enumerate(source.raw_lines, 1):
        text = source.line(i).strip()
        if text and not (_DOC_LABEL.match(text) or _PAGE_NUMBER.match(text) or _is_caption_line(text)):
            if _ROW_NUMBER.match(text) or _ARROW_LINE.match(text):
                return None  # the table starts at once: no title printed
            return _Line(i, raw.rstrip(), text)
    return None


def _content_lines(source: SourceText, title: _Line | None) -> list[_Line | None]:
    """The document's lines without page furniture; ``None`` for a blank line.

    Furniture is only recognised outside an open 「 quote (the quote depth is
    reset at blank lines so that one unbalanced bracket cannot hide the rest)."""
    title_key = remove_spaces(title.text) if title else None
    out: list[_Line | None] = []
    depth = 0
    for i, raw in enumerate(source.raw_lines, 1):
        text = source.line(i).strip()
        if not text:
            depth = 0
            out.append(None)
            continue
        if depth == 0 and (
            remove_spaces(text) == title_key
            or _DOC_LABEL.match(text)
            or _PAGE_NUMBER.match(text)
            or _is_caption_line(text)
        ):
            continue
        out.append(_Line(i, raw.rstrip(), text))
        depth = max(0, depth + text.count("「") - text.count("」"))
    return out


def _row_starts(lines: list[_Line | None]) -> tuple[list[int], list[int]]:
    """Indexes (into ``lines``) of the № lines, and of number lines that are not.

    A line holding only a number, outside a quote, starts a row when a lone
    ``⇒`` (the ①→② arrow) follows it before the next such number line. A
    number line with no arrow after it is a stray page number. When a stray
    number cuts the expected next row (number = previous + 1) off from its
    arrow, the row is kept and the stray skipped; a stray that happens to be
    the next row number is told apart by having no cell text between it and
    the arrow."""
    candidates: list[int] = []
    depth = 0
    for i, ln in enumerate(lines):
        if ln is None:
            depth = 0
            continue
        if depth == 0 and _ROW_NUMBER.match(ln.text):
            candidates.append(i)
        depth = max(0, depth + ln.text.count("「") - ln.text.count("」"))

    def number(k: int) -> int:
        ln = lines[candidates[k]]
        m = _ROW_NUMBER.match(ln.text) if ln else None
        return int(m.group(1)) if m else -1

    def arrow_after(k: int) -> bool:
        end = candidates[k + 1] if k + 1 < len(candidates) else len(lines)
        return any(ln is not None and _is_arrow_alone(ln.text) for ln in lines[candidates[k] + 1 : end])

    def text_before_arrow(k: int) -> bool:
        for ln in lines[candidates[k] + 1 :]:
            if ln is not None:
                return not _is_arrow_alone(ln.text)
        return False

    starts: list[int] = []
    strays: list[int] = []
    last: int | None = None
    k = 0
    while k < len(candidates):
        if arrow_after(k):
            starts.append(candidates[k])
            last, k = number(k), k + 1
            continue
        if (
            k + 1 < len(candidates)
            and (last is None or number(k) == last + 1)
            and arrow_after(k + 1)
            and (number(k + 1) != number(k) + 1 or not text_before_arrow(k + 1))
        ):
            starts.append(candidates[k])
            strays.append(candidates[k + 1])
            last, k = number(k), k + 2
            continue
        strays.append(candidates[k])
        k += 1
    return starts, strays


def _heading(raw: str) -> tuple[str, str, str] | None:
    """``(kind, code, title)`` when a 施策名 line opens a numbered heading.

    ``title`` is the raw text after the numbering; roman codes are kept as
    printed, arabic and circled codes are given as ASCII digits."""
    text = raw.strip()
    m = _GOAL.match(text)
    if m:
        code = m.group("code")
        return "goal", (code if re.fullmatch(r"[\u2160-\u216b]+", code) else nfkc(code)), m.group("title")
    m = _ROMAN.match(text)
    if m:
        return "goal", m.group("code"), m.group("title")
    m = _PAREN.match(text)
    if m:
        return "paren", str(int(nfkc(m.group("code")))), m.group("title")
    m = _CIRCLED.match(text)
    if m:
        return "circled", nfkc(m.group("code")), m.group("title")
    return None


def _measure_parts(lines: list[_Line]) -> list[_Part]:
    """The 施策名 cell as parts, outermost first.

    A line opening a numbered heading starts a part; other lines continue the
    part before them (the cell's line wraps)."""
    parts: list[tuple[str, str, list[str], int]] = []
    for ln in lines:
        h = _heading(ln.raw)
        if h:
            kind, code, rest = h
            parts.append((_LEVELS[kind], code, [rest], ln.n))
        elif parts:
            parts[-1][2].append(ln.raw.strip())
        else:
            parts.append(("施策", "", [ln.raw.strip()], ln.n))
    return [
        _Part(level, code, join_wrapped("".join(p.strip() for p in pieces)), n)
        for level, code, pieces, n in parts
    ]


def _split_measure(pre: list[_Line | None]) -> tuple[list[_Line], list[_Line]]:
    """Split the lines before the ①→② arrow into the 施策名 cell and ① 意見内容.

    The 施策名 cell starts with a numbered heading and ends at a blank line
    (a cell break) or at the first indented line (the opinion paragraph's
    leading space). No heading: the row prints no 施策名."""
    first = next((ln for ln in pre if ln is not None), None)
    if first is None or _heading(first.raw) is None:
        return [], [ln for ln in pre if ln is not None]
    measure: list[_Line] = []
    rest: list[_Line] = []
    in_measure = True
    for ln in pre:
        if ln is None:
            if measure:
                in_measure = False
            continue
        if in_measure and measure and ln.raw[:1].isspace():
            in_measure = False
        (measure if in_measure else rest).append(ln)
    return measure, rest


def _reflection(block: _Block, source: SourceText, plan: Plan) -> Reflection:
    """A ③ block as a :class:`Reflection`: heading lines → section, 「」 passages → quote."""
    section: list[str] = []
    passages: list[str] = []
    current: list[str] | None = None
    depth = 0
    for ln in block.lines:
        raw = ln.raw.strip()
        if current is None and raw.startswith("「"):
            current = []
        if current is None:
            section.append(raw)
            continue
        current.append(raw)
        depth += raw.count("「") - raw.count("」")
        if depth <= 0:
            passages.append(_unquote("".join(current), ln.n, source, plan))
            current, depth = None, 0
    if current is not None:
        plan.warnings.append(
            source.warn(block.lines[-1].n, "③: a 「 quote is not closed; taken to the block's end")
        )
        passages.append(_unquote("".join(current) + "」", block.lines[-1].n, source, plan))
    if not passages and not section:
        plan.warnings.append(source.warn(block.line, "③: a cited page has neither heading nor quoted text"))
    return Reflection(page=block.page, section=remove_spaces("".join(section)), quote="／".join(passages))


def _unquote(text: str, line: int, source: SourceText, plan: Plan) -> str:
    """``text`` without its outermost 「」 and without white space."""
    text = remove_spaces(text)
    depth = 0
    for i, ch in enumerate(text):
        if ch == "「":
            depth += 1
        elif ch == "」":
            depth -= 1
            if depth == 0:
                if i != len(text) - 1:
                    plan.warnings.append(
                        source.warn(line, f"③: text after a closing 」 kept in the quote: {text[i + 1 :]!r}")
                    )
                    return text[1:i] + text[i + 1 :]
                return text[1:i]
    return text[1:]


def _read_row(row: _Row, source: SourceText, plan: Plan) -> tuple[list[_Line], list[_Line], list[_Line]]:
    """Split a row's lines into (施策名 lines, ① lines, ② lines); fills ``row.blocks``."""
    lines = row.lines
    arrow1 = next((i for i, ln in enumerate(lines) if ln is not None and _is_arrow_alone(ln.text)), None)
    if arrow1 is None:  # _row_starts guarantees one; kept for safety
        plan.warnings.append(source.warn(row.line, f"row {row.number}: no ⇒ between 意見内容 and 対応方針"))
        arrow1 = len(lines)
    measure, opinion = _split_measure(lines[:arrow1])
    response: list[_Line] = []
    block: _Block | None = None
    for ln in lines[arrow1 + 1 :]:
        if ln is None:
            continue
        opened = _page_of(ln.text)
        if block is None and row.arrow_line is None and opened is None and not _ARROW_LINE.match(ln.text):
            response.append(ln)
            continue
        if _is_arrow_alone(ln.text):
            if row.arrow_line is not None:
                plan.warnings.append(source.warn(ln.n, f"row {row.number}: a second ③ arrow ⇒ ignored"))
            else:
                row.arrow_line, row.arrow_alone = ln.n, True
            continue
        if opened is not None:
            arrowed, page = opened
            if arrowed:
                if row.arrow_line is not None and not row.arrow_alone:
                    plan.warnings.append(source.warn(ln.n, f"row {row.number}: a second ③ arrow ⇒"))
                if row.arrow_line is None:
                    row.arrow_line = ln.n
                row.arrow_alone = False
            block = _Block(ln.n, page, arrowed)
            row.blocks.append(block)
            if page is None:
                raw_rest = re.sub(rf"^\s*[{_ARROWS}]\s*", "", ln.raw)
                block.lines.append(_Line(ln.n, raw_rest, nfkc(raw_rest).strip()))
                plan.warnings.append(source.warn(ln.n, f"row {row.number}: ③ cites no page number"))
            continue
        if block is None:
            block = _Block(ln.n, None, False)
            row.blocks.append(block)
            plan.warnings.append(source.warn(ln.n, f"row {row.number}: ③ text without a page number"))
        block.lines.append(ln)
    if row.arrow_line is None and not row.blocks:
        plan.warnings.append(source.warn(row.line, f"row {row.number}: no ③ arrow ⇒; reflections left empty"))
    return measure, opinion, response


def _reassign(rows: list[_Row], lead: list[_Block], source: SourceText, plan: Plan) -> None:
    """Move ③ blocks extracted before their row's № to that row (see module doc).

    ``lead`` are the blocks found before the first row."""
    for k, row in enumerate(rows):
        prev_blocks = lead if k == 0 else rows[k - 1].blocks
        if not (row.arrow_alone and not row.blocks):
            continue
        if k == 0:
            orphans = [b for b in prev_blocks if not b.arrowed]
        else:
            first_arrowed = next((i for i, b in enumerate(prev_blocks) if b.arrowed), None)
            orphans = [] if first_arrowed is None else prev_blocks[first_arrowed + 1 :]
            if any(b.arrowed for b in orphans):
                orphans = []
        if orphans:
            for b in orphans:
                prev_blocks.remove(b)
            row.blocks.extend(orphans)
            pages = ", ".join(f"p.{b.page}" for b in orphans)
            plan.warnings.append(
                source.warn(
                    orphans[0].line,
                    f"row {row.number}: ③ blocks {pages} (l.{orphans[0].line}–) precede its № line "
                    f"(l.{row.line}); assigned to it because its ③ arrow ⇒ (l.{row.arrow_line}) stands alone",
                )
            )
        else:
            plan.warnings.append(
                source.warn(row.arrow_line or row.line, f"row {row.number}: ③ arrow ⇒ with nothing after it")
            )
    if lead:
        pages = ", ".join(f"p.{b.page}" for b in lead)
        plan.warnings.append(
            source.warn(lead[0].line, f"③ blocks {pages} before the first row could not be placed")
        )


def _blocks_before(lines: list[_Line | None], source: SourceText, plan: Plan) -> list[_Block]:
    blocks: list[_Block] = []
    for ln in lines:
        if ln is None:
            continue
        opened = _page_of(ln.text)
        if opened is not None and opened[1] is not None:
            blocks.append(_Block(ln.n, opened[1], opened[0]))
        elif blocks:
            blocks[-1].lines.append(ln)
        else:
            plan.warnings.append(source.warn(ln.n, f"text before the first row ignored: {ln.text[:30]!r}"))
    return blocks


def _node(plan: Plan, parts: list[_Part], source: SourceText) -> None:
    """Add the 施策名 path ``parts`` to the plan's node tree (once per path)."""
    siblings = plan.nodes
    for p in parts:
        found = next(
            (n for n in siblings if (n.level, n.code or "", n.title) == (p.level, p.code, p.title)), None
        )
        if found is None:
            found = Node(level=p.level, code=p.code or None, title=p.title, source=source.ref(p.line))
            siblings.append(found)
        siblings = found.children


def recognise(source: SourceText) -> float:
    """How strongly ``source`` looks like an opinion-reflection table (0.0–1.0).

    Reads the column captions (意見内容 and 対応方針), the ``⇒ p.NN``
    reflection markers and the lone ``⇒`` arrows between ① and ②; a KPI
    table plan has none of them."""
    text = source.text
    score = 0.0
    if "意見" in text and "対応方針" in text:
        score += 0.35
    if "意見内容" in text or "への反映" in text:
        score += 0.1
    arrowed_pages = 0
    lone = 0
    for line in source.lines:
        s = line.strip()
        opened = _page_of(s)
        if opened is not None and opened[0] and opened[1] is not None:
            arrowed_pages += 1
        elif _is_arrow_alone(s):
            lone += 1
    if arrowed_pages:
        score += 0.25 if arrowed_pages >= 2 else 0.15
    if lone >= 2:
        score += 0.3
    elif lone:
        score += 0.1
    return min(score, 1.0)


def read(source: SourceText) -> Plan:
    """Read an opinion-reflection table into a :class:`Plan`.

    ``plan.opinions`` gets one :class:`Opinion` per № row, in print order;
    ``plan.nodes`` the 施策名 hierarchy (no indicators). Recovered or doubtful
    readings (③ blocks moved to their row, rows without 施策名, ③ without a
    page) are listed in ``plan.warnings``. Never raises on odd text: what it
    cannot read becomes a warning."""
    title = _title_line(source)
    plan = Plan(doc=source.name, title=title.raw.strip() if title else "", layout=LAYOUT)
    lines = _content_lines(source, title)
    starts, strays = _row_starts(lines)
    for i in strays:
        stray = lines[i]
        assert stray is not None
        plan.warnings.append(
            source.warn(
                stray.n, f"number line {stray.text!r} is not followed by ① ⇒ ②: skipped as a page number"
            )
        )
        lines[i] = None
    if not starts:
        plan.warnings.append(source.warn(1, "no opinion rows (№ line followed by ① ⇒ ②) found"))
        return plan
    lead = _blocks_before(lines[: starts[0]], source, plan)
    rows: list[_Row] = []
    for k, i in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        ln = lines[i]
        assert ln is not None
        m = _ROW_NUMBER.match(ln.text)
        assert m is not None
        rows.append(_Row(int(m.group(1)), ln.n, lines[i + 1 : end]))
    read_rows = []
    for k, row in enumerate(rows):
        if k and row.number != rows[k - 1].number + 1:
            plan.warnings.append(
                source.warn(row.line, f"row number {row.number} does not follow {rows[k - 1].number}")
            )
        read_rows.append(_read_row(row, source, plan))
    _reassign(rows, lead, source, plan)
    previous: list[_Part] = []
    for row, (measure_lines, opinion_lines, response_lines) in zip(rows, read_rows, strict=True):
        parts = _measure_parts(measure_lines)
        if not parts:
            parts = previous
            plan.warnings.append(
                source.warn(row.line, f"row {row.number} prints no 施策名; filed under the previous row's")
            )
        else:
            _node(plan, parts, source)
        previous = parts
        if not opinion_lines:
            plan.warnings.append(source.warn(row.line, f"row {row.number}: empty 意見内容"))
        if not response_lines:
            plan.warnings.append(source.warn(row.line, f"row {row.number}: empty 対応方針"))
        plan.opinions.append(
            Opinion(
                number=row.number,
                measure=[p.title for p in parts],
                measure_codes=[p.code for p in parts],
                opinion=remove_spaces("".join(ln.raw for ln in opinion_lines)),
                response=remove_spaces("".join(ln.raw for ln in response_lines)),
                reflections=[_reflection(b, source, plan) for b in row.blocks],
                source=source.ref(row.line),
            )
        )
    return plan
