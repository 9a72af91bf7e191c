"""Entry sheets for actual values (実績値): writing the workbook, reading it (or a CSV) back, validating.

The workbook (:func:`write_template`) has one sheet ``実績入力`` with one
row per indicator series and the columns of :data:`COLUMNS`: a hidden
``ID`` (the stored series), what the plan says (計画, 施策, 指標名, 区分,
単位, 基準値, 目標値), the latest actual before the year (前回実績), the
year (年度), and the two cells to fill: 実績値 and 備考. A second sheet
``説明`` explains the rules below in Japanese. A department's workbook (the
staff area's download) adds a 担当課 column and the protected sheet
``過去の実績`` (earlier years' published values), and protects every cell
of ``実績入力`` but 実績値 and 備考.

Reading (:func:`read_table`) accepts that workbook (``.xlsx``) or a CSV with
the same header (UTF-8 with or without BOM, or cp932). Columns are found by
their header, in any order; a row without ``ID`` is matched by 計画 (document
name or title) + 指標名 + 区分.

Validation (:func:`validate`) checks every cell and collects every
problem; a file with any error must change nothing (the caller stores only
when :attr:`Checked.errors` is empty). Rules:

* 実績値: a number — a number cell, or text such as ``1,234``, ``12.5``,
  ``△3`` (minus), optionally followed by the indicator's own unit
  (``45.2%``); thousands separators only in groups of three (``12,3`` is an
  error, not 123); full-width digits are read after NFKC. An empty cell is
  no entry (it never deletes a stored value).
* 年度: a Western year (``2024``, ``2024年度``) or 和暦 (``令和6年度``),
  between 1900 and the current fiscal year (not in the future), and within
  the series' :func:`year_window` (from its baseline year to the plan's
  last year, each where known); the default year
  (``--year``, the upload form's 年度) is used when the file has no 年度
  column or the cell is empty.
* impossible values (:func:`impossible`) are errors: a negative count (人,
  件, 回, 団体, カ所 …), a share (割合/率 in %) below 0 or above 100.
* every message is Japanese and a :class:`Problem` names sheet, row and column.
* 単位: when filled, it must be the indicator's unit.
* ID / 計画・指標名・区分: must name a stored series; when both ID and 指標名
  are given they must agree (rows pasted out of order are caught).
* the same series and year twice in one file is an error.
* a workbook cell holding a formula (``=1+1``; its cached result is not
  read, as a formula is no typed value and Excel may have saved none) or an
  error value (``#DIV/0!``) is an error of its row, naming sheet, row and
  column; nothing of that row is read.
* Outliers (a warning, not an error; :func:`outlier`): the known values of
  the series are its baseline, targets and earlier actuals; when all are
  positive, a value outside [min/3, max×3] is flagged; when some are zero or
  negative, a value more than 3 × the larger of (range, largest magnitude)
  beyond the known range is flagged; nothing is flagged with no known value
  or when all known values are 0.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import DocumentError, MachikpiError, PeriodError
from ..core.periods import fiscal_year_of, read_period, to_wareki
from ..core.quantities import format_number, normalise_unit
from ..core.text import match_key, nfkc
from .spreadsheet_safety import text_only
from .textfiles import decode

if TYPE_CHECKING:  # the storage module needs Django set up; this module does not
    from .storage.actuals import SeriesInfo

SHEET = "実績入力"
HELP_SHEET = "説明"
#: the read-only sheet of earlier years' published values (a department's workbook)
EARLIER_SHEET = "過去の実績"
DEPARTMENT = "担当課"
ID, PLAN, PATH, NAME, GROUP, UNIT, BASELINE, TARGET, LAST, YEAR, VALUE, NOTE = (
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
)
#: The template's columns, in order.
COLUMNS: tuple[str, ...] = (ID, PLAN, PATH, NAME, GROUP, UNIT, BASELINE, TARGET, LAST, YEAR, VALUE, NOTE)
_WIDTHS = {PLAN: 24, PATH: 40, NAME: 40, GROUP: 8, UNIT: 8, BASELINE: 18, TARGET: 18, LAST: 18, NOTE: 30}
MIN_YEAR = 1900

CellValue = str | int | float | bool | datetime | date | None


@dataclass(frozen=True)
class Problem:
    """One error or warning about a place in an entry file; ``sheet`` is
    ``None`` for a CSV, ``row`` is 1-based as a spreadsheet shows it
    (header = row 1 in a CSV), ``column`` is the header name."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    message: str

    @property
    def place(self) -> str:
        """Where, in Japanese: ``シート「実績入力」 5行目 「実績値」列`` (parts left out when unknown)."""
        place = [f"シート「{self.sheet}」"] if self.sheet else []
        if self.row is not None:
            place.append(f"{self.row}行目")
        if self.column:
            place.append(f"「{self.column}」列")
        return " ".join(place)

    def __str__(self) -> str:
        where = self.place
        return f"{self.file}: {where}: {self.message}" if where else f"{self.file}: {self.message}"


