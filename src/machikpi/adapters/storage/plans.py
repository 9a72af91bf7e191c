"""Storing an imported :class:`machikpi.core.model.Plan`; importing a document again updates it.

Identity (the rules :func:`store_plan` matches stored rows by):

* plan: the document name ``Plan.doc``;
* node: its *key*, the path from the root of each node's code (``"1"``,
  ``"1-1"``) or, where a node has no code, its title under
  :func:`~machikpi.core.text.match_key` — ``"1 / 1-1 / 地域産業の活性化"``;
  a second sibling with the same key gets ``#2``;
* indicator: node key + ``" :: "`` + match_key(name) (``#2`` for a repeat
  under the same node). An indicator whose key is new but whose name (with
  its groups) matches exactly one stored indicator of the plan that the new
  import does not otherwise match is taken to be that one, moved (its node
  was renumbered or retitled), so its actual values follow it;
* series: the group (``""`` for none) within the indicator.

A stored node, indicator or series the new import does not contain is
never deleted: it is kept with ``present = False`` (and the indicator's
``missing_since`` set) and a warning says so, with the number of actual
values it holds. The printed cells (baseline, targets, printed actuals)
are replaced by the new import's; targets that change are kept first in
the series' target history (:mod:`.revisions`), so that a year before the
revision is evaluated with the targets then in force. Everything runs in one
transaction: a failure leaves the database as it was.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ...core import model as core
from ...core.audit import Finding, PlanPeriod, findings_to_json
from ...core.text import match_key
from . import models as db
from .catalogue import store_extras

#: Keys longer than this are shortened to a prefix plus a hash (a database index has a size limit).
MAX_KEY = 400


@dataclass
class StoreResult:
    """What :func:`store_plan` did: ``created`` is False for an update of a stored plan;
    counts are of indicators; ``warnings`` are storage warnings (not the importer's)."""

    plan_id: int
    doc: str
    created: bool
    indicators_new: int = 0
    indicators_updated: int = 0
    indicators_missing: int = 0
    series: int = 0
    warnings: list[str] = field(default_factory=list)


def _short(key: str) -> str:
    if len(key) <= MAX_KEY:
        return key
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
    return f"{key[: MAX_KEY - 42]}#{digest}"


def node_keys(plan: core.Plan) -> dict[int, str]:
    """The key of every node of ``plan`` (module docstring), by ``id()`` of the node."""
    keys: dict[int, str] = {}

    def visit(nodes: list[core.Node], prefix: str) -> None:
        seen: Counter[str] = Counter()
        for node in nodes:
            part = node.code.strip() if node.code and node.code.strip() else match_key(node.title)
            seen[part] += 1
            if seen[part] > 1:
                part = f"{part}#{seen[part]}"
            key = f"{prefix} / {part}" if prefix else part
            keys[id(node)] = key
            visit(node.children, key)

    visit(plan.nodes, "")
    return keys


def indicator_keys(
    plan: core.Plan, keys: dict[int, str] | None = None
) -> list[tuple[str, core.Node, core.Indicator]]:
    """Every indicator of ``plan`` in document order with its key (module
    docstring) and its node; ``keys`` are the :func:`node_keys` when known."""
    keys = node_keys(plan) if keys is None else keys
    wanted: list[tuple[str, core.Node, core.Indicator]] = []
    seen: Counter[str] = Counter()
    for path, ind in plan.indicators():
        node = path[-1]
        base = f"{keys[id(node)]} :: {match_key(ind.name)}"
        seen[base] += 1
        wanted.append((_short(base if seen[base] == 1 else f"{base}#{seen[base]}"), node, ind))
    return wanted


def _cells(series: db.Series, kind: str, cells: list[core.ValueCell]) -> list[db.Cell]:
    return [
        db.Cell(
            series=series,
            kind=kind,
            position=i,
            raw=c.raw,
            status=str(c.status),
            value=c.value,
            year=c.year,
            year_type=str(c.year_type) if c.year_type else None,
            bound=str(c.bound) if c.bound else None,
            unit=c.unit,
            notes=list(c.notes),
            repairs=list(c.repairs),
        )
        for i, c in enumerate(cells)
    ]


def group_signature(ind: core.Indicator) -> tuple[str, tuple[str, ...]]:
    """The signature of a core indicator for :func:`match_indicators` (name and groups)."""
    return match_key(ind.name), tuple(sorted(match_key(s.group) for s in ind.series))


def store_plan(
    plan: core.Plan,
    *,
    municipality: db.Municipality | None = None,
    at: datetime | None = None,
    who: str = "",
    plan_import_id: int | None = None,
) -> StoreResult:
    """Store ``plan``, or update the stored plan of the same document (module docstring);
    ``municipality`` (when given) becomes its owner, else a stored plan keeps its own.

    A series whose targets change keeps the superseded ones in its history
    (:func:`.revisions.record_revision`), replaced at ``at`` (default now) by
    ``who`` with the import ``plan_import_id`` (the staff review's publication).
    Returns a :class:`StoreResult`. Runs in one transaction; a database error
    propagates after rolling everything back."""
    with transaction.atomic():
        return _store(plan, municipality, at or timezone.now(), who, plan_import_id)


Signature = tuple[str, tuple[str, ...]]


def match_indicators(old: dict[str, Signature], wanted: list[tuple[str, Signature]]) -> dict[str, str]:
    """Which stored indicator each wanted one is (module docstring): ``old`` maps the
    stored indicators' keys to their signatures (match_key of the name, sorted
    group keys), ``wanted`` lists the new keys with theirs. Returns new key → stored
    key: the same key, else the one unmatched stored indicator of the same
    signature when the new import has that signature once among its unmatched (moved)."""
    matched = {k: k for k, _ in wanted if k in old}
    by_signature: dict[Signature, list[str]] = {}
    for key, sig in old.items():
        if key not in matched:
            by_signature.setdefault(sig, []).append(key)
    new_signatures = Counter(sig for key, sig in wanted if key not in matched)
    for key, sig in wanted:
        if key in matched:
            continue
        candidates = by_signature.get(sig, [])
        if len(candidates) == 1 and new_signatures[sig] == 1:
            matched[key] = candidates.pop()
    return matched


def stored_signature(ind: db.Indicator) -> Signature:
    """The signature of a stored indicator (its series prefetched) for :func:`match_indicators`."""
    return match_key(ind.name), tuple(sorted(s.group_key for s in ind.series.all()))


def _store(
    plan: core.Plan, municipality: db.Municipality | None, now: datetime, who: str, plan_import_id: int | None
) -> StoreResult:
    stored, created = db.Plan.objects.select_for_update().get_or_create(
        doc=plan.doc, defaults={"title": plan.title, "layout": plan.layout}
    )
    if not created:
        stored.import_count += 1
    stored.title = plan.title
    stored.layout = plan.layout
    if municipality is not None:
        stored.municipality = municipality
    stored.warnings = [{"line": w.source.line, "message": w.message} for w in plan.warnings]
    stored.save()
    result = StoreResult(plan_id=stored.pk, doc=plan.doc, created=created)

    # Nodes, matched by key.
    keys = node_keys(plan)
    old_nodes = {n.key: n for n in db.Node.objects.filter(plan=stored)}
    kept_nodes: set[int] = set()
    stored_node: dict[int, db.Node] = {}
    for position, (ancestors, node) in enumerate(plan.walk()):
        key = _short(keys[id(node)])
        parent = stored_node[id(ancestors[-1])] if ancestors else None
        row = old_nodes.get(key) or db.Node(plan=stored, key=key)
        row.parent = parent
        row.level = node.level
        row.code = node.code
        row.title = node.title
        row.text = node.text
        row.line = node.source.line if node.source else None
        row.position = position
        row.present = True
        row.save()
        stored_node[id(node)] = row
        kept_nodes.add(row.pk)
    db.Node.objects.filter(plan=stored).exclude(pk__in=kept_nodes).update(present=False)

    # Indicators, matched by key, else by name and groups (moved).
    old_inds = {i.key: i for i in db.Indicator.objects.filter(plan=stored).prefetch_related("series")}
    wanted = indicator_keys(plan, keys)
    pairs = match_indicators(
        {k: stored_signature(i) for k, i in old_inds.items()},
        [(key, group_signature(ind)) for key, _, ind in wanted],
    )
    matched: dict[str, db.Indicator] = {k: old_inds[o] for k, o in pairs.items()}
    for key, _, ind in wanted:
        if key in pairs and pairs[key] != key:
            result.warnings.append(
                f"{plan.doc}: indicator 「{ind.name}」 moved from {pairs[key]!r} to {key!r}; "
                "kept with its actual values"
            )

    kept_inds: set[int] = set()
    for position, (key, node, ind) in enumerate(wanted):
        found = matched.get(key)
        if found is None:
            irow = db.Indicator(plan=stored)
            result.indicators_new += 1
        else:
            irow = found
            result.indicators_updated += 1
        irow.key = key
        irow.node = stored_node[id(node)]
        irow.role = str(ind.role)
        irow.name = ind.name
        irow.raw_name = ind.raw_name
        irow.definition = ind.definition
        irow.unit = ind.unit
        irow.cumulative = ind.cumulative
        irow.notes = list(ind.notes)
        irow.line = ind.source.line if ind.source else None
        irow.uncertain = ind.uncertain
        irow.verdicts = [
            {"value": v.value, "legend": v.legend, "raw": v.raw, "line": v.source.line if v.source else None}
            for v in ind.verdicts
        ]
        irow.position = position
        irow.present = True
        irow.missing_since = None
        irow.save()
        kept_inds.add(irow.pk)
        _store_series(irow, ind, result, _Revision(now, who, plan_import_id, stored.imported_at))

    for gone in db.Indicator.objects.filter(plan=stored, present=True).exclude(pk__in=kept_inds):
        n_actuals = db.ActualValue.objects.filter(series__indicator=gone).count()
        gone.present = False
        gone.missing_since = now
        gone.save(update_fields=["present", "missing_since"])
        gone.series.update(present=False)
        result.indicators_missing += 1
        result.warnings.append(
            f"{plan.doc}: indicator 「{gone.name}」 ({gone.key}) is no longer in the document; "
            f"kept (marked missing) with its {n_actuals} actual value(s)"
        )
    # Opinions: the document's data, replaced.
    db.Opinion.objects.filter(plan=stored).delete()
    db.Opinion.objects.bulk_create(
        db.Opinion(
            plan=stored,
            number=o.number,
            measure=list(o.measure),
            measure_codes=list(o.measure_codes),
            opinion=o.opinion,
            response=o.response,
            reflections=[{"page": r.page, "section": r.section, "quote": r.quote} for r in o.reflections],
            line=o.source.line if o.source is not None else None,
            position=k,
        )
        for k, o in enumerate(plan.opinions)
    )
    # Catalogue concepts, SDG suggestions and cross-cutting plans (kept decisions of a person).
    store_extras(stored, plan.links)
    return result


@dataclass
class _Revision:
    """When, by whom and with which import the stored cells are replaced; ``since``:
    when the plan first came in (the start of targets with no earlier revision)."""

    at: datetime
    who: str
    plan_import_id: int | None
    since: datetime | None


def _store_series(row: db.Indicator, ind: core.Indicator, result: StoreResult, rev: _Revision) -> None:
    from .revisions import record_revision

    old = {s.group_key: s for s in row.series.all()}
    kept: set[int] = set()
    for position, series in enumerate(ind.series):
        group_key = series.group or ""
        s = old.get(group_key) or db.Series(indicator=row, group_key=group_key)
        s.group = series.group
        s.position = position
        s.present = True
        s.save()
        kept.add(s.pk)
        result.series += 1
        if group_key in old:
            record_revision(
                s,
                list(s.cells.filter(kind=db.Cell.TARGET).order_by("position", "id")),
                series.targets,
                at=rev.at,
                who=rev.who,
                plan_import_id=rev.plan_import_id,
                since=rev.since,
            )
        s.cells.all().delete()
        db.Cell.objects.bulk_create(
            _cells(s, db.Cell.BASELINE, [series.baseline])
            + _cells(s, db.Cell.TARGET, series.targets)
            + _cells(s, db.Cell.ACTUAL, series.actuals)
        )
    for gone in row.series.exclude(pk__in=kept).filter(present=True):
        gone.present = False
        gone.save(update_fields=["present"])
        n = gone.actual_values.count()
        result.warnings.append(
            f"{result.doc}: group 「{gone.group}」 of indicator 「{row.name}」 is no longer in the document; "
            f"kept (marked missing) with its {n} actual value(s)"
        )


def store_audit(plan_id: int, findings: list[Finding], period: PlanPeriod | None) -> None:
    """Keep the audit of a plan's last import with the stored plan
    (:func:`machikpi.core.audit.findings_to_json`, the period used, the time);
    the web application's audit page and the reports read it from there."""
    db.Plan.objects.filter(pk=plan_id).update(
        audit_findings=findings_to_json(findings),
        audit_period=f"{period.start}-{period.end}" if period is not None else "",
        audited_at=timezone.now(),
    )


def stored_audit(doc: str) -> tuple[db.Plan, list[dict[str, Any]]]:
    """The stored plan of the document ``doc`` and its stored audit findings
    (JSON dicts, as :func:`machikpi.core.audit.finding_to_json`).

    Raises ``Plan.DoesNotExist`` when no plan of that document is stored."""
    plan = db.Plan.objects.get(doc=doc)
    return plan, list(plan.audit_findings)
