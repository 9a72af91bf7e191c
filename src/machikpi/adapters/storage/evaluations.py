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

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.utils import timezone

from ...core.evaluation import RuleSet, evaluate, evaluation_objects, table_from_rows
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
)


class StoredEvaluation:
    """The result of :func:`evaluate_stored`.

    - ``series_ids``: the series evaluated; ``evaluations[i]`` (the spec's
      ``evaluation`` object, :func:`~machikpi.core.evaluation.evaluation_objects`)
      is that of ``series_ids[i]``.
    - ``titles``: document name → plan title of the plans evaluated.
    - ``graded``: how many series got a grade from the rule set's bands (not
      counting the ``cannot_grade`` grade a rule set may give the others).
    - ``seconds``: wall time of each stage (``load``, ``engine``, ``objects``,
      ``save``), in seconds.
    - :attr:`rows`: the KPI rows of the plans, each with its ``evaluation``
      (read from the database on first use).
    """

    def __init__(
        self,
        *,
        series_ids: Sequence[int],
        evaluations: list[dict[str, Any]],
        titles: dict[str, str],
        graded: int,
        docs: list[str] | None = None,
        seconds: dict[str, float] | None = None,
        rows: list[dict[str, Any]] | None = None,
    ) -> None:
        self.series_ids = list(series_ids)
        self.evaluations = evaluations
        self.titles = titles
        self.graded = graded
        self.seconds = seconds or {}
        self._docs = docs
        self._rows = rows

    def __len__(self) -> int:
        return len(self.series_ids)

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The KPI rows (:func:`.export.stored_rows`, published values) of the
        series evaluated, in plan and document order, each with its
        ``evaluation`` object. Read on first use: a row of a series stored
        since the evaluation (none was made for it) is left out."""
        if self._rows is None:
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
    The KPI rows are read only if :attr:`StoredEvaluation.rows` is used."""
    with paused_gc():  # hundreds of thousands of objects (see paused_gc)
        t0 = time.perf_counter()
        stored = stored_table(year, docs=docs)
        t1 = time.perf_counter()
        seconds = {"load": t1 - t0}
        if not len(stored.series_ids):
            return StoredEvaluation(
                series_ids=[], evaluations=[], titles=stored.titles, graded=0, docs=docs, seconds=seconds
            )
        result = evaluate(stored.table, ruleset)
        t2 = time.perf_counter()
        evaluations = evaluation_objects(result)
        t3 = time.perf_counter()
        series_ids = stored.series_ids.tolist()
        if save:
            save_evaluations(series_ids, evaluations, year=year, rules=ruleset.name)
        t4 = time.perf_counter()
        seconds.update(engine=t2 - t1, objects=t3 - t2, save=t4 - t3)
        return StoredEvaluation(
            series_ids=series_ids,
            evaluations=evaluations,
            titles=stored.titles,
            graded=int((result.grade >= 0).sum()),
            docs=docs,
            seconds=seconds,
        )


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
        stored: StoredRows = stored_rows(docs=docs)
        t1 = time.perf_counter()
        if not stored.rows:
            return StoredEvaluation(series_ids=[], evaluations=[], titles=stored.titles, graded=0, rows=[])
        result = evaluate(table_from_rows(stored.rows, year), ruleset)
        t2 = time.perf_counter()
        evaluations = evaluation_objects(result)
        rows = [{**row, "evaluation": ev} for row, ev in zip(stored.rows, evaluations, strict=True)]
        t3 = time.perf_counter()
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
    series_ids: Sequence[int] | npt.NDArray[np.int64],
    evaluations: Sequence[dict[str, Any]],
    *,
    year: int,
    rules: str,
) -> None:
    """Store ``evaluations[i]`` (an ``evaluation`` object) as the
    :class:`~.models.Evaluation` of series ``series_ids[i]``, ``year`` and
    rule set ``rules``, in one transaction, replacing the stored one of the
    same key. ``evaluated_at`` is set on a new record and left as it was on a
    replaced one (as ``bulk_create(update_conflicts=True)`` did).

    On PostgreSQL the records are copied (``COPY``) into a temporary table
    and upserted from it with one ``INSERT … ON CONFLICT DO UPDATE``; on
    SQLite they are upserted with one ``executemany``. Both are several times
    faster than building model objects for ``bulk_create``."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    records = [
        (sid, year, rules, *(ev.get(f) for f in _FIELDS), now)
        for sid, ev in zip(series_ids, evaluations, strict=True)
    ]
    if not records:
        return
    table = connection.ops.quote_name(db.Evaluation._meta.db_table)
    columns = ("series_id", "year", "rules", *_FIELDS, "evaluated_at")
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    updates = ", ".join(
        f"{connection.ops.quote_name(f)} = EXCLUDED.{connection.ops.quote_name(f)}" for f in _FIELDS
    )
    conflict = "ON CONFLICT (series_id, year, rules) DO UPDATE SET " + updates
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TEMPORARY TABLE machikpi_evaluation_load "
                f"(LIKE {table} INCLUDING DEFAULTS EXCLUDING CONSTRAINTS) ON COMMIT DROP"
            )
            cursor.execute("ALTER TABLE machikpi_evaluation_load DROP COLUMN id")
            with cursor.cursor.copy(f"COPY machikpi_evaluation_load ({names}) FROM STDIN") as copy:
                for record in records:
                    copy.write_row(record)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM machikpi_evaluation_load {conflict}"
            )
            cursor.execute("DROP TABLE machikpi_evaluation_load")
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks}) {conflict}", records)
