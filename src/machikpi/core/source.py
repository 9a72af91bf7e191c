"""A plan document as text lines: the raw text kept, the NFKC text read.

Importers work on :class:`SourceText`; they never open files themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import ExtractWarning, SourceRef
from .text import nfkc


@dataclass
class SourceText:
    """The text of one document. ``name`` is the file name used in rows and
    messages; ``raw_lines`` are the lines as given; ``lines`` their NFKC form
    (same length, same numbering). Line numbers are 1-based everywhere."""

    name: str
    raw_lines: list[str]
    lines: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = [nfkc(line) for line in self.raw_lines]

    @classmethod
    def from_text(cls, name: str, text: str) -> SourceText:
        """Split ``text`` into lines (``\\r\\n``, ``\\r`` and ``\\n`` all end a line)."""
        return cls(name, text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))

    def line(self, number: int) -> str:
        """The NFKC text of line ``number`` (1-based)."""
        return self.lines[number - 1]

    def raw(self, number: int) -> str:
        """The raw text of line ``number`` (1-based)."""
        return self.raw_lines[number - 1]

    def ref(self, number: int) -> SourceRef:
        """A :class:`SourceRef` to line ``number`` of this document."""
        return SourceRef(self.name, number)

    def warn(self, number: int, message: str) -> ExtractWarning:
        """A warning about line ``number``."""
        return ExtractWarning(self.ref(number), message)

    @property
    def text(self) -> str:
        """The whole NFKC text, lines joined by ``\\n``."""
        return "\n".join(self.lines)
