"""Sample plan PDFs made from the seed texts, with the hard parts of real ones.

Real municipal PDFs cannot be fetched here, so the tests and the bench of the
PDF reader (:mod:`machikpi.adapters.pdf_text`) lay out the seeds' own text
with WeasyPrint (HTML + CSS → PDF, the bundled IPAexGothic font declared by
``@font-face`` so the text is extractable), adding what makes real plan PDFs
hard to read:

- ruled tables (every tab-separated block of a seed), the indicator name
  column narrow so that names wrap over several lines inside their cell;
- merged cells: a header ``目標値 (2027) | 目標値 (2031)`` printed as one
  ``目標値`` cell over two year cells; a header cell merged over the header's
  two rows (seed 002's year row); an empty cell under a value merged into the
  cell above (a target printed once for several indicators); a table's first
  header cell as a vertical label;
- tables without rules (tables of contents): read by text alignment;
- a running header (the plan's title), page numbers in the footer (``- 12 -``,
  or ``12/40``), full-width digits;
- a side label in vertical writing (upright characters one per line);
- prose in two columns (optional).

:func:`seed_pdf` builds the PDF of one seed; the ``feature`` functions build
the small PDFs of one hard feature each; :func:`scan_pdf` a PDF without a
text layer (an image of a page). Everything is deterministic.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

from . import SEEDS_DIR

FONT_FILE = Path(__file__).resolve().parent.parent / "adapters" / "reports" / "fonts" / "ipaexg.ttf"
FONT_FAMILY = "MachikpiSampleGothic"

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_HEADER_WORDS = ("指標", "成果", "KPI", "現状", "目標値")
_GROUP = re.compile(r"^(\S+) (\(\d{4}\))$")


@dataclass(frozen=True)
class Style:
    """How a seed is laid out. ``title`` is the running header; ``page_numbers``
    ``"dash"`` (``- 12 -``) or ``"of"`` (``12/40``); ``full_width`` prints the
    digits of prose (and, with ``full_width_cells``, of table cells) full-width;
    ``vertical_labels`` prints these lines, when they stand right before a
    table, as a vertical side label; ``two_columns`` sets prose in two columns;
    ``group_headers`` prints ``X (Y) | X (Z)`` header cells as one ``X`` over
    ``(Y) | (Z)``; ``merge_empty`` merges an empty value cell into the one above."""

    title: str
    page_numbers: str = "dash"
    full_width: bool = False
    full_width_cells: bool = False
    vertical_labels: tuple[str, ...] = ()
    two_columns: bool = False
    group_headers: bool = False
    merge_empty: bool = False


#: The layout of each seed: together they cover every hard feature.
SEED_STYLES: dict[str, Style] = {
    "000_4cf7fbf0a1127527.txt": Style("平塚市総合計画 第2部 重点施策", group_headers=True, merge_empty=True),
    "001_f3abde356c42c768.txt": Style("令和元年度 行政評価", page_numbers="of"),
    "002_9e8d8679760f1d1c.txt": Style("伊豆の国市 第3期総合戦略", page_numbers="of", full_width=True),
    "003_06b39d270299f45c.txt": Style(
        "第2期伊勢崎市まち・ひと・しごと創生総合戦略",
        full_width=True,
        full_width_cells=True,
        vertical_labels=("数值目標",),
    ),
    "004_ce2878ebb8c6f072.txt": Style("本庄市総合計画 後期基本計画", two_columns=True),
}

CSS = """
@font-face {{ font-family: {family}; src: url({font}); }}
@page {{
  size: A4; margin: 22mm 18mm 20mm 18mm;
  @top-center {{ content: "{title}"; font-family: {family}; font-size: 8.5pt; }}
  @bottom-center {{ content: {footer}; font-family: {family}; font-size: 9pt; }}
}}
body {{ font-family: {family}; font-size: 10.5pt; line-height: 1.5; }}
p {{ margin: 0 0 0.6em 0; }}
p.lines {{ break-inside: avoid; }}
.cols {{ columns: 2; column-gap: 8mm; }}
table {{ border-collapse: collapse; margin: 0.4em 0 1em 0; width: 100%; }}
table.ruled td, table.ruled th {{ border: 0.6pt solid #000; padding: 2pt 4pt; vertical-align: middle; }}
table.ruled th {{ background: #e8eef6; font-weight: normal; }}
table.ruled td.name, table.ruled th.name {{ width: 38%; }}
table.plain {{ width: auto; }}
table.plain td {{ padding: 0 2.6em 0 0; white-space: nowrap; }}
tr {{ break-inside: avoid; }}
.kpi {{ display: flex; flex-direction: row; align-items: flex-start; }}
.kpi table {{ flex: 1; margin-top: 0; }}
.vlabel {{ width: 1.4em; margin-right: 2.5em; text-align: center; line-height: 1.05;
  background: #dde7f3; padding: 3pt 0; }}
"""


def _digits(text: str, on: bool) -> str:
    return text.translate(_FULL_WIDTH) if on else text


def _blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """The seed as ``("p", [line])``, ``("table", rows)`` and ``("gap", [])`` blocks."""
    out: list[tuple[str, list[str]]] = []
    for line in lines:
        if "\t" in line:
            if out and out[-1][0] == "table":
                out[-1][1].append(line)
            else:
                out.append(("table", [line]))
        elif line.strip():
            if out and out[-1][0] == "p":
                out[-1][1].append(line.strip())
            else:
                out.append(("p", [line.strip()]))
        elif not out or out[-1][0] != "gap":
            out.append(("gap", []))
    return out


def _table_html(rows: list[str], style: Style, label: str | None) -> str:
    """One tab-separated block as an HTML table (ruled when it is an indicator table)."""
    cells = [r.split("\t") for r in rows]
    n = max(len(c) for c in cells)
    cells = [c + [""] * (n - len(c)) for c in cells]
    ruled = any(w in rows[0] for w in _HEADER_WORDS)
    esc = html.escape
    if not ruled:
        body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in cells)
        return f'<table class="plain">{body}</table>'
    # Header: the first row, and a second row that starts with an empty cell (a year row).
    nhead = 2 if len(cells) > 1 and not cells[1][0].strip() and any(c.strip() for c in cells[1]) else 1
    head, data = cells[:nhead], cells[nhead:]
    out = ['<table class="ruled">', "<thead>"]
    if nhead == 2:
        # The first cells, empty in the year row, merged over both rows.
        out.append("<tr>")
        for i, c in enumerate(head[0]):
            if not head[1][i].strip():
                out.append(f'<th rowspan="2"{" class=name" if i == 0 else ""}>{esc(c)}</th>')
            else:
                out.append(f"<th>{esc(c)}</th>")
        out.append("</tr><tr>")
        out += [f"<th>{esc(c)}</th>" for i, c in enumerate(head[1]) if head[1][i].strip()]
        out.append("</tr>")
    else:
        groups = [_GROUP.match(c.strip()) for c in head[0]]
        if (
            style.group_headers
            and sum(1 for g in groups if g) >= 2
            and len({g.group(1) for g in groups if g}) == 1
        ):
            out.append("<tr>")
            first = True
            for i, (c, g) in enumerate(zip(head[0], groups, strict=True)):
                if g is None:
                    out.append(f'<th rowspan="2"{" class=name" if i == 0 else ""}>{esc(c)}</th>')
                elif first:
                    out.append(f'<th colspan="{sum(1 for x in groups if x)}">{esc(g.group(1))}</th>')
                    first = False
            out.append("</tr><tr>")
            out += [f"<th>{esc(g.group(2))}</th>" for g in groups if g]
            out.append("</tr>")
        else:
            out.append(
                "<tr>"
                + "".join(
                    f"<th{' class=name' if i == 0 else ''}>{esc(c)}</th>" for i, c in enumerate(head[0])
                )
                + "</tr>"
            )
    out.append("</thead><tbody>")
    # Empty value cells merged into the cell above (rowspan), where asked.
    span = [[1] * n for _ in data]
    hidden = [[False] * n for _ in data]
    notes = [bool(row[0].strip()) and n > 1 and not any(c.strip() for c in row[1:]) for row in data]
    if style.merge_empty:
        for col in range(1, n):
            r = 0
            while r < len(data):
                if data[r][col].strip():
                    k = r + 1
                    while k < len(data) and not data[k][col].strip() and data[k][0].strip() and not notes[k]:
                        hidden[k][col] = True
                        k += 1
                    span[r][col] = k - r
                    r = k
                else:
                    r += 1
    for r, row in enumerate(data):
        if notes[r]:
            # A note row (指標の考え方 …): one cell over the whole width.
            out.append(f'<tr><td colspan="{n}">{esc(_digits(row[0], style.full_width_cells))}</td></tr>')
            continue
        out.append("<tr>")
        for col, c in enumerate(row):
            if hidden[r][col]:
                continue
            attrs = ' class="name"' if col == 0 else ""
            if span[r][col] > 1:
                attrs += f' rowspan="{span[r][col]}"'
            out.append(f"<td{attrs}>{esc(_digits(c, style.full_width_cells))}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    table = "".join(out)
    if label is not None:
        stacked = "<br>".join(esc(ch) for ch in label)
        return f'<div class="kpi"><div class="vlabel">{stacked}</div>{table}</div>'
    return table


def seed_html(text: str, style: Style) -> str:
    """The HTML of one seed text laid out in ``style``."""
    blocks = _blocks(text.replace("\r\n", "\n").split("\n"))
    parts: list[str] = []
    prose: list[str] = []

    def flush() -> None:
        if prose:
            inner = "".join(prose)
            parts.append(
                f'<div class="cols">{inner}</div>' if style.two_columns and len(prose) >= 4 else inner
            )
            prose.clear()

    i = 0
    while i < len(blocks):
        kind, lines = blocks[i]
        if kind == "p":
            # A label right before a table (blank lines between) goes beside it, vertically.
            j = i + 1
            while j < len(blocks) and blocks[j][0] == "gap":
                j += 1
            if (
                len(lines) == 1
                and lines[0] in style.vertical_labels
                and j < len(blocks)
                and blocks[j][0] == "table"
            ):
                flush()
                parts.append(_table_html(blocks[j][1], style, lines[0]))
                i = j + 1
                continue
            inner = "<br>".join(html.escape(_digits(ln, style.full_width)) for ln in lines)
            # A block of several short lines is one cell of the original's table: kept on one page.
            prose.append(f'<p class="lines">{inner}</p>' if len(lines) > 1 else f"<p>{inner}</p>")
        elif kind == "table":
            flush()
            parts.append(_table_html(lines, style, None))
        i += 1
    flush()
    footer = '"- " counter(page) " -"' if style.page_numbers == "dash" else 'counter(page) "/" counter(pages)'
    css = CSS.format(family=FONT_FAMILY, font=FONT_FILE.as_uri(), title=style.title, footer=footer)
    return f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><style>{css}</style></head><body>{"".join(parts)}</body></html>'


def render(html_text: str) -> bytes:
    """PDF bytes of ``html_text`` (WeasyPrint)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    pdf = HTML(string=html_text, base_url=FONT_FILE.parent.as_uri() + "/").write_pdf(
        font_config=FontConfiguration()
    )
    assert isinstance(pdf, bytes)
    return pdf


def seed_pdf(name: str, *, repeat: int = 1, replace: dict[str, str] | None = None) -> bytes:
    """The PDF of seed ``name`` (a file name in ``seeds/``) in its :data:`SEED_STYLES`
    layout; ``repeat`` > 1 prints the text that many times (a long plan for the bench);
    ``replace`` maps texts of the seed to what a revised edition prints instead
    (each must occur in the seed)."""
    text = (SEEDS_DIR / name).read_text(encoding="utf-8")
    for old, new in (replace or {}).items():
        if old not in text:
            raise ValueError(f"{old!r} is not in seed {name}")
        text = text.replace(old, new)
    return render(seed_html("\n\n".join([text] * repeat), SEED_STYLES[name]))


# --- PDFs of one feature each -----------------------------------------------------------------


def long_table_html(header: list[str], rows: list[list[str]], *, repeat_header: bool, title: str) -> str:
    """A ruled table long enough to run over pages; its header printed again on
    each page when ``repeat_header`` (``<thead>``), once otherwise."""
    esc = html.escape
    head = (
        "<tr>"
        + "".join(f"<th{' class=name' if i == 0 else ''}>{esc(c)}</th>" for i, c in enumerate(header))
        + "</tr>"
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=name' if i == 0 else ''}>{esc(c)}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    table = (
        f'<table class="ruled"><thead>{head}</thead><tbody>{body}</tbody></table>'
        if repeat_header
        else f'<table class="ruled"><tbody>{head}{body}</tbody></table>'
    )
    css = CSS.format(
        family=FONT_FAMILY, font=FONT_FILE.as_uri(), title=title, footer='"- " counter(page) " -"'
    )
    return (
        f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><style>{css}</style></head><body>'
        f"<p>重要業績評価指標（KPI）の一覧</p>{table}<p>以上の指標により進捗を管理します。</p></body></html>"
    )


#: The line under the two columns of :func:`two_column_html`, across both.
CLOSING = "以上のとおり、本市の第３期総合戦略は、国の方針を踏まえて策定するものであり、各施策の進捗を毎年度検証します。"


def two_column_html(paragraphs: list[str], *, title: str) -> str:
    """Paragraphs set in two columns, under a heading and over a closing
    paragraph that each run across both."""
    css = CSS.format(
        family=FONT_FAMILY, font=FONT_FILE.as_uri(), title=title, footer='"- " counter(page) " -"'
    )
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><style>{css}</style></head><body>'
        f'<p>第１章 序論</p><div class="cols">{body}</div><p style="margin-top: 1.2em">{CLOSING}</p></body></html>'
    )


def scan_pdf() -> bytes:
    """A PDF with no text layer: a page that is only an image of printed text
    (as a scanner makes), drawn with Pillow and the bundled font."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT_FILE), 40)
    lines = ["第2期 総合戦略", "重要業績評価指標（KPI）", "新規求人数　1,563件　1,630件"]
    for k, line in enumerate(lines):
        draw.text((120, 160 + 80 * k), line, fill=0, font=font)
    draw.rectangle((110, 420, 1130, 620), outline=0, width=3)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return render(
        "<!DOCTYPE html><html><head><style>@page { size: A4; margin: 0 } body { margin: 0 }</style></head>"
        f'<body><img src="data:image/png;base64,{data}" style="width:210mm;height:297mm"></body></html>'
    )


def vertical_html(*, title: str) -> str:
    """Vertical text of three kinds: a table's first column merged over its
    rows and set one character per line (``基本目標１``), a label rotated
    clockwise (read top to bottom) and one rotated counter-clockwise (read
    bottom to top), each away from the other text."""
    css = CSS.format(
        family=FONT_FAMILY, font=FONT_FILE.as_uri(), title=title, footer='"- " counter(page) " -"'
    )
    stacked = "<br>".join("基本目標１")
    rows = [
        ("新規求人数", "1,563件", "1,630件"),
        ("創業相談件数", "10件", "28件"),
        ("新規就農者数", "21人", "157人"),
    ]
    body = "".join(
        "<tr>"
        + (f'<td rowspan="3" class="vcell">{stacked}</td>' if i == 0 else "")
        + "".join(f"<td>{html.escape(c)}</td>" for c in r)
        + "</tr>"
        for i, r in enumerate(rows)
    )
    return (
        f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><style>{css}'
        ".vcell { width: 1.4em; text-align: center; line-height: 1.05; }"
        ".rot { position: absolute; font-size: 12pt; }</style></head><body>"
        "<p>重要業績評価指標（KPI）</p>"
        f'<table class="ruled" style="width: 70%"><thead><tr><th>分野</th><th>指標名</th><th>現状値</th><th>目標値</th></tr></thead>'
        f"<tbody>{body}</tbody></table>"
        '<div class="rot" style="top: 120mm; left: 20mm; transform: rotate(90deg)">縦書きラベル</div>'
        '<div class="rot" style="top: 120mm; left: 120mm; transform: rotate(-90deg)">上向きラベル</div>'
        "</body></html>"
    )


def marks_html(*, title: str) -> str:
    """Footnote marks raised above the line (``<sup>``) in a paragraph and in a
    table cell, and text in a ruled box (a frame of one cell, not a table)."""
    css = CSS.format(
        family=FONT_FAMILY, font=FONT_FILE.as_uri(), title=title, footer='"- " counter(page) " -"'
    )
    return (
        f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><style>{css}'
        ".box { border: 0.8pt solid #000; padding: 4pt 8pt; margin: 1em 0; }</style></head><body>"
        "<p>市民の満足度の割合<sup>※1</sup>は向上しています。</p>"
        '<div class="box"><p>めざす姿</p><p>・地域の活動が活発になっています。</p>'
        "<p>・市民の提案がまちづくりに活かされています。</p></div>"
        '<table class="ruled"><thead><tr><th class="name">指標名</th><th>現状値</th><th>目標値</th></tr></thead>'
        '<tbody><tr><td class="name">製造品出荷額等<sup>※</sup></td><td>11,942億円</td><td>13,500億円</td></tr>'
        "</tbody></table></body></html>"
    )
