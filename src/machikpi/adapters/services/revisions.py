"""The changes a revised plan (改訂) makes to the stored plan, shown before it is published.

An upload revises a stored plan when staff chose that plan on upload
(``PlanImport.revises``: a renamed file) or when a plan of the same document
name is stored (:func:`revised_plan`). :func:`revision_diff` compares the
stored plan with what publishing the upload would store — the reading with
the active corrections applied, rebuilt from the import's kept reading
(:func:`plan_from_reading`), so nothing is read again — matching indicators as
:func:`..storage.plans.store_plan` does (:func:`..storage.plans.match_indicators`:
node key + match_key(name), else a moved indicator by name and groups). It lists
the indicators new, removed (they would be marked missing, never deleted, with
their actual values) and changed: name, parent node, unit, a series added or
gone, baseline, targets (compared by what they mean,
:func:`..storage.revisions.targets_changed`). Nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch

from ...core import model as core
from ...core.errors import MachikpiError
from ...core.rows import cell_from_row
from ..storage import models as db
from ..storage.plans import group_signature, indicator_keys, match_indicators, node_keys, stored_signature
from ..storage.revisions import targets_changed

#: What a change is about (``Change.what``); the view gives each its label.
NAME, NODE, UNIT, SERIES_ADDED, SERIES_REMOVED, BASELINE, TARGETS = (
    "name",
    "node",
    "unit",
    "series_added",
    "series_removed",
    "baseline",
    "targets",
)


@dataclass(frozen=True)
class Change:
    """One changed field of an indicator: ``what`` (module constants), the
    series ``group`` (``None`` for none), the stored text and the new one."""

    what: str
    old: str
    new: str
    group: str | None = None


@dataclass
class DiffRow:
    """An indicator of the diff: its name, its node (code and title), its targets in
    words, the actual values stored for it (removed ones) and its changes."""

    key: str
    name: str
    node: str
    targets: str = ""
    actuals: int = 0
    changes: list[Change] = field(default_factory=list)
    old_name: str = ""


@dataclass
class RevisionDiff:
    """What publishing the upload changes in the stored plan ``plan``."""

    plan: db.Plan
    new: list[DiffRow] = field(default_factory=list)
    removed: list[DiffRow] = field(default_factory=list)
    changed: list[DiffRow] = field(default_factory=list)
    unchanged: int = 0
    #: a correction that could not be applied (the diff then shows the reading without corrections)
    error: str = ""

    @property
    def empty(self) -> bool:
        """No indicator is new, removed or changed."""
        return not (self.new or self.removed or self.changed)


def revised_plan(imp: db.PlanImport) -> db.Plan | None:
    """The stored plan the upload would update: the one chosen on upload, else the plan
    of the same document name, else ``None`` (a new plan)."""
    if imp.revises_id is not None:
        return imp.revises
    return db.Plan.objects.filter(doc=imp.name).first()


def _cell(row: Mapping[str, Any] | None) -> core.ValueCell:
    return cell_from_row(dict(row), where="reading") if row else core.empty_cell()


def _indicator(d: Mapping[str, Any]) -> core.Indicator:
    return core.Indicator(
        role=core.Role(d["role"]),
        name=d["name"],
        raw_name=d.get("raw_name") or d["name"],
        unit=d.get("unit"),
        definition=d.get("definition"),
        cumulative=bool(d.get("cumulative")),
        notes=list(d.get("notes") or []),
        uncertain=bool(d.get("uncertain")),
        series=[
            core.Series(
                s.get("group"),
                _cell(s.get("baseline")),
                [_cell(t) for t in s.get("targets") or []],
                [_cell(a) for a in s.get("actuals") or []],
            )
            for s in d.get("series") or []
        ],
    )


def _node(d: Mapping[str, Any]) -> core.Node:
    return core.Node(
        level=d["level"],
        code=d.get("code"),
        title=d["title"],
        text=d.get("text") or "",
        indicators=[_indicator(i) for i in d.get("indicators") or []],
        children=[_node(c) for c in d.get("children") or []],
    )


def plan_from_reading(reading: Mapping[str, Any]) -> core.Plan:
    """The reader's plan rebuilt from its JSON (:func:`..plan_json.plan_to_json`): the
    hierarchy, indicators and their series, enough to give the keys and values
    ``store_plan`` would store (opinions, links and warnings are left out)."""
    return core.Plan(
        doc=reading.get("doc", ""),
        title=reading.get("title") or "",
        layout=reading.get("layout") or "",
        nodes=[_node(n) for n in reading.get("nodes") or []],
    )


def _cells_text(cells: Sequence[Any]) -> str:
    parts = []
    for c in cells:
        raw = str(c.raw or "—")
        parts.append(f"{raw}（{c.year}）" if c.year else raw)
    return "、".join(parts) or "—"


def _node_label(code: str | None, title: str) -> str:
    return f"{code or ''} {title}".strip()


@dataclass
class _Stored:
    ind: db.Indicator
    series: dict[
        str, tuple[db.Series, list[db.Cell], list[db.Cell]]
    ]  # group key → (series, baseline, targets)


def _stored(plan: db.Plan) -> dict[str, _Stored]:
    cells = db.Cell.objects.filter(kind__in=[db.Cell.BASELINE, db.Cell.TARGET]).order_by(
        "kind", "position", "id"
    )
    series = db.Series.objects.order_by("position", "id").prefetch_related(Prefetch("cells", queryset=cells))
    out: dict[str, _Stored] = {}
    for ind in (
        db.Indicator.objects.filter(plan=plan)
        .select_related("node")
        .annotate(n_actuals=Count("series__actual_values"))
        .prefetch_related(Prefetch("series", queryset=series))
    ):
        by_group = {}
        for s in ind.series.all():
            if not s.present:
                continue
            all_cells = list(s.cells.all())
            by_group[s.group_key] = (
                s,
                [c for c in all_cells if c.kind == db.Cell.BASELINE],
                [c for c in all_cells if c.kind == db.Cell.TARGET],
            )
        out[ind.key] = _Stored(ind, by_group)
    return out


def _changes(old: _Stored, ind: core.Indicator, node_label: str) -> list[Change]:
    changes: list[Change] = []
    if old.ind.name != ind.name:
        changes.append(Change(NAME, old.ind.name, ind.name))
    old_node = _node_label(old.ind.node.code, old.ind.node.title)
    if old_node != node_label:
        changes.append(Change(NODE, old_node, node_label))
    if (old.ind.unit or "") != (ind.unit or ""):
        changes.append(Change(UNIT, old.ind.unit or "—", ind.unit or "—"))
    new_groups = {s.group or "": s for s in ind.series}
    for gk, (s, _b, targets) in old.series.items():
        if gk not in new_groups:
            changes.append(Change(SERIES_REMOVED, _cells_text(targets), "—", s.group))
    for gk, series in new_groups.items():
        if gk not in old.series:
            changes.append(Change(SERIES_ADDED, "—", _cells_text(series.targets), series.group))
            continue
        _s, baseline, targets = old.series[gk]
        if targets_changed(baseline[:1], [series.baseline]):
            changes.append(
                Change(BASELINE, _cells_text(baseline[:1]), _cells_text([series.baseline]), series.group)
            )
        if targets_changed(targets, series.targets):
            changes.append(Change(TARGETS, _cells_text(targets), _cells_text(series.targets), series.group))
    return changes


def compare(stored_plan: db.Plan, plan: core.Plan) -> RevisionDiff:
    """What storing ``plan`` over ``stored_plan`` would change (module docstring)."""
    diff = RevisionDiff(stored_plan)
    old = _stored(stored_plan)
    keys = node_keys(plan)
    wanted = indicator_keys(plan, keys)
    pairs = match_indicators(
        {k: stored_signature(s.ind) for k, s in old.items()},
        [(key, group_signature(ind)) for key, _, ind in wanted],
    )
    for key, node, ind in wanted:
        label = _node_label(node.code, node.title)
        targets = "、".join(_cells_text(s.targets) for s in ind.series) or "—"
        found = old.get(pairs[key]) if key in pairs else None
        if found is None or not found.ind.present:  # new, or back in the document
            diff.new.append(DiffRow(key, ind.name, label, targets))
            continue
        changes = _changes(found, ind, label)
        if changes:
            diff.changed.append(
                DiffRow(key, ind.name, label, targets, changes=changes, old_name=found.ind.name)
            )
        else:
            diff.unchanged += 1
    kept = set(pairs.values())
    for key, s in old.items():
        if key in kept or not s.ind.present:
            continue
        targets = "、".join(_cells_text(t) for _s, _b, t in s.series.values()) or "—"
        diff.removed.append(
            DiffRow(
                key,
                s.ind.name,
                _node_label(s.ind.node.code, s.ind.node.title),
                targets,
                actuals=int(getattr(s.ind, "n_actuals", 0)),
            )
        )
    return diff


def revision_diff(imp: db.PlanImport) -> RevisionDiff | None:
    """The changes publishing ``imp`` (with its active corrections) makes to the plan it
    revises; ``None`` when it revises no stored plan (module docstring)."""
    from .imports import active_corrections, apply_corrections

    stored_plan = revised_plan(imp)
    if stored_plan is None:
        return None
    error = ""
    try:
        plan = apply_corrections(
            plan_from_reading(imp.reading), imp.rows, list(active_corrections(imp).values())
        ).plan
    except MachikpiError as e:  # shown; the diff is then of the reading as read
        error = str(e)
        plan = plan_from_reading(imp.reading)
    diff = compare(stored_plan, plan)
    diff.error = error
    return diff
