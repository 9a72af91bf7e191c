"""The quantity reader on cells as the sample plans print them, and its properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from machikpi.core.errors import QuantityError
from machikpi.core.model import Bound, CellStatus, YearType
from machikpi.core.periods import Period
from machikpi.core.quantities import (
    KNOWN_UNITS,
    format_number,
    format_quantity,
    parse_number,
    read_cell,
    read_quantity,
    split_groups,
)


@pytest.mark.parametrize(
    ("raw", "value", "unit"),
    [
        ("1,997億円", 1997, "億円"),  # 002: 市内総生産額
        ("1,819 千人", 1819, "千人"),  # 002: 観光交流客数
        ("17.9%", 17.9, "%"),  # 000
        ("82.31 %", 82.31, "%"),  # 004: space before the unit
        ("43 団体", 43, "団体"),
        ("１２件", 12, "件"),  # full-width digits
        ("129 トンCO 2", 129, "トンCO2"),  # 000 l.160: subscript 2 extracted apart
        ("70 店舗", 70, "店舗"),
        ("77.41歳", 77.41, "歳"),
        ("366日 (閏年)", 366, "日"),  # 003
        ("700人(※)", 700, "人"),  # 003: a ※ reference in the cell
        ("△5%", -5, "%"),  # Japanese minus sign
    ],
)
def test_reads_values_and_units_as_printed(raw: str, value: float, unit: str) -> None:
    cell = read_cell(raw)
    assert cell.status is CellStatus.VALUE
    assert cell.value == pytest.approx(value)
    assert cell.unit == unit


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("—", CellStatus.NONE),
        ("-", CellStatus.NONE),
        ("–", CellStatus.NONE),
        ("_", CellStatus.NONE),  # 003: a dash extracted as underscore
        ("検討中", CellStatus.PENDING),
        ("", CellStatus.PENDING),
        ("※第3期保健事業実施計画・第4期特定健康診査等実施計画検討にあわせて設定予定", CellStatus.PENDING),
        ("※健康いせさき21(第3次)検 討…設定予定", CellStatus.PENDING),  # digits inside, still pending
        ("集計中", CellStatus.TALLYING),
    ],
)
def test_reads_statuses(raw: str, status: CellStatus) -> None:
    cell = read_cell(raw)
    assert cell.status is status
    assert cell.value is None


def test_nothing_reads_as_zero() -> None:
    cell = read_cell("待機児童なし")
    assert (cell.status, cell.value, cell.unit) == (CellStatus.VALUE, 0, None)


@pytest.mark.parametrize(
    ("raw", "bound"),
    [("92.7 %以内", Bound.MAX), ("3.7%以下", Bound.MAX), ("100人未満", Bound.MAX), ("85%以上", Bound.MIN)],
)
def test_reads_bounds(raw: str, bound: Bound) -> None:
    cell = read_cell(raw)
    assert cell.bound is bound
    assert cell.value is not None


def test_cell_year_overrides_header_year() -> None:
    header = Period(2019, YearType.FISCAL, (0, 0))
    cell = read_cell("11,942億円 (平成30年)", header=header)
    assert (cell.value, cell.unit, cell.year, cell.year_type) == (11942, "億円", 2018, YearType.CALENDAR)
    cell = read_cell("430万人(※) (令和8年度)", header=header)
    assert (cell.value, cell.unit, cell.year, cell.year_type) == (430, "万人", 2026, YearType.FISCAL)
    plain = read_cell("4件", header=header)
    assert (plain.year, plain.year_type) == (2019, YearType.FISCAL)


def test_unit_without_value_is_pending_with_unit() -> None:
    cell = read_cell("(橋)")
    assert (cell.status, cell.unit, cell.value) == (CellStatus.PENDING, "橋", None)


def test_cell_remarks_become_notes() -> None:
    assert read_cell("0 人(移動均衡)").notes == ["移動均衡"]
    assert read_cell("366日 (閏年)").notes == ["閏年"]


@pytest.mark.parametrize(
    ("raw", "value", "unit", "repair"),
    [
        ("78力所", 78, "カ所", "力所→カ所"),  # 003: kanji 力 read for katakana カ
        ("O□", 0, "回", "□→回"),  # 003: 0回 as OCR'd
        ("12□", 12, "回", "□→回"),
        ("1O人", 10, "人", "O→0"),
    ],
)
def test_ocr_repairs_are_made_and_recorded(raw: str, value: float, unit: str, repair: str) -> None:
    cell = read_cell(raw)
    assert (cell.value, cell.unit) == (value, unit)
    assert repair in cell.repairs


def test_no_repair_where_none_is_needed() -> None:
    assert read_cell("129 トンCO 2").repairs == []  # the O of CO2 is a letter
    assert read_cell("40カ所").repairs == []


def test_layout_marks_are_dropped_from_raw() -> None:
    assert read_cell("**23.1%**").raw == "23.1%"
    assert read_cell("▶▶ 85.00 %").raw == "85.00 %"


@pytest.mark.parametrize(
    ("raw", "groups"),
    [
        ("小 79.9% 中 66.3%", [("小", "小 79.9%"), ("中", "中 66.3%")]),
        ("男性 77.41歳 女性 79.89歳", [("男性", "男性 77.41歳"), ("女性", "女性 79.89歳")]),
        ("小学校 88.7% 中学校 82.8%", [("小学校", "小学校 88.7%"), ("中学校", "中学校 82.8%")]),
    ],
)
def test_splits_groups(raw: str, groups: list[tuple[str, str]]) -> None:
    assert split_groups(raw) == groups


@pytest.mark.parametrize("raw", ["11,942億円 (平成30年)", "17.9%", "集計中", "待機児童なし", "小 79.9%"])
def test_does_not_split_single_values(raw: str) -> None:
    assert split_groups(raw) == [(None, raw)]


def test_errors_are_the_projects_own() -> None:
    with pytest.raises(QuantityError):
        read_cell("公園の整備")
    with pytest.raises(QuantityError):
        parse_number("12a")
    with pytest.raises(QuantityError):
        read_quantity("なにもない")


values = st.one_of(
    st.integers(min_value=-(10**9), max_value=10**12).map(float),
    st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False, allow_infinity=False).map(
        float
    ),
)


@given(values)
def test_number_round_trip(value: float) -> None:
    assert parse_number(format_number(value)) == pytest.approx(value, rel=1e-12, abs=1e-12)


@given(values, st.sampled_from(KNOWN_UNITS))
def test_quantity_round_trip(value: float, unit: str) -> None:
    cell = read_cell(format_quantity(value, unit))
    assert cell.status is CellStatus.VALUE
    assert cell.value == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert cell.unit == unit


@given(st.text(max_size=40))
def test_read_cell_raises_only_its_own_error(text: str) -> None:
    try:
        cell = read_cell(text)
    except QuantityError:
        return
    # A cell that reads has a value exactly when its status says so.
    assert (cell.value is not None) == (cell.status is CellStatus.VALUE)


@given(st.text(max_size=40))
def test_split_groups_never_raises(text: str) -> None:
    parts = split_groups(text)
    assert parts


def test_plain_number_writes_whole_numbers_as_int() -> None:
    from machikpi.core.quantities import plain_number

    assert plain_number(5.0) == 5 and type(plain_number(5.0)) is int
    assert plain_number(79.9) == 79.9 and type(plain_number(79.9)) is float
    assert plain_number(None) is None
    assert type(plain_number(float(2**60))) is float  # no false precision beyond 2**53
