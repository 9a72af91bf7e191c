"""The reading pipeline: lines → outline and tables → indicators → plan.

:func:`read` runs the stages of :mod:`machikpi.core.reader` on one document
and keeps each stage's result in a :class:`Reading`, so that a person (or
``machikpi extract --trace``) can see what every line was taken for and
where it went.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Indicator, Node, Plan
from ..source import SourceText
from ..text import join_wrapped
from .lines import Line, read_lines
from .outline import Outline
from .tables import TableReader

LAYOUT = "general"


@dataclass
class Reading:
    """Every stage's result for one document: the classified ``lines``
    (stage 1, with each line's kind and note filled by the later stages), the
    ``plan`` (stages 2–5) and, per indicator, the node it was filed under."""

    source: SourceText
    lines: list[Line]
    plan: Plan
    placed: list[tuple[Node | None, Indicator]] = field(default_factory=list)

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


def _title(source: SourceText) -> str:
    for line in source.lines[:40]:
        t = join_wrapped(line.strip().lstrip("#").strip())
        if 2 <= len(t) <= 60 and "\t" not in line and not t.isdigit():
            return t
    return source.name


def read(source: SourceText) -> Reading:
    """Run the stages on ``source``; never raises on odd text (what cannot be
    read becomes a warning)."""
    lines = read_lines(source)
    outline = Outline(source.name)
    tables = TableReader(source.name, lines, outline)
    tables.run()
    plan = Plan(doc=source.name, title=_title(source), layout=LAYOUT)
    plan.nodes = outline.roots
    orphan: Node | None = None
    for node, ind in tables.indicators:
        if node is None:
            if orphan is None:
                orphan = Node(level="", code=None, title="")
                plan.nodes.insert(0, orphan)
            node = orphan
        node.indicators.append(ind)
    plan.warnings = [*outline.warnings, *tables.warnings]
    return Reading(source, lines, plan, tables.indicators)
