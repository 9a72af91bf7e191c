"""Tests of the plan audit (machikpi.core.audit) and ``machikpi audit``.

Every check has a crafted plan that triggers it and one that does not; the
real seed 002 is checked for the two rationale cases the brief names (values
read off the seed: l.269 市内総生産額 1,997億円 → 2,097億円 with the formula
199,717百万円×1.05=209,702百万円≈209,700百万円 on l.273; l.437 人身事故発生件数
151件 → 143件 with 「目標値を150件と設定した」 on l.441).
"""

from __future__ import annotations

import json

import pytest

from machikpi.adapters.cli import main
from machikpi.adapters.textfiles import read_source
from machikpi.core.audit import CHECKS, Finding, PlanPeriod, audit_plan, findings_to_json, period_from_text
from machikpi.core.audit.arithmetic import formulas
from machikpi.core.audit.numbers import convert, normalise_note
from machikpi.core.audit.ocr import letters_in_number
from machikpi.core.audit.period import infer_period
from machikpi.core.model import Indicator, Node, Plan, Role, Series, SourceRef, ValueCell
from machikpi.core.quantities import read_cell
from machikpi.core.reader import read_plan
from machikpi.samples import SEEDS_DIR


def cell(raw: str, year: int | None = None) -> ValueCell:
    c = read_cell(raw)
    if year is not None:
        c.year = year
    return c


def ind(
    name: str,
    base: str,
    targets: list[str],
    *,
    base_year: int | None = 2024,
    target_years: list[int | None] | None = None,
    notes: list[str] | None = None,
    cumulative: bool = False,
    role: Role = Role.KPI,
    line: int = 10,
    group: str | None = None,
) -> Indicator:
    years = target_years or [2029] * len(targets)
    b = cell(base, base_year)
    ts = [cell(t, y) for t, y in zip(targets, years, strict=True)]
    unit = next((c.unit for c in (b, *ts) if c.unit), None)
    return Indicator(
        role=role,
        name=name,
        raw_name=name,
        unit=unit,
        series=[Series(group, b, ts)],
        cumulative=cumulative,
        notes=notes or [],
        source=SourceRef("t.txt", line),
    )


def plan(*inds: Indicator, node_code: str = "1") -> Plan:
    node = Node("施策", node_code, "テスト施策", indicators=list(inds))
    return Plan(
        doc="t.txt", title="テスト計画", layout="test", nodes=[Node("基本目標", "1", "目標", children=[node])]
    )


def run(p: Plan, check: str, period: PlanPeriod | None = None) -> list[Finding]:
    return audit_plan(p, checks=[check], period=period)


# -- value checks ------------------------------------------------------------


def test_target_missing() -> None:
    found = run(plan(ind("空き家の数", "120戸", [""])), "target-missing")
    assert [f.check for f in found] == ["target-missing"]
    assert found[0].line == 10 and found[0].node_code == "1" and found[0].indicator == "空き家の数"
    assert found[0].node_path == ("目標", "テスト施策")
    assert run(plan(ind("空き家の数", "120戸", ["100戸"])), "target-missing") == []
    # A 満足度 row printed without a target column is monitored, not a defect.
    sat = ind("満足度", "30.6%", [], role=Role.SATISFACTION)
    assert run(plan(sat), "target-missing") == []


def test_target_pending() -> None:
    found = run(
        plan(ind("参加者数", "12人", ["検討中", "集計中"], target_years=[2027, 2031])), "target-pending"
    )
    assert len(found) == 2 and "2027" in found[0].message and "集計中" in found[1].message
    assert found[0].cell == "target[0]"
    assert run(plan(ind("参加者数", "12人", ["20人"])), "target-pending") == []


def test_baseline_missing() -> None:
    found = run(plan(ind("新規事業数", "—", ["5件"])), "baseline-missing")
    assert len(found) == 1 and found[0].cell == "baseline"
    assert run(plan(ind("新規事業数", "2件", ["5件"])), "baseline-missing") == []


def test_target_year_outside_period() -> None:
    p = plan(ind("来訪者数", "1,000人", ["1,200人"], target_years=[2031]))
    found = run(p, "target-year-outside-period", PlanPeriod(2026, 2029))
    assert len(found) == 1 and found[0].details["year"] == 2031
    assert run(p, "target-year-outside-period", PlanPeriod(2026, 2031)) == []


