"""The unit's month and year as .xlsx: headers, values and their types, safety.

Fixtures: tests/conftest.py and tests/kpi/conftest.py (ward A's three people; ``month`` is
the previous month).
"""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.kpi.test_domain import finalise_all
from thidua.kpi import domain
from thidua.kpi.export import MONTH_COLUMNS, year_columns

pytestmark = pytest.mark.django_db

HTT_71 = {"chinh_tri": "1"}
HEADER_ROW = 5  # title, unit, legend, blank, header


def download(client, user, name, *args, params=None):
    client.force_login(user)
    response = client.get(reverse(f"kpi:{name}", args=args), params or {})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return response, load_workbook(io.BytesIO(response.content))


def table(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(min_row=HEADER_ROW, values_only=True))
    headers = rows[0]
    return [dict(zip(headers, row, strict=False)) for row in rows[1:]]


def test_month_export_has_everyone_with_typed_values(client, tree, users, staff, month, fill,
                                                     make_person):
    extra = make_person("Lý Thị Mai", tree.ward_a, position="Chuyên viên")
    finalise_all([staff.staff], month, users, fill)  # 100
    finalise_all([staff.clerk, extra], month, users, fill, general=HTT_71)  # 71 and 71
    domain.report_missing(staff.chief, month, users["leader"], "nghi_phep", "Nghỉ ốm")
    response, workbook = download(client, users["observer"], "unit_month_export",
                                  tree.ward_a.pk, domain.month_key(month))
    assert response["Content-Disposition"] == \
        f'attachment; filename="kpi-thang-{month:%Y-%m}-pab.xlsx"'
    sheet = workbook.active
    assert sheet.title == f"Tháng {month.month:02d}-{month.year}"
    assert sheet["A1"].value == f"KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI THÁNG {month.month}/{month.year}"
    assert "Đảng bộ phường An Bình (PAB)" in sheet["A2"].value
    assert [c.value for c in sheet[HEADER_ROW]] == [h for h, _w in MONTH_COLUMNS]
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.column_dimensions["C"].width == 28
    rows = {r["Họ và tên"]: r for r in table(sheet)}
    assert set(rows) == {"Phạm Thu Hà", "Vũ Minh Khoa", "Lý Thị Mai", "Đỗ Quang Hải"}
    ha = rows["Phạm Thu Hà"]
    assert ha["Điểm"] == 100 and isinstance(ha["Điểm"], (int, float))
    assert ha["Xếp loại"] == "HTXS" and ha["Xếp hạng"] == 1
    assert ha["Tình trạng phiếu"] == "Đã chốt" and ha["Nhóm nhiệm vụ"] == "Công chức"
    assert rows["Vũ Minh Khoa"]["Điểm"] == 71 and rows["Vũ Minh Khoa"]["Xếp hạng"] == 2
    assert rows["Lý Thị Mai"]["Xếp hạng"] == 2 and rows["Lý Thị Mai"]["Chức vụ"] == "Chuyên viên"
    chief = rows["Đỗ Quang Hải"]
    assert chief["Điểm"] is None and chief["Xếp loại"] is None and chief["Xếp hạng"] is None
    assert chief["Lãnh đạo, quản lý"] == "Có"
    assert chief["Ghi chú"] == "Không đánh giá: Nghỉ phép, nghỉ ốm dài ngày; Nghỉ ốm"
    row = next(r for r in sheet.iter_rows(min_row=HEADER_ROW + 1) if r[2].value == "Phạm Thu Hà")
    assert row[7].number_format == "0.00" and row[0].value >= 1


def test_month_export_keeps_the_pages_filter(client, tree, users, staff, month, fill):
    finalise_all([staff.staff], month, users, fill)
    _response, workbook = download(client, users["leader"], "unit_month_export", tree.ward_a.pk,
                                   domain.month_key(month), params={"q": "pham"})
    assert [r["Họ và tên"] for r in table(workbook.active)] == ["Phạm Thu Hà"]


