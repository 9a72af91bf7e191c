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

import re
from dataclasses import dataclass, field

from ..model import ExtractWarning, Indicator, Node, Role, SourceRef
from ..periods import Period, find_periods
from ..text import join_wrapped, match_key, remove_spaces
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
from .outline import Outline, read_numbering
from .vocabulary import vocabulary

_VALUE_KINDS = ("baseline", "target", "actual", "year")
_BLOCK_MARK = re.compile(r"^[◆■□●○◇◎▼▽▲△★☆【〔<＜≪《]+")
_FOOTNOTE = re.compile(r"^(?:\[?※\]?\d*|[*＊]\d*|注\d*[:：]|[:：]|\(注\)|\d[:：])")
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
        return self.role or Role.OUTCOME

    # ---------------------------------------------------------------- driver
    def run(self) -> None:
        i = 0
        n = len(self.lines)
        while i < n:
            i = self.step(i)

    def step(self, i: int) -> int:
        ln = self.lines[i]
        if ln.kind in ("blank", "furniture"):
            return i + 1
        if ln.is_row:
            return self.row_table(i)
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
            label = remove_spaces(text)
            rest = text[len(label) :].strip() if text.startswith(label) else ""
            self.note_mode = True
            self._note_label = label
            if rest:
                self.add_note(rest, ln)
            return i + 1
        if self.last is not None and _FOOTNOTE.match(text) and not is_value(text):
            ln.kind, ln.note = "note", f"footnote of {self.last.name}"
            self.add_note(text, ln)
            return i + 1
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
        # Headings.
        num = read_numbering(ln.raw if ln.repairs == [] else ln.text)
        if num is not None and not is_value(text) and not looks_like_unit_value(text):
            return self.heading(i, num)
        if self.note_mode and self.last is not None and is_prose(text):
            ln.kind, ln.note = "note", f"note of {self.last.name}"
            self.add_note(text, ln)
            return i + 1
        # A stream header or block label starts a stream region.
        role = voc.role_of(text)
        if self._is_header_cell(text) or (role and len(text) <= 40 and not is_prose(text)):
            return self.stream(i)
        if len(text) <= 40 and self.outline.repeat_of_listed(text):
            ln.kind, ln.note = "heading", "heading recovered from the chapter's list"
            self.warn(ln.no, f"見出し「{text}」を章の一覧から補いました")
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
        ln.kind = "prose" if is_prose(text) else "text"
        self.note_mode = False
        return i + 1

    def _is_header_cell(self, text: str) -> bool:
        kind = vocabulary().column_kind(text)
        return (
            kind in (*_VALUE_KINDS, "name", "unit") and len(remove_spaces(text)) <= 24 and not is_prose(text)
        )

    def add_note(self, text: str, ln: Line) -> None:
        if self.last is None:
            return
        note = re.sub(r"\s+", "", ln.raw if ln.raw.strip() else text)
        label = getattr(self, "_note_label", "")
        if label and label in vocabulary().definition_labels and self.last.definition is None:
            self.last.definition = note
        else:
            self.last.notes.append(note)

    def satisfaction(self, i: int, name: str, value: str) -> int:
        ln = self.lines[i]
        ln.kind, ln.note = "row", "満足度 item"
        rec = Record(name=name, line=ln.no, role=Role.SATISFACTION, baseline=Cell(value))
        self.emit(rec)
        return i + 1

    def heading(self, i: int, num: object) -> int:
        from .outline import Numbering

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
        node = self.outline.heading(num, title, ln.no)
        path = self.outline.path()
        if node is not None and num.style.startswith("level:") and num.code == "2" and len(path) >= 2:
            self._recover_first(path[-2], num, ln.no)
        ln.kind = "heading"
        ln.note = f"node {num.code} {title}" if node else f"section {num.code} {title}"
        self.header = None
        self.note_mode = False
        self.last = None
        role = vocabulary().role_of(title) if title else None
        if role and node is None:
            self.role = Role(role)
        return consumed

    def _recover_first(self, parent: Node, num: object, line: int) -> None:
        """A numbered sequence that starts at 2: heading 1 was lost in extraction.
        Its title is the first short bare line under ``parent`` (not a section
        word) that stands before a table; the indicators after it move to it."""
        from .outline import Numbering, is_section_title

        assert isinstance(num, Numbering)
        if any(c.code == "1" for c in parent.children) or parent.source is None:
            return
        start = parent.source.line
        cand: Line | None = None
        for ln in self.lines:
            if ln.no <= start or ln.no >= line:
                continue
            t = ln.text
            if (
                ln.kind in ("text", "prose")
                and 4 <= len(t) <= 40
                and "。" not in t
                and not t.startswith(("-", "・", "[", "※", "("))
                and not is_section_title(t)
            ):
                cand = ln
                break
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

    # ---------------------------------------------------------------- row tables
    def row_table(self, i: int) -> int:
        ln = self.lines[i]
        header = read_header(ln.cells, ln.no)
        if header is None:
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
        role = (
            vocabulary().role_of(ln.cells[header.name_column or 0])
            if header.name_column is not None
            else None
        )
        if role and role != "満足度":
            self.role = Role(role)
        elif self.role is None:
            self.role = Role.OUTCOME
        self.header = header
        self.last = None
        j = i + 1
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
                    cells = (
                        cells[:name_i] + [join_name(cells[name_i : name_i + k + 1])] + cells[name_i + k + 1 :]
                    )
                    self.warn(ln.no, "列数が見出しより多いため、先頭のセルを指標名として結合しました")
                else:
                    self.warn(ln.no, f"見出しにない列を無視しました: {extra}")
                    cells = cells[:ncol]
            else:
                cells = cells[:ncol]
        cells += [""] * (ncol - len(cells))
        name = cells[name_i].strip()
        if not name or vocabulary().is_note_label(name):
            if name and self.last is not None:
                ln.kind, ln.note = "label", f"note label for {self.last.name}"
                self.note_mode = True
                self._note_label = remove_spaces(name)
                rest = " ".join(c for k, c in enumerate(cells) if k != name_i and c.strip())
                if rest:
                    self.add_note(rest, ln)
            return i + 1
        values = [cells[k] for k in header.value_columns]
        if not any(v.strip() for v in values) and not looks_like_name(name):
            ln.kind = "row"
            return i + 1
        # A name wrapped onto the next row with grouped values.
        nxt = i + 1
        if nxt < len(self.lines) and self.lines[nxt].is_row and read_header(self.lines[nxt].cells, 0) is None:
            c2 = self.lines[nxt].cells + [""] * max(0, ncol - len(self.lines[nxt].cells))
            grouped = [v for v in values if v.strip()]
            if (
                grouped
                and _grouped(grouped[0])
                and _grouped(c2[header.value_columns[0]] if header.value_columns else "")
            ):
                if name.endswith(("・", "、", "の")) or not has_name_ending(name):
                    name = join_name([name, c2[name_i]])
                    cells = [
                        join_name([a, b]) if k == name_i else f"{a} {b}".strip()
                        for k, (a, b) in enumerate(zip(cells, c2, strict=False))
                    ]
                    self.lines[nxt].kind, self.lines[nxt].note = "row", "continues the row above"
                    nxt += 1
                else:
                    nxt = i + 1
            else:
                nxt = i + 1
        if nxt == i + 1 and name_i < len(ln.raw_cells) and len(ln.raw_cells) >= len(ln.cells):
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
            elif col.kind in ("note", "code", "direction"):
                if text.strip():
                    rec.notes.append(f"{col.text}: {text}" if col.kind == "code" else text)
        if not rec.targets and any(c.kind == "target" for c in header.columns) is False:
            pass
        return rec

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
            cap.kind in ("text", "cell")
            and not cap.is_row
            and 2 <= len(t) <= 30
            and not is_prose(t)
            and vocabulary().role_of(t) is None
            and read_numbering(cap.raw) is None
            and not is_value(t)
        ):
            from .outline import Numbering

            self.outline.heading(Numbering("caption", "", "", t), t, cap.no)
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
            if (kind and len(remove_spaces(c.text)) <= 24 and not is_prose(c.text)) or (
                header_cells and is_year_label(c.text) and not is_value(c.text)
            ):
                header_cells.append(c)
                j = k + 1
                k += 1
                continue
            break
        header = read_header([c.text for c in header_cells], start.no) if header_cells else None
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
            self.header = header
            j = i + 1 if role else i
        else:
            return i + 1
        if pipe and len(header.columns) >= 3 and len(header_cells) == len(header.columns):
            return max(i + 1, self.stream_by_count(j, header))
        return max(i + 1, self.stream_by_pattern(j, header))

    def stream_by_count(self, j: int, header: Header) -> int:
        """Groups of k pipe cells after a header of k pipe cells."""
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
                if "pipe cell" not in c.repairs:
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
        """Names followed by their values, in the header's column order."""
        lines = self.lines
        n = len(lines)
        voc = vocabulary()
        vcols = [header.columns[x] for x in header.value_columns]
        has_unit_col = any(c.kind == "unit" for c in header.columns)
        names: list[Line] = []
        vals: list[Line] = []
        label_name = False
        misses = 0
        pending_target_period: Period | None = None
        start_j = j

        def flush() -> None:
            nonlocal names, vals
            if not names:
                vals = []
                return
            self.flush_records(names, vals, vcols, has_unit_col, header, pending_target_period)
            names, vals = [], []

        while j < n:
            c = lines[j]
            t = c.text
            if c.kind == "blank" or c.kind == "furniture":
                j += 1
                continue
            if c.is_row:
                break
            num = read_numbering(c.raw if not c.repairs else c.text)
            if num is not None and not is_value(t) and not looks_like_unit_value(t):
                flush()
                nxt = j + 1
                if (
                    not num.title
                    and nxt < n
                    and lines[nxt].kind == "cell"
                    and looks_like_name(lines[nxt].text)
                ):
                    title_line = lines[nxt]
                    self.outline.heading(num, title_line.text, c.no)
                    title_line.kind, title_line.note = "heading", "title of the heading above"
                    j = nxt + 1
                else:
                    self.outline.heading(num, num.title, c.no)
                    j += 1
                c.kind, c.note = "heading", f"heading {num.code} {num.title}"
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
                flush()
                c.kind, c.note = "label", "name label"
                label_name = remove_spaces(t).endswith("名")
                j += 1
                continue
            if kind in ("target", "baseline", "actual") and len(remove_spaces(t)) <= 16 and not is_value(t):
                # A value label inside the stream: ``令和5年度目標値`` (its value before or after it).
                p = _period(t)
                if kind == "target" and p is not None:
                    pending_target_period = p
                    nxt = self.next_text(j)
                    if nxt is not None and is_value(lines[nxt].text) and names:
                        vals.append(lines[nxt])
                        lines[nxt].kind = "value"
                        j = nxt + 1
                    else:
                        j += 1
                    c.kind, c.note = "label", "target label"
                    continue
                if names and kind in ("target", "actual") and p is None:
                    j = self.year_grid_row(j, kind, names[-1] if names else None)
                    continue
                c.kind, c.note = "header", "header cell"
                j += 1
                continue
            if kind in ("note", "code") and len(remove_spaces(t)) <= 16:
                flush()
                c.kind, c.note = "label", "note label"
                # A definition or note label: the following cell(s) until the next label.
                nxt = self.next_text(j)
                if nxt is not None and self.last is not None and not lines[nxt].is_row:
                    self._note_label = remove_spaces(t)
                    if voc.column_kind(lines[nxt].text) is None:
                        self.add_note(lines[nxt].text, lines[nxt])
                        lines[nxt].kind = "note"
                        j = nxt + 1
                        continue
                j += 1
                continue
            if t in ("年度",) or (is_year_label(t) and not names and not vals):
                c.kind = "header"
                j += 1
                continue
            arrow = arrow_values(t)
            if arrow or is_value(t) or is_unit(t) or is_year_label(t) or is_text_value(t):
                if names:
                    vals.append(c)
                    c.kind = "value"
                    misses = 0
                else:
                    c.kind, c.note = "value", "value without a name"
                    misses += 1
                j += 1
                continue
            if label_name or (looks_like_name(t) and not is_prose(t)):
                if vals:
                    flush()
                names.append(c)
                c.kind = "name"
                label_name = False
                misses = 0
                j += 1
                continue
            if is_prose(t) and (names or vals):
                flush()
            c.kind = "prose" if is_prose(t) else "text"
            misses += 1
            if misses >= 3 and is_prose(t):
                break
            j += 1
        flush()
        return j

    def year_grid_row(self, j: int, kind: str, name_line: Line | None) -> int:
        """``目標値 17 20 …`` / ``実績値 16 16 …`` after a ``年度 24年度 …`` row."""
        lines = self.lines
        label = lines[j]
        label.kind, label.note = "label", f"year grid: {kind}"
        years: list[Period | None] = []
        b = j - 1
        while b >= 0 and (is_year_label(lines[b].text) or lines[b].text == "年度"):
            if lines[b].text != "年度":
                years.insert(0, _period(lines[b].text))
            b -= 1
        k = j + 1
        vals: list[str] = []
        while k < len(lines) and is_value(lines[k].text) and not is_year_label(lines[k].text):
            vals.append(lines[k].text)
            lines[k].kind = "value"
            k += 1
        if self.last is not None and vals:
            cells = [
                Cell(v, years[len(years) - len(vals) + x] if len(years) >= len(vals) else None)
                for x, v in enumerate(vals)
            ]
            s = self.last.series[0]
            from .build import read_value_cell

            out = [
                read_value_cell(c.text, c.header, SourceRef(self.doc, label.no), self.warnings) for c in cells
            ]
            if kind == "target":
                s.milestones = out
            else:
                s.actuals = out
                if len(years) != len(vals):
                    self.last.notes.append(
                        f"実績値 {len(vals)} 件を年度見出し {len(years)} 列の右端に揃えて読みました"
                    )
        return k

    def flush_records(
        self,
        names: list[Line],
        vals: list[Line],
        vcols: list[Column],
        has_unit_col: bool,
        header: Header,
        target_period: Period | None,
    ) -> None:
        """Records for the names of a stream and the values that followed them."""
        texts = [v.text for v in vals]
        # Expand ``a→b`` cells; attach lone units to the number before them.
        items: list[str] = []
        units: list[str] = []
        for t in texts:
            arrow = arrow_values(t)
            if arrow:
                items += list(arrow)
            elif is_unit(t):
                if has_unit_col:
                    units.append(t)
                elif items:
                    items[-1] = f"{items[-1]} {t}"
                else:
                    units.append(t)
            elif is_year_label(t) and items:
                items[-1] = f"{items[-1]}({t})"
            else:
                items.append(t)
        kinds = [c.kind for c in vcols if c.kind != "forecast"]
        ncols = max(1, len(kinds))
        k = len(names)
        if k > 1 and items and len(items) == k * ncols and (not units or len(units) == k):
            # Column by column: k names, then each column's k values.
            for x, nm in enumerate(names):
                row = [items[c * k + x] for c in range(ncols)]
                rec = self._record(nm, row, vcols, units[x] if units else None, header, target_period)
                self.emit(rec)
            return
        if k > 1 and not items:
            for nm in names:
                self._valueless(nm, header)
            return
        if k > 1:
            for nm in names[:-1]:
                self._valueless(nm, header)
            names = names[-1:]
        rec = self._record(names[0], items, vcols, units[0] if units else None, header, target_period)
        if not items:
            self._valueless(names[0], header)
            return
        self.emit(rec)

    def _valueless(self, nm: Line, header: Header) -> None:
        """A name printed in a KPI region whose values cannot be placed: kept,
        values null, uncertain, with a warning (never a guessed value)."""
        if not has_name_ending(nm.text):
            nm.kind, nm.note = "text", "not a name (no indicator ending, no values)"
            return
        rec = Record(name=nm.text, line=nm.no, role=self.current_role(), uncertain=True)
        rec.baseline = Cell("") if any(c.kind == "baseline" for c in header.columns) else None
        rec.targets = [Cell("", c.period) for c in header.columns if c.kind == "target"]
        self.emit(rec)
        self.warn(nm.no, f"指標名「{nm.text}」の値が読めません (値は空のまま)")

    def _record(
        self,
        nm: Line,
        items: list[str],
        vcols: list[Column],
        unit: str | None,
        header: Header,
        target_period: Period | None,
    ) -> Record:
        rec = Record(name=nm.text, line=nm.no, role=self.current_role(), unit=unit)
        rec.cumulative = header.cumulative or self.role_cumulative
        cols = [c for c in vcols if c.kind != "forecast"]
        has_base = any(c.kind == "baseline" for c in cols)
        targets = [c for c in cols if c.kind == "target"]
        if not has_base:
            rec.baseline = None
        its = list(items)
        if has_base and len(its) == 1 and targets and len(cols) >= 2:
            # One value for a baseline and a target column: a target when no year says otherwise.
            its = ["", its[0]] if not find_periods(its[0]) else its
        if not has_base and len(its) >= 2 and not targets:
            pass
        if not has_base and len(its) == 2 and len(targets) == 1:
            # ``1.39(H24)→1.52(H31)`` under a target-only label: baseline → target.
            rec.baseline = Cell(its[0])
            its = its[1:]
        x = 0
        for c in cols:
            if x >= len(its):
                if c.kind == "target":
                    rec.targets.append(Cell("", c.period or target_period))
                continue
            text = its[x]
            x += 1
            if c.kind == "baseline":
                rec.baseline = Cell(text, c.period)
            elif c.kind == "target":
                rec.targets.append(Cell(text, c.period or target_period or self.role_period))
            elif c.kind == "actual":
                rec.actuals.append(Cell(text, c.period))
        if not targets and target_period is not None:
            rec.targets.append(Cell(its[x] if x < len(its) else "", target_period))
        if x < len(its):
            rec.notes.append("読み残した値: " + " / ".join(its[x:]))
        rec.raw = " ".join([nm.text, *items])
        return rec


def _grouped(text: str) -> bool:
    from ..quantities import split_groups

    return bool(text.strip()) and (
        len(split_groups(text)) > 1 or bool(re.match(r"^[^\d\s]{1,6}\s+\d", text.strip()))
    )


def looks_like_unit_value(text: str) -> bool:
    """``1 本`` and the like (a value that a numbering reader could take for ``1 title``)."""
    return bool(re.fullmatch(r"\d[\d,.]*\s*\S{1,4}", text.strip())) and is_value(text)


__all__ = ["Column", "Header", "TableReader", "is_status_word", "join_wrapped", "match_key", "read_header"]
