"""The Excel evaluation report (``machikpi report -o FILE.xlsx``).

The database test reuses the hand-made plan and actual values of
``tests/test_report.py`` (FY2023, rule set ``baseline-band``); the expected
values are worked by hand there: 新規就農者数 baseline 12 (FY2019), target
20 (FY2027), actual 16 → 達成率 16/20 = 0.8, 進捗率 4/8 = 0.5, grade A;
観光入込客数 B, 市内従業者数 S, 学校が楽しいと答えた割合 小 C, 中 − (no value).
The other tests build a report from hand-written KPI rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from machikpi.adapters.cli import main
from machikpi.adapters.reports.context import build_report, plan_from_rows
from machikpi.adapters.reports.xlsx import sheet_name, write_xlsx
from tests.storage_db import database_url, db
from tests.test_report import COMMENT, FINDING, OLD_COMMENT, _store_with_actuals, store_comment_and_finding

__all__ = ["database_url", "db"]


def _table(ws: Worksheet) -> tuple[list[Any], list[list[Any]]]:
    """(header, data rows) of a sheet: the header is the first row whose first cell is 施策/計画."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    h = next(k for k, r in enumerate(rows) if r[0] in ("施策", "計画"))
    return rows[h], rows[h + 1 :]


def _line(ws: Worksheet, name: str) -> dict[str, Any]:
    header, rows = _table(ws)
    found = [dict(zip(header, r, strict=True)) for r in rows if r[2] == name]
    assert len(found) == 1, (name, rows)
    return found[0]


@pytest.mark.db
def test_xlsx_report_from_the_database(db: str, tmp_path: Path) -> None:
    _store_with_actuals()
    out = tmp_path / "sub" / "report.xlsx"
    assert main(["report", "--database", db, "-o", str(out)]) == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["集計", "1 しごとをつくる", "2 子育てを支える", "監査所見"]
    goal1, goal2 = wb["1 しごとをつくる"], wb["2 子育てを支える"]
    for ws in wb.worksheets:
        assert "テスト町" in str(ws["A1"].value) or ws.title in ("集計", "監査所見")
        assert "令和5年度（2023年度）" in str(ws["A2"].value) and "baseline-band" in str(ws["A2"].value)
        assert not any("架空のデモ用データ" in str(c) for r in ws.iter_rows(values_only=True) for c in r)
    header, _ = _table(goal1)
    assert header == [
        "施策", "区分", "指標名", "単位", "基準値", "基準年度", "目標値", "目標年度",
        "実績値 2023年度", "達成率", "進捗率", "評価", "備考", "取組の成果と課題", "今後の方向性", "内部評価",
        "SDGs",
    ]  # fmt: skip
    assert goal1.freeze_panes == f"A{[c.value for c in goal1['A']].index('施策') + 2}"
    # set up for printing, as read back from the file: A4 landscape, one page wide, the title
    # rows and the header row on every page
    for ws in wb.worksheets:
        header_row = next(c.row for c in ws["A"] if c.value in ("施策", "計画"))
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
        assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.print_title_rows == f"$1:${header_row}", ws.title
        assert ws.oddFooter is not None and ws.oddFooter.center.text == "&P / &N"
    farm = _line(goal1, "新規就農者数")
    assert farm["施策"] == "1-1 雇用の場をつくる" and farm["区分"] == "KPI" and farm["単位"] == "人"
    assert (farm["基準値"], farm["基準年度"], farm["目標値"], farm["目標年度"]) == (12, 2019, 20, 2027)
    assert farm["実績値 2023年度"] == 16 and isinstance(farm["実績値 2023年度"], int)
    assert isinstance(farm["達成率"], float) and farm["達成率"] == pytest.approx(0.8)
    assert farm["進捗率"] == pytest.approx(0.5)
    assert farm["評価"] == "A"
    r = next(c.row for c in goal1["C"] if c.value == "新規就農者数")
    assert goal1.cell(r, header.index("達成率") + 1).number_format == "0.0%"
    assert _line(goal1, "市内従業者数")["評価"] == "S" and _line(goal1, "市内従業者数")["区分"] == "数値目標"
    assert _line(goal1, "観光入込客数")["評価"] == "B"
    small = _line(goal2, "学校が楽しいと答えた割合（小）")
    assert small["評価"] == "C" and small["基準値"] == pytest.approx(80.5) and small["実績値 2023年度"] == 70
    middle = _line(goal2, "学校が楽しいと答えた割合（中）")
    assert middle["実績値 2023年度"] == "未入力" and middle["達成率"] == "—"
    assert goal1.column_dimensions["C"].width > 20

    s_header, s_rows = _table(wb["集計"])
    counts: dict[str, int] = {}
    for row in s_rows:
        for g, n in zip(s_header[2:-1], row[2:-1], strict=True):
            counts[g] = counts.get(g, 0) + n
    assert {g: n for g, n in counts.items() if n} == {"S": 1, "A": 1, "B": 1, "C": 1, middle["評価"]: 1}
    assert middle["評価"] == "−"
    assert [row[1] for row in s_rows] == ["1 しごとをつくる", "2 子育てを支える"]
    assert [row[-1] for row in s_rows] == [3, 2]

    a_header, _ = _table(wb["監査所見"])
    assert a_header[:3] == ["計画", "重大度", "検査"]


