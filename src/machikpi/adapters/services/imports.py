"""A plan document imported in the staff area: read, reviewed and corrected, then published at once.

1. :func:`create_import` reads the uploaded bytes with the same reader as
   ``machikpi import`` and keeps a :class:`~..storage.models.PlanImport`:
   the file, the reading (plan JSON), the flat review list of nodes and
   indicators (:func:`review_rows`, each indicator with its key — the key
   ``store_plan`` gives it — and the source line it came from, with page where
   the PDF gave one) and the warnings. Nothing of it is public.
   The active corrections of the last published import of the same file name
   are carried over where the reader gives the row's field unchanged (the
   same reader value); the others are listed as not carried (``not_carried``).
2. :func:`correct` records a :class:`~..storage.models.Correction` (the
   reader's value and the person's; setting the reader's value again takes
   the correction back); :func:`revert` takes one back. Corrections are
   never deleted.
3. :func:`publish` reads the file again, applies the active corrections
   (:func:`apply_corrections`), stores the plan through ``store_plan`` with
   its audit, sets the departments and directions set in the review, marks
   the plan published and records a :class:`~..storage.models.PlanChange`
   naming every correction — in one transaction: any error stores nothing.
   Targets the publication changes are kept in the series' target history
   (``store_plan``; the evaluation of a year before the revision uses them).

An upload that revises a stored plan (改訂: the same document name, or the
plan chosen on upload, ``revises``) shows what it changes before it is
published (:mod:`.revisions`); publishing it updates that plan.

The plan administration (:func:`rename_plan`, :func:`set_period`,
:func:`set_published`, :func:`assign_departments`) records a ``PlanChange`` too.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ...core import model as core
from ...core.errors import MachikpiError, QuantityError
from ...core.quantities import read_cell
from ...core.reader import read_plan
from ...core.source import SourceText
from ...core.text import match_key
from ..plan_json import plan_to_json
from ..storage import models as db
from ..textfiles import source_from_bytes

#: Fields of an indicator row a person can correct (beside the per-series cells), with their labels.
ROW_FIELDS = {
    "name": "指標名",
    "unit": "単位",
    "cumulative": "累計",
    "direction": "良い方向",
    "node": "上位の項目",
    "department": "担当課",
    "deleted": "削除（誤って読み取った行）",
    "added": "追加（読み取られなかった行）",
}
#: Fields of the plan itself (key ``""``).
PLAN_FIELDS = {
    "title": "表題",
    "municipality": "自治体名",
    "period_start": "計画期間（開始）",
    "period_end": "計画期間（終了）",
}
DIRECTION_VALUES = ("", "higher", "lower", "keep")
#: A warning belongs to the indicator printed at most this many lines above it.
WARNING_REACH = 3


class CorrectionError(MachikpiError):
    """A correction that cannot be recorded (a value that is not a value, an unknown node …)."""


class PublishError(MachikpiError):
    """Publishing failed; nothing was stored."""


def field_label(field: str) -> str:
    """The Japanese label of a correction field (``s1.t2`` → ``系列1 目標値2``)."""
    if field in ROW_FIELDS:
        return ROW_FIELDS[field]
    if field in PLAN_FIELDS:
        return PLAN_FIELDS[field]
    series, _, cell = field.partition(".")
    if series.startswith("s") and cell:
        n = int(series[1:]) + 1
        if cell == "baseline":
            return f"系列{n} 基準値"
        if cell == "baseline_year":
            return f"系列{n} 基準値の年度"
        if cell.startswith("t"):
            j, _, year = cell[1:].partition("_")
            return f"系列{n} 目標値{int(j) + 1}" + ("の年度" if year else "")
    return field


# --- reading ----------------------------------------------------------------------------------


def read_document(data: bytes, name: str) -> tuple[core.Plan, SourceText]:
    """The reader's plan of the document ``data`` (a PDF or text) named ``name``, and its source."""
    source = source_from_bytes(data, name=name)
    return read_plan(source), source


