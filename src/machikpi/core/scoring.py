"""Scoring an extraction against reference rows (gold), as the spec defines it.

Source: "Matching and scoring" in ``docs/kpi-rows.md`` and the last
paragraph of ``docs/opinion-rows.md``. A row matches a gold row when
``doc`` is equal and the names (after :func:`~machikpi.core.text.match_key`)
and groups are equal; opinions match by ``doc`` and ``number``. Over matched
rows the listed fields are compared, numbers within 1e-9 relative. Gold rows
flagged ``uncertain`` count for recall but not for field accuracy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .text import match_key

Row = dict[str, Any]


def _num_eq(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return x == y or abs(x - y) <= 1e-9 * max(abs(x), abs(y))


def _target_status(cell: Row | None) -> str:
    s = (cell or {}).get("status")
    return "pending" if s in (None, "", "pending") else str(s)


def _last(path: list[str] | None) -> str:
    return match_key((path or [""])[-1])


def kpi_fields(gold: Row, pred: Row) -> list[tuple[str, bool]]:
    """(field, equal) for every compared field of a matched KPI row."""
    out = [
        ("unit", match_key(gold.get("unit")) == match_key(pred.get("unit"))),
        ("cumulative", bool(gold.get("cumulative")) == bool(pred.get("cumulative"))),
        ("path[-1]", _last(gold.get("path")) == _last(pred.get("path"))),
    ]
    gb, pb = gold.get("baseline") or {}, pred.get("baseline") or {}
    out += [
        ("baseline.status", gb.get("status") == pb.get("status")),
        ("baseline.value", _num_eq(gb.get("value"), pb.get("value"))),
        ("baseline.year", gb.get("year") == pb.get("year")),
    ]
    gts, pts = gold.get("targets") or [], pred.get("targets") or []
    for i, gt in enumerate(gts):
        pt = pts[i] if i < len(pts) else {}
        out += [
            (f"targets[{i}].status", _target_status(gt) == _target_status(pt)),
            (f"targets[{i}].value", _num_eq(gt.get("value"), pt.get("value"))),
            (f"targets[{i}].year", gt.get("year") == pt.get("year")),
            (f"targets[{i}].bound", (gt.get("bound") or None) == (pt.get("bound") or None)),
        ]
    if len(pts) > len(gts):
        out.append(("targets.count", False))
    return out


def opinion_fields(gold: Row, pred: Row) -> list[tuple[str, bool]]:
    """(field, equal) for every compared field of a matched opinion row."""

    def pages(r: Row) -> list[Any]:
        return sorted((x.get("page") or 0) for x in r.get("reflections") or [])

    return [
        ("opinion", match_key(gold.get("opinion")) == match_key(pred.get("opinion"))),
        ("response", match_key(gold.get("response")) == match_key(pred.get("response"))),
        ("measure[-1]", _last(gold.get("measure")) == _last(pred.get("measure"))),
        ("reflections.pages", pages(gold) == pages(pred)),
    ]


def kpi_key(r: Row) -> tuple[Any, ...]:
    """The matching key of a KPI row: normalised name and group."""
    return (match_key(r.get("name")), match_key(r.get("group")))


def opinion_key(r: Row) -> tuple[Any, ...]:
    """The matching key of an opinion row: its printed number."""
    return (r.get("number"),)


@dataclass
class DocScore:
    """Scores of one document: counts, ratios (fractions, 1.0 = all) and misses."""

    gold: int = 0
    pred: int = 0
    matched: int = 0
    fields: int = 0
    equal: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.pred if self.pred else 0.0

    @property
    def accuracy(self) -> float:
        return self.equal / self.fields if self.fields else 0.0

    def summary(self) -> str:
        return (
            f"rows {self.matched}/{self.gold} recall {self.recall:.3f} precision {self.precision:.3f} "
            f"field accuracy {self.accuracy:.3f} ({self.equal}/{self.fields})"
        )


def score_rows(
    kind: str, gold: dict[str, list[Row]], pred: Iterable[Mapping[str, Any]]
) -> dict[str, DocScore]:
    """Score ``pred`` against ``gold`` (document name → its gold rows).

    ``kind`` is ``"kpi"`` or ``"opinions"``. Only documents with gold rows
    are scored. Raises ``ValueError`` for another ``kind``."""
    if kind not in ("kpi", "opinions"):
        raise ValueError(f"kind must be 'kpi' or 'opinions', not {kind!r}")
    key: Callable[[Row], tuple[Any, ...]] = kpi_key if kind == "kpi" else opinion_key
    fields_of = kpi_fields if kind == "kpi" else opinion_fields
    by_doc: dict[str, list[Row]] = {}
    for r in pred:
        by_doc.setdefault(str(r.get("doc", "")).rsplit("/", 1)[-1], []).append(dict(r))
    out: dict[str, DocScore] = {}
    for doc, gold_rows in sorted(gold.items()):
        preds = by_doc.get(doc, [])
        s = DocScore(gold=len(gold_rows), pred=len(preds))
        by_key: dict[tuple[Any, ...], list[Row]] = {}
        for r in preds:
            by_key.setdefault(key(r), []).append(dict(r))
        for g in gold_rows:
            label = " ".join(str(x) for x in (g.get("name") or g.get("number"), g.get("group")) if x)
            cands = by_key.get(key(g))
            if not cands:
                s.misses.append(f"missing row: {label}")
                continue
            p = cands.pop(0)
            s.matched += 1
            if g.get("uncertain"):
                continue
            for name, ok in fields_of(g, p):
                s.fields += 1
                s.equal += ok
                if not ok:
                    s.misses.append(f"{label}: {name}")
        for rest in by_key.values():
            s.misses.extend(f"extra row: {r.get('name') or r.get('number')}" for r in rest)
        out[doc] = s
    return out
