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

from ..model import Node, Role, SourceRef
from ..text import join_wrapped, match_key, remove_spaces
from .build import join_name
from .cells import (
    is_prose,
    is_value,
)
from .footnotes import Footnotes
from .headers import VALUE_KINDS, Column, Header, read_header
from .lines import Line
from .listforms import ListForms
from .outline import Numbering, is_section_title, read_numbering
from .rowtables import RowTables
from .state import (
    _BLOCK_MARK,
    _FOOTNOTE,
    _LIST_MARK,
    _SATISFACTION,
    _next_code,
    looks_like_unit_value,
)
from .streams import Streams
from .vocabulary import vocabulary

__all__ = ["Column", "Header", "TableReader", "read_header"]


class TableReader(RowTables, Streams, ListForms, Footnotes):
    """Reads the records of one document (see the module docstring): walks
    the lines once and hands each to the reading form it belongs to."""

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
        # ``小区分 地域福祉活動…``: an evaluation sheet's label of the plan node, then its title.
        if remove_spaces(text) in voc.node_labels:
            j = self.next_text(i)
            if j is not None and not self.lines[j].is_row:
                title = self.lines[j].text
                if (
                    remove_spaces(title) not in voc.node_labels
                    and voc.column_kind(title) is None
                    and not is_value(title)
                    and len(title) <= 60
                ):
                    label = remove_spaces(text)
                    self.outline.heading(Numbering(f"label:{label}", label, "", title), title, ln.no)
                    ln.kind, ln.note = "label", f"node label {label}"
                    self.lines[j].kind, self.lines[j].note = "heading", f"title of {label}"
                    return j + 1
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
        if role and len(text) <= 40 and not is_prose(text):
            block = self.year_role_block(i)
            if block is not None:
                return block
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
        opener = self._opener
        if opener == "" and len(text) <= 20 and not is_prose(text):
            self._opener = remove_spaces(text)
        elif opener and remove_spaces(text) == opener and self._since_table:
            listed_title = self.outline.enter_next_listed()
            if listed_title:
                ln.kind, ln.note = "heading", f"page opener: next listed heading {listed_title}"
                self.warn(
                    ln.no, f"見出し「{listed_title}」が印字されていないため、章の一覧の順から補いました"
                )
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
            kind in (*VALUE_KINDS, "name", "unit") and len(remove_spaces(text)) <= 24 and not is_prose(text)
        )

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