def _period(plan: core.Plan, source: SourceText) -> tuple[int | None, int | None]:
    from ...core.audit.period import infer_period, period_from_text

    period = period_from_text(source.lines) or infer_period(plan)
    return (period.start, period.end) if period is not None else (None, None)


def _cell_row(c: core.ValueCell) -> dict[str, Any]:
    return {"raw": c.raw, "year": c.year}


def review_rows(plan: core.Plan, source: SourceText) -> dict[str, Any]:
    """The flat review list of ``plan`` (module docstring): ``plan`` (title,
    period), ``nodes`` (key, level, code, title, depth, line) and
    ``indicators`` (key, node key, fields, series cells, source line, page,
    uncertain, warnings), in document order; and ``lines`` the source lines
    they point at (``{"n": [text, page]}``)."""
    from ..storage.plans import indicator_keys, node_keys

    keys = node_keys(plan)
    nodes = [
        {
            "key": keys[id(node)],
            "level": node.level,
            "code": node.code,
            "title": node.title,
            "depth": len(ancestors),
            "line": node.source.line if node.source else None,
        }
        for ancestors, node in plan.walk()
    ]
    warnings = sorted(plan.warnings, key=lambda w: w.source.line)
    indicators: list[dict[str, Any]] = []
    for key, node, ind in indicator_keys(plan, keys):
        line = ind.source.line if ind.source else None
        pos = source.position(line) if line else None
        indicators.append(
            {
                "key": key,
                "node": keys[id(node)],
                "role": str(ind.role),
                "name": ind.name,
                "unit": ind.unit or "",
                "cumulative": ind.cumulative,
                "line": line,
                "page": pos.page if pos else None,
                "uncertain": ind.uncertain,
                "warnings": [],
                "series": [
                    {
                        "group": s.group,
                        "baseline": _cell_row(s.baseline),
                        "targets": [_cell_row(t) for t in s.targets],
                    }
                    for s in ind.series
                ],
            }
        )
    # each warning to the indicator printed closest above it (within WARNING_REACH lines)
    by_line = sorted((i["line"], k) for k, i in enumerate(indicators) if i["line"])
    plan_warnings: list[dict[str, Any]] = []
    for w in warnings:
        owner = None
        for line, k in by_line:
            if line <= w.source.line <= line + WARNING_REACH:
                owner = k
        entry = {"line": w.source.line, "message": w.message}
        if owner is None:
            plan_warnings.append(entry)
        else:
            indicators[owner]["warnings"].append(entry)
    wanted: set[int] = set()
    for row in indicators + nodes:
        if row["line"]:
            wanted.update((row["line"] - 1, row["line"], row["line"] + 1))
    wanted.update(w.source.line for w in warnings)
    lines = {
        str(n): [source.raw(n), (p.page if (p := source.position(n)) else None)]
        for n in sorted(wanted)
        if 1 <= n <= len(source.raw_lines)
    }
    start, end = _period(plan, source)
    return {
        "plan": {"title": plan.title, "period_start": start, "period_end": end, "municipality": ""},
        "nodes": nodes,
        "indicators": indicators,
        "warnings": plan_warnings,
        "lines": lines,
    }


def reader_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """Every correctable field of an indicator review row with the reader's value."""
    values: dict[str, Any] = {
        "name": row["name"],
        "unit": row["unit"],
        "cumulative": bool(row["cumulative"]),
        "direction": "",
        "node": row["node"],
        "department": "",
        "deleted": False,
    }
    for i, s in enumerate(row["series"]):
        values[f"s{i}.baseline"] = s["baseline"]["raw"]
        values[f"s{i}.baseline_year"] = s["baseline"]["year"]
        for j, t in enumerate(s["targets"]):
            values[f"s{i}.t{j}"] = t["raw"]
            values[f"s{i}.t{j}_year"] = t["year"]
    return values


def plan_reader_values(rows: Mapping[str, Any]) -> dict[str, Any]:
    """The plan fields (title, municipality, period) as the reader gave them."""
    return dict(rows["plan"])