def test_period_inferred_from_the_plans_years() -> None:
    # Most indicators aim at 2029 from baselines of 2024: period 2025–2029; the odd 2032 is outside.
    p = plan(
        ind("a", "1件", ["2件"]),
        ind("b", "1件", ["2件"]),
        ind("c", "1件", ["2件"], target_years=[2032]),
    )
    assert infer_period(p) == PlanPeriod(2025, 2029, "inferred")
    found = audit_plan(p, checks=["target-year-outside-period"])
    assert [f.indicator for f in found] == ["c"]


def test_period_from_text() -> None:
    lines = ["はじめに", "本戦略の計画期間は、令和8年度から令和11年度までの4年間とします。"]
    assert period_from_text(lines) == PlanPeriod(2026, 2029, "text", 2)
    lines = ["第2期総合戦略は、令和3年度(2021年度)から令和9年度(2027年度)までの7年間を対象期間とします。"]
    assert period_from_text(lines) == PlanPeriod(2021, 2027, "text", 1)
    assert period_from_text(["令和6年度の実績は5件でした。"]) is None


def test_baseline_after_target() -> None:
    found = run(plan(ind("x", "10件", ["12件"], base_year=2030)), "baseline-after-target")
    assert len(found) == 1 and found[0].details == {"baseline_year": 2030, "target_year": 2029}
    assert run(plan(ind("x", "10件", ["12件"])), "baseline-after-target") == []


def test_unit_mismatch() -> None:
    found = run(plan(ind("市内総生産額", "199,717百万円", ["2,097億円"])), "unit-mismatch")
    assert len(found) == 1 and "2,097億円" not in found[0].message
    assert "209,700百万円" in found[0].message  # the converted target
    assert run(plan(ind("整備箇所数", "3カ所", ["5ヶ所"])), "unit-mismatch") == []


def test_cumulative_not_increasing() -> None:
    found = run(plan(ind("協定締結数", "65件", ["60件"], cumulative=True)), "cumulative-not-increasing")
    assert len(found) == 1
    assert run(plan(ind("協定締結数", "65件", ["78件"], cumulative=True)), "cumulative-not-increasing") == []
    # Not cumulative: a fall is allowed by this check.
    assert run(plan(ind("協定締結数", "65件", ["60件"])), "cumulative-not-increasing") == []


def test_direction_against() -> None:
    found = run(plan(ind("経常収支比率", "89.3%", ["92.7%以内"])), "direction-against")
    assert len(found) == 1 and found[0].details["stated"] == "down"
    found = run(plan(ind("ごみ排出量の削減", "500t", ["520t"])), "direction-against")
    assert len(found) == 1
    assert run(plan(ind("経常収支比率", "89.3%", ["88.0%以内"])), "direction-against") == []
    # 削減量 names what is counted (an amount reduced): more is better, no direction stated.
    assert run(plan(ind("二酸化炭素排出削減量", "500t", ["520t"])), "direction-against") == []
    # A note that explains the move silences it.
    noted = ind("ごみ排出量の削減", "500t", ["520t"], notes=["人口の増加により排出量の増加が見込まれるため"])
    assert run(plan(noted), "direction-against") == []


# -- rationale checks --------------------------------------------------------


def test_formula_reading() -> None:
    note = normalise_note(
        r"$199,717 \text{ 百万円} \times 1.05 = 209,702 \text{ 百万円} \approx 209,700 \text{ 百万円}$"
    )
    (f,) = formulas(note)
    assert f.relations == ["=", "≈"]
    assert f.terms[0].value == pytest.approx(209702.85)
    assert f.final.value == 209700 and f.unit == "百万円"
    assert convert(209700, "百万円", "億円") == pytest.approx(2097)
    assert convert(5_500_000, "千円", "億円") == pytest.approx(55)
    (g,) = formulas(normalise_note("(48+50+52)÷3=50人"))
    assert g.terms[0].value == 50


