"""A plan document as text lines: the raw text kept, the NFKC text read.

Importers work on :class:`SourceText`; they never open files themselves.
A document read from PDF also gives each line's place on its page
(:class:`LinePosition`), so that a row can be shown where it was printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import ExtractWarning, SourceRef
from .text import nfkc


@dataclass(frozen=True)
class LinePosition:
    """Where a line was printed: ``page`` (1-based) and the bounding box in PDF
    points from the page's top-left corner (``x0`` < ``x1`` left to right,
    ``top`` < ``bottom`` top to bottom, as pdfplumber measures)."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class SourceText:
    """The text of one document. ``name`` is the file name used in rows and
    messages; ``raw_lines`` are the lines as given; ``lines`` their NFKC form
    (same length, same numbering). Line numbers are 1-based everywhere.

    ``positions`` is either empty (no positions: a text file) or has one entry
    per line, ``None`` for a line printed nowhere (a blank line put between
    paragraphs). Raises :class:`ValueError` when it has another length."""

    name: str
    raw_lines: list[str]
    positions: list[LinePosition | None] = field(default_factory=list)
    lines: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = [nfkc(line) for line in self.raw_lines]
        if self.positions and len(self.positions) != len(self.raw_lines):
            raise ValueError(f"{len(self.positions)} positions for {len(self.raw_lines)} lines")

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

    def position(self, number: int) -> LinePosition | None:
        """Where line ``number`` (1-based) was printed, or ``None`` when the
        document has no positions or the line none."""
        return self.positions[number - 1] if self.positions else None

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
