"""The board and the comparison as .xlsx: what the page shows, the same filters, typed cells."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.scorecards import test_views_board
from tests.scorecards.conftest import YEAR
from tests.scorecards.test_views_board import board_url, card, get
from thidua.core import xlsx

pytestmark = pytest.mark.django_db

decided = test_views_board.decided  # the fixture: cell 1 recognised, appraised 95
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client, user, address, params=None):
    response = get(client, user, address, params)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(XLSX)
    return response, load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def table(sheet) -> tuple[int, list[dict]]:
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "STT")
    return header + 1, [dict(zip(rows[header], row, strict=False)) for row in rows[header + 1:]]


def filters_of(sheet) -> str:
    return next(c.value for c in sheet["A"] if str(c.value).startswith("Điều kiện lọc"))


def test_board_export_has_the_pages_rows_with_typed_values(client, decided, tree, users,
                                                           bon_tot, make_unit):
    card(bon_tot, make_unit("=HYPERLINK(\"x\")", tree.ward_a, code="PAB-X"), "registered")
    page = get(client, users["secretariat"], board_url(tree.ward_a)).context["rows"]
    response, sheet = download(client, users["secretariat"], board_url(tree.ward_a,
                                                                       name="board_export"))
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="bang-theo-doi-chi-bo-bon-tot-{YEAR}-pab-')
    assert sheet["A1"].value == f"Bảng theo dõi “Chi bộ bốn tốt” năm {YEAR}"
    assert any("Được công nhận: 1/3 (33,3%)" in (c.value or "") for c in sheet["A"][:6])
    header_row, rows = table(sheet)
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert [r["Mã đơn vị"] for r in rows] == [row.code for row in page]
    one = rows[0]
    assert one["Đơn vị"] == "Chi bộ Tổ dân phố 1" and one["Trạng thái"] == "Được công nhận"
    assert (one["Tự đánh giá quý I"], one["Tự đánh giá quý II"],
            one["Tự đánh giá quý III"]) == ("✓", None, "✓")
    assert one["Tự chấm"] == 100 and one["Thẩm định"] == 95
    assert isinstance(one["Thẩm định"], int | float)
    assert isinstance(one["Đăng ký lúc"], datetime)
    assert one["Ngày quyết định"] == datetime(YEAR, 12, 20)
    assert one["Số quyết định"] == "20-QĐ/ĐU"
    two = rows[1]
    assert two["Trạng thái"] == "Chưa đăng ký" and two["Tự chấm"] is None
    formula = next(r for r in rows if r["Mã đơn vị"] == "PAB-X")
    assert formula["Đơn vị"] == "=HYPERLINK(\"x\")"  # kept as text
    cell = sheet.cell(row=header_row + 3, column=3)
    assert cell.data_type == "s"


def test_board_export_keeps_the_filters_and_the_sort(client, decided, tree, users, bon_tot,
                                                     make_unit, monkeypatch):
    from thidua.scorecards import queries

    monkeypatch.setattr(queries, "today", lambda: date(YEAR, 6, 1))
    card(bon_tot, make_unit("Chi bộ Ba", tree.ward_a, code="PAB-BA"), "appraised", Decimal(90),
         Decimal(85))
    card(bon_tot, make_unit("Chi bộ Đang viết", tree.ward_a, code="PAB-DV"), "draft")
    params = {"cham-han": "on", "sap-xep": "-ten"}
    page = get(client, users["leader"], board_url(tree.ward_a), params).context["rows"]
    _response, sheet = download(client, users["leader"],
                                board_url(tree.ward_a, name="board_export"), params)
    _header, rows = table(sheet)
    assert [r["Mã đơn vị"] for r in rows] == [row.code for row in page] == ["PAB-CB2", "PAB-DV"]
    assert rows[0]["Chậm hạn"] == f"Quá hạn đăng ký (15/01/{YEAR})"
    assert filters_of(sheet) == "Điều kiện lọc: Chỉ đơn vị chậm hạn: có."
    _response, sheet = download(client, users["leader"],
                                board_url(tree.ward_a, name="board_export"),
                                {"trang-thai": "appraised"})
    assert [r["Mã đơn vị"] for r in table(sheet)[1]] == ["PAB-BA"]
    assert filters_of(sheet) == "Điều kiện lọc: Trạng thái: Đã thẩm định."


def test_compare_export_sorted_by_difference_with_the_adjusted_items(client, decided, tree,
                                                                     users, bon_tot, make_unit):
    card(bon_tot, make_unit("Chi bộ Giảm", tree.ward_a, code="PAB-G"), "appraised",
         Decimal(90), Decimal(80))
    _response, sheet = download(client, users["observer"],
                                board_url(tree.ward_a, name="board_compare_export"))
    _header, rows = table(sheet)
    assert [(r["Mã đơn vị"], r["Chênh lệch"]) for r in rows] == [("PAB-G", -10), ("PAB-CB1", -5)]
    assert rows[1]["Tiêu chí được điều chỉnh"] == "2.1: 13 → 8"
    assert rows[1]["Tự chấm"] == 100 and rows[1]["Thẩm định"] == 95


def test_filters_line_names_what_was_applied():
    from thidua.scorecards.forms_frameworks import BoardFilterForm

    form = BoardFilterForm({"trang-thai": "none", "q": "tổ 1", "sap-xep": "ten"})
    assert xlsx.filters_line(xlsx.form_filters(form, skip=["sap_xep"])) == (
        "Điều kiện lọc: Tìm đơn vị: “tổ 1”; Trạng thái: Chưa đăng ký.")