def test_rationale_arithmetic() -> None:
    bad = ind(
        "市内総生産額", "1,997億円", ["2,097億円"], notes=["目標値の考え方:199,717百万円×1.05=219,702百万円"]
    )
    found = run(plan(bad), "rationale-arithmetic")
    assert len(found) == 1 and found[0].details["stated"] == 219702
    good = ind(
        "市内総生産額", "1,997億円", ["2,097億円"], notes=["199,717百万円×1.05=209,702百万円≈209,700百万円"]
    )
    assert run(plan(good), "rationale-arithmetic") == []


def test_rationale_target_mismatch() -> None:
    note = ["5,230,000千円×1.05=5,491,500千円≈5,500,000千円"]
    found = run(plan(ind("農業産出額", "52.3億円", ["58.0億円"], notes=note)), "rationale-target-mismatch")
    assert len(found) == 1 and "55億円" in found[0].message
    assert (
        run(plan(ind("農業産出額", "52.3億円", ["55.0億円"], notes=note)), "rationale-target-mismatch") == []
    )


def test_rationale_rate_mismatch() -> None:
    note = ["令和6年度の客数を基準に、令和11年度までに5%の増加を目指す。"]
    found = run(plan(ind("観光客数", "1,819千人", ["2,100千人"], notes=note)), "rationale-rate-mismatch")
    assert len(found) == 1 and found[0].details["actual_percent"] == pytest.approx(15.448, abs=0.01)
    assert run(plan(ind("観光客数", "1,819千人", ["1,910千人"], notes=note)), "rationale-rate-mismatch") == []


def test_rationale_increment_mismatch() -> None:
    note = ["目標値は年間10人程度を見込んだ累計値。"]
    found = run(
        plan(
            ind(
                "新規就農者数",
                "21人",
                ["157人"],
                base_year=2019,
                target_years=[2027],
                notes=note,
                cumulative=True,
            )
        ),
        "rationale-increment-mismatch",
    )
    assert len(found) == 1 and found[0].details["expected"] == 101  # 21 + 10 × 8
    steady = [
        "直近3か年の平均はおおむね40人。この平均値を令和7年度の基準値とし、毎年度5人ずつ増加を目標に設定する。"
    ]
    # 40 + 5 × (2029 − 2025) = 60
    assert run(plan(ind("移住者数", "30人", ["60人"], notes=steady)), "rationale-increment-mismatch") == []
    found = run(plan(ind("移住者数", "30人", ["70人"], notes=steady)), "rationale-increment-mismatch")
    assert len(found) == 1 and found[0].details["expected"] == 60


def test_rationale_number_mismatch() -> None:
    note = ["現実的かつ達成可能な数値とするため、目標値を95件と設定した。"]
    found = run(plan(ind("交通事故件数", "120件", ["90件"], notes=note)), "rationale-number-mismatch")
    assert len(found) == 1 and found[0].details["stated"] == 95
    assert run(plan(ind("交通事故件数", "120件", ["95件"], notes=note)), "rationale-number-mismatch") == []
    # An increment is not a target level.
    inc = ["毎年度3人ずつ増加を目標に設定し、令和11年度には62人を目指す。"]
    assert run(plan(ind("移住者数", "32人", ["62人"], notes=inc)), "rationale-number-mismatch") == []


# -- OCR and duplicates ------------------------------------------------------


def test_ocr_repaired() -> None:
    found = run(plan(ind("クラブ数", "65力所", ["78カ所"])), "ocr-repaired")
    assert len(found) == 1 and found[0].cell == "baseline" and found[0].details["repairs"] == ["力所→カ所"]
    assert run(plan(ind("クラブ数", "65カ所", ["78カ所"])), "ocr-repaired") == []


def test_unit_missing() -> None:
    found = run(plan(ind("訓練回数", "10回", ["50"])), "unit-missing")
    assert len(found) == 1 and found[0].cell == "target[0]"
    assert run(plan(ind("訓練回数", "10回", ["50回"])), "unit-missing") == []
    assert run(plan(ind("待機児童数", "6人", ["待機児童なし"])), "unit-missing") == []


def test_letters_in_number() -> None:
    assert letters_in_number("1l5件") == ["1l5"]
    assert letters_in_number("12km") == [] and letters_in_number("3,923ha (R6)") == []
    base = ValueCell(raw="1S0件", status=read_cell("150件").status, value=10.0, unit="件", year=2024)
    p = plan(ind("件数", "100件", ["150件"]))
    p.nodes[0].children[0].indicators[0].series[0].baseline = base
    found = run(p, "letters-in-number")
    assert len(found) == 1 and found[0].details["tokens"] == ["1S0"]
    assert run(plan(ind("延長", "12km", ["15km"])), "letters-in-number") == []


