"""The entry-sheet readers without a database: numbers, years, outliers, headers, database URLs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from machikpi.adapters.actual_entry import EntryFileError, outlier, parse_value, parse_year, read_table
from machikpi.adapters.django_settings import DatabaseConfigError, database_settings


@pytest.mark.parametrize(
    ("cell", "unit", "expected"),
    [
        (16, "人", 16.0),
        (71.5, "%", 71.5),
        ("1,234", "件", 1234.0),
        ("1,234,567", None, 1234567.0),
        ("１２．５", "%", 12.5),  # full-width, read after NFKC
        ("△3", "人", -3.0),
        ("▲0.5", "ポイント", -0.5),
        ("45.2%", "%", 45.2),
        ("17 人", "人", 17.0),
        (" 8 ", None, 8.0),
    ],
)
def test_values_that_are_numbers(cell: object, unit: str | None, expected: float) -> None:
    assert parse_value(cell, unit) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cell", "unit", "message"),
    [
        ("12,3x", "件", "「12,3x」は数値として読めません"),
        ("12,3", "件", "「12,3」は数値として読めません"),  # a comma that is not a thousands separator
        ("1,2345", "件", "「1,2345」は数値として読めません"),
        ("集計中", "件", "「集計中」は数値として読めません"),
        ("5件", "%", "単位「件」はこの指標の単位「%」ではありません"),
        ("5人", None, "単位「人」はこの指標の単位「なし」ではありません"),
        (True, "件", "は数値ではありません"),
        (date(2024, 4, 1), "件", "は数値ではありません"),
    ],
)
def test_values_that_are_not(cell: object, unit: str | None, message: str) -> None:
    with pytest.raises(ValueError) as e:
        parse_value(cell, unit)  # type: ignore[arg-type]
    assert message in str(e.value)


@pytest.mark.parametrize(
    ("cell", "year"),
    [
        (2024, 2024),
        (2024.0, 2024),
        ("2024", 2024),
        ("2024年度", 2024),
        ("令和6年度", 2024),
        ("R5", 2023),
        ("令和元年度", 2019),
    ],
)
def test_years(cell: object, year: int) -> None:
    assert parse_year(cell, latest=2025) == year  # type: ignore[arg-type]


@pytest.mark.parametrize("cell", ["来年度", 2024.5, "1899", 2026, True])
def test_bad_years(cell: object) -> None:
    with pytest.raises(ValueError):
        parse_year(cell, latest=2025)  # type: ignore[arg-type]


def test_outlier_rule_for_positive_history() -> None:
    known = (12.0, 20.0, 14.0)
    assert outlier(59, known) is None and outlier(60, known) is None
    assert outlier(60.5, known) is not None  # above 3 × 20
    assert outlier(4, known) is None
    assert outlier(3.9, known) is not None  # below 12 / 3
    assert outlier(0, known) is not None


def test_outlier_rule_with_zero_or_negative_history() -> None:
    assert outlier(5, ()) is None
    assert outlier(5, (0.0, 0.0)) is None
    known = (-2.0, 0.0, 3.0)  # range 5, largest magnitude 3 → flagged beyond 3 × 5 = 15 outside [-2, 3]
    assert outlier(18, known) is None and outlier(18.5, known) is not None
    assert outlier(-17, known) is None and outlier(-17.5, known) is not None


def test_csv_header_found_below_a_title_row_and_blank_rows_skipped(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("令和6年度 実績,,\nID,年度,実績値\n\n7,2024,5\n,,\n", encoding="utf-8")
    table = read_table(path)
    assert table.sheet is None and table.columns == ["ID", "年度", "実績値"]
    assert table.rows == [(4, {"ID": "7", "年度": "2024", "実績値": "5"})]


def test_file_without_value_column_or_of_another_kind(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("ID,年度\n1,2024\n", encoding="utf-8")
    with pytest.raises(EntryFileError, match="実績値"):
        read_table(path)
    other = tmp_path / "e.ods"
    other.write_bytes(b"x")
    with pytest.raises(EntryFileError, match=r"\.xlsx か \.csv"):
        read_table(other)
    broken = tmp_path / "e.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(EntryFileError, match=r"\.xlsx のブックとして読めません"):
        read_table(broken)


def test_database_urls(tmp_path: Path) -> None:
    pg = database_settings("postgresql://kpi:p%40ss@db.example:6543/machikpi?sslmode=require")
    assert pg == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "machikpi",
        "USER": "kpi",
        "PASSWORD": "p@ss",
        "HOST": "db.example",
        "PORT": "6543",
        "OPTIONS": {"sslmode": "require"},
    }
    assert database_settings("postgres://postgres@127.0.0.1/test")["PORT"] == ""
    abs_file = tmp_path / "kpi.db"
    assert database_settings(f"sqlite:///{abs_file}")["NAME"] == str(abs_file)
    assert database_settings("sqlite:///rel.db")["NAME"] == str(Path("rel.db").resolve())
    assert database_settings("data/kpi.db")["ENGINE"] == "django.db.backends.sqlite3"
    with pytest.raises(DatabaseConfigError):
        database_settings("mysql://root@localhost/kpi")
    with pytest.raises(DatabaseConfigError):
        database_settings("postgresql://root@localhost/")