@pytest.mark.db
def test_xlsx_comment_under_its_node_and_stored_finding_with_line(db: str, tmp_path: Path) -> None:
    store_comment_and_finding()
    out = tmp_path / "r.xlsx"
    assert main(["report", "--database", db, "--year", "2023", "-o", str(out)]) == 0
    wb = load_workbook(out)
    header, rows = _table(wb["1 しごとをつくる"])
    lines = [dict(zip(header, r, strict=True)) for r in rows]
    comments = [k for k, ln in enumerate(lines) if ln["区分"] == "委員会コメント"]
    assert len(comments) == 1
    k = comments[0]
    comment = lines[k]
    assert comment["施策"] == "1-1 雇用の場をつくる" and comment["備考"] == COMMENT
    assert str(comment["指標名"]).startswith("山田委員（")
    assert comment["基準値"] is None and comment["評価"] is None  # no number in a comment line
    # right under the indicators of its node: the line before is the node's last indicator
    assert lines[k - 1]["施策"] == "1-1 雇用の場をつくる" and lines[k - 1]["区分"] == "KPI"
    assert all(ln["施策"] != "1-1 雇用の場をつくる" for ln in lines[k + 1 :])
    everywhere = [c for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for c in r]
    assert everywhere.count(COMMENT) == 1 and OLD_COMMENT not in everywhere
    a_header, a_rows = _table(wb["監査所見"])
    found = [dict(zip(a_header, r, strict=True)) for r in a_rows]
    assert len(found) == 1  # the stored audit, not an audit of the rows
    f = found[0]
    assert (f["文書"], f["行"], f["施策"], f["指標名"]) == (
        "hand-made-strategy.txt",
        42,
        "1-1 雇用の場をつくる",
        "観光入込客数",
    )
    assert (f["所見"], f["検査"], f["重大度"], f["セル"]) == (
        FINDING,
        "target-pending",
        "要確認",
        "target[0]",
    )
    assert isinstance(f["行"], int)


def _cell(
    value: float | None, year: int | None, status: str = "value", bound: str | None = None
) -> dict[str, Any]:
    raw = "" if value is None else f"{value:g}"
    return {"raw": raw, "status": status, "value": value, "year": year, "year_type": "fiscal", "bound": bound}


def _rows() -> list[dict[str, Any]]:
    """Two plans; the first has a long goal title with characters Excel forbids, two
    target columns, a target that is an upper limit, actuals in two years, a pending target."""
    ev = {"year": 2025, "rules": "r", "direction": "lower", "actual": 30.0, "achievement_rate": 1.2,
          "progress_rate": 0.75, "grade": "◎"}  # fmt: skip
    long_title = "安全・安心な暮らし[防災/防犯]:地域で支え合うまちをみんなでつくる"
    return [
        {
            "doc": "a.txt", "path": [long_title], "codes": ["Ⅰ"], "role": "成果指標",
            "name": "交通事故件数", "group": None, "unit": "件", "cumulative": False,
            "baseline": _cell(50, 2020), "targets": [_cell(40, 2025, bound="max"), _cell(35, 2030)],
            "notes": ["警察署の統計", "毎年2件減"],
            "actuals": [_cell(44, 2024), _cell(30, 2025)], "evaluation": ev,
        },
        {
            "doc": "a.txt", "path": [long_title, "見守り"], "codes": ["Ⅰ", "Ⅰ-1"], "role": "KPI",
            "name": "見守り協力員数", "group": None, "unit": "人", "cumulative": False,
            "baseline": _cell(None, None, "none"), "targets": [_cell(None, None, "pending")],
            "notes": [], "evaluation": {"year": 2025, "grade": None, "reason": "no baseline"},
        },
        {
            "doc": "b.txt", "path": ["Goal"], "codes": None, "role": "KPI", "name": "x", "group": None,
            "unit": "%", "cumulative": False, "baseline": _cell(1, 2020), "targets": [_cell(2, 2030)],
            "notes": [], "evaluation": {"year": 2025, "grade": "○"},
        },
    ]  # fmt: skip


