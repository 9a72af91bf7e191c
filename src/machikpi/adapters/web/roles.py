"""The staff roles and who may enter which values: one rule for the staff
area (:mod:`.staff.permissions`) and the API (:mod:`.api.access`).

Roles (:class:`~machikpi.adapters.storage.models.StaffProfile`):
``planning`` (企画政策課) enters and approves any value; ``department``
(担当課) enters the values of the indicators whose ``Indicator.department``
is its own; ``committee`` (外部有識者会議) reads drafts and enters nothing.
An inactive or anonymous user, or one without a profile, has no role,
except a Django superuser without a profile, who counts as ``planning``
(the administrator who set the system up).
"""

from __future__ import annotations

from typing import Any

from ..storage import models as db

PLANNING = db.StaffProfile.PLANNING
DEPARTMENT = db.StaffProfile.DEPARTMENT
COMMITTEE = db.StaffProfile.COMMITTEE
ALL_ROLES: tuple[str, ...] = (PLANNING, DEPARTMENT, COMMITTEE)


def role_of(user: Any) -> str | None:
    """The machikpi role of ``user`` (a Django user, anonymous user or ``None``), ``None`` for none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    profile = getattr(user, "machikpi_profile", None)
    if profile is not None:
        return str(profile.role)
    return PLANNING if user.is_superuser else None


def department_of(user: Any) -> db.Department | None:
    """The department of ``user``'s profile (``None`` without a profile or department)."""
    profile = getattr(user, "machikpi_profile", None)
    return profile.department if profile is not None else None


def can_enter(user: Any, indicator: db.Indicator) -> bool:
    """Whether ``user`` may enter values of ``indicator`` (planning: any;
    department: its own department's; others: none)."""
    role = role_of(user)
    if role == PLANNING:
        return True
    if role == DEPARTMENT:
        dept = department_of(user)
        return dept is not None and indicator.department_id == dept.pk
    return False
