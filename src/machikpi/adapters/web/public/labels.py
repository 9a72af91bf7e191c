"""Words the public pages show for stored codes: years, directions, evaluation reasons, numbers.

The evaluation's reasons are shown through :mod:`machikpi.adapters.reasons`,
the one translation of the reason codes that the reports use too.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ....core.quantities import format_number
from ...reasons import reason_label


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
