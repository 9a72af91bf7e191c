"""Text helpers for Japanese plan documents: normalisation and line-wrap repair.

Rule of the project: text is NFKC-normalised on input for matching and
reading, and the raw text is kept alongside for display and audit.
"""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")
# A space between two ASCII word characters is a real space (``Society 5.0``
# is kept as ``Society 5.0``); any other space in a Japanese title is a line
# wrap left by the PDF extraction.
_WRAP_SPACE = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")


def nfkc(text: str) -> str:
    """NFKC-normalise ``text`` (full-width digits and letters to ASCII,
    half-width katakana to full-width, ``①`` to ``1``...)."""
    return unicodedata.normalize("NFKC", text)


def remove_spaces(text: str) -> str:
    """Remove every white-space character (ASCII, ideographic U+3000, tabs, newlines)."""
    return _WS.sub("", text)


def join_wrapped(text: str) -> str:
    """Join text wrapped over lines or split by extraction spaces.

    White space is removed unless it separates two ASCII words, so
    ``"夫婦同じくらい 分担"`` → ``"夫婦同じくらい分担"`` while
    ``"Society 5.0"`` stays as it is. Leading and trailing space is dropped.
    """
    return _WRAP_SPACE.sub("", text.strip())


def collapse_spaces(text: str) -> str:
    """Fold runs of white space into one ASCII space and strip the ends."""
    return _WS.sub(" ", text).strip()


def match_key(text: str | None) -> str:
    """The key two names are compared by: NFKC, no white space, no ``・,、，``.

    Source: the matching rule of ``docs/kpi-rows.md``."""
    return re.sub(r"[\s・,、，]", "", nfkc(text or ""))
