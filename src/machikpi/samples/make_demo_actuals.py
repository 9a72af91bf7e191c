"""Make the illustrative actual values of the demo (架空のデモ用データ).

The sample plans come without actual values, so the demo needs invented
ones. This script makes them reproducibly and writes
``demo_actuals.csv`` beside it, in the entry-sheet CSV format that
``machikpi actuals import`` reads (UTF-8 with BOM). Run it again with::

    .venv/bin/python -m machikpi.samples.make_demo_actuals

How the values are made (seeded, so the file is the same on every run):

* years: fiscal years 2024 and 2025 (令和6・7年度);
* a series with a baseline value and a target value moves along the straight
  line from baseline to target, scaled by a random factor drawn once per
  series from [-0.6, 1.6] (so that some series are ahead of plan, some
  behind and some worse than the baseline) plus a little noise per year;
  where the plan prints no baseline year the line starts at FY2022;
* a series with a baseline value and no target value moves by up to ±8 %;
* a series with no baseline value but a target value reaches 30–90 % of it;
* shares (unit ``%``) stay within 0–100, counts are never negative;
* values are rounded to the decimals the baseline prints;
* about one series in ten has no value for the later year, so that the
  report's list of missing values is not empty.

Nothing here is a real figure of any municipality.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from ..core.model import CellStatus, Series, ValueCell
from ..core.reader import read_plan
from ..core.source import SourceText
from . import ROOT, SEEDS

YEARS = (2024, 2025)
SEED = 20241
OUTPUT = ROOT / "demo_actuals.csv"
HEADER = ("計画", "施策", "指標名", "区分", "単位", "年度", "実績値", "備考")
NOTE = "架空のデモ用データ"


def _decimals(cell: ValueCell) -> int:
    text = cell.raw.split()[-1] if cell.raw.split() else cell.raw
    digits = "".join(ch for ch in text if ch.isdigit() or ch == ".")
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def _first_target(series: Series) -> ValueCell | None:
    return next((t for t in series.targets if t.status is CellStatus.VALUE and t.value is not None), None)


def demo_values(series: Series, unit: str | None, rng: random.Random) -> dict[int, float]:
    """Invented actual values of one series per fiscal year (see the module docstring)."""
    base, target = series.baseline, _first_target(series)
    out: dict[int, float] = {}
    factor = rng.uniform(-0.6, 1.6)
    drift = rng.uniform(-0.08, 0.08)
    share = rng.uniform(0.3, 0.9)
    for year in YEARS:
        if base.value is not None and target is not None and target.value is not None:
            start = base.year or 2022
            end = target.year or 2030
            frac = (year - start) / max(1, end - start)
            value = base.value + (target.value - base.value) * frac * factor
            value += abs(base.value or 1) * rng.uniform(-0.01, 0.01)
        elif base.value is not None:
            value = base.value * (1 + drift * (year - YEARS[0] + 1) / len(YEARS))
        elif target is not None and target.value is not None:
            value = target.value * share * (0.9 + 0.1 * (year - YEARS[0]))
        else:
            continue
        if unit == "%":
            value = min(100.0, value)
        value = max(0.0, value)
        out[year] = round(value, _decimals(base if base.value is not None else target or base))
    if out and rng.random() < 0.1:
        out.pop(YEARS[-1], None)
    return out


def _plain(value: float) -> str:
    """A number without exponent or thousands separator (``1563000``, ``17.6``)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def make_rows() -> list[tuple[str, ...]]:
    """The CSV rows (without header) for every series of the bundled sample plans."""
    rng = random.Random(SEED)
    rows: list[tuple[str, ...]] = []
    for path in SEEDS:
        plan = read_plan(SourceText.from_text(path.name, path.read_text(encoding="utf-8")))
        for nodes, ind in plan.indicators():
            for series in ind.series:
                for year, value in demo_values(series, ind.unit, rng).items():
                    rows.append(
                        (
                            plan.doc,
                            " > ".join(n.title for n in nodes),
                            ind.name,
                            series.group or "",
                            ind.unit or "",
                            str(year),
                            _plain(value),
                            NOTE,
                        )
                    )
    return rows


def main() -> None:
    """Write :data:`OUTPUT`."""
    with Path(OUTPUT).open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(make_rows())
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
