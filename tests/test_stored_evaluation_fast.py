"""The fast stored evaluation (arrays read straight from the database, bulk
save) stores exactly the evaluations of the path through the KPI rows.

Data: every bundled sample plan stored, the demo's invented actual values
(approved, i.e. published), plus the cases the two paths could treat
differently: a draft entered over a published value (the published one
counts), a draft never approved (left out), a value published as empty, and
an indicator dropped from its document (left out). Each year the data touches
is evaluated under every preset rule set by both paths and the stored
:class:`Evaluation` records (grade, rates, reason, …) compared field by field.
Run on SQLite and PostgreSQL (tests/storage_db.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from machikpi.core.model import Role
from machikpi.samples import ROOT, SEEDS
from tests.storage_db import database_url, db, hand_plan

__all__ = ["database_url", "db"]

pytestmark = pytest.mark.db

RULESETS = ("baseline-band", "cagr", "pace", "points-7", "pro-rata")
YEARS = (2019, 2023, 2024, 2025, 2026)
FIELDS = (
    "direction",
    "actual",
    "target",
    "expected",
    "achievement_rate",
    "progress_rate",
    "grade",
    "points",
    "reason",
)


PRINTED_DOC = "printed-actuals-plan.txt"


def printed_plan() -> Any:
    """A plan printing what the samples do not: actuals (one 集計中, two of one
    year), two targets of a series (the first a 以上 limit), an undated
    baseline, a cumulative %, a dashed baseline and a pending target."""
    from machikpi.core.model import Bound, CellStatus, Indicator, Node, Plan, Series, ValueCell, YearType

    def v(value: float, year: int | None, bound: Bound | None = None) -> ValueCell:
        return ValueCell(
            raw=f"{value:g}",
            status=CellStatus.VALUE,
            value=value,
            year=year,
            year_type=None if year is None else YearType.FISCAL,
            bound=bound,
        )

    tallying = ValueCell(raw="集計中", status=CellStatus.TALLYING, year=2024, year_type=YearType.FISCAL)
    dash = ValueCell(raw="—", status=CellStatus.NONE)
    pending = ValueCell(raw="設定予定", status=CellStatus.PENDING, year=2027, year_type=YearType.FISCAL)
    series = [
        (
            "住民満足度",
            "%",
            False,
            v(60, 2019),
            [v(65, 2024, Bound.MIN), v(70, 2029)],
            [v(61, 2023), v(63, 2024)],
        ),
        ("観光客数", "万人", False, v(100, None), [v(120, 2027)], [v(104, 2023), tallying]),
        ("累計参加率", "%", True, v(10, 2020), [v(30, 2027), v(50, 2031)], [v(22, 2024), v(23, 2024)]),
        ("空き家数", "戸", False, v(500, 2020), [v(400, 2027, Bound.MAX)], [v(480, 2023)]),
        ("相談件数", "件", False, dash, [v(300, 2027)], [v(250, 2024)]),
        ("健康寿命", "歳", False, v(80, 2019), [pending], [v(81, 2024)]),
    ]
    node = Node(level="基本目標", code="1", title="くらし")
    node.indicators = [
        Indicator(
            role=Role.KPI,
            name=name,
            raw_name=name,
            unit=unit,
            cumulative=cumulative,
            series=[Series(group=None, baseline=base, targets=targets, actuals=actuals)],
        )
        for name, unit, cumulative, base, targets, actuals in series
    ]
    return Plan(doc=PRINTED_DOC, title="", layout="hand", nodes=[node])


def _record(sid: int, year: int, value: float | None, *, status: str) -> None:
    from machikpi.adapters.storage.actuals import record_actual

    with transaction.atomic():
        record_actual(
            sid,
            year,
            value=value,
            raw="" if value is None else f"{value:g}",
            note="",
            who="test",
            status=status,
        )


@pytest.fixture
def stored(db: str) -> None:
    """The samples, their demo actuals and the edge cases of the module docstring."""
    from machikpi.adapters.services.entries import import_actual_file
    from machikpi.adapters.services.plans import store_documents
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.plans import store_plan

    store_documents(list(SEEDS), warn=lambda msg: None)
    import_actual_file(ROOT / "demo_actuals.csv", who="demo", warn=lambda msg: None)
    store_plan(hand_plan())
    store_plan(hand_plan(drop=True))  # 観光入込客数 no longer in its document
    store_plan(printed_plan())
    hand = {s.indicator.name: s.pk for s in m.Series.objects.filter(indicator__plan__doc=hand_plan().doc)}
    _record(hand["新規就農者数"], 2024, 16, status="approved")
    _record(hand["新規就農者数"], 2024, 99, status="draft")  # over the published 16
    _record(hand["市内従業者数"], 2024, 41800, status="draft")  # never approved
    _record(hand["観光入込客数"], 2024, 170, status="approved")  # of a dropped indicator
    _record(hand["新規就農者数"], 2025, None, status="approved")  # published as empty
    printed = {s.indicator.name: s.pk for s in m.Series.objects.filter(indicator__plan__doc=PRINTED_DOC)}
    _record(printed["空き家数"], 2024, 470, status="approved")  # no printed one of 2024
    _record(printed["住民満足度"], 2023, 62, status="approved")  # over the printed 61
    _record(printed["観光客数"], 2023, 105, status="draft")  # the printed 104 stays
    # a direction set by a person (the import review) against the one the baseline implies
    turned = m.Indicator.objects.filter(plan__doc=PRINTED_DOC, name="観光客数").update(direction="lower")
    assert turned == 1
    published = m.ActualValue.objects.filter(approved_raw__isnull=False)
    assert published.count() > 200 and published.filter(series__indicator__present=False).exists()


def _records() -> dict[tuple[int, int, str], tuple[Any, ...]]:
    from machikpi.adapters.storage import models as m

    return {
        (e["series_id"], e["year"], e["rules"]): tuple(e[f] for f in FIELDS)
        for e in m.Evaluation.objects.values("series_id", "year", "rules", *FIELDS)
    }


def _evaluate_all(fast: bool) -> dict[tuple[int, int, str], tuple[Any, ...]]:
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.storage.evaluations import evaluate_stored, evaluate_stored_rows

    run = evaluate_stored if fast else evaluate_stored_rows
    for rules in RULESETS:
        for year in YEARS:
            run(year, load_ruleset(rules))
    return _records()


def test_fast_path_stores_the_evaluations_of_the_row_path(stored: None) -> None:
    from machikpi.adapters.storage import models as m

    expected = _evaluate_all(fast=False)
    # not a trivial comparison: many series, graded and not, for several reasons
    assert len(expected) == m.Series.objects.filter(present=True, indicator__present=True).count() * len(
        RULESETS
    ) * len(YEARS)
    values = list(expected.values())
    assert sum(1 for v in values if v[FIELDS.index("reason")] is None) > 200
    assert len({v[FIELDS.index("reason")] for v in values}) >= 4
    assert len({v[FIELDS.index("grade")] for v in values}) >= 6

    # replacing: the fast path overwrites every field of the stored records
    m.Evaluation.objects.update(
        direction="x", actual=-1.0, target=-1.0, expected=-1.0, achievement_rate=-1.0, progress_rate=-1.0
    )
    m.Evaluation.objects.update(grade="x", points=-1.0, reason="x")
    assert _evaluate_all(fast=True) == expected
    # storing anew
    m.Evaluation.objects.all().delete()
    assert _evaluate_all(fast=True) == expected


def test_fast_path_rows_titles_and_one_plan(stored: None) -> None:
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.evaluations import evaluate_stored, evaluate_stored_rows

    ruleset = load_ruleset("baseline-band")
    slow = evaluate_stored_rows(2024, ruleset, save=False)
    fast = evaluate_stored(2024, ruleset, save=False)
    assert not m.Evaluation.objects.exists()  # save=False stores nothing
    assert fast.rows == slow.rows  # the same rows, order and evaluation objects
    assert fast.titles == slow.titles and list(fast.titles) == list(slow.titles)
    assert fast.graded == slow.graded > 0
    assert sorted(fast.series_ids) == sorted(slow.series_ids)

    doc = hand_plan().doc
    one = evaluate_stored(2024, ruleset, docs=[doc])
    assert list(one.titles) == [doc] and len(one) == 4  # the dropped indicator's series left out
    by_name = {r["name"]: r["evaluation"] for r in one.rows}
    assert by_name["新規就農者数"]["actual"] == 16  # the published value, not the draft 99
    assert by_name["市内従業者数"]["actual"] is None  # a draft never approved
    assert one.rows == [r for r in slow.rows if r["doc"] == doc]
    assert evaluate_stored(2024, ruleset, docs=["no-such-plan.txt"]).rows == []

    printed = {r["name"]: r["evaluation"] for r in evaluate_stored(2024, ruleset, docs=[PRINTED_DOC]).rows}
    assert printed["住民満足度"]["actual"] == 63 and printed["累計参加率"]["actual"] == 23  # the last printed
    assert "集計中" in printed["観光客数"]["reason"]
    assert printed["空き家数"]["actual"] == 470


def test_empty_database(db: str, tmp_path: Path) -> None:
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.storage.evaluations import evaluate_stored

    ev = evaluate_stored(2024, load_ruleset("baseline-band"))
    assert (ev.rows, ev.titles, ev.graded, len(ev)) == ([], {}, 0, 0)


def test_replacing_keeps_one_record_per_key_and_moves_its_time(stored: None) -> None:
    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.evaluations import evaluate_stored

    ruleset = load_ruleset("pace")
    doc = hand_plan().doc
    evaluate_stored(2024, ruleset)
    first = dict(m.Evaluation.objects.values_list("series_id", "evaluated_at"))
    sid = m.Series.objects.get(indicator__plan__doc=doc, indicator__name="新規就農者数").pk
    _record(sid, 2024, 20, status="approved")
    evaluate_stored(2024, ruleset, docs=[doc])  # one plan again: the others are left as they were
    again = dict(m.Evaluation.objects.values_list("series_id", "evaluated_at"))
    assert again.keys() == first.keys()
    assert m.Evaluation.objects.get(series_id=sid).actual == 20
    changed = {s for s in again if again[s] != first[s]}
    assert sid in changed and changed == set(
        m.Series.objects.filter(indicator__plan__doc=doc, present=True, indicator__present=True).values_list(
            "pk", flat=True
        )
    )
