"""The reader's vocabulary: the words of KPI tables, loaded from ``vocabulary.toml``.

What differs between municipalities' documents is the wording of their
column headers and block labels; it is data, in ``vocabulary.toml`` beside
this module, each word with a note of where it was seen. This module reads it
once (package data, no other I/O) and answers the questions the stages ask:
which column a header cell names, which role a block label announces.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..text import remove_spaces

#: Column kinds a header cell can name.
COLUMN_KINDS = (
    "name",
    "baseline",
    "target",
    "actual",
    "forecast",
    "unit",
    "verdict",
    "direction",
    "note",
    "code",
    "ignore",
    "node",
    "year",
)


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """The words, by use. ``columns`` maps a column kind to (words, exclude words);
    ``roles`` maps a role (``数値目標`` …) to the block-label words announcing it."""

    columns: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    roles: dict[str, tuple[str, ...]]
    note_labels: tuple[str, ...]
    definition_labels: tuple[str, ...]
    text_values: tuple[str, ...]
    node_labels: tuple[str, ...]
    extra_units: tuple[str, ...]
    name_endings: tuple[str, ...]
    #: Row labels that are never an indicator (an evaluation sheet's input costs: 事業費 …).
    not_names: tuple[str, ...]
    link_labels: tuple[str, ...]
    level_roles: dict[str, str]

    def column_kind(self, cell: str) -> str | None:
        """The column kind a header cell names (``"baseline"`` for ``現状値 (令和元年度)``),
        by the longest vocabulary word it contains; ``None`` when it names none."""
        return _column_kind(self, cell)

    def _column_kind(self, cell: str) -> str | None:
        text = remove_spaces(cell)
        best: tuple[int, str] | None = None
        for kind, (words, exclude) in self.columns.items():
            if any(x in text for x in exclude):
                continue
            for w in words:
                if w in text and (best is None or len(w) > best[0]):
                    best = (len(w), kind)
        return best[1] if best else None

    def role_of(self, text: str) -> str | None:
        """The role (``数値目標``, ``KPI``, ``成果指標``, ``満足度``) a label names, by the
        longest word it contains; ``None`` when it names none."""
        return _role_of(self, text)

    def _role_of(self, text: str) -> str | None:
        t = remove_spaces(text)
        best: tuple[int, str] | None = None
        for role, words in self.roles.items():
            for w in words:
                if w in t and (best is None or len(w) > best[0]):
                    best = (len(w), role)
        return best[1] if best else None

    def is_note_label(self, text: str) -> bool:
        """``指標の考え方`` and the like: a row label whose text is a note on the indicator above."""
        return _is_note_label(self, text)


@lru_cache(maxsize=65536)
def _column_kind(voc: Vocabulary, cell: str) -> str | None:
    return voc._column_kind(cell)


@lru_cache(maxsize=65536)
def _is_note_label(voc: Vocabulary, text: str) -> bool:
    t = remove_spaces(text)
    return any(t.startswith(w) for w in voc.note_labels)


@lru_cache(maxsize=65536)
def _role_of(voc: Vocabulary, text: str) -> str | None:
    return voc._role_of(text)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The vocabulary of ``vocabulary.toml`` (read once)."""
    data = tomllib.loads(resources.files(__package__).joinpath("vocabulary.toml").read_text(encoding="utf-8"))
    unknown = set(data["columns"]) - set(COLUMN_KINDS)
    if unknown:
        raise ValueError(f"vocabulary.toml: unknown column kinds {sorted(unknown)} (known: {COLUMN_KINDS})")
    columns = {
        k: (tuple(remove_spaces(w) for w in v["words"]), tuple(v.get("exclude", ())))
        for k, v in data["columns"].items()
    }
    roles = {k: tuple(v) for k, v in data["roles"].items() if k != "seen"}
    return Vocabulary(
        columns=columns,
        roles=roles,
        note_labels=tuple(remove_spaces(w) for w in data["notes"]["labels"]),
        definition_labels=tuple(data["notes"]["definition"]),
        text_values=tuple(data["text_values"]["words"]),
        node_labels=tuple(data["node_labels"]["levels"]),
        extra_units=tuple(data["units"]["extra"]),
        name_endings=tuple(sorted(data["names"]["endings"], key=len, reverse=True)),
        not_names=tuple(remove_spaces(w) for w in data["names"].get("not_names", ())),
        link_labels=tuple(remove_spaces(w) for w in data["links"]["labels"]),
        level_roles={k: v for k, v in data["level_roles"].items() if k != "seen"},
    )
