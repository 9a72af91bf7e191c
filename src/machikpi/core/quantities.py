"""Reading quantities from table cells: numbers, units, statuses, bounds, groups.

A cell of a KPI table is read into a :class:`~machikpi.core.model.ValueCell`:

============================  ==========================================
printed                       read as
============================  ==========================================
``1,997億円``, ``１２件``       value 1997 / 12, unit ``億円`` / ``件``
``—`` ``-`` ``–`` ``_``        status ``none`` (no value exists)
``検討中`` ``設定予定`` empty   status ``pending``
``集計中``                      status ``tallying``
``待機児童なし``                value 0 (``〇〇なし``: there is none)
``92.7 %以内`` / ``以上``       bound ``max`` / ``min``
``11,942億円 (平成30年)``       year 2018, calendar (the cell's year wins)
``366日 (閏年)``               value 366, note ``閏年``
``△5``, ``▲5``                 value -5 (Japanese minus signs)
``(橋)``                       pending, unit ``橋`` (a unit with no value)
============================  ==========================================

OCR repairs, each recorded in ``ValueCell.repairs`` so that a person can
check it (they are the damage seen in PDF-extracted municipal tables):

* ``力所`` → ``カ所``: the kanji 力 (power) read for the katakana カ in the
  counter カ所 (places), only directly after a number.
* ``□`` → ``回``: 回 (times) is a box in a box and comes out of OCR as the
  missing-glyph box ``□``; repaired only directly after a number.
* ``O`` / ``o`` → ``0``: the letter O read for the digit zero, only where it
  stands in a number (next to digits, or alone before a unit or ``□``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import QuantityError
from .model import Bound, CellStatus, ValueCell, YearType
from .periods import Period, find_periods
from .text import nfkc

#: Units seen in municipal KPI tables, longest first so that ``千人`` wins over ``人``.
#: Any other short non-numeric word after a number is accepted as a unit too.
KNOWN_UNITS: tuple[str, ...] = tuple(
    sorted(
        [
            "億円",
            "百万円",
            "千万円",
            "千円",
            "万円",
            "円",
            "千人",
            "万人",
            "人",
            "%",
            "ポイント",
            "pt",
            "件",
            "ha",
            "カ所",
            "か所",
            "ヶ所",
            "ケ所",
            "箇所",
            "トンCO2",
            "t-CO2",
            "団体",
            "歳",
            "日",
            "回",
            "食",
            "手続",
            "事業所",
            "店舗",
            "社",
            "校",
            "路線",
            "橋",
            "時間",
            "分",
            "世帯",
            "戸",
            "km",
            "m",
            "m2",
            "km2",
            "台",
            "本",
            "冊",
            "頭",
            "品目",
            "講座",
            "地区",
            "施設",
            "企業",
            "組",
            "倍",
            "割",
            "点",
            "位",
            "年",
            "か月",
            "カ月",
            "ヶ月",
            "人日",
            "人泊",
            "泊",
            "床",
            "棟",
            "園",
            "クラブ",
            "トン",
            "t",
            "kg",
            "kW",
            "kWh",
            "MWh",
            "GWh",
            "L",
            "本数",
        ],
        key=len,
        reverse=True,
    )
)

DASHES = frozenset({"—", "-", "–", "―", "‐", "−", "_", "ー", "－", "…"})
PENDING_WORDS = ("検討中", "設定予定", "未定", "調整中", "策定中", "算定中")
TALLYING_WORDS = ("集計中", "調査中")
UPPER_WORDS = ("以内", "以下", "未満")
LOWER_WORDS = ("以上",)

_NUM = r"[△▲-]?\d[\d,]*(?:\.\d+)?"
_UNIT_ALT = "|".join(re.escape(u) for u in KNOWN_UNITS)
_CO2 = r"(?:トン\s*CO\s*2|t-?CO\s*2)"
_NUMBER_UNIT = re.compile(
    rf"(?P<num>{_NUM})\s*(?P<unit>{_CO2}|(?:{_UNIT_ALT})(?![A-Za-z])|[^\s\d()\[\]※,、。:;/・~]{{1,6}})?"
)
_GROUP = re.compile(
    rf"(?P<label>[^\d\s()（）\[\]%,.△▲※-]{{1,6}}?)\s*"
    rf"(?P<val>{_NUM}\s*(?:{_CO2}|(?:{_UNIT_ALT})|[^\s\d()（）]{{0,4}}))"
)
_BRACKETED = re.compile(r"[(（]([^()（）]*)[)）]")
_MARKUP = re.compile(r"\*\*|▶+|►+|→")
_NOTHING = re.compile(r"^(?P<what>\S*?)なし$")


@dataclass(frozen=True)
class Quantity:
    """A number with the unit printed after it (``None`` when no unit is printed)."""

    value: float
    unit: str | None


def parse_number(text: str) -> float:
    """Read a number as printed: ``1,997`` → 1997.0, ``１２.５`` → 12.5,
    ``△5`` / ``▲5`` → -5.0. Raises :class:`QuantityError` when ``text`` is not a number."""
    t = nfkc(text).strip().replace(",", "")
    sign = 1.0
    if t[:1] in ("△", "▲", "-"):
        sign, t = -1.0, t[1:]
    if not re.fullmatch(r"\d+(?:\.\d+)?", t):
        raise QuantityError(f"not a number: {text!r}")
    return sign * float(t)


def normalise_unit(unit: str) -> str:
    """A unit as printed, NFKC-normalised, inner spaces dropped
    (``トンCO 2`` → ``トンCO2``)."""
    return re.sub(r"\s+", "", nfkc(unit))


def repair_ocr(text: str) -> tuple[str, list[str]]:
    """Apply the documented OCR repairs (module docstring) to NFKC cell text.

    Returns the repaired text and one line per repair made (``"力所→カ所"``)."""
    repairs: list[str] = []

    def sub(pattern: str, repl: str, label: str, s: str) -> str:
        new, n = re.subn(pattern, repl, s)
        if n:
            repairs.append(label)
        return new

    # The letter O for zero: touching digits, before □, or alone before a unit.
    text = sub(rf"(?<![A-Za-z])[Oo](?=\d|\s*□|\s*(?:{_UNIT_ALT})$)|(?<=\d)[Oo](?![A-Za-z])", "0", "O→0", text)
    text = sub(r"(?<=\d)\s*力所", "カ所", "力所→カ所", text)
    text = sub(r"(?<=\d)\s*□", "回", "□→回", text)
    return text, repairs


def read_quantity(text: str) -> Quantity:
    """The first number in ``text`` with the unit printed after it.

    Raises :class:`QuantityError` when ``text`` holds no number."""
    m = _NUMBER_UNIT.search(nfkc(text))
    if not m:
        raise QuantityError(f"no number in {text!r}")
    unit = m.group("unit")
    return Quantity(parse_number(m.group("num")), normalise_unit(unit) if unit else None)


def plain_number(value: float | None) -> float | int | None:
    """A number as the exchange formats write it: a whole number as an ``int`` (5.0 → 5),
    another as it is; ``None`` stays ``None``. Floats beyond 2**53 are left as floats
    (an ``int`` there would claim a precision the float does not have)."""
    if value is None:
        return None
    v = float(value)
    return int(v) if v.is_integer() and abs(v) < 2**53 else value


def format_number(value: float) -> str:
    """Format a value as a table prints it: thousands separators, no trailing
    ``.0`` (1997.0 → ``1,997``; 79.9 → ``79.9``; -5 → ``△5``)."""
    sign = "△" if value < 0 else ""
    v = abs(value)
    text = f"{int(v):,}" if float(v).is_integer() else f"{v:,.10f}".rstrip("0").rstrip(".")
    return sign + text


def format_quantity(value: float, unit: str | None) -> str:
    """``format_number(value)`` followed by ``unit`` (as :func:`read_cell` reads back)."""
    return format_number(value) + (unit or "")


def _bound(text: str) -> tuple[str, Bound | None]:
    for words, bound in ((UPPER_WORDS, Bound.MAX), (LOWER_WORDS, Bound.MIN)):
        for w in words:
            if w in text:
                return text.replace(w, " ", 1), bound
    return text, None


def _cell_year(text: str) -> tuple[str, Period | None]:
    """Remove the first year printed in the cell (with its brackets) and return it."""
    periods = find_periods(text)
    if not periods:
        return text, None
    p = periods[0]
    a, b = p.span
    # Widen to the enclosing brackets, if any.
    left = text.rfind("(", 0, a)
    right = text.find(")", b)
    if left != -1 and right != -1 and not text[left + 1 : a].strip() and not text[b:right].strip():
        a, b = left, right + 1
    return text[:a] + " " + text[b:], p


def read_cell(raw: str, *, header: Period | None = None) -> ValueCell:
    """Read one table cell into a :class:`ValueCell` (see the module docstring).

    ``raw`` is the cell as extracted; the cell's ``raw`` is its NFKC form with
    layout marks (``▶▶``, markdown ``**``) removed. A year printed in the cell
    wins over ``header`` (the column header's year). Raises
    :class:`QuantityError` when the cell holds text that is neither a value nor
    one of the known words.
    """
    text = _MARKUP.sub("", nfkc(raw)).strip()
    text = re.sub(r"\s{2,}", " ", text)
    shown = text
    year: int | None = header.year if header else None
    year_type: YearType | None = header.year_type if header else None

    def cell(status: CellStatus, value: float | None = None, **kw: object) -> ValueCell:
        return ValueCell(raw=shown, status=status, value=value, year=year, year_type=year_type, **kw)  # type: ignore[arg-type]

    if not text:
        return cell(CellStatus.PENDING)
    if text in DASHES or re.fullmatch(r"[—\-–―‐−_ー－]+", text):
        return cell(CellStatus.NONE)
    if any(w in text for w in TALLYING_WORDS):
        return cell(CellStatus.TALLYING)
    if any(w in text.replace(" ", "") for w in PENDING_WORDS):
        return cell(CellStatus.PENDING)

    body, period = _cell_year(text)
    if period is not None:
        year = period.year
        if period.year_type is not None or header is None:
            year_type = period.year_type
    body, bound = _bound(body)
    body, repairs = repair_ocr(body)

    notes: list[str] = []
    for inner in _BRACKETED.findall(body):
        inner = inner.strip()
        if inner and inner not in ("※",) and not re.fullmatch(r"※\d*", inner):
            notes.append(inner)
    bracket_only = _BRACKETED.fullmatch(body.strip())
    body = _BRACKETED.sub(" ", body).strip()

    if bracket_only and not re.search(r"\d", bracket_only.group(1)):
        # ``(橋)``: a unit printed for a value still to be set.
        return cell(CellStatus.PENDING, unit=normalise_unit(bracket_only.group(1)), repairs=repairs)
    nothing = _NOTHING.match(body.replace(" ", ""))
    if nothing:
        return cell(CellStatus.VALUE, 0.0, bound=bound, notes=notes, repairs=repairs)
    m = _NUMBER_UNIT.search(body)
    if not m:
        raise QuantityError(f"cannot read a value in {raw!r}")
    unit = m.group("unit")
    return cell(
        CellStatus.VALUE,
        parse_number(m.group("num")),
        unit=normalise_unit(unit) if unit else None,
        bound=bound,
        notes=notes,
        repairs=repairs,
    )


def split_groups(raw: str) -> list[tuple[str | None, str]]:
    """Split a cell that gives one value per group.

    ``"小 79.9% 中 66.3%"`` → ``[("小", "小 79.9%"), ("中", "中 66.3%")]``;
    ``"男性 77.41歳 女性 79.89歳"`` likewise. Each part keeps its label, as
    the KPI-rows ``raw`` does. A cell that is not two or more *label value*
    pairs covering the whole text gives ``[(None, raw)]``. Never raises.
    """
    text = nfkc(raw).strip()
    parts: list[tuple[str | None, str]] = []
    pos = 0
    for m in _GROUP.finditer(text):
        if text[pos : m.start()].strip():
            return [(None, raw)]
        label = m.group("label").strip()
        parts.append((label, f"{label} {m.group('val').strip()}"))
        pos = m.end()
    if len(parts) < 2 or text[pos:].strip():
        return [(None, raw)]
    return parts
