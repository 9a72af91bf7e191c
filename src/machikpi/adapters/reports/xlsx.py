"""The evaluation report as an Excel workbook (効果検証シート), with openpyxl.

Sheets, in order: ``集計`` (grade counts per plan and top-level goal), one
sheet per top-level goal of each plan (one line per indicator series; the
committee's comments on a node follow its indicators as lines of 区分
``委員会コメント`` with the commenter in 指標名 and the text in 備考; the approved 効果検証
of each indicator is in its row's columns 取組の成果と課題, 今後の方向性, 内部評価, that
of a measure and the committee's 外部評価 follow the node's indicators as lines of
区分 ``施策の効果検証`` and ``外部評価`` — the committee's name in 指標名; the last column
``SDGs`` holds the SDG goal numbers of each line's node, ``3, 4, 11``), ``政策連携プラン``
when a plan has cross-cutting plans (one line per indicator series of each measure a
政策連携プラン names, with its 課題意識 on the plan's first line and the grade of the
report year) and ``監査所見`` (the findings of :attr:`PlanReport.findings` — the stored
audit, with document and line — one line each). Every sheet starts with a
title row (plan, 評価年度, rule set) and, for demo data, a
``架空のデモ用データ`` line; its header row is frozen.

Numbers are stored as numbers: values in the unit of the 単位 column
(a target printed as a limit keeps its number and shows ``以内``/``以上``
through the number format), years as integers, 達成率 and 進捗率 as
fractions shown with the ``0.0%`` format (0.8 → 80.0%). A cell without a
number holds the word of the HTML report (``—``, ``検討中``, ``未入力`` …).
Sheet names follow Excel's rules: at most 31 characters, none of
``[]:*?/\\``, unique regardless of case. Every sheet prints on A4 landscape,
fitted to the page's width, with its title and header rows repeated on each page.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ...core.quantities import plain_number
from ..spreadsheet_safety import text_only
from .context import (
    Comment,
    Goal,
    IndicatorLine,
    LinkMeasure,
    NodeSection,
    PlanReport,
    Report,
    ReviewText,
    Row,
)

DEMO_NOTE = "※ 架空のデモ用データです（実在の実績値ではありません）"
PERCENT = "0.0%"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_COMMENT_FILL = PatternFill("solid", fgColor="EEF5E6")
#: 区分 of a committee comment's line in a goal sheet.
COMMENT_ROLE = "委員会コメント"
#: 区分 of a measure's 効果検証 line and of a 外部評価 line in a goal sheet.
MEASURE_REVIEW_ROLE = "施策の効果検証"
EXTERNAL_REVIEW_ROLE = "外部評価"
#: The 効果検証 columns at the end of a goal sheet.
REVIEW_COLUMNS = ["取組の成果と課題", "今後の方向性", "内部評価"]
#: The last column of a goal sheet: the SDG goals of the line's node.
SDG_COLUMN = "SDGs"
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_name(wanted: str, taken: set[str]) -> str:
    """An Excel-valid sheet name for ``wanted`` not in ``taken`` (compared
    case-insensitively; the result is added to ``taken``).

    Excel's rules: 1 to 31 characters, none of ``[]:*?/\\``, not starting or
    ending with ``'``. Forbidden characters become ``_``; a clash gets ``(2)``,
    ``(3)`` … within the 31 characters."""
    base = _BAD_SHEET_CHARS.sub("_", wanted).strip().strip("'").strip() or "Sheet"
    name = base[:31]
    n = 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f"({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name)
    return name


def _title_rows(ws: Worksheet, report: Report, title: str) -> int:
    """Write the title rows; return the row number of the header row."""
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    owner = f"団体: {report.municipality}　" if report.municipality else ""
    ws.cell(2, 1, f"{owner}評価年度: {report.year_label}　評価ルール: {report.rules}")
    row = 3
    if report.demo_data:
        ws.cell(row, 1, DEMO_NOTE).font = Font(bold=True, color="C00000")
        row += 1
    return row + 1


def _header(ws: Worksheet, row: int, names: list[str], widths: list[float]) -> None:
    for col, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        c = ws.cell(row, col, name)
        c.font = _BOLD
        c.fill = _HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"A{row + 1}"
    _print_setup(ws, row)


def _print_setup(ws: Worksheet, header: int) -> None:
    """Print the sheet as the committee reads it: A4 landscape, every column on the
    page's width (as many pages down as needed), the title rows and the header row
    ``header`` repeated on every page, page numbers in the footer."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"1:{header}"
    ws.print_options.gridLines = True
    if ws.oddFooter is not None:
        ws.oddFooter.center.text = "&P / &N"


