"""The plan model: what a plan document says, as plain data.

A :class:`Plan` is the structured reading of one plan document. Its
:class:`Node` tree holds the hierarchy of goals and measures (基本目標 → 施策 →
具体的な施策, 分野 → 施策大項目, 重点戦略 → 取組 …); each node carries the
:class:`Indicator` objects printed for it (数値目標, KPI, 成果指標, 満足度).
An indicator has one or more :class:`Series`, one per group of a split value
(``小 79.9% 中 66.3%`` gives the groups ``小`` and ``中``); a series holds the
baseline, target and actual :class:`ValueCell` objects.

Everything here is pure data: no I/O, no database. Field meanings follow
``docs/kpi-rows.md`` and ``docs/opinion-rows.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class CellStatus(StrEnum):
    """What a value cell says.

    ``value``: a number is given; ``none``: ``—``/``-``/``–``, no value exists;
    ``pending``: ``検討中``/``設定予定`` or an empty target cell; ``tallying``:
    ``集計中`` (being tallied); ``text``: words instead of a number (``設置``,
    ``策定``, ``全員取得``, ``現状値を維持``), ``value`` is ``None``.
    """

    VALUE = "value"
    NONE = "none"
    PENDING = "pending"
    TALLYING = "tallying"
    TEXT = "text"


class YearType(StrEnum):
    """``fiscal``: 年度, April to March, named by the year it starts in.
    ``calendar``: 年, January to December."""

    FISCAL = "fiscal"
    CALENDAR = "calendar"


class Bound(StrEnum):
    """A target printed as a limit: ``max`` for ``以内``/``以下``/``未満``,
    ``min`` for ``以上``/``超``."""

    MAX = "max"
    MIN = "min"


class Role(StrEnum):
    """The kind of table an indicator is printed in."""

    NUMERIC_GOAL = "数値目標"
    KPI = "KPI"
    OUTCOME = "成果指標"
    SATISFACTION = "満足度"


@dataclass(frozen=True)
class SourceRef:
    """A place in a source document: file name and 1-based line number."""

    doc: str
    line: int

    def __str__(self) -> str:
        return f"{self.doc}:{self.line}"


@dataclass
class ValueCell:
    """One printed value: a baseline, target or actual cell.

    ``raw`` is the cell text as printed (NFKC-normalised, layout marks such as
    ``▶▶`` removed); ``value`` is in the unit of the indicator; ``year`` is a
    Western year (``令和元年度`` → 2019) taken from the cell, else from the
    column header; ``unit`` is the unit the cell itself prints, if any;
    ``notes`` holds remarks printed inside the cell (``閏年``, ``移動均衡``);
    ``repairs`` lists the OCR repairs made to read it (see
    :mod:`machikpi.core.quantities`), so that a person can check them.
    """

    raw: str
    status: CellStatus
    value: float | None = None
    year: int | None = None
    year_type: YearType | None = None
    bound: Bound | None = None
    unit: str | None = None
    notes: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)


def empty_cell(status: CellStatus = CellStatus.PENDING) -> ValueCell:
    """An empty cell (``raw == ""``); by default pending, as an empty target is."""
    return ValueCell(raw="", status=status)


@dataclass
class Series:
    """The values of one indicator for one group (``group is None`` when the
    value is not split). ``targets`` are in column order; a table with two
    target columns gives two cells even when one is empty."""

    group: str | None
    baseline: ValueCell
    targets: list[ValueCell] = field(default_factory=list)
    actuals: list[ValueCell] = field(default_factory=list)
    #: Yearly interim targets printed in a year grid (not scored, not evaluated).
    milestones: list[ValueCell] = field(default_factory=list)


@dataclass
class Verdict:
    """A verdict an evaluation document printed for an indicator (評価, 達成状況,
    事後評価): ``value`` as printed (``A``, ``○``, ``達成``), ``legend`` the
    legend the document prints for it (``順調A,要改善B``) or ``None``, ``raw``
    the row's source text and ``source`` its place."""

    value: str
    legend: str | None
    raw: str
    source: SourceRef | None = None


