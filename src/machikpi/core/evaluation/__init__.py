"""The KPI evaluation engine (pure: no I/O, no Django).

Columns in (:class:`SeriesTable`, built with :func:`make_table`,
:func:`table_from_rows` or :func:`table_from_series`), a declarative
:class:`RuleSet` (:func:`ruleset_from_toml`), columns out
(:func:`evaluate` → :class:`EvaluationResult`), the spec's ``evaluation``
objects (:func:`evaluation_objects`), roll-ups to nodes by the rule set (:func:`rollup`)
and grade counts summed up the node tree (:func:`count_up`).
"""

from .build import table_from_rows, table_from_series
from .engine import EvaluationResult, evaluate
from .output import evaluation_objects
from .rollup import RollupResult, count_up, rollup
from .ruleset import Band, Rollup, RuleSet, RuleSetError, parse_ruleset, ruleset_from_toml
from .table import SeriesTable, TableError, make_table

__all__ = [
    "Band",
    "EvaluationResult",
    "Rollup",
    "RollupResult",
    "RuleSet",
    "RuleSetError",
    "SeriesTable",
    "TableError",
    "count_up",
    "evaluate",
    "evaluation_objects",
    "make_table",
    "parse_ruleset",
    "rollup",
    "ruleset_from_toml",
    "table_from_rows",
    "table_from_series",
]
