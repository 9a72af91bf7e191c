"""Importer for 総合戦略 documents whose KPIs are printed as blocks with rationale rows.

The layout (e.g. a 第3期まち・ひと・しごと創生総合戦略) prints one chapter per
基本目標 and, inside it, numbered sections (``1 基本目標の柱``, ``2 現状と課題``,
… ``5 重要業績評価指標 (KPI)``). Each KPI is a small tab-separated table::

    重要業績評価指標 (KPI)    現状値      目標値
                              令和6年度   令和11年度
    市内総生産額              1,997億円   2,097億円
    指標の考え方
    <paragraph>
    目標値の考え方
    <paragraph>

What is read, and from where:

* **Nodes**: one per 基本目標 heading (``基本目標 N`` with its title on the
  same line or on the next non-empty line), level ``基本目標``, code ``"N"``.
  A KPI block belongs to the nearest 基本目標 heading before it, so the body
  heading wins over the table of contents and the 体系 list printed earlier.
  A chapter whose heading was lost is recognised when the chapter's first
  numbered section (``1 …``) repeats after a KPI block with no heading in
  between; its code is the previous code + 1, its title is taken from a
  table-of-contents line of that number, and a warning is recorded.
* **Indicators** (role ``KPI``): one per table row under a header with a
  現状値/基準値 column and a 目標値 column. A header wrapped over two lines is
  joined. Years come from the header cells or from the year line under the
  header (``令和6年度 / 令和11年度``); a block without a year line takes the
  years of the nearest previous header, with a warning.
* **Notes**: each rationale row (``指標の考え方``, ``目標値の考え方`` …) and
  the paragraph under it give a note ``"<label>：<text>"``: the raw text (not
  NFKC-normalised), LaTeX math (``$a \\times b \\approx c$``) rendered as
  plain text, HTML tags (``<p>``) dropped, all white space removed.
* **Footnotes**: a mark in the name (``(※19)``) is removed from the name; the
  footnote line ``（※19） 用語…説明`` is added as a note (marker removed) and,
  when the term before ``…`` is the indicator's own name, the text after
  ``…`` is its definition.

Source of these rules: ``shared/gold/NOTES-000-001-002.md`` (section on 002)
and ``shared/spec/kpi-rows.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import ExtractWarning, Indicator, Node, Plan, Role
from ..periods import Period, find_periods
from ..source import SourceText
from ..text import join_wrapped, match_key, nfkc, remove_spaces
from .common import build_indicator, header_period, heading_number, read_name, split_cells

LAYOUT = "strategy-blocks"
DESCRIPTION = "総合戦略 with 基本目標 chapters and KPI blocks followed by 指標の考え方 / 目標値の考え方 rows"

LEVEL = "基本目標"

# ---------------------------------------------------------------- patterns (on NFKC text)

# 基本目標 N at the start of a line, after an optional numbering "(1)" or a list mark "○".
# "基本目標1-1" (a measure code of another layout) is not a goal heading.
_GOAL = re.compile(
    r"^\s*(?:[(]?\d{1,2}[)]\s*|[○●◯◎・■□◆◇]\s*)?基本目標\s*(?P<n>\d{1,2}|[IVX]{1,4})(?![\d\-－‐IVX])"
    r"(?P<rest>(?:\s|[:.<《〈「【]).*)?$"
)
_SECTION = re.compile(r"^\s*(?P<n>\d{1,2})\s+(?P<title>\S.*)$")
_BASE_LABEL = re.compile(r"^(?:現状値|現状|基準値|現況値|策定時)")
_TARGET_LABEL = re.compile(r"^(?:中間|最終)?目標")
_RATIONALE = re.compile(r"^[^。、\d]{0,10}(?:考え方|根拠|算出方法|算定方法)$")
_FOOTNOTE = re.compile(r"^\s*[(]?※\s*(?P<n>\d+)\s*[)]?\s*(?P<text>\S.*)$")
_FOOTNOTE_RAW_MARK = re.compile(r"^\s*[(（]?※\s*[0-9０-９]+\s*[)）]?\s*")
_MARK_NUMBER = re.compile(r"※\s*(\d+)")
_TERM_SEP = re.compile(r"…+|‥+|・・・|\.\.\.|[:：]")
_VALUE_HINT = re.compile(r"\d|^[—\-–―‐−_ー－…]+$|検討中|設定予定|未定|集計中|調査中|なし")
_BRACKETS = "<>《》〈〉「」【】()"

# LaTeX commands seen in PDF-to-text math, rendered as the printed symbol.
_LATEX_SYMBOLS: dict[str, str] = {
    "times": "×",
    "div": "÷",
    "approx": "≈",
    "fallingdotseq": "≒",
    "risingdotseq": "≓",
    "simeq": "≃",
    "sim": "~",
    "doteq": "≐",
    "leq": "≤",
    "le": "≤",
    "geq": "≥",
    "ge": "≥",
    "neq": "≠",
    "ne": "≠",
    "pm": "±",
    "cdot": "·",
    "%": "%",
    "rightarrow": "→",
    "to": "→",
}
_LATEX_TEXT = re.compile(r"\\(?:text|mathrm|textrm|mbox|mathit|textbf|mathbf|operatorname)\s*\{([^{}]*)\}")
_LATEX_FRAC = re.compile(r"\\d?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_LATEX_CMD = re.compile(r"\\([A-Za-z]+|%)")
_LATEX_SPACE = re.compile(r"\\[,;:! ]|\\q?quad\b")
_LATEX_LEFT_RIGHT = re.compile(r"\\(?:left|right)\s*")
_MATH = re.compile(r"\$\$?([^$]+?)\$\$?")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


# ---------------------------------------------------------------- recognise


def recognise(source: SourceText) -> float:
    """How strongly ``source`` looks like this layout (0.0–1.0).

    The mark of the layout is a KPI table (a header with a 現状値/基準値 and a
    目標値 column) followed, before the next such header, by rationale rows
    (``指標の考え方`` / ``目標値の考え方``). The score grows with the share of
    KPI tables that have them: 0.0 without KPI tables, 0.1 for KPI tables with
    no rationale rows (another layout), 0.5–0.9 otherwise, +0.1 when
    ``基本目標 N`` headings are printed."""
    lines = source.lines
    headers = [i for i in range(len(lines)) if _header_at(lines, i) is not None]
    if not headers:
        return 0.0
    with_rationale = 0
    for k, h in enumerate(headers):
        end = headers[k + 1] if k + 1 < len(headers) else min(len(lines), h + 40)
        if any(_is_rationale_row(lines[j]) and "考え方" in lines[j] for j in range(h + 1, end)):
            with_rationale += 1
    if with_rationale == 0:
        return 0.1
    share = with_rationale / len(headers)
    goals = any(_GOAL.match(line) for line in lines)
    return min(1.0, 0.5 + 0.4 * share + (0.1 if goals else 0.0))


# ---------------------------------------------------------------- small readers


def render_latex(text: str) -> str:
    """Render the LaTeX math of PDF-extracted text as plain text.

    ``$199,717 \\text{ 百万円} \\times 1.05 \\approx 209,700 \\text{ 百万円}$``
    → ``199,717 百万円 × 1.05 ≈ 209,700 百万円`` (white space is left for the
    caller to remove): ``\\text{…}`` gives its content, ``\\frac{a}{b}`` gives
    ``a/b``, known symbol commands their symbol (``\\times`` ×, ``\\approx`` ≈,
    ``\\fallingdotseq`` ≒ …), spacing commands and braces vanish; an unknown
    command is kept as printed. Text outside ``$…$`` is unchanged. Never raises."""

    def math(m: re.Match[str]) -> str:
        s = m.group(1)
        if "\\" not in s and not re.search(r"[=×^_{}]", s):
            return m.group(0)  # a plain dollar sign pair, not math
        prev = None
        while prev != s:
            prev = s
            s = _LATEX_TEXT.sub(lambda t: t.group(1), s)
            s = _LATEX_FRAC.sub(lambda t: f"{t.group(1)}/{t.group(2)}", s)
        s = _LATEX_SPACE.sub(" ", s)
        s = _LATEX_LEFT_RIGHT.sub("", s)
        s = _LATEX_CMD.sub(lambda c: _LATEX_SYMBOLS.get(c.group(1), c.group(0)), s)
        s = s.replace("{", "").replace("}", "")
        return s

    return _MATH.sub(math, text)


def clean_note_text(raw: str) -> str:
    """A rationale paragraph as a note: LaTeX rendered (:func:`render_latex`),
    HTML tags dropped, all white space removed; otherwise as printed (not
    NFKC-normalised). Source: gold notes on 002."""
    return remove_spaces(_HTML_TAG.sub("", render_latex(raw)))


def _strip_brackets(text: str) -> str:
    text = text.strip()
    while len(text) >= 2 and text[0] in _BRACKETS and text[-1] in _BRACKETS:
        text = text[1:-1].strip()
    return text


def _is_blank(line: str) -> bool:
    return not line.strip()


def _cells(line: str) -> list[str]:
    return split_cells(line)


def _nonempty(line: str) -> list[str]:
    return [c for c in _cells(line) if c]


def _label_kind(cell: str) -> str | None:
    """``"baseline"`` / ``"target"`` for a 現状値 / 目標値 header cell, else ``None``."""
    c = remove_spaces(cell)
    if len(c) > 20 or "。" in c or _RATIONALE.match(c):
        return None
    if _BASE_LABEL.match(c):
        return "baseline"
    if _TARGET_LABEL.match(c):
        return "target"
    return None


def _header_cells(line: str) -> list[str] | None:
    cells = _cells(line)
    kinds = [_label_kind(c) for c in cells]
    if "baseline" in kinds and "target" in kinds:
        return cells
    return None


def _header_at(lines: list[str], i: int) -> tuple[list[str], int, bool] | None:
    """The header cells starting at line index ``i`` (0-based), the index of
    its last line, and whether it was wrapped over two lines."""
    line = lines[i]
    if "\t" not in line and not (_label_kind(line.strip()) or "指標" in line):
        return None
    cells = _header_cells(line)
    if cells is not None:
        return cells, i, False
    # A header wrapped over two lines: one line has 現状値 (or 目標値), the next the other.
    kinds = {_label_kind(c) for c in _cells(line)}
    if not kinds & {"baseline", "target"} or i + 1 >= len(lines):
        return None
    nxt = lines[i + 1]
    next_cells = _nonempty(nxt)
    if not next_cells or not all(_label_kind(c) for c in next_cells):
        return None
    joined = [c for c in _cells(line) if c] + next_cells
    if _header_cells("\t".join(joined)) is None:
        return None
    return joined, i + 1, True


def _year_line(line: str) -> tuple[list[Period], bool] | None:
    """The years of a year line under a header, in print order, and whether
    every cell holds at most one year (so that cells align with the header);
    ``None`` when ``line`` is not a year line (``令和6年度 / 令和11年度``)."""
    cells = _cells(line)
    periods: list[Period] = []
    one_per_cell = True
    for n, c in enumerate(cells):
        if not c:
            continue
        found = find_periods(c)
        leftover = c
        for p in reversed(found):
            leftover = leftover[: p.span[0]] + leftover[p.span[1] :]
        leftover = remove_spaces(leftover).strip(_BRACKETS + "~～-")
        if n == 0 and not found:
            if re.search(r"\d", leftover):
                return None
            continue  # a label left over from a wrapped header, e.g. "(KPI)"
        if not found or re.search(r"\d", leftover) or len(leftover) > 6:
            return None
        one_per_cell = one_per_cell and len(found) == 1
        periods.extend(found)
    if not periods:
        return None
    return periods, one_per_cell


def _is_rationale_row(line: str) -> bool:
    cells = _cells(line)
    return bool(cells) and bool(_RATIONALE.match(remove_spaces(cells[0])))


def _is_data_row(line: str) -> bool:
    cells = _nonempty(line)
    if len(cells) < 2 or _is_rationale_row(line):
        return False
    return any(_VALUE_HINT.search(c) for c in cells[1:])


# ---------------------------------------------------------------- blocks


def _rename(ind: Indicator, raw_name: str) -> None:
    """Re-read the name of ``ind`` from a longer printed name (a wrapped name)."""
    parts = read_name(raw_name)
    ind.raw_name, ind.name, ind.cumulative = raw_name, parts.name, parts.cumulative
    ind.definition = parts.definition or ind.definition


@dataclass
class _Goal:
    code: str | None
    title: str
    line: int  # 1-based


@dataclass
class _Block:
    """One KPI table as read: its indicators, each with its rationale notes."""

    line: int  # 1-based line of the header
    indicators: list[Indicator] = field(default_factory=list)
    end: int = 0  # 0-based index of the first line after the block


@dataclass
class _Reader:
    source: SourceText
    warnings: list[ExtractWarning] = field(default_factory=list)
    last_years: list[Period | None] | None = None
    footnotes: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for i, line in enumerate(self.source.lines):
            m = _FOOTNOTE.match(line)
            if m and "\t" not in line:
                self.footnotes.setdefault(m.group("n"), []).append(i)

    # -- goal headings

    def goal_at(self, i: int) -> _Goal | None:
        """The 基本目標 heading at line index ``i``, with its title."""
        lines = self.source.lines
        m = _GOAL.match(lines[i])
        if not m:
            return None
        code = str(heading_number(m.group("n")))
        rest = m.group("rest") or ""
        first = next((c for c in split_cells(rest) if c), "")
        title = _strip_brackets(first.lstrip(":."))
        if not title:
            parts: list[str] = []
            j = i + 1
            while j < len(lines) and _is_blank(lines[j]):
                j += 1
            while j < len(lines) and not _is_blank(lines[j]) and len(parts) < 2:
                line = lines[j]
                if "\t" in line or _SECTION.match(line) or _GOAL.match(line) or _header_at(lines, j):
                    break
                parts.append(line)
                j += 1
            title = _strip_brackets(join_wrapped("".join(parts)))
        return _Goal(code, join_wrapped(title), i + 1)

    # -- KPI blocks

    def block_at(self, i: int) -> _Block | None:
        """The KPI block whose header starts at line index ``i``."""
        lines = self.source.lines
        found = _header_at(lines, i)
        if found is None:
            return None
        header, last, _wrapped = found
        kinds = [_label_kind(c) for c in header]
        value_cols = [k for k, kind in enumerate(kinds) if kind in ("baseline", "target")]
        name_col = next((k for k, kind in enumerate(kinds) if kind is None), None)
        years: list[Period | None] = [header_period(header[k]) for k in value_cols]

        j = last + 1
        while j < len(lines) and _is_blank(lines[j]):
            j += 1
        year_line = _year_line(lines[j]) if j < len(lines) else None
        if year_line is not None:
            years = self._map_years(j, year_line, header, value_cols, years)
            j += 1
        elif all(y is None for y in years):
            if self.last_years is not None and len(self.last_years) == len(value_cols):
                years = list(self.last_years)
                self.warnings.append(
                    self.source.warn(
                        last + 1,
                        "KPI table has no year line under its header; the years of the previous "
                        "KPI table were used",
                    )
                )
            else:
                self.warnings.append(
                    self.source.warn(last + 1, "KPI table has no year line under its header; years unknown")
                )
        if any(y is not None for y in years):
            self.last_years = years

        block = _Block(line=i + 1)
        pending_name = ""
        current: Indicator | None = None
        n = len(lines)
        while j < n:
            line = lines[j]
            if _is_blank(line):
                k = j + 1
                while k < n and _is_blank(lines[k]):
                    k += 1
                if k < n and (_is_rationale_row(lines[k]) or (current is None and _is_data_row(lines[k]))):
                    j = k
                    continue
                break
            if (
                _header_at(lines, j)
                or _GOAL.match(line)
                or _FOOTNOTE.match(line)
                or ("\t" not in line and _SECTION.match(line))
            ):
                break
            if _is_rationale_row(line):
                if current is None:
                    self.warnings.append(
                        self.source.warn(j + 1, "rationale row with no indicator row before it")
                    )
                j = self._rationale(j, current)
                continue
            if _is_data_row(line):
                current = self._indicator(j, header, name_col, value_cols, years, pending_name)
                block.indicators.append(current)
                pending_name = ""
                j += 1
                continue
            cells = _nonempty(line)
            first = split_cells(self.source.raw(j + 1))[0].strip()
            if len(cells) == 1 and first and len(first) <= 30 and "。" not in first:
                if current is not None and not current.notes:
                    # The rest of a name wrapped under its row.
                    _rename(current, current.raw_name + first)
                elif current is None and j + 1 < n and _is_data_row(lines[j + 1]):
                    # The first part of a name wrapped over the row below.
                    pending_name += first
                else:
                    break
                j += 1
                continue
            break
        if not block.indicators:
            self.warnings.append(self.source.warn(i + 1, "KPI table header with no indicator row under it"))
        block.end = j
        return block

    def _map_years(
        self,
        j: int,
        year_line: tuple[list[Period], bool],
        header: list[str],
        value_cols: list[int],
        years: list[Period | None],
    ) -> list[Period | None]:
        """The years of the value columns: the header's own, else the year line's."""
        periods, one_per_cell = year_line
        cells = _cells(self.source.lines[j])
        if one_per_cell and len(cells) == len(header):
            by_col: list[Period | None] = [header_period(cells[k]) if cells[k] else None for k in value_cols]
        else:
            by_col = [periods[n] if n < len(periods) else None for n in range(len(value_cols))]
            if len(periods) != len(value_cols):
                self.warnings.append(
                    self.source.warn(
                        j + 1,
                        f"year line gives {len(periods)} years for {len(value_cols)} value columns; "
                        "read from the left",
                    )
                )
        return [y if y is not None else b for y, b in zip(years, by_col, strict=True)]

    def _indicator(
        self,
        j: int,
        header: list[str],
        name_col: int | None,
        value_cols: list[int],
        years: list[Period | None],
        pending_name: str,
    ) -> Indicator:
        raw_cells = split_cells(self.source.raw(j + 1))
        kinds = [_label_kind(header[k]) for k in value_cols]
        if name_col is not None and len(raw_cells) >= len(header):
            name_raw = raw_cells[name_col]
            values = [raw_cells[k] for k in value_cols]
        else:
            filled = [c for c in raw_cells if c]
            name_raw, values = filled[0], filled[1:]
            values += [""] * (len(value_cols) - len(values))
            if len(values) > len(value_cols):
                self.warnings.append(
                    self.source.warn(j + 1, "more cells than the header has columns; extra cells ignored")
                )
                values = values[: len(value_cols)]
        name_raw = pending_name + name_raw
        base_idx = [n for n, k in enumerate(kinds) if k == "baseline"]
        tgt_idx = [n for n, k in enumerate(kinds) if k == "target"]
        b = base_idx[0]
        ind = build_indicator(
            Role.KPI,
            name_raw,
            values[b],
            [values[n] for n in tgt_idx],
            baseline_header=years[b],
            target_headers=[years[n] for n in tgt_idx],
            source=self.source.ref(j + 1),
            warnings=self.warnings,
        )
        if not ind.name:
            self.warnings.append(self.source.warn(j + 1, "indicator row with an empty name"))
        return ind

    def _rationale(self, j: int, ind: Indicator | None) -> int:
        """Read the rationale row at index ``j`` and its paragraph into a note of
        ``ind``; return the index of the first line after it."""
        lines, n = self.source.lines, len(self.source.lines)
        raw_cells = split_cells(self.source.raw(j + 1))
        label = raw_cells[0].strip()
        parts = [c for c in raw_cells[1:] if c]
        k = j + 1
        if not parts:
            while k < n and _is_blank(lines[k]):
                k += 1
        while k < n and not _is_blank(lines[k]):
            line = lines[k]
            if (
                _is_rationale_row(line)
                or _is_data_row(line)
                or _header_at(lines, k)
                or _GOAL.match(line)
                or _FOOTNOTE.match(line)
            ):
                break
            parts.append(" ".join(c for c in split_cells(self.source.raw(k + 1)) if c))
            k += 1
        text = clean_note_text(" ".join(parts))
        if not text:
            self.warnings.append(self.source.warn(j + 1, f"{nfkc(label)} row with no text under it"))
        elif ind is not None:
            ind.notes.append(f"{label}：{text}")
        return k

    # -- footnotes

    def attach_footnotes(self, ind: Indicator) -> None:
        """Add the footnote of every ※N mark in ``ind``'s printed name."""
        parts = read_name(ind.raw_name)
        at = (ind.source.line - 1) if ind.source else 0
        for mark in parts.marks:
            m = _MARK_NUMBER.search(nfkc(mark))
            if not m:
                continue
            places = self.footnotes.get(m.group(1), [])
            if not places:
                self.warnings.append(
                    self.source.warn(at + 1, f"footnote {mark} of {ind.name} not found in the document")
                )
                continue
            after = [p for p in places if p >= at]
            place = after[0] if after else places[-1]
            raw = _FOOTNOTE_RAW_MARK.sub("", self.source.raw(place + 1)).strip()
            note = join_wrapped(raw)
            ind.notes.append(note)
            sep = _TERM_SEP.search(note)
            if sep and ind.definition is None:
                term = note[: sep.start()]
                if match_key(term) == match_key(ind.name):
                    ind.definition = note[sep.end() :].strip() or None


