"""Arithmetic stated in rationale notes: ``199,717百万円×1.05=209,702百万円≈209,700百万円``.

A note (normalised by :func:`~machikpi.core.audit.numbers.normalise_note`)
is cut into tokens: numbers (with their unit), operators ``× x * ÷ / + -
−``, brackets, ``=`` and ``≈``; any other character ends a formula. A
formula is an expression (numbers joined by operators, brackets allowed)
followed by one or more ``= value`` / ``≈ value`` steps. :func:`formulas`
returns them with the expression evaluated (``×``/``÷`` before ``+``/``-``).

Units: the expression's unit is the first unit printed in it other than
``%``; a ``%`` number multiplied into an amount counts as a fraction
(``1,997億円×105%`` = 2,096.85億円).
"""

from __future__ import annotations

from dataclasses import dataclass

from .numbers import NoteNumber, note_numbers


@dataclass(frozen=True)
class Term:
    """One side of a formula step: its value, unit (``None`` if none is
    printed), precision step (``None`` for a computed expression) and text."""

    value: float
    unit: str | None
    step: float | None
    text: str


@dataclass(frozen=True)
class Formula:
    """``terms[0]`` is the expression; ``relations[k]`` (``"="`` or ``"≈"``)
    joins ``terms[k]`` and ``terms[k + 1]``."""

    terms: list[Term]
    relations: list[str]

    @property
    def final(self) -> Term:
        """The last value stated (the formula's result)."""
        return self.terms[-1]

    @property
    def unit(self) -> str | None:
        """The last unit printed along the formula, ``None`` if none."""
        return next((t.unit for t in reversed(self.terms) if t.unit), None)


_OPS = {"×": "*", "x": "*", "X": "*", "*": "*", "÷": "/", "/": "/", "+": "+", "-": "-", "−": "-"}

_Tok = tuple[str, object, int]  # kind, payload, start


def _tokens(text: str) -> list[_Tok]:
    nums = {n.start: n for n in note_numbers(text)}
    out: list[_Tok] = []
    p = 0
    while p < len(text):
        ch = text[p]
        if ch.isspace():
            p += 1
            continue
        if p in nums:
            n = nums[p]
            out.append(("num", n, p))
            p = n.end
            continue
        if ch in _OPS:
            if ch in "xX" and not (out and out[-1][0] in ("num", ")")):
                out.append(("break", ch, p))
            else:
                out.append(("op", _OPS[ch], p))
        elif ch in "(（":
            out.append(("(", ch, p))
        elif ch in ")）":
            out.append((")", ch, p))
        elif ch == "=":
            out.append(("rel", "=", p))
        elif ch == "≈":
            out.append(("rel", "≈", p))
        else:
            out.append(("break", ch, p))
        p += 1
    return out


class _ParseError(Exception):
    pass


class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0
        self.nums: list[NoteNumber] = []

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def expr(self) -> float:
        v = self.term()
        while (t := self.peek()) is not None and t[0] == "op" and str(t[1]) in "+-":
            self.i += 1
            r = self.term()
            v = v + r if t[1] == "+" else v - r
        return v

    def term(self) -> float:
        v = self.factor()
        while (t := self.peek()) is not None and t[0] == "op" and str(t[1]) in "*/":
            self.i += 1
            r = self.factor()
            if t[1] == "*":
                v *= r
            elif r == 0:
                raise _ParseError("division by zero")
            else:
                v /= r
        return v

    def factor(self) -> float:
        t = self.peek()
        if t is None:
            raise _ParseError("end")
        if t[0] == "num":
            self.i += 1
            n = t[1]
            assert isinstance(n, NoteNumber)
            self.nums.append(n)
            return n.value
        if t[0] == "(":
            self.i += 1
            v = self.expr()
            c = self.peek()
            if c is None or c[0] != ")":
                raise _ParseError("unclosed bracket")
            self.i += 1
            return v
        raise _ParseError(f"unexpected {t[1]!r}")


def _evaluate(toks: list[_Tok], text: str) -> Term | None:
    """Evaluate a whole token run as one expression, ``None`` if it does not parse."""
    if not toks:
        return None
    p = _Parser(toks)
    try:
        value = p.expr()
    except _ParseError:
        return None
    if p.i != len(toks):
        return None
    units = [n.unit for n in p.nums if n.unit and n.unit != "%"]
    if units and any(n.unit == "%" for n in p.nums):
        # Re-evaluate with % numbers as fractions.
        scaled = [
            (k, (NoteNumber(n.value / 100, None, n.step, n.start, n.end) if n.unit == "%" else n), s)
            if k == "num" and isinstance(n, NoteNumber)
            else (k, n, s)
            for k, n, s in toks
        ]
        p = _Parser(scaled)
        value = p.expr()
    unit = units[0] if units else (p.nums[0].unit if p.nums else None)
    single = len(toks) == 1 and toks[0][0] == "num"
    step = p.nums[0].step if single else None
    start = toks[0][2]
    end_tok = toks[-1]
    end = end_tok[1].end if isinstance(end_tok[1], NoteNumber) else end_tok[2] + 1
    return Term(value, unit, step, text[start:end].strip())


def _has_op(toks: list[_Tok]) -> bool:
    return any(k == "op" for k, _, _ in toks)


def formulas(text: str) -> list[Formula]:
    """Every formula (module docstring) in a normalised note. Never raises."""
    toks = _tokens(text)
    runs: list[list[_Tok]] = [[]]
    for t in toks:
        if t[0] == "break":
            runs.append([])
        else:
            runs[-1].append(t)
    out: list[Formula] = []
    for run in runs:
        segments: list[list[_Tok]] = [[]]
        rels: list[str] = []
        for t in run:
            if t[0] == "rel":
                rels.append(str(t[1]))
                segments.append([])
            else:
                segments[-1].append(t)
        if len(segments) < 2:
            continue
        lhs = segments[0]
        first: Term | None = None
        for start in range(len(lhs)):  # drop leading tokens that do not parse
            if _has_op(lhs[start:]):
                first = _evaluate(lhs[start:], text)
                if first is not None:
                    break
        if first is None:
            continue
        terms = [first]
        used: list[str] = []
        for rel, seg in zip(rels, segments[1:], strict=True):
            term = _evaluate(seg, text)
            if term is None:
                # Keep the leading number (``209,700百万円 (5.0%``) and stop there.
                if seg and seg[0][0] == "num":
                    term = _evaluate(seg[:1], text)
                if term is not None:
                    terms.append(term)
                    used.append(rel)
                break
            terms.append(term)
            used.append(rel)
        if len(terms) >= 2:
            out.append(Formula(terms, used))
    return out
