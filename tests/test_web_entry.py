"""Issue 12, staff side: validation of entered values (web form and workbook upload).

Data as in :mod:`tests.test_web_staff` (seed 003 stored with its demo actuals, the demo staff).
"""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from tests.test_web_staff import (
    client_for,
    database_url,
    db,
    dept_series,
    fast_passwords,
    form_version,
    staff,
)

__all__ = ["database_url", "db", "fast_passwords", "staff"]

pytestmark = pytest.mark.db

_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# three ASCII words in a row is an English sentence (file names and 「…」-quoted cells aside)
_ENGLISH = re.compile(r"\b[A-Za-z]{2,}\b(?:\s+\b[A-Za-z]{2,}\b){2,}")


def _is_japanese(message: str) -> bool:
    text = re.sub(r"「[^」]*」|\S+\.(?:csv|xlsx)", "", message)
    return bool(_JAPANESE.search(message)) and not _ENGLISH.search(text) and "--" not in text


def _series(department: str, unit: str, name_part: str = "") -> Any:
    from machikpi.adapters.storage import models as m

    qs = m.Series.objects.filter(
        indicator__department__name=department,
        indicator__unit=unit,
        indicator__name__contains=name_part,
        present=True,
        indicator__present=True,
    ).order_by("id")
    s = qs.first()
    assert s is not None, (department, unit, name_part)
    return s


def _form_errors(html: str) -> list[str]:
    """The error texts of the value page: the year box and every field error."""
    found = re.findall(r'<p class="error-box" role="alert">(.*?)</p>', html, re.S)
    found += re.findall(r'<span id="(?:value|note)-error" class="error">(.*?)</span>', html, re.S)
    found += re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>', html, re.S)
    return [unescape(re.sub(r"<[^>]+>", " ", t)).strip() for t in found]


def _problems(html: str, caption: str = "誤り") -> list[tuple[str, str, str, str]]:
    """The rows ``(sheet, row, column, message)`` of the preview's table of errors (or warnings)."""
    m = re.search(rf"<caption>{caption}[^<]*</caption>.*?<tbody>(.*?)</tbody>", html, re.S)
    if m is None:
        return []
    rows = re.findall(
        r"<tr><td>(.*?)</td><td class=\"num\">(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", m[1]
    )
    return [tuple(unescape(x) for x in r) for r in rows]  # type: ignore[misc]


def _post_value(c: Any, series_id: int, year: int, value: str, note: str = "") -> Any:
    page = c.get(f"/staff/values/{series_id}/{year}/")
    version = form_version(page.content.decode()) if page.status_code == 200 else 0
    return c.post(f"/staff/values/{series_id}/{year}/", {"value": value, "note": note, "version": version})


def _csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _upload(c: Any, path: Path, **extra: Any) -> Any:
    with path.open("rb") as fh:
        return c.post("/staff/upload/", {"file": fh, **extra})


