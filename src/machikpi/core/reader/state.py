"""The state the reading forms of stage 3 share, and their common helpers.

:class:`ReaderState` holds what one document's reading accumulates; the
reading forms (:mod:`.rowtables`, :mod:`.streams`, :mod:`.listforms`,
:mod:`.footnotes`) are mixins over it and :class:`.tables.TableReader`
joins them. Methods one form calls on another are declared here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import ExtractWarning, Indicator, Node, PlanLink, Role, SourceRef
from ..periods import Period
from ..quantities import split_groups
from ..text import nfkc
from .build import Cell, Record, build
from .cells import (
    is_value,
)
from .headers import Header
from .lines import Line
from .outline import Numbering, Outline
from .vocabulary import vocabulary

_BLOCK_MARK = re.compile(r"^[◆■□●○◇◎▼▽▲△★☆【〔<＜≪《]+")
_FOOTNOTE = re.compile(r"^(?:\[?※\]?\d*|[*＊]\d*|注\d*[:：]|[:：]|\(注\)|\(※\s*\d*\)|\d[:：])")
_LIST_MARK = re.compile(r"^(?:[■□◆◇●○・•▶►\u2460-\u2473]|[-*]\s)\s*")
_ITEM_VALUE = r"[^\s→⇒]+(?:\s?[^\s→⇒(（\d:：]{1,4})?(?:\s*[(（][^()（）]*[)）])?"
_ARROW_ITEM = re.compile(
    rf"^(?P<name>.+?)[\s:：=＝]+(?P<a>{_ITEM_VALUE})\s*(?:→|⇒|➡|->)\s*(?P<b>{_ITEM_VALUE})$"
)
_LABELLED = re.compile(
    r"(?P<label>数値目標|成果指標|指標名|指標|基準値(?:[(（][^()（）]*[)）])?|現状値(?:[(（][^()（）]*[)）])?|"
    r"目標値(?:[(（][^()（）]*[)）])?|実績値(?:[(（][^()（）]*[)）])?|評価区分|評価)\s*[=:：]?\s*"
    r"(?P<value>[^\s=:：]+(?:\s*[(（][^()（）]*[)）])?)"
)
_LEGEND = re.compile(
    r"[(（]?\s*(?P<mark>[●■◆○◎□])\s*は\s*(?P<a>[^→⇒()（）]{1,12}?(?:年度|年))\s*[→⇒]\s*(?P<b>[^→⇒()（）]{1,12}?(?:年度|年))"
)
_VERDICT_MARK = re.compile(r"[○◯◎△×✕✖]|[A-ES]")
_CODE_LINE = re.compile(r"^(\d{1,2})\s*[-‐－]\s*(\d{1,2})\s+(\S.*)$")
_SATISFACTION = re.compile(r"^(?P<label>\S*満足度)\s+(?P<name>.+?)\s+(?P<value>\d+(?:\.\d+)?\s*%)$")


@dataclass
class Entry:
    """A name found in a cell stream with the cells that followed it."""

    line: Line
    node: Node | None
    name: str = ""
    values: list[Line] = field(default_factory=list)
    adjacent: bool = True
    actuals: list[Cell] = field(default_factory=list)
    milestones: list[Cell] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    definition: str | None = None
    note_order: bool = False
    grid_years: list[Period | None] = field(default_factory=list)
    verdict: str | None = None


@dataclass
class ReaderState:
    """What the reading forms share while one document is read: the lines, the
    outline, the indicators read so far and the table being read."""

    doc: str
    lines: list[Line]
    outline: Outline
    indicators: list[tuple[Node | None, Indicator]] = field(default_factory=list)
    warnings: list[ExtractWarning] = field(default_factory=list)
    role: Role | None = None
    role_period: Period | None = None
    role_cumulative: bool = False
    header: Header | None = None
    last: Indicator | None = None
    note_mode: bool = False
    _carry: list[Entry] = field(default_factory=list)
    links: dict[int, PlanLink] = field(default_factory=dict)
    toc: list[Numbering] = field(default_factory=list)
    _labels: bool | None = None
    _table_line: int = 0
    _fresh: Node | None = None
    _nos: list[int] = field(default_factory=list)
    _loose_verdicts: list[str] = field(default_factory=list)
    #: List marks whose items a legend gives years: mark → (baseline year, target year, legend).
    legends: dict[str, tuple[Period, Period, str]] = field(default_factory=dict)
    announced: dict[tuple[str, str], tuple[Numbering, int]] = field(default_factory=dict)
    _opened: list[tuple[str, str]] = field(default_factory=list)
    #: The last goal-level heading: (style, code, key of the first section title under it).
    _goal: tuple[str, str, str | None] | None = None

    # ---------------------------------------------------------------- helpers
    #: A table was read since the last re-entered heading (page-opener recovery).
    _since_table: bool = False
    #: The label that opens each page of a listed heading (``めざす姿``), once seen.
    _opener: str | None = None
    _note_label: str = ""
    _note_open: bool = False

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ExtractWarning(SourceRef(self.doc, line), message))

    def emit(self, rec: Record) -> Indicator:
        ind = build(rec, self.doc, self.warnings)
        if rec.uncertain:
            self.warn(rec.line, f"不確かな行: {ind.name} (値の位置から推定しました)")
        self.indicators.append((self.outline.node(), ind))
        self._since_table = True
        self.last = ind
        self.note_mode = False
        return ind

    def current_role(self) -> Role:
        """The role of the table being read: the block label's, else the one
        the vocabulary gives the node's level (基本目標 → 数値目標, 施策 → KPI),
        else 成果指標."""
        if self.role is not None:
            return self.role
        path = self.outline.path()
        roles = vocabulary().level_roles
        by_level = roles.get(path[-1].level) if path else None
        if path and not path[-1].level and len(path) >= 2 and roles.get(path[-2].level) == "数値目標":
            # A node under a goal, its level word lost: a measure.
            by_level = "KPI"
        return Role(by_level) if by_level else Role.OUTCOME

    def next_text(self, i: int) -> int | None:
        for j in range(i + 1, min(i + 4, len(self.lines))):
            if self.lines[j].kind == "blank":
                continue
            return j
        return None

    def _bare_title(self, after: int, before: int) -> Line | None:
        raise NotImplementedError  # defined by a reading-form mixin of TableReader

    def _caption(self, k: int) -> None:
        raise NotImplementedError  # defined by a reading-form mixin of TableReader

    def _list_caption(self, i: int) -> None:
        raise NotImplementedError  # defined by a reading-form mixin of TableReader

    def _scan_legends(self) -> None:
        raise NotImplementedError  # defined by a reading-form mixin of TableReader

    def _valueless(self, nm: Line, header: Header, *, name: str = "", node: Node | None = None) -> None:
        raise NotImplementedError  # defined by a reading-form mixin of TableReader

    def add_note(self, text: str, ln: Line) -> None:
        raise NotImplementedError  # defined by a reading-form mixin of TableReader

    def data_row(self, i: int, header: Header) -> int:
        raise NotImplementedError  # defined by a reading-form mixin of TableReader

    def footnote(self, ln: Line) -> None:
        raise NotImplementedError  # defined by a reading-form mixin of TableReader

    def link_list(self, i: int) -> int:
        raise NotImplementedError  # defined by a reading-form mixin of TableReader

    def list_item(self, ln: Line) -> Record | None:
        raise NotImplementedError  # defined by a reading-form mixin of TableReader

    def record_from_cells(self, name: str, cells: list[str], header: Header, line: int) -> Record:
        raise NotImplementedError  # defined by a reading-form mixin of TableReader

    def row_table(self, i: int) -> int:
        raise NotImplementedError  # defined by a reading-form mixin of TableReader

    def satisfaction(self, i: int, name: str, value: str) -> int:
        raise NotImplementedError  # defined by a reading-form mixin of TableReader

    def start_note(self, label: str) -> None:
        raise NotImplementedError  # defined by a reading-form mixin of TableReader

    def stream(self, i: int) -> int:
        raise NotImplementedError  # defined by a reading-form mixin of TableReader


_CONTENT = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff々ー]")
_TAIL_NOUN = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff々ー]+$")


def _mark_number(mark: str) -> str:
    """The number of a footnote mark (``¹`` → ``"1"``, ``※2`` → ``"2"``), ``""`` if none."""
    return "".join(ch for ch in nfkc(mark) if ch.isdigit())


def _similarity(note: str, names: list[str]) -> list[float]:
    """How strongly ``note`` speaks of each of ``names``: shared kanji/katakana
    bigrams count 1/df each (df: the number of names holding the bigram);
    characters of the note's last noun held by a name count 0.5/df each (a
    footnote usually ends with the term it explains)."""

    def bigrams(t: str) -> set[str]:
        return {t[k : k + 2] for k in range(len(t) - 1) if _CONTENT.match(t[k]) and _CONTENT.match(t[k + 1])}

    def chars(t: str) -> set[str]:
        return {c for c in t if _CONTENT.match(c)}

    name_bigrams = [bigrams(n) for n in names]
    name_chars = [chars(n) for n in names]
    tail = _TAIL_NOUN.search(re.sub(r"[」』)）\]\s。.]+$", "", note))
    note_bigrams = bigrams(note)
    tail_chars = chars(tail.group(0)) if tail else set()
    scores: list[float] = []
    for k in range(len(names)):
        sc = sum(1 / sum(b in g for g in name_bigrams) for b in note_bigrams & name_bigrams[k])
        sc += 0.5 * sum(1 / sum(c in cs for cs in name_chars) for c in tail_chars & name_chars[k])
        scores.append(sc)
    return scores


def _next_code(code: str) -> str:
    return str(int(code) + 1) if code.isdigit() else ""


def _one_off(word: str, text: str) -> bool:
    """``word`` stands in ``text`` with exactly one character different."""
    n = len(word)
    return any(
        sum(a != b for a, b in zip(word, text[k : k + n], strict=True)) == 1 for k in range(len(text) - n + 1)
    )


def _labelled(text: str) -> bool:
    """``満野→双海 20分``: a value with a group label in front."""
    return bool(re.match(r"^[^\d\s]{1,10}\s+\d", text.strip()))


def _grouped(text: str) -> bool:
    """A cell with a group label in front (``小学校 88.7%``) or several groups."""
    return bool(text.strip()) and (
        len(split_groups(text)) > 1 or bool(re.match(r"^[^\d\s]{1,6}\s+\d", text.strip()))
    )


def looks_like_unit_value(text: str) -> bool:
    """``1 本`` and the like (a value that a numbering reader could take for ``1 title``)."""
    return bool(re.fullmatch(r"\d[\d,.]*\s*\S{1,4}", text.strip())) and is_value(text)
