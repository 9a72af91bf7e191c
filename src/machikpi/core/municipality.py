"""Which municipality a plan document belongs to: proposed from its title and first lines.

A municipality is its name (``鯖江市``), its prefecture (``福井県``) and its
6-digit 全国地方公共団体コード (``182079``, JIS X 0402 with its check digit)
where known. The known municipalities are the 総務省 code list shipped
beside this module (``municipality_codes.csv``; its first lines state the
source and date): 1,741 市区町村 and 47 都道府県. A name not in it (a
municipality made after the list's date) is still proposed from the title's
wording, without prefecture or code.

:func:`propose_municipality` looks, in this order, at

1. the plan's title (``第3期伊豆の国市まち・ひと・しごと創生総合戦略``,
   ``福井県鯖江市総合計画``);
2. the document's first :data:`OPENING_LINES` non-blank lines (a cover
   page that prints the name on a line of its own);
3. the whole text: the known name printed most often, when one name is
   printed more often than any other (``本市`` and ``市民`` are no names).

The first place that names a municipality decides. A name printed after its
prefecture (``福井県鯖江市``) takes that prefecture; a name that several
prefectures have (府中市: 東京都 and 広島県) takes the one whose prefecture
the document prints, else it is proposed without prefecture and code, with
the candidates in :attr:`Proposal.candidates`. Nothing is keyed on a file
name. Pure: no I/O beyond reading the packaged code list once.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

#: How many non-blank lines from the top count as the document's opening (cover, title block).
OPENING_LINES = 15

_PREFECTURE = r"(?:北海道|東京都|(?:京都|大阪)府|[一-龥]{2,3}県)"
#: A municipality-like name right before the words that follow it in plan titles (for names not in the list).
_TITLE_NAME = re.compile(
    rf"(?<![一-龥々ヶケぁ-んァ-ヶー])(?P<pref>{_PREFECTURE})?(?P<name>[一-龥々ヶケぁ-んァ-ヶー]{{1,6}}?[市町村区])"
    r"(?=まち・?ひと・?しごと|総合計画|総合戦略|基本構想|基本計画|創生|人口ビジョン|第\d|$)"
)
#: Words ending in 市/町/村/区 that are not names (``本市`` = "this city").
_NOT_NAMES = frozenset(
    {"本市", "本町", "本村", "本区", "当市", "当町", "全市", "各市", "都市", "市町村", "地区"}
)


@dataclass(frozen=True)
class Municipality:
    """A municipality: ``name`` (鯖江市), ``prefecture`` (福井県, ``""`` when unknown) and
    ``code`` (the 6-digit 全国地方公共団体コード, ``None`` when unknown)."""

    name: str
    prefecture: str = ""
    code: str | None = None

    @property
    def label(self) -> str:
        """The name with its prefecture (``福井県鯖江市``), or the name alone."""
        return f"{self.prefecture}{self.name}"


@dataclass(frozen=True)
class Proposal:
    """What :func:`propose_municipality` found: the ``municipality``, ``where`` it was found
    (``"title"``, ``"opening"`` or ``"text"``), how often the document prints the name
    (``count``) and, for a name several prefectures have, every ``candidates`` it may be."""

    municipality: Municipality
    where: str
    count: int = 1
    candidates: tuple[Municipality, ...] = field(default_factory=tuple)

    @property
    def reason(self) -> str:
        """Where the proposal comes from, in Japanese (for the import summary)."""
        place = {"title": "表題", "opening": "冒頭", "text": "本文"}[self.where]
        text = f"{place}に「{self.municipality.name}」（{self.count}回）"
        if self.candidates:
            text += "。同名の団体が複数あり都道府県を特定できません: " + "、".join(
                c.label for c in self.candidates
            )
        return text


@cache
def known_municipalities() -> tuple[Municipality, ...]:
    """The 総務省 code list (module docstring): every 市区町村 with prefecture and code,
    in code order; the prefectures themselves are left out (see :func:`prefectures`)."""
    return tuple(m for m in _code_list() if m.name)


@cache
def prefectures() -> dict[str, str]:
    """The 47 prefectures: name → 6-digit code (``{"福井県": "180009", …}``)."""
    return {m.prefecture: m.code or "" for m in _code_list() if not m.name}


def _code_list() -> list[Municipality]:
    text = resources.files(__package__).joinpath("municipality_codes.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return [
        Municipality(name=r["name"], prefecture=r["prefecture"], code=r["code"])
        for r in csv.DictReader(io.StringIO("\n".join(lines)))
    ]


@cache
def _by_name() -> dict[str, tuple[Municipality, ...]]:
    out: dict[str, list[Municipality]] = {}
    for m in known_municipalities():
        out.setdefault(m.name, []).append(m)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _name_pattern() -> re.Pattern[str]:
    names = sorted(_by_name(), key=len, reverse=True)  # 東大和市 before 大和市 at the same place
    prefs = sorted(prefectures(), key=len, reverse=True)
    return re.compile(
        "(?P<pref>" + "|".join(map(re.escape, prefs)) + ")?(?P<name>" + "|".join(map(re.escape, names)) + ")"
    )


def _normal(text: str) -> str:
    """NFKC without white space: ``第 2 期 伊勢崎市`` → ``第2期伊勢崎市``."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def lookup(query: str) -> list[Municipality]:
    """Known municipalities matching ``query``: a 6-digit (or 5-digit, without check digit) code,
    a name (``府中市``: both) or a prefecture and name (``東京都府中市``). Empty when none."""
    q = _normal(query)
    if re.fullmatch(r"\d{5,6}", q):
        return [m for m in known_municipalities() if m.code and m.code[: len(q)] == q]
    for pref in prefectures():
        if q.startswith(pref) and len(q) > len(pref):
            return [m for m in _by_name().get(q[len(pref) :], ()) if m.prefecture == pref]
    return list(_by_name().get(q, ()))


