"""Turning an :class:`EvaluationResult` into the spec's ``evaluation`` objects
(``docs/kpi-rows.md``, section *Evaluation*)."""

from __future__ import annotations

import math
from typing import Any

from ..quantities import plain_number
from .codes import DIRECTION_NAMES, REASON_KEYS, REASONS
from .engine import EvaluationResult


def _num(x: float, digits: int | None = None) -> float | int | None:
    if math.isnan(x) or math.isinf(x):
        return None
    if digits is not None:
        x = round(x, digits)
    return plain_number(x)


def evaluation_objects(result: EvaluationResult) -> list[dict[str, Any]]:
    """One ``evaluation`` object per row of ``result``.

    Fields: ``year``, ``rules`` (rule-set name), ``direction``, ``actual``,
    ``target``, ``expected``, ``achievement_rate`` and ``progress_rate``
    (fractions, rounded to 6 decimals), ``grade`` (the rule set's string;
    where it cannot grade, the rule set's ``cannot_grade`` grade or ``None``),
    ``points``, ``reason`` (an English sentence, ``None`` when graded) and
    ``reason_code`` (its stable code, :data:`.codes.REASON_KEYS`, which the
    adapters translate). A row whose good side came
    from the indicator catalogue (the plan did not settle it) has one more field,
    ``direction_note``: ``方向は指標カタログ (<concept id>) による``.
    """
    rs = result.ruleset
    m = result.measures
    cols = zip(
        result.year.tolist(),
        result.direction.tolist(),
        result.actual.tolist(),
        result.target.tolist(),
        m.expected.tolist(),
        m.achievement_rate.tolist(),
        m.progress_rate.tolist(),
        result.grade.tolist(),
        result.points.tolist(),
        result.reason.tolist(),
        result.direction_from_catalogue.tolist(),
        result.concept.tolist(),
        strict=True,
    )
    out: list[dict[str, Any]] = []
    for year, d, actual, target, expected, rate, progress, g, pts, why, from_catalogue, cid in cols:
        obj: dict[str, Any] = {
            "year": int(year),
            "rules": rs.name,
            "direction": DIRECTION_NAMES[d],
            "actual": _num(actual),
            "target": _num(target),
            "expected": _num(expected, 6),
            "achievement_rate": _num(rate, 6),
            "progress_rate": _num(progress, 6),
            "grade": rs.grades[g] if g >= 0 else rs.cannot_grade,
            "points": _num(pts),
            "reason": REASONS[why],
            "reason_code": REASON_KEYS[why],
        }
        if from_catalogue:
            obj["direction_note"] = f"方向は指標カタログ ({cid}) による"
        out.append(obj)
    return out
