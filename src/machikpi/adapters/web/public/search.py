"""Search across plans, nodes and indicators (Japanese text), on SQLite and PostgreSQL alike.

The query is NFKC-normalised (full-width ``ＤＸ`` → ``DX``, half-width
``ｺﾐｭﾆﾃｨ`` → ``コミュニティ``) and split at white space into terms; a hit
contains every term (in any of its searched fields) as a substring
(``icontains``: case-insensitive for Latin letters on both databases).

Stored titles and indicator names are NFKC-normalised already; texts that
keep the document's print (plan titles, node texts, definitions) may still
hold full-width letters and digits, so each term is also looked for in its
full-width form (``DX`` → ``ＤＸ``). Results come in a fixed order — plans,
then nodes, then indicators, each by plan and in document order — and are
paginated with one ``COUNT`` and one slice per kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from ....core.text import nfkc
from ...storage import models as db

#: Results per page.
PAGE_SIZE = 20
#: Terms longer than this are cut (a search box, not a document).
MAX_QUERY = 200

_FULLWIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}


def terms(query: str) -> list[str]:
    """The search terms of ``query``: NFKC, split at white space, at most 10."""
    return nfkc(query[:MAX_QUERY]).split()[:10]


def _variants(term: str) -> set[str]:
    return {term, term.translate(_FULLWIDTH)}


def _match(normalised: list[str], printed: list[str], term: str) -> Q:
    q = Q()
    for f in normalised:  # stored NFKC-normalised: the term as it is
        q |= Q(**{f"{f}__icontains": term})
    for v in _variants(term):  # stored as printed: the term and its full-width form
        for f in printed:
            q |= Q(**{f"{f}__icontains": v})
    return q


def _filter(qs: QuerySet, normalised: list[str], printed: list[str], ts: list[str]) -> QuerySet:
    for t in ts:
        qs = qs.filter(_match(normalised, printed, t))
    return qs


@dataclass(frozen=True)
class Hit:
    """One search result: ``kind`` ``plan``/``node``/``indicator``, the object's
    id, its title, the plan it belongs to and (for nodes and indicators) the node's heading."""

    kind: str
    id: int
    title: str
    plan_id: int
    plan_title: str
    context: str


@dataclass
class Results:
    """One page of results: ``hits``, the ``total`` over all pages, the page
    number (1-based) and the number of pages, and the count per kind."""

    hits: list[Hit]
    total: int
    page: int
    pages: int
    counts: dict[str, int]
    start: int = 1


def search(query: str, page: int = 1, page_size: int = PAGE_SIZE) -> Results:
    """Page ``page`` of the results of ``query`` (module docstring); an empty
    query finds nothing. Pages past the end give the last page."""
    ts = terms(query)
    if not ts:
        return Results([], 0, 1, 1, {"plan": 0, "node": 0, "indicator": 0})
    from .municipality import public_plans

    shown = public_plans()  # the served municipality's plans only (MACHIKPI_MUNICIPALITY)
    plans = _filter(shown, ["doc"], ["title"], ts).order_by("doc", "id")
    nodes = _filter(
        db.Node.objects.filter(present=True, plan__in=shown), ["title"], ["text", "code"], ts
    ).order_by("plan_id", "position", "id")
    indicators = _filter(
        db.Indicator.objects.filter(present=True, plan__in=shown), ["name"], ["raw_name", "definition"], ts
    ).order_by("plan_id", "position", "id")
    counts = {"plan": plans.count(), "node": nodes.count(), "indicator": indicators.count()}
    total = sum(counts.values())
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    start, end = (page - 1) * page_size, page * page_size
    hits: list[Hit] = []
    offset = 0
    for kind, qs in (("plan", plans), ("node", nodes), ("indicator", indicators)):
        n = counts[kind]
        lo, hi = max(start - offset, 0), min(end - offset, n)
        offset += n
        if lo >= hi:
            continue
        if kind == "plan":
            for p in qs[lo:hi]:
                hits.append(Hit("plan", p.pk, p.title or p.doc, p.pk, p.title or p.doc, p.doc))
        elif kind == "node":
            for nd in qs.select_related("plan")[lo:hi]:
                hits.append(Hit("node", nd.pk, str(nd), nd.plan_id, nd.plan.title or nd.plan.doc, nd.level))
        else:
            for ind in qs.select_related("plan", "node")[lo:hi]:
                hits.append(
                    Hit(
                        "indicator",
                        ind.pk,
                        ind.name,
                        ind.plan_id,
                        ind.plan.title or ind.plan.doc,
                        str(ind.node),
                    )
                )
    return Results(hits, total, page, pages, counts, start + 1)