def _resolve(name: str, pref: str | None, text: str) -> tuple[Municipality, tuple[Municipality, ...]]:
    """The municipality of a known ``name`` printed after ``pref`` (or not) in ``text``;
    the second item lists the candidates when the prefecture stays unknown."""
    cands = _by_name()[name]
    if pref:
        for c in cands:
            if c.prefecture == pref:
                return c, ()
    if len(cands) == 1:
        return cands[0], ()
    printed = [c for c in cands if c.prefecture in text]
    if len(printed) == 1:
        return printed[0], ()
    return Municipality(name=name), cands


def _known_in(text: str) -> list[tuple[str, str | None]]:
    return [(m.group("name"), m.group("pref")) for m in _name_pattern().finditer(text)]


def propose_municipality(title: str, lines: Sequence[str]) -> Proposal | None:
    """The municipality of a plan with ``title`` and document ``lines`` (module docstring),
    or ``None`` when neither the title, the opening nor the text names one clearly.

    >>> propose_municipality("福井県鯖江市まち・ひと・しごと創生総合戦略", []).municipality
    Municipality(name='鯖江市', prefecture='福井県', code='182079')
    """
    whole = _normal("\n".join(lines))
    counts = Counter(name for name, _ in _known_in(whole))
    t = _normal(title)
    found = _known_in(t)
    if found:
        name, pref = found[0]
        m, cands = _resolve(name, pref, whole)
        return Proposal(m, "title", max(counts[name], 1), cands)
    for mt in _TITLE_NAME.finditer(re.sub(r"第\d+[期次]", " ", t)):
        name = mt.group("name")
        if name not in _NOT_NAMES and not name.startswith(("本", "当", "全")):
            pref = mt.group("pref") or ""
            return Proposal(Municipality(name=name, prefecture=pref), "title", max(whole.count(name), 1))
    opening = [_normal(s) for s in lines if s.strip()][:OPENING_LINES]
    for line in opening:
        found = _known_in(line)
        if found:
            name, pref = found[0]
            m, cands = _resolve(name, pref, whole)
            return Proposal(m, "opening", counts[name], cands)
    if not counts:
        return None
    ranked = counts.most_common(2)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None  # two names printed equally often: which one owns the plan is not clear
    name = ranked[0][0]
    pref = next((p for n, p in _known_in(whole) if n == name and p), None)
    m, cands = _resolve(name, pref, whole)
    return Proposal(m, "text", ranked[0][1], cands)
