"""The general reader against the hand-made gold rows of the sample plans.

Thresholds are those of issue 2: for every KPI document recall, precision
and field accuracy ≥ 0.95; for the opinion table recall 1.0 and field
accuracy ≥ 0.95. Scored with the project's own scoring code.
"""

from __future__ import annotations

import pytest

from machikpi.adapters.textfiles import read_source
from machikpi.core.reader import read_plan
from machikpi.core.rows import kpi_rows, opinion_rows
from machikpi.core.scoring import score_rows
from machikpi.samples import SEEDS_DIR, gold_rows

KPI_GOLD = gold_rows("kpi")
OPINION_GOLD = gold_rows("opinions")


@pytest.mark.parametrize("doc", sorted(KPI_GOLD))
def test_kpi_extraction_meets_gold(doc: str) -> None:
    plan = read_plan(read_source(SEEDS_DIR / doc))
    score = score_rows("kpi", {doc: KPI_GOLD[doc]}, kpi_rows(plan))[doc]
    detail = score.summary() + "\n" + "\n".join(score.misses[:40])
    assert score.recall >= 0.95, detail
    assert score.precision >= 0.95, detail
    assert score.accuracy >= 0.95, detail


@pytest.mark.parametrize("doc", sorted(OPINION_GOLD))
def test_opinion_extraction_meets_gold(doc: str) -> None:
    plan = read_plan(read_source(SEEDS_DIR / doc))
    score = score_rows("opinions", {doc: OPINION_GOLD[doc]}, opinion_rows(plan))[doc]
    detail = score.summary() + "\n" + "\n".join(score.misses[:40])
    assert score.recall == 1.0, detail
    assert score.accuracy >= 0.95, detail
