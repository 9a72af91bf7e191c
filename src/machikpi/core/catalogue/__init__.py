"""The indicator catalogue: concepts that recur in municipal plans, and a matcher.

The concepts (合計特殊出生率, 待機児童数, 観光入込客数, 自治会加入率 …) are data, in
``concepts.toml`` beside this module, each with its wordings as printed, regular
expressions, the unit kinds its values come in, the usual direction, its SDG goals
and the source of that reading. This module reads it once (package data, no
other I/O), compiles it, and answers one question: which concept does a printed
indicator name (with its unit and definition) stand for?

How a name is scored against a concept (:func:`match`):

* the name is normalised (NFKC, no white space, the spellings of
  ``[normalise]`` brought to one form);
* a wording equal to the name scores 1.0; a wording contained in it, or a
  pattern found in it, ``0.7 + 0.3 × (matched length / name length)``;
* failing those, distinctive bigrams: the IDF-weighted overlap of the name's
  character bigrams with a wording's, scaled by ``0.9`` (so only a near
  rewording passes the threshold), counted only when the name holds at least
  :data:`BIGRAM_COVERAGE` of the wording's weighted bigrams;
* the definition is searched for wordings and patterns too: a hit scores
  ``0.7`` on its own, and adds ``0.1`` to a name hit of the same concept;
* a word of the concept's ``exclude`` list in the text vetoes the concept;
* the unit: a share concept (units only ``percent``/``rate``) never takes an
  indicator counted in 件/人 (or, without unit, a name ending in 数); a count
  concept never takes a share (a unit in %, or a name ending in 割合/率). Any
  other unit of a kind the concept does not list multiplies the score by 0.7.

A match needs a score of at least :data:`THRESHOLD`; the best concept wins
(ties: the longer matched wording or pattern, then the file's order).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..text import nfkc, remove_spaces

#: The least score a concept needs to be returned by :func:`match`. Chosen so that a
#: wording contained in the name always passes (≥ 0.7) while a wrong unit kind
#: (× 0.7) or a bigram overlap below about two thirds does not.
THRESHOLD = 0.6
#: The least IDF-weighted share of a wording's bigrams a name must hold for bigram
#: evidence: the bigrams a name lacks must be the common ones (の, 受), not the
#: distinctive ones (``放課後児童クラブ登録児童数`` lacks 待機 of ``…待機児童数``).
BIGRAM_COVERAGE = 0.85
#: Allowed values of a concept's ``direction``.
DIRECTIONS = ("higher", "lower", "keep")
#: Unit kinds that are shares (a part of a whole, a ratio) and kinds that are counts.
SHARE_KINDS = frozenset({"percent", "rate"})
COUNT_KINDS = frozenset({"count", "people"})

_SHARE_NAME = re.compile(r"(割合|率|比率|満足度|比)(\([^()]*\))?$")
_COUNT_NAME = re.compile(r"((?<![指係])数|件数|人数|者数|人員)(\([^()]*\))?$")
_MAGNITUDE = ("千", "万", "百万", "億", "百")


@dataclass(frozen=True)
class Concept:
    """One concept of the catalogue. ``wordings`` are normalised; ``patterns``
    compiled; ``units`` the unit kinds its values come in; ``direction`` one of
    :data:`DIRECTIONS`; ``sdg`` goals 1–17 and ``targets`` (``"11.5"``)."""

    id: str
    label: str
    wordings: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    exclude: tuple[str, ...]
    units: frozenset[str]
    direction: str
    sdg: tuple[int, ...]
    targets: tuple[str, ...]
    source: str
    seen: str

    @property
    def is_share(self) -> bool:
        """True when every unit kind of the concept is a share (percent, rate)."""
        return self.units <= SHARE_KINDS

    @property
    def is_count(self) -> bool:
        """True when every unit kind of the concept is a count (count, people)."""
        return self.units <= COUNT_KINDS


@dataclass(frozen=True)
class Match:
    """A concept found for an indicator: ``concept`` (id), ``score`` in 0–1 and
    ``why``, a short human-readable reason (which wording, pattern or bigrams)."""

    concept: str
    score: float
    why: str


@dataclass(frozen=True, eq=False)
class Catalogue:
    """The compiled catalogue: concepts by id (file order), the unit table and the
    normalisation replacements, and the bigram weights of the wordings."""

    concepts: dict[str, Concept]
    unit_kinds: dict[str, str]
    replace: tuple[tuple[str, str], ...]
    idf: dict[str, float]
    default_idf: float
    #: Per concept id: (wording, its bigrams, their summed IDF weight), compiled once.
    wording_bigrams: dict[str, tuple[tuple[str, frozenset[str], float], ...]]
    #: Bigram -> ids of the concepts whose wordings hold it.
    bigram_index: dict[str, frozenset[str]]

    def normalise(self, text: str) -> str:
        """``text`` as names are compared: NFKC, no white space, the ``[normalise]`` replacements."""
        t = remove_spaces(nfkc(text))
        for old, new in self.replace:
            t = t.replace(old, new)
        return t

    def unit_kind(self, unit: str | None) -> str | None:
        """The kind (``count``, ``people``, ``percent`` …) of a printed unit; ``None`` when
        ``unit`` is empty or not in the table. ``千人``/``万人`` are looked up as ``人``."""
        if not unit:
            return None
        u = remove_spaces(nfkc(unit))
        if u in self.unit_kinds:
            return self.unit_kinds[u]
        for prefix in _MAGNITUDE:
            if u.startswith(prefix) and u[len(prefix) :] in self.unit_kinds:
                return self.unit_kinds[u[len(prefix) :]]
        return None


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)]


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The catalogue of ``concepts.toml``, read and compiled once.

    Raises ``ValueError`` when an entry lacks a field, repeats an id, names an
    unknown unit kind or direction, or an SDG goal outside 1–17 (the file is
    package data: such an error is a bug of the file, told at first use)."""
    data = tomllib.loads(resources.files(__package__).joinpath("concepts.toml").read_text(encoding="utf-8"))
    unit_kinds = {remove_spaces(nfkc(u)): kind for kind, units in data["unit_kinds"].items() for u in units}
    replace = tuple((nfkc(a), nfkc(b)) for a, b in data["normalise"]["replace"])
    draft = Catalogue({}, unit_kinds, replace, {}, 0.0, {}, {})
    concepts: dict[str, Concept] = {}
    kinds = set(data["unit_kinds"])
    for entry in data["concepts"]:
        cid = entry["id"]
        if cid in concepts:
            raise ValueError(f"concepts.toml: id {cid!r} twice")
        if entry["direction"] not in DIRECTIONS:
            raise ValueError(f"concepts.toml: {cid}: direction {entry['direction']!r}")
        if not set(entry["units"]) <= kinds or not entry["units"]:
            raise ValueError(f"concepts.toml: {cid}: units {entry['units']!r}")
        if not entry["sdg"] or any(not 1 <= g <= 17 for g in entry["sdg"]):
            raise ValueError(f"concepts.toml: {cid}: sdg {entry['sdg']!r}")
        if not entry.get("wordings") and not entry.get("patterns"):
            raise ValueError(f"concepts.toml: {cid}: neither wordings nor patterns")
        concepts[cid] = Concept(
            id=cid,
            label=entry["label"],
            wordings=tuple(dict.fromkeys(draft.normalise(w) for w in entry.get("wordings", ()))),
            patterns=tuple(re.compile(p) for p in entry.get("patterns", ())),
            exclude=tuple(draft.normalise(w) for w in entry.get("exclude", ())),
            units=frozenset(entry["units"]),
            direction=entry["direction"],
            sdg=tuple(entry["sdg"]),
            targets=tuple(entry.get("targets", ())),
            source=entry["source"],
            seen=entry.get("seen", ""),
        )
    # Document frequency of a bigram = number of concepts whose wordings hold it.
    df: Counter[str] = Counter()
    for c in concepts.values():
        df.update({b for w in c.wordings for b in _bigrams(w)})
    n = len(concepts)
    idf = {b: math.log((n + 1) / (k + 0.5)) for b, k in df.items()}
    wording_bigrams = {
        c.id: tuple(
            (w, frozenset(_bigrams(w)), sum(idf[b] for b in set(_bigrams(w))))
            for w in c.wordings
            if len(w) > 1
        )
        for c in concepts.values()
    }
    index: dict[str, set[str]] = {}
    for cid, entries in wording_bigrams.items():
        for _, bgs, _ in entries:
            for b in bgs:
                index.setdefault(b, set()).add(cid)
    return Catalogue(
        concepts,
        unit_kinds,
        replace,
        idf,
        math.log((n + 1) / 0.5),
        wording_bigrams,
        {b: frozenset(ids) for b, ids in index.items()},
    )


