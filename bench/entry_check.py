"""Bench of checking an entry file (実績値) against the database: rows per second (issue 13.9).

Generates synthetic stored plans (``--plans`` × ``--indicators``, one series
per indicator, a baseline and a target cell each, under two levels of
nodes), writes the entry table of fiscal 2024 with a value in every row (as
a filled template: ID, 指標名, 区分, 単位, 年度, 実績値), then measures
:func:`~machikpi.adapters.services.entries.validate_stored` — everything the CLI
import and the web upload check before any write — twice:

(a) every value new (nothing stored for 2024);
(b) every value an update (after the values were recorded; not timed).

Prints the rows, seconds and rows per second of each, and the number of
database queries. Generation is not measured. Aim: ≥ 1,000 rows/s on
PostgreSQL.

Run: ``.venv/bin/python bench/entry_check.py [--database URL] [--plans 15 --indicators 1000]``.
Default database: ``$PG_TEST_URL``, else ``postgresql://postgres@127.0.0.1:5432/test``;
the bench works in a schema of its own (``machikpi_bench_<pid>``), dropped at
the end. A ``sqlite:///FILE`` URL (a new file) works too.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any
from urllib.parse import quote

YEAR = 2024


def make_plan(doc: str, indicators: int) -> Any:
    """A synthetic plan: goals of 10 measures of 10 indicators each (units 人, 件, %)."""
    from machikpi.core.model import CellStatus, Indicator, Node, Plan, Role, Series, ValueCell, YearType

    def cell(value: float, year: int, unit: str) -> ValueCell:
        return ValueCell(
            raw=f"{value:g}{unit}",
            status=CellStatus.VALUE,
            value=value,
            year=year,
            year_type=YearType.FISCAL,
            unit=unit,
        )

    goals: list[Node] = []
    k = 0
    while k < indicators:
        g = len(goals) + 1
        goal = Node(level="基本目標", code=str(g), title=f"基本目標{g}")
        for m in range(1, 11):
            measure = Node(level="施策", code=f"{g}-{m}", title=f"施策{g}-{m}")
            for _ in range(10):
                if k >= indicators:
                    break
                unit = ("人", "件", "%")[k % 3]
                base = 10.0 + k % 97
                measure.indicators.append(
                    Indicator(
                        role=Role.KPI,
                        name=f"指標{k}",
                        raw_name=f"指標{k}",
                        unit=unit,
                        series=[
                            Series(
                                group=None,
                                baseline=cell(base, 2019, unit),
                                targets=[cell(base * 1.2, 2027, unit)],
                            )
                        ],
                    )
                )
                k += 1
            goal.children.append(measure)
        goals.append(goal)
    return Plan(doc=doc, title=f"{doc} 総合戦略", layout="bench", nodes=goals)


def entry_table(year: int) -> Any:
    """The entry table of ``year``: every stored series, a value in each row."""
    from machikpi.adapters.actual_entry import (
        GROUP,
        ID,
        NAME,
        UNIT,
        VALUE,
        YEAR,
        CellValue,
        Table,
        Unreadable,
    )
    from machikpi.adapters.storage.actuals import series_info

    rows: list[tuple[int, dict[str, CellValue | Unreadable]]] = []
    for n, info in enumerate(series_info(year), start=2):
        rows.append(
            (
                n,
                {
                    ID: info.series_id,
                    NAME: info.name,
                    GROUP: info.group or "",
                    UNIT: info.unit or "",
                    YEAR: year,
                    VALUE: f"{11 + n % 89}",
                },
            )
        )
    return Table(file="bench.csv", sheet=None, columns=[ID, NAME, GROUP, UNIT, YEAR, VALUE], rows=rows)


def measure(label: str, table: Any) -> Any:
    """Time :func:`validate_stored` on ``table``; print rows/s and queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from machikpi.adapters.services.entries import validate_stored

    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        checked = validate_stored(table)
        dt = time.perf_counter() - t0
    assert not checked.errors, checked.errors[:3]
    n = len(table.rows)
    print(
        f"{label}: {n:,} rows in {dt:.2f} s = {n / dt:,.0f} rows/s ({len(queries.captured_queries)} queries)"
    )
    return checked


def main() -> None:
    """Generate, then measure (module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--database", default=os.environ.get("PG_TEST_URL", "postgresql://postgres@127.0.0.1:5432/test")
    )
    ap.add_argument("--plans", type=int, default=15)
    ap.add_argument("--indicators", type=int, default=1000)
    args = ap.parse_args()

    url = args.database
    schema = None
    if url.startswith("postgres"):
        import psycopg

        schema = f"machikpi_bench_{os.getpid()}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        url = f"{url}{'&' if '?' in url else '?'}options={quote(f'-c search_path={schema}')}"
    try:
        from machikpi.adapters.django_settings import setup

        setup(url)
        from django.db import transaction

        from machikpi.adapters.services.entries import record_entries
        from machikpi.adapters.storage.plans import store_plan

        t0 = time.perf_counter()
        with transaction.atomic():
            for p in range(args.plans):
                store_plan(make_plan(f"bench-{p:03d}.txt", args.indicators))
        table = entry_table(YEAR)
        print(
            f"generated {args.plans} plans, {len(table.rows):,} series in {time.perf_counter() - t0:.1f} s ({url.split('?')[0]})"
        )
        checked = measure("new values  ", table)
        record_entries(checked.entries, who="bench", status="approved", source="bench")
        measure("update values", entry_table(YEAR))
    finally:
        if schema is not None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(args.database, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    main()
