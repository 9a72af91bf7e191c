"""PDF input throughput: pages read per second, from PDF bytes to a ``Plan``.

Usage: ``.venv/bin/python bench/pdf_pages.py [--pages 100] [--workers 2] [--out DIR]``

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

Printed figures only; aim: ≥ 5 pages/s on 2 cores.
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
from machikpi.core.reader import read_plan
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=100, help="pages of the long plan (at least; default 100)")
    ap.add_argument("--workers", type=int, default=2, help="processes for the batch figure (default 2)")
    ap.add_argument("--out", type=Path, help="keep the PDFs in this folder")
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
        f"{total_pages / wall:.1f} pages/s"
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
        f"({cpu:.2f} s CPU; read_pdf {pdf_s:.2f} s, read_plan {plan_s:.2f} s): {long_pages / wall:.1f} pages/s"
    )
    if a.out is None:
        print(f"(PDFs in {folder})")


if __name__ == "__main__":
    main()
