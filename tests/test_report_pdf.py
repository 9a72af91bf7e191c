"""The PDF report (``machikpi report -o FILE.pdf``), checked with poppler's tools.

The demo PDF is built once for the module the way a user would: ``machikpi
demo --no-serve`` (once per session, shared with tests/test_report.py) then
``machikpi report --year 2025 -o report.pdf`` in subprocesses. It is turned into PNG pages (``pdftoppm``), its text layer is
read (``pdftotext``) for the Japanese titles of the cover, the table of
contents and the goals, and its fonts are listed (``pdffonts``): only the
package's IPAexGothic is embedded — the machine has no Japanese font of its
own, so every Japanese glyph in the text layer came from ours. Missing
poppler skips locally and fails in CI (:func:`tests.conftest.require`).

The database test stores the hand-made plan of ``tests/test_report.py`` with
a committee comment and a stored audit finding made here, and finds both in
the PDF's text under their node.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from machikpi.adapters.reports.pdf import FONT_FAMILY, FONT_FILE
from tests.conftest import DemoRun, require
from tests.storage_db import database_url, db
from tests.test_report import COMMENT, FINDING, OLD_COMMENT, store_comment_and_finding

__all__ = ["database_url", "db"]

#: the SHA-256 the font's README states (Debian fonts-ipaexfont-gothic 00401-5, IPAexGothic 004.01)
IPAEXG_SHA256 = "3b9955a5e437ffb24c41548e79296fa724822da21ee75dc1b94f6ccdb8f400dd"


def _poppler() -> None:
    for tool in ("pdftoppm", "pdftotext", "pdffonts", "pdfinfo", "pdfimages"):
        require(shutil.which(tool) is not None, f"{tool} (poppler-utils)")


def _run(*cmd: str) -> str:
    r = subprocess.run(list(cmd), capture_output=True, text=True, check=False)
    assert r.returncode == 0, (cmd, r.stderr)
    return r.stdout


def _text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return _run("pdftotext", "-layout", *pages, str(pdf), "-")


def _pages(pdf: Path) -> int:
    m = re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(pdf)), re.M)
    assert m
    return int(m.group(1))


def _fonts(pdf: Path) -> list[list[str]]:
    """pdffonts' table rows (name, type, encoding, emb, sub, uni, object, id)."""
    lines = _run("pdffonts", str(pdf)).splitlines()
    assert lines[1].startswith("---"), lines
    return [line.split() for line in lines[2:] if line.strip()]


#: The demo's municipalities (one report each) and their plan with indicators.
DEMO_MUNICIPALITIES = ("平塚市", "伊豆の国市", "伊勢崎市", "本庄市")


@pytest.fixture(scope="module")
def demo_pdfs(tmp_path_factory: pytest.TempPathFactory, demo_run: DemoRun) -> Iterator[dict[str, Path]]:
    """The demo database's FY2025 report of each municipality as PDF, made by the command line.

    The demo is the session's (:func:`tests.conftest.demo_run`); the reports work on a copy
    of its database, so the demo's folder stays as the demo left it."""
    _poppler()
    assert demo_run.result.returncode == 0, demo_run.result.stderr
    out = tmp_path_factory.mktemp("demo-pdf")
    shutil.copyfile(demo_run.out / "machikpi.db", out / "machikpi.db")
    pdfs = {}
    for name in DEMO_MUNICIPALITIES:
        pdf = out / f"report-{name}.pdf"
        # the command line's report, keeping where each table cell was laid out (tests/pdf_layout.py)
        stdout = _run(
            sys.executable,
            "-m",
            "tests.pdf_layout",
            "report",
            "--database",
            f"sqlite:///{out / 'machikpi.db'}",
            "--municipality",
            name,
            "--year",
            "2025",
            "-o",
            str(pdf),
        )
        assert f"{pdf}: report of {name} for 令和7年度（2025年度）" in stdout
        pdfs[name] = pdf
    yield pdfs


@pytest.fixture(scope="module")
def demo_pdf(demo_pdfs: dict[str, Path]) -> Path:
    """The largest of the demo's reports: 伊勢崎市's (50 series)."""
    return demo_pdfs["伊勢崎市"]


@dataclass(frozen=True)
class Word:
    """A word of the PDF's text layer (``pdftotext -bbox-layout``), in points from the top left."""

    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def _words(pdf: Path) -> list[Word]:
    from xml.etree import ElementTree

    xhtml = _run("pdftotext", "-bbox-layout", str(pdf), "-")
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    root = ElementTree.fromstring(xhtml)
    out = []
    for k, page in enumerate(root.iterfind(".//h:page", ns)):
        for w in page.iterfind(".//h:word", ns):
            box = [float(w.attrib[a]) for a in ("xMin", "yMin", "xMax", "yMax")]
            out.append(Word(k, w.text or "", *box))
    return out


#: how far (points) a word may reach past its cell's border box: rounding of the two tools
CELL_SLACK = 0.6


