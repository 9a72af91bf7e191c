"""Reading opinion tables: citizens' opinions with the municipality's answers.

One stage of the reading pipeline. :func:`read_opinions` reads the table of
opinions of a パブリックコメント 実施結果 / 意見の反映状況表 (意見 → 対応方針・市の
考え方 → 計画への反映) in whatever form the text gives it, and says how
strongly the document is such a table (:attr:`OpinionReading.score`).

Every form is recognised by its structure: caption words from the
vocabulary :data:`CAPTION_WORDS` (each with a note of where it was seen),
row numbers, arrows, page citations, runs of spaces, delimiters. Nothing
depends on a file name, a municipality or a literal line of a document.
The forms read:

``arrow``
    The numbered reflection table of seed 001: ``№ / 施策名 / ①意見内容 /
    ②対応方針 / ③計画への反映``, cell by cell, the № alone on its line, a lone
    ``⇒`` between ① and ②, ``⇒ p.39`` opening the ③ cell with its section
    headings and 「」 quoted passages, bare ``p.40`` markers for further cited
    pages. ③ blocks extracted before their own row's № (a tall top-aligned
    ③ cell) move to the next row when that row's ③ arrow stands alone, with
    a warning. The 施策名 cell gives the node hierarchy (roman numeral or
    ``基本目標N`` → 基本目標, ``（１）`` → 施策, ``①`` → 具体的な施策).
``delimited``
    A table whose cells are separated by ``|`` (markdown / HTML flattened
    to pipes) or by tabs, under a caption row such as ``番号 | 意見の概要 |
    市の考え方`` or ``意見(抜粋) | 対応 | 回答``; a ``---|---`` rule is skipped;
    with a number column, a row whose number cell is empty continues the
    row before it.
``labelled``
    Blocks introduced by labels: ``【意見】…【回答】…``, ``(意見)…(市の考え方)…``,
    ``[お寄せいただいた意見]…[市の検討結果と理由]…``, ``意見:…`` / ``回答:…``;
    the row number from ``No.1`` / ``意見1`` / ``1 [意見]`` or else counted.
``spaced``
    A two-column 意見 / 回答 table flattened to text: a caption line of
    caption words only, then for each row the opinion, a run of two or more
    spaces (or a tab), and the answer, which may go on over the following
    lines and paragraphs; a run of spaces at the end of a line ends an
    opinion whose answer follows on the next lines.
``numbered``
    A table under a caption with a number column (``番号 意見 回答``, also
    printed one character per line as ``番/号``), each row opened by its
    number alone on a line; the opinion runs to the first blank line, the
    answer after it.

Columns and labels for the state of reflection (``反映状況``, ``対応`` next to
a response column: 反映する / 一部反映 / 反映しない / 記載済み / 原案のとおり)
are kept in the response, in front of it as ``【一部反映】…`` (the opinion
row has no field of its own), and in :attr:`OpinionReading.statuses`.
Page citations of a 計画への反映 column (``P.12``, ``12ページ``, ``12頁``,
``p.12``) become :class:`Reflection` entries.

Field forms follow ``docs/opinion-rows.md`` and the seed's gold
notes: opinion and response have all white space removed and are not
NFKC-normalised; rows are numbered as printed, else 1… in print order;
``measure`` is empty where the document cites no plan node. An answer cut
at the end of the text is kept and reported as a warning with the file
and line, so that the row can be marked uncertain.

Pure: no I/O. Every scan is linear in the number of lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import ExtractWarning, Node, Opinion, Reflection
from ..source import SourceText
from ..text import join_wrapped, nfkc, remove_spaces

__all__ = ["CAPTION_WORDS", "STATUS_WORDS", "OpinionReading", "read_opinions"]

# --- vocabulary ----------------------------------------------------------------

#: Caption words of opinion tables by role, each with where it was seen.
#: Words are compared after NFKC, without white space, without a leading
#: enumerator (``①``, ``1.``) and without surrounding brackets. Roles:
#: ``number`` (row number), ``opinion``, ``response``, ``status`` (state of
#: reflection), ``measure`` (the plan node or item the opinion concerns),
#: ``reflection`` (計画への反映: where in the plan).
CAPTION_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "number": (
        ("No", "seed 001 (№, NFKC 'No'); hand tables 'No.'"),
        ("番号", "corpus 11_zama (printed 番/号); brief: 番号 | 意見の概要 | 市の考え方"),
    ),
    "opinion": (
        ("意見内容", "seed 001 ①意見内容"),
        ("意見", "corpus 08_komae (意見 回答), 11_zama (意/見); 宇都宮市 懇談会 page (意見)"),
        ("ご意見", "brief: 【意見】… labelled blocks; 島根県 page ご意見"),
        ("意見の概要", "brief; 浜田市 and 白川町 pages (意見の概要と…考え方を公表)"),
        ("ご意見の概要", "variant of 意見の概要, not seen yet"),
        ("意見の要旨", "brief: ご意見の要旨 / 市の考え方 / 対応"),
        ("ご意見の要旨", "brief: ご意見の要旨 / 市の考え方 / 対応"),
        ("意見の内容", "島根県 page (寄せられた意見の内容)"),
        ("ご意見の内容", "島本町 page (ご意見の内容とそれに対する町の考えかた)"),
        ("お寄せいただいた意見", "corpus 10_nishitokyo [お寄せいただいた意見]"),
        ("意見(抜粋)", "corpus 12_kasumigaura 意見(抜粋) | 対応 | 回答"),
        ("意見等の概要", "variant of 意見の概要, not seen yet"),
    ),
    "response": (
        ("対応方針", "seed 001 ②対応方針"),
        ("回答", "corpus 08_komae, 11_zama (回); 島根県 page 【回答】"),
        ("市の考え方", "brief; 宇部市, 浜田市, 真庭市 pages (…に対する市の考え方を公表)"),
        ("本市の考え方", "延岡市 page (意見及び本市の考え方)"),
        ("町の考え方", "白川町 page (意見の概要と町の考え方)"),
        ("町の考えかた", "島本町 page"),
        ("県の考え方", "滋賀県 page (意見・情報とそれらに対する県の考え方)"),
        ("意見に対する市の考え方", "真庭市 page (意見に対する市の考え方を公表)"),
        ("市の検討結果と理由", "corpus 10_nishitokyo [市の検討結果と理由]"),
        ("市の回答", "variant of 回答, not seen yet"),
    ),
    "status": (
        ("反映状況", "brief: 反映状況: 反映する/一部反映/反映しない/記載済み"),
        (
            "対応",
            "corpus 12_kasumigaura 対応 (原案のとおり) beside 回答; brief: ご意見の要旨 / 市の考え方 / 対応",
        ),
        ("対応区分", "variant of 対応, not seen yet"),
    ),
    "measure": (
        ("施策名", "seed 001 施策名"),
        ("項目", "corpus 10_nishitokyo 項目 column"),
        ("該当箇所", "variant of 項目, not seen yet"),
    ),
    "reflection": (
        ("計画への反映", "seed 001 ③改訂基本計画への反映 (any '…への反映' caption)"),
        ("反映箇所", "variant of 計画への反映, not seen yet"),
        ("該当ページ", "variant of 計画への反映, not seen yet"),
    ),
}

#: Words of a status (反映状況) cell, with where they were seen.
STATUS_WORDS: tuple[tuple[str, str], ...] = (
    ("反映する", "brief: 反映状況 column"),
    ("一部反映", "brief: 反映状況 column"),
    ("反映しない", "brief: 反映状況 column"),
    ("記載済み", "brief: 反映状況 column"),
    ("原案のとおり", "corpus 12_kasumigaura 対応 column"),
)

#: Words of page furniture that end a labelled block (web page footers).
_FOOTER_WORDS: tuple[str, ...] = ("お問い合わせ", "問い合わせ先", "このページ", "ページの先頭", "Adobe")

#: Words anywhere in the text that say it is a public-comment result.
_DOC_WORDS: tuple[str, ...] = (
    "パブリックコメント",
    "パブリック・コメント",
    "意見募集",
    "意見公募",
    "反映状況",
)

_ROLE_OF: dict[str, str] = {
    remove_spaces(nfkc(word)): role for role, words in CAPTION_WORDS.items() for word, _ in words
}
#: A caption token longer than this is prose (the longest word with brackets and enumerator).
_LONGEST_CAPTION = 32
_STRONG_ROLES = frozenset({"opinion", "response", "reflection", "status"})
_ENUM = re.compile(r"^(?:\d{1,2}[.)]?|[(]\d{1,2}[)])(?=\D)")
_PAIRS = {"[": "]", "【": "】", "(": ")", "<": ">", "〈": "〉", "《": "》", "「": "」", "『": "』"}
_MARK_CHARS = "■◆●◇○□▼▽・"


def _caption_key(token: str) -> str:
    key = remove_spaces(nfkc(token))
    key = _ENUM.sub("", key, count=1).lstrip(_MARK_CHARS).rstrip(":.")
    while len(key) >= 2 and _PAIRS.get(key[0]) == key[-1]:
        key = key[1:-1]
    return key


@lru_cache(maxsize=8192)
def _role(token: str) -> str | None:
    """The role of a caption token, ``None`` when it is not a caption word."""
    if len(token) > _LONGEST_CAPTION:
        return None
    key = _caption_key(token)
    if not key:
        return None
    role = _ROLE_OF.get(key)
    if role is None and key.endswith(")") and "(" in key:
        role = _ROLE_OF.get(key[: key.index("(")])
    if role is None and key.endswith("への反映") and len(key) <= 20:
        role = "reflection"
    return role


def _caption_roles(tokens: Sequence[str]) -> list[str] | None:
    """The roles of a caption row: every token a caption word, and either two
    or more tokens or one strong word (意見, 回答, 反映 …); else ``None``."""
    if not tokens or len(tokens) > 8:
        return None
    out: list[str] = []
    for token in tokens:
        role = _role(token)
        if role is None:
            return None
        out.append(role)
    if len(out) >= 2 or out[0] in _STRONG_ROLES:
        return out
    return None


def _is_caption_line(text: str) -> bool:
    return _caption_roles(text.split()) is not None


def _resolve_status(roles: list[str]) -> list[str]:
    """``対応`` beside a response column is a status column; alone it is the response."""
    if "response" in roles:
        return roles
    return ["response" if r == "status" else r for r in roles]


_FINAL = "。．.!！?？」』)）>＞]］"


def _looks_cut(text: str) -> bool:
    """A cell that stops without a sentence end (cut by the extraction)."""
    return bool(text) and text[-1] not in _FINAL


def _clean(parts: Sequence[str]) -> str:
    return remove_spaces("".join(parts))


_CITE = re.compile(r"(?:[pP]\.?\s*(?P<p1>\d{1,4})|(?P<p2>\d{1,4})\s*(?:ページ|頁))")
# The same on the raw text (full-width letters and digits), to leave the rest as printed.
_CITE_RAW = re.compile(r"(?:[pPｐＰ][.．]?\s*[0-9０-９]{1,4}|[0-9０-９]{1,4}\s*(?:ページ|頁))")


def _cited_pages(raw: str) -> tuple[list[int], str]:
    """Pages cited in a 計画への反映 cell, and the cell's text without them."""
    text = nfkc(raw)
    pages = [int(m.group("p1") or m.group("p2")) for m in _CITE.finditer(text)]
    rest = remove_spaces(_CITE_RAW.sub("", raw))
    return pages, rest.strip("、,，・/／")


