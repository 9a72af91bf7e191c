"""Reading text files as municipal users give them: UTF-8 (with or without BOM) or cp932."""

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


def read_source(path: Path) -> SourceText:
    """Read a plan document (text extracted from PDF) into a :class:`SourceText`
    named by the file's name. Raises :class:`DocumentError` when the file
    cannot be opened or decoded."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DocumentError(f"cannot read file: {e.strerror or e}", doc=str(path)) from e
    if b"\x00" in data[:4096]:
        raise DocumentError("a binary file, not text (a PDF must be turned into text first)", doc=str(path))
    return SourceText.from_text(path.name, decode(data, name=str(path)))
