"""Who may do what through the API: the staff roles of :class:`~machikpi.adapters.storage.models.StaffProfile`.

* ``planning`` (企画政策課) writes the actual values of every indicator and
  approves drafts; a Django superuser without a profile counts as planning
  (the administrator who set the system up);
* ``department`` writes the values of the indicators whose
  ``Indicator.department`` is the user's department, and no others (a
  department user without a department writes nothing);
* ``committee`` (外部有識者会議) reads drafts, writes nothing;
* an authenticated user without a profile reads nothing beyond the public
  data and writes nothing.
"""

from __future__ import annotations

from typing import Any

from ...storage import models as db

PLANNING = db.StaffProfile.PLANNING
DEPARTMENT = db.StaffProfile.DEPARTMENT
COMMITTEE = db.StaffProfile.COMMITTEE


def staff_role(user: Any) -> tuple[str | None, int | None]:
    """``(role, department id)`` of ``user`` (a Django user or ``None``);
    ``(None, None)`` for anonymous users and users without a staff profile."""
    if user is None or not user.is_authenticated:
        return None, None
    profile = db.StaffProfile.objects.filter(user_id=user.pk).values_list("role", "department_id").first()
    if profile is not None:
        return profile[0], profile[1]
    if user.is_superuser:
        return PLANNING, None
    return None, None


def may_read_drafts(user: Any) -> bool:
    """Whether ``user`` may read values still in draft (every staff role)."""
    return staff_role(user)[0] in (PLANNING, DEPARTMENT, COMMITTEE)


def write_refusal(user: Any, indicator: db.Indicator) -> str | None:
    """Why ``user`` may not write the actual values of ``indicator``, or ``None`` when it may."""
    role, department_id = staff_role(user)
    if role == PLANNING:
        return None
    if role == DEPARTMENT:
        if department_id is None:
            return "your staff profile names no department; ask the planning office (企画政策課) to set it"
        if indicator.department_id != department_id:
            return (
                f"the indicator 「{indicator.name}」 belongs to another department; "
                "only its own department or the planning office (企画政策課) may enter its values"
            )
        return None
    if role == COMMITTEE:
        return "committee members (外部有識者会議) read values but do not enter them"
    return "you have no staff role (planning, department or committee); ask the planning office"


def approve_refusal(user: Any) -> str | None:
    """Why ``user`` may not approve drafts, or ``None`` (planning users only)."""
    if staff_role(user)[0] == PLANNING:
        return None
    return "only the planning office (企画政策課) approves values"
