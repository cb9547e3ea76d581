"""Reading the list of candidates or awardees (.xlsx) that the award documents are made from."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from thidua.documents import award_list
from thidua.documents.award_docs import AwardLine
from thidua.documents.award_list import AWARD_LIST, as_amount, read_award_list
from thidua.org.excel.cells import CellError
from thidua.org.excel.columns import GUIDE_SHEET, LISTS_SHEET

HEADERS = ["STT", "Họ và tên / Tên tập thể", "Là tập thể (Có/Không)", "Chức vụ", "Đơn vị",
           "Hình thức khen thưởng", "Thành tích", "Số tiền thưởng (đồng)"]
GOOD = [
    [1, "Chi bộ Tổ dân phố 1", "Có", "", "Đảng bộ phường An Bình", "Giấy khen",
     "Hoàn thành xuất sắc nhiệm vụ năm 2026", 1_000_000],
    [2, "Nguyễn Thị Hoa", "Không", "Chuyên viên", "Văn phòng Đảng ủy", "", "", "500.000"],
]


def workbook_bytes(rows, headers=HEADERS, title="Danh sách") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name="danh-sach.xlsx"):
    return SimpleUploadedFile(name, data)


def filled_template(rows) -> bytes:
    """The downloadable template with ``rows`` typed under its header."""
    workbook = load_workbook(io.BytesIO(award_list.build_template("Đảng bộ phường An Bình")))
    sheet = workbook[AWARD_LIST.title]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_template_has_the_vietnamese_headers_a_guide_and_the_yes_no_list():
    workbook = load_workbook(io.BytesIO(award_list.build_template("Đảng bộ phường An Bình")))
    assert workbook.sheetnames == [AWARD_LIST.title, GUIDE_SHEET, LISTS_SHEET]
    header = [cell.value for cell in workbook[AWARD_LIST.title][1]]
    assert header == ["STT", "Họ và tên / Tên tập thể (*)", "Là tập thể (Có/Không)", "Chức vụ",
                      "Đơn vị", "Hình thức khen thưởng", "Thành tích", "Số tiền thưởng (đồng)"]
    assert workbook[AWARD_LIST.title].max_row == 1  # no example row to import by mistake
    guide = "\n".join(str(c.value) for row in workbook[GUIDE_SHEET].iter_rows() for c in row
                      if c.value)
    assert "Đảng bộ phường An Bình" in guide and "Số tiền thưởng (đồng)" in guide
    assert "không lưu vào hệ thống" in guide
    assert workbook[LISTS_SHEET].sheet_state == "hidden"
    validations = workbook[AWARD_LIST.title].data_validations.dataValidation
    assert any(LISTS_SHEET in (v.formula1 or "") for v in validations)


def test_the_template_filled_with_two_rows_reads_back():
    result = read_award_list(upload(filled_template(GOOD)))
    assert result.ok, result.errors
    assert result.lines == [
        AwardLine("Chi bộ Tổ dân phố 1", "", "Đảng bộ phường An Bình", "Giấy khen",
                  "Hoàn thành xuất sắc nhiệm vụ năm 2026", collective=True, amount=1_000_000),
        AwardLine("Nguyễn Thị Hoa", "Chuyên viên", "Văn phòng Đảng ủy", "", "",
                  collective=False, amount=500_000),
    ]
    assert result.collectives == 1 and result.total == 1_500_000


def test_headers_in_another_order_without_serial_and_optional_columns():
    data = workbook_bytes([["Lê Văn Cường", "Bí thư"]], headers=["Họ và tên", "Chức vụ"])
    result = read_award_list(upload(data))
    assert result.ok, result.errors
    assert result.lines == [AwardLine("Lê Văn Cường", "Bí thư")]


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_returned():
    rows = [
        GOOD[0],
        [2, "", "Không", "Chuyên viên", "", "", "", ""],            # no name
        [3, "Trần Văn Bình", "Có lẽ", "", "", "", "", ""],          # not Có/Không
        [4, "Đặng Thị Dung", "", "", "", "", "", -500000],          # negative
        [5, "Phạm Văn Em", "", "", "", "", "", "năm trăm nghìn"],   # not a number
    ]
    result = read_award_list(upload(workbook_bytes(rows)))
    assert not result.ok and result.lines == []
    errors = [(e.row, e.column) for e in result.row_errors]
    assert errors == [(3, "Họ và tên / Tên tập thể"), (4, "Là tập thể (Có/Không)"),
                      (5, "Số tiền thưởng (đồng)"), (6, "Số tiền thưởng (đồng)")]
    messages = {(e.row, e.column): e.message for e in result.row_errors}
    assert messages[(3, "Họ và tên / Tên tập thể")] == "Chưa nhập (cột bắt buộc)."
    assert "chỉ ghi “Có” hoặc “Không”" in messages[(4, "Là tập thể (Có/Không)")]
    assert messages[(5, "Số tiền thưởng (đồng)")] == "Không được là số âm (đã ghi -500.000)."
    assert "không phải số tiền" in messages[(6, "Số tiền thưởng (đồng)")]
    assert result.rejected_rows == 4 and result.rows_total == 5


def test_a_file_that_is_not_excel_is_refused_as_a_whole():
    result = read_award_list(upload(b"STT;Ho ten\n1;An\n", name="danh-sach.xlsx"))
    assert not result.ok and result.lines == []
    assert result.file_errors and "không phải là tệp Excel" in result.file_errors[0].message


def test_a_missing_name_column_is_refused():
    result = read_award_list(upload(workbook_bytes([["x", "y"]], headers=["Chức vụ", "Đơn vị"])))
    assert "Thiếu cột “Họ và tên / Tên tập thể”" in result.file_errors[0].message


def test_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr(award_list, "MAX_LINES", 3)
    rows = [[n, f"Người {n}"] for n in range(1, 5)]
    result = read_award_list(upload(workbook_bytes(rows, headers=HEADERS[:2])))
    assert not result.ok and result.lines == []
    assert "tối đa 3 dòng" in result.file_errors[0].message


def test_a_name_longer_than_allowed_is_refused():
    result = read_award_list(upload(workbook_bytes([[1, "A" * 256]], headers=HEADERS[:2])))
    assert [(e.row, e.column) for e in result.row_errors] == [(2, "Họ và tên / Tên tập thể")]
    assert "Dài quá 255 ký tự" in result.row_errors[0].message


@pytest.mark.parametrize(("typed", "amount"), [
    (500000, 500000), (500000.0, 500000), ("500000", 500000), ("1.500.000", 1500000),
    ("1,500,000", 1500000), ("1 500 000", 1500000), ("500.000 đồng", 500000), ("0", 0),
    ("2.000.000đ", 2000000),
])
def test_amounts_as_people_type_them(typed, amount):
    assert as_amount(typed) == amount


@pytest.mark.parametrize(("typed", "reason"), [
    (-1, "không được là số âm"), ("-500.000", "không được là số âm"),
    (1500.5, "không phải số đồng nguyên"), ("1.5", "không phải số tiền"),
    ("abc", "không phải số tiền"), (True, "không phải số tiền"),
    (award_list.MAX_AMOUNT + 1, "quá lớn"), ("1.50.000", "không phải số tiền"),
])
def test_amounts_that_are_refused(typed, reason):
    with pytest.raises(CellError, match=reason):
        as_amount(typed)


def test_the_stored_form_round_trips_and_refuses_anything_else():
    lines = [AwardLine("Chi bộ 1", "", "Đảng bộ", "Giấy khen", "Tốt", collective=True,
                       amount=100),
             AwardLine("Nguyễn Văn An", "Bí thư", "Chi bộ 1")]
    stored = award_list.to_stored(lines)
    assert award_list.from_stored(json.loads(json.dumps(stored))) == lines
    assert award_list.from_stored(None) is None
    assert award_list.from_stored({"v": 99, "rows": []}) is None
    assert award_list.from_stored({"v": 1, "rows": [["only name"]]}) is None
    bad_amount = {"v": 1, "rows": [["A", False, "", "", "", "", "100"]]}
    assert award_list.from_stored(bad_amount) is None
