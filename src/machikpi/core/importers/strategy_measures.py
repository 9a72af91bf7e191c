"""Importer for 総合戦略 documents laid out as 基本目標 → 基本目標N-N → 具体的な施策.

The layout (seen in まち・ひと・しごと創生総合戦略 of several municipalities)::

    基本目標1 しごとの創生                      ← goal (code "1")
    基本目標1-1 安定した雇用の創出              ← sub-goal (code "1-1")
    数値目標
    指標名 <TAB> 現状値 (令和元年度) <TAB> 目標値 (令和9年度)
    …rows…                                     ← 数値目標 of the sub-goal
    基本的方向 / 関連するSDGs / footnotes
    具体的な施策①                               ← measure (code "1"); often lost
    地域産業の活性化、付加価値の向上            ← its title (or on the heading line)
    …text…
    重要業績評価指標(KPI)
    指標名 <TAB> 現状値 … <TAB> 目標値 …
    …rows…                                     ← KPI of the measure
    - 取組 bullets
    [※] **term**:text                          ← footnotes (glossary)

What the text loses and how it is recovered (each recovery is a warning):

* the ``具体的な施策①`` heading is often missing: a KPI table that comes in a
  sub-goal before any 具体的な施策 heading (or after the KPI table of the
  previous measure with a new title line in between) starts a new measure,
  numbered next in order, whose title is the short line just before its
  text paragraphs;
* a goal heading misprinted above a sub-goal (``基本目標2 …`` above
  ``基本目標3-2``) is corrected from the sub-goal's code;
* a name wrapped over two table lines, or a group-split value printed one
  group per line (``小学校 88.7%`` / ``中学校 82.8%``), is joined;
* a footnote headword damaged by OCR (one character off the term marked in
  the name) is matched and the term is taken as the name prints it.

Footnotes: a footnote whose headword is the whole (marked) indicator name
is its ``definition`` (sentences about the 目標値/現状値 and trailing ``※``
remarks go to ``notes``); a footnote for a marked term inside the name goes
to ``notes`` as ``"term:text"``. A ``※`` paragraph without a headword under a
table goes to the notes of the rows whose cells print ``(※)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import CellStatus, Indicator, Node, Plan, Role
from ..periods import Period
from ..quantities import DASHES, PENDING_WORDS, TALLYING_WORDS
from ..source import SourceText
from ..text import collapse_spaces, join_wrapped, match_key, nfkc
from .common import build_indicator, header_period, split_cells

LAYOUT = "strategy-measures"
DESCRIPTION = (
    "総合戦略: 基本目標N / 基本目標N-N with 数値目標, 具体的な施策① … with 重要業績評価指標(KPI) tables"
)

_DASH = r"[-‐－−ー―]"
_TOC = re.compile(r"[・•·…]{3,}|\.{4,}|‥{2,}")
_SUB = re.compile(rf"^\s*基本目標\s*(\d+)\s*{_DASH}\s*(\d+)\s*(.*)$")
_GOAL = re.compile(rf"^\s*基本目標\s*(\d+)(?!\d)(?!\s*{_DASH}\s*\d)\s*[:：.]?\s*(.*)$")
_MEASURE = re.compile(r"^\s*具体的な施策\s*[(（]?\s*(\d+)\s*[)）]?\s*[:：.]?\s*(.*)$")
_LABEL_GOAL = re.compile(r"^\s*[◆■●○<＜【\[]?\s*数[値值]目標\s*[>＞】\]]?\s*$")
_LABEL_KPI = re.compile(
    r"^\s*[◆■●○<＜【\[]?\s*(?:重要業績評価指標\s*[(（]?\s*KPI\s*[)）]?|KPI)\s*[>＞】\]]?\s*$"
)
_FOOTNOTE = re.compile(r"^\s*(?:\[[^\]\s]{1,3}\]|※)\s*(?P<body>.*)$")
_HEADWORD = re.compile(
    r"^(?:\*\*)?\s*(?P<head>[^:：。、,\s][^:：。、,]{0,39}?)\s*(?:\*\*)?\s*[:：]\s*(?P<text>.*)$"
)
_BULLET = re.compile(r"^\s*[-・●○◆■□▪•]\s*\S")
_SECTION = re.compile(r"^\s*(?:基本的方向|基本的な方向|関連するSDGs|主な取組|主な事業|取組内容)\s*$")
# Footnote marks printed after a term in an indicator name (as in common.read_name).
_MARK = re.compile(r"\s*(?:\^\{\*+\}|\[[*®※]\]|[(（]※\s*\d*[)）]|※\s*\d*|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\*+)\s*")
_CUMULATIVE = re.compile(r"(?:【累計】|[(（]累計[)）]|〔累計〕|<累計>|＜累計＞)")
_CELL_REF = re.compile(r"[(（]\s*※\s*(\d*)\s*[)）]|※\s*(\d+)")
_GROUPED = re.compile(r"^\s*([^\d\s△▲※()（）\-]{1,6})\s+[△▲-]?\d")
_OPEN_END = re.compile(r"(?:の|・|、|や|と|及び|並びに|における|による|する|した|な|を|に|が|へ|で|[(（])$")
_BASELINE_WORDS = ("現状値", "基準値", "策定時", "実績値", "現状")


@dataclass
class _Row:
    line: int
    name: str
    cells: list[str]


@dataclass
class _Table:
    header_line: int
    end_line: int
    headers: list[str]
    role: Role | None
    label_line: int | None
    rows: list[_Row] = field(default_factory=list)
    carry: tuple[int, str] | None = None  # a name begun on a line with no values


@dataclass
class _Footnote:
    line: int
    head: str | None
    text: str


@dataclass
class _Placed:
    table: _Table
    pairs: list[tuple[_Row, Indicator]]


def _is_toc(line: str) -> bool:
    return bool(_TOC.search(line))


def _is_heading_text(title: str) -> bool:
    """A heading's title, not a sentence that starts with 基本目標N."""
    t = title.strip()
    return (
        bool(t)
        and len(t) <= 40
        and not t.endswith("。")
        and not t.startswith(("では", "は", "の", "に", "を", "、"))
    )


