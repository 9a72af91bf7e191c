"""Importer for 重点戦略 chapters with ◆数値目標 / ◆KPI tables (layout ``kpi-tables``).

The layout (a 基本計画's 重点戦略 chapter, as municipal PDFs print it)::

    - 重点戦略1 子どもを育む環境づくり        ← optional list announced at the chapter start
    重点戦略Ⅰ                                ← strategy heading (arabic, roman or kanji number)
    子どもを育む環境づくり                    ← its title, on the heading line or the next one
    ◆基本的な方向性 / ◆数値目標 / ◆SDGsの目標との関連
    指標名<TAB>策定時実績値<TAB>目標値 (2027)<TAB>目標値 (2031)
    <name><TAB><baseline><TAB><target><TAB><target>
    ：footnote / 1：footnote                 ← footnotes after a table
    (1) 希望する妊娠・出産が叶う              ← sub-measure (施策); may be listed once before
    ◆基本的な方向性 / ◆主な取組 / ◆KPI（重要業績評価指標）   its body and printed again

Nodes: a strategy is level ``重点戦略`` coded ``"1"``.. (roman/kanji numerals
turned into arabic); a sub-measure ``(n)`` is level ``施策`` coded ``"n"``.
A ◆数値目標 table belongs to the strategy (role 数値目標), a ◆KPI table to the
current sub-measure (role KPI).

Footnotes are attached to indicators of the table just above them:

* a numbered footnote (``1：``, ``※1``) to the rows printing that mark
  (``¹``, ``※1``);
* an unnumbered footnote (``：text``) to the single row printing an
  unnumbered mark (``*``, ``※``), else to the only row of the table, else to
  the row whose name shares the most distinctive words with the footnote
  (kanji/katakana bigrams weighted by 1/the number of rows that share them,
  plus the characters of the footnote's last noun, which is usually the term
  it explains). The marks themselves are often lost in extraction (the
  annotator's notes on seed 000 read the attachment off the wording).
  A weak or tied match is attached to the nearest (last) candidate with a warning.

A footnote is also the indicator's ``definition`` when it names a quantity,
i.e. its text ends with a counting noun (``数``, ``割合``, ``率``, ``量``,
``額``): such a footnote restates what the indicator counts (``創業支援計画に
基づく支援を受けた創業者数``). A footnote naming a population, a qualifier or
explaining a term (``…が対象``, ``…によるもの``, ``…のための活動``) is a note
only. Notes keep the printed (not NFKC) text, footnote marker removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import ExtractWarning, Indicator, Node, Plan, Role
from ..periods import Period
from ..source import SourceText
from ..text import collapse_spaces, join_wrapped, nfkc
from .common import build_indicator, header_period, heading_number, read_name, split_cells

LAYOUT = "kpi-tables"
DESCRIPTION = "基本計画 重点戦略 chapter: 重点戦略N / (n) 施策 with ◆数値目標 and ◆KPI tables (指標名・策定時実績値・目標値)"

STRATEGY_LEVEL = "重点戦略"
MEASURE_LEVEL = "施策"

_NUMBER = r"(?P<num>\d{1,2}|[IVXL]{1,6}|[一二三四五六七八九十]{1,3})"
# A strategy heading: 重点戦略 + number, optionally a title on the same line.
_STRATEGY = re.compile(rf"^重点戦略\s*{_NUMBER}(?![\dA-Za-z])\s*[:.、]?\s*(?P<title>.*)$")
# The same printed as an item of a list (the chapter's announcement of its strategies).
_LISTED = re.compile(rf"^[-・•●○◦*]\s*重点戦略\s*{_NUMBER}(?![\dA-Za-z])\s*[:.、]?\s*(?P<title>.*)$")
# A sub-measure heading: (1) title.
_MEASURE = re.compile(r"^[(]\s*(?P<num>\d{1,2})\s*[)]\s*(?P<title>\S.*)$")
_BULLET = re.compile(r"^[◆◇■□●○◎▼▽]\s*")
# Footnote lines (NFKC): "：text", "1：text", "※1 text", "※ text", "(※1) text", "*1: text".
_FOOTNOTE = re.compile(
    r"^(?:[(]?(?:※|\*|注)\s*(?P<n1>\d{0,2})[)]?\s*:?|(?P<n2>\d{1,2})?\s*:)\s*(?P<text>\S.*)$"
)
_FOOTNOTE_RAW = re.compile(
    r"^\s*(?:[(（]?\s*(?:※|＊|\*|注)\s*[0-9０-９]{0,2}\s*[)）]?\s*[:：]?|[0-9０-９]{0,2}\s*[:：])\s*"
)
_CONTENT = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff々ー]")
_TAIL_NOUN = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff々ー]+$")
#: Footnote endings that name a quantity: the footnote then defines what the indicator counts.
DEFINITION_ENDINGS = ("数", "割合", "率", "量", "額")
_BASELINE_WORDS = ("策定時", "実績", "現状", "基準", "現在")


def _heading_title(title: str) -> bool:
    """Whether the text after ``重点戦略N`` can be a heading's title: short, not
    a sentence (``。``) and not prose continuing with a particle (``重点戦略1は、…``)."""
    return len(title) <= 40 and "。" not in title and not re.match(r"[はがをにのとでもや、,]", title)


def _block_kind(line: str) -> str | None:
    """The kind of a ◆ block heading (``数値目標``, ``KPI``, ``方向性``,
    ``取組``, ``other``), ``None`` when ``line`` is not one. The bullet may be
    lost in extraction for the two table kinds."""
    bulleted = bool(_BULLET.match(line))
    body = _BULLET.sub("", line).strip()
    compact = re.sub(r"\s+", "", body)
    if re.fullmatch(r"数値目標", compact):
        return "数値目標"
    if re.fullmatch(r"(?:KPI|重要業績評価指標)(?:[(（].*[)）])?", compact):
        return "KPI"
    if not bulleted or len(compact) > 30:
        return None
    if "数値目標" in compact:
        return "数値目標"
    if "KPI" in compact or "業績評価指標" in compact:
        return "KPI"
    if "方向" in compact:
        return "方向性"
    if "取組" in compact or "取り組み" in compact:
        return "取組"
    return "other"


@dataclass
class _Header:
    """Columns of a KPI table: name, baseline and target columns with their years."""

    line: int
    ncols: int
    name_col: int
    base_col: int | None
    target_cols: list[int]
    base_period: Period | None
    target_periods: list[Period | None]


def _read_header(cells: list[str], line: int) -> _Header | None:
    """A table header (``指標名 / 策定時実績値 / 目標値 (2027) / …``), else ``None``."""
    if len(cells) < 2 or "指標" not in cells[0]:
        return None
    targets = [i for i, c in enumerate(cells) if i > 0 and "目標" in c]
    if not targets:
        return None
    base = next(
        (i for i, c in enumerate(cells) if 0 < i < targets[0] and any(w in c for w in _BASELINE_WORDS)), None
    )
    if base is None and targets[0] > 1:
        base = 1
    return _Header(
        line=line,
        ncols=len(cells),
        name_col=0,
        base_col=base,
        target_cols=targets,
        base_period=header_period(cells[base]) if base is not None else None,
        target_periods=[header_period(cells[i]) for i in targets],
    )


def _is_header(line: str) -> bool:
    return "\t" in line and _read_header(split_cells(line), 0) is not None


def recognise(source: SourceText) -> float:
    """How strongly ``source`` looks like a 重点戦略 chapter with KPI tables (0.0–1.0).

    Needs a table header ``指標名 … 目標値`` with a baseline column; then
    0.1, plus 0.45 for 重点戦略N headings and 0.45 for ◆数値目標 / ◆KPI block
    headings (bulleted, as this layout prints them); each part is full from
    two lines on. A table header alone (as other layouts print) stays at 0.1."""
    headers = strategies = markers = 0
    for line in source.lines:
        s = line.strip()
        if "\t" in s:
            cells = split_cells(s)
            h = _read_header(cells, 0)
            if (
                h is not None
                and h.base_col is not None
                and any(w in cells[h.base_col] for w in _BASELINE_WORDS)
            ):
                headers += 1
            continue
        if _STRATEGY.match(s) or _LISTED.match(s):
            strategies += 1
        elif _BULLET.match(s) and _block_kind(s) in ("数値目標", "KPI"):
            markers += 1
    if not headers:
        return 0.0
    return round(0.1 + 0.45 * min(1.0, strategies / 2) + 0.45 * min(1.0, markers / 2), 3)


@dataclass
class _Row:
    """One indicator read from a table row, with its footnote marks and raw name."""

    line: int
    indicator: Indicator
    marks: list[str]
    name: str


@dataclass
class _Table:
    rows: list[_Row] = field(default_factory=list)
    end: int = 0
    #: The last footnote read: its line, the indicators it went to, whether it is a definition.
    last_note: tuple[int, list[Indicator], bool] | None = None


class _Reader:
    """The state of one pass over the document."""

    def __init__(self, source: SourceText) -> None:
        self.src = source
        self.warnings: list[ExtractWarning] = []
        self.strategies: list[Node] = []
        self.announced: dict[str, tuple[str, int]] = {}
        self.strategy: Node | None = None
        self.measures: dict[str, Node] = {}
        self.measure: Node | None = None
        self.block: str | None = None
        self.last_table: _Table | None = None

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(self.src.warn(line, message))

    # -- lines -------------------------------------------------------------

    def next_nonblank(self, i: int) -> int | None:
        """1-based number of the first non-blank line after line ``i``."""
        n = len(self.src.lines)
        j = i + 1
        while j <= n and not self.src.line(j).strip():
            j += 1
        return j if j <= n else None

    def run(self) -> None:
        n = len(self.src.lines)
        i = 1
        while i <= n:
            i = self.step(i)

    def step(self, i: int) -> int:
        """Read the construct starting at line ``i``; return the next line to read."""
        line = self.src.line(i).strip()
        if not line:
            return i + 1
        if "\t" in line and _is_header(line):
            return self.table(i)
        m = _LISTED.match(line)
        if m:
            code = str(heading_number(m.group("num")))
            self.announced[code] = (join_wrapped(m.group("title")), i)
            return i + 1
        m = _STRATEGY.match(line)
        if m and _heading_title(m.group("title")):
            return self.start_strategy(i, m)
        kind = _block_kind(line)
        if kind is not None:
            self.block = kind
            self.last_table = None
            return i + 1
        m = _MEASURE.match(line)
        if m and self.strategy is not None and "。" not in m.group("title"):
            self.start_measure(i, m.group("num"), m.group("title"))
            return i + 1
        if self.last_table is not None and self.footnote(i):
            return i + 1
        self.last_table = None
        if self.block in ("方向性", "取組"):
            node = self.measure or self.strategy
            if node is not None:
                node.text = (node.text + "\n" if node.text else "") + line
        return i + 1

    # -- headings ----------------------------------------------------------

    def start_strategy(self, i: int, m: re.Match[str]) -> int:
        code = str(heading_number(m.group("num")))
        title = join_wrapped(m.group("title"))
        nxt = i + 1
        if not title:
            j = self.next_nonblank(i)
            if j is not None and self._plain_text(self.src.line(j).strip()):
                title, nxt = join_wrapped(self.src.line(j)), j + 1
        listed = self.announced.get(code)
        if not title:
            if listed:
                title = listed[0]
                self.warn(
                    i,
                    f"重点戦略{code}: no title printed; title taken from the chapter's list (line {listed[1]})",
                )
            else:
                self.warn(i, f"重点戦略{code}: no title printed")
        elif listed and listed[0] and listed[0] != title:
            self.warn(i, f"重点戦略{code}: title {title!r} differs from the chapter's list ({listed[0]!r})")
        if any(s.code == code for s in self.strategies):
            self.warn(i, f"重点戦略{code} is printed twice; read as a new strategy")
        elif self.strategies and self.strategies[-1].code and int(self.strategies[-1].code) + 1 != int(code):
            self.warn(
                i, f"重点戦略{code} follows 重点戦略{self.strategies[-1].code}: a strategy may be missing"
            )
        self.strategy = Node(STRATEGY_LEVEL, code, title, source=self.src.ref(i))
        self.strategies.append(self.strategy)
        self.measures = {}
        self.measure = None
        self.block = None
        self.last_table = None
        return nxt

    def _plain_text(self, line: str) -> bool:
        """A line that can be a heading's title (not a block, table, heading or list item)."""
        return not (
            "\t" in line
            or _block_kind(line) is not None
            or _STRATEGY.match(line)
            or _LISTED.match(line)
            or _MEASURE.match(line)
            or "。" in line
            or len(line) > 40
        )

    def start_measure(self, i: int, num: str, raw_title: str) -> None:
        assert self.strategy is not None
        code = str(int(num))
        title = join_wrapped(raw_title)
        node = self.measures.get(code)
        if node is None:
            node = Node(MEASURE_LEVEL, code, title, source=self.src.ref(i))
            self.measures[code] = node
            self.strategy.children.append(node)
        elif node.title != title:
            # The first printing was the list of sub-measures; the body's title wins.
            self.warn(
                i, f"({code}) printed as {title!r}, listed before as {node.title!r}; the later title is kept"
            )
            node.title = title
        else:
            node.source = self.src.ref(i)
        self.measure = node
        self.block = None
        self.last_table = None

    # -- tables ------------------------------------------------------------

    def table(self, i: int) -> int:
        """Read the table whose header is line ``i``; return the line after it."""
        header = _read_header(split_cells(self.src.line(i).strip()), i)
        assert header is not None
        role = self._role(i)
        node = self._table_node(i, role)
        n = len(self.src.lines)
        table = _Table()
        j = i + 1
        if j <= n and self._header_years(header, self.src.line(j)):
            j += 1
        pending_name = ""
        while j <= n:
            text = self.src.line(j).strip()
            if not text:
                k = self.next_nonblank(j)
                # A table continues over blank lines (a page break) with more rows.
                if k is not None and "\t" in self.src.line(k) and not _is_header(self.src.line(k).strip()):
                    j = k
                    continue
                break
            if "\t" not in text:
                nxt = self.src.line(j + 1) if j < n else ""
                if "\t" in nxt and not _is_header(nxt.strip()) and self._plain_text(text):
                    pending_name += self.src.raw(j).strip()
                    self.warn(
                        j, "a line without cells inside a table: read as the start of the next row's name"
                    )
                    j += 1
                    continue
                break
            if _is_header(text):  # header repeated after a page break
                j += 1
                continue
            row = self.row(j, header, role, pending_name)
            pending_name = ""
            if row is not None:
                table.rows.append(row)
                node.indicators.append(row.indicator)
            j += 1
        if not table.rows:
            self.warn(i, "a table header with no rows")
        table.end = j - 1
        self.last_table = table
        return j

    def _header_years(self, header: _Header, line: str) -> bool:
        """Complete ``header`` with the years of a header wrapped onto ``line``
        (``\t\t(2027)\t(2031)``: no name, only years); ``False`` if it is not one."""
        cells = split_cells(line.rstrip("\n"))
        if "\t" not in line or cells[0] or not any(c for c in cells):
            return False
        periods = [header_period(c) for c in cells]
        if any(c and p is None for c, p in zip(cells, periods, strict=True)):
            return False
        for k, col in enumerate(header.target_cols):
            if col < len(periods) and header.target_periods[k] is None:
                header.target_periods[k] = periods[col]
        if header.base_col is not None and header.base_col < len(periods) and header.base_period is None:
            header.base_period = periods[header.base_col]
        return True

    def _role(self, i: int) -> Role:
        if self.block == "数値目標":
            return Role.NUMERIC_GOAL
        if self.block == "KPI":
            return Role.KPI
        role = Role.KPI if self.measure is not None else Role.NUMERIC_GOAL
        self.warn(i, f"table without a ◆数値目標 / ◆KPI heading: read as {role} from its place")
        return role

    def _table_node(self, i: int, role: Role) -> Node:
        if self.strategy is None:
            self.strategy = Node(STRATEGY_LEVEL, None, "", source=self.src.ref(i))
            self.strategies.append(self.strategy)
            self.warn(i, "a KPI table before any 重点戦略 heading: put under an untitled strategy")
        if role == Role.NUMERIC_GOAL or self.measure is None:
            if role == Role.KPI:
                self.warn(i, "a KPI table before any (n) sub-measure: put under the strategy")
            return self.strategy
        return self.measure

    def row(self, j: int, header: _Header, role: Role, prefix: str) -> _Row | None:
        raw_cells = split_cells(self.src.raw(j))
        while raw_cells and not raw_cells[-1] and len(raw_cells) > header.ncols:
            raw_cells.pop()
        if len(raw_cells) > header.ncols:
            self.warn(j, f"row has {len(raw_cells)} cells, the header {header.ncols}: extra cells ignored")
        raw_cells += [""] * (header.ncols - len(raw_cells))
        raw_name = prefix + raw_cells[header.name_col]
        if not raw_name.strip():
            self.warn(j, "table row without an indicator name: skipped")
            return None
        base_raw = raw_cells[header.base_col] if header.base_col is not None else ""
        ind = build_indicator(
            role,
            raw_name,
            base_raw,
            [raw_cells[c] for c in header.target_cols],
            baseline_header=header.base_period,
            target_headers=header.target_periods,
            source=self.src.ref(j),
            warnings=self.warnings,
        )
        units = {c.unit for s in ind.series for c in (s.baseline, *s.targets) if c.unit}
        if len(units) > 1:
            self.warn(
                j, f"cells print different units {sorted(units)}; unit {ind.unit!r} (the first printed) kept"
            )
        parts = read_name(raw_name)
        return _Row(j, ind, parts.marks, parts.name)

    # -- footnotes ---------------------------------------------------------

    def footnote(self, i: int) -> bool:
        """Attach line ``i`` to the last table if it is a footnote (or its
        continuation); ``False`` when it is not one."""
        table = self.last_table
        assert table is not None
        line = self.src.line(i).strip()
        m = _FOOTNOTE.match(line)
        raw = self.src.raw(i).strip()
        if not m:
            # A footnote wrapped onto the next line (no blank line between).
            prev = table.last_note
            if prev is not None and prev[0] == i - 1 and self._plain_text(line):
                for ind in prev[1]:
                    ind.notes[-1] += join_wrapped(raw)
                    if ind.definition is not None and prev[2]:
                        ind.definition += join_wrapped(raw)
                table.last_note = (i, prev[1], prev[2])
                return True
            return False
        if not table.rows:
            return False
        number = m.group("n1") or m.group("n2") or ""
        text = join_wrapped(_FOOTNOTE_RAW.sub("", raw, count=1))
        targets = self._footnote_rows(i, number, nfkc(text), table)
        is_def = bool(
            re.search(rf"(?:{'|'.join(DEFINITION_ENDINGS)})$", re.sub(r"[。.\s]+$", "", nfkc(text)))
        )
        inds: list[Indicator] = []
        for r in targets:
            r.indicator.notes.append(text)
            if is_def and r.indicator.definition is None:
                r.indicator.definition = text
            inds.append(r.indicator)
        table.last_note = (i, inds, is_def)
        return True

    def _footnote_rows(self, i: int, number: str, text: str, table: _Table) -> list[_Row]:
        rows = table.rows
        if number:
            marked = [r for r in rows if number in (_mark_number(m) for m in r.marks)]
            if marked:
                return marked
            self.warn(i, f"footnote {number}: no row prints its mark; attached by its wording")
        else:
            unnumbered = [r for r in rows if any(not _mark_number(m) for m in r.marks)]
            if len(unnumbered) == 1:
                return unnumbered
        if len(rows) == 1:
            return rows
        scores = _similarity(text, [r.name for r in rows])
        best = max(scores)
        winners = [k for k, s in enumerate(scores) if s == best]
        pick = winners[-1]
        if best < 1.0 or len(winners) > 1:
            self.warn(
                i,
                f"footnote printed without a mark: attached to {rows[pick].name!r} (line {rows[pick].line}) "
                f"by its wording, a weak match",
            )
        return [rows[pick]]

    def plan(self) -> Plan:
        title = next((collapse_spaces(line) for line in self.src.lines if line.strip()), "")
        for code, (listed, line) in self.announced.items():
            if not any(s.code == code for s in self.strategies):
                self.warn(line, f"重点戦略{code} {listed} is listed but its chapter was not found")
        return Plan(
            doc=self.src.name,
            title=title,
            layout=LAYOUT,
            nodes=self.strategies,
            warnings=self.warnings,
        )


