"""Helpers shared by the staff views: the user, the cycle year, query parameters, the page context."""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from ....core.errors import MachikpiError
from ....core.periods import fiscal_year_of, to_wareki
from ...actual_entry import MIN_YEAR
from ...storage import models as db
from ..params import whole_number
from .permissions import (
    COMMITTEE,
    DEPARTMENT,
    PLANNING,
    department_of,
    role_of,
)

SOURCE_WEB = "web"


def current_user(request: HttpRequest) -> Any:
    """The logged-in user (the views are behind :func:`.permissions.roles`)."""
    return request.user


def username(request: HttpRequest) -> str:
    """The name recorded as ``who`` / ``entered_by`` for the logged-in user."""
    return request.user.get_username()


def latest_fiscal_year() -> int:
    """The fiscal year (年度) of today: values can be entered up to it."""
    return fiscal_year_of(timezone.localdate())


def cycle_year() -> int:
    """The current reporting cycle: the latest year with a stored evaluation or
    an entered actual value; with neither, the fiscal year of today."""
    years = [
        db.Evaluation.objects.aggregate(m=Max("year"))["m"],
        db.ActualValue.objects.aggregate(m=Max("year"))["m"],
    ]
    known = [y for y in years if y is not None]
    return max(known) if known else latest_fiscal_year()


def year_param(request: HttpRequest, default: int) -> int:
    """``?year=`` as an int within [1900, 2200], else ``default``."""
    year = whole_number(request.GET.get("year"))
    if year is not None and MIN_YEAR <= year <= 2200:
        return year
    return default


def int_param(request: HttpRequest, name: str) -> int | None:
    """``?name=`` as a whole number (:func:`~machikpi.adapters.web.params.whole_number`:
    a number too large for an id is clamped, so a filter by it finds nothing), else ``None``."""
    return whole_number(request.GET.get(name))


def wareki(year: int) -> str:
    """``令和6年度(2024年度)``."""
    try:
        return f"{to_wareki(year)}({year}年度)"
    except MachikpiError:
        return f"{year}年度"


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` POST/GET parameter when it is a local URL, else ``fallback``."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return fallback


def refresh_evaluations(keys: set[tuple[int, int]]) -> None:
    """Evaluate again the stored evaluations of ``(plan id, year)`` pairs after
    their published values changed (approval, revert), so that the public
    grades follow the published values. Only years already evaluated for
    the plan are refreshed (a new year is evaluated by ``machikpi report`` or
    the report download), each under every rule set stored for it."""
    from ...rulesets import load_ruleset
    from ...services.evaluation import evaluate_year

    for plan_id, year in sorted(keys):
        rules = set(
            db.Evaluation.objects.filter(series__indicator__plan_id=plan_id, year=year).values_list(
                "rules", flat=True
            )
        )
        doc = db.Plan.objects.filter(pk=plan_id).values_list("doc", flat=True).first()
        if doc is None:
            continue
        for name in sorted(rules):
            try:
                ruleset = load_ruleset(name)
            except (MachikpiError, OSError):
                continue  # a rule-set file the web application does not know
            evaluate_year(year, ruleset, docs=[doc])


def staff_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """What every staff template reads: the role and its flags."""
    role = role_of(request.user)
    dept = department_of(request.user)
    return {
        "role": role,
        "role_label": dict(db.StaffProfile.ROLES).get(role or "", ""),
        "department": dept,
        "is_planning": role == PLANNING,
        "is_department": role == DEPARTMENT,
        "is_committee": role == COMMITTEE,
        **extra,
    }