def concepts() -> tuple[Concept, ...]:
    """Every concept of the catalogue, in file order."""
    return tuple(catalogue().concepts.values())


def concept(cid: str) -> Concept:
    """The concept of id ``cid``; ``KeyError`` when there is none."""
    return catalogue().concepts[cid]


def _text_hit(c: Concept, text: str) -> tuple[float, int, str] | None:
    """The best wording/pattern evidence for ``c`` in normalised ``text``:
    (score, length of the matched text, why)."""
    best: tuple[float, int, str] | None = None
    for w in c.wordings:
        if w == text:
            return 1.0, len(w), f"wording {w}"
        if w in text:
            cand = (0.7 + 0.3 * len(w) / len(text), len(w), f"wording {w}")
            if best is None or cand[:2] > best[:2]:
                best = cand
    for p in c.patterns:
        m = p.search(text)
        if m:
            span = m.end() - m.start()
            score = 1.0 if span == len(text) else 0.7 + 0.3 * span / len(text)
            cand = (score, span, f"pattern {p.pattern}")
            if best is None or cand[:2] > best[:2]:
                best = cand
    return best


def _bigram_hit(cat: Catalogue, c: Concept, name_bg: set[str], wname: float) -> tuple[float, int, str] | None:
    """IDF-weighted bigram overlap of a name (its bigrams ``name_bg``, their summed
    weight ``wname``) with the closest wording of ``c``: the harmonic mean of the
    weighted share of the name's bigrams found in the wording and of the
    wording's found in the name, times 0.9; a wording of which the name holds less
    than :data:`BIGRAM_COVERAGE` of the weight counts for nothing."""
    best: tuple[float, int, str] | None = None
    for w, wb, ww in cat.wording_bigrams[c.id]:
        common = name_bg & wb
        if not common:
            continue
        wc = sum(cat.idf[b] for b in common)
        p, r = wc / wname, wc / ww
        if r < BIGRAM_COVERAGE:
            continue  # a distinctive part of the wording (待機, 公共交通) is missing from the name
        score = 0.9 * 2 * p * r / (p + r)
        if best is None or score > best[0]:
            best = (score, 0, f"bigrams of {w} ({len(common)}/{len(wb)})")
    return best


