"""The catalogue concepts of a stored plan's indicators, its nodes' SDG goals and its
cross-cutting plans (政策連携プラン), kept at every import (:func:`store_extras`,
called by :func:`.plans.store_plan`).

* Concepts: every present indicator is matched (:func:`machikpi.core.catalogue.match`
  on name, unit, definition); the match is stored with its score and reason, except
  where a person set or confirmed it (that is kept through re-imports).
* SDG goals: suggested per node from its own indicators' concepts and its title and
  text (:func:`machikpi.core.sdgs.suggest`); a goal the planning office confirmed or
  rejected stays so, suggestions no longer made are dropped.
* Cross-cutting plans: one row per :class:`machikpi.core.model.PlanLink`, matched by
  its code (else its title) so that its page keeps its address; its targets are
  replaced, each resolved to the plan's present node of the same code.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from ...core import model as core
from ...core.catalogue import concept as catalogue_concept
from ...core.catalogue import match
from ...core.sdgs import suggest
from ...core.text import match_key
from . import models as db


def store_extras(plan: db.Plan, links: Sequence[core.PlanLink]) -> None:
    """Concepts, SDG suggestions and cross-cutting plans of the stored ``plan`` (module docstring)."""
    concepts = store_concepts(plan)
    store_sdg_suggestions(plan, concepts)
    store_links(plan, links)


def store_concepts(plan: db.Plan) -> dict[int, str]:
    """Match every present indicator of ``plan``; returns the concept id by indicator id
    (``""`` for none) as stored after the import (a person's choice kept)."""
    kept = {c.indicator_id: c for c in db.IndicatorConcept.objects.filter(indicator__plan=plan)}
    out: dict[int, str] = {}
    new: list[db.IndicatorConcept] = []
    changed: list[db.IndicatorConcept] = []
    for ind in db.Indicator.objects.filter(plan=plan, present=True).only("id", "name", "unit", "definition"):
        m = match(ind.name, ind.unit, ind.definition)
        row = kept.get(ind.pk)
        if row is not None and (row.confirmed or row.set_by == db.IndicatorConcept.PERSON):
            out[ind.pk] = row.concept
            continue
        concept, score, why = (m.concept, m.score, m.why) if m else ("", None, "")
        if row is None:
            new.append(db.IndicatorConcept(indicator_id=ind.pk, concept=concept, score=score, why=why))
        elif (row.concept, row.score, row.why) != (concept, score, why):
            row.concept, row.score, row.why = concept, score, why
            changed.append(row)
        out[ind.pk] = concept
    db.IndicatorConcept.objects.bulk_create(new)
    db.IndicatorConcept.objects.bulk_update(changed, ["concept", "score", "why"])
    return out


def store_sdg_suggestions(plan: db.Plan, concepts: dict[int, str]) -> None:
    """Suggest each present node's SDG goals (module docstring)."""
    by_node: dict[int, list[str]] = {}
    for ind_id, node_id in db.Indicator.objects.filter(plan=plan, present=True).values_list("id", "node_id"):
        by_node.setdefault(node_id, []).append(concepts.get(ind_id, ""))
    existing: dict[tuple[int, int], db.NodeSdg] = {
        (s.node_id, s.goal): s for s in db.NodeSdg.objects.filter(node__plan=plan)
    }
    wanted: set[tuple[int, int]] = set()
    new: list[db.NodeSdg] = []
    changed: list[db.NodeSdg] = []
    for node in db.Node.objects.filter(plan=plan, present=True).only("id", "title", "text"):
        for s in suggest(by_node.get(node.pk, []), f"{node.title}\n{node.text}"):
            key = (node.pk, s.goal)
            wanted.add(key)
            row = existing.get(key)
            if row is None:
                new.append(db.NodeSdg(node_id=node.pk, goal=s.goal, score=s.score, why=s.why))
            elif (row.score, row.why) != (s.score, s.why):
                row.score, row.why = s.score, s.why
                changed.append(row)
    db.NodeSdg.objects.bulk_create(new)
    db.NodeSdg.objects.bulk_update(changed, ["score", "why"])
    stale = [s.pk for k, s in existing.items() if k not in wanted and s.state == db.NodeSdg.SUGGESTED]
    db.NodeSdg.objects.filter(pk__in=stale).delete()


def link_key(link: core.PlanLink) -> str:
    """The identity of a cross-cutting plan within its plan: its code, else its normalised title."""
    return (link.source_code or "").strip() or match_key(link.source_title)[:400]


def store_links(plan: db.Plan, links: Sequence[core.PlanLink]) -> None:
    """Store the plan's cross-cutting plans (module docstring)."""
    nodes: dict[str, int] = {}
    for nid, code in (
        db.Node.objects.filter(plan=plan, present=True).order_by("position", "id").values_list("id", "code")
    ):
        if code:
            nodes.setdefault(code.strip(), nid)
    old = {r.key: r for r in db.PlanLinkRow.objects.filter(plan=plan)}
    kept: set[int] = set()
    for position, link in enumerate(links):
        key = link_key(link)
        row = old.get(key) or db.PlanLinkRow(plan=plan, key=key)
        if row.pk in kept:
            continue  # the same code twice: the first one is the link
        row.code = link.source_code
        row.title = link.source_title
        row.text = link.text
        row.line = link.source.line if link.source else None
        row.position = position
        row.present = True
        row.save()
        kept.add(row.pk)
        row.targets.all().delete()
        titles = [*link.target_titles, *[""] * len(link.target_codes)]
        db.PlanLinkTarget.objects.bulk_create(
            db.PlanLinkTarget(link=row, position=k, code=code, title=titles[k], node_id=nodes.get(code))
            for k, code in enumerate(link.target_codes)
        )
    db.PlanLinkRow.objects.filter(plan=plan).exclude(pk__in=kept).update(present=False)


# --- decisions of the planning office ---------------------------------------------------------


def set_concept(indicator_id: int, concept: str, who: str) -> db.IndicatorConcept:
    """A person sets (or confirms) the concept of an indicator; ``""`` says no concept fits.
    Raises ``KeyError`` for an id that is not in the catalogue."""
    if concept:
        catalogue_concept(concept)
    row, _ = db.IndicatorConcept.objects.get_or_create(indicator_id=indicator_id)
    if row.concept != concept:
        row.set_by = db.IndicatorConcept.PERSON
        row.concept = concept
    row.confirmed, row.confirmed_by, row.confirmed_at = True, who, timezone.now()
    row.save()
    return row


def set_node_sdg(node_id: int, goal: int, state: str, who: str) -> db.NodeSdg:
    """A person confirms (``confirmed``) or rejects (``rejected``) SDG goal ``goal`` of a node,
    or adds it (a goal not suggested, confirmed at once)."""
    if not 1 <= goal <= 17 or state not in (db.NodeSdg.CONFIRMED, db.NodeSdg.REJECTED):
        raise ValueError(f"goal {goal} / state {state}")
    row, _ = db.NodeSdg.objects.get_or_create(node_id=node_id, goal=goal)
    row.state, row.decided_by, row.decided_at = state, who, timezone.now()
    row.save()
    return row


def public_goals(node_ids: Sequence[int]) -> dict[int, list[tuple[int, bool]]]:
    """The SDG goals the public sees per node: confirmed ones and suggestions not yet
    reviewed (not rejected), as ``(goal, confirmed)`` in goal order."""
    out: dict[int, list[tuple[int, bool]]] = {}
    for nid, goal, state in (
        db.NodeSdg.objects.filter(node_id__in=list(node_ids))
        .exclude(state=db.NodeSdg.REJECTED)
        .order_by("node_id", "goal")
        .values_list("node_id", "goal", "state")
    ):
        out.setdefault(nid, []).append((goal, state == db.NodeSdg.CONFIRMED))
    return out
