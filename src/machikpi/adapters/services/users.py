"""Staff logins (roles, departments) and API tokens.

A staff user has one role: ``planning`` (企画政策課), ``department`` (担当課,
with its department) or ``committee`` (外部有識者会議). The password is
stored hashed and checked by Django's password validators
(``AUTH_PASSWORD_VALIDATORS`` of :mod:`machikpi.adapters.web.config`).
``planning`` users get the Django admin with :data:`PLANNING_PERMISSIONS`.

An API token (Django REST framework's ``authtoken``, one per user) lets a
program write actual values through the API as that user, with that user's role.
"""

from __future__ import annotations

from typing import Any

from ...core.errors import MachikpiError

ROLES = ("planning", "department", "committee")
#: Model permissions a planning user gets in the admin (app label, codename).
PLANNING_PERMISSIONS: tuple[tuple[str, str], ...] = tuple(
    (app, f"{verb}_{model}")
    for app, model in (
        ("machikpi", "department"),
        ("machikpi", "staffprofile"),
        ("machikpi", "indicator"),
        ("auth", "user"),
    )
    for verb in ("view", "add", "change")
)


class UserError(MachikpiError):
    """A user that cannot be added as asked (bad password, missing department)."""


def check_password(password: str, name: str = "") -> None:
    """Raise :class:`UserError` with Django's messages when ``password`` fails
    the password validators (module docstring) for the user ``name``. Django
    must be set up."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, get_user_model()(username=name))
    except ValidationError as e:
        raise UserError("パスワードが使えません: " + " ".join(e.messages)) from None


def grant_planning_permissions(user: Any) -> None:
    """Give ``user`` the admin and :data:`PLANNING_PERMISSIONS` (saved)."""
    from django.contrib.auth.models import Permission

    user.is_staff = True
    user.save()
    for app, codename in PLANNING_PERMISSIONS:
        perm = Permission.objects.filter(content_type__app_label=app, codename=codename).first()
        if perm is not None:
            user.user_permissions.add(perm)


def add_user(
    name: str, role: str, password: str, *, department: str | None = None, superuser: bool = False
) -> tuple[Any, bool]:
    """Create or update the staff user ``name`` (module docstring); returns
    ``(user, created)``. Raises :class:`UserError`."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from ..storage import models as db

    if role not in ROLES:
        raise UserError(f"unknown role {role!r} (one of: {', '.join(ROLES)})")
    if role == "department" and not department:
        raise UserError("the department role needs --department NAME")
    if not name.strip():
        raise UserError("the user name is empty")
    check_password(password, name)
    User = get_user_model()
    with transaction.atomic():
        dept = None
        if department:
            dept, _created = db.Department.objects.get_or_create(name=department.strip())
        user = User.objects.filter(username=name).first()
        created = user is None
        if user is None:
            user = User(username=name)
        user.set_password(password)
        user.is_active = True
        if superuser:
            user.is_staff = True
            user.is_superuser = True
        user.save()
        if role == "planning":
            grant_planning_permissions(user)
        db.StaffProfile.objects.update_or_create(user=user, defaults={"role": role, "department": dept})
    return user, created


class TokenError(MachikpiError):
    """No such user, or an inactive one."""


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise TokenError(f"there is no user named {username!r} (staff accounts are made in /admin/)")
    return user


def create_token(username: str, *, new: bool = False) -> tuple[str, bool]:
    """The token key of ``username`` and whether it was made now (Django set up).

    ``new`` replaces an existing token. Raises :class:`TokenError` for an
    unknown or inactive user."""
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    user = _user(username)
    if not user.is_active:
        raise TokenError(f"the user {username!r} is inactive; activate it in /admin/ first")
    with transaction.atomic():
        if new:
            Token.objects.filter(user=user).delete()
        token, created = Token.objects.get_or_create(user=user)
    return token.key, created


def revoke_token(username: str) -> bool:
    """Delete the token of ``username``; ``False`` when it had none. Raises :class:`TokenError`."""
    from rest_framework.authtoken.models import Token

    deleted, _ = Token.objects.filter(user=_user(username)).delete()
    return deleted > 0