@dataclass
class Indicator:
    """An indicator (指標) as printed in a 数値目標 / KPI / 成果指標 table.

    ``name`` is cleaned (line-wrap spaces, footnote marks, bracketed
    definitions and 累計 markers removed); ``raw_name`` keeps the text as
    extracted. ``unit`` is NFKC-normalised (``%``, ``人``, ``億円``, ``カ所`` …)
    or ``None`` when no cell prints one.
    """

    role: Role
    name: str
    raw_name: str
    unit: str | None
    series: list[Series]
    definition: str | None = None
    cumulative: bool = False
    notes: list[str] = field(default_factory=list)
    source: SourceRef | None = None
    #: The row was assembled from damaged text (values far from their name,
    #: columns recovered by count or order): a person should check it.
    uncertain: bool = False
    #: Verdicts printed by an evaluation document (効果検証・事後評価シート).
    verdicts: list[Verdict] = field(default_factory=list)
    #: Which way is good, set by a person (``higher``, ``lower``, ``keep``); ``None``: the
    #: evaluation infers it (baseline, bound). The reader never sets it.
    direction: str | None = None


@dataclass
class Node:
    """A node of the plan hierarchy.

    ``level`` is the document's own word for it (``基本目標``, ``施策``,
    ``具体的な施策``, ``重点戦略``, ``分野``, ``施策大項目`` …); ``code`` is its
    numbering as printed or implied (``"1-1"``), ``None`` where there is none;
    ``title`` has numbering and line-wrap spaces removed; ``text`` is the body
    printed for the node (directions, 取組内容), possibly empty.
    """

    level: str
    code: str | None
    title: str
    text: str = ""
    children: list[Node] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    source: SourceRef | None = None

    def walk(self, ancestors: tuple[Node, ...] = ()) -> list[tuple[tuple[Node, ...], Node]]:
        """All nodes of this subtree in document order, each with its path of
        ancestors (outermost first, the node itself excluded)."""
        out: list[tuple[tuple[Node, ...], Node]] = [(ancestors, self)]
        for child in self.children:
            out.extend(child.walk((*ancestors, self)))
        return out


@dataclass
class Reflection:
    """A place in the plan that an opinion's response was reflected in
    (計画への反映): page number, section heading and quoted text."""

    page: int | None
    section: str
    quote: str


@dataclass
class Opinion:
    """A citizen's opinion with the plan's response (意見 → 対応方針 → 計画への反映)."""

    number: int
    measure: list[str]
    measure_codes: list[str]
    opinion: str
    response: str
    reflections: list[Reflection] = field(default_factory=list)
    source: SourceRef | None = None


@dataclass
class PlanLink:
    """A cross-plan link: a node of this plan (e.g. a 政策連携プラン) that
    names nodes of another structure by code (``"5-1"``) or title. ``text`` is
    what the document prints under the link's heading before its list of
    取組 (the 課題意識 of a 政策連携プラン), ``""`` when nothing."""

    source_code: str | None
    source_title: str
    target_codes: list[str]
    target_titles: list[str] = field(default_factory=list)
    source: SourceRef | None = None
    text: str = ""


@dataclass
class ExtractWarning:
    """Something the reader could not read or had to recover; never silent."""

    source: SourceRef
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


@dataclass
class Plan:
    """The structured reading of one plan document.

    ``layout`` names the reading pipeline that read it (``general``); ``nodes`` are the roots of the
    hierarchy; ``opinions`` is filled for opinion tables; ``links`` for
    cross-plan links; ``warnings`` lists what could not be read with certainty.
    """

    doc: str
    title: str
    layout: str
    nodes: list[Node] = field(default_factory=list)
    opinions: list[Opinion] = field(default_factory=list)
    links: list[PlanLink] = field(default_factory=list)
    warnings: list[ExtractWarning] = field(default_factory=list)

    def walk(self) -> list[tuple[tuple[Node, ...], Node]]:
        """Every node in document order with its ancestors (see :meth:`Node.walk`)."""
        out: list[tuple[tuple[Node, ...], Node]] = []
        for root in self.nodes:
            out.extend(root.walk())
        return out

    def indicators(self) -> list[tuple[tuple[Node, ...], Indicator]]:
        """Every indicator in document order with its node path (outermost first,
        the indicator's own node last)."""
        return [((*anc, node), ind) for anc, node in self.walk() for ind in node.indicators]