def _mark_number(mark: str) -> str:
    """The number of a footnote mark (``¹`` → ``"1"``, ``※2`` → ``"2"``), ``""`` if none."""
    return "".join(ch for ch in nfkc(mark) if ch.isdigit())


def _similarity(note: str, names: list[str]) -> list[float]:
    """How strongly ``note`` speaks of each of ``names`` (see the module docstring).

    Shared kanji/katakana bigrams count 1/df each (df: the number of names
    holding the bigram); characters of the note's last noun held by a name
    count 0.5/df each."""

    def bigrams(t: str) -> set[str]:
        return {t[k : k + 2] for k in range(len(t) - 1) if _CONTENT.match(t[k]) and _CONTENT.match(t[k + 1])}

    def chars(t: str) -> set[str]:
        return {c for c in t if _CONTENT.match(c)}

    name_bigrams = [bigrams(n) for n in names]
    name_chars = [chars(n) for n in names]
    tail = _TAIL_NOUN.search(re.sub(r"[」』)）\]\s。.]+$", "", note))
    note_bigrams = bigrams(note)
    tail_chars = chars(tail.group(0)) if tail else set()
    scores: list[float] = []
    for k in range(len(names)):
        s = sum(1 / sum(b in g for g in name_bigrams) for b in note_bigrams & name_bigrams[k])
        s += 0.5 * sum(1 / sum(c in cs for cs in name_chars) for c in tail_chars & name_chars[k])
        scores.append(s)
    return scores


def read(source: SourceText) -> Plan:
    """Read a 重点戦略 chapter (see the module docstring) into a :class:`Plan`.

    Roots are the strategies (level 重点戦略), their children the
    sub-measures (level 施策). Never raises on odd input: what cannot be read
    with certainty is reported in ``plan.warnings``."""
    reader = _Reader(source)
    reader.run()
    return reader.plan()
