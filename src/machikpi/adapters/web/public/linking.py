"""Linking opinions (意見) to the stored plan nodes they are about or were reflected in.

An :class:`~machikpi.adapters.storage.models.Opinion` names plan places by
text only: ``measure`` (the titles of the measure, outermost first) and each
reflection's ``section`` (``Ⅰ強みを活かしたしごとづくり（１）基幹産業の競争力を
強化する＜基本的な方向性＞``). Titles are compared by
:func:`machikpi.core.text.match_key` (NFKC, no white space, no ``・,、，``).

The rule is *never a wrong link*: a text is linked only when it names
exactly one node.

* ``measure``: a node whose title is the last title and whose parents'
  titles are the ones before it, in order (the whole path must match).
  Looked for in the opinion's own plan first; in the other stored plans
  only when exactly one node there matches the whole path.
* a reflection's ``section``: with the ``＜…＞`` sub-headings removed, the
  deepest node whose own title and every ancestor's title occur in the
  section in order, the outermost at its start (after at most a short
  printed number such as ``Ⅰ`` or ``１``). Looked for in the opinion's own
  plan and in the plan its measure was linked to. Two different nodes at
  the same depth → no link.

Anything else is shown as text without a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ....core.text import match_key
from ...storage import models as db
from ...storage.tree import ancestry

#: How many characters a printed number before the outermost title may take (``Ⅰ``, ``１``, ``(1)``, ``第1章``).
MAX_CODE_PREFIX = 4
_SUBHEADINGS = re.compile(r"[＜<][^＞>]*[＞>]")


@dataclass(frozen=True)
class NodeRef:
    """A node linked to: its id, plan and ``code title`` as printed."""

    id: int
    plan_id: int
    heading: str


@dataclass
class OpinionLinks:
    """The links of one opinion: ``measure`` (or ``None``) and one entry per reflection, in order."""

    measure: NodeRef | None = None
    reflections: list[NodeRef | None] = field(default_factory=list)


@dataclass
class _Node:
    id: int
    plan_id: int
    parent_id: int | None
    code: str | None
    title: str
    key: str

    @property
    def heading(self) -> str:
        return f"{self.code or ''} {self.title}".strip()


class _Forest:
    """The present nodes of some plans, with each node's chain of match keys."""

    def __init__(self, rows: Iterable[tuple[int, int, int | None, str | None, str]]) -> None:
        self.nodes: dict[int, _Node] = {
            nid: _Node(nid, plan, parent, code, title, match_key(title))
            for nid, plan, parent, code, title in rows
        }

    def chain(self, nid: int) -> list[_Node]:
        known = nid if nid in self.nodes else None
        return [self.nodes[n] for n in ancestry(known, lambda n: self.nodes[n].parent_id)]

    def by_path(self, keys: list[str], plans: set[int] | None = None) -> list[_Node]:
        """Nodes whose own title is ``keys[-1]`` and whose parents' are ``keys[:-1]``, in order."""
        if not keys or not keys[-1]:
            return []
        found: list[_Node] = []
        for n in self.nodes.values():
            if n.key != keys[-1] or (plans is not None and n.plan_id not in plans):
                continue
            chain = self.chain(n.id)
            if len(chain) >= len(keys) and [c.key for c in chain[-len(keys) :]] == keys:
                found.append(n)
        return found

    def in_section(self, section_key: str, plans: set[int]) -> list[_Node]:
        """The deepest nodes (of ``plans``) named by a section (module docstring)."""
        best: list[_Node] = []
        best_depth = 0
        for n in self.nodes.values():
            if n.plan_id not in plans or not n.key:
                continue
            chain = self.chain(n.id)
            pos = section_key.find(chain[0].key)
            if pos < 0 or pos > MAX_CODE_PREFIX:
                continue
            pos += len(chain[0].key)
            ok = True
            for c in chain[1:]:
                nxt = section_key.find(c.key, pos) if c.key else -1
                if nxt < 0:
                    ok = False
                    break
                pos = nxt + len(c.key)
            if not ok:
                continue
            if len(chain) > best_depth:
                best, best_depth = [n], len(chain)
            elif len(chain) == best_depth:
                best.append(n)
        return best


def _ref(n: _Node) -> NodeRef:
    return NodeRef(n.id, n.plan_id, n.heading)


def section_key(section: str) -> str:
    """The match key of a reflection's section with its ``＜…＞`` sub-headings removed."""
    return match_key(_SUBHEADINGS.sub("", section))


def link_opinions(opinions: list[db.Opinion]) -> dict[int, OpinionLinks]:
    """The links of each opinion (by opinion id), following the module's rules.

    Reads the present nodes of the opinions' own plans (one query) and, for
    measures not found there, the nodes of other plans whose title equals the
    measure's last title, with their ancestors (a few queries)."""
    plan_ids = {o.plan_id for o in opinions}
    forest = _Forest(
        db.Node.objects.filter(plan_id__in=plan_ids, present=True)
        .order_by()
        .values_list("id", "plan_id", "parent_id", "code", "title")
    )
    # measures not found in their own plan: candidates elsewhere by exact last title
    missing_titles: set[str] = set()
    for o in opinions:
        keys = [match_key(t) for t in o.measure or []]
        if keys and not forest.by_path(keys, {o.plan_id}):
            missing_titles.add(str((o.measure or [""])[-1]))
    others: _Forest | None = None
    if missing_titles:
        rows = list(
            db.Node.objects.filter(title__in=missing_titles, present=True, plan__published=True)
            .exclude(plan_id__in=plan_ids)
            .order_by()
            .values_list("id", "plan_id", "parent_id", "code", "title")
        )
        all_rows = {r[0]: r for r in rows}
        parent_ids = {r[2] for r in rows if r[2] is not None} - set(all_rows)
        while parent_ids:
            parents = list(
                db.Node.objects.filter(id__in=parent_ids)
                .order_by()
                .values_list("id", "plan_id", "parent_id", "code", "title")
            )
            for r in parents:
                all_rows[r[0]] = r
            parent_ids = {r[2] for r in parents if r[2] is not None} - set(all_rows)
        others = _Forest(all_rows.values())

    out: dict[int, OpinionLinks] = {}
    for o in opinions:
        links = OpinionLinks()
        keys = [match_key(t) for t in o.measure or []]
        own = forest.by_path(keys, {o.plan_id})
        if len(own) == 1:
            links.measure = _ref(own[0])
        elif not own and others is not None:
            found = others.by_path(keys)
            if len(found) == 1:
                links.measure = _ref(found[0])
                forest.nodes.update(others.nodes)  # the section search below may use that plan
        plans = {o.plan_id} | ({links.measure.plan_id} if links.measure else set())
        for r in o.reflections or []:
            section = str(r.get("section") or "") if isinstance(r, dict) else ""
            key = section_key(section)
            hits = forest.in_section(key, plans) if key else []
            links.reflections.append(_ref(hits[0]) if len(hits) == 1 else None)
        out[o.pk] = links
    return out
