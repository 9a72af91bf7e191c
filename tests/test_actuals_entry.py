"""Entering actual values: template round trip, CSV encodings, all-or-nothing errors, history.

Run on SQLite and (``make test``'s second run) on PostgreSQL; see tests/storage_db.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from machikpi.adapters.cli import main
from machikpi.samples import SEEDS_DIR
from tests.storage_db import database_url, db, hand_plan

__all__ = ["database_url", "db"]

pytestmark = pytest.mark.db

DOC = "hand-made-strategy.txt"


def stored_plan_with_history() -> dict[str, int]:
    """Store the hand-made plan with a 2022 actual of 新規就農者数 (14人); series ids by label."""
    from django.db import transaction

    from machikpi.adapters.storage import models as m
    from machikpi.adapters.storage.actuals import record_actual
    from machikpi.adapters.storage.plans import store_plan

    store_plan(hand_plan())
    ids = {
        "farm": m.Series.objects.get(indicator__name="新規就農者数").pk,
        "tourism": m.Series.objects.get(indicator__name="観光入込客数").pk,
        "workers": m.Series.objects.get(indicator__name="市内従業者数").pk,
        "小": m.Series.objects.get(group="小").pk,
        "中": m.Series.objects.get(group="中").pk,
    }
    with transaction.atomic():
        record_actual(ids["farm"], 2022, value=14, raw="14", note="", who="setup")
    return ids


def template(db: str, tmp_path: Path, year: int = 2024, name: str = "entry.xlsx") -> Path:
    out = tmp_path / name
    assert main(["actuals", "template", "--year", str(year), "-o", str(out), "--database", db]) == 0
    return out


def rows_by_id(path: Path) -> tuple[Any, dict[int, int]]:
    wb = load_workbook(path)
    ws = wb["実績入力"]
    return wb, {int(str(ws.cell(row=r, column=1).value)): r for r in range(2, ws.max_row + 1)}


def test_template_has_one_row_per_series_with_what_the_plan_says(db: str, tmp_path: Path) -> None:
    ids = stored_plan_with_history()
    wb, rows = rows_by_id(template(db, tmp_path))
    ws = wb["実績入力"]
    header = [c.value for c in ws[1]]
    assert header == [
        "ID",
        "計画",
        "施策",
        "指標名",
        "区分",
        "単位",
        "基準値",
        "目標値",
        "前回実績",
        "年度",
        "実績値",
        "備考",
    ]
    assert ws.column_dimensions["A"].hidden
    assert set(rows) == set(ids.values())
    farm = [c.value for c in ws[rows[ids["farm"]]]]
    assert farm[1:10] == [
        "テスト町まち・ひと・しごと創生総合戦略",
        "しごとをつくる > 雇用の場をつくる",
        "新規就農者数",
        None,
        "人",
        "12人",
        "20人",
        "14人 (2022年度)",
        2024,
    ]
    assert farm[10] is None and farm[11] is None
    assert [c.value for c in ws[rows[ids["中"]]]][4:8] == ["中", "%", "70.25%", "75%"]
    assert "説明" in wb.sheetnames


def test_template_round_trip_and_history(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from machikpi.adapters.storage import models as m

    ids = stored_plan_with_history()
    path = template(db, tmp_path)
    wb, rows = rows_by_id(path)
    ws = wb["実績入力"]
    ws.cell(row=rows[ids["farm"]], column=11, value=16)
    ws.cell(row=rows[ids["中"]], column=11, value="71.5%")
    ws.cell(row=rows[ids["中"]], column=12, value="速報値")
    wb.save(path)
    assert main(["actuals", "import", str(path), "--user", "佐藤", "--database", db]) == 0
    assert "2 new, 0 changed, 0 unchanged" in capsys.readouterr().out

    farm = m.ActualValue.objects.get(series_id=ids["farm"], year=2024)
    assert (farm.value, farm.raw, farm.status, farm.entered_by) == (16, "16", "approved", "佐藤")
    middle = m.ActualValue.objects.get(series_id=ids["中"], year=2024)
    assert (middle.value, middle.raw, middle.note) == (71.5, "71.5%", "速報値")
    first = m.ActualChange.objects.get(actual=farm)
    assert (first.action, first.who, first.old_value, first.new_value) == ("create", "佐藤", None, 16)

    # The next template shows the stored values; change one, keep the other.
    path2 = template(db, tmp_path, name="entry2.xlsx")
    wb, rows = rows_by_id(path2)
    ws = wb["実績入力"]
    assert ws.cell(row=rows[ids["farm"]], column=11).value == 16
    assert ws.cell(row=rows[ids["中"]], column=11).value == 71.5
    ws.cell(row=rows[ids["farm"]], column=11, value="17人")
    ws.cell(row=rows[ids["farm"]], column=12, value="確定値に修正")
    wb.save(path2)
    assert main(["actuals", "import", str(path2), "--user", "鈴木", "--database", db]) == 0
    assert "0 new, 1 changed, 1 unchanged" in capsys.readouterr().out

    farm.refresh_from_db()
    assert (farm.value, farm.raw, farm.note, farm.entered_by) == (17, "17人", "確定値に修正", "鈴木")
    history = list(m.ActualChange.objects.filter(actual=farm).order_by("id"))
    assert [(h.who, h.old_value, h.new_value, h.old_raw, h.new_raw) for h in history] == [
        ("佐藤", None, 16, None, "16"),
        ("鈴木", 16, 17, "16", "17人"),
    ]
    assert history[1].action == "update" and history[1].note == "確定値に修正"
    assert history[1].at >= history[0].at
    assert m.ActualChange.objects.filter(actual=middle).count() == 1  # unchanged: no new history

    assert main(["actuals", "history", "--database", db]) == 0
    out = capsys.readouterr().out
    assert "鈴木" in out and "16 → 17人" in out


def test_user_defaults_to_the_login_name_and_draft(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from machikpi.adapters.storage import models as m

    ids = stored_plan_with_history()
    monkeypatch.setattr("getpass.getuser", lambda: "login-name")
    csv_path = tmp_path / "e.csv"
    csv_path.write_text(f"ID,年度,実績値\n{ids['tourism']},2023,162\n", encoding="utf-8")
    assert main(["actuals", "import", str(csv_path), "--draft", "--database", db]) == 0
    value = m.ActualValue.objects.get(series_id=ids["tourism"])
    assert (value.status, value.entered_by, value.year, value.value) == ("draft", "login-name", 2023, 162)
    assert m.ActualChange.objects.get(actual=value).who == "login-name"


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig"])
def test_csv_without_ids_in_cp932_and_utf8_bom(db: str, tmp_path: Path, encoding: str) -> None:
    from machikpi.adapters.storage import models as m

    ids = stored_plan_with_history()
    text = (
        "計画,指標名,区分,年度,実績値,備考\r\n"
        f"{DOC},新規就農者数,,令和5年度,15,CSVから入力\r\n"
        'テスト町まち・ひと・しごと創生総合戦略,学校が楽しいと答えた割合,小,2023,"82.0%",\r\n'
        f'{DOC},市内従業者数,,2023,"41,250",\r\n'
    )
    path = tmp_path / f"entry-{encoding}.csv"
    data = text.encode(encoding)
    if encoding == "cp932":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    else:
        assert data.startswith(b"\xef\xbb\xbf")
    path.write_bytes(data)
    assert main(["actuals", "import", str(path), "--user", "田中", "--database", db]) == 0
    got = {(a.series_id, a.year): (a.value, a.note) for a in m.ActualValue.objects.filter(year=2023)}
    assert got == {
        (ids["farm"], 2023): (15, "CSVから入力"),
        (ids["小"], 2023): (82.0, ""),
        (ids["workers"], 2023): (41250, ""),
    }


def test_file_with_errors_changes_nothing_and_lists_every_error(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from machikpi.adapters.storage import models as m

    ids = stored_plan_with_history()
    path = template(db, tmp_path)
    wb, rows = rows_by_id(path)
    ws = wb["実績入力"]
    ws.cell(row=rows[ids["farm"]], column=11, value="12,3x")  # not a number
    ws.cell(row=rows[ids["tourism"]], column=11, value=170)  # valid: must not be stored either
    ws.cell(row=rows[ids["workers"]], column=6, value="件")  # wrong unit
    ws.cell(row=rows[ids["workers"]], column=11, value=41000)
    ws.cell(row=rows[ids["小"]], column=10, value="来年度")  # not a year
    ws.cell(row=rows[ids["小"]], column=11, value=80)
    ws.cell(row=rows[ids["中"]], column=1, value=987654)  # unknown indicator
    ws.cell(row=rows[ids["中"]], column=11, value=72)
    extra = ws.max_row + 1  # the same series and year twice
    for col in (1, 4, 10):
        ws.cell(row=extra, column=col, value=ws.cell(row=rows[ids["tourism"]], column=col).value)
    ws.cell(row=extra, column=11, value=171)
    wb.save(path)
    before = m.ActualValue.objects.count(), m.ActualChange.objects.count()

    assert main(["actuals", "import", str(path), "--database", db]) == 2
    err = capsys.readouterr().err
    expected = [
        f"{path}: シート「実績入力」 {rows[ids['farm']]}行目 「実績値」列: 「12,3x」は数値として読めません",
        f"{path}: シート「実績入力」 {rows[ids['workers']]}行目 「単位」列: 「件」はこの指標の単位「人」ではありません",
        f"{path}: シート「実績入力」 {rows[ids['小']]}行目 「年度」列: 「来年度」は年度として読めません",
        f"{path}: シート「実績入力」 {rows[ids['中']]}行目 「ID」列: 登録されていない指標です(ID 987654 はありません)",
        f"{path}: シート「実績入力」 {extra}行目 「実績値」列: 「観光入込客数」の2024年度の値が2つ目です"
        f"(1つ目は{rows[ids['tourism']]}行目)",
    ]
    for line in expected:
        assert line in err, line
    assert "誤りが 5 件あります。何も登録していません" in err
    assert (m.ActualValue.objects.count(), m.ActualChange.objects.count()) == before


def test_far_outlier_is_a_warning_and_still_stored(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from machikpi.adapters.storage import models as m

    ids = stored_plan_with_history()
    path = tmp_path / "e.csv"
    # 新規就農者数: known 12 (baseline), 20 (target), 14 (2022) → 61 is above 3 × 20.
    path.write_text(f"ID,年度,実績値\n{ids['farm']},2024,61\n{ids['tourism']},2024,155\n", encoding="utf-8")
    assert main(["actuals", "import", str(path), "--database", db]) == 0
    err = capsys.readouterr().err
    assert (
        f"{path}: 2行目 「実績値」列: 値を確認してください: 61 は既知の値 12〜20 から大きく外れています"
        in err
    )
    assert "3行目" not in err
    assert m.ActualValue.objects.filter(year=2024).count() == 2


def test_seed_003_entry_survives_reimport(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from machikpi.adapters.storage import models as m

    seed = SEEDS_DIR / "003_06b39d270299f45c.txt"
    assert main(["import", str(seed), "--database", db]) == 0
    path = template(db, tmp_path, year=2023)
    wb = load_workbook(path)
    ws = wb["実績入力"]
    names = {ws.cell(row=r, column=4).value: r for r in range(2, ws.max_row + 1)}
    row = names["新規求人数"]
    assert ws.cell(row=row, column=7).value == "1,563件"  # seed line 115
    ws.cell(row=row, column=11, value="1,601")
    wb.save(path)
    assert main(["actuals", "import", str(path), "--user", "担当者", "--database", db]) == 0
    assert main(["import", str(seed), "--database", db]) == 0
    value = m.ActualValue.objects.get()
    assert (value.series.indicator.name, value.year, value.value) == ("新規求人数", 2023, 1601)
    # Next year's sheet shows it as the latest value.
    wb2 = load_workbook(template(db, tmp_path, year=2024, name="next.xlsx"))
    ws2 = wb2["実績入力"]
    row2 = next(r for r in range(2, ws2.max_row + 1) if ws2.cell(row=r, column=4).value == "新規求人数")
    assert ws2.cell(row=row2, column=9).value == "1,601件 (2023年度)"


def test_export_gives_kpi_rows_with_approved_actuals(db: str, tmp_path: Path) -> None:
    import json

    ids = stored_plan_with_history()
    path = tmp_path / "e.csv"
    path.write_text(f"ID,年度,実績値\n{ids['tourism']},2023,162\n", encoding="utf-8")
    assert main(["actuals", "import", str(path), "--draft", "--database", db]) == 0
    out = tmp_path / "rows.jsonl"
    assert main(["actuals", "export", "-o", str(out), "--database", db]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 5
    farm = next(r for r in rows if r["name"] == "新規就農者数")
    assert farm["path"] == ["しごとをつくる", "雇用の場をつくる"] and farm["codes"] == ["1", "1-1"]
    assert farm["baseline"]["value"] == 12 and farm["targets"][0]["value"] == 20
    assert farm["actuals"] == [
        {"raw": "14", "status": "value", "value": 14, "year": 2022, "year_type": "fiscal", "bound": None}
    ]
    tourism = next(r for r in rows if r["name"] == "観光入込客数")
    assert "actuals" not in tourism  # the 2023 value is a draft
    assert main(["actuals", "export", "--drafts", "-o", str(out), "--database", db]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    tourism = next(r for r in rows if r["name"] == "観光入込客数")
    assert [a["value"] for a in tourism["actuals"]] == [162]

    from machikpi.adapters.storage.export import latest_actual_year, stored_rows

    assert latest_actual_year() == 2022 and latest_actual_year(drafts=True) == 2023
    stored = stored_rows()
    assert len(stored.series_ids) == len(stored.rows) == 5
    assert stored.series_ids[stored.rows.index(farm)] == ids["farm"]
    assert stored.titles == {DOC: "テスト町まち・ひと・しごと創生総合戦略"}


def test_a_formula_or_error_cell_is_an_error_of_its_row_and_nothing_is_stored(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from machikpi.adapters.storage import models as m

    ids = stored_plan_with_history()
    path = template(db, tmp_path)
    wb, rows = rows_by_id(path)
    ws = wb["実績入力"]
    ws.cell(row=rows[ids["farm"]], column=11, value="=1+1")  # a formula, no cached value
    ws.cell(row=rows[ids["tourism"]], column=11, value=170)  # valid: must not be stored either
    ws.cell(row=rows[ids["workers"]], column=11, value=41000)
    ws.cell(row=rows[ids["workers"]], column=12, value="=A1")  # a formula in the note
    wb.save(path)
    before = m.ActualValue.objects.count(), m.ActualChange.objects.count()
    assert main(["actuals", "import", str(path), "--database", db]) == 2
    err = capsys.readouterr().err
    assert f"{path}: シート「実績入力」 {rows[ids['farm']]}行目 「実績値」列: 「=1+1」は数式です" in err
    assert f"{path}: シート「実績入力」 {rows[ids['workers']]}行目 「備考」列: 「=A1」は数式です" in err
    assert "誤りが 2 件あります。何も登録していません" in err
    assert (m.ActualValue.objects.count(), m.ActualChange.objects.count()) == before


def test_entry_checking_reads_the_database_in_a_fixed_number_of_queries(db: str, tmp_path: Path) -> None:
    """One plan or three, one year or two: the same queries (no query per row, series or node)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from machikpi.adapters.actual_entry import ID, VALUE, YEAR, Table
    from machikpi.adapters.services.entries import validate_stored
    from machikpi.adapters.storage.actuals import series_info
    from machikpi.adapters.storage.plans import store_plan

    def check(years: list[int]) -> int:
        rows = [
            (n, {ID: info.series_id, YEAR: y, VALUE: "15"})
            for y in years
            for n, info in enumerate(series_info(y), start=2 + 100 * (y - 2020))
        ]
        table = Table(file="t.csv", sheet=None, columns=[ID, YEAR, VALUE], rows=rows)  # type: ignore[arg-type]
        with CaptureQueriesContext(connection) as q:
            checked = validate_stored(table)
        assert not checked.errors and len(checked.entries) == len(rows)
        return len(q.captured_queries)

    stored_plan_with_history()
    small = check([2023])
    store_plan(hand_plan("second.txt"))
    store_plan(hand_plan("third.txt"))
    assert check([2023, 2024]) == small <= 6
