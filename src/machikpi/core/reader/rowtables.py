"""Row tables: tab, pipe and space-column rows under a vocabulary header, with their captions and lost headings."""

from __future__ import annotations

import bisect
import re

from ..model import Role
from ..periods import find_periods
from ..text import join_wrapped, remove_spaces
from .build import Cell, Record, join_name
from .cells import (
    has_name_ending,
    is_prose,
    is_value,
    is_year_label,
    looks_like_name,
)
from .headers import Column, Header, header_period, read_header
from .lines import Line
from .outline import Numbering, is_section_title, read_numbering
from .state import (
    ReaderState,
    _grouped,
)
from .vocabulary import vocabulary


class RowTables(ReaderState):
    """Row tables: tab, pipe and space-column rows under a vocabulary header, with their captions and lost headings."""

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
                header.columns.append(Column(k, cell_text, header_period(cell_text)))
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
                    header.columns[col_i].period = header_period(text)
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