# --- the result ------------------------------------------------------------------


@dataclass
class OpinionReading:
    """What :func:`read_opinions` read.

    ``opinions`` in print order; ``nodes`` the measure hierarchy the 施策名
    cells give (empty when there is none); ``warnings`` what could not be
    read with certainty (cut answers, moved blocks, rows without answer);
    ``score`` how strongly the document is an opinion table (0–1), from its
    captions, labels, numbered rows and arrows; ``form`` the form read
    (``arrow``, ``delimited``, ``labelled``, ``spaced``, ``numbered``, or
    ``""`` when none); ``statuses`` the 反映状況 cell of each row number that
    prints one."""

    opinions: list[Opinion] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    warnings: list[ExtractWarning] = field(default_factory=list)
    score: float = 0.0
    form: str = ""
    statuses: dict[int, str] = field(default_factory=dict)


@dataclass
class _Out:
    """What one form reader found (the fields the ported arrow reader fills)."""

    form: str
    opinions: list[Opinion] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    warnings: list[ExtractWarning] = field(default_factory=list)
    statuses: dict[int, str] = field(default_factory=dict)


def _last_content_line(source: SourceText) -> int:
    for n in range(len(source.lines), 0, -1):
        if source.lines[n - 1].strip():
            return n
    return 0


@dataclass
class _Cells:
    """One row being collected: raw text parts per role, and where it starts."""

    number: int | None
    line: int
    parts: dict[str, list[str]] = field(default_factory=dict)
    last_line: int = 0

    def add(self, role: str, raw: str, n: int) -> None:
        self.parts.setdefault(role, []).append(raw)
        self.last_line = max(self.last_line, n)

    def has(self, role: str) -> bool:
        return bool(_clean(self.parts.get(role, [])))


