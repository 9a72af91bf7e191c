"""Storing plans: ``machikpi import``, re-import as update, kept actuals, all-or-nothing.

Run on SQLite and (``make test``'s second run) on PostgreSQL; see tests/storage_db.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from machikpi.adapters.cli import main
from machikpi.core.model import Indicator
from machikpi.samples import SEEDS_DIR
from tests.storage_db import database_url, db, hand_plan

__all__ = ["database_url", "db"]

pytestmark = pytest.mark.db

SEED_003 = SEEDS_DIR / "003_06b39d270299f45c.txt"


def counts() -> dict[str, int]:
    from machikpi.adapters.storage import models as m

    return {
        "plans": m.Plan.objects.count(),
        "nodes": m.Node.objects.count(),
        "indicators": m.Indicator.objects.count(),
        "series": m.Series.objects.count(),
        "cells": m.Cell.objects.count(),
        "actuals": m.ActualValue.objects.count(),
    }


def test_hand_plan_stored_with_tree_cells_and_raw_texts(db):
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.plans import store_plan

    r = store_plan(hand_plan())
    assert r.created and r.indicators_new == 4 and r.series == 5
    assert counts() == {"plans": 1, "nodes": 3, "indicators": 4, "series": 5, "cells": 10, "actuals": 0}
    measure = m.Node.objects.get(code="1-1")
    assert measure.parent is not None and measure.parent.code == "1" and measure.key == "1 / 1-1"
    farm = m.Indicator.objects.get(name="新規就農者数")
    assert farm.raw_name == "新規就農者 数" and farm.node_id == measure.pk and farm.unit == "人"
    school = m.Series.objects.get(indicator__name="学校が楽しいと答えた割合", group="中")
    baseline = school.cells.get(kind="baseline")
    assert (baseline.value, baseline.year, baseline.raw) == (70.25, 2019, "70.25%")
    assert school.cells.get(kind="target").value == 75


def test_store_twice_updates_without_duplicates(db):
    from machikpi.adapters.storage.plans import store_plan

    store_plan(hand_plan())
    before = counts()
    r = store_plan(hand_plan())
    assert not r.created and r.indicators_new == 0 and r.indicators_updated == 4
    assert counts() == before


def test_reimport_keeps_actuals_of_moved_and_vanished_indicators(db):
    from django.db import transaction

    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import record_actual
    from machikpi.adapters.storage.plans import store_plan

    store_plan(hand_plan())
    farm = m.Series.objects.get(indicator__name="新規就農者数")
    tourism = m.Series.objects.get(indicator__name="観光入込客数")
    with transaction.atomic():
        record_actual(farm.pk, 2023, value=15, raw="15", note="", who="tester")
        record_actual(tourism.pk, 2023, value=160, raw="160", note="", who="tester")

    # The measure renumbered 1-1 → 1-2 and 観光入込客数 gone from the document.
    r = store_plan(hand_plan(renumber=True, drop=True))
    assert r.indicators_missing == 1
    assert any("観光入込客数" in w and "1 actual value" in w for w in r.warnings)
    assert any("新規就農者数" in w and "moved" in w for w in r.warnings)
    assert m.ActualValue.objects.count() == 2
    farm_ind = m.Indicator.objects.get(name="新規就農者数")
    assert farm_ind.present and farm_ind.node.code == "1-2"
    assert farm_ind.series.get().actual_values.get(year=2023).value == 15
    gone = m.Indicator.objects.get(name="観光入込客数")
    assert not gone.present and gone.missing_since is not None
    assert m.Node.objects.get(code="1-1").present is False

    # It comes back: present again, with its value.
    store_plan(hand_plan(renumber=True))
    back = m.Indicator.objects.get(name="観光入込客数")
    assert back.present and back.series.get().actual_values.get().value == 160
    assert m.Indicator.objects.count() == 4


def test_cli_import_seed_003_twice(db, capsys):
    from machikpi.adapters.storage import models as m

    assert main(["import", str(SEED_003), "--database", db]) == 0
    first = counts()
    # Read off the seed, line 115: 新規求人数 1,563件 (現状値 令和元年度) → 1,630件 (目標値 令和9年度).
    jobs = m.Series.objects.get(indicator__plan__doc=SEED_003.name, indicator__name="新規求人数")
    base = jobs.cells.get(kind="baseline")
    target = jobs.cells.get(kind="target")
    assert (base.value, base.year, target.value, target.year) == (1563, 2019, 1630, 2027)
    assert jobs.indicator.unit == "件" and jobs.indicator.role == "数値目標"
    # Line 154: 創業相談件数 10件 → 28件, a KPI of 具体的な施策 地域産業の活性化、付加価値の向上.
    consult = m.Indicator.objects.get(name="創業相談件数")
    assert consult.role == "KPI" and consult.node.title == "地域産業の活性化、付加価値の向上"
    assert first["indicators"] >= 40

    from django.db import transaction

    from machikpi.adapters.storage.actuals import record_actual

    with transaction.atomic():
        record_actual(jobs.pk, 2023, value=1600, raw="1,600", note="速報値", who="tester")

    assert main(["import", str(SEED_003), "--database", db]) == 0
    out = capsys.readouterr().out
    assert "updated" in out
    after = counts()
    assert after == {**first, "actuals": 1}
    assert m.Plan.objects.get().import_count == 2
    kept = m.ActualValue.objects.get()
    assert (kept.series_id, kept.value, kept.raw, kept.note) == (jobs.pk, 1600, "1,600", "速報値")


def test_cli_import_is_all_or_nothing(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from machikpi.adapters.storage import models as m

    bad = tmp_path / "not-a-plan.txt"
    bad.write_text("これは計画書ではありません。\n", encoding="utf-8")
    assert main(["import", str(SEED_003), str(bad), "--database", db]) == 2
    assert "not-a-plan.txt" in capsys.readouterr().err
    assert m.Plan.objects.count() == 0


def test_store_failure_rolls_back_everything(db, monkeypatch):
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage import plans

    plans.store_plan(hand_plan())
    original = plans._store_series
    calls = []

    def failing(row: Any, ind: Indicator, result: Any, *rest: Any) -> None:
        calls.append(ind.name)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        original(row, ind, result, *rest)

    monkeypatch.setattr(plans, "_store_series", failing)
    with pytest.raises(RuntimeError):
        plans.store_plan(hand_plan(doc="second.txt"))
    assert list(m.Plan.objects.values_list("doc", flat=True)) == ["hand-made-strategy.txt"]
    assert m.Indicator.objects.count() == 4


def test_the_database_is_the_one_asked_for(db):
    from django.db import connection

    expected = "postgresql" if db.startswith("postgres") else "sqlite"
    assert connection.vendor == expected
