"""Cell streams: one cell per line and the pieces of a flattened page, read by count or by pattern and resolved per region."""

from __future__ import annotations

import re

from ..model import Node, Role
from ..periods import Period, find_periods
from ..text import remove_spaces
from .build import Cell, Record, build
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
from .headers import VALUE_KINDS, Column, Header, header_period, read_header
from .lines import Line
from .outline import SECTION_WORDS, read_numbering
from .state import (
    _VERDICT_MARK,
    Entry,
    ReaderState,
    _labelled,
    looks_like_unit_value,
)
from .vocabulary import vocabulary


class Streams(ReaderState):
    """Cell streams: one cell per line and the pieces of a flattened page, read by count or by pattern and resolved per region."""

    def stream(self, i: int) -> int:
        """A region of free cells starting at a header cell or block label at ``i``."""
        voc = vocabulary()
        lines = self.lines
        n = len(lines)
        start = lines[i]
        role = voc.role_of(start.text)
        if role and role != "満足度":
            self.role = Role(role)
            p = header_period(start.text) if re.search(r"\d|元", start.text) else None
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
        entries: list[Entry] = []
        loose: list[Line] = []  # values before any name
        label_name = False
        misses = 0
        start_j = j
        gap = False  # a header or label stood between the current name and its values

        def current() -> Entry | None:
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
                    entries.append(Entry(c, self.outline.node(), name=tail))
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
                p = header_period(t)
                nxt = self.next_text(j)
                nt = lines[nxt].text if nxt is not None else ""
                if p is None and nxt is not None and re.fullmatch(r"[(（].*[)）]", nt) and find_periods(nt):
                    # ``目標値`` / ``(2019(H31)年)``: the column's year on the next line.
                    p = header_period(nt)
                    lines[nxt].kind, lines[nxt].note = "header", "year of the header cell above"
                    self._setheader_period(header, kind, p)
                    c.kind, c.note = "header", "header cell"
                    gap = True
                    j = nxt + 1
                    continue
                if p is not None:
                    # ``令和5年度目標値`` (its value before or after it).
                    self._setheader_period(header, kind, p)
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
                    e.grid_years.append(header_period(lines[j].text))
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
                entries.append(Entry(c, self.outline.node(), name=whole))
                c.kind, c.note = "name", "name wrapped inside a bracket, joined with the next line"
                lines[j + 1].kind, lines[j + 1].note = "name", "end of the name above"
                label_name = False
                gap = False
                j += 2
                continue
            if label_name or (looks_like_name(t) and not is_prose(t)):
                entries.append(Entry(c, self.outline.node()))
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
    def _setheader_period(header: Header, kind: str, p: Period | None) -> None:
        header.implicit = False
        cols = [c for c in header.columns if c.kind == kind]
        if cols:
            if cols[-1].period is None:
                cols[-1].period = p
        else:
            header.columns.append(Column(kind, "", p))

    def year_grid_row(self, j: int, kind: str, entry: Entry | None) -> int:
        """``目標値 17 20 …`` / ``実績値 16 16 …`` after a ``年度 24年度 …`` row:
        milestones and actuals of the current entry, right-aligned to the years."""
        lines = self.lines
        label = lines[j]
        label.kind, label.note = "label", f"year grid: {kind}"
        years: list[Period | None] = list(entry.grid_years) if entry is not None else []
        b = j - 1
        while not years and b >= 0 and (is_year_label(lines[b].text) or lines[b].text == "年度"):
            if lines[b].text != "年度":
                years.insert(0, header_period(lines[b].text))
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

    def resolve(self, entries: list[Entry], loose: list[Line], header: Header) -> None:
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
        voc = vocabulary()
        kept: list[Entry] = []
        for e in entries:
            bare = remove_spaces(e.name or e.line.text)
            if bare in voc.not_names or bare in SECTION_WORDS:
                # an input-cost row or a section title standing where a name could: not an indicator
                e.line.kind, e.line.note = "text", "not an indicator name (an input cost or a section title)"
                for v in e.values:
                    v.note = f"value of {bare}, not an indicator"
                continue
            kept.append(e)
        entries = kept
        has_unit_col = any(c.kind == "unit" for c in header.columns)
        cols = [c for c in header.columns if c.kind in VALUE_KINDS]
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
        orphan_names: list[Entry] = []
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
        e: Entry,
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
