"""Why an indicator has no grade, in the reader's language: one translation for every adapter.

The engine gives each reason a stable code (:data:`machikpi.core.evaluation.codes.REASON_KEYS`,
``reason_code`` of an evaluation); the public site, the API's display text and the
reports all call :func:`reason_label`. The Japanese sentence is the gettext message id
(the web application's English catalogue in ``web/locale`` translates it); outside a
configured Django (a report built by a script) the Japanese sentence is returned as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core.evaluation.codes import REASON_CODE_OF_TEXT


def _translate(message: str) -> str:
    """gettext when Django is configured, else ``message`` (Japanese) itself."""
    from django.conf import settings

    if not settings.configured:
        return message
    from django.utils.translation import gettext

    return gettext(message)


def _japanese(message: str) -> str:
    return message


def _labels(_: Callable[[str], str]) -> dict[str, str]:
    return {
        "no-actual": _("この年度の実績値がありません"),
        "tallying": _("実績値は集計中です"),
        "no-target": _("目標値がありません"),
        "direction-unknown": _(
            "良くなる方向（増加・減少）が分かりません（基準値も以上・以下の指定もありません）"
        ),
        "keep-side-unknown": _(
            "目標値が基準値と同じで、以上・以下の指定がないため、良くなる方向が分かりません"
        ),
        "no-baseline": _("基準値がありません"),
        "no-baseline-year": _("基準値の年度が分かりません"),
        "cumulative-below-baseline": _(
            "累計の目標値が基準値より小さく、比較できません（基準値が単年度の値の可能性があります）"
        ),
        "no-band": _("評価基準のどの区分にも当てはまりません"),
        "undefined-achievement-rate": _("達成率を計算できません（実績値か目標値が負の数です）"),
        "undefined-progress-rate": _("進捗率を計算できません（目標値が基準値と同じか、基準値がありません）"),
        "undefined-pace": _(
            "目標へのペースを計算できません（良い方向への変化が計画されていないか、評価年度が基準年度以前です）"
        ),
        "undefined-cagr-ratio": _(
            "成長率の比を計算できません（正の基準値・実績値・目標値、計画された変化、基準年度より後の評価年度が必要です）"
        ),
    }


def reason_code(reason: str | None, code: str | None = None) -> str | None:
    """The code of a reason: ``code`` when given, else the code of the English sentence
    ``reason`` (evaluations kept before codes were stored); ``None`` for none or an unknown one."""
    if code:
        return code
    return REASON_CODE_OF_TEXT.get(reason or "")


def reason_label(code: str | None, reason: str | None = None, *, japanese: bool = False) -> str:
    """The reason in the page's language (Japanese first) for the code ``code`` — or, without
    a code, for the English sentence ``reason``; ``""`` when there is none. A reason with no
    known code is shown as given. ``japanese``: always the Japanese sentence (the committee's
    documents are Japanese whatever language the staff page is in)."""
    key = reason_code(reason, code)
    if key is None:
        return reason or ""
    return _labels(_japanese if japanese else _translate).get(key, reason or key)
