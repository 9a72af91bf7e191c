"""Words the public pages show for stored codes: years, directions, evaluation reasons, numbers.

The evaluation engine stores its reasons in English
(:data:`machikpi.core.evaluation.codes.REASONS`); the site shows them in
Japanese (and, through the catalogue, in English again). A reason this
module does not know is shown as stored.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ....core.quantities import format_number


def year_label(year: int | None, year_type: str | None = "fiscal") -> str:
    """``2019年度`` (fiscal year) or ``2019年`` (calendar year); ``""`` without a year."""
    if year is None:
        return ""
    if year_type == "calendar":
        return _("%(year)s年") % {"year": year}
    return _("%(year)s年度") % {"year": year}


def number_text(value: float | None) -> str:
    """A number as tables print it (``1,563``, ``79.9``, ``△5``); ``—`` for none."""
    return "—" if value is None else format_number(float(value))


def percent_text(rate: float | None) -> str:
    """A rate (1.0 = 100 %) as ``98.5%``; ``—`` for none."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def direction_label(direction: str | None) -> str:
    """What the direction of an indicator means for the reader."""
    return {
        "higher": _("高いほど良い"),
        "lower": _("低いほど良い"),
        "keep": _("維持が目標"),
    }.get(direction or "", _("不明"))


def reason_text(reason: str | None) -> str:
    """The evaluation's reason (why it could not be graded) in the page's language."""
    if not reason:
        return ""
    known = {
        "no actual value for the year": _("この年度の実績値がありません"),
        "the actual value is being tallied (集計中)": _("実績値は集計中です"),
        "no target value": _("目標値がありません"),
        "direction unknown: no baseline, no bound and no override": _(
            "良くなる方向（増加・減少）が分かりません（基準値も以上・以下の指定もありません）"
        ),
        "keep target (target equals baseline) without 以上/以下: which side is good is unknown; "
        "set a direction override": _(
            "目標値が基準値と同じで、以上・以下の指定がないため、良くなる方向が分かりません"
        ),
        "no baseline value": _("基準値がありません"),
        "no baseline year (neither the cell nor the plan gives one)": _("基準値の年度が分かりません"),
        "cumulative target below its baseline: the baseline is probably one year's figure and the target "
        "a sum; set a direction override or correct the baseline": _(
            "累計の目標値が基準値より小さく、比較できません"
        ),
        "no grade band of the rule set matches": _("評価基準のどの区分にも当てはまりません"),
        "achievement rate undefined (negative actual or target)": _(
            "達成率を計算できません（実績値か目標値が負の数です）"
        ),
        "progress rate undefined (the target equals the baseline, or no baseline)": _(
            "進捗率を計算できません（目標値が基準値と同じか、基準値がありません）"
        ),
        "pace undefined (no change planned towards the good side, or the year is not after the baseline year)": _(
            "目標へのペースを計算できません"
        ),
        "growth-rate ratio undefined (needs positive baseline, actual and target, a planned change and a year "
        "after the baseline year)": _("成長率の比を計算できません"),
    }
    return known.get(reason, reason)
