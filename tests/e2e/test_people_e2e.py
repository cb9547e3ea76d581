"""As the demo secretariat: find a person by an unaccented name, open the page,
import a people file with one bad row and read the row error."""

import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def people_file(path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mã cán bộ", "Họ và tên", "Giới tính", "Ngày sinh", "Loại cán bộ", "Mã đơn vị"])
    sheet.append(["E2E001", "Nông Thị Hoài", "Nữ", "12/03/1990", "Công chức", "BK-VPUB"])
    sheet.append(["E2E002", "Triệu Văn Lâm", "Nam", "31/02/1991", "Công chức", "BK-KHONG-CO"])
    workbook.save(path)
    return path


def test_search_person_and_import_with_a_bad_row(demo, page, live_server, login, shot, tmp_path):
    login("vanphong")
    shot("01-trang-chu")

    page.get_by_role("navigation").get_by_role("button", name="Tổ chức, cán bộ").click()
    page.get_by_role("link", name="Cán bộ", exact=True).click()
    page.get_by_label("Tìm theo tên hoặc mã").fill("hoang van quang")
    page.get_by_role("button", name="Lọc").click()
    results = page.locator("#ket-qua tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Hoàng Văn Quang")
    shot("02-tim-can-bo-khong-dau")

    results.first.get_by_role("link", name="Hoàng Văn Quang").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hoàng Văn Quang")
    expect(page.locator("body")).to_contain_text("Bí thư Đảng ủy phường")
    shot("03-trang-ca-nhan")

    page.goto(f"{live_server.url}/nhap-du-lieu/can-bo/")
    page.set_input_files("input[type=file]", people_file(tmp_path / "can-bo.xlsx"))
    page.get_by_role("button", name="Tải lên và nhập").click()
    errors = page.locator("table tbody tr")
    expect(errors.first).to_be_visible()
    table_text = page.locator("table").inner_text()
    assert re.search(r"\b3\b", table_text), table_text  # the bad row, numbered as in Excel
    assert "Ngày sinh" in table_text and "Mã đơn vị" in table_text
    expect(page.locator("body")).to_contain_text("Chưa có dữ liệu nào được ghi")
    shot("04-nhap-can-bo-loi-dong")

    from thidua.org.models import Person

    assert not Person.objects.filter(staff_code__startswith="E2E").exists()


def test_tree_expands_in_place(demo, page, live_server, login, shot):
    login("vanphong")
    page.goto(f"{live_server.url}/don-vi/")
    page.get_by_role("button", name="Mở đơn vị cấp dưới của Ủy ban nhân dân phường Bắc Kạn").click()
    expect(page.get_by_role("link", name="Trung tâm Phục vụ hành chính công phường")).to_be_visible()
    shot("05-cay-don-vi")


def test_other_ward_user_cannot_open_the_person(demo, page, live_server, login):
    from thidua.org.models import Person

    person = Person.objects.get(full_name="Hoàng Văn Quang")
    login("vanphong_pdp")
    page.goto(f"{live_server.url}/can-bo/{person.pk}/")
    expect(page.locator("body")).to_contain_text("Không tìm thấy")
