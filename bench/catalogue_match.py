"""Bench of the catalogue matcher: precision and recall on the hand labels.

``src/machikpi/core/catalogue/labels.csv`` gives, for every gold indicator of
the seeds and of the corpus (``doc,name,group,concept``), the concept a
person read it as (empty: none of the catalogue). Each labelled row is matched
with its gold unit and definition by :func:`machikpi.core.catalogue.match`:

* a true positive: the matcher returns the labelled concept;
* a false positive: it returns a concept, and not the labelled one (or the
  row is labelled none);
* a false negative: the row has a concept and the matcher returns another or none.

Precision = TP / (TP + FP), recall = TP / (TP + FN). Aim: ≥ 0.9 and ≥ 0.8.

Run: ``.venv/bin/python bench/catalogue_match.py`` (prints the figures, then every miss).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

from machikpi.core.catalogue import match
from machikpi.samples import gold_rows


@dataclass(frozen=True)
class Outcome:
    """One labelled row: ``label`` (concept id or ``""``) and what the matcher
    said (``got``, ``""`` for none) with its score and reason."""

    doc: str
    name: str
    group: str
    unit: str | None
    label: str
    got: str
    score: float
    why: str


def labels() -> list[dict[str, str]]:
    """The rows of ``labels.csv`` (keys ``doc``, ``name``, ``group``, ``concept``)."""
    text = resources.files("machikpi.core.catalogue").joinpath("labels.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def outcomes() -> list[Outcome]:
    """Every labelled row matched with the unit and definition of its gold row.
    ``KeyError`` when a label names a row the gold does not have."""
    gold: dict[tuple[str, str, str], dict[str, object]] = {}
    for corpus in (False, True):
        for doc, rows in gold_rows("kpi", corpus=corpus).items():
            for r in rows:
                gold.setdefault((doc, r["name"], r["group"] or ""), r)
    out = []
    for row in labels():
        g = gold[(row["doc"], row["name"], row["group"])]
        unit = g.get("unit")
        definition = g.get("definition")
        m = match(
            row["name"],
            unit if isinstance(unit, str) else None,
            definition if isinstance(definition, str) else None,
        )
        out.append(
            Outcome(
                doc=row["doc"],
                name=row["name"],
                group=row["group"],
                unit=unit if isinstance(unit, str) else None,
                label=row["concept"],
                got=m.concept if m else "",
                score=m.score if m else 0.0,
                why=m.why if m else "",
            )
        )
    return out


def heldout(batch: str | None = None) -> list[Outcome]:
    """The rows of ``heldout.csv`` (names as typical plans print them, not from the
    samples, labelled by reading before the matcher was run on them), matched
    with their unit and no definition; only those of ``batch`` (``"1"``, ``"2"``)
    when given. Batch 1 was then used to fix the catalogue; batch 2 was written after."""
    text = resources.files("machikpi.core.catalogue").joinpath("heldout.csv").read_text(encoding="utf-8")
    out = []
    for row in csv.DictReader(text.splitlines()):
        if batch is not None and row["batch"] != batch:
            continue
        unit = row["unit"] or None
        m = match(row["name"], unit)
        out.append(
            Outcome(
                doc=f"heldout {row['batch']}",
                name=row["name"],
                group="",
                unit=unit,
                label=row["concept"],
                got=m.concept if m else "",
                score=m.score if m else 0.0,
                why=m.why if m else "",
            )
        )
    return out


def figures(rows: list[Outcome]) -> tuple[float, float, int, int, int]:
    """(precision, recall, TP, FP, FN) over ``rows`` (see the module docstring)."""
    tp = sum(1 for o in rows if o.label and o.got == o.label)
    fp = sum(1 for o in rows if o.got and o.got != o.label)
    fn = sum(1 for o in rows if o.label and o.got != o.label)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn


def report(title: str, rows: list[Outcome]) -> None:
    """Print the figures of ``rows`` and every row where the matcher and the label differ."""
    precision, recall, tp, fp, fn = figures(rows)
    labelled = sum(1 for o in rows if o.label)
    print(f"{title}: {len(rows)} rows, {labelled} with a concept, {len(rows) - labelled} with none")
    print(f"  precision {precision:.3f}  recall {recall:.3f}  (TP {tp}, FP {fp}, FN {fn})")
    for o in rows:
        if o.got != o.label:
            kind = "FP" if o.got and not o.label else ("FN" if not o.got else "wrong")
            print(
                f"  {kind:5} {o.doc[:16]:16} {o.name} [{o.unit or '-'}]"
                f"  label={o.label or '-'}  got={o.got or '-'} {o.score:.2f} {o.why}"
            )


def main() -> None:
    report(
        "labels.csv (gold of seeds and corpus; the catalogue was written with these names in view)",
        outcomes(),
    )
    report("heldout.csv batch 1 (names not from the samples; later used for fixes)", heldout("1"))
    report("heldout.csv batch 2 (names not from the samples, written after those fixes)", heldout("2"))


if __name__ == "__main__":
    main()
