"""The dashboard's Excel export: reopened with openpyxl, headers and numbers as shown."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from thidua.movements import domain
from thidua.movements.models import Commitment, Target

HEADER_ROW = 5


def export_url(movement, unit=None):
    url = reverse("movements:dashboard_export", args=[movement.pk])
    return f"{url}?don-vi={unit.pk}" if unit is not None else url


def accept(user, movement, unit):
    registration = domain.start_registration(user, movement, unit)
    Commitment.objects.create(registration=registration, text="Hoàn thành tốt nhiệm vụ")
    domain.submit_registration(user, registration)
    domain.review_registration(user, registration, "accept")


def rows(sheet):
    return [list(r) for r in sheet.iter_rows(min_row=HEADER_ROW, values_only=True)]


@pytest.fixture
def workbook(client, launched, tree, users, today):
    accept(users["secretariat"], launched, tree.cell_a1)
    Target.objects.create(movement=launched, order=3, indicator="manual", goal=95,
                          wording="Tỷ lệ hồ sơ đúng hạn", params={"unit_label": "%"})
    manual = Target.objects.create(movement=launched, order=4, indicator="manual", goal=3,
                                   comparator="lte", wording="Số hồ sơ trễ hạn")
    domain.enter_manual_value(users["secretariat"], manual, tree.cell_a2, value=Decimal(4),
                              measured_on=today)
    client.force_login(users["secretariat"])
    response = client.get(export_url(launched))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response["Content-Disposition"] == (
        f'attachment; filename="bang-theo-doi-{launched.pk}-pab-{today:%Y%m%d}.xlsx"')
    return load_workbook(io.BytesIO(response.content))


def test_a_summary_sheet_and_one_sheet_per_target(workbook):
    assert workbook.sheetnames == ["Tổng hợp", "Chỉ tiêu 1", "Chỉ tiêu 2", "Chỉ tiêu 3",
                                   "Chỉ tiêu 4"]


def test_summary_headers_values_and_formats(workbook, launched, today):
    sheet = workbook["Tổng hợp"]
    assert sheet["A1"].value == "BẢNG THEO DÕI CHỈ TIÊU THI ĐUA"
    assert launched.title in sheet["A2"].value and "167-KH/ĐU" in sheet["A2"].value
    assert sheet["A3"].value == (f"Đơn vị: Đảng bộ phường An Bình — số liệu đến ngày "
                                 f"{today:%d/%m/%Y}")
    header, *body = rows(sheet)
    assert header == ["STT", "Chỉ tiêu", "Cách đo", "Giá trị", "So sánh", "Mức phải đạt",
                      "Trạng thái", "Tử số", "Mẫu số", "Đối tượng", "Hạn đạt"]
    first = body[0]
    assert first[:4] == [1, "100% chi bộ đăng ký thi đua", "Tỷ lệ đơn vị đã đăng ký thi đua",
                         0.5]
    assert first[4:10] == ["≥", 1, "Chưa đạt", 1, 2, "chi bộ"]
    assert first[10].date() == today + timedelta(days=20)
    row = HEADER_ROW + 1
    assert sheet[f"D{row}"].number_format == "0.00%"
    assert sheet[f"F{row}"].number_format == "0.00%"
    assert sheet[f"H{row}"].number_format == "#,##0"
    assert sheet[f"K{row}"].number_format == "DD/MM/YYYY"
    # Manual values: a percentage without data, then a count with a ceiling.
    assert body[2][3:7] == [None, "≥", 0.95, "Chưa có số liệu"]
    assert body[3][3:7] == [4, "≤", 3, "Chưa đạt"]
    assert sheet[f"D{row + 3}"].number_format == "#,##0.00"
    assert sheet.column_dimensions["B"].width == 60
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"


def test_target_sheet_has_each_child_then_the_total(workbook, tree):
    sheet = workbook["Chỉ tiêu 1"]
    assert sheet["A1"].value == "Chỉ tiêu 1: 100% chi bộ đăng ký thi đua"
    assert sheet["A2"].value.startswith("Mục tiêu ≥ 100%, hạn đạt: ")
    header, *body = [row[:8] for row in rows(sheet)]
    assert header == ["STT", "Mã đơn vị", "Tên đơn vị", "Giá trị", "Trạng thái", "Tử số",
                      "Mẫu số", "Mức phải đạt"]
    assert body[:3] == [
        [1, "PAB-CB1", "Chi bộ Tổ dân phố 1", 1, "Đạt", 1, 1, 1],
        [2, "PAB-CB2", "Chi bộ Tổ dân phố 2", 0, "Chưa đạt", 0, 1, 1],
        [None, "PAB", "Cộng: Đảng bộ phường An Bình", 0.5, "Chưa đạt", 1, 2, 1],
    ]
    assert sheet["D6"].number_format == "0.00%"
    manual = [row[:8] for row in rows(workbook["Chỉ tiêu 4"])[1:]]
    assert manual[1][3:] == [4, "Chưa đạt", 4, 1, 3]
    assert manual[0][3:] == [None, "Chưa có số liệu", 0, 0, 3]


def test_export_at_a_cell_without_children(client, launched, tree, users):
    client.force_login(users["secretariat"])
    response = client.get(export_url(launched, tree.cell_a1))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Chỉ tiêu 1"]
    header, *body = rows(sheet)
    assert body[0][2] == "Không có đơn vị trực thuộc."
    assert body[1][1:3] == ["PAB-CB1", "Cộng: Chi bộ Tổ dân phố 1"]


def test_text_from_users_is_written_as_text_not_formulas(client, launched, users):
    target = launched.targets.get(order=1)
    target.wording = "=HYPERLINK(\"http://x\",\"bấm\")"
    target.save()
    client.force_login(users["secretariat"])
    response = client.get(export_url(launched))
    sheet = load_workbook(io.BytesIO(response.content))["Tổng hợp"]
    cell = sheet[f"B{HEADER_ROW + 1}"]
    assert cell.value == target.wording and cell.data_type == "s"


def test_export_date_is_local(client, launched, users):
    client.force_login(users["secretariat"])
    response = client.get(export_url(launched))
    assert f"{timezone.localdate():%Y%m%d}.xlsx" in response["Content-Disposition"]
