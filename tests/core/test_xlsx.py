"""The list export helper: layout, cell types, formula injection, sheet names, the download."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django import forms
from openpyxl import load_workbook
from openpyxl.workbook.child import INVALID_TITLE_REGEX

from thidua.core import xlsx
from thidua.core.xlsx import (
    DATE,
    DATETIME,
    DECIMAL,
    INTEGER,
    PERCENT,
    Column,
    filters_line,
    form_filters,
    list_workbook,
    unique_sheet_title,
    xlsx_response,
)
from thidua.org.excel import export as people_export

COLUMNS = [Column("Tên đơn vị", 40), Column("Số người", 10, INTEGER),
           Column("Điểm", 10, DECIMAL), Column("Tỷ lệ", 10, PERCENT),
           Column("Ngày", 12, DATE), Column("Nộp lúc", 17, DATETIME),
           Column("Ghi chú", 50, wrap=True)]


def reopen(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue())).active


def test_layout_title_filters_header_frozen_and_widths():
    rows = [["Chi bộ 1", 12, Decimal("8.50"), Decimal("0.855"), date(2026, 3, 9),
             datetime(2026, 3, 9, 1, 30, tzinfo=UTC), "Nhiều dòng\nghi chú"]]
    sheet = reopen(list_workbook("Danh sách đơn vị", COLUMNS, iter(rows),
                                 filters_text="Điều kiện lọc: Trạng thái: Đạt.",
                                 context=["Phong trào: 167-KH/ĐU"]))
    assert sheet.title == "Danh sách đơn vị"
    assert sheet["A1"].value == "Danh sách đơn vị" and sheet["A1"].font.b
    assert sheet["A2"].value == "Phong trào: 167-KH/ĐU"
    assert sheet["A3"].value == "Điều kiện lọc: Trạng thái: Đạt." and sheet["A3"].font.i
    assert sheet["A4"].value is None
    assert [c.value for c in sheet[5]] == [c.header for c in COLUMNS]
    assert all(c.font.b for c in sheet[5])
    assert xlsx.header_row(["x"]) == 5 and sheet.freeze_panes == "A6"
    assert sheet.column_dimensions["A"].width == 40
    assert sheet.column_dimensions["G"].width == 50
    name, people, score, share, day, at, note = sheet[6]
    assert name.value == "Chi bộ 1" and name.data_type == "s"
    assert people.value == 12 and people.number_format == "#,##0"
    assert score.value == 8.5 and score.number_format == "#,##0.00"
    assert share.value == 0.855 and share.number_format == "0.00%"
    assert day.value == datetime(2026, 3, 9) and day.number_format == "DD/MM/YYYY"
    # Aware datetimes are written as the local wall time (Asia/Ho_Chi_Minh, UTC+7).
    assert at.value == datetime(2026, 3, 9, 8, 30) and at.number_format == "DD/MM/YYYY HH:MM"
    assert note.alignment.wrap_text


def test_without_filters_the_line_says_so():
    sheet = reopen(list_workbook("Danh sách", COLUMNS[:1], []))
    assert sheet["A2"].value == xlsx.NO_FILTER
    assert [c.value for c in sheet[4]] == ["Tên đơn vị"] and sheet.freeze_panes == "A5"


def test_empty_values_leave_the_cell_empty_and_wrong_types_are_refused():
    sheet = reopen(list_workbook("Danh sách", COLUMNS, [["", None, None, None, None, None, ""]]))
    assert [c.value for c in sheet[5]] == [None] * 7
    with pytest.raises(TypeError, match="Số người"):
        list_workbook("Danh sách", COLUMNS[:2], [["A", "mười hai"]])
    with pytest.raises(TypeError, match="Ngày"):
        list_workbook("Danh sách", [Column("Ngày", kind=DATE)], [["09/03/2026"]])
    with pytest.raises(ValueError, match="2 values for 7 columns"):
        list_workbook("Danh sách", COLUMNS, [["A", 1]])
    with pytest.raises(ValueError):
        Column("X", kind="tiền")


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x.vn","bấm")', "+1+2", "-2+3", "@SUM(A1)",
                                  "\t=1", "\r=1"])
def test_text_that_looks_like_a_formula_stays_text(text):
    sheet = reopen(list_workbook(text, COLUMNS[:1], [[text]], filters_text=f"Tìm: {text}"))
    for cell in (sheet["A1"], sheet["A2"], sheet["A5"]):
        assert cell.data_type == "s" and cell.value.endswith(text.lstrip("\t\r"))
    assert sheet["A5"].value == text and sheet["A5"].quotePrefix


def test_the_formula_rule_is_the_people_exports():
    assert xlsx.FORMULA_STARTS == people_export.FORMULA_STARTS


def test_any_unicode_is_written_without_crash():
    nfd = "Nguye\u0302\u0303n Va\u0306n A"
    sheet = reopen(list_workbook("Ký tự 🎉", COLUMNS[:1], [[nfd], ["chuông\x07 và\x00 null"],
                                                          ["🇻🇳 Việt Nam"]]))
    assert [sheet[f"A{r}"].value for r in (5, 6, 7)] == [nfd, "chuông và null", "🇻🇳 Việt Nam"]


@pytest.mark.parametrize(("name", "taken", "expected"), [
    ("Chỉ tiêu 1", [], "Chỉ tiêu 1"),
    ("Tỷ lệ [%]: đạt/chưa đạt?", [], "Tỷ lệ -%-- đạt-chưa đạt-"),
    ("'Trích'", [], "Trích"),
    ("", [], "Trang"),
    ("History", [], "Trang History"),
    ("Chỉ tiêu 1", ["chỉ tiêu 1"], "Chỉ tiêu 1 (2)"),
    ("Chỉ tiêu 1", ["Chỉ tiêu 1", "Chỉ tiêu 1 (2)"], "Chỉ tiêu 1 (3)"),
])
def test_sheet_titles_are_valid_and_unique(name, taken, expected):
    assert unique_sheet_title(name, taken) == expected


def test_long_sheet_titles_are_cut_and_stay_unique():
    long = "Tỷ lệ chi bộ có mô hình dân vận khéo được công nhận"
    taken = []
    for _ in range(12):
        title = unique_sheet_title(long, taken)
        assert len(title) <= 31 and not INVALID_TITLE_REGEX.search(title)
        assert title.casefold() not in {t.casefold() for t in taken}
        taken.append(title)
    assert taken[0] == long[:31] and taken[11].endswith("(12)")


class Filters(forms.Form):
    q = forms.CharField(label="Tìm theo tên", required=False)
    state = forms.ChoiceField(label="Trạng thái", required=False,
                              choices=[("", "Tất cả"), ("launched", "Đang triển khai")])
    owed = forms.ChoiceField(label="Báo cáo", required=False,
                             choices=[("", "Chưa nộp"), ("all", "Tất cả")])
    late = forms.BooleanField(label="Chỉ đăng ký muộn", required=False)
    since = forms.DateField(label="Từ ngày", required=False)


def test_filters_in_words():
    form = Filters({"q": "cán bộ", "state": "launched", "late": "on", "since": "01/02/2026"})
    pairs = form_filters(form, always=["owed"], labels={"q": "Tìm"})
    assert pairs == [("Tìm", "“cán bộ”"), ("Trạng thái", "Đang triển khai"),
                     ("Báo cáo", "Chưa nộp"), ("Chỉ đăng ký muộn", "có"),
                     ("Từ ngày", "01/02/2026")]
    assert filters_line(pairs).startswith("Điều kiện lọc: Tìm: “cán bộ”; Trạng thái: Đang")
    assert form_filters(Filters({})) == []
    assert form_filters(Filters({"since": "không phải ngày"})) == []  # ignored, like the page
    assert form_filters(Filters()) == []
    # A field whose empty choice filters is named even when the form is unbound or invalid.
    assert form_filters(Filters(), always=["owed"]) == [("Báo cáo", "Chưa nộp")]
    assert form_filters(Filters({"since": "x"}), always=["owed"]) == [("Báo cáo", "Chưa nộp")]
    assert filters_line([]) == xlsx.NO_FILTER
    assert filters_line([("Tìm", "")]) == xlsx.NO_FILTER


def test_response_streams_the_file_with_a_vietnamese_safe_name():
    response = xlsx_response(list_workbook("Danh sách", COLUMNS[:1], [["A"]]),
                             "Báo cáo đợt 1; \"tổng kết\".xlsx")
    assert response["Content-Type"] == xlsx.XLSX_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Bao cao dot 1 -tong ket-.xlsx"; ')
    assert disposition.isascii()
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    # A quote cannot be in a file's name on Windows: a hyphen on every system.
    assert unquote(encoded) == "Báo cáo đợt 1; -tổng kết-.xlsx"
    content = b"".join(response.streaming_content)
    assert load_workbook(io.BytesIO(content)).active["A5"].value == "A"
    plain = xlsx_response(list_workbook("X", COLUMNS[:1], []), "danh-sach-20260309.xlsx")
    assert plain["Content-Disposition"] == 'attachment; filename="danh-sach-20260309.xlsx"'


def test_dated_filename():
    assert xlsx.dated_filename("Tình hình đăng ký — 167-KH/ĐU", date(2026, 11, 22)) == (
        "tinh-hinh-dang-ky-167-kh-du-20261122.xlsx")
    assert xlsx.dated_filename("", date(2026, 1, 2)) == "danh-sach-20260102.xlsx"


@pytest.mark.parametrize("name", [
    'Đảng ủy "An Bình"\r\nSet-Cookie: x=1.xlsx', "../../etc/passwd.xlsx",
    "Bảng\u202egpj.exe.xlsx", "Chi bộ\u200b 1\ud800.xlsx", "a" * 500 + ".xlsx",
    "Nguye\u0302\u0303n.xlsx"])
def test_any_name_gives_one_clean_header_line(name):
    header = xlsx.content_disposition(name)
    assert header.isascii() and "\r" not in header and "\n" not in header
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert "/" not in fallback and "\\" not in fallback
    readable = unquote(header.split("filename*=UTF-8''", 1)[1]) if "filename*" in header \
        else fallback
    assert "/" not in readable and not readable.startswith(".")
    assert not any(ch in readable for ch in "\u202e\u200b\ud800\r\n\"")
    assert readable.endswith(".xlsx")
