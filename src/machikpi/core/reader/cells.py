"""What a single cell is: a value, a unit, a year label, a name, a label, prose.

These are the cell tests every table form shares (tab rows, pipe rows,
one cell per line, the pieces of a flattened page). They read NFKC text and
never raise.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..periods import find_periods
from ..quantities import DASHES, KNOWN_UNITS, PENDING_WORDS, TALLYING_WORDS
from ..text import remove_spaces
from .vocabulary import vocabulary

_UNITS = tuple(sorted({*KNOWN_UNITS, *vocabulary().extra_units}, key=len, reverse=True))
_UNIT_ALT = "|".join(re.escape(u) for u in _UNITS)
_NUM = r"[△▲-]?\d[\d,]*(?:\.\d+)?"
_BRACKET = r"(?:\s*[(（][^()（）]{0,40}[)）])"
_BOUND = r"(?:\s*(?:以上|以下|未満|以内|超))"
_ERA_YEAR = r"(?:(?:明治|大正|昭和|平成|令和)\s*(?:元|\d{1,2})|[HRS]\s*(?:元|\d{1,2}))"
#: A cell that is one value: optional group label, a number, a unit, brackets, a bound.
_VALUE = re.compile(
    rf"^(?:{_NUM}\s*(?:{_UNIT_ALT}|トン\s*CO\s*2)?|[^\d\s()（）%]{{1,10}}?\s*{_NUM}\s*(?:{_UNIT_ALT}|トン\s*CO\s*2))"
    rf"{_BRACKET}?{_BOUND}?{_BRACKET}?\s*(?:\(※\))?$"
)
_GROUPS = re.compile(rf"^(?:[^\d\s()（）%]{{1,10}}\s*{_NUM}\s*(?:{_UNIT_ALT}){_BRACKET}?\s*){{2,}}$")
_YEAR_LABEL = re.compile(
    rf"^(?:{_ERA_YEAR}|(?:19|20)\d\d|\d{{1,2}})\s*(?:[~〜～-]\s*(?:{_ERA_YEAR}|(?:19|20)?\d\d))?\s*(?:年度|年)?\s*(?:平均値?|末|累計)?$"
)
_ARROW = re.compile(r"^(?P<a>.+?)\s*(?:→|⇒|➡|▶+|->)\s*(?P<b>.+)$")
_BIG_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+")
_PROSE = re.compile(r"[。、]|です|ます|ている|られる|により|について")


@lru_cache(maxsize=65536)
def is_status_word(text: str) -> bool:
    """``—``, ``なし``, ``検討中``, ``集計中`` …: a cell that says why there is no number."""
    t = remove_spaces(text)
    if not t:
        return False
    if t in DASHES or re.fullmatch(r"[—\-–―‐−_ー－]+", t) or t == "なし":
        return True
    return any(w in t for w in (*PENDING_WORDS, *TALLYING_WORDS)) and len(t) <= 40


@lru_cache(maxsize=65536)
def is_text_value(text: str) -> bool:
    """``設置``, ``策定``, ``全員取得``: a short cell that gives words instead of a number."""
    t = remove_spaces(text)
    return t in vocabulary().text_values or (
        len(t) <= 4 and any(t.endswith(w) for w in vocabulary().text_values)
    )


@lru_cache(maxsize=65536)
def is_value(text: str) -> bool:
    """A cell holding one value (``1,997億円``, ``82.31 % ▶▶``, ``小 79.9% 中 66.3%``,
    ``700人(※)``, ``待機児童なし``) or a status word (``—``, ``検討中``)."""
    t = text.strip().replace("▶", "").replace("►", "").strip()
    if not t:
        return False
    if is_status_word(t):
        return True
    if re.fullmatch(r"\S{0,8}なし", t):
        return True
    if _VALUE.match(t) and not is_year_label(t):
        return True
    return bool(_GROUPS.match(t))


@lru_cache(maxsize=65536)
def arrow_values(text: str) -> tuple[str, str] | None:
    """``1.39(H24)→1.52(H31)`` → ``("1.39(H24)", "1.52(H31)")``: a baseline → target pair in one cell."""
    m = _ARROW.match(text.strip())
    if m and is_value(m.group("a")) and is_value(m.group("b")):
        return m.group("a").strip(), m.group("b").strip()
    return None


@lru_cache(maxsize=65536)
def is_unit(text: str) -> bool:
    """A cell that is only a unit (``人``, ``カ所``, ``%``, ``自治会``)."""
    t = remove_spaces(text)
    return t in _UNITS or t in ("%", "%", "トン")


@lru_cache(maxsize=65536)
def is_year_label(text: str) -> bool:
    """A cell that is only a year or year range (``H20``, ``平成12年``, ``24年度``,
    ``H15~19平均値``, ``2019``)."""
    t = remove_spaces(text)
    if not t or not _YEAR_LABEL.match(t):
        return False
    return bool(find_periods(t)) or bool(re.fullmatch(r"\d{1,2}年度", t)) or bool(re.search(r"[HRS]\d", t))


@lru_cache(maxsize=65536)
def is_prose(text: str) -> bool:
    """Running text rather than a cell: sentences, or long text with particles."""
    t = text.strip()
    return bool(_PROSE.search(t)) or len(t) > 70


@lru_cache(maxsize=65536)
def looks_like_name(text: str) -> bool:
    """A text cell that could be an indicator name: not a value, unit, year or
    label, not prose, no big number, not only digits or marks."""
    t = text.strip()
    if len(remove_spaces(t)) < 2 or len(t) > 80:
        return False
    if is_value(t) or is_unit(t) or is_year_label(t) or is_prose(t) or _BIG_NUMBER.search(t):
        return False
    if re.fullmatch(r"[\d\s.,%()（）・\-–—―→※*]+", t) or re.fullmatch(
        r"(?:明治|大正|昭和|平成|令和)\d*年?度?", t
    ):
        return False
    if re.match(r"^(?:指標|KPI)\s*[0-9①-⑳]", t) or ("→" in t and len(t) <= 12) or t.startswith(("「", "『")):
        return False
    return bool(re.search(r"[\u3040-\u30ff\u3400-\u9fffA-Za-z]", t))


@lru_cache(maxsize=65536)
def has_name_ending(text: str) -> bool:
    """The name ends like an indicator name (``…数``, ``…率``, ``…割合``)."""
    t = re.sub(r"[(（][^()（）]*[)）]$", "", remove_spaces(text))
    return any(t.endswith(w) for w in vocabulary().name_endings)
