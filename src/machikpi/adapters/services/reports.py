"""The evaluation report: evaluate a year, gather what the committee reads, lay it out.

:func:`make_report` evaluates the stored plans for a fiscal year (keeping
the evaluations) and builds the :class:`~..reports.context.Report` with the
committee's comments of the year, each plan's stored audit and the
indicators' departments. :func:`report_bytes` returns the document's bytes
(HTML, PDF or XLSX) without touching the file system; the command line
writes them to a file and the staff area sends them as a download.
"""

from __future__ import annotations

from collections import Counter

from ...core.evaluation import RuleSet
from ..reports.context import EvaluatedPlan, Report, report_from_plans
from ..reports.documents import render_document
from ..rulesets import ruleset_text
from .evaluation import evaluate_year


def make_report(year: int, ruleset: RuleSet, rules_arg: str, *, demo_data: bool = False) -> Report:
    """Evaluate the stored plans for fiscal ``year`` under ``ruleset`` (saving the evaluations)
    and build the report from the stored plans loaded as core plans
    (:func:`..storage.load.load_plans`) with their evaluations; ``rules_arg`` is the name or path the rule set was loaded from
    (its text goes into the method section)."""
    from ..reports.stored import stored_audits, stored_comments, stored_departments, stored_reviews
    from ..storage.load import load_plans

    ev = evaluate_year(year, ruleset)
    docs = sorted({r["doc"] for r in ev.rows})
    by_series = {sid: row["evaluation"] for sid, row in zip(ev.series_ids, ev.rows, strict=True)}
    plans = [
        EvaluatedPlan(lp.plan, [by_series.get(sid, {}) for sid in lp.series_ids])
        for lp in load_plans(docs)
        if lp.series_ids
    ]
    return report_from_plans(
        plans,
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
    )


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