# --- corrections ------------------------------------------------------------------------------


def active_corrections(imp: db.PlanImport) -> dict[tuple[str, str], db.Correction]:
    """The active correction of every (key, field) of the import."""
    return {
        (c.key, c.field): c for c in imp.corrections.filter(state=db.Correction.ACTIVE).order_by("at", "id")
    }


def _row(imp: db.PlanImport, key: str) -> dict[str, Any] | None:
    return next((r for r in imp.rows.get("indicators", []) if r["key"] == key), None)


def _clean(field: str, value: Any, imp: db.PlanImport) -> Any:
    """The person's value of ``field`` checked and normalised; raises :class:`CorrectionError`."""
    if field in ("cumulative", "deleted"):
        return bool(value)
    if field.endswith("_year") or field in ("period_start", "period_end"):
        if value in (None, ""):
            return None
        try:
            year = int(str(value).strip())
        except ValueError:
            raise CorrectionError(f"年度は西暦の数字で入力してください（{value}）") from None
        if not 1900 <= year <= 2200:
            raise CorrectionError(f"年度は1900〜2200の西暦で入力してください（{year}）")
        return year
    text = str(value if value is not None else "").strip()
    if field == "direction" and text not in DIRECTION_VALUES:
        raise CorrectionError(f"良い方向は higher / lower / keep のいずれかです（{text}）")
    if field == "node" and text not in {n["key"] for n in imp.rows.get("nodes", [])}:
        raise CorrectionError("上位の項目が計画の項目にありません")
    if field == "department" and text and not db.Department.objects.filter(name=text).exists():
        raise CorrectionError(f"担当課「{text}」は登録されていません")
    if field == "name" and not text:
        raise CorrectionError("指標名は空にできません")
    if field == "title" and not text:
        raise CorrectionError("表題は空にできません")
    if "." in field and not field.endswith("_year"):
        try:
            read_cell(text)
        except QuantityError:
            raise CorrectionError(
                f"「{text}」は値として読めません（例: 1,234人 / 12.5% / 検討中 / —）"
            ) from None
    return text


def correct(imp: db.PlanImport, key: str, field: str, value: Any, *, who: str) -> db.Correction | None:
    """Record the person's ``value`` of ``field`` of the row ``key`` (``""``:
    the plan). The same value as the reader's takes an active correction back
    (returns ``None``); else the active one is replaced by a new record.
    Raises :class:`CorrectionError` for a value that cannot be used."""
    if imp.status != db.PlanImport.DRAFT:
        raise CorrectionError("公開済み・破棄済みの取込は修正できません")
    if key:
        row = _row(imp, key)
        if row is None:
            raise CorrectionError("この行は読み取り結果にありません")
        readers = reader_values(row)
        label = row["name"]
    else:
        readers = plan_reader_values(imp.rows)
        label = ""
    if field not in readers:
        raise CorrectionError(f"修正できない項目です（{field}）")
    person = _clean(field, value, imp)
    reader = readers[field]
    with transaction.atomic():
        current = imp.corrections.select_for_update().filter(key=key, field=field, state=db.Correction.ACTIVE)
        if person == reader or (person in (None, "") and reader in (None, "")):
            current.update(state=db.Correction.REVERTED, reverted_by=who, reverted_at=timezone.now())
            return None
        existing = current.first()
        if existing is not None and existing.person_value == person:
            return existing
        current.update(state=db.Correction.REPLACED)
        return db.Correction.objects.create(
            plan_import=imp,
            key=key,
            label=label,
            field=field,
            reader_value=reader,
            person_value=person,
            who=who,
        )