def _finish(rows: list[_Cells], source: SourceText, out: _Out) -> None:
    """Turn collected rows into opinions: numbers as printed or counted, the
    status kept in the response, cited pages as reflections; a cut last
    answer and empty cells are reported."""
    last = _last_content_line(source)
    previous = 0
    for k, row in enumerate(rows):
        number = row.number if row.number is not None else previous + 1
        previous = number
        opinion = _clean(row.parts.get("opinion", []))
        response = _clean(row.parts.get("response", []))
        status = _clean(row.parts.get("status", []))
        if status:
            out.statuses[number] = status
            response = f"【{status}】{response}"
        measure: list[str] = []
        codes: list[str] = []
        title = _clean(row.parts.get("measure", []))
        if title and not re.fullmatch(r"\d+", nfkc(title)):
            h = _heading(title)
            code, text = (h[1], join_wrapped(h[2])) if h else ("", title)
            measure, codes = [text or title], [code]
        reflections: list[Reflection] = []
        for raw in row.parts.get("reflection", []):
            pages, rest = _cited_pages(raw)
            reflections.extend(Reflection(page=p, section=rest, quote="") for p in pages)
        is_last = k == len(rows) - 1 and row.last_line >= last
        if not opinion:
            out.warnings.append(source.warn(row.line, f"row {number}: empty opinion"))
        if is_last and (not response or _looks_cut(response)):
            out.warnings.append(
                source.warn(
                    row.last_line or row.line,
                    f"row {number}: the answer is cut at the end of the text (uncertain): {response[-20:]!r}",
                )
            )
        elif not _clean(row.parts.get("response", [])):
            out.warnings.append(source.warn(row.line, f"row {number}: no answer found"))
        out.opinions.append(
            Opinion(
                number=number,
                measure=measure,
                measure_codes=codes,
                opinion=opinion,
                response=response,
                reflections=reflections,
                source=source.ref(row.line),
            )
        )


# --- the numbered reflection table with arrows (ported from the seed-001 importer) ---

_ARROWS = "⇒→➡⇨⇛"
# An arrow at the start of a line and what follows it (NFKC text).
_ARROW_LINE = re.compile(rf"^[{_ARROWS}]\s*(?P<rest>.*)$")
# A cited page: "p.39", "P39", "p. 107", "p.39~40", "39ページ", "39頁" (NFKC text).
_PAGE = re.compile(
    r"^(?:[pP]\s*\.?\s*(?P<p1>\d+)(?:\s*[-~〜]\s*\d+)?|(?P<p2>\d+)\s*(?:ページ|頁))$",
)
# A row number: the № cell, alone on its line ("12"; NFKC turns № into "No").
_ROW_NUMBER = re.compile(r"^(?:No\.?\s*)?(\d{1,3})$")
# Page furniture (NFKC text, stripped).
_DOC_LABEL = re.compile(r"^(?:資料|別紙|別添|参考)\s*\d+(?:\s*[-‐ー―]\s*\d+)*$")
_PAGE_NUMBER = re.compile(r"^(?:[-‐ー―—–]\s*\d+\s*[-‐ー―—–]|\d+\s*/\s*\d+)$")
# 施策名 cell headings. Roman numerals and circled numbers are read on the
# raw text (NFKC would turn "Ⅰ" into "I" and "①" into "1").
_ROMAN = re.compile(r"^(?P<code>[\u2160-\u216b\u2170-\u217b]+)[\s.．、]*(?P<title>.*)$")
_CIRCLED = re.compile(r"^(?P<code>[\u2460-\u2473])\s*(?P<title>.*)$")
_GOAL = re.compile(r"^基本目標\s*(?P<code>[\u2160-\u216b]+|[0-9０-９]+)[\s.:：．、]*(?P<title>.*)$")
_PAREN = re.compile(r"^[(（]\s*(?P<code>[0-9０-９]+)\s*[)）]\s*(?P<title>.*)$")

_LEVELS = {"goal": "基本目標", "paren": "施策", "circled": "具体的な施策"}


@dataclass
class _Line:
    n: int  # 1-based line number
    raw: str  # raw text, right-stripped
    text: str  # NFKC text, stripped


@dataclass(frozen=True)
class _Part:
    """One numbered part of a 施策名 cell (``code`` is ``""`` when none is printed)."""

    level: str
    code: str
    title: str
    line: int


@dataclass
class _Block:
    """One cited place of a ③ cell: a page marker and the lines after it."""

    line: int
    page: int | None
    arrowed: bool  # introduced by "⇒ p.NN" (True) or a bare "p.NN" (False)
    lines: list[_Line] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    line: int
    lines: list[_Line | None]  # None marks a blank line (a cell break)
    blocks: list[_Block] = field(default_factory=list)
    arrow_line: int | None = None  # the ②→③ arrow
    arrow_alone: bool = False  # that arrow had nothing after it in the row


def _is_arrow_alone(text: str) -> bool:
    m = _ARROW_LINE.match(text)
    return m is not None and not m.group("rest")


def _page_of(text: str) -> tuple[bool, int | None] | None:
    """``(arrowed, page)`` when ``text`` (NFKC) opens a ③ block, else ``None``.

    An arrow followed by other text opens a block without a page."""
    arrowed = False
    m = _ARROW_LINE.match(text)
    if m:
        arrowed = True
        text = m.group("rest")
        if not text:
            return None
    p = _PAGE.match(text)
    if p:
        return arrowed, int(p.group("p1") or p.group("p2"))
    return (True, None) if arrowed else None


def _title_line(source: SourceText) -> _Line | None:
    for i, raw in enumerate(source.raw_lines, 1):
        text = source.line(i).strip()
        if text and not (_DOC_LABEL.match(text) or _PAGE_NUMBER.match(text) or _is_caption_line(text)):
            if _ROW_NUMBER.match(text) or _ARROW_LINE.match(text):
                return None  # the table starts at once: no title printed
            return _Line(i, raw.rstrip(), text)
    return None


