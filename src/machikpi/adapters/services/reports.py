"""The evaluation report: evaluate a year, gather what the committee reads, lay it out.

:func:`make_report` evaluates the stored plans for a fiscal year (keeping
the evaluations) and builds the :class:`~..reports.context.Report` with the
committee's comments of the year, each plan's stored audit, the
indicators' departments, the approved 効果検証, and the nodes' SDG goals and the
plans' 政策連携プラン. :func:`report_bytes` returns the document's bytes
(HTML, PDF or XLSX) without touching the file system; the command line
writes them to a file and the staff area sends them as a download.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...core.evaluation import RuleSet
from ..reports.context import EvaluatedPlan, Report, report_from_plans
from ..reports.documents import render_document
from ..rulesets import ruleset_text
from .evaluation import evaluate_year

if TYPE_CHECKING:
    from ..storage.models import Municipality

#: ``make_report(municipality=DEFAULT)``: the only stored owner (:func:`..storage.municipalities.choose_owner`).
DEFAULT: Any = object()


def _no_progress(percent: int, step: str) -> None:
    """A progress callback that does nothing."""


def make_report(
    year: int,
    ruleset: RuleSet,
    rules_arg: str,
    *,
    municipality: Municipality | None = DEFAULT,
    plans: list[str] | None = None,
    demo_data: bool = False,
    progress: Callable[[int, str], None] = _no_progress,
) -> Report:
    """Evaluate the stored plans of one ``municipality`` (``None``: the plans that have
    none; left out: the only stored owner) for fiscal ``year`` under ``ruleset``
    (saving the evaluations) and build the report from those plans loaded as core
    plans (:func:`..storage.load.load_plans`) with their evaluations; ``plans`` limits
    it to those documents of the municipality. ``rules_arg`` is the name or path the
    rule set was loaded from (its text goes into the method section).
    ``progress(percent, step)`` is told each step (Japanese).

    Raises :class:`~..storage.municipalities.MunicipalityChoiceError` when no
    municipality is given and several are stored, or a plan is not the
    municipality's. A report never holds another municipality's plan."""
    from ..reports.stored import (
        stored_audits,
        stored_catalogue,
        stored_comments,
        stored_departments,
        stored_reviews,
    )
    from ..storage.load import load_plans
    from ..storage.municipalities import choose_owner, owner_docs

    owner = choose_owner(None) if municipality is DEFAULT else municipality
    wanted = owner_docs(owner, plans)
    progress(10, "評価しています")
    ev = evaluate_year(year, ruleset, docs=wanted) if wanted else None
    docs = sorted(ev.titles) if ev is not None else []  # the plans with series evaluated
    progress(50, "報告書を組み立てています")
    by_series = dict(zip(ev.series_ids, ev.evaluations, strict=True)) if ev is not None else {}
    evaluated = [
        EvaluatedPlan(lp.plan, [by_series.get(sid, {}) for sid in lp.series_ids])
        for lp in (load_plans(docs) if docs else [])
        if lp.series_ids
    ]
    report = report_from_plans(
        evaluated,
        year=year,
        rules=ruleset.name,
        rules_description=ruleset_text(rules_arg),
        grade_order=list(ruleset.grades),
        demo_data=demo_data,
        comments=stored_comments(year, docs),
        audits=stored_audits(docs),
        ruleset=ruleset,
        departments=stored_departments(docs),
        reviews=stored_reviews(year, docs),
        catalogue=stored_catalogue(docs),
    )
    report.municipality = owner.label if owner is not None else ""
    return report


def report_bytes(report: Report, fmt: str) -> bytes:
    """``report`` as a document of format ``fmt`` (``"html"``, ``"pdf"``, ``"xlsx"``, with or
    without the dot). Raises :class:`~..reports.documents.UnsupportedFormatError`."""
    return render_document(report, fmt)


def summary_lines(report: Report) -> list[str]:
    """One line per plan: series per grade, series without an actual value, series that worsened."""
    out = []
    for plan in report.plans:
        grades = Counter(line.grade for sec in plan.sections for line in sec.lines)
        order = [g for g in report.grade_order if g in grades] + sorted(set(grades) - set(report.grade_order))
        counts = " ".join(f"{g}:{grades[g]}" for g in order)
        n = sum(grades.values())
        out.append(
            f"  {plan.title}: {n} series — {counts}; 未入力 {len(plan.no_actual)}, 悪化 {len(plan.worse)}"
        )
    return out