def add_row(imp: db.PlanImport, values: Mapping[str, Any], *, who: str) -> db.Correction:
    """Record a row the reader missed: ``values`` holds node (key), name, unit,
    baseline, baseline_year, target, target_year, cumulative."""
    if imp.status != db.PlanImport.DRAFT:
        raise CorrectionError("公開済み・破棄済みの取込は修正できません")
    row = {
        "node": _clean("node", values.get("node"), imp),
        "name": _clean("name", values.get("name"), imp),
        "unit": str(values.get("unit") or "").strip(),
        "cumulative": bool(values.get("cumulative")),
        "baseline": _clean("s0.baseline", values.get("baseline"), imp),
        "baseline_year": _clean("s0.baseline_year", values.get("baseline_year"), imp),
        "target": _clean("s0.t0", values.get("target"), imp),
        "target_year": _clean("s0.t0_year", values.get("target_year"), imp),
    }
    n = imp.corrections.filter(field="added").count() + 1
    return db.Correction.objects.create(
        plan_import=imp, key=f"added:{n}", label=row["name"], field="added", person_value=row, who=who
    )


def revert(correction: db.Correction, *, who: str) -> None:
    """Take an active correction back (it is kept, marked reverted)."""
    if correction.plan_import.status != db.PlanImport.DRAFT:
        raise CorrectionError("公開済み・破棄済みの取込の修正は取り消せません")
    if correction.state != db.Correction.ACTIVE:
        raise CorrectionError("この修正は有効ではありません（取り消し済みか置き換え済み）")
    correction.state = db.Correction.REVERTED
    correction.reverted_by = who
    correction.reverted_at = timezone.now()
    correction.save(update_fields=["state", "reverted_by", "reverted_at"])


def _carry(imp: db.PlanImport) -> None:
    """Carry the corrections of the last published import of the same file name, or of
    the plan the upload revises (module docstring)."""
    same = Q(name=imp.name) if imp.revises_id is None else Q(plan_id=imp.revises_id)
    previous = (
        db.PlanImport.objects.filter(same, status=db.PlanImport.PUBLISHED)
        .exclude(pk=imp.pk)
        .order_by("-published_at", "-id")
        .first()
    )
    if previous is None:
        return
    rows = {r["key"]: r for r in imp.rows["indicators"]}
    present = {(r["node"], match_key(r["name"])) for r in imp.rows["indicators"]}
    plan_values = plan_reader_values(imp.rows)
    not_carried: list[dict[str, Any]] = []
    for old in active_corrections(previous).values():
        if old.field == "added":
            value = old.person_value or {}
            if (value.get("node"), match_key(str(value.get("name", "")))) in present:
                not_carried.append(_dropped(old, "読み取りで見つかるようになりました"))
                continue
            now: Any = None
        elif old.key:
            row = rows.get(old.key)
            if row is None:
                not_carried.append(_dropped(old, "この行は新しい読み取りにありません"))
                continue
            now = reader_values(row).get(old.field)
            if now != old.reader_value:
                not_carried.append(_dropped(old, "読み取った値が変わりました", now))
                continue
        else:
            now = plan_values.get(old.field)
            if now != old.reader_value:
                not_carried.append(_dropped(old, "読み取った値が変わりました", now))
                continue
        db.Correction.objects.create(
            plan_import=imp,
            key=old.key,
            label=old.label,
            field=old.field,
            reader_value=old.reader_value,
            person_value=old.person_value,
            who=old.who,
            carried_from=old,
        )
    imp.not_carried = not_carried
    imp.save(update_fields=["not_carried"])


def _dropped(old: db.Correction, reason: str, now: Any = None) -> dict[str, Any]:
    return {
        "label": old.label,
        "field": old.field,
        "field_label": field_label(old.field),
        "reader_before": old.reader_value,
        "reader_now": now,
        "person": old.person_value,
        "reason": reason,
    }


