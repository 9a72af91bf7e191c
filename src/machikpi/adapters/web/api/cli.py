"""``machikpi token create|revoke USERNAME [--database URL]``: API tokens of staff users.

A token (Django REST framework's ``authtoken``, one per user) lets a program
write actual values through the API as that user, with that user's role
(``Authorization: Token KEY``; see :mod:`.views`). ``create`` prints the
user's token, making one when the user has none (``--new`` replaces an
existing one, which stops working at once); ``revoke`` deletes it. The user
must exist (the staff accounts are managed in the admin at ``/admin/``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ....core.errors import MachikpiError


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


def cmd_token(args: argparse.Namespace) -> int:
    """Run ``machikpi token create|revoke``: the key on standard output, the rest on standard error."""
    from ...django_settings import setup

    setup(args.database)
    if args.token_command == "create":
        key, created = create_token(args.username, new=args.new)
        print(key)
        what = "new token" if created else "existing token (--new replaces it)"
        print(f"{what} for {args.username}: send it as 'Authorization: Token {key[:4]}…'", file=sys.stderr)
        return 0
    if revoke_token(args.username):
        print(f"token of {args.username} revoked", file=sys.stderr)
    else:
        print(f"{args.username} had no token", file=sys.stderr)
    return 0


def add_parser(sub: Any) -> None:
    """Register ``token`` (with ``create`` and ``revoke``) on the main parser's subparsers."""
    p = sub.add_parser("token", help="API tokens of staff users (writes of actual values through /api/)")
    tokens = p.add_subparsers(dest="token_command", required=True)
    for name, text in (
        ("create", "print the user's API token, making one if needed"),
        ("revoke", "delete the user's API token"),
    ):
        t = tokens.add_parser(name, help=text)
        t.add_argument("username", metavar="USERNAME")
        if name == "create":
            t.add_argument("--new", action="store_true", help="replace an existing token")
        t.add_argument(
            "--database", metavar="URL", help="default: $MACHIKPI_DATABASE_URL, else ./machikpi.db"
        )
        t.set_defaults(func=cmd_token)
