"""Walking up a stored plan's node tree: one rule for every reader (export rows,
reports, the web pages, the API, the demo).

:func:`ancestry` works on ids already read (``parent`` maps an id to its
parent's id), :func:`node_chain` on a stored node through its ``parent``
foreign key (one query per level; plans are a few levels deep). Both stop at
an id they do not know and never loop (a cycle cannot be stored by the
importers, but the walk must not hang if one were written by hand).
"""

from __future__ import annotations

from collections.abc import Callable

from . import models as db


def ancestry(node_id: int | None, parent: Callable[[int], int | None]) -> list[int]:
    """``node_id`` and the ids above it, outermost first; ``parent(id)`` gives
    an id's parent id (``None`` at the root). ``[]`` for ``None``. ``parent``
    may raise ``KeyError`` for an unknown id: the walk stops there."""
    out: list[int] = []
    seen: set[int] = set()
    n = node_id
    while n is not None and n not in seen:
        seen.add(n)
        out.append(n)
        try:
            n = parent(n)
        except KeyError:
            break
    out.reverse()
    return out


def node_chain(node: db.Node) -> list[db.Node]:
    """The stored nodes from the root down to ``node`` (itself last)."""
    out: list[db.Node] = []
    seen: set[int] = set()
    n: db.Node | None = node
    while n is not None and n.pk not in seen:
        seen.add(n.pk)
        out.append(n)
        n = n.parent
    out.reverse()
    return out
