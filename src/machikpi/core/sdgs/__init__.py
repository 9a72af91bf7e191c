"""The 17 SDG goals as data (``goals.toml``: official colour, short Japanese name, with
their sources), the badge text colour chosen by WCAG contrast, and the suggestion of a
node's goals from its matched indicators and its text.

Pure: package data read once, no other I/O.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..catalogue import catalogue
from ..catalogue import concept as catalogue_concept
from ..catalogue import concepts as catalogue_concepts

BLACK = "#000000"
WHITE = "#FFFFFF"
#: WCAG 2.1 AA contrast for normal text (success criterion 1.4.3).
AA_CONTRAST = 4.5


@dataclass(frozen=True)
class Goal:
    """An SDG goal: ``number`` 1–17, ``colour`` the official hex colour, ``short`` its
    short Japanese name; ``text`` the badge's text colour (black or white by contrast)."""

    number: int
    colour: str
    short: str

    @property
    def text(self) -> str:
        """The badge's text colour (:func:`text_colour`)."""
        return text_colour(self.colour)

    @property
    def contrast(self) -> float:
        """The contrast ratio of the badge's text on its colour."""
        return contrast_ratio(self.colour, self.text)


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of ``#RRGGBB`` (WCAG 2.1 definition, sRGB)."""
    h = colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1–21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with ``background``."""
    return BLACK if contrast_ratio(background, BLACK) >= contrast_ratio(background, WHITE) else WHITE


@lru_cache(maxsize=1)
def goals() -> tuple[Goal, ...]:
    """The 17 goals in order; ``ValueError`` when the data file is not 1–17 once each."""
    data = tomllib.loads(resources.files(__package__).joinpath("goals.toml").read_text(encoding="utf-8"))
    out = tuple(Goal(int(g["number"]), str(g["colour"]).upper(), str(g["short"])) for g in data["goals"])
    if [g.number for g in out] != list(range(1, 18)):
        raise ValueError("goals.toml: goals must be 1 to 17 in order")
    return out


def goal(number: int) -> Goal:
    """Goal ``number`` (1–17); ``KeyError`` otherwise."""
    if not 1 <= number <= 17:
        raise KeyError(number)
    return goals()[number - 1]


@dataclass(frozen=True)
class Suggestion:
    """A goal suggested for a node: ``goal``, ``score`` (how many pieces of evidence),
    ``why`` (the concepts and wordings that gave it)."""

    goal: int
    score: int
    why: str


def suggest(concept_ids: Iterable[str], text: str = "") -> list[Suggestion]:
    """SDG goals for a node from the concepts of its indicators (each concept's goals
    count once per indicator) and from its text (a catalogue wording found in the
    node's title and body counts its concept's goals once). Best first, then by goal."""
    counts: Counter[int] = Counter()
    why: dict[int, list[str]] = {}
    for cid in concept_ids:
        if not cid:
            continue
        try:
            c = catalogue_concept(cid)
        except KeyError:
            continue
        for g in c.sdg:
            counts[g] += 1
            why.setdefault(g, []).append(c.label)
    if text:
        norm = catalogue().normalise(text)
        for c in catalogue_concepts():
            hit = next((w for w in c.wordings if len(w) >= 3 and w in norm), None)
            if hit is None:
                continue
            for g in c.sdg:
                counts[g] += 1
                why.setdefault(g, []).append(f"本文「{hit}」")
    return [
        Suggestion(g, n, "、".join(dict.fromkeys(why[g])))
        for g, n in sorted(counts.items(), key=lambda t: (-t[1], t[0]))
    ]
