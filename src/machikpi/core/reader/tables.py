"""Stages 3 and 4 of the reader: tables and lists of every form, columns by vocabulary.

:class:`TableReader` walks the classified lines once, keeping the outline
(stage 2) up to date, and reads indicator records from

* **row tables** — tab-separated or pipe rows: a header row whose cells name
  the columns (:meth:`Vocabulary.column_kind`), an optional sub-row of years
  (``\\t令和6年度\\t令和11年度``), data rows; a name wrapped onto the next row
  with grouped values (``児童・`` / ``生徒の割合``) joins it; rows labelled
  ``指標の考え方`` and the like, and ``※`` lines, are notes of the row above;
  a header repeated after a page break continues the table;
* **cell streams** — one cell per line (HTML tables exported cell by cell,
  PDF text with one cell per line) and the pieces of a flattened page: the
  header cells stand in a run; records are read either by count (a run of k
  header cells, then groups of k cells) or by pattern (a name, then its
  values and units in column order; k names followed by k × m values are
  read column by column, and marked uncertain);
* **list forms** — ``名称 100件(H26)→150件(R1)``, ``名称 400 人`` under a
  label that gives the year (``数値目標(H31/5か年累計)``), ``名称: 基準値 → 目標値``,
  ``■名称 現状値○ 目標値○``, a satisfaction line ``施策に係る市民満足度 … 30.6%``;
* **labelled blocks** — ``成果指標名 X … 令和5年度目標値 23`` with a year grid
  (``年度 24年度 … / 目標値 … / 実績値 …``) giving milestones and actuals.

Every line gets a ``kind`` and a ``note`` for the trace.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..model import ExtractWarning, Indicator, Node, PlanLink, Role, SourceRef
from ..periods import Period, find_periods
from ..text import join_wrapped, match_key, nfkc, remove_spaces
from .build import Cell, Record, build, join_name
from .cells import (
    arrow_values,
    has_name_ending,
    is_prose,
    is_status_word,
    is_text_value,
    is_unit,
    is_value,
    is_year_label,
    looks_like_name,
)
from .lines import Line
from .names import read_name
from .notes import clean_note_text
from .outline import Numbering, Outline, is_section_title, read_numbering
from .vocabulary import vocabulary

_VALUE_KINDS = ("baseline", "target", "actual", "year")
_BLOCK_MARK = re.compile(r"^[◆■□●○◇◎▼▽▲△★☆【〔<＜≪《]+")
_FOOTNOTE = re.compile(r"^(?:\[?※\]?\d*|[*＊]\d*|注\d*[:：]|[:：]|\(注\)|\(※\s*\d*\)|\d[:：])")
_LIST_MARK = re.compile(r"^(?:[■□◆◇●○・•▶►\u2460-\u2473]|[-*]\s)\s*")
_ITEM_VALUE = r"[^\s→⇒]+(?:\s?[^\s→⇒(（\d:：]{1,4})?(?:\s*[(（][^()（）]*[)）])?"
_ARROW_ITEM = re.compile(
    rf"^(?P<name>.+?)[\s:：=＝]+(?P<a>{_ITEM_VALUE})\s*(?:→|⇒|➡|->)\s*(?P<b>{_ITEM_VALUE})$"
)
_LABELLED = re.compile(
    r"(?P<label>数値目標|成果指標|指標名|指標|基準値(?:[(（][^()（）]*[)）])?|現状値(?:[(（][^()（）]*[)）])?|"
    r"目標値(?:[(（][^()（）]*[)）])?|実績値(?:[(（][^()（）]*[)）])?|評価区分|評価)\s*[=:：]?\s*"
    r"(?P<value>[^\s=:：]+(?:\s*[(（][^()（）]*[)）])?)"
)
_LEGEND = re.compile(
    r"[(（]?\s*(?P<mark>[●■◆○◎□])\s*は\s*(?P<a>[^→⇒()（）]{1,12}?(?:年度|年))\s*[→⇒]\s*(?P<b>[^→⇒()（）]{1,12}?(?:年度|年))"
)
_VERDICT_MARK = re.compile(r"[○◯◎△×✕✖]|[A-ES]")
_CODE_LINE = re.compile(r"^(\d{1,2})\s*[-‐－]\s*(\d{1,2})\s+(\S.*)$")
_SATISFACTION = re.compile(r"^(?P<label>\S*満足度)\s+(?P<name>.+?)\s+(?P<value>\d+(?:\.\d+)?\s*%)$")


@dataclass
class Column:
    """One column of a header: its ``kind`` (a vocabulary column kind, ``"year"``
    for a bare year, ``None`` when unknown), header ``text`` and ``period``."""

    kind: str | None
    text: str
    period: Period | None


@dataclass
class Header:
    """A table header: its columns, line and whether it says 累計."""

    columns: list[Column]
    line: int
    cumulative: bool = False
    pipe_cells: bool = False
    #: Made from a block label alone (no header cells were printed).
    implicit: bool = False

    @property
    def value_columns(self) -> list[int]:
        """Indexes of the columns that hold values, in order."""
        return [i for i, c in enumerate(self.columns) if c.kind in _VALUE_KINDS or c.kind == "forecast"]

    @property
    def name_column(self) -> int | None:
        return next((i for i, c in enumerate(self.columns) if c.kind == "name"), None)


def _period(text: str) -> Period | None:
    ps = find_periods(text)
    if ps:
        return ps[-1] if re.search(r"[~〜～]", text) else ps[0]
    m = re.search(r"(\d{1,2})\s*年度", text)
    if m:
        # ``24年度`` with the era left out: read as 平成 before 令和 began (an assumption, warned by callers).
        n = int(m.group(1))
        return Period(1988 + n if n >= 12 else 2018 + n, None, m.span())
    return None


def read_header(cells: list[str], line: int) -> Header | None:
    """The header these cells form, or ``None`` when they do not name an
    indicator column and at least one value column."""
    voc = vocabulary()
    cols: list[Column] = []
    for c in cells:
        kind = voc.column_kind(c) if c else None
        if kind is None and c and is_year_label(c):
            kind = "year"
        if kind == "name" and any(w in remove_spaces(c) for w in ("の説明", "考え方")):
            kind = "note"
        cols.append(Column(kind, c, _period(c) if kind in (*_VALUE_KINDS, "forecast") else None))
    kinds = [c.kind for c in cols]
    if not any(k in _VALUE_KINDS for k in kinds):
        return None
    if "name" not in kinds and not (cells and not cells[0].strip()):
        return None
    if sum(1 for k in kinds if k in _VALUE_KINDS) + kinds.count("name") < 2:
        return None
    _resolve_years(cols)
    return Header(cols, line, cumulative=any("累計" in c for c in cells))


def _resolve_years(cols: list[Column]) -> None:
    """Bare year columns: the first is the baseline when no column says 基準値/現状値,
    the others are actuals (a 達成状況 table prints each year's 実績)."""
    kinds = [c.kind for c in cols]
    first = True
    for c in cols:
        if c.kind == "year":
            if first and "baseline" not in kinds:
                c.kind = "baseline"
            else:
                c.kind = "actual"
            first = False


@dataclass
class _Entry:
    """A name found in a cell stream with the cells that followed it."""

    line: Line
    node: Node | None
    name: str = ""
    values: list[Line] = field(default_factory=list)
    adjacent: bool = True
    actuals: list[Cell] = field(default_factory=list)
    milestones: list[Cell] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    definition: str | None = None
    note_order: bool = False
    grid_years: list[Period | None] = field(default_factory=list)
    verdict: str | None = None


@dataclass
class TableReader:
    """Reads the records of one document (see the module docstring)."""

    doc: str
    lines: list[Line]
    outline: Outline
    indicators: list[tuple[Node | None, Indicator]] = field(default_factory=list)
    warnings: list[ExtractWarning] = field(default_factory=list)
    role: Role | None = None
    role_period: Period | None = None
    role_cumulative: bool = False
    header: Header | None = None
    last: Indicator | None = None
    note_mode: bool = False
    orphan_nodes: list[Node] = field(default_factory=list)
    _carry: list[_Entry] = field(default_factory=list)
    links: dict[int, PlanLink] = field(default_factory=dict)
    toc: list[Numbering] = field(default_factory=list)
    _labels: bool | None = None
    _table_line: int = 0
    _fresh: Node | None = None
    _nos: list[int] = field(default_factory=list)
    _loose_verdicts: list[str] = field(default_factory=list)
    #: List marks whose items a legend gives years: mark → (baseline year, target year, legend).
    legends: dict[str, tuple[Period, Period, str]] = field(default_factory=dict)
    announced: dict[tuple[str, str], tuple[Numbering, int]] = field(default_factory=dict)
    _opened: list[tuple[str, str]] = field(default_factory=list)
    #: The last goal-level heading: (style, code, key of the first section title under it).
    _goal: tuple[str, str, str | None] | None = None

    # ---------------------------------------------------------------- helpers
    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ExtractWarning(SourceRef(self.doc, line), message))

    def emit(self, rec: Record) -> Indicator:
        ind = build(rec, self.doc, self.warnings)
        if rec.uncertain:
            self.warn(rec.line, f"不確かな行: {ind.name} (値の位置から推定しました)")
        self.indicators.append((self.outline.node(), ind))
        self._since_table = True
        self.last = ind
        self.note_mode = False
        return ind

    def current_role(self) -> Role:
        """The role of the table being read: the block label's, else the one
        the vocabulary gives the node's level (基本目標 → 数値目標, 施策 → KPI),
        else 成果指標."""
        if self.role is not None:
            return self.role
        path = self.outline.path()
        roles = vocabulary().level_roles
        by_level = roles.get(path[-1].level) if path else None
        if path and not path[-1].level and len(path) >= 2 and roles.get(path[-2].level) == "数値目標":
            # A node under a goal, its level word lost: a measure.
            by_level = "KPI"
        return Role(by_level) if by_level else Role.OUTCOME

    # ---------------------------------------------------------------- driver
    def run(self) -> None:
        """Read every line; names still waiting for values at the end are kept valueless."""
        self._scan_legends()
        self._nos = [ln.no for ln in self.lines]
        i = 0
        n = len(self.lines)
        while i < n:
            i = self.step(i)
        for e in self._carry:
            if self.header is not None:
                self._valueless(e.line, self.header, name=e.name, node=e.node)
        self._carry = []
        for (style, code), (listed, line) in self.announced.items():
            if (style, code) not in self._opened:
                self.warn(line, f"一覧にある {listed.level}{code} {listed.title} が本文に見当たりません")

    def step(self, i: int) -> int:
        ln = self.lines[i]
        if ln.kind in ("blank", "furniture"):
            return i + 1
        if ln.is_row:
            return self.row_table(i)
        if (
            self.header is not None
            and "\t" in ln.raw
            and i + 1 < len(self.lines)
            and self.lines[i + 1].is_row
            and not vocabulary().is_note_label(ln.text)
        ):
            # ``住民の\t\t``: a table row whose empty cells were dropped, continued below.
            return self.data_row(i, self.header)
        return self.free_cell(i)

    # ---------------------------------------------------------------- free cells
    def next_text(self, i: int) -> int | None:
        for j in range(i + 1, min(i + 4, len(self.lines))):
            if self.lines[j].kind == "blank":
                continue
            return j
        return None

    def free_cell(self, i: int) -> int:
        ln = self.lines[i]
        text = ln.text
        voc = vocabulary()
        # Notes of the indicator above.
        if self.last is not None and voc.is_note_label(text):
            ln.kind, ln.note = "label", f"note label for {self.last.name}"
            label = next(w for w in voc.note_labels if remove_spaces(text).startswith(w))
            rest = re.sub(r"^\s*[:：]?", "", remove_spaces(text)[len(label) :])
            self.start_note(label)
            if rest:
                self.add_note(rest, ln)
            return i + 1
        if self.last is not None and _FOOTNOTE.match(text) and not is_value(text):
            self.footnote(ln)
            return i + 1
        if len(text) > 60 and "。" in text and not self.note_mode:
            # A sentence: no heading, label, header or list item (the common case, read fast).
            return self.prose(i)
        # Satisfaction lines.
        m = _SATISFACTION.match(text)
        if m:
            return self.satisfaction(i, m.group("name"), m.group("value"))
        if voc.role_of(text) == "満足度" and len(text) <= 20:
            parts: list[str] = []
            j: int | None = i
            for _ in range(4):
                j = self.next_text(j) if j is not None else None
                if j is None or self.lines[j].is_row:
                    break
                t2 = self.lines[j].text
                mm = re.match(r"^(?P<name>.*?)\s*(?P<value>\d+(?:\.\d+)?\s*%)$", t2)
                if mm:
                    name = join_name([*parts, mm.group("name")])
                    if name:
                        ln.kind, ln.note = "label", "満足度 label"
                        for k in range(i + 1, j):
                            if self.lines[k].kind != "blank":
                                self.lines[k].kind, self.lines[k].note = "name", "満足度 item, wrapped"
                        return self.satisfaction(j, name, mm.group("value"))
                    break
                if len(t2) > 60:
                    break
                parts.append(t2)
        # ``- 重点戦略1 ひとを育てる``: a chapter's own list of its headings.
        bullet = re.match(r"^[-・•]\s*(?P<rest>.+)$", text)
        if bullet:
            listed = read_numbering(bullet.group("rest"))
            if listed is not None and listed.level and listed.title:
                self.announced.setdefault((listed.style, listed.code), (listed, ln.no))
                ln.kind, ln.note = "text", f"listed heading {listed.level}{listed.code} {listed.title}"
                return i + 1
        # List forms: ``名称 100件(H26)→150件(R1)``, ``名称: 基準値 → 目標値``,
        # ``■名称 現状値 30% 目標値 50%``, ``数値目標=… 基準値=… 評価区分=A``.
        consumed = i + 1
        if _LIST_MARK.match(text) and not _LIST_MARK.match(text[1:]):
            # An item wrapped over lines: ``●事業所従業者数=154,457人(平成13年度)`` / ``→184,635人``.
            k = i + 1
            while k < len(self.lines) and k <= i + 2 and self.lines[k].kind == "cell":
                nxt_text = self.lines[k].text
                if _LIST_MARK.match(nxt_text) or len(nxt_text) > 60:
                    break
                if nxt_text.startswith(("→", "⇒", "(", "（", "=")) or (
                    "=" in nxt_text and "=" not in ln.text
                ):
                    ln = Line(
                        ln.no, ln.raw + nxt_text, ln.text + nxt_text, [ln.text + nxt_text], "cell", ln.repairs
                    )
                    self.lines[k].kind, self.lines[k].note = "item", "continues the item above"
                    k += 1
                    consumed = k
                    continue
                break
        rec = self.list_item(ln)
        if rec is not None:
            self._list_caption(i)
            legend = self.legends.get(ln.text[:1])
            if legend is not None:
                if rec.baseline is not None and rec.baseline.header is None:
                    rec.baseline.header = legend[0]
                for t in rec.targets:
                    t.header = t.header or legend[1]
                rec.notes.append(f"年度は凡例 ({legend[2]}) による")
            ind = self.emit(rec)
            self.lines[i].kind, self.lines[i].note = "item", f"list item: indicator {ind.name}"
            return consumed
        # A list of the codes of other nodes (政策連携プラン → 施策大項目).
        if remove_spaces(text) in voc.link_labels:
            return self.link_list(i)
        # Headings.
        num = read_numbering(
            ln.raw if not ln.repairs or "flattened page split at spaces" in ln.repairs else ln.text
        )
        if num is not None and not is_value(text) and not looks_like_unit_value(text):
            return self.heading(i, num)

        if self.note_mode and len(text) <= 20 and is_section_title(text):
            self.note_mode = False
        if self.note_mode and self.last is not None and (voc.role_of(text) is None or len(text) > 40):
            ln.kind, ln.note = "note", f"note of {self.last.name}"
            self.add_note(text, ln)
            return i + 1
        # A stream header or block label starts a stream region.
        role = voc.role_of(text)
        if self._is_header_cell(text) or (role and len(text) <= 40 and not is_prose(text)):
            return self.stream(i)
        nxt_i = i + 1 if i + 1 < len(self.lines) and self.lines[i + 1].kind == "cell" else None
        wrapped = (
            nxt_i is not None
            and len(text) <= 30
            and len(self.lines[nxt_i].text) <= 20
            and self.outline.repeat_of_listed(text + self.lines[nxt_i].text)
        )
        if wrapped and nxt_i is not None:
            # A listed title wrapped over two lines on its page.
            ln.kind, ln.note = "heading", "title of a heading in the chapter's list (wrapped)"
            self.lines[nxt_i].kind, self.lines[nxt_i].note = "heading", "end of the title above"
            self._opener = ""
            self._since_table = False
            return nxt_i + 1
        if len(text) <= 40 and self.outline.repeat_of_listed(text):
            # The item's page prints its title unnumbered: the heading of the chapter's list.
            ln.kind, ln.note = "heading", "title of a heading in the chapter's list"
            self._opener = ""
            self._since_table = False
            return i + 1
        opener = getattr(self, "_opener", None)
        if opener == "" and len(text) <= 20 and not is_prose(text):
            self._opener = remove_spaces(text)
        elif opener and remove_spaces(text) == opener and getattr(self, "_since_table", False):
            title = self.outline.enter_next_listed()
            if title:
                ln.kind, ln.note = "heading", f"page opener: next listed heading {title}"
                self.warn(ln.no, f"見出し「{title}」が印字されていないため、章の一覧の順から補いました")
                self._since_table = False
                return i + 1
        return self.prose(i)

    def prose(self, i: int) -> int:
        """A line of running text: the body of the node it stands under."""
        ln = self.lines[i]
        text = ln.text
        ln.kind = "prose" if is_prose(text) else "text"
        node = self.outline.node()
        fresh = self._fresh
        self._fresh = None

        if (
            node is not None
            and fresh is node
            and not node.text
            and "。" not in text
            and len(text) <= 40
            and not is_section_title(text)
            and vocabulary().role_of(text) is None
        ):
            # ``第2章 健康福祉分野`` / ``だれもが健やかに暮らせるまち``: the heading's subtitle.
            node.text = join_wrapped(text)
            ln.note = "subtitle of the heading above"
            return i + 1
        if (
            node is not None
            and not _FOOTNOTE.match(text)
            and not text.startswith(("▲", "△", "図", "表", "写真"))
            and not _BLOCK_MARK.match(text)
            and id(node) not in self.outline.chapters
        ):
            # The body printed for the node (方向性, 取組内容), as printed.
            body = text
            node.text = f"{node.text}\n{body}" if node.text else body
        self.note_mode = False
        return i + 1

    def _is_header_cell(self, text: str) -> bool:
        kind = vocabulary().column_kind(text)
        return (
            kind in (*_VALUE_KINDS, "name", "unit") and len(remove_spaces(text)) <= 24 and not is_prose(text)
        )

    def footnote(self, ln: Line) -> None:
        """A footnote (``[※] 新規就農者数:…``, ``※ほ場:…``, ``：…``) below a table.

        Its headword (before ``:``) names what it explains: the indicator
        itself (its first sentence is then the definition when it names a
        quantity — it ends in 数, 割合, 率, 量 or 額 — and the rest notes), or
        a term in an indicator's name (a glossary note ``term:text``). A
        footnote without a headword goes to the row that prints a ``※`` mark
        in a cell, else to the last row. The candidates are the rows of the
        current node printed above the footnote."""
        raw = re.sub(r"\s+", "", ln.raw.strip()).replace("**", "")
        body = re.sub(r"^(?:[(（]※\d*[)）]|\[?[※*＊]+\]?\d*|注\d*|\(注\)|\d(?=[:：]))[:：]?", "", raw)
        node = self.outline.node()
        rows = [ind for n, ind in self.indicators if n is node] or ([self.last] if self.last else [])
        ln.kind = "note"
        m = re.match(r"^(?P<term>[^:：。、…]{1,30}?)(?P<sep>[:：]|…|\.\.\.)(?P<text>.+)$", body)
        if m:
            term, text = m.group("term"), m.group("text")
            key = match_key(term)
            own = [r for r in rows if match_key(r.name) == key]
            if own:
                ind = own[-1]
                first, _, rest = text.partition("。")
                remark = ""
                if "※" in first:
                    # ``…の合計(経済センサス)※雇用期間1カ月以内の臨時雇用者は含まない``
                    first, _, remark = first.partition("※")
                if (
                    re.search(
                        r"(?:数|割合|率|量|額|合計|人口|面積)(?:[(（][^()（）]*[)）])?(?:のこと)?$", first
                    )
                    and ind.definition is None
                ):
                    ind.definition = first + ("。" if _ and not remark else "")
                    ind.notes += [x for x in (remark, rest) if x]
                    if m.group("sep") != ":" and m.group("sep") != "：":
                        # A 用語解説 footnote (``term…text``) is also kept whole, as printed.
                        ind.notes.append(f"{term}{m.group('sep')}{text}")
                else:
                    ind.notes.append(text)
                ln.note = f"footnote: definition of {ind.name}"
                return
            # A glossary note goes only to a row whose name prints a footnote mark.
            rows = [r for r in rows if read_name(r.raw_name).marks]
            named = [r for r in rows if key and key in match_key(r.name)]
            if not named and len(key) >= 3:
                # ``特機児童`` for ``待機児童``: a headword one character off (OCR), with a warning.
                named = [r for r in rows if _one_off(key, match_key(r.name))]
                if named:
                    name_key = match_key(named[-1].name)
                    spelled = next(
                        name_key[k : k + len(key)]
                        for k in range(len(name_key) - len(key) + 1)
                        if _one_off(key, name_key[k : k + len(key)])
                    )
                    self.warn(
                        ln.no, f"注記の見出し語「{term}」を指標名の「{spelled}」とみなしました (1文字違い)"
                    )
                    term = spelled
            if named:
                named[-1].notes.append(f"{term}{m.group('sep')}{text}")
                ln.note = f"footnote: glossary note of {named[-1].name}"
                return
            ln.note = "footnote explaining a term no row names"
            return
        # No headword: a numbered footnote (``1：…``, ``※2 …``) goes to the rows
        # marked with its number (``¹``); an unnumbered one to the only row with
        # an unnumbered mark, the only row, a row with ``(※)`` in a cell, or the
        # row its wording speaks of (shared kanji/katakana bigrams), warned
        # when that match is weak.
        num_m = re.match(r"^(?:[(（]?[※*＊注]\s*(?P<n1>\d{1,2})[)）]?|(?P<n2>\d{1,2})\s*[:：])", raw)
        number = (num_m.group("n1") or num_m.group("n2") or "") if num_m else ""
        table = [r for r in rows if r.source and r.source.line >= self._table_line]
        rows = table or rows
        note = re.sub(r"^[:：]", "", body)
        if number:
            target = [r for r in rows if number in (_mark_number(mk) for mk in read_name(r.raw_name).marks)]
        else:
            target = [r for r in rows if any(not _mark_number(mk) for mk in read_name(r.raw_name).marks)]
            if len(target) != 1:
                target = []
        if not target:
            cell_mark = f"※{number}" if number else "(※)"
            target = [
                r
                for r in rows
                if any(cell_mark in c.raw for sr in r.series for c in (sr.baseline, *sr.targets))
            ]
        if not target and len(rows) == 1:
            target = rows
        if not target and rows:
            scores = _similarity(nfkc(note), [r.name for r in rows])
            best = max(scores)
            winners = [k for k, sc in enumerate(scores) if sc == best]
            target = [rows[winners[-1]]]
            if best < 1.0 or len(winners) > 1:
                self.warn(ln.no, f"印のない注記を文面から「{target[0].name}」に付けました (弱い対応)")
        is_def = bool(re.search(r"(?:数|割合|率|量|額)$", re.sub(r"[。.\s]+$", "", nfkc(note))))
        for r in target:
            r.notes.append(note)
            if is_def and r.definition is None:
                r.definition = note
        ln.note = "footnote of " + ", ".join(r.name for r in target)

    def start_note(self, label: str) -> None:
        """A note label (``指標の考え方``): the lines after it, to the next label,
        row or heading, are one note ``label：text`` of the row above."""
        self.note_mode = True
        self._note_label = label
        self._note_open = False

    def add_note(self, text: str, ln: Line) -> None:
        """Add ``text`` (the line's printed text, LaTeX and tags cleaned, white
        space removed) to the open note of the row above, or as a note of its own."""
        if self.last is None:
            return
        raw = ln.raw if ln.raw.strip() and remove_spaces(text) in remove_spaces(nfkc(ln.raw)) else text
        note = clean_note_text(raw.replace("\t", " "))
        if not note:
            return
        label = getattr(self, "_note_label", "")
        if label and label in vocabulary().definition_labels and self.last.definition is None:
            self.last.definition = note
        elif label and getattr(self, "_note_open", False) and self.last.notes:
            self.last.notes[-1] += note
        elif label:
            self.last.notes.append(note if note.startswith(label) else f"{label}：{note}")
            self._note_open = True
        else:
            self.last.notes.append(note)

    def satisfaction(self, i: int, name: str, value: str) -> int:
        ln = self.lines[i]
        ln.kind, ln.note = "row", "満足度 item"
        rec = Record(name=name, line=ln.no, role=Role.SATISFACTION, baseline=Cell(value))
        self.emit(rec)
        return i + 1

    def heading(self, i: int, num: object) -> int:

        assert isinstance(num, Numbering)
        ln = self.lines[i]
        title = num.title
        consumed = i + 1
        if not title:
            j = self.next_text(i)
            if j is not None:
                cand = self.lines[j]
                if (
                    not cand.is_row
                    and cand.kind == "cell"
                    and len(cand.text) <= 60
                    and not _BLOCK_MARK.match(cand.text)
                    and read_numbering(cand.raw) is None
                    and not is_value(cand.text)
                    and "。" not in cand.text
                ):
                    title = cand.text
                    cand.kind, cand.note = "heading", "title of the heading above"
                    consumed = j + 1
        node_is_goal = num.style.startswith("level:")
        if node_is_goal:
            listed = self.announced.get((num.style, num.code))
            if not title and listed is not None:
                title = listed[0].title
                self.warn(ln.no, f"{num.level}{num.code} の題を章の一覧 ({listed[1]}行) から補いました")
            seen = [c for (st, c) in self._opened if st == num.style]
            if num.code.isdigit() and seen and seen[-1].isdigit() and int(num.code) > int(seen[-1]) + 1:
                gap = ", ".join(f"{num.level}{k}" for k in range(int(seen[-1]) + 1, int(num.code)))
                self.warn(
                    ln.no, f"{gap} が見当たりません ({num.level}{seen[-1]} の次が {num.level}{num.code})"
                )
            self._opened.append((num.style, num.code))
        if not node_is_goal and self._goal is not None:
            key = match_key(title)
            if self._goal[2] is None:
                self._goal = (self._goal[0], self._goal[1], key)
            elif key and key == self._goal[2]:
                # The goal's first section again, with no goal heading: the next goal's page.
                nxt = next(
                    (t for t in self.toc if t.style == self._goal[0] and t.code == _next_code(self._goal[1])),
                    None,
                )
                if nxt is not None:
                    self.outline.heading(nxt, nxt.title, ln.no)
                    self.warn(
                        ln.no,
                        f"見出しが印字されていないため、目次から「{nxt.level}{nxt.code} {nxt.title}」を補いました",
                    )
                    self._goal = (nxt.style, nxt.code, key)
        if title and re.search(r"[\u3040-\u309f]$", title) and consumed < len(self.lines):
            cont = self.lines[consumed]
            if (
                cont.kind == "cell"
                and len(cont.text) <= 20
                and read_numbering(cont.raw) is None
                and not is_prose(cont.text)
                and vocabulary().column_kind(cont.text) is None
                and vocabulary().role_of(cont.text) is None
            ):
                # ``2. 高齢者が安心して`` / ``暮らせる地域づくり``: a title wrapped onto the next line.
                title += cont.text
                cont.kind, cont.note = "heading", "end of the heading's title"
                consumed += 1
        node = self.outline.heading(num, title, ln.no)
        if node_is_goal and node is not None:
            self._goal = (num.style, num.code, None)
        path = self.outline.path()
        if node is not None and num.style.startswith("level:") and num.code == "2" and len(path) >= 2:
            self._recover_first(path[-2], num, ln.no)
        ln.kind = "heading"
        ln.note = f"node {num.code} {title}" if node else f"section {num.code} {title}"
        self._fresh = node if node is not None and id(node) in self.outline.chapters else None
        if (
            node is None
            and self.outline.node() is not None
            and num.style in ("dot", "paren", "circled", "arabic")
        ):
            # A numbered item of a node's page (取組内容 1. 2. …): part of its body.
            owner = self.outline.node()
            assert owner is not None
            owner.text = f"{owner.text}\n{ln.text}" if owner.text else ln.text
        self.header = None
        self.note_mode = False
        self.last = None
        role = vocabulary().role_of(title) if title else None
        if role and node is None:
            self.role = Role(role)
        elif node is not None:
            self.role = None
        return consumed

    def _recover_first(self, parent: Node, num: object, line: int) -> None:
        """A numbered sequence that starts at 2: heading 1 was lost in extraction.
        Its title is the first short bare line under ``parent`` (not a section
        word) that stands before a table; the indicators after it move to it."""

        assert isinstance(num, Numbering)
        if any(c.code == "1" for c in parent.children) or parent.source is None:
            return
        cand = self._bare_title(parent.source.line, line)
        if cand is None:
            return
        moved = [
            (n, ind) for n, ind in self.indicators if n is parent and ind.source and ind.source.line > cand.no
        ]
        if not moved:
            return
        first = Node(
            level=num.level, code="1", title=join_wrapped(cand.text), source=SourceRef(self.doc, cand.no)
        )
        parent.children.insert(0, first)
        for k, (n, ind) in enumerate(self.indicators):
            if n is parent and ind.source and ind.source.line > cand.no:
                self.indicators[k] = (first, ind)
        cand.kind, cand.note = "heading", f"heading {num.level}1 recovered: {num.level}2 follows"
        self.warn(cand.no, f"見出し「{num.level}1 {cand.text}」を補いました ({num.level}2 が続くため)")

    def _list_caption(self, i: int) -> None:
        """The short lines just above a list item, after a blank or separator
        line, are the item's caption: the node (goal) it serves."""
        parts: list[Line] = []
        b = i - 1
        while b >= 0 and len(parts) < 3:
            ln = self.lines[b]
            if ln.kind in ("blank", "furniture", "item") or not ln.text or ln.text == "|":
                break
            if ln.kind not in ("text", "prose", "cell") or "。" in ln.text or _LIST_MARK.match(ln.text):
                return
            parts.insert(0, ln)
            b -= 1
        if not parts:
            return
        title = join_wrapped("".join(p.text for p in parts))
        if (
            not (2 <= len(title) <= 60)
            or read_numbering(parts[0].raw) is not None
            or vocabulary().role_of(title)
        ):
            return
        self.outline.heading(Numbering("caption", "", "", title), title, parts[0].no)
        for p in parts:
            p.kind, p.note = "heading", "caption of the list items below"

    def _scan_legends(self) -> None:
        """``(●は平成15年度→平成18年度の目標例)``: the years of the items a mark opens."""
        for ln in self.lines:
            m = _LEGEND.search(ln.text)
            if m:
                a, b = _period(m.group("a")), _period(m.group("b"))
                if a is not None and b is not None:
                    self.legends.setdefault(m.group("mark"), (a, b, m.group(0).strip("()（）")))

    def list_item(self, ln: Line) -> Record | None:
        """A one-line indicator (see :meth:`free_cell`), or ``None``."""
        text = ln.text
        if re.match(r"^\s*[\u2460-\u2473]", ln.raw):
            # ``①婚姻率:…``: NFKC turned the circled number into a digit; it numbers the item.
            text = re.sub(r"^\s*\d{1,2}", "", text)
        text = _LIST_MARK.sub("", text).strip()
        if len(text) > 160 or "。" in text:
            return None
        m = _ARROW_ITEM.match(text)
        if m and not is_prose(m.group("name")):
            name, a, b = m.group("name").strip(" :："), m.group("a"), m.group("b")
            if looks_like_name(name) and is_value(a) and is_value(b):
                rec = Record(
                    name=name, line=ln.no, role=self.current_role(), baseline=Cell(a), targets=[Cell(b)]
                )
                rec.raw = ln.text
                return rec
        eq = re.match(r"^(?P<name>[^=＝]{2,60}?)\s*[=＝]\s*(?P<b>[^=＝→]+)$", text)
        if (
            eq
            and _LIST_MARK.match(ln.text)
            and is_value(eq.group("b").strip())
            and looks_like_name(eq.group("name"))
        ):
            # ``●支援団体数(新規)=20団体``: a target alone.
            rec = Record(
                name=eq.group("name"),
                line=ln.no,
                role=self.current_role(),
                targets=[Cell(eq.group("b").strip())],
            )
            rec.raw = ln.text
            return rec
        parts = list(_LABELLED.finditer(text))
        if len(parts) < 2:
            return None
        voc = vocabulary()
        name = text[: parts[0].start()].strip(" :：")
        rec = Record(name=name, line=ln.no, role=self.current_role(), raw=ln.text)
        seen_value = False
        for p in parts:
            kind = voc.column_kind(p.group("label"))
            val = p.group("value").strip()
            if kind == "name" and not name:
                rec.name = val
                role = voc.role_of(p.group("label"))
                if role and role != "満足度":
                    rec.role = Role(role)
            elif kind == "baseline" and is_value(val):
                rec.baseline, seen_value = Cell(val, _period(p.group("label"))), True
            elif kind == "target" and is_value(val):
                rec.targets.append(Cell(val, _period(p.group("label"))))
                seen_value = True
            elif kind == "actual" and is_value(val):
                rec.actuals.append(Cell(val, _period(p.group("label"))))
                seen_value = True
            elif kind == "verdict":
                rec.verdict = val
        if not seen_value or not looks_like_name(rec.name):
            return None
        return rec

    def link_list(self, i: int) -> int:
        """``施策大項目`` then ``2-1 確かな学力…`` lines: the current node serves
        those nodes of the plan (a 政策連携プラン). The links go to
        :attr:`links`, keyed by the node; a title wrapped onto a short next
        line is joined."""
        lines = self.lines
        label = lines[i]
        node = self.outline.node()
        j = i + 1
        found: list[tuple[str, str]] = []
        while j < len(lines):
            c = lines[j]
            if c.kind == "blank":
                j += 1
                continue
            m = _CODE_LINE.match(c.text)
            if not m or c.is_row:
                break
            code = f"{int(m.group(1))}-{int(m.group(2))}"
            title = m.group(3).strip()
            c.kind, c.note = "link", f"link to {code}"
            k = j + 1
            if k < len(lines) and lines[k].kind == "cell" and not _CODE_LINE.match(lines[k].text):
                cont = lines[k].text
                # Only an unfinished title (``…による``) continues on the next line.
                if (
                    re.search(r"[\u3040-\u309f]$", title)
                    and len(cont) <= 20
                    and not is_prose(cont)
                    and read_numbering(lines[k].raw) is None
                    and not cont.startswith(("▶", "■", "●"))
                ):
                    title += cont
                    lines[k].kind, lines[k].note = "link", "end of the link's title"
                    k += 1
            found.append((code, join_wrapped(title)))
            j = k
        if not found:
            label.kind = "text"
            return i + 1
        label.kind, label.note = "label", "list of linked nodes"
        if node is None:
            self.warn(label.no, "施策大項目の一覧がどの計画の見出しの下にもありません")
            return j
        link = self.links.get(id(node))
        if link is None:
            link = PlanLink(
                node.code,
                re.sub(r"[~～].*?[~～]\s*$", "", node.title).strip() or node.title,
                [],
                [],
                node.source,
            )
            self.links[id(node)] = link
        for code, title in found:
            if code not in link.target_codes:
                link.target_codes.append(code)
                link.target_titles.append(title)
        return j

    # ---------------------------------------------------------------- row tables
    def row_table(self, i: int) -> int:
        ln = self.lines[i]
        header = read_header(ln.cells, ln.no)
        if header is None:
            toc = self._toc_entry(ln)
            if toc is not None:
                self.toc.append(toc)
                ln.kind, ln.note = "furniture", f"table of contents: {toc.code} {toc.title}"
                return i + 1
            if self.header is not None and len(ln.cells) >= 2:
                return self.data_row(i, self.header)
            if self.note_mode and self.last is not None:
                ln.kind, ln.note = "note", f"note of {self.last.name}"
                self.add_note(" ".join(ln.cells), ln)
                return i + 1
            ln.kind, ln.note = "row", "row outside a KPI table"
            return i + 1
        ln.kind, ln.note = "header", "table header: " + ", ".join(str(c.kind) for c in header.columns)
        self._caption(i)
        self._missing_heading(i)
        role = (
            vocabulary().role_of(ln.cells[header.name_column or 0])
            if header.name_column is not None
            else None
        )
        if role and role != "満足度":
            self.role = Role(role)
        prev_header = self.header
        if prev_header is not None and not any(c.period for c in header.columns):
            same = [c.kind for c in prev_header.columns] == [c.kind for c in header.columns]
            if same and any(c.period for c in prev_header.columns) and not self._years_follow(i):
                # A header printed again without its line of years: the years of the one before.
                for c, old in zip(header.columns, prev_header.columns, strict=True):
                    c.period = old.period
                self.warn(ln.no, "見出しに年度の行がないため、前の表の年度を使いました")
        self.header = header
        self._table_line = ln.no
        self.last = None
        if self.role is None and self.outline.node() is not None and self._labelled_doc():
            self.warn(
                ln.no,
                f"表の種類を示すラベル (数値目標・KPI など) がないため {self.current_role()} の表としました",
            )
        j = i + 1
        # A header wrapped onto the next row (``…\t基準値`` / ``\t目標値``).
        while j < len(self.lines) and self.lines[j].is_row and not self.lines[j].cells[0].strip():
            more = [c for c in self.lines[j].cells[1:] if c.strip()]
            kinds = [vocabulary().column_kind(c) for c in more]
            if not more or not all(k in ("baseline", "target", "actual", "unit", "note") for k in kinds):
                break
            for cell_text, k in zip(more, kinds, strict=True):
                header.columns.append(Column(k, cell_text, _period(cell_text)))
            self.lines[j].kind, self.lines[j].note = "header", "header continued"
            j += 1
        # A sub-row of years under the value columns.
        while j < len(self.lines) and self.lines[j].kind == "blank":
            j += 1
        if j < len(self.lines) and self.lines[j].is_row:
            sub = self.lines[j]
            years = [c for c in sub.cells if c.strip()]
            if years and all(is_year_label(c) or find_periods(c) for c in years) and not sub.cells[0].strip():
                vcols = header.value_columns
                for col_i, text in zip(vcols[-len(years) :], years, strict=False):
                    header.columns[col_i].period = _period(text)
                sub.kind, sub.note = "header", "years of the header above"
                return j + 1
        return i + 1

    def _years_follow(self, i: int) -> bool:
        j = i + 1
        while j < len(self.lines) and self.lines[j].kind == "blank":
            j += 1
        if j >= len(self.lines) or not self.lines[j].is_row:
            return False
        cells = [c for c in self.lines[j].cells if c.strip()]
        return bool(cells) and all(is_year_label(c) or find_periods(c) for c in cells)

    def _labelled_doc(self) -> bool:
        """The document announces its tables with block labels (◆数値目標, 重要業績評価指標(KPI))."""
        if self._labels is None:
            voc = vocabulary()
            self._labels = any(
                ln.kind == "cell" and len(ln.text) <= 30 and voc.role_of(ln.text) in ("数値目標", "KPI")
                for ln in self.lines
            )
        return self._labels

    def _toc_entry(self, ln: Line) -> Numbering | None:
        """``\t基本目標1 <しごとをつくる>\t3``: a table-of-contents row (a numbered
        heading and a page number), kept to recover headings the text lost."""
        cells = [c for c in ln.cells if c.strip()]
        if len(cells) < 2 or not re.fullmatch(r"\d{1,3}", cells[-1].strip()):
            return None
        num = read_numbering(" ".join(cells[:-1]))
        if num is None or not num.title:
            return None
        return Numbering(num.style, num.level, num.code, re.sub(r"^[<＜〈]\s*|\s*[>＞〉]$", "", num.title))

    def data_row(self, i: int, header: Header) -> int:
        ln = self.lines[i]
        cells = list(ln.cells)
        ncol = len(header.columns)
        name_i = header.name_column if header.name_column is not None else 0
        if len(cells) > ncol:
            extra = cells[ncol:]
            if any(e.strip() for e in extra):
                # Name split into cells: join the leading text cells.
                k = len(cells) - ncol
                if all(not is_value(c) for c in cells[name_i : name_i + k + 1]):
                    cells = [
                        *cells[:name_i],
                        join_name(cells[name_i : name_i + k + 1]),
                        *cells[name_i + k + 1 :],
                    ]
                    self.warn(ln.no, "列数が見出しより多いため、先頭のセルを指標名として結合しました")
                else:
                    self.warn(ln.no, f"見出しにない列を無視しました: {extra}")
                    cells = cells[:ncol]
            else:
                cells = cells[:ncol]
        if (
            1 < len(cells) < ncol
            and name_i > 0
            and looks_like_name(cells[0])
            and all(is_value(c) or not c.strip() for c in cells[1 : ncol - name_i])
        ):
            # ``(2)NPO法人の数 | 26団体 | 40団体 |``: a row printed without its leading cells.
            cells = [""] * name_i + cells
        cells += [""] * (ncol - len(cells))
        # ``第1節 | 連携型地域社会の形成 | …``: the row opens the node its first cells number and name.
        if name_i >= 2 and cells[0].strip():
            num = read_numbering(cells[0].strip())
            title = cells[1].strip()
            if num is not None and not num.title and title and not is_value(title):
                self.outline.heading(num, title, ln.no)
        name = cells[name_i].strip()
        if not name or vocabulary().is_note_label(name):
            if name and self.last is not None:
                ln.kind, ln.note = "label", f"note label for {self.last.name}"
                self.start_note(remove_spaces(name))
                rest = " ".join(c for k, c in enumerate(cells) if k != name_i and c.strip())
                if rest:
                    self.add_note(rest, ln)
            return i + 1
        wrapped_above = False
        prev = i - 1
        while prev >= 0 and self.lines[prev].kind == "blank":
            prev -= 1
        if prev >= 0 and self.lines[prev].no > header.line:
            p = self.lines[prev]
            if (
                p.kind in ("text", "prose", "cell")
                and not p.is_row
                and len(p.text) <= 30
                and "。" not in p.text
                and not has_name_ending(p.text)
                and has_name_ending(p.text + name) is not False
            ):
                # ``農産物直売所の`` / ``売上額\t3.5億円\t4億円以上``: the name began on the line above.
                name = join_name([p.text, name])
                cells[name_i] = name
                p.kind, p.note = "name", "start of the name below"
                wrapped_above = True
        values = [cells[k] for k in header.value_columns]
        if not any(v.strip() for v in values) and not looks_like_name(name):
            ln.kind = "row"
            return i + 1
        # Rows continued on the next row: a name wrapped with grouped values
        # (``児童・`` / ``生徒の割合``), values of more groups under an empty name
        # (``\t学校 40.0%\t学校 60.0%``), or a name wrapped before its values
        # (``住民の\t\t`` / ``割合\t12.5%\t20.0%``).
        nxt = i + 1
        while (
            nxt < len(self.lines) and self.lines[nxt].is_row and read_header(self.lines[nxt].cells, 0) is None
        ):
            c2 = self.lines[nxt].cells + [""] * max(0, ncol - len(self.lines[nxt].cells))
            name2 = c2[name_i].strip()
            vals2 = [c2[k] for k in header.value_columns]
            grouped = [v for v in values if v.strip()]
            has2 = any(v.strip() for v in vals2)
            joined = False
            if grouped and _grouped(grouped[0]) and has2 and _grouped(next(v for v in vals2 if v.strip())):
                if not name2 or name.endswith(("・", "、", "の")) or not has_name_ending(name):
                    joined = True
            elif not grouped and has2 and name2 and not has_name_ending(name) and len(name2) <= 12:
                joined = True
            if not joined:
                break
            name = join_name([name, name2])
            cells = [
                join_name([a, b]) if k == name_i else f"{a} {b}".strip()
                for k, (a, b) in enumerate(zip(cells, c2, strict=False))
            ]
            values = [cells[k] for k in header.value_columns]
            self.lines[nxt].kind, self.lines[nxt].note = "row", "continues the row above"
            nxt += 1
        if (
            not wrapped_above
            and nxt == i + 1
            and name_i < len(ln.raw_cells)
            and len(ln.raw_cells) >= len(ln.cells)
        ):
            name = ln.raw_cells[name_i]
        for k, col in enumerate(header.columns):
            if col.kind == "node" and k < len(cells) and cells[k].strip():
                from .outline import Numbering

                self.outline.heading(
                    Numbering(f"column:{remove_spaces(col.text)}", remove_spaces(col.text), "", cells[k]),
                    cells[k],
                    ln.no,
                )
        rec = self.record_from_cells(name, cells, header, ln.no)
        rec.raw = ln.text
        ind = self.emit(rec)
        ln.kind, ln.note = "row", f"indicator {ind.name}"
        return max(nxt, i + 1)

    def record_from_cells(self, name: str, cells: list[str], header: Header, line: int) -> Record:
        rec = Record(
            name=name,
            line=line,
            role=self.current_role(),
            cumulative=header.cumulative or self.role_cumulative,
        )
        for k, col in enumerate(header.columns):
            text = cells[k] if k < len(cells) else ""
            if col.kind == "node":
                continue
            if col.kind == "baseline" and rec.baseline is None:
                rec.baseline = Cell(text, col.period)
            elif col.kind == "target":
                rec.targets.append(Cell(text, col.period or self.role_period))
            elif col.kind == "actual":
                if text.strip():
                    rec.actuals.append(Cell(text, col.period))
            elif col.kind == "forecast":
                if text.strip():
                    rec.notes.append(f"{col.text}: {text}")
            elif col.kind == "unit":
                rec.unit = text.strip() or None
            elif col.kind == "verdict":
                rec.verdict = text.strip() or None
            elif col.kind in ("note", "code", "direction") and text.strip():
                rec.notes.append(f"{col.text}: {text}" if col.kind == "code" else text)
        return rec

    def _missing_heading(self, k: int) -> None:
        """A table under a node that already has a table, with a short bare
        title line between the two: the heading of that title was lost. A
        table of the same role as the node's first is the node's next sibling
        (具体的な施策① → ②); a table of another role is the node's first
        child (a 基本目標's 数値目標, then a 施策's KPI)."""
        node = self.outline.node()
        if node is None:
            return
        mine = [ind for n, ind in self.indicators if n is node]
        if not mine or mine[-1].source is None:
            return

        cand = self._bare_title(mine[-1].source.line, self.lines[k].no)
        if cand is None:
            return
        sibling = self.current_role() == mine[0].role
        new = self.outline.open_missing(join_wrapped(cand.text), cand.no, sibling=sibling)
        if new is not None:
            cand.kind, cand.note = "heading", "lost heading recovered from the title before the table"
            self.warn(cand.no, f"見出しが印字されていないため「{cand.text}」を見出しとして補いました")

    def _bare_title(self, after: int, before: int) -> Line | None:
        """The first short bare line (no sentence, bullet, note or section word)
        between source lines ``after`` and ``before``: a heading whose
        numbering the extraction lost."""
        start = bisect.bisect_right(self._nos, after)
        for ln in self.lines[start:]:
            if ln.no >= before:
                break
            t = ln.text
            if (
                ln.kind in ("text", "prose")
                and 4 <= len(t) <= 40
                and "。" not in t
                and not t.startswith(("-", "・", "[", "※", "(", "▲", "■", "◆"))
                and not is_section_title(t)
                and vocabulary().role_of(t) is None
            ):
                return ln
        return None

    def _caption(self, k: int) -> None:
        """A short unnumbered line just before a table header is the table's
        caption: the plan node its indicators belong to."""
        b = k - 1
        while b >= 0 and self.lines[b].kind == "blank":
            b -= 1
        if b < 0:
            return
        cap = self.lines[b]
        t = cap.text
        if (
            (cap.kind in ("text", "cell") or (cap.kind == "name" and any(e.line is cap for e in self._carry)))
            and not cap.is_row
            and 2 <= len(t) <= 30
            and not is_prose(t)
            and vocabulary().role_of(t) is None
            and read_numbering(cap.raw) is None
            and not is_value(t)
        ):
            self.outline.heading(Numbering("caption", "", "", t), t, cap.no)
            self._carry = [e for e in self._carry if e.line is not cap]
            cap.kind, cap.note = "heading", "table caption, taken as the node of the table"

    # ---------------------------------------------------------------- cell streams
    def stream(self, i: int) -> int:
        """A region of free cells starting at a header cell or block label at ``i``."""
        voc = vocabulary()
        lines = self.lines
        n = len(lines)
        start = lines[i]
        role = voc.role_of(start.text)
        if role and role != "満足度":
            self.role = Role(role)
            p = _period(start.text) if re.search(r"\d|元", start.text) else None
            self.role_period = p
            self.role_cumulative = "累計" in start.text
        elif self.role is None:
            self.role = Role.OUTCOME
        start.kind, start.note = "label", f"block label ({self.role})"
        # Collect the header run: header cells among the next few cells, and
        # the header cells just before ``i`` (a run can start with a code column).
        j = i
        header_cells: list[Line] = []
        pipe = "pipe cell" in start.repairs
        b = i - 1
        while b >= 0 and lines[b].kind not in ("blank",) and not lines[b].is_row:
            if (
                voc.column_kind(lines[b].text)
                and len(remove_spaces(lines[b].text)) <= 24
                and ("pipe cell" in lines[b].repairs) == pipe
                and lines[b].kind != "heading"
                and read_numbering(lines[b].raw) is None
            ):
                b -= 1
                continue
            break
        k = b + 1
        if k < i:
            self._caption(k)
        while k < n and len(header_cells) < 16:
            c = lines[k]
            if c.kind == "blank":
                k += 1
                continue
            if c.is_row:
                break
            kind = voc.column_kind(c.text)
            if kind and (read_numbering(c.raw) is not None and k > i):
                break
            if (kind and len(remove_spaces(c.text)) <= 24 and not is_prose(c.text)) or (
                header_cells and is_year_label(c.text) and not is_value(c.text)
            ):
                header_cells.append(c)
                j = k + 1
                k += 1
                continue
            break
        header = None
        if header_cells:
            texts = [c.text for c in header_cells]
            # In a stream the names stand as cells of their own: a header without a
            # name column implies one in front.
            header = read_header(texts, start.no) or read_header(["", *texts], start.no)
        if header is not None:
            header.pipe_cells = pipe
            for c in header_cells:
                c.kind, c.note = "header", "header cell"
            self.header = header
        elif role or voc.column_kind(start.text) == "name":
            # A label alone (``数値目標(H31)``, ``成果指標名``): a name and one target
            # column, its year from the label (or from a target label met later).
            header = Header(
                [Column("name", "", None), Column("target", start.text, self.role_period)], start.no
            )
            header.cumulative = self.role_cumulative
            header.implicit = not remove_spaces(start.text).endswith("名")
            self.header = header
            j = i + 1 if role else i
        else:
            return i + 1
        by_count = len(header.columns) >= 3 and len(header_cells) == len(header.columns)
        flattened = "flattened page split at spaces" in start.repairs
        if by_count and (pipe or self._groups_fit(j, header, flattened=flattened)):
            return max(i + 1, self.stream_by_count(j, header, pipe=pipe))
        return max(i + 1, self.stream_by_pattern(j, header))

    def _groups_fit(self, j: int, header: Header, *, flattened: bool) -> bool:
        """One cell per line after a run of k header cells: the next two groups
        of k cells have a name where the header has it and values elsewhere."""
        if flattened:
            return False
        k = len(header.columns)
        name_i = header.name_column if header.name_column is not None else 0
        cells = [ln for ln in self.lines[j : j + 4 * k] if ln.kind != "blank"][: 2 * k]
        if len(cells) < 2 * k or any(ln.is_row for ln in cells):
            return False
        for g in (cells[:k], cells[k:]):
            if not looks_like_name(g[name_i].text):
                return False
            vals = [g[x].text for x in header.value_columns if x < len(g)]
            if not vals or not all(is_value(v) or is_text_value(v) for v in vals):
                return False
        return True

    def stream_by_count(self, j: int, header: Header, *, pipe: bool = True) -> int:
        """Groups of k cells (one per line) after a header of k cells."""
        k = len(header.columns)
        lines = self.lines
        name_i = header.name_column if header.name_column is not None else 1
        while j < len(lines):
            group: list[Line] = []
            m = j
            while m < len(lines) and len(group) < k:
                c = lines[m]
                if c.kind == "blank":
                    m += 1
                    continue
                if (pipe and "pipe cell" not in c.repairs) or c.is_row:
                    break
                group.append(c)
                m += 1
            if not group:
                return j
            if len(group) <= name_i or not looks_like_name(group[name_i].text):
                return j
            cells = [c.text for c in group]
            rec = self.record_from_cells(
                cells[name_i], cells + [""] * (k - len(cells)), header, group[name_i].no
            )
            rec.raw = "\n".join(cells)
            if len(group) < k:
                rec.uncertain = True
                self.warn(group[0].no, f"行が途中で切れています ({len(group)}/{k} セル)")
            ind = self.emit(rec)
            for c in group:
                c.kind, c.note = "row", f"cell of {ind.name}"
            j = m
            if len(group) < k:
                return j
        return j

    def stream_by_pattern(self, j: int, header: Header) -> int:
        """Names followed by their values, in the header's column order; the
        region's entries are resolved together at its end (:meth:`resolve`)."""
        lines = self.lines
        n = len(lines)
        voc = vocabulary()
        entries: list[_Entry] = []
        loose: list[Line] = []  # values before any name
        label_name = False
        misses = 0
        start_j = j
        gap = False  # a header or label stood between the current name and its values

        def current() -> _Entry | None:
            return entries[-1] if entries else None

        while j < n:
            c = lines[j]
            t = c.text
            if c.kind == "blank" or c.kind == "furniture":
                j += 1
                continue
            if c.is_row or remove_spaces(t) in voc.link_labels:
                break
            printed = c.raw if not c.repairs or "flattened page split at spaces" in c.repairs else c.text
            num = read_numbering(printed)
            if num is not None and not is_value(t) and not looks_like_unit_value(t):
                title = num.title
                tail: str | None = None
                if " " in title:
                    # ``④安全で持続可能な地域 雨水幹線等の整備率``: a name printed beside the heading.
                    head_part, _, rest = title.rpartition(" ")
                    if has_name_ending(rest) and not has_name_ending(head_part):
                        title, tail = head_part, rest
                after = j + 1
                consumed = j + 1
                if (
                    not title
                    and after < n
                    and lines[after].kind == "cell"
                    and looks_like_name(lines[after].text)
                ):
                    title = lines[after].text
                    lines[after].kind, lines[after].note = "heading", "title of the heading above"
                    consumed = after + 1
                node = self.outline.heading(num, title, c.no)
                c.kind, c.note = "heading", f"heading {num.code} {title}"
                if tail:
                    entries.append(_Entry(c, self.outline.node(), name=tail))
                    gap = False
                # ``づくり``: the heading's title wrapped onto the next line.
                k = consumed
                while k < n and lines[k].kind == "blank":
                    k += 1
                if node is not None and k < n and re.fullmatch(r"[\u3040-\u309f]{2,6}", lines[k].text):
                    node.title += lines[k].text
                    lines[k].kind, lines[k].note = "heading", "end of the heading's title"
                    consumed = k + 1
                j = consumed
                misses = 0
                continue
            kind = voc.column_kind(t)
            if (
                kind
                and j + 1 < n
                and not is_value(t)
                and voc.column_kind(lines[j + 1].text)
                and not is_value(lines[j + 1].text)
                and j > start_j
            ):
                # A new header run: the driver reads it afresh.
                break
            if kind == "name" and len(remove_spaces(t)) <= 12 and ("名" in t or voc.role_of(t) is None):
                c.kind, c.note = "label", "name label"
                label_name = remove_spaces(t).endswith("名")
                j += 1
                continue
            if kind in ("target", "baseline", "actual") and len(remove_spaces(t)) <= 16 and not is_value(t):
                p = _period(t)
                nxt = self.next_text(j)
                nt = lines[nxt].text if nxt is not None else ""
                if p is None and nxt is not None and re.fullmatch(r"[(（].*[)）]", nt) and find_periods(nt):
                    # ``目標値`` / ``(2019(H31)年)``: the column's year on the next line.
                    p = _period(nt)
                    lines[nxt].kind, lines[nxt].note = "header", "year of the header cell above"
                    self._set_period(header, kind, p)
                    c.kind, c.note = "header", "header cell"
                    gap = True
                    j = nxt + 1
                    continue
                if p is not None:
                    # ``令和5年度目標値`` (its value before or after it).
                    self._set_period(header, kind, p)
                    e = current()
                    if nxt is not None and is_value(nt) and e is not None:
                        e.values.append(lines[nxt])
                        lines[nxt].kind = "value"
                        j = nxt + 1
                    else:
                        j += 1
                    c.kind, c.note = "label", f"{kind} label with its year"
                    continue
                prev = lines[j - 1].text if j else ""
                cur = current()
                if (
                    cur is not None
                    and kind in ("target", "actual")
                    and (is_year_label(prev) or prev == "年度" or bool(cur.grid_years))
                ):
                    j = self.year_grid_row(j, kind, current())
                    continue
                c.kind, c.note = "header", "header cell"
                header.implicit = False
                if not any(col.kind == kind for col in header.columns):
                    header.columns.append(Column(kind, t, None))
                gap = True
                j += 1
                continue
            if kind == "unit" and len(remove_spaces(t)) <= 8:
                # ``単位`` printed again in a stream: a header cell, never a name.
                c.kind, c.note = "header", "header cell"
                if not any(col.kind == "unit" for col in header.columns):
                    header.columns.append(Column("unit", t, None))
                j += 1
                continue
            if kind in ("year", "verdict") and len(remove_spaces(t)) <= 16:
                c.kind, c.note = "header", "header cell"
                gap = True
                j += 1
                continue
            if kind in ("note", "code") and len(remove_spaces(t)) <= 16:
                c.kind, c.note = "label", "note label"
                nxt = self.next_text(j)
                e = current()
                if (
                    nxt is not None
                    and e is not None
                    and not lines[nxt].is_row
                    and voc.column_kind(lines[nxt].text) is None
                ):
                    label = remove_spaces(t)
                    note = re.sub(r"\s+", "", lines[nxt].text)
                    if label in voc.definition_labels or (label.endswith("説明") and e.definition is None):
                        e.definition = note
                    else:
                        e.notes.append(note)
                    lines[nxt].kind = "note"
                    j = nxt + 1
                    continue
                j += 1
                continue
            if t == "年度" and current() is not None:
                # ``年度 24年度 25年度 …``: the years of a grid of 目標値 / 実績値 rows.
                e = current()
                assert e is not None
                c.kind, c.note = "header", "year grid"
                j += 1
                while j < n and is_year_label(lines[j].text):
                    e.grid_years.append(_period(lines[j].text))
                    lines[j].kind = "header"
                    j += 1
                continue
            if t == "年度" or (is_year_label(t) and not entries and not loose):
                c.kind = "header"
                j += 1
                continue
            if arrow_values(t) or is_value(t) or is_unit(t) or is_year_label(t) or is_text_value(t):
                e = current()
                if e is not None:
                    if not e.values:
                        e.adjacent = not gap
                    e.values.append(c)
                    c.kind = "value"
                else:
                    loose.append(c)
                    c.kind, c.note = "value", "value before any name"
                misses = 0
                j += 1
                continue
            if (
                t.count("(") > t.count(")")
                and j + 1 < n
                and lines[j + 1].text.count(")") > lines[j + 1].text.count("(")
            ):
                # ``集落幹線道路(市道稲荷下三谷`` / ``線)の舗装改良率``: a name wrapped inside its bracket.
                whole = t + lines[j + 1].text
                entries.append(_Entry(c, self.outline.node(), name=whole))
                c.kind, c.note = "name", "name wrapped inside a bracket, joined with the next line"
                lines[j + 1].kind, lines[j + 1].note = "name", "end of the name above"
                label_name = False
                gap = False
                j += 2
                continue
            if label_name or (looks_like_name(t) and not is_prose(t)):
                entries.append(_Entry(c, self.outline.node()))
                c.kind = "name"
                label_name = False
                gap = False
                misses = 0
                j += 1
                continue
            if _VERDICT_MARK.fullmatch(t) and any(col.kind == "verdict" for col in header.columns):
                # ``○`` / ``×`` under a 事後評価 column: the verdict of the values before it.
                e = current()
                if e is not None and e.values:
                    e.verdict = t
                else:
                    self._loose_verdicts.append(t)
                c.kind, c.note = "value", "verdict"
                j += 1
                continue
            nxt = self.next_text(j)
            if len(t) <= 10 and not is_prose(t) and nxt is not None and is_value(lines[nxt].text):
                # A group label on the line before its value (``満野→双海`` / ``20分``).
                e = current()
                (e.values if e is not None else loose).append(c)
                c.kind, c.note = "value", "group label of the value below"
                j += 1
                continue
            c.kind = "prose" if is_prose(t) else "text"
            misses += 1
            if misses >= 3 and is_prose(t):
                break
            j += 1
        self.resolve(entries, loose, header)
        return j

    @staticmethod
    def _set_period(header: Header, kind: str, p: Period | None) -> None:
        header.implicit = False
        cols = [c for c in header.columns if c.kind == kind]
        if cols:
            if cols[-1].period is None:
                cols[-1].period = p
        else:
            header.columns.append(Column(kind, "", p))

    def year_grid_row(self, j: int, kind: str, entry: _Entry | None) -> int:
        """``目標値 17 20 …`` / ``実績値 16 16 …`` after a ``年度 24年度 …`` row:
        milestones and actuals of the current entry, right-aligned to the years."""
        lines = self.lines
        label = lines[j]
        label.kind, label.note = "label", f"year grid: {kind}"
        years: list[Period | None] = list(entry.grid_years) if entry is not None else []
        b = j - 1
        while not years and b >= 0 and (is_year_label(lines[b].text) or lines[b].text == "年度"):
            if lines[b].text != "年度":
                years.insert(0, _period(lines[b].text))
            b -= 1
        k = j + 1
        vals: list[str] = []
        while k < len(lines) and is_value(lines[k].text) and not is_year_label(lines[k].text):
            vals.append(lines[k].text)
            lines[k].kind = "value"
            k += 1
        if entry is not None and vals:
            cells = [
                Cell(v, years[len(years) - len(vals) + x] if len(years) >= len(vals) else None)
                for x, v in enumerate(vals)
            ]
            if kind == "target":
                entry.milestones = cells
            else:
                entry.actuals = cells
                if len(years) != len(vals):
                    entry.notes.append(
                        f"実績値 {len(vals)} 件を年度見出し {len(years)} 列の右端に揃えて読みました (要確認)"
                    )
        return k

    def resolve(self, entries: list[_Entry], loose: list[Line], header: Header) -> None:
        """Records from a region's entries (see the module docstring):

        * k names in a row then k × m values: column by column;
        * a name followed by one value group (the header's value columns, or
          ``baseline (with its year) → target`` where the header names only a
          target) takes it; uncertain when a header stood between them;
        * groups beyond the first after a name, and values before any name,
          go in order to the names that got none (uncertain);
        * a name left without values is kept only if it ends like an
          indicator name, with null values and a warning.
        """
        has_unit_col = any(c.kind == "unit" for c in header.columns)
        cols = [c for c in header.columns if c.kind in _VALUE_KINDS]
        if header.implicit and not loose and not any(e.values or e.actuals or e.milestones for e in entries):
            # A label followed by names and no value at all (names quoted in prose): no table.
            for e in entries:
                e.line.kind, e.line.note = "text", "no value follows: not a table"
            return
        if header.implicit:
            # No header cells were printed: values can only be read next to their
            # names, and a bare number (a row or page number) is no value.
            loose = []
            for e in entries:
                if not e.adjacent or all(re.fullmatch(r"[\d,]+", v.text.strip()) for v in e.values):
                    e.values = []
        orphan_names: list[_Entry] = []
        orphan_groups: list[tuple[list[str], list[str]]] = []
        carried, self._carry = (self._carry, []) if not header.implicit else ([], self._carry)
        if loose:
            items, units = self._items([v.text for v in loose], has_unit_col)
            loose_groups = [(g, units) for g in self._groups(items, header, cols)]
            # Names printed in a header block before a header repeated above the values.
            verdicts = self._loose_verdicts
            self._loose_verdicts = []
            for x, (e, (g, u)) in enumerate(zip(carried, loose_groups, strict=False)):
                if x < len(verdicts) and len(verdicts) == len(loose_groups):
                    e.verdict = verdicts[x]
                self._emit_entry(e, g, u[0] if u else None, header, cols, uncertain=True)
            orphan_groups += loose_groups[len(carried) :]
            carried = carried[len(loose_groups) :]
        for e in carried:
            self._valueless(e.line, header, name=e.name, node=e.node)
        i = 0
        while i < len(entries):
            # Column-major run: names without values, then one with k × m values.
            k = 1
            while i + k - 1 < len(entries) - 1 and not entries[i + k - 1].values:
                k += 1
            last = entries[i + k - 1]
            if k > 1 and last.values:
                items, units = self._items([v.text for v in last.values], has_unit_col)
                m = max(1, len(cols))
                if len(items) == k * m and (not units or len(units) == k):
                    for x in range(k):
                        row = [items[c * k + x] for c in range(m)]
                        self._emit_entry(
                            entries[i + x], row, units[x] if units else None, header, cols, uncertain=False
                        )
                    i += k
                    continue
            e = entries[i]
            i += 1
            items, units = self._items([v.text for v in e.values], has_unit_col)
            groups = self._groups(items, header, cols)
            if not groups:
                orphan_names.append(e)
                continue
            self._emit_entry(
                e, groups[0], units[0] if units else None, header, cols, uncertain=not e.adjacent
            )
            orphan_groups += [(g, units[1:2]) for g in groups[1:]]
        for e, (g, units) in zip(orphan_names, orphan_groups, strict=False):
            self._emit_entry(e, g, units[0] if units else None, header, cols, uncertain=True)
            e.note_order = True
        left = orphan_names[len(orphan_groups) :]
        if (
            left
            and not orphan_groups
            and all(not e.values for e in left)
            and left[-1] is (entries[-1] if entries else None)
        ):
            # The region ends on names without values: their values may follow a
            # header printed again (an evaluation sheet's header block).
            self._carry = [e for e in left if not (e.actuals or e.milestones)]
            left = [e for e in left if e.actuals or e.milestones]
        for e in left:
            if e.values or e.actuals or e.milestones:
                self._emit_entry(e, [], None, header, cols, uncertain=True)
            else:
                self._valueless(e.line, header, name=e.name, node=e.node)
        for g, _ in orphan_groups[len(orphan_names) :]:
            self.warn(entries[-1].line.no if entries else 0, f"指標名と対応づけられない値: {' / '.join(g)}")

    @staticmethod
    def _items(texts: list[str], has_unit_col: bool) -> tuple[list[str], list[str]]:
        """Value texts with ``a→b`` split and lone units attached to the number before them."""
        items: list[str] = []
        units: list[str] = []
        label = ""
        for t in texts:
            if (
                not is_value(t)
                and not is_unit(t)
                and not is_year_label(t)
                and len(t) <= 10
                and not arrow_values(t)
            ):
                # ``満野→双海`` / ``20分``: a group label on the line before its value.
                label = t
                continue
            if label and is_value(t):
                t, label = f"{label} {t}", ""
            arrow = arrow_values(t)
            if arrow:
                items += list(arrow)
            elif is_unit(t):
                if has_unit_col or not items:
                    units.append(t)
                else:
                    items[-1] = f"{items[-1]} {t}"
            elif is_year_label(t) and items:
                # The year of the value(s) before it: every labelled part of one cell.
                k = len(items) - 1
                while k > 0 and _labelled(items[k]) and _labelled(items[k - 1]) and "(" not in items[k - 1]:
                    k -= 1
                for x in range(k, len(items)):
                    items[x] = f"{items[x]}({t})"
            else:
                items.append(t)
        return items, units

    def _groups(self, items: list[str], header: Header, cols: list[Column]) -> list[list[str]]:
        """Split a run of values into one group per indicator."""
        if not items:
            return []
        if any(c.kind == "baseline" for c in cols) and len(cols) >= 2:
            m = len(cols)
            return [items[x : x + m] for x in range(0, len(items), m)]
        target_year = next((c.period.year for c in cols if c.kind == "target" and c.period), None)
        groups: list[list[str]] = []
        cur: list[str] = []
        for it in items:
            ps = find_periods(it)
            base_like = is_status_word(it) or (ps and (target_year is None or ps[-1].year < target_year))
            if base_like and not cur:
                cur = [it]
                continue
            cur.append(it)
            groups.append(cur)
            cur = []
        if cur:
            groups.append(cur)
        return groups

    def _emit_entry(
        self,
        e: _Entry,
        group: list[str],
        unit: str | None,
        header: Header,
        cols: list[Column],
        *,
        uncertain: bool,
    ) -> None:
        rec = Record(name=e.name or e.line.text, line=e.line.no, role=self.current_role(), unit=unit)
        rec.cumulative = header.cumulative or self.role_cumulative
        has_base = any(c.kind == "baseline" for c in cols)
        targets = [c for c in cols if c.kind == "target"]
        its = list(group)
        if has_base and len(its) == 1 and targets:
            # One value for a baseline and a target column: the target unless its year says baseline.
            its = [its[0], ""] if find_periods(its[0]) else ["", its[0]]
        if not has_base and len(its) == 2 and targets:
            rec.baseline = Cell(its[0])
            its = its[1:]
        x = 0
        for c in cols:
            text = its[x] if x < len(its) else ""
            x += 1
            if c.kind == "baseline":
                rec.baseline = Cell(text, c.period)
            elif c.kind == "target":
                rec.targets.append(Cell(text, c.period or self.role_period))
            elif c.kind == "actual" and text:
                rec.actuals.append(Cell(text, c.period))
        if not targets and not has_base and its:
            rec.targets.append(Cell(its[0], self.role_period))
        if x < len(its):
            rec.notes.append("読み残した値: " + " / ".join(its[x:]))
        rec.actuals += e.actuals
        rec.milestones = e.milestones
        rec.notes += e.notes
        rec.definition = e.definition
        rec.verdict = e.verdict
        rec.uncertain = uncertain
        rec.raw = " ".join([rec.name, *group])
        if e.note_order or uncertain:
            rec.notes.append("値は印字の順から対応づけました (要確認)")
        ind = build(rec, self.doc, self.warnings)
        if rec.uncertain:
            self.warn(rec.line, f"不確かな行: {ind.name} (値の位置から推定しました)")
        self.indicators.append((e.node, ind))
        self._since_table = True
        self.last = ind

    def _valueless(self, nm: Line, header: Header, *, name: str = "", node: Node | None = None) -> None:
        """A name printed in a KPI region whose values cannot be placed: kept,
        values null, uncertain, with a warning (never a guessed value)."""
        text = name or nm.text
        if not has_name_ending(text):
            nm.kind, nm.note = "text", "not a name (no indicator ending, no values)"
            return
        rec = Record(name=text, line=nm.no, role=self.current_role(), uncertain=True)
        rec.baseline = Cell("") if any(c.kind == "baseline" for c in header.columns) else None
        rec.targets = [Cell("", c.period) for c in header.columns if c.kind == "target"]
        ind = build(rec, self.doc, self.warnings)
        self.indicators.append((node if node is not None else self.outline.node(), ind))
        self.warn(nm.no, f"指標名「{text}」の値が読めません (値は空のまま)")