class EntryFileError(MachikpiError):
    """An entry file that cannot be read at all (not a workbook/CSV, no header)."""


class EntryErrors(MachikpiError):
    """The entry file has errors; nothing was stored. ``problems`` lists every one."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{file}: 誤りが {len(problems)} 件あります。何も登録していません:\n{lines}")


@dataclass
class Table:
    """The rows of an entry file: ``rows`` are ``(row number, {header: cell})``."""

    file: str
    sheet: str | None
    columns: list[str]
    rows: list[tuple[int, dict[str, CellValue | Unreadable]]]


@dataclass(frozen=True)
class Entry:
    """A validated actual value to store: ``raw`` is the cell as typed (a
    number cell as its decimal text), ``value`` in the indicator's unit."""

    row: int
    series_id: int
    year: int
    value: float
    raw: str
    note: str


@dataclass
class Checked:
    """The result of :func:`validate`: entries to store, errors, warnings."""

    entries: list[Entry] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Writing


def _last_text(info: SeriesInfo) -> str:
    if info.last is None:
        return ""
    year, value = info.last
    return f"{format_number(value)}{info.unit or ''} ({year}年度)"


def write_template(
    infos: list[SeriesInfo],
    year: int,
    path: Path,
    *,
    departments: Mapping[int, str] | None = None,
    earlier: Mapping[int, Mapping[int, str]] | None = None,
) -> int:
    """Write the entry workbook for fiscal year ``year`` to ``path`` (one row per
    series of ``infos``, stored values of ``year`` filled in). Returns the row count.

    A department's workbook (the staff area's download) passes ``departments``
    (series id → 担当課: a 担当課 column after 備考) and ``earlier`` (series id
    → {year: published value} of the years before ``year``): those go to the
    sheet 過去の実績, and both sheets are protected except the cells to fill
    (実績値, 備考), so the earlier years are read-only."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    columns = list(COLUMNS) + ([DEPARTMENT] if departments is not None else [])
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append(columns)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for cell in ws[1]:
        cell.font = bold
    for info in infos:
        value: float | int | None = None
        note = ""
        if info.current is not None:
            value = info.current[0]
            if value is not None and float(value).is_integer():
                value = int(value)
            note = info.current[2]
        ws.append(
            [
                info.series_id,
                info.plan_title,
                " > ".join(info.path),
                info.name,
                info.group or "",
                info.unit or "",
                info.baseline,
                info.target,
                _last_text(info),
                year,
                value,
                note,
                *([departments.get(info.series_id, "")] if departments is not None else []),
            ]
        )
    value_col = COLUMNS.index(VALUE) + 1
    note_col = COLUMNS.index(NOTE) + 1
    for r in range(2, len(infos) + 2):
        ws.cell(row=r, column=value_col).fill = fill
        ws.cell(row=r, column=note_col).fill = fill
        if earlier is not None:
            ws.cell(row=r, column=value_col).protection = Protection(locked=False)
            ws.cell(row=r, column=note_col).protection = Protection(locked=False)
    if earlier is not None:
        ws.protection.sheet = True  # no password: it guards against slips, not against the user
        ws.protection.formatColumns = False  # widths may still be changed
    for i, name in enumerate(columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = _WIDTHS.get(name, 12)
        if name in (PATH, NAME):
            for r in range(2, len(infos) + 2):
                ws.cell(row=r, column=i).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].hidden = True
    ws.freeze_panes = "B2"

    if earlier is not None:
        _earlier_sheet(wb, infos, year, earlier, bold)
    help_ws = wb.create_sheet(HELP_SHEET)
    lines = _help_lines(year)
    if earlier is not None:
        lines.append(
            f"「{EARLIER_SHEET}」シートは前年度までの公開中(承認済み)の値です。参照用で、変更できません。"
        )
    for line in lines:
        help_ws.append([line])
    help_ws.column_dimensions["A"].width = 100
    path.parent.mkdir(parents=True, exist_ok=True)
    text_only(wb).save(path)
    return len(infos)


def _earlier_sheet(
    wb: Any, infos: list[SeriesInfo], year: int, earlier: Mapping[int, Mapping[int, str]], bold: Any
) -> None:
    """The protected sheet of earlier years' published values, one row per series."""
    from openpyxl.utils import get_column_letter

    years = sorted({y for values in earlier.values() for y in values if y < year})
    ws = wb.create_sheet(EARLIER_SHEET)
    ws.append([ID, PLAN, NAME, GROUP, UNIT, *(f"{y}年度" for y in years)])
    for cell in ws[1]:
        cell.font = bold
    for info in infos:
        values = earlier.get(info.series_id, {})
        ws.append(
            [info.series_id, info.plan_title, info.name, info.group or "", info.unit or ""]
            + [values.get(y, "") for y in years]
        )
    ws.column_dimensions["A"].hidden = True
    for letter, width in (("B", 24), ("C", 40)):
        ws.column_dimensions[letter].width = width
    for i in range(len(years)):
        ws.column_dimensions[get_column_letter(6 + i)].width = 14
    ws.freeze_panes = "D2"
    ws.protection.sheet = True