def crossing_words(words: list[Word], cells: list[list[list[float]]]) -> list[tuple[Word, list[float]]]:
    """The words whose box leaves the table cell they start in, with that cell.

    A word belongs to the innermost cell (smallest box: a findings table inside a
    row of the indicators table) containing the middle of its left edge; words
    outside every table are not checked."""
    out = []
    for w in words:
        x, y = w.x0 + 0.1, (w.y0 + w.y1) / 2
        inside = [c for c in cells[w.page] if c[0] <= x <= c[2] and c[1] <= y <= c[3]]
        if not inside:
            continue
        cell = min(inside, key=lambda c: (c[2] - c[0]) * (c[3] - c[1]))
        if w.x1 > cell[2] + CELL_SLACK or w.y1 > cell[3] + CELL_SLACK:
            out.append((w, cell))
    return out


def test_crossing_words_finds_a_word_running_into_the_next_column() -> None:
    cells = [[[0.0, 0.0, 50.0, 20.0], [50.0, 0.0, 100.0, 20.0], [0.0, 20.0, 100.0, 40.0]]]
    fits = Word(0, "施策", 52.0, 4.0, 98.0, 12.0)
    runs_on = Word(0, "000_4cf7fbf0a1127527.txt:31", 2.0, 4.0, 71.0, 12.0)
    spanning = Word(0, "colspan", 2.0, 24.0, 90.0, 32.0)  # a cell across the whole table
    outside = Word(0, "heading", 2.0, 50.0, 300.0, 58.0)
    found = crossing_words([fits, runs_on, spanning, outside], cells)
    assert found == [(runs_on, cells[0][0])]


def test_demo_pdf_no_table_text_crosses_its_column(demo_pdfs: dict[str, Path]) -> None:
    n_cells = n_in_cells = 0
    findings = {}
    for name, pdf in demo_pdfs.items():
        cells = json.loads(Path(f"{pdf}.cells.json").read_text(encoding="utf-8"))
        assert len(cells) == _pages(pdf)
        n_cells += sum(map(len, cells))
        words = _words(pdf)
        # the words of the tables are there: the audit listing's headers and a line number column
        listing = [re.fullmatch(r"監査所見一覧（(\d+)件）", w.text) for w in words]
        counts = {int(m.group(1)) for m in listing if m}  # the heading, and its line in the contents
        assert len(counts) == 1, (pdf.name, counts)
        findings[name] = counts.pop()
        in_cells = [w for w in words if any(c[0] <= w.x0 + 0.1 <= c[2] for c in cells[w.page])]
        n_in_cells += len(in_cells)
        crossing = crossing_words(words, cells)
        assert not crossing, [(pdf.name, w.page + 1, w.text, round(w.x1 - c[2], 1)) for w, c in crossing[:20]]
    assert n_cells > 1000  # every table of the reports, not an empty layout
    assert n_in_cells > 2000
    # each plan's stored audit, in its municipality's report only
    assert findings == {"平塚市": 55, "伊豆の国市": 1, "伊勢崎市": 5, "本庄市": 2}


def test_demo_pdf_pages_render(demo_pdf: Path, tmp_path: Path) -> None:
    from PIL import Image

    n = _pages(demo_pdf)
    assert n >= 10  # cover, contents, the plan's goals, lists, audit, method
    assert "A4" in _run("pdfinfo", str(demo_pdf))
    _run("pdftoppm", "-png", "-r", "50", str(demo_pdf), str(tmp_path / "page"))
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == n
    with Image.open(pngs[0]) as cover:
        width, height = cover.size  # A4 (210 × 297 mm) at 50 dpi: 413 × 585 px, ± rounding
        assert abs(width - 413) <= 1 and abs(height - 585) <= 1, cover.size
        dark = sum(cover.convert("L").histogram()[:128])  # pixels darker than mid grey
        assert dark > 500, "the cover page is blank"
    # the charts are drawn: the actual values' blue (#1f5fa8) appears on the goal pages
    goal_page = next(k for k in range(3, n + 1) if "推移" in _text(demo_pdf, k, k))
    with Image.open(pngs[goal_page - 1]) as page:
        rgb = np.asarray(page.convert("RGB")).astype(int)
        r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
        blue = int(((b > 140) & (b - r > 70) & (b - g > 30)).sum())
        assert blue > 20, f"no chart marks on page {goal_page}"


