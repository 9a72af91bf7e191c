"""Evaluating a fiscal year of the stored plans and keeping the result.

:func:`evaluate_year` grades every stored series of the chosen plans with
the pure core (:mod:`machikpi.core.evaluation`) and saves one evaluation per
series, year and rule set (:mod:`..storage.evaluations`). The rule set of a
plan is the one of its latest stored evaluation (:func:`plan_rules`), else
:data:`DEFAULT_RULES`.
"""

from __future__ import annotations

from ...core.errors import MachikpiError
from ...core.evaluation import RuleSet
from ..rulesets import DEFAULT_RULES, load_ruleset
from ..storage.evaluations import StoredEvaluation, evaluate_stored
from ..storage.export import latest_actual_year

__all__ = [
    "DEFAULT_RULES",
    "NoActualsError",
    "evaluate_year",
    "evaluation_year",
    "plan_rules",
    "plan_ruleset",
]


class NoActualsError(MachikpiError):
    """There is no actual value to evaluate."""


def evaluation_year(year: int | None) -> int:
    """``year``, else the latest fiscal year with an approved actual value.

    Raises :class:`NoActualsError` when no approved value is stored."""
    found = year or latest_actual_year()
    if found is None:
        raise NoActualsError(
            "承認済みの実績値がありません。先に実績値を取り込んでください（machikpi actuals import）"
        )
    return found


def evaluate_year(
    year: int, ruleset: RuleSet, *, docs: list[str] | None = None, save: bool = True
) -> StoredEvaluation:
    """Evaluate the stored series of the plans ``docs`` (default all) for
    fiscal ``year`` under ``ruleset``; with ``save`` the result is kept,
    replacing an earlier evaluation of the same series, year and rule set."""
    return evaluate_stored(year, ruleset, docs=docs, save=save)


def plan_rules(plan_id: int) -> str:
    """The rule-set name of the plan's latest stored evaluation, else :data:`DEFAULT_RULES`."""
    from ..storage import models as db

    rules = (
        db.Evaluation.objects.filter(series__indicator__plan_id=plan_id)
        .order_by("-year", "-evaluated_at")
        .values_list("rules", flat=True)
        .first()
    )
    return rules or DEFAULT_RULES


def plan_ruleset(plan_id: int) -> RuleSet:
    """The plan's rule set (:func:`plan_rules`); the default one when that name cannot be loaded
    (a rule-set file given to ``machikpi report`` by path is not known to the web application)."""
    try:
        return load_ruleset(plan_rules(plan_id))
    except (MachikpiError, OSError):
        return load_ruleset(DEFAULT_RULES)