def create_import(data: bytes, name: str, *, who: str, revises: db.Plan | None = None) -> db.PlanImport:
    """Read the document and keep it as an import to review (module docstring);
    ``revises``: the stored plan it is a revision of (改訂), whatever its file name
    (default: the plan of the same document name, if any).
    Raises :class:`MachikpiError` (a :class:`DocumentError`) for a document that
    cannot be read; then nothing is kept."""
    started = time.perf_counter()
    plan, source = read_document(data, name)
    rows = review_rows(plan, source)
    lines = rows.pop("lines")
    seconds = time.perf_counter() - started
    with transaction.atomic():
        imp = db.PlanImport.objects.create(
            name=name,
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=who,
            read_seconds=seconds,
            reading=plan_to_json(plan),
            rows=rows,
            lines=lines,
            warnings=[{"line": w.source.line, "message": w.message} for w in plan.warnings],
            revises=revises,
        )
        _carry(imp)
    return imp


# --- applying and publishing ------------------------------------------------------------------


@dataclass
class Applied:
    """A plan with the corrections applied, and what goes beside it: the
    department name and direction set per indicator (by ``id()`` of the
    indicator object), and the plan fields."""

    plan: core.Plan
    departments: dict[int, str]
    directions: dict[int, str]
    fields: dict[str, Any]


def _cell(raw: str, year: int | None, like: core.ValueCell | None) -> core.ValueCell:
    cell = read_cell(raw)
    if cell.year is None:
        cell.year = like.year if like is not None else None
        cell.year_type = like.year_type if like is not None else None
    if year is not None:
        cell.year = year
        cell.year_type = cell.year_type or core.YearType.FISCAL
    return cell


def apply_corrections(plan: core.Plan, rows: Mapping[str, Any], corrections: list[db.Correction]) -> Applied:
    """Apply ``corrections`` (active ones of the import whose review list is
    ``rows``) to ``plan`` (read again from the same file), in place."""
    from ..storage.plans import indicator_keys, node_keys

    nkeys = node_keys(plan)
    nodes = {nkeys[id(n)]: n for _, n in plan.walk()}
    by_key = {key: (node, ind) for key, node, ind in indicator_keys(plan, nkeys)}
    fields = plan_reader_values(rows)
    departments: dict[int, str] = {}
    directions: dict[int, str] = {}
    per_row: dict[str, dict[str, Any]] = {}
    for c in corrections:
        if not c.key:
            fields[c.field] = c.person_value
        elif c.field == "added":
            per_row.setdefault(c.key, {})["added"] = c.person_value
        else:
            per_row.setdefault(c.key, {})[c.field] = c.person_value
    for key, changes in per_row.items():
        if "added" in changes:
            v = changes["added"]
            node = nodes.get(v["node"])
            if node is None:
                raise PublishError(f"追加した行「{v['name']}」の上位の項目が計画にありません")
            ind = core.Indicator(
                role=core.Role.KPI,
                name=v["name"],
                raw_name=v["name"],
                unit=v["unit"] or None,
                cumulative=bool(v["cumulative"]),
                series=[
                    core.Series(
                        None,
                        _cell(v["baseline"], v["baseline_year"], None),
                        [_cell(v["target"], v["target_year"], None)],
                    )
                ],
            )
            node.indicators.append(ind)
            continue
        if key not in by_key:
            raise PublishError(f"修正した行（{key}）が読み取り結果にありません")
        node, ind = by_key[key]
        if changes.get("deleted"):
            node.indicators.remove(ind)
            continue
        if "name" in changes:
            ind.name = changes["name"]
        if "unit" in changes:
            ind.unit = changes["unit"] or None
        if "cumulative" in changes:
            ind.cumulative = bool(changes["cumulative"])
        if changes.get("direction"):
            directions[id(ind)] = changes["direction"]
        if changes.get("department"):
            departments[id(ind)] = changes["department"]
        for i, s in enumerate(ind.series):
            b_raw = changes.get(f"s{i}.baseline")
            b_year = changes.get(f"s{i}.baseline_year")
            if b_raw is not None or f"s{i}.baseline_year" in changes:
                s.baseline = _cell(b_raw if b_raw is not None else s.baseline.raw, b_year, s.baseline)
            for j, t in enumerate(list(s.targets)):
                t_raw = changes.get(f"s{i}.t{j}")
                if t_raw is not None or f"s{i}.t{j}_year" in changes:
                    s.targets[j] = _cell(
                        t_raw if t_raw is not None else t.raw, changes.get(f"s{i}.t{j}_year"), t
                    )
        if "node" in changes and changes["node"] != rows_node(rows, key):
            target = nodes.get(changes["node"])
            if target is None:
                raise PublishError(f"「{ind.name}」の上位の項目が計画にありません")
            node.indicators.remove(ind)
            target.indicators.append(ind)
    plan.title = str(fields.get("title") or plan.title)
    return Applied(plan, departments, directions, fields)