# ---------------------------------------------------------------- read


def _title(source: SourceText) -> str:
    """The plan's title: the cover lines up to the first one naming a 戦略/計画."""
    parts: list[str] = []
    for line in source.lines[:40]:
        if _is_blank(line):
            continue
        if "\t" in line or find_periods(line) or "目次" in line:
            break
        parts.append(line.strip())
        if re.search(r"戦略|計画", line):
            return join_wrapped("".join(parts))
        if len(parts) >= 6:
            break
    return join_wrapped("".join(parts[:1]))


def read(source: SourceText) -> Plan:
    """Read ``source`` into a :class:`Plan` (see the module docstring).

    Nodes are the 基本目標 printed, in code order (one with no KPI block gets
    its last printed title and a warning); every indicator
    has role KPI. Never raises on odd text: what cannot be read becomes a
    warning in ``plan.warnings``."""
    reader = _Reader(source)
    lines = source.lines
    plan = Plan(doc=source.name, title=_title(source), layout=LAYOUT)

    nodes: dict[str | None, Node] = {}
    order: list[str | None] = []
    toc_titles: dict[str, str] = {}
    current: _Goal | None = None
    first_section: str | None = None  # the first numbered section of the current chapter
    section_restart: int | None = None  # line index where that section repeats with no heading
    block_in_chapter = False  # a KPI block was read after the chapter's first section
    headed: dict[str, _Goal] = {}  # the last heading printed for each code

    def node_for(goal: _Goal | None, at: int) -> Node:
        if goal is None:
            goal = _Goal(None, "", at + 1)
            if None not in nodes:
                reader.warnings.append(source.warn(at + 1, "KPI table before any 基本目標 heading"))
        if goal.code not in nodes:
            nodes[goal.code] = Node(LEVEL, goal.code, goal.title, source=source.ref(goal.line))
            order.append(goal.code)
        return nodes[goal.code]

    i = 0
    while i < len(lines):
        line = lines[i]
        goal = reader.goal_at(i)
        if goal is not None:
            if goal.code is not None and goal.title:
                toc_titles[goal.code] = goal.title
            headed[str(goal.code)] = goal
            current, first_section, section_restart = goal, None, None
            block_in_chapter = False
            i += 1
            continue
        sec = _SECTION.match(line)
        if sec and "\t" not in line and sec.group("n") == "1":
            title = remove_spaces(sec.group("title"))
            if first_section is None and current is not None:
                first_section = title
            elif title == first_section and block_in_chapter:
                section_restart = i
        block = reader.block_at(i) if _header_at(lines, i) else None
        if block is None:
            i += 1
            continue
        if section_restart is not None and current is not None and current.code is not None:
            # The chapter's first section repeats after a KPI block: a new chapter
            # whose 基本目標 heading is missing.
            code = str(int(current.code) + 1)
            title = toc_titles.get(code, "")
            reader.warnings.append(
                source.warn(
                    section_restart + 1,
                    f"基本目標 heading missing before this chapter; read as 基本目標{code}"
                    + (f" 「{title}」 (title from an earlier list)" if title else " (title unknown)"),
                )
            )
            current = _Goal(code, title, section_restart + 1)
            section_restart = None
        node = node_for(current, i)
        for ind in block.indicators:
            reader.attach_footnotes(ind)
            node.indicators.append(ind)
        block_in_chapter = first_section is not None
        i = max(block.end, i + 1)

    for code, goal in headed.items():
        if code not in nodes:
            node_for(goal, goal.line - 1)
            reader.warnings.append(source.warn(goal.line, f"基本目標{code} has no KPI table"))
    plan.nodes = [nodes[c] for c in sorted(order, key=lambda c: (c is not None, int(c) if c else 0))]
    plan.warnings = reader.warnings
    return plan
