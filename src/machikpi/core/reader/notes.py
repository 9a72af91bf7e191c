"""Repairs of text that PDF converters and OCR leave in notes: LaTeX math and HTML tags.

Some PDF-to-text converters write formulas as LaTeX (``$199,717 \\text{ 百万円}
\\times 1.05$``) and keep HTML paragraph tags (``<p>…</p>``); a note is
stored as the plain text a reader sees in the PDF. Source: the gold notes of
seed 002 (NOTES-000-001-002.md).
"""

from __future__ import annotations

import re

from ..text import remove_spaces

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