def _is_toc_heading(line: str) -> bool:
    """A table-of-contents entry: page leaders, or a page number after a tab."""
    return _is_toc(line) or bool(re.search(r"\t\s*\d{1,3}\s*$", line))


def _is_header(line: str) -> bool:
    if "\t" not in line:
        return False
    cells = [re.sub(r"\s+", "", c) for c in split_cells(line)]
    first = ("指標", "項目", "KPI", "数値目標", "重要業績評価指標")
    return bool(cells) and cells[0].startswith(first) and any("目標" in c for c in cells[1:])


def _is_prose(line: str) -> bool:
    s = line.strip()
    return len(s) > 50 or s.endswith("。")


def _is_title_like(line: str) -> bool:
    s = line.strip()
    return bool(
        s
        and "\t" not in s
        and len(s) <= 50
        and not s.endswith("。")
        and not _FOOTNOTE.match(s)
        and not _BULLET.match(s)
        and not _SECTION.match(s)
        and not _LABEL_GOAL.match(s)
        and not _LABEL_KPI.match(s)
        and not _SUB.match(s)
        and not _GOAL.match(s)
        and not _MEASURE.match(s)
        and not _is_toc(s)
        and not _is_page_number(s)
    )


def _is_page_number(line: str) -> bool:
    """A page number left in the text (``12``, ``- 12 -``)."""
    return bool(re.fullmatch(r"[\d\s\-–—/()]+", line.strip()))


def _ends_open(name: str) -> bool:
    """Whether a name fragment stops where a name cannot end (…の, …・, …による)."""
    return bool(_OPEN_END.search(nfkc(name).strip()))


def _label_role(line: str) -> Role | None:
    if _LABEL_GOAL.match(line):
        return Role.NUMERIC_GOAL
    if _LABEL_KPI.match(line):
        return Role.KPI
    return None


