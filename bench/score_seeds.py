"""Print the extraction scores of the bundled samples against their gold rows.

Usage: ``.venv/bin/python bench/score_seeds.py [--misses N]``
"""

from __future__ import annotations

import argparse

from machikpi.adapters.textfiles import read_source
from machikpi.core.errors import MachikpiError
from machikpi.core.reader import read_plan
from machikpi.core.rows import kpi_rows, opinion_rows
from machikpi.core.scoring import score_rows
from machikpi.samples import SEEDS, gold_rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--misses", type=int, default=10)
    a = ap.parse_args()
    kpi: list[dict] = []
    ops: list[dict] = []
    for path in SEEDS:
        try:
            plan = read_plan(read_source(path))
        except MachikpiError as e:
            print(f"{path.name}: {e}")
            continue
        kpi += kpi_rows(plan)
        ops += opinion_rows(plan)
    for kind, rows in (("kpi", kpi), ("opinions", ops)):
        for doc, s in score_rows(kind, gold_rows(kind), rows).items():
            print(f"{kind} {doc}: {s.summary()}")
            for m in s.misses[: a.misses]:
                print(f"    {m}")


if __name__ == "__main__":
    main()
