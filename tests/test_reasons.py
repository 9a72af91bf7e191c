"""The reasons for "no grade": one code per engine reason, one translation for every adapter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from machikpi.adapters import reasons
from machikpi.core.evaluation import evaluate, evaluation_objects, table_from_rows
from machikpi.core.evaluation.codes import REASON_CODE_OF_TEXT, REASON_KEYS, REASONS
from machikpi.core.model import Bound, CellStatus, Role, YearType
from tests.storage_db import database_url, db  # noqa: F401  (fixtures)

PO = Path(reasons.__file__).parent / "web" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_engine_reason_has_a_code_and_a_japanese_label() -> None:
    assert set(REASONS) == set(REASON_KEYS)
    codes = [c for c in REASON_KEYS.values() if c]
    assert len(codes) == len(set(codes)) == len(REASON_CODE_OF_TEXT)
    for code in codes:
        label = reasons.reason_label(code, japanese=True)
        assert label and label != code
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", label), (code, label)


def test_every_label_has_an_english_translation_in_the_catalogue() -> None:
    po = PO.read_text(encoding="utf-8")
    source = Path(reasons.__file__).read_text(encoding="utf-8")
    ids = re.findall(r'_\(\s*"((?:[^"\\]|\\.)*)"\s*\)', source)
    assert len(ids) == len([c for c in REASON_KEYS.values() if c])
    for msgid in ids:
        m = re.search(r'^msgid "' + re.escape(msgid) + r'"\nmsgstr "(.+)"$', po, re.M)
        assert m and m.group(1).isascii(), msgid


def test_an_old_evaluation_without_a_code_is_labelled_from_its_english_sentence() -> None:
    english = REASONS[1]
    assert english is not None
    assert reasons.reason_label(None, english, japanese=True) == reasons.reason_label(
        "no-actual", japanese=True
    )
    assert reasons.reason_label(None, "a sentence nobody knows") == "a sentence nobody knows"
    assert reasons.reason_label(None, None) == ""


def test_the_engine_gives_the_code_beside_the_sentence() -> None:
    from machikpi.adapters.rulesets import load_ruleset

    row = {
        "doc": "d",
        "path": ["目標"],
        "codes": None,
        "role": "KPI",
        "name": "指標",
        "definition": None,
        "group": None,
        "unit": "人",
        "cumulative": False,
        "baseline": {
            "raw": "10",
            "status": "value",
            "value": 10,
            "year": 2019,
            "year_type": "fiscal",
            "bound": None,
        },
        "targets": [
            {"raw": "20", "status": "value", "value": 20, "year": 2024, "year_type": "fiscal", "bound": None}
        ],
        "notes": [],
    }
    (ev,) = evaluation_objects(evaluate(table_from_rows([row], 2022), load_ruleset("baseline-band")))
    assert ev["grade"] is None or ev["grade"] == "−" or ev["reason"]
    assert ev["reason_code"] == "no-actual"
    assert REASON_CODE_OF_TEXT[ev["reason"]] == "no-actual"


@pytest.mark.db
@pytest.mark.usefixtures("db")
def test_database_choices_are_the_core_enums() -> None:
    from machikpi.adapters.storage import models as m

    def values(field: str, model: type) -> set[str]:
        return {c for c, _ in model._meta.get_field(field).choices}  # type: ignore[attr-defined]

    assert values("role", m.Indicator) == {r.value for r in Role}
    assert values("status", m.Cell) == {s.value for s in CellStatus}
    assert values("year_type", m.Cell) == {y.value for y in YearType}
    assert values("bound", m.Cell) == {b.value for b in Bound}
    assert values("reason_code", m.Evaluation) == {c for c in REASON_KEYS.values() if c}


def test_the_report_and_the_public_site_say_the_same_japanese_reason() -> None:
    from machikpi.adapters.reports.context import build_report
    from machikpi.adapters.rulesets import load_ruleset

    rs = load_ruleset("baseline-band")
    cell = {"raw": "10", "status": "value", "value": 10, "year": 2019, "year_type": "fiscal", "bound": None}
    pending = {"raw": "", "status": "pending", "value": None, "year": None, "year_type": None, "bound": None}
    row = {
        "doc": "d.txt", "path": ["目標"], "codes": None, "role": "KPI", "name": "指標", "definition": None,
        "group": None, "unit": "人", "cumulative": False, "baseline": cell, "targets": [pending], "notes": [],
        "actuals": [{**cell, "year": 2024}],
    }  # fmt: skip
    (ev,) = evaluation_objects(evaluate(table_from_rows([row], 2024), rs))
    assert ev["reason_code"] == "no-target"
    report = build_report([{**row, "evaluation": ev}], year=2024, rules=rs.name, rules_description="",
                          grade_order=list(rs.grades))  # fmt: skip
    (line,) = [ln for p in report.plans for s in p.sections for ln in s.lines]
    assert line.reason == "目標値がありません"
    # an evaluation kept before codes were stored, labelled from its English sentence, reads the same
    assert reasons.reason_label(None, ev["reason"], japanese=True) == line.reason
