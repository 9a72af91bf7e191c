"""Reading plan documents as municipal users give them: text in UTF-8 (with or
without BOM) or cp932, or a PDF with a text layer (:mod:`.pdf_text`)."""

from __future__ import annotations

from pathlib import Path

from ..core.errors import DocumentError
from ..core.source import SourceText

ENCODINGS = ("utf-8-sig", "cp932")


def decode(data: bytes, *, name: str) -> str:
    """Decode ``data`` as UTF-8 (BOM optional), else Shift_JIS (cp932).

    Raises :class:`DocumentError` naming ``name`` when neither works."""
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DocumentError("not a text file in UTF-8 or Shift_JIS (cp932)", doc=name)


def is_pdf(data: bytes) -> bool:
    """Whether ``data`` is a PDF: it starts with ``%PDF`` (white space before it allowed)."""
    return data.lstrip()[:4] == b"%PDF"


def read_source(path: Path) -> SourceText:
    """Read a plan document into a :class:`SourceText` named by the file's name:
    a PDF (by its first bytes, ``%PDF``) with :func:`.pdf_text.read_pdf`, which
    also records each line's page and box; else text extracted from PDF.
    Raises :class:`DocumentError` when the file cannot be opened or decoded,
    or is a PDF without a text layer, encrypted or broken."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DocumentError(f"cannot read file: {e.strerror or e}", doc=str(path)) from e
    if is_pdf(data):
        from .pdf_text import read_pdf

        return read_pdf(data, name=path.name, doc=str(path))
    if b"\x00" in data[:4096]:
        raise DocumentError("a binary file, not text (a PDF must be turned into text first)", doc=str(path))
    return SourceText.from_text(path.name, decode(data, name=str(path)))
