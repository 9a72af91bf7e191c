"""Municipalities: proposed from the plan document, set on import, one per report and workbook."""

from __future__ import annotations

from pathlib import Path

import pytest

from machikpi.adapters.cli import main
from machikpi.adapters.textfiles import read_source
from machikpi.core.municipality import lookup, propose_municipality
from machikpi.core.reader import read_plan
from machikpi.samples import CORPUS, SEED_MUNICIPALITIES, SEEDS, corpus_text
from tests.storage_db import database_url, db

__all__ = ["database_url", "db"]


def _proposal(path: Path) -> tuple[str, str, str | None, str] | None:
    source = read_source(path)
    p = propose_municipality(read_plan(source).title, source.lines)
    if p is None:
        return None
    return p.municipality.name, p.municipality.prefecture, p.municipality.code, p.where


def test_seed_proposals() -> None:
    got = {p.name: _proposal(p) for p in SEEDS}
    # 000's pages (基本計画 第2章 重点戦略) print no municipality name: nothing is guessed.
    assert got["000_4cf7fbf0a1127527.txt"] is None
    assert got["001_f3abde356c42c768.txt"] == ("平塚市", "神奈川県", "142034", "text")
    assert got["002_9e8d8679760f1d1c.txt"] == ("伊豆の国市", "静岡県", "222259", "title")
    assert got["003_06b39d270299f45c.txt"] == ("伊勢崎市", "群馬県", "102041", "title")
    assert got["004_ce2878ebb8c6f072.txt"] == ("本庄市", "埼玉県", "112119", "text")
    for name, found in got.items():
        if found is not None:
            assert found[0] == SEED_MUNICIPALITIES[name]


def test_corpus_proposals_are_the_readme_municipalities() -> None:
    expected = {
        "01_oyabe.txt": "小矢部市",
        "02_anjo.txt": "安城市",
        "03_sabae.txt": "鯖江市",
        "05_ishinomaki.txt": "石巻市",
        "06_daisen.txt": "大仙市",
        "07_iyo.txt": "伊予市",
        "08_komae.txt": "狛江市",
        "09_mizunami.txt": "瑞浪市",
        "10_nishitokyo.txt": "西東京市",
        "11_zama.txt": "座間市",
        "15_matsudo_senryaku.txt": "松戸市",
    }
    for path in CORPUS:
        lines = corpus_text(path).splitlines()
        p = propose_municipality(next((s for s in lines if s.strip()), ""), lines)
        if path.name in expected:
            assert p is not None and p.municipality.name == expected[path.name], path.name
        else:  # 美馬市, かすみがうら市, 四日市市, 松戸市 (14): the excerpt prints no name of its own
            assert p is None, (path.name, p)


def test_title_forms() -> None:
    p = propose_municipality("福井県鯖江市まち・ひと・しごと創生総合戦略", [])
    assert p is not None and (p.municipality.label, p.municipality.code) == ("福井県鯖江市", "182079")
    # 東大和市 is not 大和市; 府中市 is two municipalities: the printed prefecture decides
    p = propose_municipality("東大和市総合計画", [])
    assert p is not None and p.municipality.name == "東大和市"
    p = propose_municipality("府中市総合計画", ["広島県府中市"])
    assert p is not None and p.municipality.prefecture == "広島県"
    p = propose_municipality("府中市総合計画", [])
    assert p is not None and p.municipality.code is None and len(p.candidates) == 2
    # a name not in the code list: proposed from the title's wording, without code
    p = propose_municipality("第2次みらい市総合計画", [])
    assert p is not None and (p.municipality.name, p.municipality.code) == ("みらい市", None)
    assert propose_municipality("本市の総合計画", ["市民の皆さまへ"]) is None
    assert [m.code for m in lookup("182079")] == ["182079"]
    assert [m.prefecture for m in lookup("府中市")] == ["東京都", "広島県"]