_CONTENT = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff々ー]")
_TAIL_NOUN = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff々ー]+$")


def _mark_number(mark: str) -> str:
    """The number of a footnote mark (``¹`` → ``"1"``, ``※2`` → ``"2"``), ``""`` if none."""
    return "".join(ch for ch in nfkc(mark) if ch.isdigit())


def _similarity(note: str, names: list[str]) -> list[float]:
    """How strongly ``note`` speaks of each of ``names``: shared kanji/katakana
    bigrams count 1/df each (df: the number of names holding the bigram);
    characters of the note's last noun held by a name count 0.5/df each (a
    footnote usually ends with the term it explains)."""

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
        sc = sum(1 / sum(b in g for g in name_bigrams) for b in note_bigrams & name_bigrams[k])
        sc += 0.5 * sum(1 / sum(c in cs for cs in name_chars) for c in tail_chars & name_chars[k])
        scores.append(sc)
    return scores


def _next_code(code: str) -> str:
    return str(int(code) + 1) if code.isdigit() else ""


def _one_off(word: str, text: str) -> bool:
    """``word`` stands in ``text`` with exactly one character different."""
    n = len(word)
    return any(
        sum(a != b for a, b in zip(word, text[k : k + n], strict=True)) == 1 for k in range(len(text) - n + 1)
    )


def _labelled(text: str) -> bool:
    """``満野→双海 20分``: a value with a group label in front."""
    return bool(re.match(r"^[^\d\s]{1,10}\s+\d", text.strip()))


def _grouped(text: str) -> bool:
    from ..quantities import split_groups

    return bool(text.strip()) and (
        len(split_groups(text)) > 1 or bool(re.match(r"^[^\d\s]{1,6}\s+\d", text.strip()))
    )


def looks_like_unit_value(text: str) -> bool:
    """``1 本`` and the like (a value that a numbering reader could take for ``1 title``)."""
    return bool(re.fullmatch(r"\d[\d,.]*\s*\S{1,4}", text.strip())) and is_value(text)


__all__ = ["Column", "Header", "TableReader", "is_status_word", "join_wrapped", "match_key", "read_header"]
