"""Evaluating stored plans for a fiscal year and keeping the result.

Reads the stored series straight into the engine's columns
(:func:`.export.stored_table`), evaluates them with the pure core
(:mod:`machikpi.core.evaluation`) and writes one :class:`~.models.Evaluation`
per series, year and rule set in bulk, replacing an earlier evaluation of the
same key (the actual values it came from are kept with their history, so an
evaluation can always be made again). The KPI rows (:func:`.export.stored_rows`)
are read only when asked for (:attr:`StoredEvaluation.rows`), for the report.

:func:`evaluate_stored_rows` is the earlier path through the KPI rows
(``stored_rows`` → ``table_from_rows``), kept as the reference the fast one
is tested against: both store the same evaluations.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.utils import timezone

from ...core.evaluation import EvaluationResult, RuleSet, evaluate, evaluation_objects, table_from_rows
from ...core.evaluation.codes import DIRECTION_NAMES, REASON_KEYS, REASONS
from . import models as db
from .export import StoredRows, paused_gc, stored_rows, stored_table

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
    "direction_note",
)


def with_concepts(rows: list[dict[str, Any]], series_ids: list[int]) -> list[dict[str, Any]]:
    """``rows`` each with the ``concept`` stored for its indicator
    (:class:`~.models.IndicatorConcept`; ``""`` when it has none), so that the
    evaluation takes the concept's usual direction where the plan does not settle it
    (:mod:`machikpi.core.evaluation.build`, catalogue directions)."""
    indicator_of = dict(db.Series.objects.filter(pk__in=series_ids).values_list("id", "indicator_id"))
    concept_of = dict(
        db.IndicatorConcept.objects.filter(indicator_id__in=set(indicator_of.values())).values_list(
            "indicator_id", "concept"
        )
    )
    return [
        {**row, "concept": concept_of.get(indicator_of.get(sid, -1), "")}
        for row, sid in zip(rows, series_ids, strict=True)
    ]


def _fields(ev: dict[str, Any]) -> dict[str, Any]:
    """The stored fields of an ``evaluation`` object (no ``direction_note``: ``""``)."""
    out = {f: ev.get(f) for f in _FIELDS}
    out["direction_note"] = ev.get("direction_note") or ""
    return out


class StoredEvaluation:
    """The result of :func:`evaluate_stored`.

    - ``series_ids``: the series evaluated, in the order of the result.
    - :attr:`evaluations`: ``evaluations[i]`` (the spec's ``evaluation``
      object, :func:`~machikpi.core.evaluation.evaluation_objects`) is that of
      ``series_ids[i]`` (built on first use).
    - ``titles``: document name → plan title of the plans evaluated.
    - ``graded``: how many series got a grade from the rule set's bands (not
      counting the ``cannot_grade`` grade a rule set may give the others).
    - ``seconds``: wall time of each stage (``load``: database → arrays,
      ``engine``, ``objects``: the values to store, ``save``), in seconds.
    - :attr:`rows`: the KPI rows of the plans, each with its ``evaluation``
      (read from the database on first use).
    """

    def __init__(
        self,
        *,
        series_ids: Sequence[int],
        titles: dict[str, str],
        graded: int,
        result: EvaluationResult | None = None,
        evaluations: list[dict[str, Any]] | None = None,
        docs: list[str] | None = None,
        seconds: dict[str, float] | None = None,
        rows: list[dict[str, Any]] | None = None,
    ) -> None:
        self.series_ids = list(series_ids)
        self.titles = titles
        self.graded = graded
        self.seconds = seconds or {}
        self._result = result
        self._evaluations = evaluations
        self._docs = docs
        self._rows = rows

    def __len__(self) -> int:
        return len(self.series_ids)

    @property
    def evaluations(self) -> list[dict[str, Any]]:
        """The ``evaluation`` object of each series of ``series_ids``."""
        if self._evaluations is None:
            self._evaluations = evaluation_objects(self._result) if self._result is not None else []
        return self._evaluations

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The KPI rows (:func:`.export.stored_rows`, published values) of the
        series evaluated, in plan and document order, each with its
        ``evaluation`` object. Read on first use: a row of a series stored
        since the evaluation (none was made for it) is left out."""
        if self._rows is None:
            with paused_gc():
                by_series = dict(zip(self.series_ids, self.evaluations, strict=True))
                stored = stored_rows(docs=self._docs)
                self._rows = [
                    {**row, "evaluation": by_series[sid]}
                    for row, sid in zip(stored.rows, stored.series_ids, strict=True)
                    if sid in by_series
                ]
        return self._rows


