"""Who may do what through the API: the staff roles of :class:`~machikpi.adapters.storage.models.StaffProfile`
(the rule itself is :mod:`..roles`, shared with the staff area).

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
from ..roles import COMMITTEE, DEPARTMENT, PLANNING, can_enter, department_of, role_of


def staff_role(user: Any) -> tuple[str | None, int | None]:
    """``(role, department id)`` of ``user`` (:func:`..roles.role_of`);
    ``(None, None)`` for anonymous users and users without a staff role."""
    role = role_of(user)
    if role is None:
        return None, None
    dept = department_of(user)
    return role, dept.pk if dept is not None else None


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
        if not can_enter(user, indicator):
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
