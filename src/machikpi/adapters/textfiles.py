"""Reading plan documents as municipal users give them: text in UTF-8 (with or
without BOM) or cp932, UTF-16 / UTF-32 when they start with a byte order mark
(BOM; Windows' Notepad "Unicode" saves UTF-16 with one), or a PDF with a text
layer (:mod:`.pdf_text`)."""

from __future__ import annotations

import codecs
from pathlib import Path

from ..core.errors import DocumentError
from ..core.source import SourceText

ENCODINGS = ("utf-8-sig", "cp932")


#: Byte order marks of the wider encodings, longest first (UTF-32 LE starts like UTF-16 LE).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def wide_encoding(data: bytes) -> str | None:
    """``"utf-16"`` or ``"utf-32"`` when ``data`` starts with that encoding's BOM, else ``None``."""
    return next((enc for bom, enc in _BOMS if data.startswith(bom)), None)


def _wide_without_bom(data: bytes) -> bool:
    """Whether ``data`` looks like UTF-16/UTF-32 text without a BOM: NUL bytes
    (the high bytes of ASCII characters) all at even or all at odd positions
    (UTF-16), or the top byte of every four NUL (UTF-32); a binary
    file (a PDF) has its NULs anywhere."""
    head = data[: 4096 - 4096 % 4]
    nuls = [i for i, b in enumerate(head) if b == 0]
    if len(nuls) < 2:
        return False
    if len({i % 2 for i in nuls}) == 1:
        return True
    # UTF-32: the top byte of every character is NUL (the last of four in LE, the first in BE)
    return any(all(b == 0 for b in head[k::4]) for k in (0, 3))


def decode(data: bytes, *, name: str) -> str:
    """Decode ``data``: UTF-16 or UTF-32 when it starts with their BOM, else UTF-8
    (BOM optional), else Shift_JIS (cp932).

    Raises :class:`DocumentError` naming ``name`` when none works (saying so
    when the text looks like UTF-16/UTF-32 without a BOM)."""
    wide = wide_encoding(data)
    if wide is not None:
        try:
            return data.decode(wide)
        except UnicodeDecodeError:
            raise DocumentError(
                f"{wide.upper()} の BOM で始まりますが、{wide.upper()} として読めません。UTF-8 で保存し直してください",
                doc=name,
            ) from None
    if b"\x00" in data[:4096] and _wide_without_bom(data):
        raise DocumentError(
            "BOM のない UTF-16 または UTF-32 のテキストです。UTF-8(または BOM 付きの UTF-16)で保存し直してください",
            doc=name,
        )
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DocumentError("UTF-8 か Shift_JIS(cp932)のテキストとして読めません", doc=name)


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
    return source_from_bytes(data, name=path.name, doc=str(path))


def source_from_bytes(data: bytes, *, name: str, doc: str | None = None) -> SourceText:
    """:func:`read_source` of a document's bytes (an uploaded file) named ``name``;
    ``doc`` is the name errors give (default ``name``)."""
    where = doc or name
    if is_pdf(data):
        from .pdf_text import read_pdf

        return read_pdf(data, name=name, doc=where)
    if b"\x00" in data[:4096] and wide_encoding(data) is None and not _wide_without_bom(data):
        raise DocumentError("a binary file, not text (a PDF must be turned into text first)", doc=where)
    return SourceText.from_text(name, decode(data, name=where))
