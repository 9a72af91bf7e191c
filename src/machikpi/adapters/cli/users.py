"""``machikpi user add NAME --role planning|department|committee [--department NAME]
[--password-stdin] [--superuser] [--database URL]``: staff logins for a fresh install.

The password is read from standard input with ``--password-stdin`` (one
line; for scripts), else asked twice on the terminal (without a terminal and
without ``--password-stdin`` the command says so and stops); it is stored
hashed (Django's password hashers) and checked by Django's password
validators (``AUTH_PASSWORD_VALIDATORS`` of :mod:`machikpi.adapters.web.config`:
at least 12 characters, not a common password, not like the user name, not
all digits). ``--department`` is needed for the
``department`` role; a department that does not exist yet is created.
``planning`` users get the Django admin (``is_staff``) with the rights to
manage users, staff roles, departments and the owner of each indicator;
``--superuser`` makes a Django superuser (every right in the admin).
Adding a user that exists changes its role, department and password.

``machikpi user list`` prints the staff users with role and department.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from ..services.users import ROLES, UserError, add_user


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline() if sys.stdin is not None else ""
        return line.rstrip("\r\n")
    if sys.stdin is None or not sys.stdin.isatty():
        raise UserError(
            "パスワードを尋ねる端末がありません。スクリプトからは --password-stdin を付け、"
            "パスワードを標準入力の1行で渡してください"
        )
    try:
        first = getpass.getpass(f"password for {args.name}: ")
        second = getpass.getpass("again: ")
    except EOFError:
        raise UserError("パスワードが入力されませんでした") from None
    if first != second:
        raise UserError("the two passwords differ")
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    """Run ``machikpi user add``."""
    from ..django_settings import setup

    password = _read_password(args)
    setup(args.database)
    user, created = add_user(
        args.name, args.role, password, department=args.department, superuser=args.superuser
    )
    what = "added" if created else "updated"
    extra = f", department {args.department}" if args.department else ""
    admin = " (Django admin: superuser)" if args.superuser else (" (Django admin)" if user.is_staff else "")
    print(f"{args.name}: {what}: role {args.role}{extra}{admin}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    """Run ``machikpi user list``."""
    from ..django_settings import setup

    setup(args.database)
    from ..storage import models as db

    for p in db.StaffProfile.objects.select_related("user", "department").order_by("role", "user__username"):
        active = "" if p.user.is_active else " (inactive)"
        print(f"{p.user.get_username()}\t{p.role}\t{p.department.name if p.department else '-'}{active}")
    return 0


def add_parser(sub: Any) -> None:
    """Register ``user add`` and ``user list`` on the main parser's subparsers."""
    p = sub.add_parser("user", help="staff logins of the web application (roles, departments)")
    users = p.add_subparsers(dest="user_command", required=True)
    a = users.add_parser("add", help="add a staff user (or change an existing one)")
    a.add_argument("name", metavar="NAME", help="login name")
    a.add_argument("--role", required=True, choices=ROLES)
    a.add_argument(
        "--department", metavar="NAME", help="the department (担当課); needed for --role department"
    )
    a.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    a.add_argument("--superuser", action="store_true", help="also a Django admin superuser")
    a.add_argument("--database", metavar="URL", help="default: $MACHIKPI_DATABASE_URL, else ./machikpi.db")
    a.set_defaults(func=cmd_user_add)
    ls = users.add_parser("list", help="list the staff users")
    ls.add_argument("--database", metavar="URL", help="default: $MACHIKPI_DATABASE_URL, else ./machikpi.db")
    ls.set_defaults(func=cmd_user_list)