def test_text_that_looks_like_a_formula_stays_text(client, tree, users, month, make_person):
    make_person("=HYPERLINK(\"http://x\",\"Bấm\")", tree.ward_a, position="+1 chuyên viên",
                staff_code="-CB1")
    _response, workbook = download(client, users["leader"], "unit_month_export", tree.ward_a.pk,
                                   domain.month_key(month))
    row = next(workbook.active.iter_rows(min_row=HEADER_ROW + 1))
    for cell in row[1:4]:
        assert cell.data_type == "s", cell.value
    assert row[2].value == "=HYPERLINK(\"http://x\",\"Bấm\")"
    assert row[3].value == "+1 chuyên viên"


def test_year_export_has_months_quarters_and_the_year(client, tree, users, staff, fill):
    year = date.today().year - 1
    finalise_all([staff.staff], date(year, 1, 1), users, fill)  # 100 HTXS
    finalise_all([staff.staff], date(year, 2, 1), users, fill, general=HTT_71)  # 71 HTT
    finalise_all([staff.staff], date(year, 7, 1), users, fill, general=HTT_71)  # 71 HTT
    response, workbook = download(client, users["secretariat"], "unit_year_export",
                                  tree.ward_a.pk, year)
    assert response["Content-Disposition"] == f'attachment; filename="kpi-nam-{year}-pab.xlsx"'
    sheet = workbook.active
    assert sheet.title == f"Năm {year}"
    assert "quý và năm: trung bình cộng điểm các tháng đã chốt" in sheet["A2"].value
    headers = [c.value for c in sheet[HEADER_ROW]]
    assert headers == [h for h, _w in year_columns()]
    assert headers[:4] == ["STT", "Mã cán bộ", "Họ và tên", "Chức vụ"]
    assert "Tháng 12 — xếp loại" in headers and "Quý 4 — điểm" in headers
    assert headers[-4:] == ["Năm — điểm", "Năm — xếp loại", "Số tháng được chốt", "Ghi chú"]
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    rows = {r["Họ và tên"]: r for r in table(sheet)}
    assert set(rows) == {"Phạm Thu Hà", "Vũ Minh Khoa", "Đỗ Quang Hải"}
    ha = rows["Phạm Thu Hà"]
    assert ha["Mã cán bộ"] == staff.staff.staff_code
    assert ha["Tháng 1 — điểm"] == 100 and ha["Tháng 1 — xếp loại"] == "HTXS"
    assert ha["Tháng 2 — điểm"] == 71 and ha["Tháng 2 — xếp loại"] == "HTT"
    assert ha["Tháng 3 — điểm"] is None and ha["Tháng 3 — xếp loại"] is None
    assert ha["Quý 1 — điểm"] == 85.5 and ha["Quý 1 — xếp loại"] == "HTT"
    assert ha["Quý 2 — điểm"] is None
    assert ha["Quý 3 — điểm"] == 71 and ha["Quý 3 — xếp loại"] == "HTT"
    assert ha["Năm — điểm"] == 80.67 and ha["Năm — xếp loại"] == "HTT"  # (100 + 71 + 71) / 3
    assert ha["Số tháng được chốt"] == 3
    assert rows["Vũ Minh Khoa"]["Năm — điểm"] is None
    assert rows["Vũ Minh Khoa"]["Số tháng được chốt"] == 0
    year_score = next(r for r in sheet.iter_rows(min_row=HEADER_ROW + 1)
                      if r[2].value == "Phạm Thu Hà")[headers.index("Năm — điểm")]
    assert year_score.data_type == "n" and year_score.number_format == "0.00"


def test_exports_of_another_ward_are_404(client, tree, users, month):
    client.force_login(users["other"])
    for address in (reverse("kpi:unit_month_export", args=[tree.ward_a.pk,
                                                          domain.month_key(month)]),
                    reverse("kpi:unit_year_export", args=[tree.ward_a.pk, month.year])):
        assert client.get(address).status_code == 404