def _import(db: str, *files: Path, municipality: str | None = None) -> None:
    args = ["import", "--database", db, *map(str, files)]
    if municipality:
        args += ["--municipality", municipality]
    assert main(args) == 0


@pytest.mark.db
def test_import_sets_the_proposed_municipality_and_the_option_overrides(db: str) -> None:
    from machikpi.adapters.storage import models as m

    _import(db, SEEDS[0], SEEDS[2], SEEDS[3])
    owners = dict(m.Plan.objects.values_list("doc", "municipality__code"))
    assert owners == {SEEDS[0].name: None, SEEDS[2].name: "222259", SEEDS[3].name: "102041"}
    from machikpi.adapters.storage.municipalities import choose_owner, owner_docs

    assert owner_docs(choose_owner("団体未設定")) == [SEEDS[0].name]
    _import(db, SEEDS[0], municipality="平塚市")
    assert m.Plan.objects.get(doc=SEEDS[0].name).municipality.code == "142034"  # type: ignore[union-attr]
    # re-import without the option: the document names none, the plan keeps its municipality
    _import(db, SEEDS[0])
    assert m.Plan.objects.get(doc=SEEDS[0].name).municipality.name == "平塚市"  # type: ignore[union-attr]
    assert m.Municipality.objects.count() == 3