def rows_node(rows: Mapping[str, Any], key: str) -> str | None:
    """The node key the reader gave the indicator ``key``."""
    return next((r["node"] for r in rows.get("indicators", []) if r["key"] == key), None)


def publish(imp: db.PlanImport, *, who: str) -> db.Plan:
    """Publish the import with its corrections (module docstring): all or
    nothing. Raises :class:`PublishError` (or the reader's
    :class:`MachikpiError`) and then nothing is stored."""
    from ...core.audit import audit_plan
    from ...core.audit.period import PlanPeriod
    from ..storage.plans import indicator_keys, store_audit, store_plan

    if imp.status != db.PlanImport.DRAFT:
        raise PublishError("この取込はすでに公開済みか破棄済みです")
    data = bytes(imp.data)
    if hashlib.sha256(data).hexdigest() != imp.sha256:
        raise PublishError("取り込んだファイルの内容が変わっています。もう一度取り込んでください")
    plan, _source = read_document(data, imp.name)
    if imp.revises is not None:  # a revision of a stored plan under another file name
        plan.doc = imp.revises.doc
    corrections = list(active_corrections(imp).values())
    applied = apply_corrections(plan, imp.rows, corrections)
    start, end = applied.fields.get("period_start"), applied.fields.get("period_end")
    if start is not None and end is not None and start > end:
        raise PublishError(f"計画期間の開始（{start}）が終了（{end}）より後です")
    period = PlanPeriod(start, end, "parameter") if start is not None and end is not None else None
    now = timezone.now()
    with transaction.atomic():
        result = store_plan(applied.plan, at=now, who=who, plan_import_id=imp.pk)
        store_audit(result.plan_id, audit_plan(applied.plan, period=period), period)
        stored = db.Plan.objects.select_for_update().get(pk=result.plan_id)
        stored.period_start, stored.period_end = start, end
        stored.published, stored.published_at, stored.published_by = True, now, who
        stored.save()
        keys = {id(ind): key for key, _node, ind in indicator_keys(applied.plan)}
        for ind_id, name in applied.departments.items():
            dept = db.Department.objects.filter(name=name).first()
            if dept is None:
                raise PublishError(
                    f"担当課「{name}」が登録されていません（削除されました）。修正し直してください"
                )
            db.Indicator.objects.filter(plan=stored, key=keys[ind_id]).update(department=dept)
        for ind_id, direction in applied.directions.items():
            db.Indicator.objects.filter(plan=stored, key=keys[ind_id]).update(direction=direction)
        imp.corrections.update(plan=stored)
        imp.status = db.PlanImport.PUBLISHED
        imp.plan = stored
        imp.municipality = str(applied.fields.get("municipality") or "")
        imp.published_at, imp.published_by = now, who
        imp.save()
        db.PlanChange.objects.create(
            plan=stored,
            plan_import=imp,
            action=db.PlanChange.PUBLISH,
            who=who,
            detail={
                "file": imp.name,
                "created": result.created,
                "indicators_new": result.indicators_new,
                "indicators_updated": result.indicators_updated,
                "indicators_missing": result.indicators_missing,
                "targets_revised": db.TargetRevision.objects.filter(plan_import=imp).count(),
                "corrections": [describe(c) for c in corrections],
            },
        )
    return stored


