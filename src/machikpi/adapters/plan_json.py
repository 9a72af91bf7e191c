"""The whole structured plan as JSON-ready data (``machikpi extract --format json``)."""

from __future__ import annotations

from typing import Any

from ..core.model import Indicator, Node, Plan
from ..core.rows import cell_to_row, opinion_row


def _indicator(ind: Indicator) -> dict[str, Any]:
    return {
        "role": str(ind.role),
        "name": ind.name,
        "raw_name": ind.raw_name,
        "definition": ind.definition,
        "unit": ind.unit,
        "cumulative": ind.cumulative,
        "notes": ind.notes,
        "line": ind.source.line if ind.source else None,
        "uncertain": ind.uncertain,
        "series": [
            {
                "group": s.group,
                "baseline": cell_to_row(s.baseline),
                "targets": [cell_to_row(t) for t in s.targets],
                "actuals": [cell_to_row(a) for a in s.actuals],
                "milestones": [cell_to_row(m) for m in s.milestones],
            }
            for s in ind.series
        ],
        "verdicts": [
            {"value": v.value, "legend": v.legend, "raw": v.raw, "line": v.source.line if v.source else None}
            for v in ind.verdicts
        ],
    }


def _node(node: Node) -> dict[str, Any]:
    return {
        "level": node.level,
        "code": node.code,
        "title": node.title,
        "text": node.text,
        "line": node.source.line if node.source else None,
        "indicators": [_indicator(i) for i in node.indicators],
        "children": [_node(c) for c in node.children],
    }


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """``plan`` as nested dicts: hierarchy, indicators, opinions, cross-plan links, warnings."""
    return {
        "doc": plan.doc,
        "title": plan.title,
        "layout": plan.layout,
        "nodes": [_node(n) for n in plan.nodes],
        "opinions": [opinion_row(plan.doc, o) for o in plan.opinions],
        "links": [
            {
                "source_code": link.source_code,
                "source_title": link.source_title,
                "target_codes": link.target_codes,
                "target_titles": link.target_titles,
                "line": link.source.line if link.source else None,
            }
            for link in plan.links
        ],
        "warnings": [
            {"doc": w.source.doc, "line": w.source.line, "message": w.message} for w in plan.warnings
        ],
    }
