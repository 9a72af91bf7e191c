"""Rule sets: declarative grading rules a municipality writes in TOML, no code.

Schema (every key is checked; an unknown key or a bad value raises
:class:`RuleSetError` naming the file and the key, e.g. ``band[2].min``)::

    name = "baseline-band"            # required: the name written to evaluation.rules
    title = "…"                       # optional free text
    source = "…"                      # optional: where the rule comes from
    measure = "achievement_rate"      # default measure of the bands: achievement_rate |
                                      #   progress_rate | pace | cagr_ratio
    cannot_grade = "−"                # optional: grade written when it cannot grade
                                      #   (else grade is null); a reason is always given

    [baseline]                        # optional: when is a change "unchanged"?
    unchanged_relative = 0.10         # a change within 10 % of |baseline| …
    unchanged_points = 3.0            # … or within 3 points, for unit-% indicators only
    unchanged_inclusive = true        # true: a change equal to the tolerance is unchanged

    [[band]]                          # ordered; the first band whose conditions all hold wins
    grade = "S"                       # required: the grade as printed
    points = 7                        # optional number
    when = ["target_reached"]         # optional conditions, all must hold:
                                      #   target_reached, not_target_reached,
                                      #   better_than_baseline, unchanged,
                                      #   not_worse_than_baseline, worse_than_baseline
    measure = "pace"                  # optional, else the default measure
    min = 1.0                         # optional: measure >= min
    max = 1.5                         # optional: measure < max

    [rollup]                          # optional: grades of indicators → a node
    method = "mean_points"            # mean_points | weighted_mean_points |
                                      #   share_achieved | worst | mean_measure
    achieved = ["S"]                  # grades counting as achieved (share_achieved)
    [[rollup.band]]                   # optional: grade of the node from the rolled-up value
    grade = "A"
    min = 0.8

A band with neither ``when`` nor ``min``/``max`` matches every gradable row
("otherwise"). Conditions on the baseline are false where there is no
baseline; a measure that is undefined (``NaN``) fails ``min``/``max``.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import MachikpiError
from .codes import MEASURES

CONDITIONS: tuple[str, ...] = (
    "target_reached",
    "not_target_reached",
    "better_than_baseline",
    "unchanged",
    "not_worse_than_baseline",
    "worse_than_baseline",
)
ROLLUP_METHODS: tuple[str, ...] = (
    "mean_points",
    "weighted_mean_points",
    "share_achieved",
    "worst",
    "mean_measure",
)


class RuleSetError(MachikpiError, ValueError):
    """A rule-set file is not valid. ``str()`` is ``source: key: message``."""

    def __init__(self, message: str, *, source: str = "", key: str = ""):
        self.message = message
        self.source = source
        self.key = key
        super().__init__(f"{source or '<rule set>'}: {key + ': ' if key else ''}{message}")


@dataclass(frozen=True)
class Band:
    """One grade band: ``grade`` applies when every condition in ``when`` holds
    and ``min <= measure < max`` (either bound optional)."""

    grade: str
    points: float | None = None
    when: tuple[str, ...] = ()
    measure: str | None = None
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Rollup:
    """How grades of indicators roll up to a node (see the module docstring)."""

    method: str
    achieved: tuple[str, ...] = ()
    bands: tuple[Band, ...] = ()


@dataclass(frozen=True)
class RuleSet:
    """A parsed rule set; build it with :func:`parse_ruleset` or :func:`ruleset_from_toml`."""

    name: str
    bands: tuple[Band, ...]
    measure: str = "achievement_rate"
    title: str = ""
    source: str = ""
    cannot_grade: str | None = None
    unchanged_relative: float = 0.0
    unchanged_points: float = 0.0
    unchanged_inclusive: bool = True
    rollup: Rollup | None = None
    grades: tuple[str, ...] = field(default=())

    def band_measure(self, band: Band) -> str:
        """The measure a band compares (its own, else the rule set's default)."""
        return band.measure or self.measure


def _keys(table: Mapping[str, Any], allowed: set[str], where: str, src: str) -> None:
    for key in table:
        if key not in allowed:
            full = f"{where}.{key}" if where else key
            raise RuleSetError(f"unknown key (allowed: {', '.join(sorted(allowed))})", source=src, key=full)


def _str(table: Mapping[str, Any], key: str, where: str, src: str, *, required: bool = False) -> str | None:
    full = f"{where}.{key}" if where else key
    if key not in table:
        if required:
            raise RuleSetError("required key missing", source=src, key=full)
        return None
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise RuleSetError(f"must be a non-empty string, got {value!r}", source=src, key=full)
    return value


def _num(table: Mapping[str, Any], key: str, where: str, src: str) -> float | None:
    full = f"{where}.{key}" if where else key
    if key not in table:
        return None
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RuleSetError(f"must be a finite number, got {value!r}", source=src, key=full)
    return float(value)


def _measure(table: Mapping[str, Any], key: str, where: str, src: str) -> str | None:
    value = _str(table, key, where, src)
    if value is not None and value not in MEASURES:
        full = f"{where}.{key}" if where else key
        raise RuleSetError(f"unknown measure {value!r} (one of: {', '.join(MEASURES)})", source=src, key=full)
    return value


def _band(raw: Any, where: str, src: str, *, conditions: bool) -> Band:
    if not isinstance(raw, Mapping):
        raise RuleSetError("must be a table", source=src, key=where)
    allowed = {"grade", "points", "when", "measure", "min", "max"} if conditions else {"grade", "min", "max"}
    _keys(raw, allowed, where, src)
    grade = _str(raw, "grade", where, src, required=True)
    assert grade is not None
    when_raw = raw.get("when", [])
    if isinstance(when_raw, str):
        when_raw = [when_raw]
    if not isinstance(when_raw, list) or not all(isinstance(w, str) for w in when_raw):
        raise RuleSetError("must be a condition name or a list of them", source=src, key=f"{where}.when")
    for w in when_raw:
        if w not in CONDITIONS:
            raise RuleSetError(
                f"unknown condition {w!r} (one of: {', '.join(CONDITIONS)})", source=src, key=f"{where}.when"
            )
    lo, hi = _num(raw, "min", where, src), _num(raw, "max", where, src)
    if lo is not None and hi is not None and lo >= hi:
        raise RuleSetError(f"min {lo} must be below max {hi}", source=src, key=f"{where}.max")
    return Band(
        grade=grade,
        points=_num(raw, "points", where, src),
        when=tuple(when_raw),
        measure=_measure(raw, "measure", where, src) if conditions else None,
        min=lo,
        max=hi,
    )


def parse_ruleset(data: Mapping[str, Any], *, source: str = "") -> RuleSet:
    """Check and convert a parsed TOML document into a :class:`RuleSet`.

    ``source`` names the file in error messages. Raises :class:`RuleSetError`.
    """
    src = source
    _keys(data, {"name", "title", "source", "measure", "cannot_grade", "baseline", "band", "rollup"}, "", src)
    name = _str(data, "name", "", src, required=True)
    assert name is not None
    measure = _measure(data, "measure", "", src) or "achievement_rate"
    base = data.get("baseline", {})
    if not isinstance(base, Mapping):
        raise RuleSetError("must be a table", source=src, key="baseline")
    _keys(base, {"unchanged_relative", "unchanged_points", "unchanged_inclusive"}, "baseline", src)
    rel = _num(base, "unchanged_relative", "baseline", src) or 0.0
    pts = _num(base, "unchanged_points", "baseline", src) or 0.0
    if rel < 0 or pts < 0:
        raise RuleSetError("tolerances must not be negative", source=src, key="baseline")
    inclusive = base.get("unchanged_inclusive", True)
    if not isinstance(inclusive, bool):
        raise RuleSetError(
            f"must be true or false, got {inclusive!r}", source=src, key="baseline.unchanged_inclusive"
        )
    raw_bands = data.get("band")
    if not isinstance(raw_bands, list) or not raw_bands:
        raise RuleSetError("at least one [[band]] is required", source=src, key="band")
    bands = tuple(_band(b, f"band[{i}]", src, conditions=True) for i, b in enumerate(raw_bands))
    grades = tuple(dict.fromkeys(b.grade for b in bands))
    rollup = None
    if "rollup" in data:
        r = data["rollup"]
        if not isinstance(r, Mapping):
            raise RuleSetError("must be a table", source=src, key="rollup")
        _keys(r, {"method", "achieved", "band"}, "rollup", src)
        method = _str(r, "method", "rollup", src, required=True)
        if method not in ROLLUP_METHODS:
            raise RuleSetError(
                f"unknown method {method!r} (one of: {', '.join(ROLLUP_METHODS)})",
                source=src,
                key="rollup.method",
            )
        achieved = r.get("achieved", [])
        if not isinstance(achieved, list) or not all(isinstance(g, str) for g in achieved):
            raise RuleSetError("must be a list of grades", source=src, key="rollup.achieved")
        for g in achieved:
            if g not in grades:
                raise RuleSetError(
                    f"grade {g!r} is not a grade of any band", source=src, key="rollup.achieved"
                )
        if method == "share_achieved" and not achieved:
            raise RuleSetError("share_achieved needs achieved = [grades]", source=src, key="rollup.achieved")
        if method in ("mean_points", "weighted_mean_points") and any(b.points is None for b in bands):
            raise RuleSetError(f"{method} needs points on every band", source=src, key="rollup.method")
        rbands = r.get("band", [])
        if not isinstance(rbands, list):
            raise RuleSetError("must be an array of tables", source=src, key="rollup.band")
        rollup = Rollup(
            method=method,
            achieved=tuple(achieved),
            bands=tuple(_band(b, f"rollup.band[{i}]", src, conditions=False) for i, b in enumerate(rbands)),
        )
    cannot = data.get("cannot_grade")
    if cannot is not None and not isinstance(cannot, str):
        raise RuleSetError(f"must be a string, got {cannot!r}", source=src, key="cannot_grade")
    return RuleSet(
        name=name,
        bands=bands,
        measure=measure,
        title=_str(data, "title", "", src) or "",
        source=_str(data, "source", "", src) or "",
        cannot_grade=cannot,
        unchanged_relative=rel,
        unchanged_points=pts,
        unchanged_inclusive=inclusive,
        rollup=rollup,
        grades=grades,
    )


def ruleset_from_toml(text: str, *, source: str = "") -> RuleSet:
    """Parse rule-set TOML text (no file access). Raises :class:`RuleSetError`
    for a TOML syntax error (with its line and column) or a schema error."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RuleSetError(f"not valid TOML: {e}", source=source) from e
    return parse_ruleset(data, source=source)
