"""A stored plan loads back as the core's plan: read → store → load gives the reader's rows again."""

from __future__ import annotations

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
    record_entries([Entry(row=1, series_id=sid, year=year, value=123.0, raw="123", note="")], who="t",
                   status=m.ActualValue.DRAFT, source="test")  # fmt: skip
    (published,) = load_plans([plan.doc])
    assert kpi_rows(published.plan)[k]["actuals"][0] == printed  # a draft is not published
    (working,) = load_plans([plan.doc], drafts=True)
    got = next(a for a in kpi_rows(working.plan)[k]["actuals"] if a["year"] == year)
    assert got["value"] == 123 and got["raw"] == "123" and got["year_type"] == "fiscal"
