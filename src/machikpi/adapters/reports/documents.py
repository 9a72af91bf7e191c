"""One report, several documents: the format follows the file name's suffix.

``.html`` / ``.htm`` (:mod:`.html`), ``.pdf`` (:mod:`.pdf`) and ``.xlsx``
(:mod:`.xlsx`) are all laid out from the same :class:`~.context.Report`.
The command line writes files with :func:`write_document`; the web
application can send :func:`render_document`'s bytes with
:data:`CONTENT_TYPES`.
"""

from __future__ import annotations

import io
from pathlib import Path

from ...core.errors import MachikpiError
from .context import Report

#: Media type of each supported suffix (lower case, with the dot).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UnsupportedFormatError(MachikpiError):
    """A report file name whose suffix is not one of :data:`CONTENT_TYPES`."""


def document_format(name: str | Path) -> str:
    """The format suffix (``".pdf"`` …) of the file name ``name``.

    Raises :class:`UnsupportedFormatError` naming the file and the formats known."""
    suffix = Path(name).suffix.lower()
    if suffix not in CONTENT_TYPES:
        raise UnsupportedFormatError(
            f"{name}: unsupported report format {Path(name).suffix or '(no suffix)'!r}; "
            "use a file name ending in .html, .pdf or .xlsx"
        )
    return suffix


def render_document(report: Report, fmt: str) -> bytes:
    """``report`` as the bytes of a document of format ``fmt`` (``"pdf"`` or ``".pdf"``, …).

    Raises :class:`UnsupportedFormatError` for an unknown format."""
    suffix = document_format("report." + fmt.lstrip("."))
    if suffix == ".pdf":
        from .pdf import render_pdf

        return render_pdf(report)
    if suffix == ".xlsx":
        from .xlsx import build_workbook

        buf = io.BytesIO()
        build_workbook(report).save(buf)
        return buf.getvalue()
    from .html import render_html

    return render_html(report).encode("utf-8")


def write_document(report: Report, path: Path) -> None:
    """Write ``report`` to ``path`` in the format of its suffix (folders created).

    Raises :class:`UnsupportedFormatError` (before writing anything) for an
    unknown suffix and :class:`OSError` when the file cannot be written."""
    suffix = document_format(path)
    data = render_document(report, suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