def _content_lines(source: SourceText, title: _Line | None) -> list[_Line | None]:
    """The document's lines without page furniture; ``None`` for a blank line.

    Furniture is only recognised outside an open 「 quote (the quote depth is
    reset at blank lines so that one unbalanced bracket cannot hide the rest)."""
    title_key = remove_spaces(title.text) if title else None
    out: list[_Line | None] = []
    depth = 0
    for i, raw in enumerate(source.raw_lines, 1):
        text = source.line(i).strip()
        if not text:
            depth = 0
            out.append(None)
            continue
        if depth == 0 and (
            remove_spaces(text) == title_key
            or _DOC_LABEL.match(text)
            or _PAGE_NUMBER.match(text)
            or _is_caption_line(text)
        ):
            continue
        out.append(_Line(i, raw.rstrip(), text))
        depth = max(0, depth + text.count("「") - text.count("」"))
    return out


def _is_furniture(text: str) -> bool:
    """Page furniture (NFKC, stripped): a document label, a page number, a caption row."""
    return bool(_DOC_LABEL.match(text) or _PAGE_NUMBER.match(text)) or _is_caption_line(text)


def _bare_number(text: str) -> int | None:
    """The number of a line holding only a number (NFKC, stripped), else ``None``."""
    m = _ROW_NUMBER.match(text)
    return int(m.group(1)) if m else None


def _no_row_text(text: str | None) -> bool:
    """Whether ``text``, the content after a bare number line, shows that the
    number opens no row: nothing, an arrow (the row's ⇒ cannot come before its
    施策名/意見) or a cited-page marker (``p.21``)."""
    return text is None or bool(_ARROW_LINE.match(text) or _PAGE.match(text))


def _stray_number(source: SourceText, n: int, previous: int | None) -> tuple[bool, int | None]:
    """Whether the bare number on line ``n`` is a stray number (a page number
    printed in or between rows), and the line of a second bare number right
    after it that is the stray one instead (``None`` when there is none).

    A number alone on its line opens a row only when the next content (blank
    lines and page furniture skipped) is the row's text: not an arrow, not a
    page marker, not another number. Of two numbers in a row, the one that
    continues the sequence (``previous + 1``) is the row number, else the
    later one (it stands next to its text)."""
    number = _bare_number(source.line(n).strip())
    k = n + 1
    nxt: str | None = None
    while k <= len(source.lines):
        t = source.line(k).strip()
        if t and not _is_furniture(t):
            nxt = t
            break
        k += 1
    if _no_row_text(nxt):
        return True, None
    assert nxt is not None
    following = _bare_number(nxt)
    if following is None:
        return False, None
    if previous is not None and number == previous + 1 and following != previous + 1:
        return False, k
    return True, None


def _stray_warning(source: SourceText, n: int) -> ExtractWarning:
    text = source.line(n).strip()
    return source.warn(n, f"number line {text!r} is not followed by its row's text: skipped as a page number")


def _row_starts(lines: list[_Line | None]) -> tuple[list[int], list[int]]:
    """Indexes (into ``lines``) of the № lines, and of number lines that are not.

    A line holding only a number, outside a quote, starts a row when a lone
    ``⇒`` (the ①→② arrow) follows it before the next such number line. A
    number line directly followed by an arrow or a page marker (not by the
    row's 施策名/意見 text) or with no arrow after it is a stray page number.
    When a stray number cuts the expected next row (number = previous + 1)
    off from its arrow, the row is kept and the stray skipped; a stray that
    happens to be the next row number is told apart by having no cell text
    between it and the arrow."""
    candidates: list[int] = []
    early: list[int] = []  # followed at once by an arrow or a page marker
    depth = 0
    for i, ln in enumerate(lines):
        if ln is None:
            depth = 0
            continue
        if depth == 0 and _ROW_NUMBER.match(ln.text):
            nxt = next((x.text for x in lines[i + 1 :] if x is not None), None)
            (early if _no_row_text(nxt) else candidates).append(i)
        depth = max(0, depth + ln.text.count("「") - ln.text.count("」"))

    def number(k: int) -> int:
        ln = lines[candidates[k]]
        m = _ROW_NUMBER.match(ln.text) if ln else None
        return int(m.group(1)) if m else -1

    def arrow_after(k: int) -> bool:
        end = candidates[k + 1] if k + 1 < len(candidates) else len(lines)
        return any(ln is not None and _is_arrow_alone(ln.text) for ln in lines[candidates[k] + 1 : end])

    def text_before_arrow(k: int) -> bool:
        for ln in lines[candidates[k] + 1 :]:
            if ln is not None:
                return not _is_arrow_alone(ln.text)
        return False

    starts: list[int] = []
    strays: list[int] = []
    last: int | None = None
    k = 0
    while k < len(candidates):
        if arrow_after(k):
            starts.append(candidates[k])
            last, k = number(k), k + 1
            continue
        if (
            k + 1 < len(candidates)
            and (last is None or number(k) == last + 1)
            and arrow_after(k + 1)
            and (number(k + 1) != number(k) + 1 or not text_before_arrow(k + 1))
        ):
            starts.append(candidates[k])
            strays.append(candidates[k + 1])
            last, k = number(k), k + 2
            continue
        strays.append(candidates[k])
        k += 1
    return starts, sorted(strays + early)


def _heading(raw: str) -> tuple[str, str, str] | None:
    """``(kind, code, title)`` when a 施策名 line opens a numbered heading.

    ``title`` is the raw text after the numbering; roman codes are kept as
    printed, arabic and circled codes are given as ASCII digits."""
    text = raw.strip()
    m = _GOAL.match(text)
    if m:
        code = m.group("code")
        return "goal", (code if re.fullmatch(r"[\u2160-\u216b]+", code) else nfkc(code)), m.group("title")
    m = _ROMAN.match(text)
    if m:
        return "goal", m.group("code"), m.group("title")
    m = _PAREN.match(text)
    if m:
        return "paren", str(int(nfkc(m.group("code")))), m.group("title")
    m = _CIRCLED.match(text)
    if m:
        return "circled", nfkc(m.group("code")), m.group("title")
    return None


def _measure_parts(lines: list[_Line]) -> list[_Part]:
    """The 施策名 cell as parts, outermost first.

    A line opening a numbered heading starts a part; other lines continue the
    part before them (the cell's line wraps)."""
    parts: list[tuple[str, str, list[str], int]] = []
    for ln in lines:
        h = _heading(ln.raw)
        if h:
            kind, code, rest = h
            parts.append((_LEVELS[kind], code, [rest], ln.n))
        elif parts:
            parts[-1][2].append(ln.raw.strip())
        else:
            parts.append(("施策", "", [ln.raw.strip()], ln.n))
    return [
        _Part(level, code, join_wrapped("".join(p.strip() for p in pieces)), n)
        for level, code, pieces, n in parts
    ]


