"""The reading pipeline: lines → outline and tables → indicators → plan.

:func:`read` runs the stages of :mod:`machikpi.core.reader` on one document
and keeps each stage's result in a :class:`Reading`, so that a person (or
``machikpi extract --trace``) can see what every line was taken for and
where it went.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Indicator, Node, Plan, PlanLink
from ..source import SourceText
from ..text import collapse_spaces
from .lines import Line, read_lines
from .outline import Outline
from .tables import TableReader

LAYOUT = "general"


@dataclass
class Reading:
    """Every stage's result for one document: the classified ``lines``
    (stage 1, with each line's kind and note filled by the later stages), the
    ``plan`` (stages 2–5)."""

    source: SourceText
    lines: list[Line]
    plan: Plan

    def trace(self) -> list[str]:
        """One line per source line: number, kind, what it went to, the text."""
        out: list[str] = []
        for ln in self.lines:
            if ln.kind == "blank":
                continue
            note = f"  → {ln.note}" if ln.note else ""
            rep = f"  [{'; '.join(ln.repairs)}]" if ln.repairs else ""
            out.append(f"{ln.no:>5} {ln.kind:<9} {ln.text[:70]}{note}{rep}")
        return out


_DOC_WORDS = (
    "総合計画",
    "総合戦略",
    "基本計画",
    "実施計画",
    "計画",
    "戦略",
    "ビジョン",
    "評価",
    "調書",
    "報告",
    "結果",
    "指標",
)


def _title(source: SourceText) -> str:
    """The document's title: the cover lines up to the first that names a kind
    of document (計画, 戦略, 評価 …), joined; else the first short line."""
    lines = [collapse_spaces(t.strip().lstrip("#").strip()) for t in source.lines[:80] if "\t" not in t]
    lines = [t for t in lines if t and not t.isdigit()][:15]
    for k, t in enumerate(lines):
        if any(w in t for w in _DOC_WORDS) and len(t) <= 60 and not re.search("[。、]", t):
            cover = lines[:k]
            if (
                k <= 5
                and len(t) <= 40
                and all(len(c) <= 20 and not any(w in c for w in _DOC_WORDS) for c in cover)
            ):
                return "".join([*cover, t])
            return t
    for t in lines:
        if 2 <= len(t) <= 60 and not re.search("[。、]", t):
            return t
    return source.name


_LEGEND_PAIR = re.compile(
    r"(?:(?P<g1>[A-ES]|[○◎△×])\s*[:：=]\s*(?P<w1>[^\s,、:：]{1,10}))"
    r"|(?:(?P<w2>[^\s,、:：A-Z]{1,10}?)(?P<g2>[A-ES])(?=[,、\s)]|$))"
    r"|(?:(?<![A-Za-z])(?P<g3>[A-ES]|[○◎△×])\s+(?P<w3>[^\s,、:：A-Z]{1,10}))"
)


def _attach_legends(lines: list[Line], indicators: list[Indicator]) -> None:
    """A verdict legend printed anywhere in the document (``順調A,要改善B``,
    ``A:達成 B:概ね達成``) goes to every verdict whose value it explains."""
    verdicts = [v for ind in indicators for v in ind.verdicts]
    if not verdicts:
        return
    values = {v.value for v in verdicts}
    for ln in lines:
        if len(ln.text) > 120:
            continue
        pairs = list(_LEGEND_PAIR.finditer(ln.text))
        grades = {m.group("g1") or m.group("g2") or m.group("g3") for m in pairs}
        if len(pairs) >= 2 and values <= grades:
            for v in verdicts:
                v.legend = ln.text
            return


def _has(node: Node, pred: Callable[[Node], bool]) -> bool:
    return pred(node) or any(_has(c, pred) for c in node.children)


def _compose_codes(nodes: list[Node], chapters: set[int]) -> None:
    """Items numbered ``1.``, ``2.`` … in chapter 5 are ``5-1``, ``5-2`` …: the
    code the document's own cross-references use (政策連携プラン → ``5-1``).
    Items with a level word of their own (基本目標1) keep their number."""
    for n in nodes:
        if id(n) in chapters and n.code and n.code.isdigit():
            for c in n.children:
                if not c.level and c.code and c.code.isdigit():
                    c.code = f"{n.code}-{c.code}"
        _compose_codes(n.children, chapters)


def plan_roots(roots: list[Node]) -> list[Node]:
    """The plan's node tree from the document's outline: chapters (``第N章``,
    ``章``-level nodes) above nodes with a level word (基本目標 …) are parts of
    the document, not of the plan, and give way to their children; a part
    with no indicator and no level-word node anywhere below it (序論, 計画の
    概要) is left out."""
    out: list[Node] = []
    for n in roots:
        has_level = _has(n, lambda x: bool(x.level) and x.level != "章")
        has_ind = _has(n, lambda x: bool(x.indicators))
        root = n
        below_level = any(_has(c, lambda x: bool(x.level)) for c in root.children)
        if not has_ind and (not has_level or n.level == "章" or not below_level):
            continue
        if n.level == "章" and has_level and not n.indicators:
            out.extend(plan_roots(n.children))
        else:
            out.append(n)
    return out


#: A line that ends the text under a cross-plan link's heading (its list of 取組 begins).
_LINK_TEXT_END = re.compile(r"^(推進のための取組|施策大項目|[▶■●◆]|\d+[.．、]\s*\S)")


def _link_texts(lines: list[Line], links: list[PlanLink]) -> None:
    """Fill each link's ``text``: the prose lines after its heading line up to the
    first line of :data:`_LINK_TEXT_END` (the 課題意識 of a 政策連携プラン)."""
    by_no: dict[int, int] = {}
    for k, line in enumerate(lines):
        by_no.setdefault(line.no, k)
    for link in links:
        if link.source is None or link.source.line not in by_no:
            continue
        parts: list[str] = []
        for line in lines[by_no[link.source.line] + 1 :]:
            if line.no == link.source.line or line.kind == "blank" or not line.text:
                continue
            if _LINK_TEXT_END.match(line.text) or line.is_row:
                break
            if re.fullmatch(r"[~～].*[~～]", line.text):
                continue  # the heading's subtitle wrapped onto its own line
            parts.append(line.text)
        link.text = "\n".join(parts)


def read(source: SourceText) -> Reading:
    """Run the stages on ``source``; never raises on odd text (what cannot be
    read becomes a warning)."""
    lines = read_lines(source)
    outline = Outline(source.name)
    tables = TableReader(source.name, lines, outline)
    tables.run()
    plan = Plan(doc=source.name, title=_title(source), layout=LAYOUT)
    orphan: Node | None = None
    for node, ind in tables.indicators:
        if node is None:
            if orphan is None:
                orphan = Node(level="", code=None, title="")
            node = orphan
        node.indicators.append(ind)
    _compose_codes(outline.roots, outline.chapters)
    plan.nodes = [*([orphan] if orphan else []), *plan_roots(outline.roots)]
    plan.links = list(tables.links.values())
    _link_texts(lines, plan.links)
    _attach_legends(lines, [ind for _, ind in tables.indicators])
    plan.warnings = [*outline.warnings, *tables.warnings]
    return Reading(source, lines, plan)
