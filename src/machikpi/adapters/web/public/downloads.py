"""Downloads of one indicator: CSV (UTF-8 with BOM, for Excel) and XLSX.

Both hold the same table, one row per value, header in Japanese:
計画 / 施策 / 指標 / 区分 / 単位 / 種別 / 年度 / 値 / 表記 / 出典 / 評価 / 評価基準 / 達成率(%) / 進捗率(%)
/ SDGs / 指標カタログの概念ID.

* 種別: 基準値, 目標値, 実績値; 出典 says where the value comes from
  (計画書: printed in the plan document; 実績入力: an approved entered value);
* 値 is the number in the indicator's unit, written as a number (no
  thousands separator, no unit; empty when the cell is not a number); 表記 is
  the text as printed or entered;
* 評価 / 達成率 / 進捗率 are the stored evaluation of that year under the
  rule set the page shows (実績値 rows only), the rates in per cent;
* SDGs lists the SDG goal numbers of the indicator's node as its page shows them
  (confirmed ones and suggestions not yet reviewed, never rejected ones), e.g.
  ``3, 4, 11``; 指標カタログの概念ID is the indicator's catalogue concept (e.g.
  ``crimes``, its page ``/concepts/crimes/``), empty when it has none. Both repeat
  on every row (issue 14), after the columns they had before so that column
  positions do not move.

Only published values: drafts never appear (see :mod:`.queries`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...spreadsheet_safety import csv_text, text_only
from ...storage import models as db
from .queries import NO_GRADE_LABEL, EvaluationChoice, SeriesView, number

HEADER = [
    "計画",
    "施策",
    "指標",
    "区分",
    "単位",
    "種別",
    "年度",
    "値",
    "表記",
    "出典",
    "評価",
    "評価基準",
    "達成率(%)",
    "進捗率(%)",
    "SDGs",
    "指標カタログの概念ID",
]

KIND_LABELS = {"baseline": "基準値", "target": "目標値", "actual": "実績値"}
SOURCE_LABELS = {"document": "計画書", "entered": "実績入力"}


@dataclass(frozen=True)
class Download:
    """The table of one indicator: ``rows`` of cells (str, int, float or ``None``)."""

    filename: str
    rows: list[list[Any]]


def _pct(x: float | None) -> float | None:
    return None if x is None else round(x * 100, 1)


def sdg_text(goals: Sequence[int]) -> str:
    """Goal numbers as one cell: ``3, 4, 11`` (``""`` for none)."""
    return ", ".join(str(g) for g in goals)


def indicator_table(
    indicator: db.Indicator,
    node_heading: str,
    views: list[SeriesView],
    choice: EvaluationChoice | None,
    *,
    sdgs: Sequence[int] = (),
    concept: str = "",
) -> Download:
    """The download table of ``indicator`` (module docstring); ``sdgs`` the goals of its
    node, ``concept`` its catalogue concept id."""
    plan = indicator.plan
    base = [plan.title or plan.doc, node_heading, indicator.name]
    tail = [sdg_text(sdgs), concept]
    rows: list[list[Any]] = [list(HEADER)]
    for v in views:
        lead = [*base, v.group or "", indicator.unit or ""]
        cells = ([v.baseline] if v.baseline is not None else []) + list(v.targets)
        for c in cells:
            rows.append(
                [
                    *lead,
                    KIND_LABELS[c.kind],
                    c.year,
                    number(c.value),
                    c.raw,
                    SOURCE_LABELS["document"],
                    None,
                    None,
                    None,
                    None,
                    *tail,
                ]
            )
        graded = {e.year: e for e in v.evaluations if choice is not None and e.rules == choice.rules}
        for a in v.actuals:
            e = graded.get(a.year)
            rows.append(
                [
                    *lead,
                    KIND_LABELS["actual"],
                    a.year,
                    number(a.value),
                    a.raw,
                    SOURCE_LABELS[a.source],
                    (e.grade or NO_GRADE_LABEL) if e is not None else None,
                    e.rules if e is not None else None,
                    _pct(e.achievement_rate) if e is not None else None,
                    _pct(e.progress_rate) if e is not None else None,
                    *tail,
                ]
            )
    return Download(f"indicator-{indicator.pk}", rows)


def _csv_cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(int(v)) if v.is_integer() else repr(v)
    return csv_text(v)


def to_csv(table: Download) -> bytes:
    """The table as CSV: UTF-8 with BOM, CRLF line ends, numbers unquoted; a
    text a spreadsheet would take as a formula starts with ``'``
    (:func:`~machikpi.adapters.spreadsheet_safety.csv_text`)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in table.rows:
        w.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(table: Download) -> bytes:
    """The table as an XLSX workbook (one sheet 指標), numbers as number cells,
    texts as text cells, never formulas (:func:`~machikpi.adapters.spreadsheet_safety.text_only`)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "指標"
    for row in table.rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    widths = [28, 24, 28, 8, 8, 8, 8, 12, 20, 10, 8, 14, 10, 10, 12, 20]
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    buf = io.BytesIO()
    text_only(wb).save(buf)
    return buf.getvalue()
