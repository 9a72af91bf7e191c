"""PDF input: plan PDFs made from the seed texts (WeasyPrint) read back through
``read_source`` and the reader, against the seeds' gold, and each hard
feature of real municipal PDFs on its own.

The PDFs are built once per test session (``machikpi.samples.pdf_samples``);
facts about a PDF that a test relies on (a running header on every page, a
table running over pages, two columns, stacked characters) are checked on
the PDF itself with pdfplumber first, so a test cannot pass on a PDF that
lacks the feature it is about.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pdfplumber
import pytest

from machikpi.adapters.cli import main
from machikpi.adapters.pdf_text import NO_TEXT_LAYER
from machikpi.adapters.textfiles import read_source
from machikpi.core.errors import DocumentError
from machikpi.core.reader import read_plan
from machikpi.core.rows import kpi_rows, opinion_rows
from machikpi.core.scoring import score_rows
from machikpi.core.source import LinePosition, SourceText
from machikpi.samples import SEEDS_DIR, gold_rows
from machikpi.samples.pdf_samples import (
    CLOSING,
    SEED_STYLES,
    long_table_html,
    marks_html,
    render,
    scan_pdf,
    seed_pdf,
    two_column_html,
    vertical_html,
)

KPI_GOLD = gold_rows("kpi")
OPINION_GOLD = gold_rows("opinions")


def squash(text: str) -> str:
    """NFKC without white space: how two texts are compared regardless of wrapping."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def pdf_name(seed: str) -> str:
    return seed.replace(".txt", ".pdf")


@pytest.fixture(scope="session")
def seed_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("seed-pdfs")
    out: dict[str, Path] = {}
    for seed in SEED_STYLES:
        path = folder / pdf_name(seed)
        path.write_bytes(seed_pdf(seed))
        out[seed] = path
    return out


@pytest.fixture(scope="session")
def seed_sources(seed_pdfs: dict[str, Path]) -> dict[str, SourceText]:
    return {seed: read_source(path) for seed, path in seed_pdfs.items()}


@pytest.fixture(scope="session")
def feature_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The small PDFs of one feature each, and the PDFs that must fail."""
    folder = tmp_path_factory.mktemp("feature-pdfs")
    header, rows = kpi_table_rows("003_06b39d270299f45c.txt")
    docs = {
        "long-repeated.pdf": render(long_table_html(header, rows, repeat_header=True, title="長い表の例")),
        "long-once.pdf": render(long_table_html(header, rows, repeat_header=False, title="長い表の例")),
        "two-columns.pdf": render(two_column_html(prose("002_9e8d8679760f1d1c.txt"), title="二段組の例")),
        "vertical.pdf": render(vertical_html(title="縦書きの例")),
        "marks.pdf": render(marks_html(title="注記の例")),
        "scan.pdf": scan_pdf(),
        "encrypted.pdf": encrypted_pdf(),
        "broken.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis file ends here",
    }
    out: dict[str, Path] = {}
    for name, data in docs.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    return out


def kpi_table_rows(seed: str) -> tuple[list[str], list[list[str]]]:
    """The header of the seed's first KPI table and the rows of all its KPI tables."""
    header: list[str] = []
    rows: list[list[str]] = []
    for line in (SEEDS_DIR / seed).read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) == 3 and cells[0] == "指標名":
            header = header or cells
        elif len(cells) == 3 and header and cells[1].strip():
            rows.append(cells)
    return header, rows


def prose(seed: str) -> list[str]:
    """The first twelve long prose paragraphs of a seed (no table, no list)."""
    lines = (SEEDS_DIR / seed).read_text(encoding="utf-8").splitlines()
    out = [ln.strip() for ln in lines if len(ln.strip()) > 60 and "\t" not in ln and "$" not in ln]
    return out[:12]