def _split_measure(pre: list[_Line | None]) -> tuple[list[_Line], list[_Line]]:
    """Split the lines before the ①→② arrow into the 施策名 cell and ① 意見内容.

    The 施策名 cell starts with a numbered heading and ends at a blank line
    (a cell break) or at the first indented line (the opinion paragraph's
    leading space). No heading: the row prints no 施策名."""
    first = next((ln for ln in pre if ln is not None), None)
    if first is None or _heading(first.raw) is None:
        return [], [ln for ln in pre if ln is not None]
    measure: list[_Line] = []
    rest: list[_Line] = []
    in_measure = True
    for ln in pre:
        if ln is None:
            if measure:
                in_measure = False
            continue
        if in_measure and measure and ln.raw[:1].isspace():
            in_measure = False
        (measure if in_measure else rest).append(ln)
    return measure, rest


def _reflection(block: _Block, source: SourceText, out: _Out) -> Reflection:
    """A ③ block as a :class:`Reflection`: heading lines → section, 「」 passages → quote."""
    section: list[str] = []
    passages: list[str] = []
    current: list[str] | None = None
    depth = 0
    for ln in block.lines:
        raw = ln.raw.strip()
        if current is None and raw.startswith("「"):
            current = []
        if current is None:
            section.append(raw)
            continue
        current.append(raw)
        depth += raw.count("「") - raw.count("」")
        if depth <= 0:
            passages.append(_unquote("".join(current), ln.n, source, out))
            current, depth = None, 0
    if current is not None:
        out.warnings.append(
            source.warn(block.lines[-1].n, "③: a 「 quote is not closed; taken to the block's end")
        )
        passages.append(_unquote("".join(current) + "」", block.lines[-1].n, source, out))
    if not passages and not section:
        out.warnings.append(source.warn(block.line, "③: a cited page has neither heading nor quoted text"))
    return Reflection(page=block.page, section=remove_spaces("".join(section)), quote="／".join(passages))


def _unquote(text: str, line: int, source: SourceText, out: _Out) -> str:
    """``text`` without its outermost 「」 and without white space."""
    text = remove_spaces(text)
    depth = 0
    for i, ch in enumerate(text):
        if ch == "「":
            depth += 1
        elif ch == "」":
            depth -= 1
            if depth == 0:
                if i != len(text) - 1:
                    out.warnings.append(
                        source.warn(line, f"③: text after a closing 」 kept in the quote: {text[i + 1 :]!r}")
                    )
                    return text[1:i] + text[i + 1 :]
                return text[1:i]
    return text[1:]


def _read_row(row: _Row, source: SourceText, out: _Out) -> tuple[list[_Line], list[_Line], list[_Line]]:
    """Split a row's lines into (施策名 lines, ① lines, ② lines); fills ``row.blocks``."""
    lines = row.lines
    arrow1 = next((i for i, ln in enumerate(lines) if ln is not None and _is_arrow_alone(ln.text)), None)
    if arrow1 is None:  # _row_starts guarantees one; kept for safety
        out.warnings.append(source.warn(row.line, f"row {row.number}: no ⇒ between 意見内容 and 対応方針"))
        arrow1 = len(lines)
    measure, opinion = _split_measure(lines[:arrow1])
    response: list[_Line] = []
    block: _Block | None = None
    for ln in lines[arrow1 + 1 :]:
        if ln is None:
            continue
        opened = _page_of(ln.text)
        if block is None and row.arrow_line is None and opened is None and not _ARROW_LINE.match(ln.text):
            response.append(ln)
            continue
        if _is_arrow_alone(ln.text):
            if row.arrow_line is not None:
                out.warnings.append(source.warn(ln.n, f"row {row.number}: a second ③ arrow ⇒ ignored"))
            else:
                row.arrow_line, row.arrow_alone = ln.n, True
            continue
        if opened is not None:
            arrowed, page = opened
            if arrowed:
                if row.arrow_line is not None and not row.arrow_alone:
                    out.warnings.append(source.warn(ln.n, f"row {row.number}: a second ③ arrow ⇒"))
                if row.arrow_line is None:
                    row.arrow_line = ln.n
                row.arrow_alone = False
            block = _Block(ln.n, page, arrowed)
            row.blocks.append(block)
            if page is None:
                raw_rest = re.sub(rf"^\s*[{_ARROWS}]\s*", "", ln.raw)
                block.lines.append(_Line(ln.n, raw_rest, nfkc(raw_rest).strip()))
                out.warnings.append(source.warn(ln.n, f"row {row.number}: ③ cites no page number"))
            continue
        if block is None:
            block = _Block(ln.n, None, False)
            row.blocks.append(block)
            out.warnings.append(source.warn(ln.n, f"row {row.number}: ③ text without a page number"))
        block.lines.append(ln)
    if row.arrow_line is None and not row.blocks:
        out.warnings.append(source.warn(row.line, f"row {row.number}: no ③ arrow ⇒; reflections left empty"))
    return measure, opinion, response


def _reassign(rows: list[_Row], lead: list[_Block], source: SourceText, out: _Out) -> None:
    """Move ③ blocks extracted before their row's № to that row (see module doc).

    ``lead`` are the blocks found before the first row."""
    for k, row in enumerate(rows):
        prev_blocks = lead if k == 0 else rows[k - 1].blocks
        if not (row.arrow_alone and not row.blocks):
            continue
        if k == 0:
            orphans = [b for b in prev_blocks if not b.arrowed]
        else:
            first_arrowed = next((i for i, b in enumerate(prev_blocks) if b.arrowed), None)
            orphans = [] if first_arrowed is None else prev_blocks[first_arrowed + 1 :]
            if any(b.arrowed for b in orphans):
                orphans = []
        if orphans:
            for b in orphans:
                prev_blocks.remove(b)
            row.blocks.extend(orphans)
            pages = ", ".join(f"p.{b.page}" for b in orphans)
            out.warnings.append(
                source.warn(
                    orphans[0].line,
                    f"row {row.number}: ③ blocks {pages} (l.{orphans[0].line}–) precede its № line "
                    f"(l.{row.line}); assigned to it because its ③ arrow ⇒ (l.{row.arrow_line}) stands alone",
                )
            )
        else:
            out.warnings.append(
                source.warn(row.arrow_line or row.line, f"row {row.number}: ③ arrow ⇒ with nothing after it")
            )
    if lead:
        pages = ", ".join(f"p.{b.page}" for b in lead)
        out.warnings.append(
            source.warn(lead[0].line, f"③ blocks {pages} before the first row could not be placed")
        )


