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
#: The municipality of each sample (from the samples' notes, ``gold/NOTES-*.md``); the reader
#: proposes it from the text for all but ``000`` (its pages print no municipality name), so
#: ``machikpi demo`` gives that one its municipality and the tests check the others' proposals.
SEED_MUNICIPALITIES: dict[str, str] = {
    "000_4cf7fbf0a1127527.txt": "平塚市",
    "001_f3abde356c42c768.txt": "平塚市",
    "002_9e8d8679760f1d1c.txt": "伊豆の国市",
    "003_06b39d270299f45c.txt": "伊勢崎市",
    "004_ce2878ebb8c6f072.txt": "本庄市",
}
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