@pytest.mark.db
def test_report_is_of_one_municipality(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from machikpi.adapters.services.entries import import_actual_file
    from machikpi.samples import ROOT

    _import(db, SEEDS[2], SEEDS[3])
    lines = (ROOT / "demo_actuals.csv").read_text(encoding="utf-8-sig").splitlines()
    part = tmp_path / "part.csv"
    part.write_text(
        "\n".join([lines[0]] + [x for x in lines[1:] if x.startswith((SEEDS[2].name, SEEDS[3].name))]) + "\n",
        encoding="utf-8",
    )
    import_actual_file(part, who="test", warn=lambda _m: None)
    out = tmp_path / "r.html"
    assert main(["report", "--database", db, "--year", "2025", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "団体が複数あります" in err and "伊豆の国市（222259）" in err and "伊勢崎市（102041）" in err
    assert (
        main(["report", "--database", db, "--municipality", "伊勢崎市", "--year", "2025", "-o", str(out)])
        == 0
    )
    html = out.read_text(encoding="utf-8")
    assert "群馬県伊勢崎市 効果検証報告書" in html
    assert html.count('<section id="plan-') == 1 and "伊豆の国市まち・ひと" not in html
    assert (
        main(["report", "--database", db, "--municipality", "222259", "--year", "2025", "-o", str(out)]) == 0
    )
    html = out.read_text(encoding="utf-8")
    assert "第3期伊豆の国市まち・ひと・しごと創生総合戦略" in html and "伊勢崎市まち・ひと" not in html
    # a plan of another municipality, and an unknown municipality: clear errors
    args = ["report", "--database", db, "--municipality", "伊豆の国市", "--plan", SEEDS[3].name]
    assert main([*args, "-o", str(out)]) == 2
    assert "伊豆の国市の計画として保存されていません" in capsys.readouterr().err
    assert main(["report", "--database", db, "--municipality", "鯖江市", "-o", str(out)]) == 2
    assert "団体「鯖江市」は保存されていません" in capsys.readouterr().err
    # the entry workbook too
    wb = tmp_path / "entry.xlsx"
    assert main(["actuals", "template", "--database", db, "--year", "2025", "-o", str(wb)]) == 2
    assert "団体が複数あります" in capsys.readouterr().err
    assert (
        main(
            [
                "actuals",
                "template",
                "--database",
                db,
                "--year",
                "2025",
                "--municipality",
                "伊豆の国市",
                "-o",
                str(wb),
            ]
        )
        == 0
    )
    from machikpi.adapters.actual_entry import read_table

    docs = {str(cells.get("計画")) for _, cells in read_table(wb).rows}
    assert docs == {"第3期伊豆の国市まち・ひと・しごと創生総合戦略"}  # the workbook names plans by title


@pytest.mark.db
def test_public_site_shows_the_municipality_and_can_serve_one(db: str) -> None:
    from django.test import Client, override_settings

    from machikpi.adapters.storage import models as m

    _import(db, SEEDS[2], SEEDS[3])
    izu = m.Plan.objects.get(doc=SEEDS[2].name)
    ise = m.Plan.objects.get(doc=SEEDS[3].name)
    c = Client()
    home = c.get("/").content.decode()
    assert "静岡県伊豆の国市" in home and "群馬県伊勢崎市" in home  # the list of municipalities
    assert f"?municipality={ise.municipality_id}" in home
    english = c.get(f"/?municipality={ise.municipality_id}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "All municipalities" in english and "(1 plan)" in english
    one = c.get(f"/?municipality={ise.municipality_id}").content.decode()
    assert f"/plans/{ise.pk}/" in one and f"/plans/{izu.pk}/" not in one
    page = c.get(f"/plans/{ise.pk}/").content.decode()
    assert "群馬県伊勢崎市" in page  # on the plan page, and in the breadcrumbs of its pages
    node = m.Node.objects.filter(plan=ise).first()
    ind = m.Indicator.objects.filter(plan=ise).first()
    assert node is not None and ind is not None
    for url in (f"/plans/{ise.pk}/progress/", f"/nodes/{node.pk}/", f"/indicators/{ind.pk}/"):
        assert (
            f'?municipality={ise.municipality_id}" lang="ja">伊勢崎市</a>' in c.get(url).content.decode()
        ), url
    api = {p["doc"]: p["municipality"] for p in c.get("/api/plans/").json()["results"]}
    assert api[SEEDS[3].name] == {"name": "伊勢崎市", "prefecture": "群馬県", "code": "102041"}
    assert c.get(f"/api/plans/{izu.pk}/").json()["municipality"]["code"] == "222259"
    with override_settings(MACHIKPI_MUNICIPALITY="102041"):
        assert [p["doc"] for p in c.get("/api/plans/").json()["results"]] == [SEEDS[3].name]
        assert c.get(f"/api/plans/{izu.pk}/").status_code == 404
        home = c.get("/").content.decode()
        assert f"/plans/{ise.pk}/" in home and f"/plans/{izu.pk}/" not in home and "伊豆の国市" not in home
        assert c.get(f"/plans/{izu.pk}/").status_code == 404
        izu_ind = m.Indicator.objects.filter(plan=izu).first()
        assert izu_ind is not None and c.get(f"/indicators/{izu_ind.pk}/").status_code == 404
        assert c.get(f"/plans/{ise.pk}/").status_code == 200
        found = c.get("/search/", {"q": "まち・ひと・しごと"}).content.decode()
        assert f"/plans/{ise.pk}/" in found and f"/plans/{izu.pk}/" not in found


@pytest.mark.db
def test_staff_evaluation_is_of_one_municipality(db: str) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from machikpi.adapters.storage import models as m

    _import(db, SEEDS[2], SEEDS[3])
    user = get_user_model().objects.create_user("kikaku-test")
    m.StaffProfile.objects.create(user=user, role=m.StaffProfile.PLANNING)
    c = Client()
    c.force_login(user)
    page = c.get("/staff/evaluate/").content.decode()
    assert "静岡県伊豆の国市（222259）" in page and "群馬県伊勢崎市（102041）" in page
    r = c.post("/staff/evaluate/", {"year": 2025, "rules": "baseline-band"})
    assert r.status_code == 400 and "団体が複数あります" in r.content.decode()
    ise = m.Municipality.objects.get(code="102041")
    r = c.post("/staff/evaluate/", {"year": 2025, "rules": "baseline-band", "municipality": str(ise.pk)})
    assert r.status_code == 302
    evaluated = set(
        m.Evaluation.objects.values_list("series__indicator__plan__municipality__code", flat=True)
    )
    assert evaluated == {"102041"}