def _blocks_before(lines: list[_Line | None], source: SourceText, out: _Out) -> list[_Block]:
    blocks: list[_Block] = []
    for ln in lines:
        if ln is None:
            continue
        opened = _page_of(ln.text)
        if opened is not None and opened[1] is not None:
            blocks.append(_Block(ln.n, opened[1], opened[0]))
        elif blocks:
            blocks[-1].lines.append(ln)
        else:
            out.warnings.append(source.warn(ln.n, f"text before the first row ignored: {ln.text[:30]!r}"))
    return blocks


def _node(out: _Out, parts: list[_Part], source: SourceText) -> None:
    """Add the 施策名 path ``parts`` to the plan's node tree (once per path)."""
    siblings = out.nodes
    for p in parts:
        found = next(
            (n for n in siblings if (n.level, n.code or "", n.title) == (p.level, p.code, p.title)), None
        )
        if found is None:
            found = Node(level=p.level, code=p.code or None, title=p.title, source=source.ref(p.line))
            siblings.append(found)
        siblings = found.children


def _read_arrow(source: SourceText) -> _Out:
    """The numbered reflection table with ⇒ arrows (form ``arrow``).

    ``out.opinions`` gets one :class:`Opinion` per № row, in print order;
    ``out.nodes`` the 施策名 hierarchy (no indicators). Recovered or doubtful
    readings (③ blocks moved to their row, rows without 施策名, ③ without a
    page) are listed in ``out.warnings``. Never raises on odd text: what it
    cannot read becomes a warning."""
    title = _title_line(source)
    out = _Out("arrow")
    lines = _content_lines(source, title)
    starts, strays = _row_starts(lines)
    for i in strays:
        stray = lines[i]
        assert stray is not None
        out.warnings.append(
            source.warn(
                stray.n, f"number line {stray.text!r} is not followed by ① ⇒ ②: skipped as a page number"
            )
        )
        lines[i] = None
    if not starts:
        return _Out("arrow")
    lead = _blocks_before(lines[: starts[0]], source, out)
    rows: list[_Row] = []
    for k, i in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        ln = lines[i]
        assert ln is not None
        m = _ROW_NUMBER.match(ln.text)
        assert m is not None
        rows.append(_Row(int(m.group(1)), ln.n, lines[i + 1 : end]))
    read_rows = []
    for k, row in enumerate(rows):
        if k and row.number != rows[k - 1].number + 1:
            out.warnings.append(
                source.warn(row.line, f"row number {row.number} does not follow {rows[k - 1].number}")
            )
        read_rows.append(_read_row(row, source, out))
    _reassign(rows, lead, source, out)
    previous: list[_Part] = []
    for row, (measure_lines, opinion_lines, response_lines) in zip(rows, read_rows, strict=True):
        parts = _measure_parts(measure_lines)
        if not parts:
            parts = previous
            out.warnings.append(
                source.warn(row.line, f"row {row.number} prints no 施策名; filed under the previous row's")
            )
        else:
            _node(out, parts, source)
        previous = parts
        if not opinion_lines:
            out.warnings.append(source.warn(row.line, f"row {row.number}: empty 意見内容"))
        if not response_lines:
            out.warnings.append(source.warn(row.line, f"row {row.number}: empty 対応方針"))
        out.opinions.append(
            Opinion(
                number=row.number,
                measure=[p.title for p in parts],
                measure_codes=[p.code for p in parts],
                opinion=remove_spaces("".join(ln.raw for ln in opinion_lines)),
                response=remove_spaces("".join(ln.raw for ln in response_lines)),
                reflections=[_reflection(b, source, out) for b in row.blocks],
                source=source.ref(row.line),
            )
        )
    return out


# --- delimited tables: "|" or tab ---------------------------------------------

_RULE = re.compile(r"^[\s|:\-–—=+]+$")
_NUMBER_CELL = re.compile(r"^(?:No\.?)?\s*(\d{1,4})$")


def _split_cells(raw: str, sep: str) -> list[str]:
    if sep == "|":
        body = raw.strip()
        cells = re.split(r"[|｜]", body)
        if body[:1] in "|｜" and cells:
            cells = cells[1:]
        if body[-1:] in "|｜" and cells:
            cells = cells[:-1]
        return cells
    cells = raw.rstrip().split("\t")
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def _cell_roles(cells: Sequence[str]) -> list[str | None] | None:
    """Roles per column when ``cells`` are a caption row with an opinion column
    and a response or status column; ``None`` otherwise."""
    filled = [c for c in cells if c.strip()]
    roles = _caption_roles(filled)
    if not roles or "opinion" not in roles or not ({"response", "status"} & set(roles)):
        return None
    resolved = iter(_resolve_status(roles))
    return [next(resolved) if c.strip() else None for c in cells]


def _read_delimited(source: SourceText) -> _Out:
    out = _Out("delimited")
    rows: list[_Cells] = []
    roles: list[str | None] | None = None
    sep = ""
    for n in range(1, len(source.lines) + 1):
        text = source.line(n).strip()
        raw = source.raw(n)
        if not text:
            continue
        line_sep = "|" if "|" in text else ("\t" if "\t" in raw.strip() else "")
        if not line_sep:
            roles = None  # a line without cells ends the table
            continue
        cells = _split_cells(raw, line_sep)
        head = _cell_roles(cells)
        if head:
            roles, sep = head, line_sep
            continue
        if roles is None or line_sep != sep or _RULE.match(text):
            continue
        num_col = roles.index("number") if "number" in roles else None
        op_col = roles.index("opinion")
        number: int | None = None
        continues = False
        if num_col is not None:
            cell = nfkc(cells[num_col]).strip() if num_col < len(cells) else ""
            m = _NUMBER_CELL.match(cell)
            if m:
                number = int(m.group(1))
            elif not cell and rows:
                continues = True
        elif rows and (op_col >= len(cells) or not cells[op_col].strip()):
            continues = True
        if continues:
            row = rows[-1]
        else:
            row = _Cells(number, n)
            rows.append(row)
        for i, cell in enumerate(cells):
            role = roles[min(i, len(roles) - 1)]
            if role and role != "number" and cell.strip():
                row.add(role, cell, n)
        row.last_line = n
    _finish(rows, source, out)
    return out


