"""Duplicate indicators within a plan."""

from __future__ import annotations

from collections.abc import Iterator

from ..text import match_key
from .context import AuditContext, Entry
from .findings import Finding, Severity, check


@check(
    "duplicate-indicator",
    Severity.WARNING,
    "重複した指標",
    "Two indicators of one plan have the same normalised name (match_key: NFKC, "
    "no spaces or ・,、) and the same group, under the same or different nodes; "
    "each later one is reported with the place of the first.",
)
def duplicate_indicator(ctx: AuditContext) -> Iterator[Finding]:
    first: dict[tuple[str, str | None], Entry] = {}
    for e in ctx.entries():
        groups = {s.group for s in e.indicator.series} or {None}
        for g in sorted(groups, key=lambda x: x or ""):
            key = (match_key(e.indicator.name), g)
            seen = first.get(key)
            if seen is None:
                first[key] = e
                continue
            where = " / ".join(n.title for n in seen.path) or "(ノードなし)"
            line = seen.indicator.source.line if seen.indicator.source else None
            same = seen.path and e.path and seen.path[-1] is e.path[-1]
            yield ctx.finding(
                "duplicate-indicator",
                e,
                f"同じ指標が{'同じ施策に' if same else ''}重複しています (最初: {where}"
                f"{f', {line}行' if line else ''})",
                series=next((s for s in e.indicator.series if s.group == g), None),
                first_line=line,
                first_node_path=[n.title for n in seen.path],
            )
