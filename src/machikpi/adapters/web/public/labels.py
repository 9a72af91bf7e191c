"""Words the public pages show for stored codes: years, directions, evaluation reasons, numbers.

The evaluation's reasons are shown through :mod:`machikpi.adapters.reasons`,
the one translation of the reason codes that the reports use too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from ....core.quantities import format_number
from ...reasons import reason_label

if TYPE_CHECKING:
    from ...storage.models import TargetRevision


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


def reason_text(reason: str | None, code: str | None = None) -> str:
    """The evaluation's reason (why it could not be graded) in the page's language
    (:func:`machikpi.adapters.reasons.reason_label`)."""
    return reason_label(code, reason)


def targets_label(cells: list[dict[str, Any]]) -> str:
    """Target cells kept in a target history (spec value cells) in words:
    ``2,097億円（2029年度）、…``; ``—`` for none."""
    parts = []
    for c in cells:
        raw = str(c.get("raw") or "—")
        year = year_label(c.get("year"), c.get("year_type") or "fiscal")
        parts.append(f"{raw}（{year}）" if year else raw)
    return "、".join(parts) or "—"


def revision_period(rev: TargetRevision) -> str:
    """The fiscal years a superseded target was in force: ``2024年度〜2025年度``
    (the revision applies from its ``to_year``); ``〜2025年度`` when its start is unknown."""
    last = rev.to_year - 1
    if rev.from_year is None:
        return _("〜%(end)s") % {"end": year_label(last)}
    if last < rev.from_year:
        return _("%(year)s中に改訂") % {"year": year_label(rev.to_year)}
    if last == rev.from_year:
        return year_label(last)
    return _("%(start)s〜%(end)s") % {"start": year_label(rev.from_year), "end": year_label(last)}


def revision_rows(revisions: list[TargetRevision]) -> list[dict[str, Any]]:
    """The target history of a series as the pages show it, newest revision first."""
    return [
        {
            "rev": r,
            "old": targets_label(r.targets),
            "new": targets_label(r.new_targets),
            "period": revision_period(r),
            "from_year": year_label(r.to_year),
        }
        for r in sorted(revisions, key=lambda r: (r.valid_to, r.pk), reverse=True)
    ]