def _number(value: Any) -> float | int:
    number = plain_number(float(value))
    assert number is not None
    return number


def _value(cell: Row | None, *, missing: str = "—") -> tuple[Any, str | None]:
    """A value cell as (cell content, number format or None)."""
    if not cell:
        return missing, None
    if cell.get("status") == "value" and cell.get("value") is not None:
        bound = {"max": "以内", "min": "以上"}.get(cell.get("bound") or "")
        return _number(cell["value"]), (f'General"{bound}"' if bound else None)
    status = cell.get("status")
    word = {"none": "—", "pending": "検討中" if cell.get("raw") else "未設定", "tallying": "集計中"}
    return word.get(str(status), cell.get("raw") or "—"), None


def _put(ws: Worksheet, row: int, col: int, content: Any, fmt: str | None = None) -> None:
    c = ws.cell(row, col, content)
    c.alignment = _WRAP
    if fmt:
        c.number_format = fmt


def _goal_sheet(ws: Worksheet, report: Report, plan: PlanReport, goal: Goal) -> None:
    sections = goal.sections
    lines = [(sec, line) for sec in sections for line in sec.lines]
    n_targets = max((len(line.row.get("targets") or []) for _, line in lines), default=1) or 1
    years = sorted(
        {int(a["year"]) for _, ln in lines for a in ln.row.get("actuals") or [] if a.get("year") is not None}
        | {report.year}
    )
    names = ["施策", "区分", "指標名", "単位", "基準値", "基準年度"]
    widths: list[float] = [30, 9, 36, 8, 11, 9]
    for k in range(n_targets):
        mark = f"{k + 1}" if n_targets > 1 else ""
        names += [f"目標値{mark}", f"目標年度{mark}"]
        widths += [11, 9]
    names += [f"実績値 {y}年度" for y in years]
    widths += [12] * len(years)
    names += ["達成率", "進捗率", "評価", "備考", *REVIEW_COLUMNS, SDG_COLUMN]
    widths += [9, 9, 6, 50, 50, 10, 30, 12]
    notes_col = names.index("備考") + 1
    sdg_col = len(names)
    header = _title_rows(ws, report, f"{plan.title}　{goal.section.heading}")
    _header(ws, header, names, widths)
    r = header + 1
    for sec in sections:
        goals = ", ".join(str(m.number) for m in sec.sdgs) or None
        for line in sec.lines:
            _indicator_row(ws, r, sec, line, n_targets, years)
            _put(ws, r, sdg_col, goals)
            r += 1
        if sec.review is not None:
            _fill(ws, r, len(names))
            _put(ws, r, 1, sec.heading)
            _put(ws, r, 2, MEASURE_REVIEW_ROLE)
            _review_cells(ws, r, notes_col + 1, sec.review)
            r += 1
        for ext in sec.external_reviews:
            _fill(ws, r, len(names))
            _put(ws, r, 1, sec.heading)
            _put(ws, r, 2, EXTERNAL_REVIEW_ROLE)
            _put(ws, r, 3, ext.committee_name + (f"（{ext.date}）" if ext.date else ""))
            text = (
                ext.text if ext.node_heading == sec.heading else f"［{ext.node_heading}について］{ext.text}"
            )
            _put(ws, r, notes_col, text)
            r += 1
        for comment in sec.comments:
            _comment_row(ws, r, sec, comment, len(names), notes_col)
            r += 1