def evaluate_stored(
    year: int, ruleset: RuleSet, *, docs: list[str] | None = None, save: bool = True
) -> StoredEvaluation:
    """Evaluate every stored series (of the plans named in ``docs``, default
    all) for fiscal ``year`` under ``ruleset``.

    The published actual values of ``year`` are read straight into the
    engine's columns (:func:`.export.stored_table`). With ``save`` the results
    are written to the database in one transaction (an earlier evaluation of
    the same series, year and rule set is replaced; :func:`save_evaluations`).
    The ``evaluation`` objects and the KPI rows are built only if
    :attr:`StoredEvaluation.evaluations` or :attr:`StoredEvaluation.rows` is used."""
    with paused_gc():  # hundreds of thousands of objects (see paused_gc)
        t0 = time.perf_counter()
        stored = stored_table(year, docs=docs)
        t1 = time.perf_counter()
        seconds = {"load": t1 - t0}
        if not len(stored.series_ids):
            return StoredEvaluation(series_ids=[], titles=stored.titles, graded=0, docs=docs, seconds=seconds)
        result = evaluate(stored.table, ruleset)
        t2 = time.perf_counter()
        series_ids = stored.series_ids.tolist()
        values = evaluation_columns(result) if save else {}
        t3 = time.perf_counter()
        if save:
            save_evaluations(series_ids, values, year=year, rules=ruleset.name)
        t4 = time.perf_counter()
        seconds.update(engine=t2 - t1, objects=t3 - t2, save=t4 - t3)
        return StoredEvaluation(
            series_ids=series_ids,
            result=result,
            titles=stored.titles,
            graded=int((result.grade >= 0).sum()),
            docs=docs,
            seconds=seconds,
        )


def _finite(col: npt.NDArray[np.float64], digits: int | None = None) -> list[float | None]:
    """``col`` as a list, ``None`` for NaN and ±inf, rounded to ``digits`` as
    :func:`~machikpi.core.evaluation.evaluation_objects` rounds (Python's ``round``)."""
    if digits is None:
        return [x if math.isfinite(x) else None for x in col.tolist()]
    return [round(x, digits) if math.isfinite(x) else None for x in col.tolist()]


def evaluation_columns(result: EvaluationResult) -> dict[str, list[Any]]:
    """The stored fields (``direction``, ``actual``, …, ``reason``: those of
    :class:`~.models.Evaluation`) of every row of ``result``, one list of
    ``len(result)`` values per field, without an object per row.

    The same values as the fields of
    :func:`~machikpi.core.evaluation.evaluation_objects` (``None`` for an
    undefined number, rates and ``expected`` rounded to 6 decimals, grade and
    reason strings); an ``int`` there is the equal ``float`` here."""
    rs = result.ruleset
    m = result.measures
    grades = [*rs.grades, rs.cannot_grade]  # index -1: not graded
    return {
        "direction": [DIRECTION_NAMES[d] for d in result.direction.tolist()],
        "actual": _finite(result.actual),
        "target": _finite(result.target),
        "expected": _finite(m.expected, 6),
        "achievement_rate": _finite(m.achievement_rate, 6),
        "progress_rate": _finite(m.progress_rate, 6),
        "grade": [grades[g] for g in result.grade.tolist()],
        "points": _finite(result.points),
        "reason": [REASONS[r] for r in result.reason.tolist()],
        "reason_code": [REASON_KEYS[r] for r in result.reason.tolist()],
        "direction_note": [
            f"方向は指標カタログ ({cid}) による" if from_catalogue else ""
            for from_catalogue, cid in zip(
                result.direction_from_catalogue.tolist(), result.concept.tolist(), strict=True
            )
        ],
    }


