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


def gold_rows(kind: str) -> dict[str, list[dict[str, Any]]]:
    """Reference rows of ``kind`` (``"kpi"`` or ``"opinions"``) per document name."""
    out: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((GOLD_DIR / kind).glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        out[path.stem + ".txt"] = [json.loads(line) for line in lines if line.strip()]
    return out
