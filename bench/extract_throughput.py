"""Extraction throughput: the bundled sample plans read again and again up to 10 MB.

Usage: ``.venv/bin/python bench/extract_throughput.py [--mb 10]``

Prints the time to read the five samples once, and the throughput in KB/s
over a corpus of the samples repeated to the given size (each repetition is
a separate document, as a batch of municipalities' plans would be).
"""

from __future__ import annotations

import argparse
import time

from machikpi.core.reader import read_plan
from machikpi.core.source import SourceText
from machikpi.samples import SEEDS


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=10.0, help="corpus size in MB (default 10)")
    a = ap.parse_args()
    docs = [(p.name, p.read_text(encoding="utf-8")) for p in SEEDS]
    sizes = [len(text.encode("utf-8")) for _, text in docs]

    t0 = time.perf_counter()
    for name, text in docs:
        read_plan(SourceText.from_text(name, text))
    once = time.perf_counter() - t0
    print(f"five samples once: {sum(sizes) / 1024:.0f} KB in {once * 1000:.1f} ms")

    target = int(a.mb * 1024 * 1024)
    done = 0
    n = 0
    t0 = time.perf_counter()
    while done < target:
        name, text = docs[n % len(docs)]
        read_plan(SourceText.from_text(name, text))
        done += sizes[n % len(docs)]
        n += 1
    elapsed = time.perf_counter() - t0
    print(
        f"corpus: {done / 1024 / 1024:.1f} MB in {n} documents, {elapsed:.2f} s, {done / 1024 / elapsed:.0f} KB/s"
    )


if __name__ == "__main__":
    main()