def encrypted_pdf() -> bytes:
    """A one-page PDF encrypted with the standard security handler (RC4, revision
    2) and a user password that is not empty: it cannot be opened without it."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <"
        + b"11" * 32
        + b"> /U <"
        + b"22" * 32
        + b"> >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    file_id = b"<00112233445566778899aabbccddeeff>"
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [%s %s] >>\n" % (
        len(objs) + 1,
        file_id,
        file_id,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def page_texts(path: Path, pages: Sequence[int] = (1, 2, -1)) -> tuple[int, dict[int, str]]:
    """The number of pages and the text of some (1-based; -1 the last), as pdfplumber extracts it."""
    with pdfplumber.open(path) as pdf:
        n = len(pdf.pages)
        wanted = sorted({n if p == -1 else p for p in pages if (n if p == -1 else p) <= n})
        return n, {p: pdf.pages[p - 1].extract_text() or "" for p in wanted}


# --- the seeds' gold through the PDF path ---------------------------------------------------------


@pytest.mark.parametrize("doc", sorted(KPI_GOLD))
def test_pdf_kpi_rows_meet_gold(doc: str, seed_sources: dict[str, SourceText]) -> None:
    source = seed_sources[doc]
    assert source.name == pdf_name(doc)
    gold = [dict(row, doc=source.name) for row in KPI_GOLD[doc]]
    score = score_rows("kpi", {source.name: gold}, kpi_rows(read_plan(source)))[source.name]
    detail = score.summary() + "\n" + "\n".join(score.misses[:40])
    assert score.recall >= 0.95, detail
    assert score.precision >= 0.95, detail
    assert score.accuracy >= 0.95, detail


@pytest.mark.parametrize("doc", sorted(OPINION_GOLD))
def test_pdf_opinion_rows_meet_gold(doc: str, seed_sources: dict[str, SourceText]) -> None:
    source = seed_sources[doc]
    gold = [dict(row, doc=source.name) for row in OPINION_GOLD[doc]]
    score = score_rows("opinions", {source.name: gold}, opinion_rows(read_plan(source)))[source.name]
    detail = score.summary() + "\n" + "\n".join(score.misses[:40])
    assert score.recall == 1.0, detail
    assert score.accuracy >= 0.95, detail


# --- page furniture -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", sorted(SEED_STYLES))
def test_running_header_and_page_numbers_dropped(
    seed: str, seed_pdfs: dict[str, Path], seed_sources: dict[str, SourceText]
) -> None:
    style = SEED_STYLES[seed]
    n, texts = page_texts(seed_pdfs[seed])
    assert n >= 3
    # The PDF prints them: the title at the top of the pages, the page number at the bottom.
    for number, text in texts.items():
        first, last = text.splitlines()[0], text.splitlines()[-1]
        assert squash(first) == squash(style.title)
        assert squash(last) == (f"-{number}-" if style.page_numbers == "dash" else f"{number}/{n}")
    seed_lines = [squash(ln) for ln in (SEEDS_DIR / seed).read_text(encoding="utf-8").splitlines()]
    got = [squash(ln) for ln in seed_sources[seed].raw_lines]
    # Not one running title more than the seed's own text has.
    assert got.count(squash(style.title)) == seed_lines.count(squash(style.title))

    # Lines that look like page numbers are the seed's own (row numbers, a page
    # number left in the seed's text), not one of the PDF's.
    def numbers(lines: list[str]) -> list[str]:
        return [ln for ln in lines if re.fullmatch(r"-?\d+-?|\d+/\d+", ln)]

    assert numbers(got) == numbers(seed_lines)


# --- tables ---------------------------------------------------------------------------------------


def test_merged_header_cells(seed_sources: dict[str, SourceText]) -> None:
    # 000: 目標値 printed once over the two year columns, 指標名 and 策定時実績値 over both header rows.
    lines = seed_sources["000_4cf7fbf0a1127527.txt"].lines
    i = lines.index("指標名\t策定時実績値\t目標値\t目標値")
    assert lines[i + 1] == "\t\t(2027)\t(2031)"
    seed = (SEEDS_DIR / "000_4cf7fbf0a1127527.txt").read_text(encoding="utf-8").splitlines()
    assert lines.count("指標名\t策定時実績値\t目標値\t目標値") == seed.count(
        "指標名\t策定時実績値\t目標値 (2027)\t目標値 (2031)"
    )
    # 002: the first header cell merged over the year row, as the seed prints the table.
    lines = seed_sources["002_9e8d8679760f1d1c.txt"].lines
    i = lines.index("重要業績評価指標 (KPI)\t現状値\t目標値")
    assert lines[i + 1] == "\t令和6年度\t令和11年度"
    assert lines[i + 2] == "市内総生産額\t1,997億円\t2,097億円"


def test_value_merged_over_rows_goes_to_the_first_row(seed_sources: dict[str, SourceText]) -> None:
    # 000 prints 検討中 once for the three indicators of a table: the first row has it, the others not.
    lines = seed_sources["000_4cf7fbf0a1127527.txt"].lines
    i = next(k for k, ln in enumerate(lines) if ln.startswith("母親父親教室への男性の参加者数\t"))
    assert lines[i].split("\t")[1:] == ["—", "検討中", ""]
    assert lines[i + 1].split("\t")[1:] == ["集計中", "", ""]


def test_multi_line_cells_joined(seed_pdfs: dict[str, Path], seed_sources: dict[str, SourceText]) -> None:
    # 004's long indicator names wrap inside their cell in the PDF ...
    name = "審議会等における女性委員の割合 [法律・条例で設置されている附属機関の委員総数のうちの女性委員の占める割合]"
    source = seed_sources["004_ce2878ebb8c6f072.txt"]
    k = next(i for i, ln in enumerate(source.lines) if ln.startswith("審議会等における"))
    pos = source.position(k + 1)
    assert pos is not None
    _, texts = page_texts(seed_pdfs["004_ce2878ebb8c6f072.txt"], [pos.page])
    printed = [squash(ln) for ln in texts[pos.page].splitlines()]
    assert any(ln.startswith(squash("審議会等における女性委員")) for ln in printed)
    assert not any(squash(name) in ln for ln in printed)
    # ... and come out as one cell of one line.
    cells = source.lines[k].split("\t")
    assert len(cells) == 3
    assert squash(cells[0]) == squash(name)
    assert cells[1:] == ["23.3% ▶▶", "30.0%"]


def test_two_tables_on_one_page(seed_sources: dict[str, SourceText]) -> None:
    # 003 prints a 数値目標 table and a KPI table (or two KPI tables) on one page:
    # each keeps its header, and text stands between them.
    source = seed_sources["003_06b39d270299f45c.txt"]
    header = "指標名\t現状値 (令和元年度)\t目標値 (令和9年度)"
    at = [k for k, ln in enumerate(source.lines) if ln == header]
    page = {k: pos.page for k in at if (pos := source.positions[k]) is not None}
    pages = [page[k] for k in at]
    pairs = [(a, b) for a, b in itertools.pairwise(at) if page[a] == page[b]]
    assert pairs, pages
    for a, b in pairs:
        between = source.lines[a + 1 : b]
        assert any(ln and "\t" not in ln for ln in between)


@pytest.mark.parametrize("pdf", ["long-repeated.pdf", "long-once.pdf"])
def test_table_continued_across_pages(pdf: str, feature_pdfs: dict[str, Path]) -> None:
    header, rows = kpi_table_rows("003_06b39d270299f45c.txt")
    assert len(rows) >= 40
    n, texts = page_texts(feature_pdfs[pdf], [2])
    assert n >= 2
    # The header is printed again on page 2 only with <thead>.
    assert ("指標名" in texts[2]) == (pdf == "long-repeated.pdf")
    source = read_source(feature_pdfs[pdf])
    lines = source.lines
    start = lines.index("\t".join(header))
    assert lines.count("\t".join(header)) == 1
    body = lines[start + 1 : start + 1 + len(rows)]
    # Every row in order, one line each, with nothing between them: no blank line,
    # no running header or page number where the page breaks.
    assert [squash(ln) for ln in body] == [squash("".join(r)) for r in rows]
    assert all(ln.count("\t") == 2 for ln in body)
    pages = [p.page for p in source.positions[start + 1 : start + 1 + len(rows)] if p]
    assert len(pages) == len(rows)
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] >= 2
    assert lines[start + 1 + len(rows)] == ""
    assert lines[start + 2 + len(rows)] == "以上の指標により進捗を管理します。"


# --- vertical text, columns, full-width digits ------------------------------------------------------


def test_vertical_side_label_joined(seed_pdfs: dict[str, Path], seed_sources: dict[str, SourceText]) -> None:
    # 003's 数值目標 is printed beside its table, one character per line.
    with pdfplumber.open(seed_pdfs["003_06b39d270299f45c.txt"]) as pdf:
        page = next(p for p in pdf.pages if "值" in (p.extract_text() or ""))
        chars = page.chars
    second = next(c for c in chars if c["text"] == "值")

    def centre(c: dict) -> float:
        return (c["x0"] + c["x1"]) / 2

    first = next(
        c
        for c in chars
        if c["text"] == "数"
        and c["page_number"] == second["page_number"]
        and abs(centre(c) - centre(second)) < 2
    )
    assert 0 <= second["top"] - first["bottom"] < 2  # right under it
    lines = seed_sources["003_06b39d270299f45c.txt"].lines
    seed = (SEEDS_DIR / "003_06b39d270299f45c.txt").read_text(encoding="utf-8").splitlines()
    assert lines.count("数值目標") == seed.count("数值目標") == 6
    # As in the seed: the label, a blank line, the table.
    i = lines.index("数值目標")
    assert lines[i + 1 : i + 3] == ["", "指標名\t現状値 (令和元年度)\t目標値 (令和9年度)"]
    assert not [ln for ln in lines if ln in ("数", "值", "目", "標")]


def test_vertical_cell_and_rotated_labels(feature_pdfs: dict[str, Path]) -> None:
    with pdfplumber.open(feature_pdfs["vertical.pdf"]) as pdf:
        chars = pdf.pages[0].chars
    assert {c["text"] for c in chars if not c["upright"]} >= set("縦書きラベル上向き")
    lines = read_source(feature_pdfs["vertical.pdf"]).lines
    i = lines.index("分野\t指標名\t現状値\t目標値")
    assert lines[i + 1 : i + 4] == [
        "基本目標1\t新規求人数\t1,563件\t1,630件",
        "\t創業相談件数\t10件\t28件",
        "\t新規就農者数\t21人\t157人",
    ]
    assert "縦書きラベル" in lines  # rotated clockwise: read top to bottom
    assert "上向きラベル" in lines  # rotated counter-clockwise: read bottom to top


def test_raised_marks_and_boxed_text(feature_pdfs: dict[str, Path]) -> None:
    with pdfplumber.open(feature_pdfs["marks.pdf"]) as pdf:
        page = pdf.pages[0]
        base = next(c for c in page.chars if c["text"] == "合")
        mark = next(c for c in page.chars if c["text"] == "※")
        assert mark["size"] < base["size"] and mark["top"] < base["top"]  # raised and smaller
        assert page.rects or len(page.lines) >= 4  # the box is drawn
    lines = read_source(feature_pdfs["marks.pdf"]).lines
    # The raised mark stays where it is printed, in its line, without a TAB or space.
    assert "市民の満足度の割合※1は向上しています。" in lines
    assert "製造品出荷額等※\t11,942億円\t13,500億円" in lines
    # A box round text is a frame, not a one-cell table: its lines stay lines.
    assert "・地域の活動が活発になっています。" in lines
    assert "・市民の提案がまちづくりに活かされています。" in lines
    assert [ln for ln in lines if "\t" in ln] == [
        "指標名\t現状値\t目標値",
        "製造品出荷額等※\t11,942億円\t13,500億円",
    ]


def test_two_columns_read_column_by_column(feature_pdfs: dict[str, Path]) -> None:
    paragraphs = prose("002_9e8d8679760f1d1c.txt")
    with pdfplumber.open(feature_pdfs["two-columns.pdf"]) as pdf:
        page = pdf.pages[0]
        half = float(page.width) / 2
        words = page.extract_words()
    # The PDF is in two columns: text starts at the left margin and just right of the middle.
    assert any(w["x0"] < 60 for w in words) and any(half < w["x0"] < half + 40 for w in words)
    lines = read_source(feature_pdfs["two-columns.pdf"]).lines
    start, end = lines.index("第1章 序論"), lines.index(unicodedata.normalize("NFKC", CLOSING))
    body = [ln for ln in lines[start + 1 : end] if ln]
    assert squash("".join(body)) == squash("".join(paragraphs))
    # Wrapped lines are joined: about one line per paragraph (a paragraph split by a column or page break gives two).
    assert len(body) <= len(paragraphs) + 4


def test_full_width_digits_kept_raw_normalised_read(seed_sources: dict[str, SourceText]) -> None:
    source = seed_sources["003_06b39d270299f45c.txt"]
    k = next(i for i, ln in enumerate(source.lines) if ln.startswith("新規求人数\t"))
    assert source.raw_lines[k] == "新規求人数\t１,５６３件\t１,６３０件"
    assert source.lines[k] == "新規求人数\t1,563件\t1,630件"


# --- positions ----------------------------------------------------------------------------------------


def test_positions_record_page_and_box(
    seed_pdfs: dict[str, Path], seed_sources: dict[str, SourceText]
) -> None:
    source = seed_sources["003_06b39d270299f45c.txt"]
    assert len(source.positions) == len(source.lines)
    for line, pos in zip(source.lines, source.positions, strict=True):
        assert (pos is None) == (line == "")
    pages = [p.page for p in source.positions if p]
    assert pages == sorted(pages) and pages[0] == 1
    with pdfplumber.open(seed_pdfs["003_06b39d270299f45c.txt"]) as pdf:
        assert pages[-1] == len(pdf.pages)
        for name in ("創業相談件数", "妊婦健康診査受診率", "防犯灯設置数"):
            k = next(i for i, ln in enumerate(source.lines) if ln.startswith(name + "\t"))
            pos = source.position(k + 1)
            assert pos is not None
            page = pdf.pages[pos.page - 1]
            assert 0 <= pos.x0 < pos.x1 <= float(page.width) and 0 <= pos.top < pos.bottom <= float(
                page.height
            )
            # The name is printed on that page, inside the line's box.
            inside = [
                m
                for m in page.search(name)
                if pos.x0 <= m["x0"]
                and m["x1"] <= pos.x1
                and pos.top <= m["top"]
                and m["bottom"] <= pos.bottom
            ]
            assert len(inside) == 1, (name, pos)


def test_text_files_have_no_positions() -> None:
    source = SourceText.from_text("a.txt", "一\n二")
    assert source.positions == [] and source.position(1) is None
    with pytest.raises(ValueError):
        SourceText("a.txt", ["一", "二"], [LinePosition(1, 0, 0, 1, 1)])


# --- what cannot be read ------------------------------------------------------------------------------


def test_scan_without_text_layer(feature_pdfs: dict[str, Path]) -> None:
    path = feature_pdfs["scan.pdf"]
    with pdfplumber.open(path) as pdf:
        assert pdf.pages[0].images and not pdf.pages[0].chars
    with pytest.raises(DocumentError) as e:
        read_source(path)
    assert e.value.message == NO_TEXT_LAYER
    assert "テキスト層" in str(e.value) and "OCR" in str(e.value) and str(path) in str(e.value)


def test_encrypted_and_broken_pdfs(feature_pdfs: dict[str, Path]) -> None:
    with pytest.raises(DocumentError) as e:
        read_source(feature_pdfs["encrypted.pdf"])
    assert "暗号化" in e.value.message and e.value.doc == str(feature_pdfs["encrypted.pdf"])
    with pytest.raises(DocumentError) as e:
        read_source(feature_pdfs["broken.pdf"])
    assert "PDFとして読めません" in e.value.message and e.value.doc == str(feature_pdfs["broken.pdf"])


def test_cli_extracts_a_pdf_and_names_an_unreadable_one(
    seed_pdfs: dict[str, Path],
    feature_pdfs: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "rows.jsonl"
    assert main(["extract", str(seed_pdfs["002_9e8d8679760f1d1c.txt"]), "-o", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(KPI_GOLD["002_9e8d8679760f1d1c.txt"])
    capsys.readouterr()
    assert main(["extract", str(feature_pdfs["scan.pdf"])]) == 2
    err = capsys.readouterr().err
    assert str(feature_pdfs["scan.pdf"]) in err and "OCRは行いません" in err
