"""Inline SVG charts of one indicator series: baseline, target line, expected path, actuals.

The SVG is plain vector markup (no script, no external asset), so the same
chart serves the self-contained HTML report and the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class ChartPoint:
    """A value at a (fiscal or calendar) year."""

    year: int
    value: float


WIDTH, HEIGHT = 360, 180
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 30


def _fmt(v: float) -> str:
    if abs(v) >= 100 or float(v).is_integer():
        return f"{v:,.0f}"
    return f"{v:,.1f}"


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
    dots. With no point to draw it returns a short "no data" SVG. The
    ``title`` goes into the SVG ``<title>`` and ``aria-label``."""
    pts = [p for p in [baseline, *targets, *actuals] if p is not None]
    label = escape(f"{title}（{unit or '単位なし'}）のグラフ")
    if not pts:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" width="{WIDTH}" '
            f'height="40" viewBox="0 0 {WIDTH} 40"><title>{label}</title>'
            f'<text x="8" y="24" font-size="12" fill="#555">グラフにできる数値がありません</text></svg>'
        )
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

    def x(year: float) -> float:
        return LEFT + (year - y0) / (y1 - y0) * (WIDTH - LEFT - RIGHT)

    def y(value: float) -> float:
        return TOP + (v1 - value) / (v1 - v0) * (HEIGHT - TOP - BOTTOM)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="10">',
        f"<title>{label}</title>",
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" height="{HEIGHT - TOP - BOTTOM}" '
        f'fill="#fff" stroke="#999"/>',
    ]
    for v in (v0 + (v1 - v0) * k / 4 for k in range(5)):
        out.append(f'<text x="{LEFT - 4}" y="{y(v) + 3:.1f}" text-anchor="end" fill="#333">{_fmt(v)}</text>')
    step = max(1, (y1 - y0) // 6)
    for yr in range(y0, y1 + 1, step):
        out.append(f'<text x="{x(yr):.1f}" y="{HEIGHT - 12}" text-anchor="middle" fill="#333">{yr}</text>')
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
    out.append(
        f'<text x="{LEFT}" y="{HEIGHT - 1}" fill="#333">■基準値 ●実績値 '
        f'<tspan fill="#c0392b">--目標値</tspan> <tspan fill="#888">…想定経路</tspan></text>'
    )
    out.append("</svg>")
    return "".join(out)