# --- labelled blocks: 【意見】…【回答】… -------------------------------------------

_LABEL_ROLES = ("opinion", "response", "status", "measure", "reflection")
_LABEL_WORDS = sorted((key for key, role in _ROLE_OF.items() if role in _LABEL_ROLES), key=len, reverse=True)
_OPENERS = "[【(<〈《"
_MARKS = "■◆●◇○□▼▽"
_LABEL = re.compile(
    r"^(?:(?P<num>\d{1,4})\s*[.、)]?\s*)?"
    rf"(?P<open>[{re.escape(_OPENERS + _MARKS)}])?\s*"
    rf"(?P<word>{'|'.join(re.escape(w) for w in _LABEL_WORDS)})"
    r"\s*(?P<wnum>\d{1,4})?\s*(?P<close>[\]】)>〉》])?\s*(?P<colon>:)?\s*(?P<rest>.*)$"
)
_NUM_HEAD = re.compile(r"^[\[【(<]?(?:No\.?|番号)\s*(?P<n>\d{1,4})[\]】)>]?\s*[.:、]?\s*(?P<rest>.*)$")
_CUT_LABEL = re.compile(rf"^[{re.escape(_OPENERS)}](?P<frag>[^\]】)>〉》]{{2,20}})$")


@dataclass(frozen=True)
class _Label:
    role: str
    number: int | None
    rest: int  # offset of the text after the label in the NFKC line


def _label(text: str) -> _Label | None:
    """A label opening a block (NFKC, stripped text), ``None`` for prose."""
    m = _LABEL.match(text)
    if not m:
        return None
    opener, close, rest = m.group("open") or "", m.group("close"), m.group("rest")
    bracketed = bool(opener) and opener in _OPENERS and bool(close)
    if not (
        bracketed
        or m.group("colon")
        or (opener and opener in _MARKS)
        or (not rest and (m.group("num") or m.group("wnum") or not opener))
    ):
        return None
    role = _ROLE_OF[m.group("word")]
    num = m.group("num") or m.group("wnum")
    return _Label(role, int(num) if num else None, m.start("rest"))


def _cut_label(text: str) -> str | None:
    """The role of a label cut short (``[市の検討結果と``), else ``None``."""
    m = _CUT_LABEL.match(text)
    if not m:
        return None
    frag = remove_spaces(m.group("frag"))
    for word in _LABEL_WORDS:
        if word.startswith(frag) and word != frag:
            return _ROLE_OF[word]
    return None


def _raw_after(raw: str, nfkc_offset: int) -> str:
    """The raw text after the first ``nfkc_offset`` characters of the stripped NFKC line."""
    body = raw.strip()
    for k in range(len(body) + 1):
        if len(nfkc(body[:k])) >= nfkc_offset:
            return body[k:]
    return ""


def _read_labelled(source: SourceText) -> _Out:
    out = _Out("labelled")
    rows: list[_Cells] = []
    cur: _Cells | None = None
    role: str | None = None
    pending: int | None = None
    seen: set[str] = set()
    for n in range(1, len(source.lines) + 1):
        text = source.line(n).strip()
        if not text:
            continue
        raw = source.raw(n).strip()
        head = _NUM_HEAD.match(text)
        if head:
            pending = int(head.group("n"))
            if not head.group("rest"):
                continue
            raw = _raw_after(raw, head.start("rest"))
            text = nfkc(raw).strip()
        lab = _label(text)
        if lab:
            number = lab.number if lab.number is not None else pending
            starts = lab.role in ("opinion", "measure")
            if cur is None or (starts and (cur.has("opinion") or cur.has("response"))):
                cur = _Cells(number, n)
                rows.append(cur)
            elif number is not None and cur.number is None:
                cur.number = number
            pending = None
            role = lab.role
            seen.add(role)
            rest = _raw_after(raw, lab.rest)
            cur.last_line = n
            if rest.strip():
                cur.add(role, rest, n)
            continue
        cut = _cut_label(text)
        if cut and cur is not None:
            role = cut
            cur.last_line = n
            out.warnings.append(source.warn(n, f"a label is cut: {text!r}"))
            continue
        if text.startswith(_FOOTER_WORDS):
            role = None
            continue
        if pending is not None and (cur is None or cur.has("response")):
            cur = _Cells(pending, n)
            rows.append(cur)
            role, pending = "opinion", None
        if cur is not None and role is not None:
            cur.add(role, raw, n)
    if "opinion" not in seen or not ({"response", "status"} & seen):
        return _Out("labelled")
    _finish(rows, source, out)
    return out


# --- two columns flattened, split by a run of spaces ---------------------------------

_RUN = re.compile(r"[ \u3000\u00a0]{2,}|\t")
_LEAD_NUMBER = re.compile(r"^(?:№|No\.?|Ｎｏ[.．]?)?\s*([0-9０-９]{1,4})(?:[\s.、．)）]+|$)")


def _read_spaced(source: SourceText) -> _Out:
    out = _Out("spaced")
    rows: list[_Cells] = []
    cur: _Cells | None = None
    columns: list[str] = []
    numbered = False
    role = ""
    previous: int | None = None
    skip: set[int] = set()  # stray number lines found ahead
    for n in range(1, len(source.lines) + 1):
        text = source.line(n).strip()
        if not text or "|" in text:
            continue
        head = _caption_roles(text.split())
        if head and "opinion" in head and ({"response", "status"} & set(head)):
            resolved = _resolve_status(head)
            columns = [r for r in resolved if r not in ("number", "measure")]
            numbered = "number" in resolved
            continue
        if not columns:
            continue
        if text.startswith(_FOOTER_WORDS) or text[0] in _MARK_CHARS:
            columns, cur = [], None  # a footer or a new heading ends the table
            continue
        if n in skip:
            continue
        body = source.raw(n).rstrip("\r\n").lstrip()
        number: int | None = None
        if numbered:
            m = _LEAD_NUMBER.match(body)
            if m and _bare_number(text) is not None:
                stray, other = _stray_number(source, n, previous)
                if stray:
                    out.warnings.append(_stray_warning(source, n))
                    continue
                if other is not None:
                    skip.add(other)
                    out.warnings.append(_stray_warning(source, other))
            if m:
                number = int(nfkc(m.group(1)))
                previous = number
                body = body[m.end() :]
        run = _RUN.search(body)
        if run is None and number is None:
            if cur is not None:
                cur.add(role, body, n)
            continue
        cur = _Cells(number, n)
        rows.append(cur)
        if run is None:
            cells = [body]
            trailing = False
        else:
            tail = body[run.end() :]
            trailing = not tail.strip()
            cells = [body[: run.start()]] + ([] if trailing else _RUN.split(tail))
        for i, cell in enumerate(cells):
            cur.add(columns[min(i, len(columns) - 1)], cell, n)
        role = columns[min(len(cells) - (0 if trailing else 1), len(columns) - 1)]
    _finish(rows, source, out)
    return out


