"""The evaluation report as a printable PDF (A4), made with WeasyPrint.

Same :class:`~.context.Report` as the HTML and Excel documents, laid out by
its own print template (``templates/reports/print.html`` with
``print.css``): a cover, a table of contents with page numbers (CSS
``target-counter``), page numbers in the footer, one section per plan and
per top-level goal (基本目標) with its indicators, grades, 達成率/進捗率,
the committee's comments and the audit findings, then each plan's full
list of audit findings and the evaluation method. Charts are the inline SVG
of :mod:`.charts`, drawn by WeasyPrint as vector paths and text.

The Japanese font comes with the package, not from the machine: IPAexGothic
(``fonts/ipaexg.ttf``, IPA Font License v1.0, licence text next to it),
declared with ``@font-face`` under the family name :data:`FONT_FAMILY` from
a ``file:`` URL and used for every text, so the PDF embeds (a subset of)
that font only.
"""

from __future__ import annotations

from pathlib import Path

from .context import Report
from .html import render_template

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "ipaexg.ttf"
#: The @font-face family of :data:`FONT_FILE`; a name no system font has, so a
#: font of this name in a PDF can only be ours (``charts.FONT_FAMILY`` lists it first).
FONT_FAMILY = "MachikpiIPAexGothic"


def render_print_html(report: Report) -> str:
    """The HTML that WeasyPrint lays out (print template and stylesheet)."""
    return render_template("reports/print.html", report, font_url=FONT_FILE.as_uri(), font_family=FONT_FAMILY)


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes.

    Raises :class:`FileNotFoundError` when the bundled font is missing (a
    broken install): without it the PDF would silently fall back to a
    system font without Japanese glyphs."""
    if not FONT_FILE.is_file():
        raise FileNotFoundError(f"{FONT_FILE}: the bundled Japanese font is missing (reinstall machikpi)")
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    document = HTML(string=render_print_html(report), base_url=FONT_FILE.parent.as_uri() + "/")
    pdf = document.write_pdf(font_config=FontConfiguration())
    assert isinstance(pdf, bytes)
    return pdf


def write_pdf(report: Report, path: Path) -> None:
    """Write ``report`` as PDF to ``path`` (overwritten). Raises :class:`OSError`
    when the file cannot be written."""
    path.write_bytes(render_pdf(report))
