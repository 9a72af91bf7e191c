"""SVG charts of one indicator series: baseline, target line, expected path, actuals.

Plain vector markup (no script, no external asset). :func:`series_chart` is
the chart with axes of the self-contained HTML report (its legend printed
once per group of charts, :data:`LEGEND_HTML`); :func:`series_sparkline` is
the compact chart without text that the PDF prints in each indicator's
table row. Both share the scales (:func:`_frame`) and the marks. The PDF
does not use the charts with axes because WeasyPrint lays out every
character of SVG text on its own: at 1,000 indicators their labels alone
took longer than the aim for the whole document.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class ChartPoint:
    """A value at a (fiscal or calendar) year."""

    year: int
    value: float


WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 20
#: At most this many year labels on the horizontal axis.
MAX_YEAR_LABELS = 6

#: Font of the chart text: the font the PDF embeds (``pdf.FONT_FAMILY``, the
#: package's IPAexGothic) first, then the usual Japanese system fonts for
#: the HTML report in a browser.
FONT_FAMILY = "MachikpiIPAexGothic, Noto Sans CJK JP, Hiragino Sans, Yu Gothic, Meiryo, sans-serif"

#: The legend of :func:`series_chart`, as HTML (the same marks and colours).
LEGEND_HTML = (
    '<span style="color:#555">■</span> 基準値　<span style="color:#1f5fa8">●</span> 実績値　'
    '<span style="color:#c0392b">- - 目標値</span>　<span style="color:#888">… 想定経路</span>'
)


def _fmt(v: float) -> str:
    if abs(v) >= 100 or float(v).is_integer():
        return f"{v:,.0f}"
    return f"{v:,.1f}"


@dataclass(frozen=True)
class _Frame:
    """Scales of a chart: years ``y0``…``y1`` across, values ``v0``…``v1`` up, in a plot area."""

    y0: int
    y1: int
    v0: float
    v1: float
    left: float
    top: float
    width: float
    height: float

    def x(self, year: float) -> float:
        return self.left + (year - self.y0) / (self.y1 - self.y0) * self.width

    def y(self, value: float) -> float:
        return self.top + (self.v1 - value) / (self.v1 - self.v0) * self.height


def chart_range(pts: list[ChartPoint]) -> tuple[int, int, float, float]:
    """The axes' extent ``(first year, last year, lowest value, highest value)``
    for ``pts`` (not empty): a year either side of a single year, 10 % padding
    of the value range (a single value gets ±10 %, at least ±1), from 0 when
    every value is positive and the padding would cross 0. Shared by the
    report's charts and the web pages' (:mod:`machikpi.adapters.web.public.charts`)."""
    years = [p.year for p in pts]
    values = [p.value for p in pts]
    y0, y1 = min(years), max(years)
    if y0 == y1:
        y0, y1 = y0 - 1, y1 + 1
    v0, v1 = min(values), max(values)
    if v0 == v1:
        v0, v1 = v0 - max(1.0, abs(v0) * 0.1), v1 + max(1.0, abs(v1) * 0.1)
    pad = (v1 - v0) * 0.1
    v0, v1 = v0 - pad, v1 + pad
    if min(values) >= 0 > v0:
        v0 = 0.0
    return y0, y1, v0, v1


def _frame(pts: list[ChartPoint], left: float, top: float, width: float, height: float) -> _Frame:
    """The scales for ``pts`` (not empty) drawn in the given box (:func:`chart_range`)."""
    y0, y1, v0, v1 = chart_range(pts)
    return _Frame(y0, y1, v0, v1, left, top, width, height)


def series_chart(
    *,
    title: str,
    unit: str | None,
    baseline: ChartPoint | None,
    targets: list[ChartPoint],
    actuals: list[ChartPoint],
) -> str:
    """An SVG chart (string) of one series, ``WIDTH`` × ``HEIGHT`` px.

    Draws the baseline as a square, each target as a horizontal dashed red
    line with its year marked, the expected path as a grey dashed line from
    the baseline to each target in turn, and the actuals as a blue line with
    dots; three value labels and at most :data:`MAX_YEAR_LABELS` year labels
    (the first and last year always). The legend is :data:`LEGEND_HTML`.
    With no point to draw it returns a short "no data" SVG. The ``title``
    goes into the SVG ``<title>`` and ``aria-label``."""
    pts = [p for p in [baseline, *targets, *actuals] if p is not None]
    label = escape(f"{title}（{unit or '単位なし'}）のグラフ")
    if not pts:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" width="{WIDTH}" '
            f'height="40" viewBox="0 0 {WIDTH} 40"><title>{label}</title>'
            f'<text x="8" y="24" font-family="{FONT_FAMILY}" font-size="12" fill="#555">'
            "グラフにできる数値がありません</text></svg>"
        )
    f = _frame(pts, LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM)
    x, y, y0, y1, v0, v1 = f.x, f.y, f.y0, f.y1, f.v0, f.v1

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT_FAMILY}" font-size="10">',
        f"<title>{label}</title>",
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" height="{HEIGHT - TOP - BOTTOM}" '
        f'fill="#fff" stroke="#999"/>',
    ]
    for v in (v0 + (v1 - v0) * k / 2 for k in range(3)):
        out.append(
            f'<line x1="{LEFT}" y1="{y(v):.1f}" x2="{LEFT - 3}" y2="{y(v):.1f}" stroke="#999"/>'
            f'<text x="{LEFT - 5}" y="{y(v) + 3:.1f}" text-anchor="end" fill="#333">{_fmt(v)}</text>'
        )
    step = -(-(y1 - y0) // (MAX_YEAR_LABELS - 1))  # ceiling: y0 … y1 in at most MAX_YEAR_LABELS steps
    labels = list(range(y0, y1 + 1, step))
    if labels[-1] != y1:
        labels[-1] = y1  # the last year (usually the target's) is always labelled
    for yr in labels:
        out.append(f'<text x="{x(yr):.1f}" y="{HEIGHT - 6}" text-anchor="middle" fill="#333">{yr}</text>')
    if baseline is not None:
        prev = baseline
        for t in sorted(targets, key=lambda p: p.year):
            out.append(
                f'<line x1="{x(prev.year):.1f}" y1="{y(prev.value):.1f}" x2="{x(t.year):.1f}" '
                f'y2="{y(t.value):.1f}" stroke="#888" stroke-dasharray="2 3" stroke-width="1.5"/>'
            )
            prev = t
    for t in targets:
        out.append(
            f'<line x1="{LEFT}" y1="{y(t.value):.1f}" x2="{WIDTH - RIGHT}" y2="{y(t.value):.1f}" '
            f'stroke="#c0392b" stroke-dasharray="6 3" stroke-width="1"/>'
            f'<text x="{WIDTH - RIGHT - 2}" y="{y(t.value) - 3:.1f}" text-anchor="end" fill="#c0392b">'
            f"目標 {_fmt(t.value)} ({t.year})</text>"
        )
    if baseline is not None:
        bx, by = x(baseline.year), y(baseline.value)
        out.append(f'<rect x="{bx - 4:.1f}" y="{by - 4:.1f}" width="8" height="8" fill="#555"/>')
    acts = sorted(actuals, key=lambda p: p.year)
    if len(acts) > 1:
        path = " ".join(f"{x(p.year):.1f},{y(p.value):.1f}" for p in acts)
        out.append(f'<polyline points="{path}" fill="none" stroke="#1f5fa8" stroke-width="2"/>')
    for p in acts:
        out.append(f'<circle cx="{x(p.year):.1f}" cy="{y(p.value):.1f}" r="3.5" fill="#1f5fa8"/>')
    out.append("</svg>")
    return "".join(out)


SPARK_WIDTH, SPARK_HEIGHT = 120, 36


def series_sparkline(
    *,
    title: str,
    unit: str | None,
    baseline: ChartPoint | None,
    targets: list[ChartPoint],
    actuals: list[ChartPoint],
) -> str:
    """A compact SVG chart (string) of one series for a table row, ``SPARK_WIDTH`` ×
    ``SPARK_HEIGHT`` px, with the marks of :func:`series_chart` (baseline square,
    dashed red target lines, grey dashed expected path, blue actuals) and no
    text: the row prints the values and years. Used by the PDF, where it keeps
    a 1,000-indicator report fast (WeasyPrint lays out SVG text letter by
    letter) and short. ``""`` when there is no point to draw."""
    pts = [p for p in [baseline, *targets, *actuals] if p is not None]
    if not pts:
        return ""
    label = escape(f"{title}（{unit or '単位なし'}）の推移")
    f = _frame(pts, 5, 4, SPARK_WIDTH - 10, SPARK_HEIGHT - 8)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" width="{SPARK_WIDTH}" '
        f'height="{SPARK_HEIGHT}" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}"><title>{label}</title>',
    ]
    if baseline is not None:
        prev = baseline
        for t in sorted(targets, key=lambda p: p.year):
            out.append(
                f'<line x1="{f.x(prev.year):.1f}" y1="{f.y(prev.value):.1f}" x2="{f.x(t.year):.1f}" '
                f'y2="{f.y(t.value):.1f}" stroke="#888" stroke-dasharray="2 2" stroke-width="1"/>'
            )
            prev = t
    for t in targets:
        out.append(
            f'<line x1="{f.left}" y1="{f.y(t.value):.1f}" x2="{SPARK_WIDTH - 5}" y2="{f.y(t.value):.1f}" '
            f'stroke="#c0392b" stroke-dasharray="4 2" stroke-width="0.8"/>'
        )
    if baseline is not None:
        bx, by = f.x(baseline.year), f.y(baseline.value)
        out.append(f'<rect x="{bx - 2.5:.1f}" y="{by - 2.5:.1f}" width="5" height="5" fill="#555"/>')
    acts = sorted(actuals, key=lambda p: p.year)
    if len(acts) > 1:
        path = " ".join(f"{f.x(p.year):.1f},{f.y(p.value):.1f}" for p in acts)
        out.append(f'<polyline points="{path}" fill="none" stroke="#1f5fa8" stroke-width="1.5"/>')
    for p in acts:
        out.append(f'<circle cx="{f.x(p.year):.1f}" cy="{f.y(p.value):.1f}" r="2.2" fill="#1f5fa8"/>')
    out.append("</svg>")
    return "".join(out)
