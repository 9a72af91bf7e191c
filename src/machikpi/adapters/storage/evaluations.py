"""Evaluating stored plans for a fiscal year and keeping the result.

Loads the stored series as KPI rows (:mod:`.export`), evaluates them with
the pure core (:mod:`machikpi.core.evaluation`) and writes one
:class:`~.models.Evaluation` per series, year and rule set, replacing an
earlier evaluation of the same key (the actual values it came from are kept
with their history, so an evaluation can always be made again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from ...core.evaluation import RuleSet, evaluate, evaluation_objects, table_from_rows
from . import models as db
from .export import StoredRows, paused_gc, stored_rows

_FIELDS = (
    "direction",
    "actual",
    "target",
    "expected",
    "achievement_rate",
    "progress_rate",
    "grade",
    "points",
    "reason",
    "reason_code",
)


@dataclass
class StoredEvaluation:
    """The evaluated rows (each with its ``evaluation`` object), plan titles and
    ``series_ids[i]``, the stored series of ``rows[i]``."""

    rows: list[dict[str, Any]]
    titles: dict[str, str]
    series_ids: list[int] = field(default_factory=list)


def evaluate_stored(
    year: int, ruleset: RuleSet, *, docs: list[str] | None = None, save: bool = True
) -> StoredEvaluation:
    """Evaluate every stored series for fiscal ``year`` under ``ruleset``.

    With ``save`` the results are written to the database in one
    transaction (an earlier evaluation of the same series, year and rule set
    is replaced). Returns the rows with their ``evaluation`` objects."""
    with paused_gc():  # hundreds of thousands of rows and objects (see paused_gc)
        return _evaluate_stored(year, ruleset, docs, save)


def _evaluate_stored(year: int, ruleset: RuleSet, docs: list[str] | None, save: bool) -> StoredEvaluation:
    # the targets in force in ``year`` (a later revision's replaced ones: storage/revisions.py)
    stored: StoredRows = stored_rows(docs=docs, year=year)
    if not stored.rows:
        return StoredEvaluation([], stored.titles, [])
    evaluations = evaluation_objects(evaluate(table_from_rows(stored.rows, year), ruleset))
    rows = [{**row, "evaluation": ev} for row, ev in zip(stored.rows, evaluations, strict=True)]
    if save:
        objs = [
            db.Evaluation(series_id=sid, year=year, rules=ruleset.name, **{f: ev.get(f) for f in _FIELDS})
            for sid, ev in zip(stored.series_ids, evaluations, strict=True)
        ]
        with transaction.atomic():
            db.Evaluation.objects.bulk_create(
                objs,
                batch_size=2000,
                update_conflicts=True,
                unique_fields=["series", "year", "rules"],
                update_fields=list(_FIELDS),
            )
    return StoredEvaluation(rows, stored.titles, list(stored.series_ids))
