"""What a report takes from the database besides the evaluated rows:
the committee's comments of the report year, each plan's stored audit, the
departments, the approved 効果検証, and the SDG goals and 政策連携プラン (issue 14).

They are handed to :func:`.context.build_report` (``comments=``,
``audits=``, ``departments=``, ``reviews=``, ``catalogue=``), so the HTML,
PDF and Excel documents show the same ones.
Needs Django set up (:func:`machikpi.adapters.django_settings.setup`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .context import (
    Catalogue,
    Comment,
    ExternalReviewText,
    LinkTargetText,
    PlanLinkText,
    Reviews,
    ReviewText,
    StoredAudit,
)


def _day(value: datetime | None) -> str:
    """The local (``TIME_ZONE``, Asia/Tokyo) day of a stored time, ``YYYY-MM-DD``; ``""`` for none."""
    from django.utils import timezone

    if value is None:
        return ""
    return (timezone.localtime(value) if timezone.is_aware(value) else value).date().isoformat()


def stored_comments(year: int, docs: Iterable[str] | None = None) -> list[Comment]:
    """The committee comments (:class:`~machikpi.adapters.storage.models.CommitteeComment`)
    of evaluation year ``year`` on nodes of the plans ``docs`` (default all),
    ordered by plan, node position and time of writing. ``node_path`` is the
    titles of the node's ancestors and itself, as in the KPI rows' ``path``."""
    from ..storage import models as db
    from ..storage.tree import ancestry

    wanted = list(docs) if docs is not None else None
    qs = db.CommitteeComment.objects.filter(year=year)
    nodes_qs = db.Node.objects.all()
    if wanted is not None:
        qs = qs.filter(node__plan__doc__in=wanted)
        nodes_qs = nodes_qs.filter(plan__doc__in=wanted)
    found = list(
        qs.order_by("node__plan__doc", "node__position", "created_at", "id").values_list(
            "node_id", "node__plan__doc", "author_name", "text", "updated_at"
        )
    )
    if not found:
        return []
    nodes: dict[int, tuple[int | None, str | None, str]] = {
        nid: (parent, code, title)
        for nid, parent, code, title in nodes_qs.order_by().values_list("id", "parent_id", "code", "title")
    }
    out: list[Comment] = []
    for node_id, doc, author, text, updated in found:
        chain = ancestry(node_id, lambda n: nodes[n][0])
        _, code, title = nodes[node_id]
        out.append(
            Comment(
                doc=doc,
                node_path=tuple(nodes[k][2] for k in chain),
                node_heading=f"{code or ''} {title}".strip(),
                author_name=author,
                text=text,
                date=_day(updated),
            )
        )
    return out


def stored_audits(docs: Iterable[str] | None = None) -> dict[str, StoredAudit]:
    """The stored audit of each plan of ``docs`` (default all) that has one
    (``audited_at`` set: every ``machikpi import`` audits), by document name.
    A plan stored before audits were kept is left out (the report then
    audits its rows, see :func:`.context.build_report`)."""
    from ..storage import models as db

    qs = db.Plan.objects.filter(audited_at__isnull=False)
    if docs is not None:
        qs = qs.filter(doc__in=list(docs))
    return {
        doc: StoredAudit(findings=list(findings or []), period=period or "", audited_at=_day(at))
        for doc, findings, period, at in qs.values_list("doc", "audit_findings", "audit_period", "audited_at")
    }


def stored_departments(docs: Iterable[str] | None = None) -> dict[tuple[str, tuple[str, ...], str], str]:
    """The department (担当課) owning each indicator of the plans ``docs`` (default all)
    that has one, keyed as the KPI rows name an indicator: (document, titles of its
    node and the node's ancestors, indicator name) — for
    :func:`.context.build_report`'s ``departments``."""
    from ..storage import models as db
    from ..storage.tree import ancestry

    qs = db.Indicator.objects.filter(department__isnull=False)
    nodes_qs = db.Node.objects.all()
    if docs is not None:
        wanted = list(docs)
        qs = qs.filter(plan__doc__in=wanted)
        nodes_qs = nodes_qs.filter(plan__doc__in=wanted)
    found = list(qs.order_by().values_list("plan__doc", "node_id", "name", "department__name"))
    if not found:
        return {}
    nodes: dict[int, tuple[int | None, str]] = {
        nid: (parent, title)
        for nid, parent, title in nodes_qs.order_by().values_list("id", "parent_id", "title")
    }
    out: dict[tuple[str, tuple[str, ...], str], str] = {}
    for doc, node_id, name, department in found:
        path = tuple(nodes[k][1] for k in ancestry(node_id, lambda n: nodes[n][0]))
        out[(doc, path, name)] = department
    return out


def stored_reviews(year: int, docs: Iterable[str] | None = None) -> Reviews:
    """The approved 効果検証 of evaluation year ``year`` on the plans ``docs`` (default all):
    each indicator's and measure's approved review by its department
    (:class:`~machikpi.adapters.storage.models.ReviewEntry`; a draft, submitted or returned
    entry shows its last approved content, none if never approved) and the committee's
    approved 外部評価 under the committee's name — for :func:`.context.build_report`'s ``reviews``."""
    from django.db.models import Q

    from ..storage import models as db
    from ..storage.tree import ancestry

    wanted = list(docs) if docs is not None else None
    entries = db.ReviewEntry.objects.filter(year=year, approved_at__isnull=False)
    externals = db.ExternalReview.objects.filter(year=year, approved_at__isnull=False)
    nodes_qs = db.Node.objects.all()
    if wanted is not None:
        entries = entries.filter(Q(indicator__plan__doc__in=wanted) | Q(node__plan__doc__in=wanted))
        externals = externals.filter(node__plan__doc__in=wanted)
        nodes_qs = nodes_qs.filter(plan__doc__in=wanted)
    found = list(
        entries.order_by("id").values_list(
            "indicator__plan__doc",
            "indicator__node_id",
            "indicator__name",
            "node__plan__doc",
            "node_id",
            "approved_results",
            "approved_direction",
            "approved_internal",
        )
    )
    published = list(
        externals.order_by("node__plan__doc", "node__position", "id").values_list(
            "node__plan__doc", "node_id", "committee_name", "approved_text", "approved_at"
        )
    )
    if not found and not published:
        return Reviews()
    nodes: dict[int, tuple[int | None, str | None, str]] = {
        nid: (parent, code, title)
        for nid, parent, code, title in nodes_qs.order_by().values_list("id", "parent_id", "code", "title")
    }

    def path(node_id: int) -> tuple[str, ...]:
        return tuple(nodes[k][2] for k in ancestry(node_id, lambda n: nodes[n][0]))

    indicators: dict[tuple[str, tuple[str, ...], str], ReviewText] = {}
    measures: dict[tuple[str, tuple[str, ...]], ReviewText] = {}
    for ind_doc, ind_node, ind_name, node_doc, node_id, results, direction, internal in found:
        text = ReviewText(results=results, direction=direction, internal=internal)
        if ind_doc is not None and ind_node in nodes:
            indicators[(ind_doc, path(ind_node), ind_name)] = text
        elif node_doc is not None and node_id in nodes:
            measures[(node_doc, path(node_id))] = text
    external = [
        ExternalReviewText(
            doc=doc,
            node_path=path(node_id),
            node_heading=f"{nodes[node_id][1] or ''} {nodes[node_id][2]}".strip(),
            committee_name=name,
            text=text,
            date=_day(at),
        )
        for doc, node_id, name, text, at in published
        if node_id in nodes
    ]
    return Reviews(indicators=indicators, measures=measures, external=external)


def stored_catalogue(docs: Iterable[str] | None = None) -> Catalogue:
    """The SDG goals of the present nodes of the plans ``docs`` (default all) as the public
    sees them (confirmed, or suggested and not yet reviewed; never rejected) and their present
    政策連携プラン with the measures they name — for :func:`.context.build_report`'s
    ``catalogue``. Three queries whatever the size: the goals, the cross-cutting plans joined
    to their targets, and the nodes (for the paths the report keys its sections by)."""
    from ..storage import models as db
    from ..storage.tree import ancestry

    wanted = list(docs) if docs is not None else None
    goals = db.NodeSdg.objects.filter(node__present=True).exclude(state=db.NodeSdg.REJECTED)
    links = db.PlanLinkRow.objects.filter(present=True)
    nodes_qs = db.Node.objects.all()
    if wanted is not None:
        goals = goals.filter(node__plan__doc__in=wanted)
        links = links.filter(plan__doc__in=wanted)
        nodes_qs = nodes_qs.filter(plan__doc__in=wanted)
    found_goals = list(
        goals.order_by("node_id", "goal").values_list("node__plan__doc", "node_id", "goal", "state")
    )
    found_links = list(
        links.order_by("plan__doc", "position", "id", "targets__position", "targets__id").values_list(
            "id",
            "plan__doc",
            "code",
            "title",
            "text",
            "targets__id",
            "targets__code",
            "targets__title",
            "targets__node_id",
        )
    )
    if not found_goals and not found_links:
        return Catalogue()
    nodes: dict[int, tuple[int | None, str]] = {
        nid: (parent, title)
        for nid, parent, title in nodes_qs.order_by().values_list("id", "parent_id", "title")
    }

    def path(node_id: int) -> tuple[str, ...]:
        return tuple(nodes[k][1] for k in ancestry(node_id, lambda n: nodes[n][0]))

    sdgs: dict[tuple[str, tuple[str, ...]], list[tuple[int, bool]]] = {}
    for doc, node_id, goal, state in found_goals:
        if node_id in nodes:
            sdgs.setdefault((doc, path(node_id)), []).append((goal, state == db.NodeSdg.CONFIRMED))
    heads: dict[int, tuple[str, str, str, str]] = {}
    targets: dict[int, list[LinkTargetText]] = {}
    for link_id, doc, code, title, text, target_id, t_code, t_title, t_node in found_links:
        heads.setdefault(link_id, (doc, code or "", title, text))
        bucket = targets.setdefault(link_id, [])
        if target_id is not None:
            node_path = path(t_node) if t_node in nodes else None
            bucket.append(LinkTargetText(t_code or "", t_title or "", node_path))
    return Catalogue(
        sdgs=sdgs,
        links=[
            PlanLinkText(doc=doc, code=code, title=title, text=text, targets=tuple(targets[k]))
            for k, (doc, code, title, text) in heads.items()
        ],
    )
