"""Cell parsing: each kind of value Excel can hand over, and the reason given when unusable."""

import datetime as dt

import pytest
from openpyxl.utils.datetime import MAC_EPOCH

from thidua.org.excel import cells
from thidua.org.excel.cells import CellError
from thidua.org.excel.columns import header_key


@pytest.mark.parametrize(("value", "expected"), [
    (None, ""), ("   ", ""), ("  Nguyễn\tVăn\u00a0 A ", "Nguyễn Văn A"), (12345.0, "12345"),
    (12.5, "12.5"), (True, "Có"), (dt.date(2024, 1, 2), "02/01/2024"),
])
def test_as_text(value, expected):
    assert cells.as_text(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("5/9/1985", dt.date(1985, 9, 5)), ("05.09.1985", dt.date(1985, 9, 5)),
    (" 1985-09-05 ", dt.date(1985, 9, 5)), (31295, dt.date(1985, 9, 5)),
    (31295.0, dt.date(1985, 9, 5)), (dt.datetime(1985, 9, 5, 13, 30), dt.date(1985, 9, 5)),
    (None, None), ("", None),
])
def test_as_date(value, expected):
    assert cells.as_date(value) == expected


def test_serial_dates_follow_the_workbook_date_system():
    assert cells.as_date(31295 - 1462, epoch=MAC_EPOCH) == dt.date(1985, 9, 5)


@pytest.mark.parametrize(("value", "reason"), [
    ("29/02/2023", "ngày “29/02/2023” không tồn tại"),
    ("0/1/2000", "ngày “0/1/2000” không tồn tại"),
    ("hôm qua", "“hôm qua” không phải ngày hợp lệ; hãy ghi theo dạng ngày/tháng/năm, "
                "ví dụ 05/09/1985"),
    (0.5, "số 0.5 không phải ngày hợp lệ"),
    (2000, "chỉ ghi năm 2000; hãy ghi đủ ngày/tháng/năm"),
    (10**9, "số 1000000000 không phải ngày hợp lệ"),
    (True, "không phải ngày hợp lệ"),
    (dt.time(8, 30), "không phải ngày hợp lệ; hãy ghi theo dạng ngày/tháng/năm"),
])
def test_as_date_refuses(value, reason):
    with pytest.raises(CellError) as error:
        cells.as_date(value)
    assert str(error.value) == reason


def test_leap_day_exists():
    assert cells.as_date("29/02/2024") == dt.date(2024, 2, 29)


@pytest.mark.parametrize(("value", "expected"), [
    ("Có", True), ("co", True), ("X", True), (1, True), (True, True),
    ("Không", False), ("KHONG", False), (0, False), (False, False), (None, None),
])
def test_as_bool(value, expected):
    assert cells.as_bool(value) is expected


@pytest.mark.parametrize(("value", "expected"), [
    (912345678, "0912345678"), (2838251234, "02838251234"), ("0912 345 678", "0912 345 678"),
    ("+84 912.345.678", "+84 912.345.678"), (None, ""), (113, "113"),
])
def test_as_phone(value, expected):
    assert cells.as_phone(value) == expected


def test_choice_keys_ignore_accents_case_spaces_and_punctuation():
    assert cells.choice_key("Bru - Vân Kiều") == cells.choice_key("bru van kieu")
    assert cells.choice_key("Ê Đê") == cells.choice_key("ede")
    assert header_key("Mã đơn vị cấp trên (*)") == header_key("ma  don vi cap tren*")


def test_check_length():
    assert cells.check_length("abc", 3) == "abc"
    with pytest.raises(CellError, match="dài quá 2 ký tự"):
        cells.check_length("abc", 2)
