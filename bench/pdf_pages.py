"""PDF input throughput: pages read per second, from PDF bytes to a ``Plan``.

Usage: ``.venv/bin/python bench/pdf_pages.py [--pages 100] [--workers 2] [--out DIR] [--scores]``

Builds the PDFs first (``machikpi.samples.pdf_samples``, WeasyPrint; not
timed): the five seeds in their test layouts, and a long plan of at least
``--pages`` pages made by printing the seed with the most KPI tables (003)
again and again. Then prints, as wall-clock and CPU seconds of this process:

- each seed: pages, time of ``read_pdf`` (pdfplumber → lines) and of
  ``read_plan`` (lines → Plan), pages per second;
- all seeds one after another: pages per second;
- the same documents read by ``--workers`` processes at once (a batch of
  uploads on a machine with that many cores): pages per second;
- the long plan: pages, time from PDF to Plan, pages per second.

Wall-clock figures depend on what else the machine runs; the CPU figures
are steadier. Printed figures only; aim: ≥ 5 pages/s on 2 cores. With ``--scores`` it
first prints each seed PDF's scores against the seed's gold (KPI rows,
opinion rows), as ``tests/test_pdf_input.py`` checks them.
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pdfplumber

from machikpi.adapters.pdf_text import read_pdf
from machikpi.adapters.textfiles import read_source
from machikpi.core.reader import read_plan
from machikpi.core.rows import kpi_rows, opinion_rows
from machikpi.core.scoring import score_rows
from machikpi.samples import gold_rows
from machikpi.samples.pdf_samples import SEED_STYLES, seed_pdf

LONG_SEED = "003_06b39d270299f45c.txt"


def page_count(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def read_one(path: Path) -> tuple[float, float, int]:
    """(seconds in read_pdf, seconds in read_plan, indicators) of one PDF."""
    data = path.read_bytes()
    t0 = time.perf_counter()
    source = read_pdf(data, name=path.name)
    t1 = time.perf_counter()
    plan = read_plan(source)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, sum(1 for _ in plan.indicators())


def print_scores(paths: list[Path]) -> None:
    """Recall, precision and field accuracy of each seed PDF against its seed's gold."""
    for kind, rows_of in (("kpi", kpi_rows), ("opinions", opinion_rows)):
        gold = gold_rows(kind)
        for path in paths:
            doc = path.stem + ".txt"
            if doc not in gold:
                continue
            source = read_source(path)
            rows = [dict(r, doc=doc) for r in rows_of(read_plan(source))]
            print(f"{kind} {path.name}: {score_rows(kind, {doc: gold[doc]}, rows)[doc].summary()}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=100, help="pages of the long plan (at least; default 100)")
    ap.add_argument("--workers", type=int, default=2, help="processes for the batch figure (default 2)")
    ap.add_argument("--out", type=Path, help="keep the PDFs in this folder")
    ap.add_argument(
        "--scores", action="store_true", help="print the seed PDFs' scores against the gold first"
    )
    a = ap.parse_args()
    folder = a.out or Path(tempfile.mkdtemp(prefix="machikpi-pdf-bench-"))
    folder.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    seeds: list[tuple[Path, int]] = []
    for name in SEED_STYLES:
        path = folder / name.replace(".txt", ".pdf")
        path.write_bytes(seed_pdf(name))
        seeds.append((path, page_count(path)))
    once = dict((p.name, n) for p, n in seeds)[LONG_SEED.replace(".txt", ".pdf")]
    repeat = math.ceil(a.pages / once)
    long_path = folder / f"long-{repeat}x-{LONG_SEED.replace('.txt', '.pdf')}"
    long_path.write_bytes(seed_pdf(LONG_SEED, repeat=repeat))
    long_pages = page_count(long_path)
    print(
        f"built {len(seeds)} seed PDFs and a {long_pages}-page plan in {time.perf_counter() - t0:.1f} s (not timed below)"
    )

    if a.scores:
        print_scores([p for p, _ in seeds])

    print(f"{'document':<30} {'pages':>5} {'read_pdf s':>10} {'read_plan s':>11} {'pages/s':>8}")
    total_pages = 0
    w0, c0 = time.perf_counter(), time.process_time()
    for path, pages in seeds:
        pdf_s, plan_s, _ = read_one(path)
        total_pages += pages
        print(f"{path.name:<30} {pages:>5} {pdf_s:>10.2f} {plan_s:>11.3f} {pages / (pdf_s + plan_s):>8.1f}")
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(
        f"all seeds, one process: {total_pages} pages in {wall:.2f} s wall ({cpu:.2f} s CPU): "
        f"{total_pages / wall:.1f} pages/s wall, {total_pages / cpu:.1f} pages per CPU second"
    )

    batch = [p for p, _ in seeds] * a.workers
    batch_pages = total_pages * a.workers
    w0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=a.workers) as pool:
        list(pool.map(read_one, batch))
    wall = time.perf_counter() - w0
    print(
        f"all seeds x{a.workers}, {a.workers} processes: {batch_pages} pages in {wall:.2f} s wall "
        f"(process start-up included): {batch_pages / wall:.1f} pages/s"
    )

    w0, c0 = time.perf_counter(), time.process_time()
    pdf_s, plan_s, indicators = read_one(long_path)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(
        f"long plan: {long_pages} pages, {indicators} indicators: PDF → Plan in {wall:.2f} s wall "
        f"({cpu:.2f} s CPU; read_pdf {pdf_s:.2f} s, read_plan {plan_s:.2f} s): {long_pages / wall:.1f} pages/s wall, "
        f"{long_pages / cpu:.1f} pages per CPU second"
    )
    if a.out is None:
        print(f"(PDFs in {folder})")


if __name__ == "__main__":
    main()
