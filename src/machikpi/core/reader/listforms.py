"""One-line indicators and lists: arrow items, labelled items, ● items with a legend, satisfaction lines, link lists."""

from __future__ import annotations

import re

from ..model import PlanLink, Role
from ..text import join_wrapped
from .build import Cell, Record
from .cells import (
    is_prose,
    is_value,
    looks_like_name,
)
from .headers import header_period
from .lines import Line
from .outline import Numbering, read_numbering
from .state import (
    _ARROW_ITEM,
    _CODE_LINE,
    _LABELLED,
    _LEGEND,
    _LIST_MARK,
    ReaderState,
)
from .vocabulary import vocabulary

#: ``平成25(基準値)``: a year column of an indicator block, marked with the role of its value.
_YEAR_ROLE = re.compile(r"^(?P<year>.+?)[(（](?P<mark>基準値|現状値|目標値|実績値|策定時|最新値)[)）]$")
_BASELINE_MARKS = ("基準値", "策定時")
_TARGET_MARKS = ("目標値",)


class ListForms(ReaderState):
    """One-line indicators and lists: arrow items, labelled items, ● items with a legend, satisfaction lines, link lists."""

    def year_role_block(self, i: int) -> int | None:
        """``数値目標① 婚姻率 平成25(基準値) 平成27 平成28(現状値) 平成31(目標値) 5.5‰ 5.4‰ 5.0‰ 5.9‰``:
        a block label, the indicator's name, a run of year columns each marked (or not)
        with the role of its value, then one value per column. The column marked 基準値
        (策定時) is the baseline, the one marked 目標値 the target, every other year an
        actual (現状値 is the latest actual). Where the same indicator was already read
        under the same node (a summary list printed before the blocks), the block adds its
        actuals to it instead of making a second row. ``None`` when the lines are not
        such a block. Seen in 効果検証 materials that print one block per 数値目標."""
        from ..text import match_key
        from .build import build
        from .cells import is_year_label

        lines = self.lines
        j = self.next_text(i)
        if j is None or lines[j].is_row:
            return None
        name_ln = lines[j]
        name = name_ln.text
        voc = vocabulary()
        if is_value(name) or voc.column_kind(name) or voc.role_of(name) or not looks_like_name(name):
            return None
        years: list[tuple[Line, str, str | None]] = []
        k = j + 1
        while k < len(lines) and len(years) < 12:
            t = re.sub(r"\s+", "", lines[k].text)
            m = _YEAR_ROLE.match(t)
            ytext = m.group("year") if m else t
            if lines[k].is_row or not is_year_label(ytext):
                break
            years.append((lines[k], ytext, m.group("mark") if m else None))
            k += 1
        marks = [mk for _, _, mk in years]
        if len(years) < 2 or not any(mk in (*_BASELINE_MARKS, *_TARGET_MARKS) for mk in marks):
            return None
        values: list[Line] = []
        while k < len(lines) and len(values) < len(years) and is_value(lines[k].text) and not lines[k].is_row:
            values.append(lines[k])
            k += 1
        node = self.outline.node()
        key = match_key(name)
        same = [ind for n, ind in self.indicators if n is node and match_key(ind.name) == key]
        if not values and len(same) == 1:
            # the block of an indicator read above, its values not printed (the page ends)
            lines[i].kind, lines[i].note = "label", "block label of an indicator block"
            name_ln.kind, name_ln.note = (
                "name",
                f"indicator block without values: {same[0].name} (read above)",
            )
            for ln, _, _ in years:
                ln.kind, ln.note = "header", "indicator block: year column"
            return k
        if len(values) != len(years):
            return None
        rec = Record(name=name, line=name_ln.no, role=self.current_role())
        for (_, ytext, mark), v in zip(years, values, strict=True):
            cell = Cell(v.text, header_period(ytext))
            if mark in _BASELINE_MARKS and rec.baseline is None:
                rec.baseline = cell
            elif mark in _TARGET_MARKS:
                rec.targets.append(cell)
            else:
                rec.actuals.append(cell)
        rec.raw = " ".join(ln.text for ln in lines[i:k])
        lines[i].kind, lines[i].note = "label", "block label of an indicator block"
        name_ln.kind, name_ln.note = "name", "indicator block: name"
        for ln, _, _ in years:
            ln.kind, ln.note = "header", "indicator block: year column"
        for v in values:
            v.kind, v.note = "value", "indicator block: value"
        if len(same) == 1 and len(same[0].series) == 1:
            # the block details an indicator already read: its actuals join the row
            old = same[0].series[0]
            new = build(rec, self.doc, self.warnings).series[0]
            have = {a.year for a in old.actuals}
            old.actuals = sorted(
                [*old.actuals, *(a for a in new.actuals if a.year not in have)], key=lambda a: a.year or 0
            )
            if not old.baseline.raw and new.baseline.raw:
                old.baseline = new.baseline
            if not any(t.raw for t in old.targets) and new.targets:
                old.targets = new.targets
            name_ln.note = f"indicator block: details {same[0].name} (read above)"
            self.last = same[0]
            return k
        self.emit(rec)
        return k

    def satisfaction(self, i: int, name: str, value: str) -> int:
        ln = self.lines[i]
        ln.kind, ln.note = "row", "満足度 item"
        rec = Record(name=name, line=ln.no, role=Role.SATISFACTION, baseline=Cell(value))
        self.emit(rec)
        return i + 1

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
        if any(is_value(p.text) or p.text[:1].isdigit() for p in parts):
            return  # pieces of a value (``014 歳及び 25``), not a caption
        title = join_wrapped("".join(p.text for p in parts))
        if (
            not (4 <= len(title) <= 60)
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
                a, b = header_period(m.group("a")), header_period(m.group("b"))
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
                rec.baseline, seen_value = Cell(val, header_period(p.group("label"))), True
            elif kind == "target" and is_value(val):
                rec.targets.append(Cell(val, header_period(p.group("label"))))
                seen_value = True
            elif kind == "actual" and is_value(val):
                rec.actuals.append(Cell(val, header_period(p.group("label"))))
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
