"""Checks that recompute the rationale printed for an indicator.

Every note of the indicator is read (目標値の考え方, 指標の考え方, ※ footnotes
…), normalised by :func:`~machikpi.core.audit.numbers.normalise_note`:

* ``rationale-arithmetic``: a formula whose stated result is not what its
  expression gives (``=``: within one step of the printed result; ``≈``:
  within 2 %);
* ``rationale-target-mismatch``: a formula whose result, converted into the
  table's unit (百万円 → 億円, 千円 → 億円 …), is neither a target nor the
  baseline of the table (within one step of the table's printed precision);
* ``rationale-rate-mismatch``: a stated rate of change (``5%程度、増加``,
  ``10%削減``; per year with 年率/毎年/年間: compounded over the years from
  the baseline to the final target) that the table's baseline → final
  target does not show (tolerance 0.5 point or a tenth of the rate);
* ``rationale-increment-mismatch``: a yearly increment (``毎年度3人ずつ増加``,
  ``年間10人程度…累計``) that, added to the base over the years to the final
  target, does not give the target (base: a year the note calls 基準 and
  the last amount printed before the increment, else the baseline; tolerance
  one step, or one year's increment / a tenth of the target for 程度/約);
* ``rationale-number-mismatch``: a number the note gives as the target
  (``目標値を150件と設定``, ``62人を目指す``) that no target cell holds.

Not recomputed: averages given as words without their numbers (``直近3か年
の平均はおおむね50人``); an average printed as a formula (``(48+50+52)÷3=50``)
is checked as arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import CellStatus, Series, ValueCell
from ..periods import find_periods
from ..quantities import format_number
from .arithmetic import formulas
from .context import AuditContext, Entry
from .findings import Finding, Severity, check
from .numbers import _UNIT_ALT, agree, canonical_unit, cell_step, convert, normalise_note, note_numbers


def _notes(e: Entry) -> list[tuple[int, str]]:
    return [(k, normalise_note(n)) for k, n in enumerate(e.indicator.notes)]


def _fmt(value: float, unit: str | None) -> str:
    return format_number(round(value, 6)) + (unit or "")


def _targets(e: Entry) -> list[ValueCell]:
    return [
        c
        for s in e.indicator.series
        for c in s.targets
        if c.status == CellStatus.VALUE and c.value is not None
    ]


def _baselines(e: Entry) -> list[ValueCell]:
    return [
        s.baseline
        for s in e.indicator.series
        if s.baseline.status == CellStatus.VALUE and s.baseline.value is not None
    ]


def _in_cell_unit(value: float, unit: str | None, cell: ValueCell, ind_unit: str | None) -> float | None:
    """``value`` (in ``unit``; ``None``: the table's unit) in the unit of ``cell``."""
    cu = cell.unit or ind_unit
    if unit is None or cu is None:
        return value
    return convert(value, unit, cu)


def _matches(
    value: float, unit: str | None, cells: list[ValueCell], ind_unit: str | None, step: float
) -> bool:
    for c in cells:
        assert c.value is not None
        v = _in_cell_unit(value, unit, c, ind_unit)
        if v is not None and agree(v, c.value, max(cell_step(c), step)):
            return True
    return False


def _convertible(unit: str | None, cells: list[ValueCell], ind_unit: str | None) -> bool:
    return any(_in_cell_unit(1.0, unit, c, ind_unit) is not None for c in cells)


@check(
    "rationale-arithmetic",
    Severity.ERROR,
    "目標値の考え方の計算が合わない",
    "A formula in a note whose stated result differs from its expression "
    "(``=``: by one step of the printed result or more; ``≈``: by more than 2 %).",
)
def rationale_arithmetic(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        for k, note in _notes(e):
            for f in formulas(note):
                for rel, a, b in zip(f.relations, f.terms, f.terms[1:], strict=False):
                    bv = b.value
                    if a.unit and b.unit:
                        conv = convert(b.value, b.unit, a.unit)
                        if conv is None:
                            continue
                        bv = conv
                    if rel == "=":
                        ok = agree(a.value, bv, b.step or a.step or 1e-6 * max(1.0, abs(a.value)))
                    else:
                        ok = abs(a.value - bv) <= 0.02 * max(abs(a.value), abs(bv)) + (b.step or 0)
                    if not ok:
                        yield ctx.finding(
                            "rationale-arithmetic",
                            e,
                            f"注記の計算 {a.text} {rel} {b.text} が合いません "
                            f"({a.text} は {_fmt(a.value, a.unit)})",
                            cell=f"notes[{k}]",
                            expression=a.text,
                            computed=a.value,
                            stated=b.value,
                        )


@check(
    "rationale-target-mismatch",
    Severity.ERROR,
    "目標値の考え方の計算結果と表の目標値が違う",
    "A formula's result, converted into the table's unit, is neither a target "
    "nor the baseline of the table (within one step of the printed precision).",
)
def rationale_target_mismatch(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        targets = _targets(e)
        if not targets:
            continue
        cells = targets + _baselines(e)
        unit_of_ind = e.indicator.unit
        for k, note in _notes(e):
            for f in formulas(note):
                final = f.final
                unit = f.unit
                if unit == "%" and canonical_unit(unit_of_ind) != "%":
                    continue
                if not _convertible(unit, cells, unit_of_ind):
                    continue
                if _matches(final.value, unit, cells, unit_of_ind, 0.0):
                    continue
                t = targets[-1]
                assert t.value is not None
                conv = _in_cell_unit(final.value, unit, t, unit_of_ind)
                shown = (
                    f" (= {_fmt(conv, t.unit or unit_of_ind)})" if conv is not None and unit != t.unit else ""
                )
                yield ctx.finding(
                    "rationale-target-mismatch",
                    e,
                    f"注記の計算結果 {_fmt(final.value, unit)}{shown} が表の目標値 {t.raw} と合いません",
                    cell=f"notes[{k}]",
                    computed=final.value,
                    computed_unit=unit,
                    target=t.value,
                    target_unit=t.unit or unit_of_ind,
                )


_RATE = re.compile(
    r"(?P<per>年率|毎年度?|年間|年平均|1年あたり|各年度?)?\s*(?:で|に)?\s*(?:約|おおむね|概ね)?"
    r"(?P<num>\d+(?:\.\d+)?)%\s*(?:程度|前後|ほど)?\s*(?:の|、|,)?\s*"
    r"(?P<dir>増加|増|向上|上昇|アップ|伸び|拡大|減少|減|削減|低下|縮小|抑制)"
)
_DOWN = ("減少", "減", "削減", "低下", "縮小", "抑制")


def _series_change(e: Entry) -> list[tuple[float, float, int | None]]:
    """(baseline, final target in the baseline's unit, years between) per series."""
    out: list[tuple[float, float, int | None]] = []
    for s in e.indicator.series:
        b = s.baseline
        valued = [c for c in s.targets if c.status == CellStatus.VALUE and c.value is not None]
        if b.status != CellStatus.VALUE or not b.value or not valued:
            continue
        t = valued[-1]
        assert t.value is not None
        tv = t.value if t.unit is None or b.unit is None else convert(t.value, t.unit, b.unit)
        if tv is None:
            continue
        years = t.year - b.year if t.year is not None and b.year is not None else None
        out.append((b.value, tv, years))
    return out


@check(
    "rationale-rate-mismatch",
    Severity.WARNING,
    "目標値の考え方の増減率と表が合わない",
    "A note states a rate of change (``5%増加``, ``10%削減``; per year with "
    "年率/毎年/年間, compounded) that the baseline → final target of the table "
    "does not show (tolerance: 0.5 point or a tenth of the rate). Not applied "
    "to indicators in % or ポイント (a rate there may mean points).",
)
def rationale_rate_mismatch(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        if canonical_unit(e.indicator.unit) in ("%", "ポイント"):
            continue
        changes = _series_change(e)
        if not changes:
            continue
        for k, note in _notes(e):
            stated: list[tuple[str, float]] = []
            ok = False
            for m in _RATE.finditer(note):
                rate = float(m.group("num")) * (-1 if m.group("dir") in _DOWN else 1)
                for base, target, years in changes:
                    if m.group("per"):
                        if not years or years <= 0:
                            continue
                        expected = ((1 + rate / 100) ** years - 1) * 100
                    else:
                        expected = rate
                    actual = (target / base - 1) * 100
                    stated.append((m.group(0), actual))
                    if abs(actual - expected) <= max(0.5, abs(expected) / 10):
                        ok = True
            if stated and not ok:
                text, actual = stated[0]
                yield ctx.finding(
                    "rationale-rate-mismatch",
                    e,
                    f"注記は「{text}」としていますが、表の現状値→目標値は {actual:+.1f}% です",
                    cell=f"notes[{k}]",
                    stated=text,
                    actual_percent=round(actual, 3),
                )


_INCREMENT = re.compile(
    rf"(?P<per>毎年度?|年間|1年あたり|年平均|各年度?)\s*(?:で|に)?\s*(?P<approx>約|おおむね|概ね)?\s*"
    rf"(?P<num>\d[\d,]*(?:\.\d+)?)(?P<unit>{_UNIT_ALT})?\s*(?P<tail>程度|前後|ずつ|づつ)?"
)
_BASE_YEAR = re.compile(r"^.{0,4}基準")


@check(
    "rationale-increment-mismatch",
    Severity.WARNING,
    "目標値の考え方の年間増加分と表が合わない",
    "A note states a yearly increment (``毎年度3人ずつ増加``, ``年間10人程度…累計``) "
    "for an indicator that accumulates (ずつ 増, 累計 in the note, or a cumulative "
    "indicator); base + increment × years to the final target is not the target. "
    "Base year: a year the note calls 基準, else the baseline's; base amount: the "
    "last amount in the table's unit printed before the increment, else the "
    "baseline. Tolerance: one step, or for 程度/約/おおむね one year's increment "
    "or a tenth of the target.",
)
def rationale_increment_mismatch(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        ind = e.indicator
        for k, note in _notes(e):
            for m in _INCREMENT.finditer(note):
                rest = note[m.end() : m.end() + 12]
                stepwise = m.group("tail") in ("ずつ", "づつ") and re.search(r"増|減", rest) is not None
                if not (stepwise or "累計" in note or ind.cumulative):
                    continue
                inc = float(m.group("num").replace(",", ""))
                if m.group("tail") in ("ずつ", "づつ") and re.match(r".{0,4}減", rest):
                    inc = -inc
                inc_unit = m.group("unit")
                for s in ind.series:
                    yield from _increment_series(ctx, e, k, note, m, s, inc, inc_unit)


def _increment_series(
    ctx: AuditContext,
    e: Entry,
    k: int,
    note: str,
    m: re.Match[str],
    s: Series,
    inc: float,
    inc_unit: str | None,
) -> Iterator[Finding]:
    valued = [c for c in s.targets if c.status == CellStatus.VALUE and c.value is not None]
    if not valued:
        return
    t = valued[-1]
    assert t.value is not None
    unit = t.unit or e.indicator.unit
    inc_v = inc if inc_unit is None or unit is None else convert(inc, inc_unit, unit)
    if inc_v is None or t.year is None:
        return
    base_year = s.baseline.year
    for p in find_periods(note[: m.start()]):
        if _BASE_YEAR.match(note[p.span[1] :]):
            base_year = p.year
    base_value = s.baseline.value if s.baseline.status == CellStatus.VALUE else None
    for n in note_numbers(note[: m.start()]):
        if n.unit is None or unit is None:
            continue
        v = convert(n.value, n.unit, unit)
        if v is not None:
            base_value = v
    if base_year is None or base_value is None or t.year <= base_year:
        return
    years = t.year - base_year
    expected = base_value + inc_v * years
    loose = bool(m.group("approx")) or m.group("tail") in ("程度", "前後")
    tol = max(abs(inc_v), abs(t.value) / 10) if loose else cell_step(t)
    if abs(expected - t.value) <= tol:
        return
    yield ctx.finding(
        "rationale-increment-mismatch",
        e,
        f"注記「{m.group(0)}」で計算すると {format_number(base_value)} + {format_number(inc_v)}×{years}年"
        f" = {_fmt(expected, unit)} ですが、表の目標値は {t.raw} です",
        series=s,
        cell=f"notes[{k}]",
        base=base_value,
        base_year=base_year,
        increment=inc_v,
        years=years,
        expected=expected,
        target=t.value,
    )


_STATED_BEFORE = re.compile(r"目標(?:値|人数|件数|数)?\s*(?:を|は|として|に)\s*(?:約|おおむね|概ね)?\s*$")
_STATED_AFTER = re.compile(
    r"^\s*(?:程度)?\s*(?:を目標|を目指|と設定|に設定|を設定|とする|とした|としま|とし[、,])"
)
_NOT_LEVEL_BEFORE = re.compile(r"(?:年間|毎年度?|1年あたり|年平均|各年度?)\s*(?:約|おおむね|概ね)?\s*$")
_NOT_LEVEL_AFTER = re.compile(r"^\s*(?:程度)?\s*(?:ずつ|づつ|の?増|の?減|の?削減|の?向上|アップ)")


@check(
    "rationale-number-mismatch",
    Severity.ERROR,
    "注記で述べた目標値が表と違う",
    "A note gives a number as the target (``目標値を150件と設定``, ``目標は62人``, "
    "``62人を目指す``) in a unit of the table, and no target cell holds it "
    "(after unit conversion, within one step). Increments (年間…, …ずつ) and "
    "rates (…%増) are not target levels.",
)
def rationale_number_mismatch(ctx: AuditContext) -> Iterator[Finding]:
    for e in ctx.entries():
        targets = _targets(e)
        if not targets:
            continue
        unit_of_ind = e.indicator.unit
        for k, note in _notes(e):
            for n in note_numbers(note):
                before, after = note[max(0, n.start - 12) : n.start], note[n.end : n.end + 12]
                if not (_STATED_BEFORE.search(before) or _STATED_AFTER.match(after)):
                    continue
                if _NOT_LEVEL_BEFORE.search(before) or _NOT_LEVEL_AFTER.match(after):
                    continue
                if n.unit is None and unit_of_ind is not None:
                    continue
                if n.unit == "%" and canonical_unit(unit_of_ind) != "%":
                    continue
                if not _convertible(n.unit, targets, unit_of_ind):
                    continue
                if _matches(n.value, n.unit, targets, unit_of_ind, n.step):
                    continue
                shown = note[n.start : n.end]
                table = "、".join(c.raw for c in targets)
                yield ctx.finding(
                    "rationale-number-mismatch",
                    e,
                    f"注記では目標値を {shown} としていますが、表の目標値は {table} です",
                    cell=f"notes[{k}]",
                    stated=n.value,
                    stated_unit=n.unit,
                    targets=[c.value for c in targets],
                )