def _excluded(c: Concept, text: str) -> bool:
    return any(x in text for x in c.exclude)


def ranked(name: str, unit: str | None = None, definition: str | None = None) -> list[Match]:
    """Every concept with a score above 0 for the indicator, best first (see the
    module docstring for the scoring); :func:`match` takes the first if it
    reaches :data:`THRESHOLD`. ``unit`` is the printed unit (``人``, ``%``, ``億円``)."""
    cat = catalogue()
    text = cat.normalise(name)
    defn = cat.normalise(definition) if definition else ""
    if not text:
        return []
    kind = cat.unit_kind(unit)
    share_name = bool(_SHARE_NAME.search(text))
    count_name = bool(_COUNT_NAME.search(text))
    is_count = kind in COUNT_KINDS or (kind is None and count_name and not share_name)
    is_share = kind in SHARE_KINDS or (kind is None and share_name)
    name_bg = set(_bigrams(text))
    wname = sum(cat.idf.get(b, cat.default_idf) for b in name_bg)
    near = {cid for b in name_bg for cid in cat.bigram_index.get(b, ())}
    out: list[tuple[float, int, Match]] = []
    for c in cat.concepts.values():
        if _excluded(c, text):
            continue
        if (c.is_share and is_count) or (c.is_count and (is_share or share_name)):
            continue
        hit = _text_hit(c, text)
        if hit is None and c.id in near:
            hit = _bigram_hit(cat, c, name_bg, wname)
        score, span, why = hit if hit else (0.0, 0, "")
        if defn and not _excluded(c, defn):
            dhit = _text_hit(c, defn)
            if dhit is not None:
                if span > 0:
                    score, why = min(1.0, score + 0.1), f"{why}; definition: {dhit[2]}"
                elif score < 0.7:
                    score, why = 0.7, f"definition: {dhit[2]}"
        if score <= 0:
            continue
        if kind is not None and kind not in c.units:
            score, why = score * 0.7, f"{why}; unit {unit} is not {'/'.join(sorted(c.units))}"
        out.append((score, span, Match(c.id, round(score, 3), why)))
    # best score first; a tie goes to the longer matched wording/pattern, then file order
    out.sort(key=lambda t: (-t[0], -t[1]))
    return [m for _, _, m in out]


@lru_cache(maxsize=65536)
def match(name: str, unit: str | None = None, definition: str | None = None) -> Match | None:
    """The concept a printed indicator stands for, or ``None``.

    ``name`` is the indicator name as printed (``保育所等の待機児童数``), ``unit`` its
    unit (``人``; ``None`` when not printed), ``definition`` its printed definition
    or ``None``. Returns the best :class:`Match` when its score reaches
    :data:`THRESHOLD`, else ``None``. Pure: the catalogue is package data read once."""
    best = ranked(name, unit, definition)
    if best and best[0].score >= THRESHOLD:
        return best[0]
    return None
