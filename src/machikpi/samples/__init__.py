"""The bundled sample plans (public documents) and their reference extractions.

``SEEDS`` lists the sample documents; ``gold_rows(kind)`` reads the
hand-made reference rows (``kind`` is ``"kpi"`` or ``"opinions"``), keyed by
document file name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
SEEDS_DIR = ROOT / "seeds"
GOLD_DIR = ROOT / "gold"
SEEDS: tuple[Path, ...] = tuple(sorted(SEEDS_DIR.glob("*.txt")))
#: Real texts of other municipalities with hand-made gold (see ``corpus/README.md``).
CORPUS_DIR = ROOT / "corpus"
CORPUS: tuple[Path, ...] = tuple(sorted((CORPUS_DIR / "raw").glob("*.txt")))


def gold_rows(kind: str, *, corpus: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Reference rows of ``kind`` (``"kpi"`` or ``"opinions"``) per document name,
    of the seeds or, with ``corpus=True``, of the corpus of other municipalities."""
    out: dict[str, list[dict[str, Any]]] = {}
    root = CORPUS_DIR / "gold" if corpus else GOLD_DIR
    for path in sorted((root / kind).glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        out[path.stem + ".txt"] = [json.loads(line) for line in lines if line.strip()]
    return out


def corpus_text(path: Path) -> str:
    """The document text of a corpus file: the collector's added lines (those
    starting with ``# ``: source, retrieval date, page markers) left out, as
    the corpus README describes them."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("# "))