# --- numbered rows under a caption (also printed one character per line) -----------


def _vertical_run(source: SourceText, n: int) -> tuple[str, int]:
    """The characters of consecutive one-character lines from line ``n``
    (a caption printed vertically), and the line after them."""
    chars: list[str] = []
    while n <= len(source.lines):
        t = source.line(n).strip()
        if len(t) != 1 or t.isdigit():
            break
        chars.append(t)
        n += 1
    return "".join(chars), n


def _caption_run_roles(text: str) -> list[str] | None:
    """Roles of caption words run together (``番号``, ``意見回``: the last may be cut)."""
    roles: list[str] = []
    i = 0
    while i < len(text):
        word = next((w for w in _ROLES_BY_LENGTH if text.startswith(w, i)), None)
        if word is None:
            rest = text[i:]
            cut = next((w for w in _ROLES_BY_LENGTH if w.startswith(rest)), None)
            if cut is None:
                return None
            roles.append(_ROLE_OF[cut])
            break
        roles.append(_ROLE_OF[word])
        i += len(word)
    return roles or None


_ROLES_BY_LENGTH = sorted(_ROLE_OF, key=len, reverse=True)
_ALONE_NUMBER = re.compile(r"^(?:No\.?\s*)?(\d{1,3})$")


def _read_numbered(source: SourceText) -> _Out:
    out = _Out("numbered")
    rows: list[_Cells] = []
    cur: _Cells | None = None
    roles: set[str] = set()
    header = False
    expected: int | None = None
    role = "opinion"
    text_seen = False
    skip: set[int] = set()  # stray number lines found ahead
    n = 1
    while n <= len(source.lines):
        text = source.line(n).strip()
        if not text:
            if cur is not None and text_seen and role == "opinion":
                role = "response"
            n += 1
            continue
        head = _caption_roles(text.split())
        if head:
            roles |= set(head)
            header = header or ("number" in head and "opinion" in head)
            n += 1
            continue
        run, after = _vertical_run(source, n)
        if len(run) >= 2:
            found = _caption_run_roles(run)
            if found:
                roles |= set(found)
                header = header or "number" in found
                n = after
                continue
        m = _ALONE_NUMBER.match(text)
        if header and m and n in skip:
            n += 1
            continue
        if header and m:
            stray, other = _stray_number(source, n, None if expected is None else expected - 1)
            if stray:
                out.warnings.append(_stray_warning(source, n))
                n += 1
                continue
            if other is not None:
                skip.add(other)
                out.warnings.append(_stray_warning(source, other))
        if header and m and (expected is None or int(m.group(1)) == expected):
            number = int(m.group(1))
            cur = _Cells(number, n)
            rows.append(cur)
            expected, role, text_seen = number + 1, "opinion", False
            n += 1
            continue
        if cur is not None:
            word = _role(text)
            if word in ("response", "status") and len(text) <= 12:
                role = word
            else:
                cur.add(role, source.raw(n), n)
                text_seen = True
        n += 1
    if "opinion" not in roles:
        return _Out("numbered")
    _finish(rows, source, out)
    return out


# --- recognition and dispatch ------------------------------------------------------

_READERS: tuple[Callable[[SourceText], _Out], ...] = (
    _read_arrow,
    _read_delimited,
    _read_labelled,
    _read_numbered,
    _read_spaced,
)


def _evidence(source: SourceText) -> tuple[set[str], bool]:
    """The caption roles the document prints (caption rows, labels, captions
    printed one character per line) and whether it cites pages with ``⇒``."""
    roles: set[str] = set()
    arrows = False
    chars: list[str] = []
    for n, line in enumerate(source.lines, 1):
        text = line.strip()
        if len(text) == 1 and not text.isdigit():
            chars.append(text)
            continue
        if len(chars) >= 2:
            roles |= set(_caption_run_roles("".join(chars)) or ())
        chars = []
        if not text:
            continue
        if "|" in text or "\t" in source.raw(n).strip():
            cells = [c for c in re.split(r"[|\t]", text) if c.strip()]
        else:
            cells = text.split()
        head = _caption_roles(cells)
        if head:
            roles |= set(_resolve_status(head))
        lab = _label(text)
        if lab:
            roles.add(lab.role)
        opened = _page_of(text)
        if opened is not None and opened[0] and opened[1] is not None:
            arrows = True
    if len(chars) >= 2:
        roles |= set(_caption_run_roles("".join(chars)) or ())
    return roles, arrows


def _score(source: SourceText, rows: int) -> float:
    roles, arrows = _evidence(source)
    score = 0.0
    score += 0.25 if "opinion" in roles else 0.0
    score += 0.25 if {"response", "status"} & roles else 0.0
    score += min(0.3, 0.1 * rows)
    score += 0.1 if arrows else 0.0
    text = source.text
    score += 0.1 if any(w in text for w in _DOC_WORDS) else 0.0
    return round(min(score, 1.0), 3)


def read_opinions(source: SourceText) -> OpinionReading:
    """Read the opinion table of ``source`` in whichever form it prints.

    Every form reader runs (each needs its own structural evidence: caption
    rows, labels, arrows); the one that reads the most rows is kept, the
    earlier in :data:`_READERS` on a tie. A document with no opinion table
    gives no opinions and a low score. Never raises on odd text: what cannot
    be read with certainty becomes a warning."""
    best: _Out | None = None
    for reader in _READERS:
        out = reader(source)
        if out.opinions and (best is None or len(out.opinions) > len(best.opinions)):
            best = out
    score = _score(source, len(best.opinions) if best else 0)
    if best is None:
        warnings = (
            [source.warn(1, "captions of an opinion table but no opinion rows")] if score >= 0.3 else []
        )
        return OpinionReading(warnings=warnings, score=score)
    return OpinionReading(
        opinions=best.opinions,
        nodes=best.nodes,
        warnings=best.warnings,
        score=score,
        form=best.form,
        statuses=best.statuses,
    )