def test_cell_unreadable() -> None:
    p = plan(ind("件数", "100件", ["150件"]))
    p.nodes[0].children[0].indicators[0].series[0].targets[0] = ValueCell(
        raw="約半分", status=read_cell("").status
    )
    assert len(run(p, "cell-unreadable")) == 1
    assert run(plan(ind("件数", "100件", ["検討中"])), "cell-unreadable") == []


def test_duplicate_indicator() -> None:
    p = plan(
        ind("防災訓練の参加者数", "100人", ["150人"], line=5),
        ind("防災訓練の 参加者数", "90人", ["150人"], line=9),
    )
    found = run(p, "duplicate-indicator")
    assert len(found) == 1 and found[0].line == 9 and found[0].details["first_line"] == 5
    p = plan(
        ind("防災訓練の参加者数", "100人", ["150人"], group="小"),
        ind("防災訓練の参加者数", "90人", ["150人"], group="中"),
    )
    assert run(p, "duplicate-indicator") == []


def test_every_check_is_tested_and_json() -> None:
    # The tests above name every registered check.
    tested = {
        "target-missing", "target-pending", "baseline-missing", "target-year-outside-period",
        "baseline-after-target", "unit-mismatch", "cumulative-not-increasing", "direction-against",
        "rationale-arithmetic", "rationale-target-mismatch", "rationale-rate-mismatch",
        "rationale-increment-mismatch", "rationale-number-mismatch", "ocr-repaired", "unit-missing",
        "letters-in-number", "cell-unreadable", "duplicate-indicator",
    }  # fmt: skip
    assert set(CHECKS) == tested
    found = audit_plan(plan(ind("空き家の数", "120戸", [""])))
    rows = findings_to_json(found)
    assert json.loads(json.dumps(rows, ensure_ascii=False)) == rows
    assert rows[0]["check"] == "target-missing" and rows[0]["severity"] == "error"
    with pytest.raises(KeyError):
        audit_plan(plan(), checks=["no-such-check"])


# -- the real seed 002 -------------------------------------------------------

SEED_002 = SEEDS_DIR / "002_9e8d8679760f1d1c.txt"


def _seed_002() -> Plan:
    p = read_plan(read_source(SEED_002))
    assert p.indicators(), "the reader must read the eight KPIs of seed 002"
    return p


def test_seed_002_rationale_checks() -> None:
    p = _seed_002()
    found = audit_plan(p)
    by_name: dict[str, list[Finding]] = {}
    for f in found:
        by_name.setdefault(f.indicator or "", []).append(f)
    accident = [f for f in by_name.get("人身事故発生件数", []) if f.check == "rationale-number-mismatch"]
    assert len(accident) == 1
    assert accident[0].details["stated"] == 150 and accident[0].details["targets"] == [143]
    # 199,717百万円×1.05=209,702百万円≈209,700百万円 = 2,097億円: consistent, nothing found.
    assert not [f for f in by_name.get("市内総生産額", []) if f.check.startswith("rationale-")]


# -- the command -------------------------------------------------------------


def test_cli_audit_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    _seed_002()
    assert main(["audit", str(SEED_002)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("== 002_9e8d8679760f1d1c.txt") and "period 2026–2029 text" in out[0]
    line = next(x for x in out if "rationale-number-mismatch" in x)
    assert line.startswith("002_9e8d8679760f1d1c.txt:") and "[error]" in line and "人身事故発生件数" in line
    assert main(["audit", "--format", "json", str(SEED_002)]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["period"]["start"] == 2026 and report["period"]["end"] == 2029
    assert any(f["check"] == "rationale-number-mismatch" for f in report["findings"])


def test_cli_audit_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "/nonexistent/plan.txt"]) == 2
    assert main(["audit", "--period", "2030", str(SEED_002)]) == 2
    assert main(["audit", "--check", "no-such", str(SEED_002)]) == 2
    err = capsys.readouterr().err
    assert "--period" in err and "no-such" in err