def test_every_message_of_the_entry_form_and_the_upload_is_japanese(staff, tmp_path):
    from openpyxl import Workbook

    from machikpi.adapters.storage import models as m

    people = _series("産業振興課", "人")  # a count
    share = _series("子育て支援課", "%", "割合")  # a share
    other = dept_series("子育て支援課")
    sangyo, kikaku = client_for("sangyo"), client_for("kikaku")
    before = m.ActualChange.objects.count()
    messages: dict[str, str] = {}

    # --- the entry form of one value
    form_cases = {
        "not a number": (sangyo, people.pk, 2025, "abc"),
        "thousands": (sangyo, people.pk, 2025, "12,3"),
        "other unit": (sangyo, people.pk, 2025, "5件"),
        "negative count": (sangyo, people.pk, 2025, "-3"),
        "empty": (sangyo, people.pk, 2025, ""),
        "share above 100": (kikaku, share.pk, 2025, "130%"),
        "negative share": (kikaku, share.pk, 2025, "△5"),
        "future year": (sangyo, people.pk, 2099, "5"),
        "before the plan": (sangyo, people.pk, 1950, "5"),
    }
    for case, (c, sid, year, text) in form_cases.items():
        r = _post_value(c, sid, year, text)
        assert r.status_code == 400, case
        found = _form_errors(r.content.decode())
        assert found, case
        for i, msg in enumerate(found):
            messages[f"form {case} {i}"] = msg
    assert any("マイナスになりません" in v for k, v in messages.items() if "negative count" in k)
    assert any("100%を超えません" in v for k, v in messages.items() if "share above 100" in k)
    assert any("まだ来ていません" in v for k, v in messages.items() if "future year" in k)
    assert any("計画の期間外" in v for k, v in messages.items() if "before the plan" in k)

    # --- the upload: one file with an error in every row, and files that cannot be read at all
    header = ["ID", "指標名", "区分", "単位", "年度", "実績値", "備考"]
    rows = [
        [people.pk, "", "", "", 2025, "abc", ""],  # not a number
        [people.pk, "", "", "件", 2024, "5", ""],  # not the unit
        [people.pk, "", "", "", "来年度", "5", ""],  # not a year
        [people.pk, "", "", "", 2099, "5", ""],  # the future
        [people.pk, "", "", "", 1950, "5", ""],  # before the plan
        [987654, "", "", "", 2025, "5", ""],  # unknown ID
        ["x1", "", "", "", 2025, "5", ""],  # not an ID
        [people.pk, "別の指標", "", "", 2023, "5", ""],  # the name is another indicator's
        [people.pk, "", "別の区分", "", 2022, "5", ""],  # not the group
        [people.pk, "", "", "", 2021, "-4", ""],  # a negative count
        [people.pk, "", "", "", 2018, "6", ""],  # valid (row 12)
        [people.pk, "", "", "", 2018, "7", ""],  # the same series and year again
        [other.pk, "", "", "", 2025, "5", ""],  # another department's
        [people.pk, "", "", "", 2020, "", "備考だけ"],  # a warning: a note without a value
        [people.pk, "", "", "", 2019, "999999", ""],  # a warning: far outside
    ]
    bad = _csv(tmp_path / "bad.csv", header, rows)
    r = _upload(sangyo, bad)
    assert r.status_code == 400
    html = r.content.decode()
    errors, warnings = _problems(html), _problems(html, "警告")
    assert len(errors) == 12, "\n".join(map(str, errors))
    assert len(warnings) >= 2, warnings
    for sheet, row, column, msg in errors + warnings:
        assert sheet == "—" and row.isdigit() and column != "—", (row, column, msg)  # a CSV: row and column
        messages[f"upload row {row} {column}"] = msg
    by_row = {int(row): msg for _s, row, _c, msg in errors}
    assert "マイナスになりません" in by_row[11] and "2つ目です(1つ目は12行目)" in by_row[13]
    assert "計画の期間外" in by_row[6] and "まだ来ていません" in by_row[5]
    # the same file as the command line prints it (sheet, row and column in words)
    from machikpi.adapters.web.staff.upload import check_file

    for p in check_file(bad, "bad.csv", user=None, default_year=None, status="draft").errors:
        messages[f"printed {p.row} {p.column}"] = str(p)
        assert re.search(r"\d+行目 「[^」]+」列: ", str(p)), str(p)
    share_rows = [["ID", "年度", "実績値"], [share.pk, 2024, "101"]]
    r = _upload(kikaku, _csv(tmp_path / "share.csv", share_rows[0], share_rows[1:]))
    ((*_place, msg),) = _problems(r.content.decode())
    assert "100%を超えません" in msg
    messages["upload share"] = msg

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "実績入力"
    ws.append(["ID", "年度", "実績値", "備考"])
    ws.append([people.pk, 2025, "=1+1", ""])
    ws.append([people.pk, 2024, 5, "=A1"])
    ws["C4"] = "#DIV/0!"
    ws["C4"].data_type = "e"
    ws["A4"] = people.pk
    ws["B4"] = 2023
    wb.save(tmp_path / "formula.xlsx")
    r = _upload(sangyo, tmp_path / "formula.xlsx")
    formula = _problems(r.content.decode())
    assert len(formula) == 3 and all(p[0] == "実績入力" for p in formula), formula
    for _sheet, row, column, msg in formula:
        messages[f"xlsx row {row} {column}"] = msg

    unreadable = {
        "no header": ("nohead.csv", "年度,備考\n2025,x\n".encode()),
        "no ID": ("noid.csv", "年度,実績値\n2025,5\n".encode()),
        "no year": ("noyear.csv", f"ID,実績値\n{people.pk},5\n".encode()),
        "broken xlsx": ("broken.xlsx", b"not a zip"),
        "empty year": ("emptyyear.csv", f"ID,年度,実績値\n{people.pk},,5\n".encode()),
    }
    for case, (name, data) in unreadable.items():
        (tmp_path / name).write_bytes(data)
        r = _upload(sangyo, tmp_path / name)
        unread = _problems(r.content.decode())
        assert unread, case
        for i, (_sheet, _row, _column, msg) in enumerate(unread):
            messages[f"file {case} {i}"] = msg
    r = _upload(sangyo, _csv(tmp_path / "noyear2.csv", ["ID", "実績値"], [[people.pk, 5]]), year=2099)
    ((*_place, msg),) = _problems(r.content.decode())  # the year given on the form is in the future
    assert "2099" in msg and "未来の年度" in msg
    messages["form year in the future"] = msg
    r = _upload(sangyo, _csv(tmp_path / "e.ods", ["ID"], []))  # refused by the form
    found = re.findall(r'<span class="error">(.*?)</span>', r.content.decode())
    assert r.status_code == 400 and found
    messages["form file type"] = unescape(found[0])

    # the messages of the pages after the upload (a lost token)
    r = sangyo.post("/staff/upload/", {"token": "nope", "confirm": "1"}, follow=True)
    lost = re.findall(r'<ul class="messages"><li[^>]*>(.*?)</li>', r.content.decode(), re.S)
    assert lost
    messages["lost token"] = unescape(lost[0])

    not_japanese = {k: v for k, v in messages.items() if not _is_japanese(v)}
    assert not not_japanese
    assert len(messages) > 30
    assert m.ActualChange.objects.count() == before  # no error stored anything