def evaluate_stored_rows(
    year: int, ruleset: RuleSet, *, docs: list[str] | None = None, save: bool = True
) -> StoredEvaluation:
    """:func:`evaluate_stored` through the KPI rows: every row of
    :func:`.export.stored_rows` (all published actual values, a dict per
    cell) is built first and the table made from them
    (:func:`~machikpi.core.evaluation.table_from_rows`); saved with
    ``bulk_create``. Slower (about 4 s per 50,000 series); the reference
    :func:`evaluate_stored` is tested against."""
    with paused_gc():
        t0 = time.perf_counter()
        stored: StoredRows = stored_rows(docs=docs, year=year)  # the targets in force in the year
        t1 = time.perf_counter()
        if not stored.rows:
            return StoredEvaluation(series_ids=[], evaluations=[], titles=stored.titles, graded=0, rows=[])
        rows_in = with_concepts(stored.rows, list(stored.series_ids))
        result = evaluate(table_from_rows(rows_in, year, catalogue_directions=True), ruleset)
        t2 = time.perf_counter()
        evaluations = evaluation_objects(result)
        rows = [{**row, "evaluation": ev} for row, ev in zip(stored.rows, evaluations, strict=True)]
        t3 = time.perf_counter()
        if save:
            objs = [
                db.Evaluation(series_id=sid, year=year, rules=ruleset.name, **_fields(ev))
                for sid, ev in zip(stored.series_ids, evaluations, strict=True)
            ]
            with transaction.atomic():
                db.Evaluation.objects.bulk_create(
                    objs,
                    batch_size=2000,
                    update_conflicts=True,
                    unique_fields=["series", "year", "rules"],
                    update_fields=[*_FIELDS, "evaluated_at"],
                )
        t4 = time.perf_counter()
        return StoredEvaluation(
            series_ids=stored.series_ids,
            evaluations=evaluations,
            titles=stored.titles,
            graded=int((result.grade >= 0).sum()),
            docs=docs,
            seconds={"load": t1 - t0, "engine": t2 - t1, "objects": t3 - t2, "save": t4 - t3},
            rows=rows,
        )


def save_evaluations(
    series_ids: Sequence[int],
    values: Mapping[str, Sequence[Any]],
    *,
    year: int,
    rules: str,
) -> None:
    """Store the evaluation of series ``series_ids[i]`` for ``year`` under the
    rule set ``rules``, its fields ``values[field][i]`` (every field of
    :func:`evaluation_columns`), in one transaction, replacing the stored
    evaluation of the same key. ``evaluated_at`` is the time of this call.

    On PostgreSQL the evaluations of the same keys are deleted and the new
    ones copied in (``COPY``), under a lock that makes concurrent saves of
    evaluations wait for one another (readers do not wait); at 174,100 series
    this took about a third of an ``INSERT … ON CONFLICT DO UPDATE``. On
    SQLite they are upserted with one ``executemany``. Both are several times
    faster than building model objects for ``bulk_create``."""
    if not series_ids:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    n = len(series_ids)
    records = list(
        zip(series_ids, [year] * n, [rules] * n, *(values[f] for f in _FIELDS), [now] * n, strict=True)
    )
    q = connection.ops.quote_name
    table = q(db.Evaluation._meta.db_table)
    columns = ("series_id", "year", "rules", *_FIELDS, "evaluated_at")
    names = ", ".join(q(c) for c in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(
                f"DELETE FROM {table} WHERE year = %s AND rules = %s AND series_id = ANY(%s)",
                [year, rules, list(series_ids)],
            )
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for record in records:
                    copy.write_row(record)
        else:
            marks = ", ".join(["%s"] * len(columns))
            updates = ", ".join(f"{q(f)} = excluded.{q(f)}" for f in (*_FIELDS, "evaluated_at"))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks}) "
                f"ON CONFLICT (series_id, year, rules) DO UPDATE SET {updates}",
                records,
            )
