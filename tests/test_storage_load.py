"""A stored plan loads back as the core's plan: read → store → load gives the reader's rows again."""

from __future__ import annotations

from typing import Any

import pytest

from machikpi.core.reader import read_plan
from machikpi.core.rows import kpi_rows
from machikpi.samples import CORPUS, SEEDS
from tests.storage_db import database_url, db  # noqa: F401  (fixtures)

pytestmark = pytest.mark.db


def _read(path):
    from machikpi.adapters.textfiles import read_source

    return read_plan(read_source(path))


@pytest.mark.usefixtures("db")
def test_seeds_round_trip_through_storage_unchanged() -> None:
    from machikpi.adapters.services.plans import store_documents
    from machikpi.adapters.storage.load import load_plans

    store_documents(SEEDS, warn=lambda _m: None)
    loaded = {lp.plan.doc: lp for lp in load_plans()}
    assert len(loaded) == len(SEEDS)
    for path in SEEDS:
        plan = _read(path)
        lp = loaded[plan.doc]
        assert kpi_rows(lp.plan) == kpi_rows(plan), plan.doc
        assert len(lp.series_ids) == len(kpi_rows(plan)) == len(set(lp.series_ids))
        # what rows do not carry survives too: node levels, source lines, cell repairs
        assert [(n.level, n.code, n.title, n.source) for _, n in lp.plan.walk()] == [
            (n.level, n.code, n.title, n.source) for _, n in plan.walk()
        ]
        got = [(i.source, [s.baseline.repairs for s in i.series]) for _, i in lp.plan.indicators()]
        assert got == [(i.source, [s.baseline.repairs for s in i.series]) for _, i in plan.indicators()]


@pytest.mark.usefixtures("db")
def test_entered_values_override_printed_ones_and_drafts_only_when_asked() -> None:
    from machikpi.adapters.actual_entry import Entry
    from machikpi.adapters.services.entries import record_entries
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.load import load_plans
    from machikpi.adapters.storage.plans import store_plan

    plan = next(
        p for p in (_read(n) for n in (*SEEDS, *CORPUS)) if any(r.get("actuals") for r in kpi_rows(p))
    )
    store_plan(plan)
    rows = kpi_rows(plan)
    k = next(i for i, r in enumerate(rows) if r.get("actuals"))
    printed = rows[k]["actuals"][0]
    (lp,) = load_plans([plan.doc])
    sid = lp.series_ids[k]
    year = printed["year"]
    assert year is not None
    record_entries([Entry(row=1, series_id=sid, year=year, value=123.0, raw="123", note="")], who="t",
                   status=m.ActualValue.DRAFT, source="test")  # fmt: skip
    (published,) = load_plans([plan.doc])
    assert kpi_rows(published.plan)[k]["actuals"][0] == printed  # a draft is not published
    (working,) = load_plans([plan.doc], drafts=True)
    got = next(a for a in kpi_rows(working.plan)[k]["actuals"] if a["year"] == year)
    assert got["value"] == 123 and got["raw"] == "123" and got["year_type"] == "fiscal"


@pytest.mark.usefixtures("db")
def test_one_series_loads_alone_and_grades_as_in_its_whole_plan() -> None:
    """check_grade reads and evaluates one series; its grade must be the one the whole
    plan's evaluation gives that series (the engine's undated-baseline rule included)."""
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.services.evaluation import evaluate_year
    from machikpi.adapters.services.grading import check_grade
    from machikpi.adapters.services.plans import store_documents
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.evaluations import with_concepts
    from machikpi.adapters.storage.export import stored_rows
    from machikpi.adapters.storage.load import load_series
    from machikpi.core.evaluation import evaluate, evaluation_objects, table_from_rows

    store_documents(SEEDS, warn=lambda _m: None)
    # undate the baselines of a few series whose plans date the others: the plan's earliest
    # baseline year must then stand in for them, in one series' grading as in the whole plan's
    dated = m.Cell.objects.filter(kind=m.Cell.BASELINE, year__isnull=False, value__isnull=False)
    for plan_id in m.Plan.objects.values_list("id", flat=True):
        ids = list(dated.filter(series__indicator__plan_id=plan_id).values_list("id", flat=True)[:3])
        m.Cell.objects.filter(id__in=ids).update(year=None)
    stored = stored_rows()
    rs = load_ruleset("cagr")  # the growth-rate ratio needs the baseline year: the fallback year matters
    evaluate_year(2023, rs)  # the plans' latest evaluation names their rule set (plan_rules)
    year = 2024
    undated = 0
    checked = 0
    for k, (sid, row) in enumerate(zip(stored.series_ids, stored.rows, strict=True)):
        one = load_series(sid)
        assert one is not None and one.row == row
        base: dict[str, Any] = dict(row["baseline"])
        value = float(base["value"]) * 1.1 if base.get("value") else 1.0
        undated += base.get("year") is None and base.get("value") is not None
        cell: dict[str, Any] = {"raw": str(value), "status": "value", "value": value, "year": year, "year_type": "fiscal",
                "bound": None}  # fmt: skip
        plan_rows = [r for r in stored.rows if r["doc"] == row["doc"]]
        index = [i for i, r in enumerate(stored.rows) if r["doc"] == row["doc"]].index(k)
        actuals: list[dict[str, Any]] = [dict(a) for a in row.get("actuals", []) if a.get("year") != year]
        plan_rows[index] = {**row, "actuals": sorted([*actuals, cell], key=lambda a: a.get("year") or 0)}
        # as stored evaluations do: the indicators' stored concepts give the fallback direction
        plan_sids = [s for s, r in zip(stored.series_ids, stored.rows, strict=True) if r["doc"] == row["doc"]]
        with_concept = with_concepts(plan_rows, plan_sids)
        whole = evaluation_objects(
            evaluate(table_from_rows(with_concept, year, catalogue_directions=True), rs)
        )[index]
        got = check_grade(sid, year, value, str(value))
        assert got is not None
        assert (got.new_grade, got.new_reason) == (whole["grade"], whole["reason"]), row["name"]
        checked += 1
    assert checked == len(stored.rows) > 100 and undated > 0  # the undated-baseline rule was exercised