def _fill(ws: Worksheet, r: int, width: int) -> None:
    for col in range(1, width + 1):
        ws.cell(r, col).fill = _COMMENT_FILL


def _review_cells(ws: Worksheet, r: int, col: int, review: ReviewText) -> None:
    """取組の成果と課題, 今後の方向性, 内部評価 from column ``col`` on."""
    for k, text in enumerate((review.results, review.direction, review.internal)):
        _put(ws, r, col + k, text or None)


def _comment_row(
    ws: Worksheet, r: int, sec: NodeSection, comment: Comment, width: int, notes_col: int
) -> None:
    """A committee comment as a line of the goal sheet, under its node's indicators."""
    who = comment.author_name + (f"（{comment.date}）" if comment.date else "")
    text = comment.text
    if comment.node_heading != sec.heading:
        text = f"［{comment.node_heading}について］{text}"
    for col in range(1, width + 1):
        ws.cell(r, col).fill = _COMMENT_FILL
    _put(ws, r, 1, sec.heading)
    _put(ws, r, 2, COMMENT_ROLE)
    _put(ws, r, 3, who)
    _put(ws, r, notes_col, text)


def _indicator_row(
    ws: Worksheet, r: int, sec: NodeSection, line: IndicatorLine, n_targets: int, years: list[int]
) -> None:
    row = line.row
    ev: Row = row.get("evaluation") or {}
    base = row.get("baseline") or {}
    targets = list(row.get("targets") or [])
    values: list[tuple[Any, str | None]] = [
        (sec.heading, None),
        (line.role, None),
        (line.name + (f"（{line.group}）" if line.group else ""), None),
        (line.unit, None),
        _value(base),
        (base.get("year"), "0"),
    ]
    for k in range(n_targets):
        t = targets[k] if k < len(targets) else None
        values += [_value(t, missing=""), ((t or {}).get("year"), "0")]
    actuals = {a.get("year"): a for a in row.get("actuals") or []}
    values += [_value(actuals.get(y), missing="未入力" if y == ev.get("year") else "") for y in years]
    for key in ("achievement_rate", "progress_rate"):
        rate = ev.get(key)
        values.append((float(rate), PERCENT) if rate is not None else ("—", None))
    values.append((line.grade, None))
    notes = list(line.notes)
    if line.reason:
        notes.append(f"評価なしの理由: {line.reason}")
    values.append(("\n".join(notes), None))
    for col, (content, fmt) in enumerate(values, start=1):
        _put(ws, r, col, content if content != "" else None, fmt)
    if line.review is not None:
        _review_cells(ws, r, len(values) + 1, line.review)


def _summary_sheet(ws: Worksheet, report: Report) -> None:
    seen = Counter(g for plan in report.plans for s in plan.summaries for g, _ in s.counts)
    grades = list(report.grade_order) + sorted(g for g in seen if g not in report.grade_order)
    header = _title_rows(ws, report, "評価結果の集計")
    names = ["計画", "基本目標", *grades, "計"]
    _header(ws, header, names, [40, 40, *[7.0] * len(grades), 7])
    r = header + 1
    for plan in report.plans:
        for summary in plan.summaries:
            counts = dict(summary.counts)
            values: list[Any] = [
                plan.title,
                summary.title,
                *[counts.get(g, 0) for g in grades],
                summary.total,
            ]
            for col, content in enumerate(values, start=1):
                _put(ws, r, col, content)
            r += 1
    others = [(plan, c) for plan in report.plans for c in plan.other_comments]
    if others:  # comments on nodes that have no indicators in the report
        r += 1
        ws.cell(r, 1, "その他の委員会のコメント").font = _BOLD
        for plan, c in others:
            r += 1
            values = [
                plan.title,
                c.node_heading,
                f"{c.author_name}（{c.date}）" if c.date else c.author_name,
                c.text,
            ]
            for col, content in enumerate(values, start=1):
                _put(ws, r, col, content)


