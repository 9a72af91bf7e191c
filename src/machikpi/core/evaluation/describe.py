"""A rule set described in Japanese words, for readers of the reports and the public site.

:func:`describe_ruleset` turns a parsed :class:`~.ruleset.RuleSet` into
sentences: what each grade means (its bands' conditions and bounds, in the
order the engine tries them), how the measures it grades on are computed
(:mod:`.measures`), when a value counts as 同水準 (the baseline tolerance),
what "cannot grade" means and how grades roll up to a node. Generated from
the rule set itself, so a municipality's own TOML is described as faithfully
as a preset. Pure: no I/O, no Django.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .ruleset import Band, RuleSet

#: The symbol shown for a series that cannot be graded when the rule set names none.
UNGRADED = "−"

#: Japanese names of the measures a rule set can grade on (:data:`.codes.MEASURES`).
MEASURE_NAMES = {
    "achievement_rate": "達成率",
    "progress_rate": "進捗率",
    "pace": "目標へのペース",
    "cagr_ratio": "年平均成長率の比",
}

#: How each measure is computed (:mod:`.measures`), one sentence each.
MEASURE_FORMULAS = {
    "achievement_rate": "達成率 = 実績値 ÷ 目標値（低いほど良い指標は 目標値 ÷ 実績値）。"
    "実績値か目標値が負の数のときは計算しません。",
    "progress_rate": "進捗率 = （実績値 − 基準値） ÷ （目標値 − 基準値）。"
    "基準値から目標値までの計画した変化のうち、どれだけ進んだかを示します。",
    "pace": "目標へのペース = 進捗率 ÷ 経過割合。経過割合は（評価年度 − 基準年度） ÷ "
    "（目標年度 − 基準年度）で、基準値から目標値までを直線で結んだ想定どおりに進んでいれば 100% です。",
    "cagr_ratio": "年平均成長率の比 = 実際の年平均成長率 ÷ 目標達成に必要な年平均成長率"
    "（良い方向が減少の指標は符号を反転）。基準値・実績値・目標値がすべて正の数のときに計算します。",
}

#: The band conditions (:data:`.ruleset.CONDITIONS`) in words.
CONDITION_TEXTS = {
    "target_reached": "目標値に達している",
    "not_target_reached": "目標値に達していない",
    "better_than_baseline": "基準値より良くなっている",
    "unchanged": "基準値と同水準",
    "not_worse_than_baseline": "基準値より悪化していない（改善または同水準）",
    "worse_than_baseline": "基準値より悪化している",
}

#: The roll-up methods (:data:`.ruleset.ROLLUP_METHODS`) in words.
ROLLUP_TEXTS = {
    "mean_points": "目標・施策ごとに、その下の指標の点数の平均を求めます",
    "weighted_mean_points": "目標・施策ごとに、その下の指標の点数の重み付き平均を求めます",
    "share_achieved": "目標・施策ごとに、その下の指標のうち達成（{achieved}）の指標の割合を求めます",
    "worst": "目標・施策ごとに、その下の指標で最も低い評価をその目標・施策の評価とします",
    "mean_measure": "目標・施策ごとに、その下の指標の{measure}の平均を求めます",
}


@dataclass(frozen=True)
class GradeRule:
    """One grade of a rule set: ``grade`` as printed, ``points`` when the bands give
    some, and ``meaning``: its bands in words, joined by 「または」."""

    grade: str
    meaning: str
    points: float | None = None

    @property
    def points_text(self) -> str:
        """:attr:`points` as printed (``3``, ``2.5``), ``—`` for none."""
        return "—" if self.points is None else f"{self.points:g}"


@dataclass(frozen=True)
class RuleSetDescription:
    """A rule set in Japanese sentences (:func:`describe_ruleset`)."""

    name: str
    title: str
    source: str
    grades: list[GradeRule]
    #: the symbol of a series that cannot be graded and when that happens
    ungraded: str
    ungraded_meaning: str
    #: (name, formula) of each measure the rule set uses, the rule set's default first
    measures: list[tuple[str, str]]
    #: the other measures reports show (達成率, 進捗率 when not used), for reference
    shown_measures: list[tuple[str, str]]
    #: the general rules (good direction, target chosen, cumulative indicators, 同水準)
    rules: list[str] = field(default_factory=list)
    #: how grades roll up to a node, "" without a roll-up
    rollup: str = ""


def _pct(x: float) -> str:
    text = f"{x * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _range(band: Band, fmt: Callable[[float], str]) -> str:
    """``a以上b未満`` / ``a以上`` / ``b未満`` of a band, ``""`` for an open band."""
    if band.min is not None and band.max is not None:
        return f"{fmt(band.min)}以上{fmt(band.max)}未満"
    if band.min is not None:
        return f"{fmt(band.min)}以上"
    if band.max is not None:
        return f"{fmt(band.max)}未満"
    return ""


def _bounds(band: Band, measure: str) -> str:
    text = _range(band, _pct)
    return f"{MEASURE_NAMES.get(measure, measure)}が{text}" if text else ""


def band_text(rs: RuleSet, band: Band) -> str:
    """One band's conditions in words (「目標値に達している」, 「達成率が90%以上100%未満」);
    a band without conditions reads 「評価できる指標のうち、ほかの区分に当たらないもの」."""
    parts = [CONDITION_TEXTS.get(w, w) for w in band.when]
    bound = _bounds(band, rs.band_measure(band))
    if bound:
        parts.append(bound)
    return "、かつ".join(parts) if parts else "評価できる指標のうち、ほかの区分に当たらないもの"


def _tolerance(rs: RuleSet) -> str:
    parts = []
    edge = "以内" if rs.unchanged_inclusive else "未満"
    if rs.unchanged_relative > 0:
        parts.append(f"基準値の{_pct(rs.unchanged_relative)}{edge}")
    if rs.unchanged_points > 0:
        points = f"{rs.unchanged_points:g}"
        parts.append(f"単位が%の指標では{points}ポイント{edge}")
    if not parts:
        return "基準値と同じ値のときだけ「同水準」とし、少しでも良ければ改善、悪ければ悪化とします。"
    return (
        "基準値からの悪い方向への変化が、" + "、または".join(parts) + "のときは「同水準」とし、"
        "それを超えて悪くなったときに「悪化」とします。良い方向への変化は少しでも「改善」です。"
    )


def _uses_baseline(rs: RuleSet) -> bool:
    conditions = {w for b in rs.bands for w in b.when}
    return bool(conditions - {"target_reached", "not_target_reached"})


def describe_ruleset(rs: RuleSet) -> RuleSetDescription:
    """``rs`` in Japanese sentences (see the module docstring). Grades are listed in
    the order of :attr:`RuleSet.grades` (best first in every preset); a grade given
    by several bands reads as their texts joined by 「または」."""
    by_grade: dict[str, list[Band]] = {}
    for band in rs.bands:
        by_grade.setdefault(band.grade, []).append(band)
    grades = [
        GradeRule(
            grade=g,
            meaning="、または".join(band_text(rs, b) for b in by_grade[g]),
            points=next((b.points for b in by_grade[g] if b.points is not None), None),
        )
        for g in rs.grades
    ]
    bounded = [rs.band_measure(b) for b in rs.bands if b.min is not None or b.max is not None]
    measures_used = list(dict.fromkeys([rs.measure, *bounded]))
    measures = [(MEASURE_NAMES.get(m, m), MEASURE_FORMULAS.get(m, "")) for m in measures_used]
    shown = [
        (MEASURE_NAMES[m], MEASURE_FORMULAS[m])
        for m in ("achievement_rate", "progress_rate")
        if m not in measures_used
    ]
    rules = [
        "評価の区分を上から順に当てはめ、最初に条件を満たした区分をその指標の評価とします。",
        "良い方向（高いほど良いか、低いほど良いか）は、目標値の「以上」「以内」の指定、"
        "累計の指標かどうか、基準値から目標値への増減の順に判断します。"
        "目標値が基準値と同じで「以上」「以下」の指定もない指標は、良い方向が分からないため評価しません。",
        "目標年度が複数ある指標は、評価年度以後で最も近い目標年度の目標値と比べます"
        "（最後の目標年度を過ぎたら最後の目標値と比べます）。",
        "「目標値に達している」は、良い方向に見て実績値が目標値以上（低いほど良い指標は以下）であることです。",
        "累計の指標は、各年度の実績値をその年度までの累計として扱います。",
        "想定値は、基準年度の基準値から目標年度の目標値までを直線で結んだ線上の、評価年度の値です。",
    ]
    if _uses_baseline(rs):
        rules.insert(4, _tolerance(rs))
    ungraded = rs.cannot_grade or UNGRADED
    ungraded_meaning = (
        "評価できない指標です。評価年度の実績値がない（未入力・集計中）、目標値がない、"
        "良い方向が分からない、評価に必要な基準値や基準年度がない、"
        "または評価の数値が計算できない、どの区分にも当たらない場合です。理由を指標ごとに示します。"
    )
    rollup = ""
    if rs.rollup is not None:
        r = rs.rollup
        rollup = ROLLUP_TEXTS.get(r.method, r.method).format(
            achieved="・".join(r.achieved), measure=MEASURE_NAMES.get(rs.measure, rs.measure)
        )
        if r.bands:
            rollup += "。その値から、" + "、".join(
                f"{b.grade}（{_rollup_bounds(b, r.method)}）" for b in r.bands
            )
            rollup += "とします。"
        else:
            rollup += "。"
    return RuleSetDescription(
        name=rs.name,
        title=rs.title,
        source=rs.source,
        grades=grades,
        ungraded=ungraded,
        ungraded_meaning=ungraded_meaning,
        measures=measures,
        shown_measures=shown,
        rules=rules,
        rollup=rollup,
    )


def _rollup_bounds(band: Band, method: str) -> str:
    as_pct = method in ("share_achieved", "mean_measure")

    def fmt(x: float) -> str:
        return _pct(x) if as_pct else f"{x:g}点"

    return _range(band, fmt) or "それ以外"
