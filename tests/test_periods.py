"""The period reader: 和暦, 年度 vs 年, Western years; and its properties."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from machikpi.core.errors import PeriodError
from machikpi.core.model import YearType
from machikpi.core.periods import era_to_western, find_periods, fiscal_year_of, read_period, to_wareki


@pytest.mark.parametrize(
    ("text", "year", "year_type"),
    [
        ("令和元年度", 2019, YearType.FISCAL),  # the brief: 令和元年度 = FY2019
        ("現状値 (令和元年度)", 2019, YearType.FISCAL),
        ("平成30年", 2018, YearType.CALENDAR),
        ("令和11年度", 2029, YearType.FISCAL),
        ("令和 6 年度", 2024, YearType.FISCAL),
        ("昭和64年", 1989, YearType.CALENDAR),
        ("明治元年", 1868, YearType.CALENDAR),
        ("大正2年", 1913, YearType.CALENDAR),
        ("目標値 (2027)", 2027, None),  # 000: bare Western year in brackets
        ("2031年度", 2031, YearType.FISCAL),
        ("R6の実績", 2024, None),  # 002 notes abbreviate 令和6年 as R6
        ("H30年度", 2018, YearType.FISCAL),
    ],
)
def test_reads_years(text: str, year: int, year_type: YearType | None) -> None:
    p = read_period(text)
    assert (p.year, p.year_type) == (year, year_type)


def test_numbers_that_are_not_years_are_not_read() -> None:
    assert find_periods("1,997億円") == []
    assert find_periods("2,097億円") == []
    assert find_periods("H2O") == []
    assert find_periods("13,500億円") == []


def test_several_years_in_order() -> None:
    years = [p.year for p in find_periods("平成30年度から令和9年度まで")]
    assert years == [2018, 2027]


def test_fiscal_year_runs_april_to_march() -> None:
    assert fiscal_year_of(date(2020, 3, 31)) == 2019
    assert fiscal_year_of(date(2020, 4, 1)) == 2020


def test_errors() -> None:
    with pytest.raises(PeriodError):
        read_period("目標値")
    with pytest.raises(PeriodError):
        era_to_western("天平", 1)
    with pytest.raises(PeriodError):
        to_wareki(1800)


@given(st.integers(min_value=1868, max_value=2199), st.sampled_from([YearType.FISCAL, YearType.CALENDAR]))
def test_wareki_round_trip(year: int, year_type: YearType) -> None:
    p = read_period(to_wareki(year, year_type))
    assert (p.year, p.year_type) == (year, year_type)


@given(st.text(max_size=30))
def test_find_periods_never_raises(text: str) -> None:
    for p in find_periods(text):
        assert 1800 <= p.year <= 2300
