"""The indicator page's chart: inline, accessible SVG of one series.

Same drawing as the report's chart (:mod:`machikpi.adapters.reports.charts`:
baseline square, target lines, the expected path from the baseline to each
target, actuals as a line with dots), made for a web page: it scales with
the page (``viewBox``, no fixed width), carries ``role="img"`` with a
``<title>`` and a ``<desc>`` (referenced by ``aria-labelledby``), its
labels are in the page's language (``gettext``), and the series are told
apart by shape and dash pattern as well as by colour (WCAG 1.4.1). The page
prints the same data as a table next to it (:class:`ChartData` rows).

No script, no external asset: the SVG is plain markup safe to inline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

from django.utils.translation import gettext as _

from ...reports.charts import ChartPoint, chart_range

__all__ = ["ChartData", "ChartPoint", "ChartRow", "expected_path", "series_svg"]

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 72, 28, 16, 56

#: Colours with a contrast of at least 4.5:1 on white (text and lines).
BLUE, RED, GREY, DARK = "#1a56a0", "#b02a1e", "#5c5c5c", "#222222"


@dataclass(frozen=True)
class ChartRow:
    """One year of the chart's data table: the values drawn at ``year``
    (``None`` where nothing is drawn). ``expected`` is the point on the
    expected path (baseline → each target in turn, linear)."""

    year: int
    baseline: float | None = None
    target: float | None = None
    expected: float | None = None
    actual: float | None = None


@dataclass
class ChartData:
    """What the chart draws, in the indicator's unit."""

    baseline: ChartPoint | None
    targets: list[ChartPoint]
    actuals: list[ChartPoint]
    rows: list[ChartRow] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """``True`` when there is no point to draw."""
        return self.baseline is None and not self.targets and not self.actuals


def expected_path(baseline: ChartPoint | None, targets: list[ChartPoint], year: int) -> float | None:
    """The expected value at ``year``: linear from the baseline to the first
    target, then from each target to the next (the path a plan that meets its
    targets on schedule takes). ``None`` outside the baseline year … last
    target year, or without a baseline."""
    if baseline is None or not targets:
        return None
    prev = baseline
    for t in sorted(targets, key=lambda p: p.year):
        if t.year <= prev.year:
            continue
        if prev.year <= year <= t.year:
            return prev.value + (t.value - prev.value) * (year - prev.year) / (t.year - prev.year)
        prev = t
    return baseline.value if year == baseline.year else None


def chart_data(
    baseline: ChartPoint | None, targets: list[ChartPoint], actuals: list[ChartPoint]
) -> ChartData:
    """The chart's points and its table rows (one per year that has any point,
    ascending)."""
    targets = sorted(targets, key=lambda p: p.year)
    actuals = sorted(actuals, key=lambda p: p.year)
    years = sorted(
        {p.year for p in targets} | {p.year for p in actuals} | ({baseline.year} if baseline else set())
    )
    t_by_year = {p.year: p.value for p in targets}
    a_by_year = {p.year: p.value for p in actuals}
    rows = [
        ChartRow(
            year=y,
            baseline=baseline.value if baseline is not None and baseline.year == y else None,
            target=t_by_year.get(y),
            expected=expected_path(baseline, targets, y),
            actual=a_by_year.get(y),
        )
        for y in years
    ]
    return ChartData(baseline, targets, actuals, rows)


def _fmt(v: float) -> str:
    if abs(v) >= 100 or float(v).is_integer():
        return f"{v:,.0f}"
    return f"{v:,.1f}"