def describe(c: db.Correction) -> str:
    """A correction in words: ``「指標名」 目標値1: 2,097億円 → 2,200億円``."""
    where = f"「{c.label}」 " if c.label else ""
    if c.field == "added":
        v = c.person_value or {}
        return f"{where}行を追加（基準値 {v.get('baseline')}、目標値 {v.get('target')}）"
    if c.field == "deleted":
        return f"{where}行を削除"
    return f"{where}{field_label(c.field)}: {_shown(c.reader_value)} → {_shown(c.person_value)}"


def _shown(value: Any) -> str:
    if value is True:
        return "はい"
    if value is False:
        return "いいえ"
    if value in (None, ""):
        return "（なし）"
    return str(value)


def discard(imp: db.PlanImport, *, who: str) -> None:
    """Give up an import not yet published (kept, marked discarded)."""
    if imp.status != db.PlanImport.DRAFT:
        raise PublishError("この取込はすでに公開済みか破棄済みです")
    imp.status = db.PlanImport.DISCARDED
    imp.save(update_fields=["status"])


# --- plan administration ----------------------------------------------------------------------


def rename_plan(plan: db.Plan, title: str, *, who: str) -> None:
    """Set the plan's title (recorded). Raises :class:`CorrectionError` for an empty one."""
    title = title.strip()
    if not title:
        raise CorrectionError("表題は空にできません")
    if title == plan.title:
        return
    with transaction.atomic():
        db.PlanChange.objects.create(
            plan=plan, action=db.PlanChange.RENAME, who=who, detail={"old": plan.title, "new": title}
        )
        plan.title = title
        plan.save(update_fields=["title", "updated_at"])


def set_period(plan: db.Plan, start: int | None, end: int | None, *, who: str) -> None:
    """Set the plan period (both or neither; recorded)."""
    if (start is None) != (end is None):
        raise CorrectionError("計画期間は開始と終了の両方を入力してください")
    if start is not None and end is not None and start > end:
        raise CorrectionError(f"計画期間の開始（{start}）が終了（{end}）より後です")
    if (start, end) == (plan.period_start, plan.period_end):
        return
    with transaction.atomic():
        db.PlanChange.objects.create(
            plan=plan,
            action=db.PlanChange.PERIOD,
            who=who,
            detail={"old": [plan.period_start, plan.period_end], "new": [start, end]},
        )
        plan.period_start, plan.period_end = start, end
        plan.save(update_fields=["period_start", "period_end", "updated_at"])


def set_published(plan: db.Plan, published: bool, *, who: str) -> None:
    """Publish or unpublish a stored plan (recorded)."""
    if plan.published == published:
        return
    with transaction.atomic():
        db.PlanChange.objects.create(
            plan=plan, action=db.PlanChange.PUBLISH if published else db.PlanChange.UNPUBLISH, who=who
        )
        plan.published = published
        if published:
            plan.published_at, plan.published_by = timezone.now(), who
        plan.save(update_fields=["published", "published_at", "published_by", "updated_at"])


def assign_departments(plan: db.Plan, wanted: Mapping[int, int | None], *, who: str) -> int:
    """Set the department of the plan's indicators (indicator id → department id
    or ``None``); returns how many changed, recorded as one change."""
    changed: list[dict[str, Any]] = []
    names = dict(db.Department.objects.values_list("pk", "name"))
    with transaction.atomic():
        for ind in db.Indicator.objects.select_for_update().filter(plan=plan, pk__in=list(wanted)):
            new = wanted[ind.pk]
            if new is not None and new not in names:
                raise CorrectionError("登録されていない担当課です")
            if ind.department_id == new:
                continue
            changed.append(
                {
                    "indicator": ind.name,
                    "old": names.get(ind.department_id) if ind.department_id else None,
                    "new": names.get(new) if new is not None else None,
                }
            )
            ind.department_id = new
            ind.save(update_fields=["department"])
        if changed:
            db.PlanChange.objects.create(
                plan=plan, action=db.PlanChange.DEPARTMENT, who=who, detail={"changes": changed}
            )
    return len(changed)
