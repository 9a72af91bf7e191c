"""``machikpi token create|revoke USERNAME [--database URL]``: API tokens of staff users.

A token (Django REST framework's ``authtoken``, one per user) lets a program
write actual values through the API as that user, with that user's role
(``Authorization: Token KEY``; see :mod:`machikpi.adapters.web.api.views`). ``create`` prints the
user's token, making one when the user has none (``--new`` replaces an
existing one, which stops working at once); ``revoke`` deletes it. The user
must exist (the staff accounts are managed in the admin at ``/admin/``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..services.users import create_token, revoke_token


def cmd_token(args: argparse.Namespace) -> int:
    """Run ``machikpi token create|revoke``: the key on standard output, the rest on standard error."""
    from ..django_settings import setup

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
