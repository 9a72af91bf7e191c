"""What the public pages show, read from the stored plans with a few queries per page.

Rules of the public site:

* only **approved** entered values are public (``ActualValue.approved_value``
  / ``approved_raw``; a value never approved has ``approved_raw`` ``None``
  and is not shown); a value the document printed as 実績 is public too,
  and an approved entered value wins over a printed one of the same year
  (as :func:`machikpi.adapters.storage.export.stored_rows` does);
* nodes, indicators and series gone from the last import of their document
  (``present = False``) are left out of lists; their own pages still open
  and say so;
* grades come from the stored :class:`~machikpi.adapters.storage.models.Evaluation`
  rows. A plan's pages show one *evaluation* — a fiscal year and a rule set:
  by default the latest evaluated year, and for it the rule set evaluated
  last (:func:`evaluation_choices`); the reader can pick another one.

Every function reads one plan (or one node, one indicator) at a time, with
aggregate queries, so that a page costs the same on a database of one plan
and of thousands (the 1,741-plan bench database).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db.models import Count, F, Max

from ....core.evaluation import count_up
from ....core.evaluation.describe import UNGRADED
from ....core.quantities import format_number, plain_number
from ...reasons import reason_code
from ...reports.charts import ChartPoint
from ...storage import models as db
from ...storage.tree import node_chain

#: The key a grade that could not be given is counted under (Evaluation.grade ``None``).
NO_GRADE = ""
#: How the pages show a grade that could not be given (the reports' symbol too).
NO_GRADE_LABEL = UNGRADED


@dataclass(frozen=True)
class RulesInfo:
    """A rule set as the pages need it: its grades best first and its title.
    Rule sets that are not presets (a municipality's own TOML) have no known
    order; their grades are then ordered by points (:func:`order_grades`)."""

    name: str
    title: str
    grades: tuple[str, ...]
    cannot_grade: str | None
    #: a preset: the site has its 評価の方法 page (:func:`method_url`)
    described: bool = False


@lru_cache(maxsize=64)
def rules_info(name: str) -> RulesInfo:
    """The :class:`RulesInfo` of the rule set called ``name`` (a preset), else
    one with no known grades."""
    from ...rulesets import load_ruleset, preset_names

    if name in preset_names():
        rs = load_ruleset(name)
        return RulesInfo(name, rs.title, tuple(rs.grades), rs.cannot_grade, described=True)
    return RulesInfo(name, "", (), None)


def grade_anchor(grade: str | None, info: RulesInfo) -> str:
    """The id of a grade's entry on the 評価の方法 page: ``grade-S``, ``grade-①`` …;
    ``grade-ungraded`` for no grade or the rule set's "cannot grade" grade."""
    if not grade or grade == info.cannot_grade:
        return "grade-ungraded"
    return f"grade-{grade}"


def method_url(info: RulesInfo, grade: str | None = None) -> str:
    """The 評価の方法 page of the rule set (at ``grade``'s entry when given); ``""`` for a
    rule set the site cannot describe (not a preset: a TOML file given to the command line)."""
    if not info.described:
        return ""
    from django.urls import reverse

    url = reverse("public:method", args=[info.name])
    return url + (f"#{grade_anchor(grade, info)}" if grade is not None else "")


def grade_class(grade: str | None, info: RulesInfo) -> str:
    """The CSS class of a grade badge: ``g0`` (best) … ``g3`` (worst) by its rank
    among the rule set's grades, ``gna`` for "cannot be graded", ``gx`` when the
    rank is unknown. The badge always shows the grade's text too (never colour alone)."""
    if not grade or grade == info.cannot_grade:
        return "gna"
    if grade not in info.grades:
        return "gx"
    n = len(info.grades)
    rank = info.grades.index(grade)
    return f"g{round(rank * 3 / (n - 1)) if n > 1 else 0}"


@dataclass(frozen=True)
class EvaluationChoice:
    """One stored evaluation of a plan: fiscal ``year`` under rule set ``rules``,
    ``series`` series evaluated."""

    year: int
    rules: str
    series: int

    @property
    def info(self) -> RulesInfo:
        """The rule set's :class:`RulesInfo`."""
        return rules_info(self.rules)

    @property
    def value(self) -> str:
        """The form value naming this choice (``2025:baseline-band``)."""
        return f"{self.year}:{self.rules}"


def evaluation_choices(plan_id: int) -> list[EvaluationChoice]:
    """The evaluations stored for the plan's series, newest year first; within a
    year, the rule set evaluated last first. One aggregate query."""
    rows = (
        db.Evaluation.objects.filter(series__indicator__plan_id=plan_id)
        .values("year", "rules")
        .annotate(n=Count("id"), last=Max("evaluated_at"))
        .order_by()
    )
    ordered = sorted(
        rows, key=lambda r: (-r["year"], -(r["last"].timestamp() if r["last"] else 0), r["rules"])
    )
    return [EvaluationChoice(r["year"], r["rules"], r["n"]) for r in ordered]


def choose_evaluation(choices: list[EvaluationChoice], wanted: str | None) -> EvaluationChoice | None:
    """The choice named by ``wanted`` (``"2024:pro-rata"``, from the page's
    form) when it exists, else the default: the first of ``choices`` (the latest
    evaluated year and the rule set evaluated last for it); ``None`` when the
    plan was never evaluated."""
    if wanted:
        for c in choices:
            if c.value == wanted:
                return c
    return choices[0] if choices else None


@dataclass(frozen=True)
class GradeCount:
    """How many series got ``grade`` (``label`` as shown; ``css`` see :func:`grade_class`)."""

    grade: str
    label: str
    count: int
    css: str
    #: the grade's entry on the 評価の方法 page (:func:`method_url`), ``""`` for none
    url: str = ""


def order_grades(counts: Counter[str], info: RulesInfo, points: dict[str, float] | None = None) -> list[str]:
    """The grades of ``counts`` in display order: the rule set's order, then
    unknown grades by points (highest first) and name, "cannot grade" last."""
    points = points or {}
    known = [g for g in info.grades if g in counts]
    rest = sorted(
        (g for g in counts if g not in info.grades and g != NO_GRADE and g != info.cannot_grade),
        key=lambda g: (-points.get(g, float("-inf")), g),
    )
    tail = [g for g in (info.cannot_grade, NO_GRADE) if g is not None and g in counts]
    return known + rest + list(dict.fromkeys(tail))


@dataclass
class Tally:
    """Grades of the series under a node (or a whole plan): ``counts`` by
    grade (:data:`NO_GRADE` for "evaluated, could not be graded"), ``series``
    the number of series, ``evaluated`` how many have an evaluation."""

    counts: Counter[str] = field(default_factory=Counter)
    series: int = 0

    @property
    def evaluated(self) -> int:
        """Series with an evaluation for the chosen year and rule set."""
        return sum(self.counts.values())

    @property
    def not_evaluated(self) -> int:
        """Series without an evaluation (no actual entered, or evaluated under another rule set)."""
        return max(0, self.series - self.evaluated)

    def add(self, other: Tally) -> None:
        """Add ``other``'s counts to these."""
        self.counts.update(other.counts)
        self.series += other.series

    def items(self, info: RulesInfo, points: dict[str, float] | None = None) -> list[GradeCount]:
        """The grade counts in display order (:func:`order_grades`)."""
        return [
            GradeCount(g, g or NO_GRADE_LABEL, self.counts[g], grade_class(g, info), method_url(info, g))
            for g in order_grades(self.counts, info, points)
        ]


@dataclass
class TreeNode:
    """A node of a plan's hierarchy with the tally of its own and its descendants' series."""

    id: int
    code: str | None
    title: str
    level: str
    depth: int
    indicators: int = 0
    own: Tally = field(default_factory=Tally)
    total: Tally = field(default_factory=Tally)
    children: list[TreeNode] = field(default_factory=list)
    grades: list[GradeCount] = field(default_factory=list)

    @property
    def heading(self) -> str:
        """``code title`` as printed."""
        return f"{self.code or ''} {self.title}".strip()


@dataclass
class PlanTree:
    """A plan's present nodes as a forest (``roots``), with tallies for the chosen evaluation."""

    roots: list[TreeNode]
    total: Tally
    points: dict[str, float]

    def walk(self) -> Iterable[TreeNode]:
        """Every node, depth first in document order."""
        stack = list(reversed(self.roots))
        while stack:
            n = stack.pop()
            yield n
            stack.extend(reversed(n.children))


def plan_tree(plan_id: int, choice: EvaluationChoice | None) -> PlanTree:
    """The plan's hierarchy with grade tallies (own and rolled up) under ``choice``.

    Four queries: the nodes, the series counted per node, the indicators
    counted per node, and the grades counted per node and grade."""
    rows = list(
        db.Node.objects.filter(plan_id=plan_id, present=True)
        .order_by("position", "id")
        .values_list("id", "parent_id", "code", "title", "level")
    )
    nodes: dict[int, TreeNode] = {}
    parents: dict[int, int | None] = {}
    for nid, parent, code, title, level in rows:
        nodes[nid] = TreeNode(nid, code, title, level, 0)
        parents[nid] = parent
    roots: list[TreeNode] = []
    for nid, parent, *_ in rows:
        if parent is not None and parent in nodes:
            nodes[parent].children.append(nodes[nid])
        else:
            roots.append(nodes[nid])
    live = db.Series.objects.filter(indicator__plan_id=plan_id, present=True, indicator__present=True)
    for nid, n in live.values_list("indicator__node_id").annotate(n=Count("id")).order_by():
        if nid in nodes:
            nodes[nid].own.series = n
    for nid, n in (
        db.Indicator.objects.filter(plan_id=plan_id, present=True)
        .values_list("node_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if nid in nodes:
            nodes[nid].indicators = n
    points: dict[str, float] = {}
    if choice is not None:
        graded = (
            db.Evaluation.objects.filter(
                series__indicator__plan_id=plan_id,
                series__present=True,
                series__indicator__present=True,
                year=choice.year,
                rules=choice.rules,
            )
            .values_list("series__indicator__node_id", "grade")
            .annotate(n=Count("id"), p=Max("points"))
            .order_by()
        )
        for nid, grade, n, p in graded:
            if nid in nodes:
                nodes[nid].own.counts[grade or NO_GRADE] += n
            if grade and p is not None:
                points[grade] = max(points.get(grade, p), p)
    info = choice.info if choice is not None else rules_info("")
    total = Tally()

    # the core's one roll-up of counts up the tree: grades, and the series under a node
    series_key = "\x00series"
    summed = count_up(
        {nid: (p if p in nodes else None) for nid, p in parents.items()},
        {nid: Counter({**n.own.counts, series_key: n.own.series}) for nid, n in nodes.items()},
    )

    def place(n: TreeNode, depth: int) -> None:
        n.depth = depth
        counts = summed[n.id]
        series = counts.pop(series_key, 0)
        n.total = Tally(Counter({g: c for g, c in counts.items() if c}), series)
        n.grades = n.total.items(info, points)
        for c in n.children:
            place(c, depth + 1)

    for r in roots:
        place(r, 0)
        total.add(r.total)
    return PlanTree(roots, total, points)


def ancestors(node: db.Node) -> list[db.Node]:
    """The node's ancestors, outermost first (one query per level; plans are a few levels deep)."""
    return node_chain(node)[:-1]


# --- values of series -----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicActual:
    """A public actual value of a series: ``source`` ``"entered"`` (an approved
    entered value) or ``"document"`` (printed in the plan document)."""

    year: int
    value: float | None
    raw: str
    source: str
    note: str = ""
    unit: str | None = None

    @property
    def text(self) -> str:
        """The value as tables print it with its unit (``13,736億円``); the raw text when not a number."""
        if self.value is None:
            return self.raw or "—"
        return format_number(float(self.value)) + (self.unit or "")


@dataclass
class SeriesView:
    """One series as the node and indicator pages show it."""

    id: int
    group: str | None
    present: bool
    baseline: db.Cell | None
    targets: list[db.Cell]
    actuals: list[PublicActual]
    evaluations: list[db.Evaluation] = field(default_factory=list)
    grade: db.Evaluation | None = None
    grade_css: str = "gna"
    #: the grade's entry on the 評価の方法 page, ``""`` for none
    grade_url: str = ""

    @property
    def latest(self) -> PublicActual | None:
        """The latest public actual value with a number, else the latest one."""
        with_value = [a for a in self.actuals if a.value is not None] or self.actuals
        return with_value[-1] if with_value else None


#: An approved entered value as read: ``(year, approved_value, approved_raw, approved_note)``.
Approved = tuple[int, float | None, str | None, str]


def public_actuals(
    cells: Iterable[db.Cell], entered: Iterable[Approved], unit: str | None = None
) -> list[PublicActual]:
    """The public actual values of one series by year (module docstring):
    printed actual cells, overridden by approved entered values of the same
    year (``entered``: the ``approved_*`` fields only, so drafts never appear;
    ``approved_raw`` ``None`` = never approved, skipped)."""
    by_year: dict[int, PublicActual] = {}
    for c in cells:
        if c.kind == db.Cell.ACTUAL and c.year is not None:
            by_year[c.year] = PublicActual(c.year, c.value, c.raw, "document", unit=c.unit or unit)
    for year, value, raw, note in entered:
        if raw is None:
            continue
        by_year[year] = PublicActual(year, value, raw, "entered", note, unit=unit)
    return [by_year[y] for y in sorted(by_year)]


def series_views(
    indicator_ids: list[int],
    choice: EvaluationChoice | None,
    *,
    all_evaluations: bool = False,
    include_absent: bool = False,
) -> dict[int, list[SeriesView]]:
    """The series of the given indicators (by indicator id, in order) with
    their cells, public actuals, and the evaluation of ``choice`` (plus every
    stored evaluation when ``all_evaluations``). Four queries whatever the
    number of indicators."""
    series_qs = db.Series.objects.filter(indicator_id__in=indicator_ids)
    if not include_absent:
        series_qs = series_qs.filter(present=True)
    series = list(series_qs.annotate(unit=F("indicator__unit")).order_by("indicator_id", "position", "id"))
    ids = [s.pk for s in series]
    cells: dict[int, list[db.Cell]] = {}
    for c in db.Cell.objects.filter(series_id__in=ids).order_by("series_id", "kind", "position"):
        cells.setdefault(c.series_id, []).append(c)
    entered: dict[int, list[Approved]] = {}
    for sid, year, value, raw, note in (
        db.ActualValue.objects.filter(series_id__in=ids, approved_raw__isnull=False)
        .order_by("series_id", "year")
        .values_list("series_id", "year", "approved_value", "approved_raw", "approved_note")
    ):
        entered.setdefault(sid, []).append((year, value, raw, note))
    evals: dict[int, list[db.Evaluation]] = {}
    ev_qs = db.Evaluation.objects.filter(series_id__in=ids)
    if not all_evaluations:
        ev_qs = ev_qs.filter(year=choice.year, rules=choice.rules) if choice else ev_qs.none()
    for e in ev_qs.order_by("series_id", "year", "rules"):
        evals.setdefault(e.series_id, []).append(e)
    out: dict[int, list[SeriesView]] = {}
    for s in series:
        cs = cells.get(s.pk, [])
        ev = evals.get(s.pk, [])
        view = SeriesView(
            id=s.pk,
            group=s.group,
            present=s.present,
            baseline=next((c for c in cs if c.kind == db.Cell.BASELINE), None),
            targets=[c for c in cs if c.kind == db.Cell.TARGET],
            actuals=public_actuals(cs, entered.get(s.pk, []), getattr(s, "unit", None)),
            evaluations=ev,
        )
        if choice is not None:
            view.grade = next((e for e in ev if e.year == choice.year and e.rules == choice.rules), None)
            if view.grade is not None:
                view.grade_css = grade_class(view.grade.grade, choice.info)
                view.grade_url = method_url(choice.info, view.grade.grade or NO_GRADE)
        out.setdefault(s.indicator_id, []).append(view)
    return out


def chart_points(view: SeriesView) -> tuple[ChartPoint | None, list[ChartPoint], list[ChartPoint]]:
    """Baseline, targets and actuals of a series as chart points (cells with a
    number and a year; a baseline without a year is drawn at the first actual's year)."""
    actuals = [ChartPoint(a.year, a.value) for a in view.actuals if a.value is not None]
    baseline = None
    b = view.baseline
    if b is not None and b.value is not None:
        year = b.year if b.year is not None else (actuals[0].year if actuals else None)
        if year is not None:
            baseline = ChartPoint(year, b.value)
    targets = [
        ChartPoint(t.year, t.value) for t in view.targets if t.value is not None and t.year is not None
    ]
    return baseline, targets, actuals


def number(value: float | None) -> float | int | None:
    """A number as it should be written (an int when it is whole): :func:`machikpi.core.quantities.plain_number`."""
    return plain_number(value)


def eval_dict(e: db.Evaluation) -> dict[str, Any]:
    """An evaluation's fields for templates and downloads."""
    return {
        "year": e.year,
        "rules": e.rules,
        "grade": e.grade,
        "actual": number(e.actual),
        "target": number(e.target),
        "expected": number(e.expected),
        "achievement_rate": e.achievement_rate,
        "progress_rate": e.progress_rate,
        "reason": e.reason,
        "reason_code": reason_code(e.reason, e.reason_code),
    }