def series_svg(data: ChartData, *, ident: str, title: str, unit: str | None) -> str:
    """The SVG markup (string) of ``data``. ``ident`` makes the ids of the
    ``<title>``/``<desc>`` unique on the page; ``title`` names the series."""
    unit_text = unit or _("単位なし")
    label = escape(_("%(title)s（%(unit)s）の推移") % {"title": title, "unit": unit_text})
    tid, did = f"{ident}-title", f"{ident}-desc"
    if data.empty:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{tid}" '
            f'viewBox="0 0 {WIDTH} 40" class="chart chart-empty"><title id="{tid}">{label}</title>'
            f'<text x="8" y="24" font-size="14" fill="{DARK}">{escape(_("グラフにできる数値がありません"))}</text>'
            "</svg>"
        )
    desc_parts: list[str] = []
    if data.baseline is not None:
        desc_parts.append(
            _("基準値 %(value)s（%(year)s年）")
            % {"value": _fmt(data.baseline.value), "year": data.baseline.year}
        )
    desc_parts += [
        _("目標値 %(value)s（%(year)s年）") % {"value": _fmt(t.value), "year": t.year} for t in data.targets
    ]
    if data.actuals:
        desc_parts.append(
            _("実績値 %(values)s") % {"values": "、".join(f"{p.year}: {_fmt(p.value)}" for p in data.actuals)}
        )
    else:
        desc_parts.append(_("公表された実績値はまだありません"))
    desc = escape("。".join(desc_parts) + "。" + _("同じ数値を下の表に示します。"))

    pts = [p for p in [data.baseline, *data.targets, *data.actuals] if p is not None]
    y0, y1, v0, v1 = chart_range(pts)
    ticks = nice_ticks(v0, v1)
    v0, v1 = ticks[0], ticks[-1]

    def x(year: float) -> float:
        return LEFT + (year - y0) / (y1 - y0) * (WIDTH - LEFT - RIGHT)

    def y(value: float) -> float:
        return TOP + (v1 - value) / (v1 - v0) * (HEIGHT - TOP - BOTTOM)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{tid} {did}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" class="chart" font-family="sans-serif" font-size="13">',
        f'<title id="{tid}">{label}</title><desc id="{did}">{desc}</desc>',
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" height="{HEIGHT - TOP - BOTTOM}" '
        f'fill="#fff" stroke="#767676"/>',
    ]
    for v in ticks:
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e0e0e0"/>'
            f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="{DARK}">{_fmt(v)}</text>'
        )
    step = max(1, (y1 - y0 + 5) // 8)
    for yr in range(y0, y1 + 1, step):
        out.append(
            f'<text x="{x(yr):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" fill="{DARK}">{yr}</text>'
        )
    if data.baseline is not None:
        prev = data.baseline
        for t in data.targets:
            if t.year <= prev.year:
                continue
            out.append(
                f'<line x1="{x(prev.year):.1f}" y1="{y(prev.value):.1f}" x2="{x(t.year):.1f}" '
                f'y2="{y(t.value):.1f}" stroke="{GREY}" stroke-dasharray="2 4" stroke-width="2"/>'
            )
            prev = t
    for t in data.targets:
        out.append(
            f'<line x1="{LEFT}" y1="{y(t.value):.1f}" x2="{WIDTH - RIGHT}" y2="{y(t.value):.1f}" '
            f'stroke="{RED}" stroke-dasharray="8 4" stroke-width="1.5"/>'
            f'<text x="{WIDTH - RIGHT - 4}" y="{y(t.value) - 5:.1f}" text-anchor="end" fill="{RED}">'
            f"{escape(_('目標'))} {_fmt(t.value)} ({t.year})</text>"
            f'<path d="M{x(t.year):.1f},{y(t.value) - 6:.1f} l6,6 l-6,6 l-6,-6 z" fill="{RED}"/>'
        )
    if data.baseline is not None:
        bx, by = x(data.baseline.year), y(data.baseline.value)
        out.append(f'<rect x="{bx - 5:.1f}" y="{by - 5:.1f}" width="10" height="10" fill="{DARK}"/>')
    if len(data.actuals) > 1:
        path = " ".join(f"{x(p.year):.1f},{y(p.value):.1f}" for p in data.actuals)
        out.append(f'<polyline points="{path}" fill="none" stroke="{BLUE}" stroke-width="2.5"/>')
    for p in data.actuals:
        out.append(
            f'<circle cx="{x(p.year):.1f}" cy="{y(p.value):.1f}" r="5" fill="{BLUE}" stroke="#fff" '
            'stroke-width="1.5"/>'
        )
    # legend: shape + dash pattern + colour, in words
    ly = HEIGHT - 16
    lx = float(LEFT)
    for kind, text, colour in (
        ("square", _("基準値"), DARK),
        ("dash", _("目標値"), RED),
        ("dot", _("想定経路"), GREY),
        ("circle", _("実績値"), BLUE),
    ):
        if kind == "square":
            out.append(f'<rect x="{lx + 7:.0f}" y="{ly - 9}" width="10" height="10" fill="{DARK}"/>')
        elif kind == "circle":
            out.append(f'<circle cx="{lx + 12:.0f}" cy="{ly - 4}" r="5" fill="{BLUE}"/>')
        else:
            dash, width = ("8 4", "1.5") if kind == "dash" else ("2 4", "2")
            out.append(
                f'<line x1="{lx:.0f}" y1="{ly - 4}" x2="{lx + 24:.0f}" y2="{ly - 4}" stroke="{colour}" '
                f'stroke-dasharray="{dash}" stroke-width="{width}"/>'
            )
        out.append(f'<text x="{lx + 30:.0f}" y="{ly}" fill="{colour}">{escape(text)}</text>')
        lx += 30 + sum(13 if ord(c) > 0x2E80 else 7.5 for c in text) + 22
    out.append("</svg>")
    return "".join(out)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Axis ticks covering ``low``–``high`` at a round step (1, 2 or 5 × 10ⁿ),
    about ``count`` of them, first ≤ ``low`` and last ≥ ``high``
    (``low < high``, same unit as the values)."""
    raw = (high - low) / max(1, count - 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    first = math.floor(low / step) * step
    if first > low:  # low / step rounded to 0 (a value next to zero)
        first -= step
    out = [first]
    while out[-1] < high - step * 1e-9:
        out.append(first + step * len(out))
    return out
