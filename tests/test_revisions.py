"""Revised plans (issue 11 item 3): an upload of a revised edition shows what it
changes before it is applied; a changed target keeps the old one in its history
and the evaluation of a year before the revision uses it; a correction made on
the earlier edition survives where the row is unchanged.

The document is seed 002 (伊豆の国市) as text. The revised edition changes the
target of 市内総生産額 (2,097億円 → 2,150億円) and renames 市内農業産額 to
市内農業産出額 (one indicator removed, one new); everything else is unchanged."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from machikpi.samples import SEEDS_DIR
from tests.storage_db import database_url, db

__all__ = ["database_url", "db"]

pytestmark = pytest.mark.db

SEED = SEEDS_DIR / "002_9e8d8679760f1d1c.txt"
NAME = "izu.txt"
CHANGED = "市内総生産額"
OLD_ROW, NEW_ROW = "市内総生産額\t1,997億円\t2,097億円", "市内総生産額\t1,997億円\t2,150億円"
RENAMED_OLD, RENAMED_NEW = "市内農業産額", "市内農業産出額"
UNCHANGED = "観光交流客数"
JST = ZoneInfo("Asia/Tokyo")
#: the first edition is published in FY2024, the revision in FY2026 (2026-05-01 is in FY2026)
FIRST_AT = datetime(2024, 6, 1, 10, 0, tzinfo=JST)
REVISED_AT = datetime(2026, 5, 1, 10, 0, tzinfo=JST)


def _revised_text() -> bytes:
    text = SEED.read_text(encoding="utf-8")
    assert text.count(OLD_ROW) == 1 and text.count(f"\n{RENAMED_OLD}\t") == 1
    text = text.replace(OLD_ROW, NEW_ROW).replace(f"\n{RENAMED_OLD}\t", f"\n{RENAMED_NEW}\t")
    return text.encode("utf-8")


def _import(data: bytes, name: str = NAME, **kw: Any) -> Any:
    from machikpi.adapters.services.imports import create_import

    return create_import(data, name, who="kikaku", **kw)


def _row(imp: Any, name: str) -> dict[str, Any]:
    (row,) = [r for r in imp.rows["indicators"] if r["name"] == name]
    return row


def _publish(imp: Any, at: datetime, monkeypatch: pytest.MonkeyPatch) -> Any:
    from django.utils import timezone

    from machikpi.adapters.services import imports as svc

    with monkeypatch.context() as mp:
        mp.setattr(timezone, "now", lambda: at)
        return svc.publish(imp, who="kikaku")


def _first_edition(monkeypatch: pytest.MonkeyPatch) -> tuple[Any, str]:
    """The first edition published with a correction of the unchanged row's name;
    returns the plan and the corrected name."""
    from machikpi.adapters.services import imports as svc

    imp = _import(SEED.read_bytes())
    svc.correct(imp, _row(imp, UNCHANGED)["key"], "name", "観光交流客数（延べ）", who="kikaku")
    return _publish(imp, FIRST_AT, monkeypatch), "観光交流客数（延べ）"


def _targets(plan_id: int, name: str) -> list[str]:
    from machikpi.adapters.storage import models as m

    return list(
        m.Cell.objects.filter(
            series__indicator__plan_id=plan_id, series__indicator__name=name, kind=m.Cell.TARGET
        ).values_list("raw", flat=True)
    )


def test_revision_diff_lists_exactly_the_changes_and_stores_nothing(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from machikpi.adapters.services.revisions import TARGETS, revision_diff
    from machikpi.adapters.storage import models as m

    plan, corrected = _first_edition(monkeypatch)
    cells_before = list(m.Cell.objects.order_by("id").values_list("id", "raw"))
    n_indicators = m.Indicator.objects.filter(plan=plan, present=True).count()

    revised = _import(_revised_text())
    diff = revision_diff(revised)
    assert diff is not None and diff.plan.pk == plan.pk
    assert [(r.name, [(c.what, c.old, c.new) for c in r.changes]) for r in diff.changed] == [
        (CHANGED, [(TARGETS, "2,097億円（2029）", "2,150億円（2029）")])
    ]
    assert [r.name for r in diff.new] == [RENAMED_NEW]
    assert [r.name for r in diff.removed] == [RENAMED_OLD]
    assert diff.unchanged == n_indicators - 2
    # the corrected unchanged row is carried, so it is no change either
    assert corrected not in {r.name for r in diff.changed}

    # nothing is stored before 公開
    assert list(m.Cell.objects.order_by("id").values_list("id", "raw")) == cells_before
    assert not m.TargetRevision.objects.exists()
    assert m.Indicator.objects.filter(plan=plan, name=RENAMED_OLD, present=True).exists()
    assert _targets(plan.pk, CHANGED) == ["2,097億円"]

    # the same document again shows no change at all
    again = revision_diff(_import(SEED.read_bytes()))
    assert again is not None and again.empty and again.unchanged == n_indicators


def test_a_new_plan_has_no_diff_and_a_renamed_file_can_revise_a_plan(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from machikpi.adapters.services.revisions import revision_diff
    from machikpi.adapters.storage import models as m

    assert revision_diff(_import(SEED.read_bytes())) is None
    plan, corrected = _first_edition(monkeypatch)
    renamed = _import(_revised_text(), "izu-kaitei-2026.txt", revises=plan)
    diff = revision_diff(renamed)
    assert diff is not None and [r.name for r in diff.changed] == [CHANGED]
    stored = _publish(renamed, REVISED_AT, monkeypatch)
    assert stored.pk == plan.pk and m.Plan.objects.count() == 1
    assert _targets(plan.pk, CHANGED) == ["2,150億円"]
    # the correction of the earlier edition followed the renamed file
    assert m.Indicator.objects.filter(plan=plan, name=corrected, present=True).exists()


def test_publish_keeps_the_old_target_and_the_evaluation_uses_the_target_in_force(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.test import Client

    from machikpi.adapters.rulesets import load_ruleset
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import record_actual
    from machikpi.adapters.storage.evaluations import evaluate_stored

    plan, corrected = _first_edition(monkeypatch)
    series = m.Series.objects.get(indicator__plan=plan, indicator__name=CHANGED)
    from django.db import transaction

    with transaction.atomic():  # record_actual locks the value's row (PostgreSQL needs a transaction)
        for year in (2025, 2026):
            record_actual(series.pk, year, value=2000.0, raw="2000", note="", who="kikaku")

    _publish(_import(_revised_text()), REVISED_AT, monkeypatch)
    assert _targets(plan.pk, CHANGED) == ["2,150億円"]
    (rev,) = m.TargetRevision.objects.all()
    assert rev.series_id == series.pk
    assert [t["raw"] for t in rev.targets] == ["2,097億円"]
    assert [t["raw"] for t in rev.new_targets] == ["2,150億円"]
    assert (rev.from_year, rev.to_year, rev.who) == (2024, 2026, "kikaku")
    assert rev.plan_import is not None and rev.plan_import.status == m.PlanImport.PUBLISHED
    # removed: marked missing, not deleted; unchanged and corrected: kept as corrected
    gone = m.Indicator.objects.get(plan=plan, name=RENAMED_OLD)
    assert not gone.present and gone.missing_since is not None
    assert m.Indicator.objects.filter(plan=plan, name=RENAMED_NEW, present=True).exists()
    assert m.Indicator.objects.filter(plan=plan, name=corrected, present=True).exists()
    assert not m.Indicator.objects.filter(plan=plan, name=UNCHANGED).exists()

    ruleset = load_ruleset("baseline-band")
    for year, target in ((2025, 2097.0), (2026, 2150.0)):
        evaluate_stored(year, ruleset)
        ev = m.Evaluation.objects.get(series=series, year=year)
        assert ev.target == target, year
        assert ev.achievement_rate == pytest.approx(2000.0 / target, abs=1e-6), year

    # the history on the staff plan page and the public indicator page
    from machikpi.adapters.services.users import add_user

    user, _ = add_user("kikaku", "planning", "machikpi-test-pw-1")
    staff = Client()
    staff.force_login(user)
    page = staff.get(f"/staff/plans/{plan.pk}/manage/").content.decode()
    history = page.split('id="target-history"', 1)[1].split("</table>", 1)[0]
    assert CHANGED in history and "2,097億円（2029年度）" in history
    assert "2024年度〜2025年度" in history and "2,150億円（2029年度）" in history
    public = Client().get(f"/indicators/{series.indicator_id}/").content.decode()
    assert "旧目標値" in public and "2,097億円（2029年度）" in public and "2024年度〜2025年度" in public
    english = Client(headers={"accept-language": "en"}).get(f"/indicators/{series.indicator_id}/")
    assert "Earlier target" in english.content.decode()
    publish = m.PlanChange.objects.filter(plan=plan, action=m.PlanChange.PUBLISH).order_by("-at", "-id")[0]
    assert publish.detail["targets_revised"] == 1


def test_unchanged_targets_make_no_history(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from machikpi.adapters.storage import models as m

    plan, _corrected = _first_edition(monkeypatch)
    _publish(_import(SEED.read_bytes()), REVISED_AT, monkeypatch)
    assert not m.TargetRevision.objects.exists()
    assert _targets(plan.pk, CHANGED) == ["2,097億円"]


def test_review_page_shows_the_revision_diff(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.test import Client

    from machikpi.adapters.services.users import add_user
    from machikpi.adapters.storage import models as m

    _first_edition(monkeypatch)
    user, _ = add_user("kikaku", "planning", "machikpi-test-pw-1")
    c = Client()
    c.force_login(user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = c.post("/staff/imports/", {"file": SimpleUploadedFile(NAME, _revised_text())})
    assert r.status_code == 302, r.content.decode()[:2000]
    page = c.get(r["Location"]).content.decode()
    section = page.split('id="revision-diff"', 1)[1].split("</section>", 1)[0]
    assert "改訂の差分" in section
    changed = section.split('id="diff-changed"', 1)[1].split("</table>", 1)[0]
    assert CHANGED in changed and "<del>2,097億円（2029）</del>" in changed
    assert "<ins>2,150億円（2029）</ins>" in changed
    assert RENAMED_NEW in section.split('id="diff-new"', 1)[1].split("</table>", 1)[0]
    assert RENAMED_OLD in section.split('id="diff-removed"', 1)[1].split("</table>", 1)[0]
    assert UNCHANGED not in section
    assert not m.TargetRevision.objects.exists()
