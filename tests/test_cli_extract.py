"""``machikpi extract`` as a user runs it: output files, formats and error messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from machikpi.adapters.cli import main
from machikpi.samples import SEEDS


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "machikpi.adapters.cli", *args], capture_output=True, text=True, check=False
    )


def test_extract_writes_kpi_rows_of_all_samples(tmp_path: Path) -> None:
    out = tmp_path / "kpi.jsonl"
    assert main(["extract", *map(str, SEEDS), "--format", "kpi-rows", "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    docs = {r["doc"] for r in rows}
    # Four of the five samples have KPI tables; the fifth is an opinion table.
    assert len(docs) == 4
    for r in rows:
        assert set(r) >= {"doc", "path", "codes", "role", "name", "unit", "cumulative", "baseline", "targets"}
        assert r["baseline"]["status"] in {"value", "none", "pending", "tallying"}


def test_extract_writes_opinion_rows(tmp_path: Path) -> None:
    out = tmp_path / "op.jsonl"
    assert main(["extract", *map(str, SEEDS), "--format", "opinion-rows", "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["number"] for r in rows] == list(range(1, 11))  # the table prints № 1 to 10


def test_extract_json_has_hierarchy_and_links(tmp_path: Path) -> None:
    out = tmp_path / "plans.json"
    assert main(["extract", *map(str, SEEDS), "--format", "json", "-o", str(out)]) == 0
    plans = json.loads(out.read_text(encoding="utf-8"))
    assert len(plans) == 5
    assert all(p["nodes"] for p in plans)
    assert any(p["links"] for p in plans)  # the 総合計画 sample has 政策連携プラン


def test_missing_file_is_a_clear_error() -> None:
    r = run("extract", "/no/such/plan.txt")
    assert r.returncode == 2
    assert "/no/such/plan.txt" in r.stderr
    assert "Traceback" not in r.stderr


def test_binary_file_is_a_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "plan.pdf"
    f.write_bytes(b"%PDF-1.7\x00\x01\x02")
    r = run("extract", str(f))
    assert r.returncode == 2
    assert "plan.pdf" in r.stderr and "Traceback" not in r.stderr


def test_text_that_is_no_plan_is_a_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "minutes.txt"
    f.write_text("会議録\n本日の議題は以上です。\n", encoding="utf-8")
    r = run("extract", str(f))
    assert r.returncode == 2
    assert "minutes.txt" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_reads_shift_jis_and_bom(tmp_path: Path, encoding: str) -> None:
    seed = next(p for p in SEEDS if p.name.startswith("003"))
    f = tmp_path / seed.name
    f.write_bytes(seed.read_text(encoding="utf-8").encode(encoding, errors="replace"))
    out = tmp_path / "kpi.jsonl"
    assert main(["extract", str(f), "-o", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) >= 45


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-16-be"])
def test_reads_utf16_and_utf32_with_a_bom(tmp_path: Path, encoding: str) -> None:
    seed = next(p for p in SEEDS if p.name.startswith("003"))
    f = tmp_path / seed.name
    text = seed.read_text(encoding="utf-8")
    f.write_bytes(("\ufeff" + text).encode(encoding) if encoding.endswith("-be") else text.encode(encoding))
    out = tmp_path / "kpi.jsonl"
    assert main(["extract", str(f), "-o", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) >= 45


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-32-le"])
def test_utf16_or_utf32_without_a_bom_is_named(tmp_path: Path, encoding: str) -> None:
    f = tmp_path / "plan.txt"
    f.write_bytes("基本目標1 しごとをつくる\nKPI 12人\n".encode(encoding))
    r = run("extract", str(f))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "BOM のない UTF-16 または UTF-32" in r.stderr and "PDF" not in r.stderr