def recognise(source: SourceText) -> float:
    """How strongly ``source`` looks like this layout (0.0–1.0).

    Keys on ``基本目標N-N`` sub-goal headings (outside a table of contents),
    ``具体的な施策N`` headings, ``重要業績評価指標(KPI)`` labels and indicator
    tables (``指標名`` … ``目標値``). Without sub-goal headings the document is
    another layout (at most 0.1)."""
    lines = [ln for ln in source.lines if not _is_toc(ln)]
    subs = sum(1 for ln in lines if _SUB.match(ln))
    measures = sum(1 for ln in lines if _MEASURE.match(ln))
    kpi_labels = sum(1 for ln in lines if _LABEL_KPI.match(ln))
    tables = sum(1 for ln in lines if _is_header(ln))
    if subs == 0 or tables == 0:
        return 0.1 if (subs or measures) and tables else 0.0
    score = 0.4
    score += 0.2 if measures else 0.0
    score += 0.2 if kpi_labels else 0.0
    score += 0.1 if tables >= subs else 0.0
    score += 0.1 if any(_LABEL_GOAL.match(ln) for ln in lines) else 0.0
    return min(score, 1.0)


class _Reader:
    """One reading of a document; see the module docstring for the rules."""

    def __init__(self, source: SourceText) -> None:
        self.src = source
        self.lines = source.lines
        title = next((collapse_spaces(ln) for ln in self.lines if ln.strip()), "")
        self.plan = Plan(doc=source.name, title=title, layout=LAYOUT)
        self.goals: dict[str, Node] = {}
        self.texts: dict[int, list[tuple[int, str]]] = {}
        self.placed: list[_Placed] = []
        self.footnotes: list[_Footnote] = []

    # -- warnings and text -------------------------------------------------
    def warn(self, line: int, message: str) -> None:
        self.plan.warnings.append(self.src.warn(line, message))

    def add_text(self, node: Node | None, line: int, text: str) -> None:
        if node is not None:
            self.texts.setdefault(id(node), []).append((line, text))

    # -- tables ------------------------------------------------------------
    def read_table(self, i: int) -> _Table:
        """The table whose header is at 0-based index ``i``."""
        headers = split_cells(self.lines[i])
        ncols = len(headers)
        j = i + 1
        # A header wrapped over two lines: a line of years under the header.
        if j < len(self.lines) and "\t" in self.lines[j]:
            nxt = split_cells(self.lines[j])
            if not nxt[0] and all(not c or header_period(c) for c in nxt[1:]) and any(nxt[1:]):
                headers = [
                    f"{h} {c}".strip() for h, c in zip(headers, nxt + [""] * (ncols - len(nxt)), strict=False)
                ]
                j += 1
        role, label_line = None, None
        k = i - 1
        while k >= 0 and not self.lines[k].strip():
            k -= 1
        if k >= 0 and _label_role(self.lines[k]):
            role, label_line = _label_role(self.lines[k]), k + 1
        table = _Table(header_line=i + 1, end_line=i + 1, headers=headers, role=role, label_line=label_line)
        last_tabbed = i
        while j < len(self.lines):
            line = self.lines[j]
            if not line.strip():
                # A page break inside a table: rows go on after blank lines.
                k = j
                while k < len(self.lines) and not self.lines[k].strip():
                    k += 1
                if (
                    k < len(self.lines)
                    and self.lines[k].count("\t") >= ncols - 1
                    and not _is_header(self.lines[k])
                    and not _is_toc(self.lines[k])
                ):
                    j = k
                    continue
                break
            if "\t" not in line:
                if j == last_tabbed + 1 and table.rows and _is_title_like(line) and not _is_prose(line):
                    # A name wrapped onto a line of its own.
                    table.rows[-1].name += " " + self.src.raw(j + 1).strip()
                    table.end_line = j + 1
                    j += 1
                    continue
                break
            self.add_row(table, j + 1, ncols)
            last_tabbed = j
            table.end_line = j + 1
            j += 1
        if table.carry is not None:
            self.warn(table.carry[0], f"indicator {table.carry[1]!r} has no values in its table")
            table.rows.append(_Row(table.carry[0], table.carry[1], [""] * (ncols - 1)))
            table.carry = None
        return table

    def add_row(self, table: _Table, line: int, ncols: int) -> None:
        raw_cells = split_cells(self.src.raw(line))
        if len(raw_cells) > ncols:
            self.warn(line, f"table row has {len(raw_cells)} cells for {ncols} columns; extra cells joined")
            raw_cells = [*raw_cells[: ncols - 1], " ".join(c for c in raw_cells[ncols - 1 :] if c)]
        raw_cells += [""] * (ncols - len(raw_cells))
        name, cells = raw_cells[0], raw_cells[1:]
        if table.carry is not None:
            line, name = table.carry[0], f"{table.carry[1]} {name}"
            table.carry = None
        if not any(cells):
            # A name wrapped over table lines with no values on this one: it
            # ends the name above when that one is left open (…の, …・), else
            # it begins the name of the row below.
            if table.rows and (_ends_open(table.rows[-1].name) or not _ends_open(name)):
                table.rows[-1].name += " " + name
            else:
                table.carry = (line, name)
            return
        if table.rows:
            prev = table.rows[-1]
            if not name:
                prev.cells = [f"{a} {b}".strip() for a, b in zip(prev.cells, cells, strict=False)]
                return
            if self._next_group(prev.cells, cells):
                # One group per line: 小学校 88.7% / 中学校 82.8%, the name wrapped alongside.
                prev.name += " " + name
                prev.cells = [f"{a} {b}".strip() for a, b in zip(prev.cells, cells, strict=False)]
                return
        table.rows.append(_Row(line, name, cells))

    @staticmethod
    def _next_group(prev: list[str], cells: list[str]) -> bool:
        """Whether ``cells`` continue ``prev`` with another group's values."""
        if not prev or not prev[0]:
            return False
        a, b = _GROUPED.match(nfkc(prev[0])), _GROUPED.match(nfkc(cells[0]))
        if not a or not b or a.group(1) == b.group(1):
            return False
        # ``prev`` holds exactly one group (label + one value).
        return len(re.findall(r"\d[\d,.]*", nfkc(prev[0]))) == 1

    def columns(self, table: _Table) -> tuple[int, list[int]]:
        """The baseline column and the target columns (indices into row cells)."""
        heads = [re.sub(r"\s+", "", nfkc(h)) for h in table.headers[1:]]
        targets = [k for k, h in enumerate(heads) if "目標" in h]
        base = next(
            (k for k, h in enumerate(heads) if k not in targets and h.startswith(_BASELINE_WORDS)), None
        )
        if base is None:
            base = next((k for k in range(len(heads)) if k not in targets), 0)
            if len(heads) > 1:
                self.warn(
                    table.header_line,
                    "no 現状値/基準値 column header; the first non-target column is read as the baseline",
                )
        return base, targets

    # -- structure ---------------------------------------------------------
    def goal(self, code: str, title: str, line: int) -> Node:
        node = self.goals.get(code)
        if node is None:
            node = Node(level="基本目標", code=code, title=title, source=self.src.ref(line))
            self.goals[code] = node
            self.plan.nodes.append(node)
        elif title and match_key(title) != match_key(node.title):
            self.warn(
                line, f"基本目標{code} is titled {title!r} here but {node.title!r} before; kept the first"
            )
        return node

    def title_before(self, start: int, stop: int) -> tuple[int, str] | None:
        """The short title line before the text paragraphs that end before line
        ``stop`` (1-based, exclusive), not reaching back past line ``start``."""
        k = stop - 1
        while k > start:
            line = self.lines[k - 1]
            prose = _is_prose(line) and not _FOOTNOTE.match(line) and not _BULLET.match(line)
            if not line.strip() or prose or _is_page_number(line):
                k -= 1
                continue
            if _is_title_like(line):
                return k, join_wrapped(line)
            return None
        return None

    def read(self) -> Plan:
        n = len(self.lines)
        last_goal: tuple[int, str, str] | None = None
        goal: Node | None = None
        sub: Node | None = None
        measure: Node | None = None
        measure_tables = 0
        boundary = 0  # 1-based line of the last heading or table end
        title_pending: Node | None = None
        i = 0
        while i < n:
            line, ln = self.lines[i], i + 1
            stripped = line.strip()
            if not stripped or _is_toc(line):
                i += 1
                continue
            if _is_header(line):
                table = self.read_table(i)
                node = None
                role = table.role
                if role is None:
                    owner = sub or goal
                    has_goal_table = owner is not None and bool(owner.indicators)
                    role = Role.KPI if measure is not None or has_goal_table else Role.NUMERIC_GOAL
                    self.warn(ln, f"no 数値目標/重要業績評価指標 label above the table; read as {role}")
                if sub is None and goal is None and last_goal is not None:
                    goal = self.goal(last_goal[1], last_goal[2], last_goal[0])
                parent = sub or goal
                if parent is None:
                    self.warn(ln, "indicator table outside any 基本目標; skipped")
                    i = table.end_line
                    continue
                if role is Role.KPI:
                    stop = table.label_line or table.header_line
                    found = self.title_before(boundary, stop)
                    if measure is None or (measure_tables and found and found[0] > boundary):
                        code = str(len(parent.children) + 1)
                        title = found[1] if found else ""
                        at = found[0] if found else stop
                        measure = Node(level="具体的な施策", code=code, title=title, source=self.src.ref(at))
                        parent.children.append(measure)
                        measure_tables = 0
                        # The text after the recovered title belongs to the measure.
                        own = self.texts.get(id(parent), [])
                        self.texts[id(parent)] = [t for t in own if t[0] <= at]
                        self.texts[id(measure)] = [t for t in own if t[0] > at]
                        if found:
                            self.warn(
                                at,
                                f"具体的な施策 heading missing; read as 具体的な施策{code} {title!r} "
                                "(the title line before the KPI table's text)",
                            )
                        else:
                            self.warn(
                                stop,
                                f"具体的な施策 heading and title missing; read as 具体的な施策{code} with no title",
                            )
                    node = measure
                    measure_tables += 1
                else:
                    node = parent
                self.place(table, role, node)
                boundary = table.end_line
                i = table.end_line
                continue
            heading = not _is_toc_heading(line)
            m = _SUB.match(line) if heading else None
            if m and (not m.group(3).strip() or _is_heading_text(m.group(3))):
                g, s, title = m.group(1), m.group(2), join_wrapped(m.group(3))
                if last_goal is None:
                    self.warn(ln, f"基本目標{g}-{s} has no 基本目標{g} heading above it")
                    goal = self.goals.get(g) or self.goal(g, "", ln)
                elif last_goal[1] == g:
                    goal = self.goal(g, last_goal[2], last_goal[0])
                else:
                    self.warn(
                        last_goal[0],
                        f"heading 基本目標{last_goal[1]} {last_goal[2]} above 基本目標{g}-{s} is misprinted; "
                        f"read as 基本目標{g}",
                    )
                    goal = self.goals.get(g) or self.goal(g, last_goal[2], last_goal[0])
                sub = Node(level="基本目標", code=f"{g}-{s}", title=title, source=self.src.ref(ln))
                goal.children.append(sub)
                measure, measure_tables, title_pending, boundary = None, 0, None, ln
                i += 1
                continue
            m = _GOAL.match(line) if heading else None
            if m and _is_heading_text(m.group(2)):
                last_goal = (ln, m.group(1), join_wrapped(m.group(2)))
                goal, sub, measure, measure_tables, title_pending, boundary = None, None, None, 0, None, ln
                i += 1
                continue
            m = _MEASURE.match(line) if heading else None
            if m and (not m.group(2).strip() or _is_heading_text(m.group(2))):
                if sub is None and goal is None and last_goal is not None:
                    goal = self.goal(last_goal[1], last_goal[2], last_goal[0])
                parent = sub or goal
                if parent is None:
                    self.warn(ln, "具体的な施策 outside any 基本目標; skipped")
                    i += 1
                    continue
                code, title = str(int(m.group(1))), join_wrapped(m.group(2))
                measure = Node(level="具体的な施策", code=code, title=title, source=self.src.ref(ln))
                parent.children.append(measure)
                measure_tables, boundary = 0, ln
                title_pending = None if title else measure
                i += 1
                continue
            if title_pending is not None:
                pending, title_pending = title_pending, None
                if _is_title_like(line) and not _is_prose(line):
                    pending.title = join_wrapped(line)
                    boundary = ln
                    i += 1
                    continue
                self.warn(ln, f"具体的な施策{pending.code} has no title line")
            fm = _FOOTNOTE.match(line)
            if fm and not _BULLET.match(line):
                body = fm.group("body").strip()
                hm = _HEADWORD.match(body)
                if hm:
                    self.footnotes.append(_Footnote(ln, hm.group("head").strip(), hm.group("text").strip()))
                else:
                    self.footnotes.append(_Footnote(ln, None, body))
                i += 1
                continue
            if not _label_role(line) and not _SECTION.match(line) and not _is_page_number(line):
                bullet = _BULLET.match(line)
                text = f"{stripped[0]} {join_wrapped(stripped[1:])}" if bullet else join_wrapped(stripped)
                self.add_text(measure or sub or goal, ln, text)
            i += 1
        for _, node in self.plan.walk():
            node.text = "\n".join(t for _, t in self.texts.get(id(node), []))
        self.attach_footnotes()
        return self.plan

    def place(self, table: _Table, role: Role, node: Node) -> None:
        """Read the rows of ``table`` into indicators of ``node``."""
        base, targets = self.columns(table)
        base_head: Period | None = (
            header_period(table.headers[1 + base]) if len(table.headers) > 1 + base else None
        )
        target_heads = [header_period(table.headers[1 + t]) for t in targets]
        pairs: list[tuple[_Row, Indicator]] = []
        for row in table.rows:
            if not row.name.strip():
                self.warn(row.line, "table row without an indicator name; skipped")
                continue
            ind = build_indicator(
                role,
                row.name.strip(),
                row.cells[base] if base < len(row.cells) else "",
                [row.cells[t] if t < len(row.cells) else "" for t in targets],
                baseline_header=base_head,
                target_headers=target_heads,
                source=self.src.ref(row.line),
                warnings=self.plan.warnings,
            )
            for cell_raw in [row.cells[base], *(row.cells[t] for t in targets)]:
                note = _cell_remark(cell_raw)
                if note and note not in ind.notes:
                    ind.notes.append(note)
            for s in ind.series:
                for c in [s.baseline, *s.targets]:
                    if c.repairs:
                        self.warn(row.line, f"OCR repair in {c.raw!r}: {', '.join(c.repairs)}")
                    if ind.unit and c.status is CellStatus.VALUE and c.value and not c.unit:
                        self.warn(
                            row.line,
                            f"cell {c.raw!r} prints no unit where the row prints {ind.unit!r} "
                            "(a unit lost to OCR?); read as printed",
                        )
            node.indicators.append(ind)
            pairs.append((row, ind))
        self.placed.append(_Placed(table, pairs))

    # -- footnotes ---------------------------------------------------------
    def attach_footnotes(self) -> None:
        """Attach footnotes to the indicators of the table they follow."""
        starts = [p.table.header_line for p in self.placed] + [len(self.lines) + 1]
        for k, placed in enumerate(self.placed):
            lo, hi = placed.table.header_line, starts[k + 1]
            region = [f for f in self.footnotes if lo < f.line < hi]
            self.attach_paragraphs(placed, [f for f in region if f.head is None])
            for row, ind in placed.pairs:
                self.attach_marked(row, ind, region)

    def find_footnote(
        self, term: str, region: list[_Footnote], exact_whole: bool
    ) -> tuple[_Footnote, str] | None:
        """The footnote for ``term`` (the name text up to a mark): its headword
        equals ``term`` (``exact_whole``) or ends it; region first, then the
        whole document; then a headword one character off (OCR)."""
        key = match_key(term)
        for pool in (region, self.footnotes):
            best: tuple[_Footnote, str] | None = None
            for f in pool:
                if f.head is None:
                    continue
                h = match_key(f.head)
                hit = h and (h == key if exact_whole else key.endswith(h))
                if hit and (best is None or len(h) > len(match_key(best[1]))):
                    best = (f, f.head)
            if best:
                return best
        for f in region:
            if f.head is None:
                continue
            h = match_key(f.head)
            cand = key if exact_whole else key[-len(h) :] if len(h) <= len(key) else ""
            if len(h) >= 4 and len(cand) == len(h) and sum(a != b for a, b in zip(h, cand, strict=True)) == 1:
                self.warn(
                    f.line,
                    f"footnote headword {f.head!r} read as {cand!r} (the term marked in the indicator name)",
                )
                return f, cand
        return None

    def attach_marked(self, row: _Row, ind: Indicator, region: list[_Footnote]) -> None:
        """Definition or glossary notes for the footnote marks in the name."""
        raw = re.sub(r"(?<!\{)\*\*(?!\})", "", row.name)
        for m in _MARK.finditer(raw):
            if not m.group().strip():
                continue
            before = join_wrapped(nfkc(_MARK.sub(" ", raw[: m.start()])))
            before = join_wrapped(_CUMULATIVE.sub(" ", before))
            after = _CUMULATIVE.sub(" ", nfkc(_MARK.sub(" ", raw[m.end() :]))).strip()
            if not before:
                continue
            at_end = not after
            found = self.find_footnote(before, region, exact_whole=True) if at_end else None
            if found:
                definition, notes = _split_definition(found[0].text)
                if ind.definition is None:
                    ind.definition = definition or None
                ind.notes += [x for x in notes if x not in ind.notes]
                continue
            found = self.find_footnote(before, region, exact_whole=False)
            if found:
                note = f"{join_wrapped(found[1])}:{join_wrapped(found[0].text)}"
                if note not in ind.notes:
                    ind.notes.append(note)
                continue
            self.warn(row.line, f"footnote mark after {before!r} has no footnote")

    def attach_paragraphs(self, placed: _Placed, paragraphs: list[_Footnote]) -> None:
        """``※`` paragraphs without a headword: to the rows whose cells print
        the same mark; if no cell prints one, a paragraph right under the
        table goes to every row (with a warning)."""
        for f in paragraphs:
            num = _paragraph_number(self.lines[f.line - 1])
            text = join_wrapped(re.sub(r"^\s*\d+\s*", "", f.text) if num else f.text)
            if not text:
                continue
            marked = [ind for row, ind in placed.pairs if num in _cell_refs(row.cells)]
            if not marked:
                between = self.lines[placed.table.end_line : f.line - 1]
                if any(ln.strip() for ln in between) or not placed.pairs:
                    continue
                marked = [ind for _, ind in placed.pairs]
                self.warn(f.line, "※ note under the table marks no cell; attached to every row of the table")
            for ind in marked:
                if text not in ind.notes:
                    ind.notes.append(text)


