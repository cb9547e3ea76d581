"""Procedure dossiers through the screens: the ward office imports a one-stop system's
.xlsx with one bad row, reads the row's error (row and column named, nothing written),
fixes the file, imports it, and sees the month's statistics."""

import io
from datetime import datetime

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = ["Mã hồ sơ", "Thủ tục", "Lĩnh vực", "Ngày tiếp nhận", "Hạn trả", "Ngày trả kết quả",
          "Cán bộ xử lý", "Đơn vị", "Trạng thái"]


def workbook(bad: bool) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Hồ sơ"
    sheet.append(HEADER)
    sheet.append(["H10-0001", "Đăng ký khai sinh", "Hộ tịch", datetime(2026, 3, 2, 8, 30),
                  datetime(2026, 3, 3), datetime(2026, 3, 3, 10), "", "BK-HCC", "Đã trả kết quả"])
    sheet.append(["H10-0002", "Đăng ký kết hôn", "Hộ tịch", "03/03/2026 09:00", "04/03/2026",
                  "01/03/2026 15:00" if bad else "06/03/2026 15:00", "", "BK-HCC", ""])
    sheet.append(["H10-0003", "Chứng thực bản sao từ bản chính", "Chứng thực", "2026-03-05",
                  "2026-03-06", "2026-03-05 16:00", "", "BK-HCC", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def ward(transactional_db):
    from thidua.org import demo

    demo.load()


def test_import_with_a_bad_row_then_fixed_then_statistics(ward, page, live_server, login,
                                                          shot):
    from thidua.dossiers.models import ProcedureDossier
    from thidua.org.models import Unit

    ward_pk = Unit.objects.get(code="BK").pk
    login("vanphong")
    page.goto(f"{live_server.url}/ho-so-tthc/don-vi/{ward_pk}/?thang=2026-03")
    page.get_by_role("link", name="Nhập từ tệp").click()
    expect(page.get_by_role("heading", name="Nhập hồ sơ thủ tục hành chính")).to_be_visible()

    page.set_input_files("#id_file", files=[{
        "name": "ho-so-thang-3.xlsx", "buffer": workbook(bad=True),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_role("button", name="Tải lên và nhập").click()
    report = page.locator("section[aria-labelledby='ket-qua']")
    expect(report).to_contain_text("Có 1 dòng bị từ chối trên tổng số 3 dòng dữ liệu")
    error = report.locator("tbody tr").first
    expect(error.locator("td").nth(0)).to_have_text("3")
    expect(error.locator("td").nth(1)).to_have_text("Ngày trả kết quả")
    expect(error.locator("td").nth(2)).to_contain_text("trước ngày tiếp nhận")
    shot("dossiers-1-bad-row")
    assert ProcedureDossier.objects.count() == 0

    page.set_input_files("#id_file", files=[{
        "name": "ho-so-thang-3.xlsx", "buffer": workbook(bad=False),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_role("button", name="Tải lên và nhập").click()
    expect(page.get_by_text("3 hồ sơ mới")).to_be_visible()
    assert ProcedureDossier.objects.count() == 3

    page.fill("#thang", "2026-03")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("heading", name="Hồ sơ thủ tục hành chính tháng 03/2026")).to_be_visible()
    figures = page.locator("#so-lieu")
    expect(figures.locator("[data-so='tiep-nhan']")).to_have_text("3")
    expect(figures.locator("[data-so='truoc-han']")).to_have_text("1")
    expect(figures.locator("[data-so='dung-han']")).to_have_text("1")
    expect(figures.locator("[data-so='qua-han']")).to_have_text("1")
    late = page.locator("section[aria-labelledby='qua-han']")
    expect(late).to_contain_text("H10-0002")
    shot("dossiers-2-statistics")
