"""Notes and footnotes of the rows above them: labelled notes (指標の考え方), ※ footnotes by headword, number mark or wording."""

from __future__ import annotations

import re

from ..text import match_key, nfkc, remove_spaces
from .lines import Line
from .names import read_name
from .notes import clean_note_text
from .state import (
    ReaderState,
    _mark_number,
    _one_off,
    _similarity,
)
from .vocabulary import vocabulary


class Footnotes(ReaderState):
    """Notes and footnotes of the rows above them: labelled notes (指標の考え方), ※ footnotes by headword, number mark or wording."""

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
        label = self._note_label
        if label and label in vocabulary().definition_labels and self.last.definition is None:
            self.last.definition = note
        elif label and self._note_open and self.last.notes:
            self.last.notes[-1] += note
        elif label:
            self.last.notes.append(note if note.startswith(label) else f"{label}：{note}")
            self._note_open = True
        else:
            self.last.notes.append(note)