def _help_lines(year: int) -> list[str]:
    return [
        f"{to_wareki(year)}({year}年度)実績値の入力",
        f"「{SHEET}」シートの黄色の列「{VALUE}」に数値を、必要なら「{NOTE}」に補足を入力してください。",
        f"数値は「{UNIT}」列の単位で入力します(例: 1,234 / 12.5 / △3)。単位を付ける場合は同じ単位に限ります。",
        "空欄の行は登録しません(登録済みの値は消えません)。列 A(ID)は非表示で、変更しないでください。",
        "取り込み: 職員用画面の「ファイル取り込み」でこのファイルをアップロードします。",
        "誤りが一つでもあるファイルは何も登録せず、誤りの場所(行・列)をすべて表示します。",
        "過去の値から大きく外れた値(既知の値の最小の1/3未満、最大の3倍超)は警告します。",
        "値の変更はすべて履歴(誰が・いつ・旧値・新値・備考)に残ります。",
    ]


# ---------------------------------------------------------------------------
# Reading


def _clean_header(value: CellValue | Unreadable) -> str:
    return nfkc(str(value)).strip() if value is not None else ""


def read_table(path: Path) -> Table:
    """Read an entry file: ``.xlsx`` (sheet ``実績入力``, else the first sheet
    with a ``実績値`` header) or ``.csv`` (UTF-8 with/without BOM, or cp932).

    Raises :class:`EntryFileError` when the file cannot be read or has no
    header row with a ``実績値`` column (looked for in the first 10 rows)."""
    name = str(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        try:
            data = path.read_bytes()
        except OSError as e:
            raise EntryFileError(f"{name}: ファイルを読めません") from e
        try:
            text = decode(data, name=name)
        except DocumentError as e:
            raise EntryFileError(f"{name}: {e.message}") from e
        records = list(csv.reader(io.StringIO(text, newline="")))
        return _table(name, None, records)
    raise EntryFileError(f"{name}: 入力ファイルは .xlsx か .csv にしてください")


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    name = str(path)
    try:
        # formulas as formulas (not their cached results): a formula cell is an error of its row
        wb = load_workbook(path, data_only=False)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as e:
        # the library's own words (English) stay in the chained exception, not in the message
        raise EntryFileError(
            f"{name}: .xlsx のブックとして読めません(壊れているか、Excel のブックではありません)"
        ) from e
    sheets = sorted(wb.worksheets, key=lambda ws: ws.title != SHEET)
    for ws in sheets:
        rows = [[_cell(c) for c in r] for r in ws.iter_rows()]
        try:
            return _table(name, ws.title, rows)
        except EntryFileError:
            continue
    raise EntryFileError(f"{name}: 「{VALUE}」列のある見出し行がどのシートにもありません")


@dataclass(frozen=True)
class Unreadable:
    """A workbook cell whose value is not a typed value: a formula (its result
    may be missing or stale, and a formula is no entry) or an error value
    (``#DIV/0!`` …). Validation makes it an error of its row."""

    text: str
    reason: str

    def __str__(self) -> str:
        return self.text


def _cell(cell: object) -> CellValue | Unreadable:
    """A workbook cell's value as one of the types validation reads (rich text,
    times … as text), or :class:`Unreadable` for a formula or an error value."""
    value = getattr(cell, "value", None)
    kind = getattr(cell, "data_type", None)
    if kind == "f" or (value is not None and type(value).__name__ in ("ArrayFormula", "DataTableFormula")):
        text = str(getattr(value, "text", value))
        return Unreadable(text, "数式です。数式ではなく値を入力してください(数式の結果は読み取りません)")
    if kind == "e":
        return Unreadable(str(value), "エラー値です。値を入力し直してください")
    if value is None or isinstance(value, str | int | float | datetime | date):
        return value
    return str(value)


def _table(name: str, sheet: str | None, records: Sequence[Sequence[CellValue | Unreadable]]) -> Table:
    for i, record in enumerate(records[:10]):  # noqa: B007 (i is used after the loop)
        headers = [_clean_header(v) for v in record]
        if VALUE in headers:
            break
    else:
        where = f"シート「{sheet}」: " if sheet else ""
        raise EntryFileError(f"{name}: {where}先頭の10行に「{VALUE}」列のある見出し行がありません")
    index = {h: j for j, h in enumerate(headers) if h}
    rows: list[tuple[int, dict[str, CellValue | Unreadable]]] = []
    for n, record in enumerate(records[i + 1 :], start=i + 2):
        cells = {h: (record[j] if j < len(record) else None) for h, j in index.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        rows.append((n, cells))
    return Table(file=name, sheet=sheet, columns=list(index), rows=rows)


# ---------------------------------------------------------------------------
# Validation

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_NUMBER_THEN = re.compile(r"(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?P<rest>\D.*)")


def _text(value: CellValue) -> str:
    """A cell as text exactly as typed (a number cell as its shortest decimal text)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_value(value: CellValue, unit: str | None) -> float:
    """Read an entered 実績値 (rules in the module docstring); ``unit`` is the
    indicator's. Raises ``ValueError`` with a message for the user."""
    if isinstance(value, bool | datetime | date):
        raise ValueError(f"「{_text(value)}」は数値ではありません")
    if isinstance(value, int | float):
        return float(value)
    raw = str(value)
    t = re.sub(r"\s+", "", nfkc(raw))
    if t[:1] in ("△", "▲", "−"):
        t = "-" + t[1:]
    if unit:
        u = normalise_unit(unit)
        if t.endswith(u) and _NUMBER.fullmatch(t[: -len(u)]):
            t = t[: -len(u)]
    if _NUMBER.fullmatch(t):
        return float(t.replace(",", ""))
    m = _NUMBER_THEN.fullmatch(t)
    if m and not re.search(r"[\d,.]", m.group("rest")):
        raise ValueError(
            f"「{raw}」: 単位「{m.group('rest')}」はこの指標の単位「{unit or 'なし'}」ではありません"
        )
    raise ValueError(f"「{raw}」は数値として読めません(例: 1,234 / 12.5 / △3)")


def parse_year(value: CellValue, *, latest: int) -> int:
    """Read a 年度 cell (rules in the module docstring). Raises ``ValueError``."""
    if isinstance(value, bool | datetime | date):
        raise ValueError(f"「{_text(value)}」は年度ではありません")
    if isinstance(value, int | float):
        if not float(value).is_integer():
            raise ValueError(f"「{_text(value)}」は年度ではありません")
        year = int(value)
    else:
        t = re.sub(r"\s+", "", nfkc(str(value)))
        if re.fullmatch(r"\d{4}(年度|年)?", t):
            year = int(t[:4])
        else:
            try:
                year = read_period(t).year
            except PeriodError:
                raise ValueError(f"「{value}」は年度として読めません(例: 2024 / 令和6年度)") from None
    if year > latest:
        raise ValueError(f"「{_text(value)}」: {year}年度はまだ来ていません(入力できるのは{latest}年度まで)")
    if year < MIN_YEAR:
        raise ValueError(f"「{_text(value)}」: {MIN_YEAR}年度より前の年度は入力できません")
    return year


def year_window(period: str | None, baseline_year: int | None) -> tuple[int | None, int | None] | None:
    """The years for which a series takes actual values: from its baseline
    year to the plan's last year (``period`` is the stored plan period
    ``"2020-2024"``); either bound ``None`` when not known, ``None`` when
    neither is (then only the future is refused). The plan's first year is
    no bound: the actual of the years between the baseline and the start is
    entered too, and a period inferred from the target years may start late."""
    m = re.fullmatch(r"(\d{4})-(\d{4})", period or "")
    end = int(m.group(2)) if m else None
    if end is None and baseline_year is None:
        return None
    return baseline_year, end


def year_outside(year: int, window: tuple[int | None, int | None] | None) -> str | None:
    """Why ``year`` lies outside the series' :func:`year_window`, or ``None``."""
    if window is None:
        return None
    start, end = window
    if start is not None and year < start:
        return f"{year}年度は計画の期間外です(基準値の{start}年度より前の年度です)"
    if end is not None and year > end:
        return f"{year}年度は計画の期間外です(計画の最終年度は{end}年度です)"
    return None


#: Units that count things: a negative number of them is impossible.
COUNT_UNITS = frozenset(
    [
        "人",
        "名",
        "件",
        "回",
        "団体",
        "カ所",
        "ヶ所",
        "箇所",
        "ケ所",
        "社",
        "校",
        "園",
        "戸",
        "世帯",
        "台",
        "本",
        "冊",
        "店",
        "店舗",
        "事業所",
        "施設",
        "組",
        "種類",
        "品目",
        "棟",
        "人日",
        "日",
        "回数",
        "教室",
        "基",
        "か所",
    ]
)
#: Words of an indicator name that say its value is a change or a difference (it may be negative).
CHANGE_WORDS = ("増減", "増加", "減少", "純", "超過", "差", "前年比", "変化", "伸び", "転入", "転出")
#: Rates that may exceed 100 % (a 達成率 of 120 % is possible).
UNBOUNDED_RATES = (
    "達成率",
    "増加率",
    "伸び率",
    "成長率",
    "増減率",
    "変化率",
    "上昇率",
    "充足率",
    "倍率",
    "前年比",
)


def _count_unit(unit: str) -> bool:
    u = re.sub(r"/.*$", "", normalise_unit(unit))  # 人/年 → 人
    u = re.sub(r"^(延べ|延|千|万|億)", "", u)
    return u in COUNT_UNITS


def impossible(value: float, unit: str | None, name: str, known: Sequence[float] = ()) -> str | None:
    """Why ``value`` cannot be a value of the indicator ``name`` in ``unit``, or
    ``None``: a negative count (人, 件, 回, 団体, カ所 …) unless the name says
    it is a change (増減, 増加 …) or a known value of the series is negative;
    a share (割合, or a 率 that is not a 達成率/増加率 …) in % below 0 or above 100."""
    if not unit:
        return None
    key = nfkc(name)
    changes = any(w in key for w in CHANGE_WORDS) or any(k < 0 for k in known)
    if value < 0 and _count_unit(unit) and not changes:
        return f"{format_number(value)}{unit}: 数(単位「{unit}」)はマイナスになりません"
    if normalise_unit(unit) in ("%", "パーセント") and (
        "割合" in key or ("率" in key and not any(w in key for w in UNBOUNDED_RATES))
    ):
        if value > 100 and not any(k > 100 for k in known):
            return f"{format_number(value)}%: 割合・率は100%を超えません"
        if value < 0 and not changes:
            return f"{format_number(value)}%: 割合・率はマイナスになりません"
    return None


def outlier(value: float, known: tuple[float, ...]) -> str | None:
    """Why ``value`` is far outside the ``known`` values of its series, or
    ``None`` (rule in the module docstring)."""
    if not known or all(k == 0 for k in known):
        return None
    lo, hi = min(known), max(known)
    if lo > 0:
        if value < lo / 3 or value > hi * 3:
            return (
                f"{format_number(value)} は既知の値 {format_number(lo)}〜{format_number(hi)} から"
                "大きく外れています(最小の1/3未満か、最大の3倍超)"
            )
        return None
    scale = 3 * max(hi - lo, max(abs(lo), abs(hi)))
    if value < lo - scale or value > hi + scale:
        return f"{format_number(value)} は既知の値 {format_number(lo)}〜{format_number(hi)} から大きく外れています"
    return None


def validate(
    table: Table,
    lookup: Callable[[int], Mapping[int, SeriesInfo]],
    *,
    default_year: int | None = None,
    today: date | None = None,
) -> Checked:
    """Check every row of ``table`` (rules in the module docstring).

    ``lookup(year)`` gives the stored series as seen for ``year`` (by series
    id); ``default_year`` is used where the file gives no 年度. Returns a
    :class:`Checked` listing every error and warning."""
    out = Checked()
    latest = fiscal_year_of(today or date.today())

    def problem(row: int | None, column: str | None, message: str) -> Problem:
        return Problem(table.file, table.sheet, row, column, message)

    if ID not in table.columns and not {PLAN, NAME} <= set(table.columns):
        out.errors.append(problem(1, None, f"見出し行に「{ID}」列か、「{PLAN}」列と「{NAME}」列が必要です"))
        return out
    if YEAR not in table.columns and default_year is None:
        out.errors.append(
            problem(
                1,
                None,
                f"見出し行に「{YEAR}」列がありません。年度の列を加えるか、取り込むときに年度を指定してください",
            )
        )
        return out

    if default_year is not None and not MIN_YEAR <= default_year <= latest:
        out.errors.append(
            problem(
                None,
                None,
                f"指定の年度 {default_year} は入力できません({MIN_YEAR}〜{latest}年度: 未来の年度は入力できません)",
            )
        )
        return out

    by_name_cache: dict[int, dict[tuple[str, str, str], list[SeriesInfo]]] = {}

    def by_name(year: int) -> dict[tuple[str, str, str], list[SeriesInfo]]:
        if year not in by_name_cache:
            index: dict[tuple[str, str, str], list[SeriesInfo]] = {}
            for info in lookup(year).values():
                for plan_key in {match_key(info.plan_doc), match_key(info.plan_title)}:
                    index.setdefault((plan_key, match_key(info.name), match_key(info.group)), []).append(info)
            by_name_cache[year] = index
        return by_name_cache[year]

    first_row: dict[tuple[int, int], int] = {}
    for row, any_cells in table.rows:
        bad = [(col, v) for col, v in any_cells.items() if isinstance(v, Unreadable)]
        for col, v in bad:
            out.errors.append(problem(row, col, f"「{v.text}」は{v.reason}"))
        if bad:
            continue
        cells = {col: v for col, v in any_cells.items() if not isinstance(v, Unreadable)}
        value_cell = cells.get(VALUE)
        note = _text(cells.get(NOTE)).strip()
        has_value = value_cell is not None and _text(value_cell).strip() != ""
        errors_before = len(out.errors)

        # Year.
        year: int | None = default_year
        year_cell = cells.get(YEAR)
        if year_cell is not None and _text(year_cell).strip():
            try:
                year = parse_year(year_cell, latest=latest)
            except ValueError as e:
                out.errors.append(problem(row, YEAR, str(e)))
                year = None
        elif has_value and default_year is None:
            out.errors.append(problem(row, YEAR, "空欄です。値の年度を入力してください"))

        # The series.
        info: SeriesInfo | None = None
        id_cell = cells.get(ID)
        name_cell = _text(cells.get(NAME)).strip()
        group_cell = _text(cells.get(GROUP)).strip()
        if year is not None:
            if id_cell is not None and _text(id_cell).strip():
                series_id = _int(id_cell)
                if series_id is None:
                    out.errors.append(problem(row, ID, f"「{_text(id_cell)}」は指標の ID ではありません"))
                else:
                    info = lookup(year).get(series_id)
                    if info is None:
                        out.errors.append(
                            problem(row, ID, f"登録されていない指標です(ID {series_id} はありません)")
                        )
                    elif name_cell and match_key(name_cell) != match_key(info.name):
                        out.errors.append(
                            problem(
                                row,
                                NAME,
                                f"「{name_cell}」は ID {series_id} の指標「{info.name}」ではありません",
                            )
                        )
                        info = None
                    elif GROUP in cells and match_key(group_cell) != match_key(info.group):
                        out.errors.append(
                            problem(
                                row,
                                GROUP,
                                f"「{group_cell}」は ID {series_id} の"
                                + (
                                    f"区分「{info.group}」ではありません"
                                    if info.group
                                    else "区分ではありません(区分なし)"
                                ),
                            )
                        )
                        info = None
            elif has_value:
                plan_cell = _text(cells.get(PLAN)).strip()
                found = by_name(year).get(
                    (match_key(plan_cell), match_key(name_cell), match_key(group_cell)), []
                )
                if len(found) == 1:
                    info = found[0]
                else:
                    what = f"「{plan_cell}」 / 「{name_cell}」" + (
                        f" / 「{group_cell}」" if group_cell else ""
                    )
                    msg = "登録されていない指標です" if not found else f"{len(found)} 件の指標に当たります"
                    out.errors.append(problem(row, NAME, f"{msg}: {what}"))

        # Unit.
        unit_cell = _text(cells.get(UNIT)).strip()
        if info is not None and unit_cell and normalise_unit(unit_cell) != normalise_unit(info.unit or ""):
            out.errors.append(
                problem(row, UNIT, f"「{unit_cell}」はこの指標の単位「{info.unit or 'なし'}」ではありません")
            )

        # Value.
        if not has_value:
            if info is not None and info.current is not None:
                out.warnings.append(
                    problem(
                        row, VALUE, f"空欄です。登録済みの{year}年度の値「{info.current[1]}」はそのままです"
                    )
                )
            elif note:
                out.warnings.append(problem(row, NOTE, "値のない備考は登録しません"))
            continue
        try:
            value = parse_value(value_cell, info.unit if info else None)
        except ValueError as e:
            out.errors.append(problem(row, VALUE, str(e)))
            continue
        if info is None or year is None or len(out.errors) > errors_before:
            continue
        outside = year_outside(year, info.years)
        if outside:
            out.errors.append(problem(row, YEAR, outside))
            continue
        why_not = impossible(value, info.unit, info.name, info.known)
        if why_not:
            out.errors.append(problem(row, VALUE, why_not))
            continue
        key = (info.series_id, year)
        if key in first_row:
            out.errors.append(
                problem(
                    row,
                    VALUE,
                    f"「{info.name}」の{year}年度の値が2つ目です(1つ目は{first_row[key]}行目)",
                )
            )
            continue
        first_row[key] = row
        if not info.present:
            out.warnings.append(problem(row, NAME, f"「{info.name}」は最新の計画書にはもうありません"))
        why = outlier(value, info.known)
        if why:
            out.warnings.append(problem(row, VALUE, f"値を確認してください: {why}"))
        out.entries.append(Entry(row, info.series_id, year, value, _text(value_cell).strip(), note))
    return out


def _int(value: CellValue) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    t = nfkc(str(value)).strip()
    return int(t) if t.isdigit() else None