def test_full_width_digits_are_read_in_the_form_and_the_upload(staff, tmp_path):
    from machikpi.adapters.storage import models as m

    people = _series("産業振興課", "人")
    c = client_for("sangyo")
    r = _post_value(c, people.pk, 2025, "１，２３４人")
    assert r.status_code == 302
    a = m.ActualValue.objects.get(series=people, year=2025)
    assert (a.value, a.raw, a.status) == (1234.0, "１，２３４人", "draft")
    f = _csv(tmp_path / "wide.csv", ["ID", "年度", "実績値"], [[f"{people.pk}", "２０２４", "１２"]])
    r = _upload(c, f)
    html = r.content.decode()
    assert r.status_code == 200, _problems(html)
    token = re.search(r'name="token" value="([^"]+)"', html)
    assert token is not None
    assert c.post("/staff/upload/", {"token": token[1], "confirm": "1"}).status_code == 302
    assert m.ActualValue.objects.get(series=people, year=2024).value == 12.0


def test_impossible_values_are_refused_and_changes_may_be_negative():
    from machikpi.adapters.actual_entry import impossible, year_outside, year_window

    assert impossible(-1, "人", "新規就農者数") is not None
    assert impossible(-1, "カ所", "放課後児童クラブ数") is not None
    assert impossible(-1, "団体", "登録団体数") is not None
    assert impossible(-120, "人", "社会増減数") is None  # a change may be negative
    assert impossible(-3, "人", "差引数", (-5.0,)) is None
    assert impossible(-2, "億円", "製造品出荷額等") is None  # not a count
    assert impossible(100.0, "%", "受診率") is None
    assert impossible(100.1, "%", "受診率") is not None
    assert impossible(101, "％", "子育てしたいと思う割合") is not None
    assert impossible(120, "%", "目標達成率") is None  # a 達成率 may exceed 100 %
    assert impossible(-1, "%", "人口増加率") is None
    assert impossible(150, "人", "参加者数") is None
    assert year_window("2021-2027", 2019) == (2019, 2027)
    assert year_window("2027-2031", None) == (None, 2031)  # no baseline year: only the end bounds
    assert year_window("", None) is None
    assert year_outside(2028, (2019, 2027)) is not None and year_outside(2019, (2019, 2027)) is None
    assert year_outside(2018, (2019, 2027)) is not None and year_outside(2024, (None, 2031)) is None
    assert year_outside(1990, None) is None
