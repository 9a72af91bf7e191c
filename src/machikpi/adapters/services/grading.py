"""Would a new actual value lower the grade? (the entry form's "note required" rule).

Issue 4: a value whose grade falls needs a note. The new value is evaluated
with the core engine (:mod:`machikpi.core.evaluation`) under the plan's
rule set — the rule set of the plan's latest stored evaluation, else the
default ``baseline-band`` — alone: the plan gives only its earliest baseline
year, which the engine takes for an undated baseline. Its grade is compared with the grade of the previous fiscal year:
the stored evaluation of that year under the same rule set, else (nothing
stored) the previous year's published value evaluated the same way.

Which grade is worse: by the bands' points when both grades have points
(fewer is worse), else by the order of the bands (the rule sets list the
best grade first). The "cannot grade" grade (``−``) is never a fall.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from ...core.evaluation import RuleSet, evaluate, evaluation_objects, table_from_rows
from ..storage import models as db
from ..storage.evaluations import with_concepts
from ..storage.load import load_series
from .evaluation import plan_ruleset


@dataclass(frozen=True)
class GradeCheck:
    """The grade of a new value and of the previous year; ``falls`` when the new one is worse.

    ``previous_grade`` is ``None`` when the previous year has no grade;
    ``new_reason`` is the engine's reason when it cannot grade."""

    rules: str
    year: int
    new_grade: str | None
    new_reason: str | None
    previous_year: int
    previous_grade: str | None
    falls: bool


def rank(ruleset: RuleSet, grade: str | None) -> float | None:
    """A number that grows as ``grade`` gets better, ``None`` for no or the cannot-grade grade."""
    if grade is None or grade not in ruleset.grades:
        return None
    points = {b.grade: b.points for b in reversed(ruleset.bands)}
    if all(b.points is not None for b in ruleset.bands):
        p = points[grade]
        return float(p) if p is not None else None
    return float(len(ruleset.grades) - ruleset.grades.index(grade))


def _evaluate(row: dict[str, Any], year: int, ruleset: RuleSet) -> dict[str, Any]:
    table = table_from_rows([row], year, catalogue_directions=True)
    (evaluation,) = evaluation_objects(evaluate(table, ruleset))
    return evaluation


def check_grade(series_id: int, year: int, value: float, raw: str) -> GradeCheck | None:
    """Evaluate ``value`` (entered as ``raw``) as the actual of ``series_id`` for
    fiscal ``year`` and compare its grade with the previous year's (module
    docstring). Only this series is read and evaluated, whatever the size of its
    plan; the plan gives just its earliest baseline year, for an undated baseline
    (the rule of :mod:`machikpi.core.evaluation.build`). ``None`` when the series
    is not evaluated (gone from its document)."""
    loaded = load_series(series_id, year=year)
    if loaded is None:
        return None
    ruleset = plan_ruleset(loaded.plan_id)
    row = with_concepts([cast("dict[str, Any]", dict(loaded.row))], [series_id])[0]
    base = row["baseline"]
    if base.get("year") is None and base.get("value") is not None and loaded.plan_baseline_year is not None:
        row["baseline"] = {**base, "year": loaded.plan_baseline_year}
    cell = {"raw": raw, "status": "value", "value": value, "year": year, "year_type": "fiscal", "bound": None}
    actuals = [a for a in row.get("actuals", []) if a.get("year") != year]
    new_row = {**row, "actuals": sorted([*actuals, cell], key=lambda a: a.get("year") or 0)}
    new = _evaluate(new_row, year, ruleset)

    previous_year = year - 1
    previous = (
        db.Evaluation.objects.filter(series_id=series_id, year=previous_year, rules=ruleset.name)
        .values_list("grade", flat=True)
        .first()
    )
    if previous is None and any(a.get("year") == previous_year for a in row.get("actuals", [])):
        previous = _evaluate(row, previous_year, ruleset)["grade"]
    new_rank, old_rank = rank(ruleset, new["grade"]), rank(ruleset, previous)
    falls = new_rank is not None and old_rank is not None and new_rank < old_rank
    return GradeCheck(
        rules=ruleset.name,
        year=year,
        new_grade=new["grade"],
        new_reason=new["reason"],
        previous_year=previous_year,
        previous_grade=previous,
        falls=falls,
    )