def _links_sheet(ws: Worksheet, report: Report) -> None:
    """The 政策連携プラン of every plan: a line per indicator series of each measure they name
    (a measure without one: a line of its own), the 課題意識 on each plan's first line."""
    header = _title_rows(ws, report, "政策連携プラン（分野横断の施策と指標の評価）")
    names = ["計画", "政策連携プラン", "課題意識", "施策", "指標名", "評価"]
    _header(ws, header, names, [30, 30, 60, 36, 36, 8])
    r = header + 1
    for plan in report.plans:
        for link in plan.links:
            first = True
            measures: list[LinkMeasure | None] = [*link.measures] or [None]
            for m in measures:
                lines: list[IndicatorLine | None] = [*(m.lines if m is not None else [])] or [None]
                for line in lines:
                    values = [
                        plan.title,
                        link.heading,
                        link.text if first else None,
                        m.heading if m is not None else None,
                        (line.name + (f"（{line.group}）" if line.group else "")) if line else None,
                        line.grade if line else None,
                    ]
                    for col, content in enumerate(values, start=1):
                        _put(ws, r, col, content or None)
                    first = False
                    r += 1


def _audit_sheet(ws: Worksheet, report: Report) -> None:
    header = _title_rows(ws, report, "監査所見（計画の指標表の点検結果）")
    for plan in report.plans:  # where each plan's findings come from, above the header
        if plan.findings_source == "stored":
            how = "取込時に保存された監査" + (f"（{plan.audited_at} 実施" if plan.audited_at else "（")
            how += f"、計画期間 {plan.audit_period}）" if plan.audit_period else "）"
        else:
            how = "保存された監査がないため指標表から点検（文書の行番号なし）"
        ws.cell(header, 1, f"{plan.title}: {how}、{len(plan.findings)}件")
        header += 1
    header += 1
    names = ["計画", "重大度", "検査", "検査名", "文書", "行", "施策", "指標名", "セル", "所見"]
    _header(ws, header, names, [36, 8, 26, 30, 26, 6, 30, 36, 10, 70])
    r = header + 1
    for plan in report.plans:
        for f in plan.findings:
            path = f.get("node_path") or []
            where = " ".join(x for x in (f.get("node_code"), path[-1] if path else None) if x)
            name = (f.get("indicator") or "") + (f"（{f['group']}）" if f.get("group") else "")
            values = [
                plan.title,
                f.get("severity_label") or f.get("severity"),
                f.get("check"),
                f.get("check_title"),
                f.get("doc"),
                f.get("line"),
                where,
                name,
                f.get("cell"),
                f.get("message"),
            ]
            for col, content in enumerate(values, start=1):
                _put(ws, r, col, content if content not in ("", None) else None, "0" if col == 6 else None)
            r += 1
    if r == header + 1:
        ws.cell(r, 1, "所見はありません（監査は machikpi audit でも実行できます）")


def build_workbook(report: Report) -> Workbook:
    """The workbook of ``report`` (see the module docstring for its layout); every
    text is a text cell, never a formula (:func:`~machikpi.adapters.spreadsheet_safety.text_only`)."""
    wb = Workbook()
    taken: set[str] = set()
    summary = wb.active
    assert summary is not None
    summary.title = sheet_name("集計", taken)
    audit_name = sheet_name("監査所見", taken)  # reserved before the goals' names
    _summary_sheet(summary, report)
    several = len(report.plans) > 1
    for p, plan in enumerate(report.plans, start=1):
        for goal in plan.goals:
            wanted = (f"{p}-" if several else "") + goal.section.heading
            _goal_sheet(wb.create_sheet(sheet_name(wanted, taken)), report, plan, goal)
    if any(plan.links for plan in report.plans):
        _links_sheet(wb.create_sheet(sheet_name("政策連携プラン", taken)), report)
    _audit_sheet(wb.create_sheet(audit_name), report)
    return text_only(wb)


def write_xlsx(report: Report, path: Path) -> None:
    """Write ``report`` as an ``.xlsx`` workbook to ``path`` (overwritten).
    Raises :class:`OSError` when the file cannot be written."""
    build_workbook(report).save(path)
