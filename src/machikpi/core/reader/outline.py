"""Stage 2 of the reader: numbering systems and the node tree.

:func:`read_numbering` reads a heading's numbering in any of the systems
municipal plans use — arabic and full-width (``3``, ``３``), roman (``Ⅳ``,
``IV``), kanji (``十二``), circled (``①``), bracketed (``(1)``, ``（ⅰ）``),
compound (``1-2``), ``第N章``, ``N章``, a level word with a number
(``基本目標N``, ``施策N``, ``重点戦略Ⅱ``, ``具体的な施策①``) and ``N.`` —
and gives its *style* (which system) and its number as printed.

:class:`Outline` builds the tree from the ranks in which the document
itself uses the styles, the way a reader does: the first style seen is the
outermost; a style not on the current path opens a level below the current
heading; a style already on the path closes everything below it. A heading
whose title is a document section rather than a plan node (``現状と課題``,
``重要業績評価指標 (KPI)``, ``主な取組``) is a *section*: it closes deeper
levels but is not a node, and tables under it belong to the node above it.
A line repeating the title of a heading listed earlier in the same chapter
(a 施策大項目 list at the chapter's start, then each item's own page with its
title unnumbered) re-enters that heading, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import ExtractWarning, Node, SourceRef
from ..text import join_wrapped, match_key, nfkc

_ROMAN_CH = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹ"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_KANJI_NUM = "一二三四五六七八九十"
_NUM = rf"(?:[0-9０-９]{{1,2}}(?:\s*[-‐－ー―の]\s*[0-9０-９]{{1,2}}){{0,2}}|[{_ROMAN_CH}]|[IVX]{{1,5}}(?![A-Za-z])|[{_KANJI_NUM}]{{1,3}}|[{_CIRCLED}])"
#: Level words that name a plan node, longest first.
LEVEL_WORDS = (
    "具体的な施策",
    "施策大項目",
    "施策中項目",
    "重点プロジェクト",
    "重点戦略",
    "基本目標",
    "基本方針",
    "基本施策",
    "政策目標",
    "重点施策",
    "プロジェクト",
    "施策",
    "政策",
    "戦略",
    "分野",
    "目標",
)
_LEVEL = re.compile(
    rf"^(?P<word>{'|'.join(LEVEL_WORDS)})\s*[(（]?(?P<num>{_NUM})[)）]?(?![0-9０-９])\s*[:：.．、]?\s*(?P<title>.*)$"
)
_CHAPTER = re.compile(rf"^第\s*(?P<num>{_NUM})\s*(?P<word>章|節|部|編|項|款)\s*(?P<title>.*)$")
_SHORT_CHAPTER = re.compile(r"^(?P<num>[0-9０-９]{1,2})\s*(?P<word>章)\s*(?P<title>.*)$")
_PAREN = re.compile(rf"^[(（]\s*(?P<num>{_NUM})\s*[)）]\s*(?P<title>\S.*)$")
_CIRCLED_H = re.compile(rf"^(?P<num>[{_CIRCLED}])\s*(?P<title>\S.*)$")
_ROMAN_H = re.compile(rf"^(?P<num>[{_ROMAN_CH}]|[IVX]{{1,5}})(?:\s+|[.．、]\s*)(?P<title>\S.*)$")
_DOT = re.compile(r"^(?P<num>[0-9０-９]{1,2})\s*[.．](?![0-9０-９])\s*(?P<title>\S.*)$")
_COMPOUND = re.compile(r"^(?P<num>[0-9０-９]{1,2}\s*[-‐－]\s*[0-9０-９]{1,2})\s+(?P<title>\S.*)$")
_ARABIC = re.compile(
    r"^(?P<num>[0-9０-９]{1,2})\s+(?P<title>(?:\d{1,2}(?=[^\d\s,.%]))?[^\s\d\u3040-\u309f、。].{0,40})$"
)

#: Words that make a chapter a plan node when its title ends in them (``第5章 市民生活分野``).
CHAPTER_LEVELS = ("分野",)

#: Titles that name a section of the document, not a plan node.
SECTION_WORDS = (
    "現状と課題",
    "現状",
    "課題",
    "基本的方向",
    "基本的な方向",
    "方向性",
    "主な取組",
    "取組内容",
    "具体的な取組",
    "主要事業",
    "主な事業",
    "重要業績評価指標",
    "KPI",
    "数値目標",
    "成果指標",
    "目標指標",
    "基本目標の柱",
    "施策の内容",
    "施策の体系",
    "めざす姿",
    "目指す姿",
    "関連するSDGs",
    "SDGs",
    "市民満足度",
    "数値で見る状況",
    "計画の体系",
    "策定の",
    "計画期間",
    "位置付け",
    "位置づけ",
    "進行管理",
    "推進体制",
    "目標達成",
    "取組の方向",
    "役割分担",
    "評価方法",
)


@dataclass(frozen=True)
class Numbering:
    """A heading's numbering: ``style`` (``"level:基本目標"``, ``"chapter:章"``,
    ``"paren"``, ``"circled"``, ``"roman"``, ``"dot"``, ``"compound"``,
    ``"arabic"``), ``level`` (the document's word for the level, ``""`` when
    the numbering says none), ``code`` (the number, arabic: ``Ⅳ`` → ``"4"``,
    ``①`` → ``"1"``, ``1-1`` kept) and ``title`` (the rest of the line)."""

    style: str
    level: str
    code: str
    title: str


def number_value(num: str) -> str:
    """A printed number as arabic text: ``Ⅳ``/``IV`` → ``"4"``, ``十二`` → ``"12"``,
    ``①`` → ``"1"``, ``１-２`` → ``"1-2"``. Unknown text is returned NFKC-normalised."""
    n = nfkc(num).strip()
    n = re.sub(r"\s*[-‐－ーの―]\s*", "-", n)
    if re.fullmatch(r"\d+(?:-\d+)*", n):
        return n
    if re.fullmatch(r"[IVXivx]+", n):
        roman = {"I": 1, "V": 5, "X": 10}
        total = 0
        up = n.upper()
        for i, ch in enumerate(up):
            v = roman[ch]
            total += -v if i + 1 < len(up) and roman[up[i + 1]] > v else v
        return str(total)
    if all(c in _KANJI_NUM for c in n):
        k = {c: i + 1 for i, c in enumerate(_KANJI_NUM)}
        if "十" in n:
            tens, _, ones = n.partition("十")
            return str((k[tens] if tens else 1) * 10 + (k[ones] if ones else 0))
        return str(k[n])
    return n


@lru_cache(maxsize=65536)
def read_numbering(raw: str) -> Numbering | None:
    """The numbering of a heading line (raw text: circled and roman numerals are
    read before NFKC would change them), or ``None`` when the line has none."""
    text = raw.strip().lstrip("#").strip()
    if not text or len(text) > 80:
        return None
    m = _LEVEL.match(text)
    if m and re.match(r"^[はがをにでとものへや、。]", m.group("title")):
        return None  # ``重点戦略1は、…``: prose naming a heading
    if m:
        code = number_value(m.group("num"))
        style = f"level:{m.group('word')}" + (":compound" if "-" in code else "")
        return Numbering(style, m.group("word"), code, m.group("title").strip())
    for rx, style in ((_CHAPTER, "chapter"), (_SHORT_CHAPTER, "chapter")):
        m = rx.match(text)
        if m:
            return Numbering(
                f"{style}:{m.group('word')}",
                m.group("word"),
                number_value(m.group("num")),
                m.group("title").strip(),
            )
    for rx, style in (
        (_PAREN, "paren"),
        (_CIRCLED_H, "circled"),
        (_COMPOUND, "compound"),
        (_ROMAN_H, "roman"),
        (_DOT, "dot"),
        (_ARABIC, "arabic"),
    ):
        m = rx.match(text)
        if m:
            return Numbering(style, "", number_value(m.group("num")), m.group("title").strip())
    return None


def _untag(title: str) -> str:
    return match_key(re.sub(r"[~～].*?[~～]", "", nfkc(title)))


def _close(a: str, b: str) -> bool:
    """Two titles that differ by OCR damage or a tagline (``～…～``), not in substance."""
    ka = match_key(re.sub(r"[~～].*?[~～]", "", nfkc(a)))
    kb = match_key(re.sub(r"[~～].*?[~～]", "", nfkc(b)))
    if ka == kb or ka.startswith(kb) or kb.startswith(ka):
        return True
    return len(ka) == len(kb) and sum(x != y for x, y in zip(ka, kb, strict=True)) <= len(ka) // 3


@lru_cache(maxsize=65536)
def is_section_title(title: str) -> bool:
    """A title that names a part of the document (``現状と課題``), not a plan node."""
    t = re.sub(r"\s+", "", nfkc(title))
    return any(t.startswith(w) or (w in t and len(t) <= len(w) + 8) for w in SECTION_WORDS)


@dataclass
class _Open:
    style: str
    node: Node | None  # None: a section heading
    chapter: bool


@dataclass
class Outline:
    """The node tree being built, heading by heading (see the module docstring).

    ``roots`` are the top nodes; :meth:`path` the nodes an indicator read now
    belongs to, outermost first."""

    doc: str
    roots: list[Node] = field(default_factory=list)
    warnings: list[ExtractWarning] = field(default_factory=list)
    _stack: list[_Open] = field(default_factory=list)
    _listed: dict[str, tuple[int, Numbering, int]] = field(default_factory=dict)
    #: Titles of headings in the order listed, and how many were re-entered.
    _order: list[str] = field(default_factory=list)
    _path_cache: tuple[tuple[int, ...], list[Node]] | None = None
    #: ``id()`` of the nodes opened by chapter headings (第N章).
    chapters: set[int] = field(default_factory=set)
    _entered: int = -1

    def heading(self, num: Numbering, title: str, line: int) -> Node | None:
        """Open a heading at ``line``; returns its node (``None`` for a section)."""
        listed = [self._listed[k][1] for k in self._order if self._listed[k][1].style == num.style]
        entered_style = (
            self._listed[self._order[self._entered]][1].style
            if 0 <= self._entered < len(self._order)
            else None
        )
        if entered_style == num.style and listed and num.style != "caption":
            key = match_key(title)
            known = any(match_key(x.title) == key for x in listed)
            retitled = any(x.code == num.code and _close(x.title, title) for x in listed)
            if not known and not retitled:
                # A numbered item inside a listed heading's page (取組内容 1. 2. …) is its content.
                self._stack.append(_Open(num.style, None, False))
                return None
        for i, o in enumerate(self._stack):
            if o.style == num.style:
                del self._stack[i:]
                break
        else:
            if self._stack and self._stack[-1].style == "recovered" and num.style != "caption":
                # A recovered heading is the first of the numbering that follows it.
                rec = self._stack.pop()
                if rec.node is not None and num.level and not rec.node.level:
                    rec.node.level = num.level
        chapter = num.style.startswith("chapter") or (num.style == "roman" and not self._stack)
        if chapter:
            # A chapter's own list of headings holds within the chapter.
            self._listed, self._order, self._entered = {}, [], -1
        title = join_wrapped(title)
        in_section = any(o.node is None and not o.chapter for o in self._stack)
        caption = num.style == "caption" or num.style.startswith("label:")
        untitled_level = not title and bool(num.level) and not chapter
        if untitled_level:
            self.warnings.append(
                ExtractWarning(SourceRef(self.doc, line), f"{num.level}{num.code} に題がありません")
            )
        if not caption and (
            in_section
            or (title and is_section_title(title))
            or (not title and not chapter and not untitled_level)
        ):
            self._stack.append(_Open(num.style, None, chapter))
            return None
        parent = self._last_node()
        if parent is not None and "-" in num.code and parent.level == num.level and parent.code:
            # ``基本目標3 暮らしを守る`` then ``基本目標2-1``: the goal's number is misprinted.
            head = num.code.split("-")[0]
            if parent.code != head and parent.code.isdigit():
                self.warnings.append(
                    ExtractWarning(
                        SourceRef(self.doc, line),
                        f"{num.level}{parent.code} は誤植とみなし {num.level}{head} としました ({num.level}{num.code} が続くため)",
                    )
                )
                parent.code = head
        siblings = parent.children if parent else self.roots
        key = match_key(title)
        node = next((n for n in siblings if n.code == num.code and match_key(n.title) == key), None)
        if node is None and key and not caption:
            same = next(
                (n for n in siblings if n.code == num.code and n.code and num.style != "caption"), None
            )
            if (
                same is not None
                and any(match_key(same.title) == k for k in self._order)
                and _close(same.title, title)
            ):
                # The list printed ``埴保己ープラン``, the heading ``塙保己一プラン``: the heading wins
                # (a tagline ``～…～`` after the heading's title is no difference).
                if _untag(same.title) != _untag(title):
                    self.warnings.append(
                        ExtractWarning(
                            SourceRef(self.doc, line),
                            f"見出し「{title}」が章の一覧の「{same.title}」と異なります (見出しを採りました)",
                        )
                    )
                if not match_key(same.title).startswith(match_key(title)):
                    same.title = title
                same.source = SourceRef(self.doc, line)
                node = same
        if node is None and num.level and key:
            # ``基本目標2 まちの創生`` where 基本目標3 is まちの創生: a misprinted number.
            node = next((n for n in siblings if n.level == num.level and match_key(n.title) == key), None)
            if node is not None:
                self.warnings.append(
                    ExtractWarning(
                        SourceRef(self.doc, line),
                        f"見出しの番号 {num.level}{num.code} は誤植とみなし、同じ題の {num.level}{node.code} としました",
                    )
                )
        if (
            node is not None
            and not node.indicators
            and not node.children
            and node.source
            and node.source.line < line
        ):
            # A heading listed first and printed now: its place is the heading's.
            node.source = SourceRef(self.doc, line)
        if node is None:
            level = num.level or ("章" if chapter else "")
            if chapter:
                # ``第5章 市民生活分野``: a chapter whose title ends in a level word is that level.
                # (分野 only: a chapter called 重点戦略 or 基本目標と具体的な施策 is a part of the document.)
                level = next((w for w in CHAPTER_LEVELS if title.endswith(w) and len(title) > len(w)), level)
            node = Node(level=level, code=num.code, title=title, source=SourceRef(self.doc, line))
            siblings.append(node)
            if chapter:
                self.chapters.add(id(node))
        section_at = next((k for k, o in enumerate(self._stack) if o.node is None and not o.chapter), None)
        if num.style.startswith("label:") and section_at is not None:
            # ``大区分 健康福祉`` inside the sheet's ``1.施策の体系``: the node of the
            # whole sheet, so the next numbered section does not close it.
            self._stack.insert(section_at, _Open(num.style, node, chapter))
        else:
            self._stack.append(_Open(num.style, node, chapter))
        if key and key not in self._listed:
            self._listed[key] = (len(self._stack) - 1, Numbering(num.style, num.level, num.code, title), line)
            self._order.append(key)
        return node

    def open_missing(self, title: str, line: int, *, sibling: bool) -> Node | None:
        """Open a heading the extraction lost: the sibling after the current
        node (numbered one more) or, with ``sibling=False``, its first child."""
        cur = next((k for k in range(len(self._stack) - 1, -1, -1) if self._stack[k].node is not None), None)
        if cur is None:
            return None
        o = self._stack[cur]
        node = o.node
        assert node is not None
        if sibling and node.code and node.code.isdigit():
            num = Numbering(o.style, node.level, str(int(node.code) + 1), title)
        else:
            num = Numbering("recovered", "", "1", title)
        return self.heading(num, title, line)

    def repeat_of_listed(self, text: str) -> bool:
        """``text`` repeats the title of a heading listed earlier under the same
        parent: re-enter that heading (with a warning) and say so."""
        key = match_key(text)
        found = self._listed.get(key)
        if not found or len(key) < 4:
            return False
        depth, num, line = found
        if depth > len(self._stack):
            return False
        self.heading(num, text, line)
        self._entered = self._order.index(key)
        return True

    def enter_next_listed(self) -> str | None:
        """Re-enter the heading listed after the one re-entered last (a page of
        the chapter whose title was not printed, recognised by the label that
        opens every page); returns its title, ``None`` when there is none."""
        if self._entered < 0 or self._entered + 1 >= len(self._order):
            return None
        key = self._order[self._entered + 1]
        depth, num, line = self._listed[key]
        if depth > len(self._stack):
            return None
        self.heading(num, num.title, line)
        self._entered += 1
        return num.title

    def _last_node(self) -> Node | None:
        for o in reversed(self._stack):
            if o.node is not None:
                return o.node
        return None

    def path(self) -> list[Node]:
        """The nodes an indicator read now belongs to: the open headings down to
        the first section heading, without the chapters above the first node
        that has a level word (基本目標 …) when there is one."""
        key = tuple(id(o) for o in self._stack)
        if self._path_cache is not None and self._path_cache[0] == key:
            return list(self._path_cache[1])
        path = self._path()
        self._path_cache = (key, path)
        return list(path)

    def _path(self) -> list[Node]:
        nodes: list[tuple[Node, bool]] = []
        cut = False
        for o in self._stack:
            if o.node is None:
                cut = cut or not o.chapter
                continue
            if cut and o.style != "caption" and not o.style.startswith("label:"):
                continue
            nodes.append((o.node, o.chapter))
        first_level = next((i for i, (n, ch) in enumerate(nodes) if n.level and not ch), None)
        if first_level is not None:
            nodes = nodes[first_level:]
        return [n for n, _ in nodes]

    def node(self) -> Node | None:
        """The innermost node of :meth:`path` (``None`` before any heading)."""
        p = self.path()
        return p[-1] if p else None
