"""Per-document recall, precision and field accuracy of the reader, and its throughput.

Usage: ``.venv/bin/python bench/score_reader.py [--misses N] [--mb 2]``

Scores the five bundled samples and the corpus of other municipalities'
real texts (``samples/corpus``) against their hand-made gold, with the
project's scorer (``core/scoring.py``, the rules of ``docs/kpi-rows.md``), then
prints the throughput of ``read_plan`` over the samples and the corpus
repeated to ``--mb`` megabytes (each repetition a separate document). The
reader caches pure per-cell tests, so repeated documents run somewhat
faster than new ones would; the first pass over each document is printed
apart for that reason.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import time
from typing import Any, cast

from machikpi.core.errors import MachikpiError
from machikpi.core.reader import read_plan
from machikpi.core.rows import kpi_rows, opinion_rows
from machikpi.core.scoring import score_rows
from machikpi.core.source import SourceText
from machikpi.samples import CORPUS, SEEDS, corpus_text, gold_rows


def _docs() -> list[tuple[str, str, bool]]:
    seeds = [(p.name, p.read_text(encoding="utf-8"), False) for p in SEEDS]
    corpus = [(p.name, corpus_text(p), True) for p in CORPUS]
    return seeds + corpus


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--misses", type=int, default=0, help="misses to print per document")
    ap.add_argument("--mb", type=float, default=2.0, help="throughput corpus size in MB")
    ap.add_argument("--workers", type=int, default=2, help="processes for the throughput run (2 cores here)")
    a = ap.parse_args()
    docs = _docs()
    rows: dict[bool, tuple[list[dict], list[dict]]] = {False: ([], []), True: ([], [])}
    t0 = time.perf_counter()
    for name, text, corpus in docs:
        try:
            plan = read_plan(SourceText.from_text(name, text))
        except MachikpiError as e:
            print(f"{name}: not read: {e}")
            continue
        rows[corpus][0].extend(cast("list[dict[str, Any]]", kpi_rows(plan)))
        rows[corpus][1].extend(opinion_rows(plan))
    first = time.perf_counter() - t0
    for corpus, label in ((False, "seeds"), (True, "corpus")):
        kpi, ops = rows[corpus]
        for kind, got in (("kpi", kpi), ("opinions", ops)):
            scores = score_rows(kind, gold_rows(kind, corpus=corpus), got)
            g = sum(s.gold for s in scores.values())
            m = sum(s.matched for s in scores.values())
            p = sum(s.pred for s in scores.values())
            f = sum(s.fields for s in scores.values())
            eq = sum(s.equal for s in scores.values())
            for doc, s in scores.items():
                print(f"{label} {kind} {doc}: {s.summary()}")
                for miss in s.misses[: a.misses]:
                    print(f"    {miss}")
            if g:
                print(
                    f"{label} {kind} total: recall {m / g:.3f} precision {m / p if p else 0:.3f} "
                    f"field accuracy {eq / f if f else 0:.3f} ({m}/{g} rows, {eq}/{f} fields)"
                )
    size = sum(len(t.encode("utf-8")) for _, t, _ in docs)
    print(
        f"first pass: {len(docs)} documents, {size / 1024:.0f} KB in {first:.2f} s ({size / 1024 / first:.0f} KB/s)"
    )
    target = int(a.mb * 1024 * 1024)
    batch: list[tuple[str, str]] = []
    done = 0
    while done < target:
        name, text, _ = docs[len(batch) % len(docs)]
        batch.append((name, text))
        done += len(text.encode("utf-8"))
    for workers in sorted({1, a.workers}):
        t0 = time.perf_counter()
        if workers == 1:
            for item in batch:
                _read_one(item)
        else:
            with multiprocessing.Pool(workers) as pool:
                pool.map(_read_one, batch, chunksize=8)
        elapsed = time.perf_counter() - t0
        print(
            f"throughput, {workers} process(es): {done / 1024 / 1024:.1f} MB in {len(batch)} documents, "
            f"{elapsed:.2f} s, {done / 1024 / 1024 / elapsed:.2f} MB/s"
        )


def _read_one(item: tuple[str, str]) -> None:
    with contextlib.suppress(MachikpiError):
        read_plan(SourceText.from_text(*item))


if __name__ == "__main__":
    main()