def test_demo_pdf_text_layer_has_the_japanese_titles(demo_pdfs: dict[str, Path]) -> None:
    izu = demo_pdfs["伊豆の国市"]
    cover = _text(izu, 1, 1)
    assert "効果検証報告書" in cover and "令和7年度（2025年度）" in cover
    assert "静岡県伊豆の国市" in cover and "第3期伊豆の国市まち・ひと・しごと創生総合戦略" in cover
    assert "baseline-band" in cover
    assert not re.search(r"\d+ / \d+", cover)  # no page number on the cover
    # each goal's line of the contents ends with the page its heading is on
    found = set()
    for pdf in demo_pdfs.values():
        n = _pages(pdf)
        contents = _text(pdf, 2, 2)
        assert "目次" in contents and f"2 / {n}" in contents
        entries = re.findall(r"^\s*(\d \S+.*?)\s*\.{3,}\s*(\d+)\s*$", contents, re.M)
        goals = {title.rstrip(". "): page for title, page in entries}
        for heading in ("1 しごとの創生", "3 まちの創生", "1 稼ぐ力と新しい価値を生み出すしごとをつくる"):
            if heading in goals:
                found.add(heading)
                page = int(goals[heading])
                text = _text(pdf, page, page)
                assert heading in text and f"{page} / {n}" in text
        # the running header of every page after the contents is the title of the plan on the cover
        own_cover = _text(pdf, 1, 1)
        heads = {_text(pdf, k, k).lstrip().splitlines()[0].split("  ")[0] for k in range(3, n + 1)}
        titles = {line.replace(" ", "") for line in own_cover.splitlines() if line.strip()}
        assert {h.replace(" ", "") for h in heads} <= titles, (heads, titles)
        assert len(heads) == 1 and not [h for h in heads if ".txt" in h], heads
    assert found == {"1 しごとの創生", "3 まちの創生", "1 稼ぐ力と新しい価値を生み出すしごとをつくる"}
    texts = {name: _text(pdf) for name, pdf in demo_pdfs.items()}
    whole = "\n".join(texts.values())
    for word in ("基本目標", "達成率", "進捗率", "評価", "監査所見一覧", "評価の方法", "推移"):
        assert word in whole, word
    # a value with its unit and year, as in the HTML report (伊勢崎市 1-1 新規求人数)
    assert re.search(r"1,563件\s*（2019）|1,563件\s*\n", texts["伊勢崎市"])
    assert "目標値が記載されていません" in texts["平塚市"]  # an audit finding of 基本計画 第2章
    assert "\ufffd" not in whole  # no replacement character: every glyph mapped
    # a committee document: no audit code (check ids, cell names), no file name as a title
    from machikpi.core.audit import CHECKS

    assert not [c for c in CHECKS if c in whole]
    assert not re.search(r"(target|notes)\[\d\]", whole) and "目標値（1つ目）" in whole
    # a report never holds another municipality's plan
    for name, text in texts.items():
        flat = text.replace(" ", "")
        for other in DEMO_MUNICIPALITIES:
            if other != name:
                assert f"{other}まち・ひと・しごと" not in flat, (name, other)
    # the goal summary counts the cannot-grade grade: 基本計画 第2章 (平塚市) has no target, all −
    summary = re.search(
        r"基本目標ごとの評価の集計\s+基本目標\s+S\s+A\s+B\s+C\s+評価不能\s+計\s+（−）(.*?)委員会",
        texts["平塚市"],
        re.S,
    )
    assert summary, "summary table"
    rows = re.findall(r"^\s*(\d [^\d\n]+?)\s+((?:\d+\s+){5}\d+)\s*$", summary.group(1), re.M)
    assert rows and all(c.split()[:4] == ["0"] * 4 and c.split()[4] == c.split()[5] for _, c in rows), rows


def test_demo_pdf_embeds_only_the_package_font(demo_pdf: Path) -> None:
    fonts = _fonts(demo_pdf)
    assert fonts
    for row in fonts:
        name, emb = row[0], row[-5]
        # subset prefix "ABCDEF+", then the @font-face family of the bundled file (bold synthesised)
        assert re.fullmatch(rf"[A-Z]{{6}}\+{FONT_FAMILY}(-Bold)?", name), row
        assert emb == "yes", row
    # the family is declared only from the package's file, which is the vendored IPAexGothic
    import machikpi

    assert FONT_FILE.is_relative_to(Path(machikpi.__file__).resolve().parent)
    assert hashlib.sha256(FONT_FILE.read_bytes()).hexdigest() == IPAEXG_SHA256
    assert (FONT_FILE.parent / "IPA_Font_License_Agreement_v1.0.txt").is_file()
    # the charts are vectors: no raster image in the file
    images = _run("pdfimages", "-list", str(demo_pdf)).splitlines()
    assert len(images) == 2, images  # the two header lines only


@pytest.mark.db
def test_pdf_has_comments_and_stored_findings_under_their_node(db: str, tmp_path: Path) -> None:
    _poppler()
    from machikpi.adapters.cli import main

    store_comment_and_finding()
    pdf = tmp_path / "r.pdf"
    assert main(["report", "--database", db, "--year", "2023", "-o", str(pdf)]) == 0
    text = re.sub(r"\s+", " ", _text(pdf))
    goal1 = text.index("1 しごとをつくる 指標")  # the goal's heading and its counts line
    goal2 = text.index("2 子育てを支える 指標")
    node = text.index("1-1 雇用の場をつくる", goal1)
    assert goal1 < node < text.index(COMMENT, node) < goal2
    assert text.index("山田委員", node) < goal2
    assert node < text.index(FINDING, node) < goal2
    assert OLD_COMMENT not in text
    listing = text.index("監査所見一覧（1件）", goal2)
    assert FINDING in text[listing:]
    # the line, with the document named once above the listing
    compact = text[listing:].replace(" ", "")  # the layout breaks the note's Japanese lines
    assert re.search(
        r"行は計画書ファイル（hand-made-strategy.txt）の行番号です。重大度検査行施策指標所見要確認\S+42",
        compact,
    )
