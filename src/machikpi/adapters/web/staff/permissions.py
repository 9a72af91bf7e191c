"""Who may do what in the staff area (issue 4, part 2); the role rule itself is :mod:`..roles`.

Roles (:class:`~machikpi.adapters.storage.models.StaffProfile`):

* ``planning`` (企画政策課): everything — enters and approves any value,
  reverts any change, comments, downloads reports;
* ``department`` (担当課): enters values (form and upload) only for the
  indicators whose ``Indicator.department`` is the user's department, sees
  their history and reverts their *draft* changes (reverting a draft never
  changes what the public sees; a published value is reverted by planning);
* ``committee`` (外部有識者会議): reads drafts (my updates, approvals list,
  audit) and comments on nodes; downloads reports; enters nothing.

A logged-in user without a profile may do nothing, except a Django
superuser, who counts as ``planning``. A view refused to a logged-in user
answers 403 with a page saying what was refused (:func:`forbidden`; a view
raises :class:`django.core.exceptions.PermissionDenied` with the message);
an anonymous user is sent to the login page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from ...storage import models as db
from ..roles import ALL_ROLES, COMMITTEE, DEPARTMENT, PLANNING, can_enter, department_of, role_of

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def roles(*allowed: str) -> Callable[[View], View]:
    """Decorator: the view needs a login and one of the ``allowed`` roles (else 403)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role_of(request.user) not in allowed:
                return forbidden(request, _("この画面を使う権限がありません。"))
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied as e:
                return forbidden(request, str(e) or _("この操作の権限がありません。"))

        return cast(View, wrapper)

    return decorate


def forbidden(request: HttpRequest, message: str) -> HttpResponseBase:
    """The 403 page of the staff area: what was refused, the user's role, where to go."""
    from django.shortcuts import render

    from ...storage import models as db

    role = role_of(request.user)
    return render(
        request,
        "web/staff/forbidden.html",
        {
            "message": message,
            "role": role,
            "role_label": dict(db.StaffProfile.ROLES).get(role or "", _("役割なし")),
            "is_planning": role == PLANNING,
            "is_department": role == DEPARTMENT,
            "is_committee": role == COMMITTEE,
        },
        status=403,
    )


def check_enter(user: Any, indicator: db.Indicator) -> None:
    """Raise ``PermissionDenied`` unless :func:`can_enter`."""
    if not can_enter(user, indicator):
        raise PermissionDenied(
            _("この指標の実績値を入力する権限がありません(自分の課が担当する指標だけを入力できます)。")
        )


def can_revert(user: Any, change: db.ActualChange) -> bool:
    """Whether ``user`` may revert ``change`` (module docstring): planning any;
    department a change to ``draft`` of its own indicators that is still the
    latest change of its value (nobody approved it since)."""
    role = role_of(user)
    if role == PLANNING:
        return True
    if role != DEPARTMENT or not can_enter(user, change.actual.series.indicator):
        return False
    return (
        change.new_status == db.ActualValue.DRAFT
        and change.action in (db.ActualChange.CREATE, db.ActualChange.UPDATE)
        # approved since: reverting it would take a published value back (planning only)
        and not change.actual.history.filter(id__gt=change.id, action=db.ActualChange.APPROVE).exists()
    )


def series_scope(user: Any) -> dict[str, Any]:
    """Query filter (on ``Series``) of the series a user reports: a department
    user's department's; everything for planning and committee."""
    if role_of(user) == DEPARTMENT:
        dept = department_of(user)
        return {"indicator__department": dept.pk if dept is not None else -1}
    return {}


__all__ = [
    "ALL_ROLES",
    "COMMITTEE",
    "DEPARTMENT",
    "PLANNING",
    "can_enter",
    "can_revert",
    "check_enter",
    "department_of",
    "forbidden",
    "role_of",
    "roles",
    "series_scope",
]