def _paragraph_number(line: str) -> str:
    m = re.match(r"^\s*(?:\[※\]|※)\s*(\d+)", line)
    return m.group(1) if m else ""


def _cell_refs(cells: list[str]) -> set[str]:
    """The ``※`` marks the value cells refer to: ``(※)`` → ``""``, ``※2`` → ``"2"``."""
    refs: set[str] = set()
    for c in cells:
        for m in _CELL_REF.finditer(nfkc(c)):
            refs.add(m.group(1) or m.group(2) or "")
    return refs


def _cell_remark(raw: str) -> str | None:
    """The remark of a cell that prints text instead of a value
    (``※健康いせさき21…設定予定`` → ``健康いせさき21…設定予定``); ``None``
    for a value, a dash or a bare status word."""
    text = join_wrapped(nfkc(raw))
    if not text.startswith("※"):
        return None
    text = text.lstrip("※").strip()
    if not text or re.search(r"^[△▲-]?\d", text) or text in DASHES:
        return None
    if text in PENDING_WORDS or text in TALLYING_WORDS:
        return None
    return text


def _split_definition(text: str) -> tuple[str, list[str]]:
    """Split a footnote that defines an indicator into the definition and
    notes: trailing ``※`` remarks and sentences about the 目標値 / 現状値 /
    基準値 are notes (they say how the target was set, not what is counted)."""
    parts = [p.strip() for p in nfkc(text).split("※")]
    main, notes = parts[0], [join_wrapped(p) for p in parts[1:] if p.strip()]
    sentences = [s for s in re.split(r"(?<=。)", main) if s.strip()]
    keep: list[str] = []
    for s in sentences:
        if re.match(r"^\s*(?:目標値|現状値|基準値)", s):
            notes.append(join_wrapped(s))
        else:
            keep.append(s)
    return join_wrapped("".join(keep)), notes


def read(source: SourceText) -> Plan:
    """Read ``source`` into a :class:`Plan` (see the module docstring).

    Nodes: 基本目標 (code ``"1"``) → 基本目標 (``"1-1"``) → 具体的な施策
    (``"1"``…). Role 数値目標 for the sub-goal tables, KPI for the measures'.
    Never raises on a damaged document: what cannot be read is a warning."""
    return _Reader(source).read()