def test_xlsx_layout_names_and_demo_marking(tmp_path: Path) -> None:
    report = build_report(
        _rows(), year=2025, rules="r", rules_description="", grade_order=["◎", "○"], demo_data=True
    )
    out = tmp_path / "r.xlsx"
    write_xlsx(report, out)
    wb = load_workbook(out)
    goal = wb.sheetnames[1]
    assert len(wb.sheetnames) == 4 and wb.sheetnames[2] == "2-Goal"
    assert len(goal) == 31 and goal.startswith("1-Ⅰ 安全・安心な暮らし_防災_防犯__地域")
    for ws in wb.worksheets:  # the demo marking is on every sheet
        assert any("架空のデモ用データ" in str(c) for r in ws.iter_rows(values_only=True) for c in r)
    # rows without a plan title: the plan is named by its first goal, never by its file name
    title = str(wb[goal]["A1"].value)
    assert title.startswith("Ⅰ 安全・安心な暮らし") and "（表題のない計画）" in title and "a.txt" not in title
    assert ".txt" not in "".join(str(r[0]) for r in wb["集計"].iter_rows(values_only=True))
    ws = wb[goal]
    header, _ = _table(ws)
    assert header[6:12] == [
        "目標値1",
        "目標年度1",
        "目標値2",
        "目標年度2",
        "実績値 2024年度",
        "実績値 2025年度",
    ]
    crashes = _line(ws, "交通事故件数")
    assert (crashes["目標値1"], crashes["目標値2"], crashes["目標年度2"]) == (40, 35, 2030)
    assert (crashes["実績値 2024年度"], crashes["実績値 2025年度"]) == (44, 30)
    assert crashes["達成率"] == pytest.approx(1.2) and crashes["評価"] == "◎"
    assert crashes["備考"] == "警察署の統計\n毎年2件減"
    r = next(c.row for c in ws["C"] if c.value == "交通事故件数")
    assert ws.cell(r, 7).number_format == 'General"以内"'
    watch = _line(ws, "見守り協力員数")
    assert (
        watch["施策"] == "Ⅰ-1 見守り" and watch["基準値"] == "—" and watch["目標値1"] == "未設定"
    )  # an empty pending cell
    assert watch["目標値2"] is None and watch["評価"] == "−" and "no baseline" in watch["備考"]
    assert watch["実績値 2025年度"] == "未入力" and watch["実績値 2024年度"] is None
    s_header, s_rows = _table(wb["集計"])
    assert s_header == ["計画", "基本目標", "◎", "○", "−", "計"]  # − : cannot grade, one symbol everywhere
    assert [r[2:] for r in s_rows] == [[1, 0, 1, 2], [0, 1, 0, 1]]
    a_header, a_rows = _table(wb["監査所見"])
    audited = {(r[a_header.index("指標名")], r[a_header.index("検査")]) for r in a_rows}
    assert ("見守り協力員数", "baseline-missing") in audited
    assert all(r[a_header.index("施策")] == "Ⅰ-1 見守り" for r in a_rows)


def test_sheet_names_follow_excel_rules() -> None:
    taken: set[str] = set()
    assert sheet_name("a/b:c*d?e[f]g\\h", taken) == "a_b_c_d_e_f_g_h"
    assert sheet_name("A/B:C*D?E[F]G\\H", taken) == "A_B_C_D_E_F_G_H(2)"  # Excel ignores case
    long = "あ" * 40
    assert sheet_name(long, taken) == "あ" * 31
    assert sheet_name(long, taken) == "あ" * 28 + "(2)"
    assert sheet_name("'", taken) == "Sheet"


def test_plan_from_rows_feeds_the_audit() -> None:
    rows = _rows()
    plan = plan_from_rows("a.txt", "A", rows[:2])
    assert [n.title for n in plan.nodes] == [rows[0]["path"][0]]
    assert [n.title for n in plan.nodes[0].children] == ["見守り"]
    report = build_report(rows, year=2025, rules="r", rules_description="", grade_order=["◎"])
    found = {(f["indicator"], f["check"]) for f in report.plans[0].findings}
    # 見守り協力員数: baseline "—" and an empty target cell (nothing announced), see the
    # table of checks in machikpi.core.audit; 交通事故件数 has both.
    assert {("見守り協力員数", "baseline-missing"), ("見守り協力員数", "target-missing")} <= found
    assert not {c for n, c in found if n == "交通事故件数"} & {"baseline-missing", "target-missing"}
