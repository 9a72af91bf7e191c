"""Checks on the value cells of each indicator: missing or pending targets
and baselines, years, units, cumulative and directed indicators."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Bound, CellStatus, Indicator, Role, Series, ValueCell
from ..quantities import format_number
from .context import AuditContext
from .findings import Finding, Severity, check
from .numbers import canonical_unit, convert, same_unit


def _valued(cells: list[ValueCell]) -> list[tuple[int, ValueCell]]:
    return [(i, c) for i, c in enumerate(cells) if c.status == CellStatus.VALUE and c.value is not None]


def _shown(cell: ValueCell) -> str:
    return cell.raw or "(空欄)"


def _final_target(s: Series) -> tuple[int, ValueCell] | None:
    """The last target column holding a value (the plan's final target)."""
    valued = _valued(s.targets)
    return valued[-1] if valued else None


def _is_announced(cell: ValueCell) -> bool:
    """A target cell that says it is still to be set (検討中 / 設定予定 / 集計中 / ``(橋)``)."""
    return cell.status in (CellStatus.PENDING, CellStatus.TALLYING) and bool(cell.raw.strip())


@check(
    "target-missing",
    Severity.ERROR,
    "目標値がない",
    "A series has no target cell with a value and none that announces one "
    "(no target column, or every target cell empty or ``—``). A 満足度 "
    "(satisfaction) row printed in a table without a target column is a "
    "monitored value, not a defect, and is not flagged.",
)
def target_missing(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        for s in e.indicator.series:
            if not s.targets and e.indicator.role == Role.SATISFACTION:
                continue
            if _valued(s.targets) or any(_is_announced(c) for c in s.targets):
                continue
            shown = "、".join(_shown(c) for c in s.targets) or "目標値の列なし"
            yield ctx.finding(
                "target-missing", e, f"目標値が記載されていません ({shown})", series=s, cell="targets"
            )


@check(
    "target-pending",
    Severity.WARNING,
    "目標値が未設定(検討中・設定予定・集計中)",
    "A target cell prints a pending word (検討中, 設定予定, 未定 …), 集計中, or a unit "
    "without a value (``(橋)``): the target cannot be evaluated yet.",
)
def target_pending(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        for s in e.indicator.series:
            for i, c in enumerate(s.targets):
                if _is_announced(c) and re.search(r"\d", c.raw) is None:
                    word = "集計中" if c.status == CellStatus.TALLYING else "未設定"
                    yield ctx.finding(
                        "target-pending",
                        e,
                        f"目標値{f'({c.year})' if c.year else ''}が{word}です ({c.raw})",
                        series=s,
                        cell=f"target[{i}]",
                        raw=c.raw,
                    )


@check(
    "baseline-missing",
    Severity.WARNING,
    "現状値(基準値)がない",
    "The baseline cell holds no value (empty, ``—``, pending or 集計中): progress "
    "towards the target cannot be measured from the plan's own start.",
)
def baseline_missing(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        for s in e.indicator.series:
            b = s.baseline
            if b.status == CellStatus.VALUE:
                continue
            why = {
                CellStatus.NONE: "「—」",
                CellStatus.TALLYING: "集計中",
                CellStatus.PENDING: "未設定" if b.raw else "空欄",
            }[b.status]
            yield ctx.finding(
                "baseline-missing",
                e,
                f"現状値(基準値)がありません ({why}{': ' + b.raw if b.raw and why != '「—」' else ''})",
                series=s,
                cell="baseline",
            )


@check(
    "target-year-outside-period",
    Severity.WARNING,
    "目標年度が計画期間外",
    "A target cell's year lies outside the plan period (given, read from the "
    "text, or inferred: see machikpi.core.audit.period).",
)
def target_year_outside_period(ctx: AuditContext) -> Iterator[Finding]:
    period = ctx.period
    if period is None:
        return
    for e in ctx.entries():
        for s in e.indicator.series:
            for i, c in enumerate(s.targets):
                if c.year is None or c.year in period or c.status == CellStatus.NONE:
                    continue
                yield ctx.finding(
                    "target-year-outside-period",
                    e,
                    f"目標年度 {c.year} が計画期間 {period.start}–{period.end} "
                    f"({_period_origin(period.origin)})の外にあります",
                    series=s,
                    cell=f"target[{i}]",
                    year=c.year,
                    period=[period.start, period.end],
                    period_origin=period.origin,
                )


def _period_origin(origin: str) -> str:
    return {"text": "本文の計画期間", "inferred": "指標の年度から推定", "parameter": "指定"}.get(
        origin, origin
    )


@check(
    "baseline-after-target",
    Severity.ERROR,
    "基準年度が目標年度以降",
    "The baseline's year is the same as or later than a target's year "
    "(both printed, as Western years after 和暦 conversion).",
)
def baseline_after_target(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        for s in e.indicator.series:
            by = s.baseline.year
            if by is None or s.baseline.status == CellStatus.NONE:
                continue
            for i, c in enumerate(s.targets):
                if c.year is not None and c.year <= by and c.status != CellStatus.NONE:
                    yield ctx.finding(
                        "baseline-after-target",
                        e,
                        f"基準年度 {by} が目標年度 {c.year} と同じか後です",
                        series=s,
                        cell=f"target[{i}]",
                        baseline_year=by,
                        target_year=c.year,
                    )


@check(
    "unit-mismatch",
    Severity.ERROR,
    "現状値と目標値の単位が違う",
    "The baseline and a target cell both print a unit and the units differ "
    "(spellings such as カ所/ヶ所 folded); convertible units (百万円/億円) are "
    "still flagged, with the converted value in the message.",
)
def unit_mismatch(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        for s in e.indicator.series:
            bu = s.baseline.unit
            for i, c in enumerate(s.targets):
                if bu is None or c.unit is None or same_unit(bu, c.unit):
                    continue
                extra = ""
                if c.value is not None:
                    conv = convert(c.value, c.unit, bu)
                    if conv is not None:
                        extra = f" (目標値は {format_number(conv)}{canonical_unit(bu)} に相当)"
                yield ctx.finding(
                    "unit-mismatch",
                    e,
                    f"現状値の単位「{bu}」と目標値の単位「{c.unit}」が違います{extra}",
                    series=s,
                    cell=f"target[{i}]",
                    baseline_unit=bu,
                    target_unit=c.unit,
                )


def _comparable(s: Series) -> tuple[float, int, float] | None:
    """(baseline value, final target column, final target value in the
    baseline's unit), ``None`` when either is missing or units do not convert."""
    b = s.baseline
    ft = _final_target(s)
    if b.status != CellStatus.VALUE or b.value is None or ft is None:
        return None
    i, t = ft
    assert t.value is not None
    tv = t.value if (t.unit is None or b.unit is None) else convert(t.value, t.unit, b.unit)
    if tv is None:
        return None
    return b.value, i, tv


@check(
    "cumulative-not-increasing",
    Severity.ERROR,
    "累計指標の目標値が現状値以下",
    "An indicator marked cumulative (累計) has a final target that is not "
    "above its baseline: a running total can only grow.",
)
def cumulative_not_increasing(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        if not e.indicator.cumulative:
            continue
        for s in e.indicator.series:
            cmp = _comparable(s)
            if cmp is None:
                continue
            base, i, target = cmp
            if target <= base:
                yield ctx.finding(
                    "cumulative-not-increasing",
                    e,
                    f"累計の指標なのに目標値 {_shown(s.targets[i])} が現状値 {_shown(s.baseline)} を上回っていません",
                    series=s,
                    cell=f"target[{i}]",
                    baseline=base,
                    target=target,
                )


#: Words that state a direction when they end the indicator's name.
DOWN_WORDS = ("減少", "削減", "抑制", "低減", "縮減", "縮小", "防止", "解消", "減")
UP_WORDS = ("増加", "向上", "拡大", "増進", "増大", "上昇", "増")
#: Words of a note that explain a move down (resp. up) of the target.
_NOTE_DOWN = ("減少", "減る", "下回", "抑制", "縮小", "低下", "削減", "人口減")
_NOTE_UP = ("増加", "増え", "上回", "向上", "拡大", "上昇")


def stated_direction(ind: Indicator, target: ValueCell) -> tuple[str, str] | None:
    """The direction the indicator states, with its reason: ``("down", …)``
    or ``("up", …)``; ``None`` when it states none.

    Rule: a bound states it (``以内/以下/未満`` → the value must not grow
    past the target, so a target above the baseline is a loosening: down;
    ``以上`` → up); otherwise the name's last word does (``…の削減``,
    ``…抑制`` → down; ``…の向上``, ``…増加`` → up). A direction word followed
    by a counting noun (``削減量``, ``増加数``, ``減少率``) names what is
    counted, not a direction, and states none."""
    if target.bound == Bound.MAX:
        return "down", f"目標値が上限「{target.raw}」"
    if target.bound == Bound.MIN:
        return "up", f"目標値が下限「{target.raw}」"
    name = re.sub(r"[(（][^()（）]*[)）]$", "", ind.name).rstrip("。 ")
    for words, way in ((DOWN_WORDS, "down"), (UP_WORDS, "up")):
        for w in words:
            if name.endswith(w) and len(name) > len(w):
                return way, f"指標名が「{w}」"
    return None


@check(
    "direction-against",
    Severity.WARNING,
    "目標値が指標の方向と逆",
    "The final target moves against the direction the indicator states (see "
    "stated_direction: a bound, or the name's last word), unless one of the "
    "indicator's notes explains a move that way (it says 減少/下回る/抑制… for "
    "a target below the baseline, 増加/上回る/向上… for one above).",
)
def direction_against(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        ind = e.indicator
        for s in ind.series:
            cmp = _comparable(s)
            if cmp is None:
                continue
            base, i, target = cmp
            stated = stated_direction(ind, s.targets[i])
            if stated is None or target == base:
                continue
            way, why = stated
            moves = "up" if target > base else "down"
            if moves == way:
                continue
            words = _NOTE_UP if moves == "up" else _NOTE_DOWN
            if any(w in n for n in ind.notes for w in words):
                continue
            verb = "増やす" if moves == "up" else "減らす"
            yield ctx.finding(
                "direction-against",
                e,
                f"{why}なのに、目標値 {_shown(s.targets[i])} は現状値 {_shown(s.baseline)} より{verb}方向です"
                "(説明する注記なし)",
                series=s,
                cell=f"target[{i}]",
                stated=way,
                moves=moves,
            )
