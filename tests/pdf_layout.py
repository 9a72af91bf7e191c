"""Run ``machikpi`` and keep where WeasyPrint put every table cell of the PDF it writes.

``python -m tests.pdf_layout report --database URL --year FY -o FILE.pdf`` runs the
command line's ``main`` with those arguments, unchanged, except that each
document WeasyPrint lays out is kept; ``FILE.pdf.cells.json`` then lists, per
page, the border box of every table cell (PDF points, origin top left, as
``pdftotext -bbox-layout`` gives word boxes). :mod:`tests.test_report_pdf`
compares the PDF's words with these boxes: no text may cross its cell.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

#: CSS pixels (WeasyPrint's unit) to PDF points
PX_TO_PT = 0.75


def cell_boxes(document: Any) -> list[list[list[float]]]:
    """Per page, ``[x0, y0, x1, y1]`` of every table cell's border box, in points."""
    from weasyprint.formatting_structure.boxes import TableCellBox

    pages = []
    for page in document.pages:
        cells = []
        for box in page._page_box.descendants():
            if isinstance(box, TableCellBox):
                x, y = box.border_box_x(), box.border_box_y()
                cells.append([PX_TO_PT * v for v in (x, y, x + box.border_width(), y + box.border_height())])
        pages.append(cells)
    return pages


def main(argv: list[str]) -> int:
    """Run the CLI with ``argv`` and write the cell boxes next to the ``-o`` file."""
    from weasyprint import HTML

    from machikpi.adapters.cli import main as cli_main

    laid_out: list[Any] = []
    render = HTML.render

    def keep(self: Any, *args: Any, **kwargs: Any) -> Any:
        document = render(self, *args, **kwargs)
        laid_out.append(document)
        return document

    HTML.render = keep
    code = cli_main(argv)
    out = Path(argv[argv.index("-o") + 1])
    assert len(laid_out) == 1, len(laid_out)
    Path(f"{out}.cells.json").write_text(json.dumps(cell_boxes(laid_out[0])), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
