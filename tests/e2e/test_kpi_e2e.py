"""A month of KPI, through the screens only.

The demo's civil servant of the People's Committee office (`congchuc`) draws up
her sheet for the last month that has ended, adds a task, assesses the general
criteria and sends it; the ward's leader (`bithu`) returns it with a reason;
she corrects it and sends it again; he finalises it, then the office head's
sheet (it carries the office's result, so it waits for hers), and closes the
office's month. Plan A's KPI coverage target ("… được đánh giá, xếp loại … theo KPI")
goes from just below 100% to 100% at the office, and moves at the ward.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_movements_e2e import as_number, log_out, target_figures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OFFICE = "BK-VPUB"
STAFF_NAME, LEADER_NAME = "Hà Thị Thu Trang", "Hoàng Văn Quang"
PLAN_A = "Năm nâng cao chất lượng cán bộ cơ sở"


def last_ended_month():
    first = timezone.localdate().replace(day=1)
    return first.replace(year=first.year - (first.month == 1), month=(first.month - 2) % 12 + 1)


def label(page, text):
    return page.get_by_label(re.compile(rf"^{re.escape(text)}(\s*\*)?$"))


def section(page, heading_id):
    """The page section a heading (by its id) names."""
    return page.locator(f"section[aria-labelledby='{heading_id}']")


def kpi_target_at(page, live_server, unit_code=None):
    """The plan A KPI target's row on the dashboard (at the ward, or at one unit)."""
    from thidua.movements.models import Movement, Target
    from thidua.org.models import Unit

    movement = Movement.objects.get(title__startswith=PLAN_A)
    target = Target.objects.get(movement=movement, indicator="kpi_coverage")
    url = f"{live_server.url}/phong-trao/{movement.pk}/bang-dieu-khien/"
    if unit_code:
        url += f"?don-vi={Unit.objects.get(code=unit_code).pk}"
    page.goto(url)
    return target_figures(page, target.wording)


def test_fill_return_fix_finalise_close_and_the_target_moves(demo, page, live_server, login,
                                                             shot):
    month = last_ended_month()
    key = f"{month:%Y-%m}"

    login("bithu")
    before_ward = kpi_target_at(page, live_server)
    before_office = kpi_target_at(page, live_server, OFFICE)
    assert as_number(before_office["Giá trị"]) < 100
    log_out(page, live_server, LEADER_NAME)

    # 1. The civil servant draws up her month ----------------------------------------------
    login("congchuc")
    page.get_by_role("navigation").get_by_role("link", name="Đánh giá KPI").click()
    page.goto(f"{live_server.url}/kpi/?thang={key}")
    page.get_by_role("button", name="Lập phiếu tháng này").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(STAFF_NAME)
    label(page, "Nhiệm vụ, sản phẩm").fill("Dự thảo văn bản chỉ đạo, điều hành của UBND phường")
    label(page, "Số lượng giao").fill("8")
    label(page, "Số lượng hoàn thành").fill("8")
    label(page, "Số đạt yêu cầu").fill("8")
    label(page, "Số đúng hạn").fill("7")
    label(page, "Số lần chậm").fill("1")
    page.get_by_role("button", name="Thêm nhiệm vụ").click()
    expect(section(page, "nhiem-vu").get_by_role("row").filter(
        has_text="Dự thảo văn bản chỉ đạo")).to_be_visible()
    for criterion in ("Chính trị, tư tưởng", "Đạo đức, lối sống", "Ý thức tổ chức kỷ luật",
                      "Tác phong, thái độ phục vụ nhân dân",
                      "Tinh thần đổi mới, sáng tạo, dám nghĩ, dám làm"):
        label(page, criterion).fill("6")
    page.get_by_role("button", name="Lưu điểm tiêu chí chung").click()
    expect(section(page, "cach-tinh")).to_contain_text("Tổng điểm")
    shot("40-kpi-phieu-tu-danh-gia")
    page.get_by_role("button", name="Gửi lãnh đạo").click()
    expect(page.get_by_text("Chờ duyệt").first).to_be_visible()
    sheet_url = page.url.split("?")[0]
    log_out(page, live_server, STAFF_NAME)

    # 2. The leader sends it back with a reason --------------------------------------------
    login("bithu")
    page.goto(sheet_url)
    label(page, "Lý do trả lại").fill("Bổ sung nhiệm vụ số hóa hồ sơ trong tháng")
    page.get_by_role("button", name="Trả lại").click()
    expect(page.get_by_text("Bị trả lại").first).to_be_visible()
    log_out(page, live_server, LEADER_NAME)

    # 3. She adds the missing task and sends it again -------------------------------------
    login("congchuc")
    page.goto(sheet_url)
    expect(section(page, "lich-su")).to_contain_text(
        "Bổ sung nhiệm vụ số hóa hồ sơ trong tháng")
    label(page, "Nhiệm vụ, sản phẩm").fill("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính")
    for name, value in (("Số lượng giao", "40"), ("Số lượng hoàn thành", "40"),
                        ("Số đạt yêu cầu", "40"), ("Số đúng hạn", "40")):
        label(page, name).fill(value)
    page.get_by_role("button", name="Thêm nhiệm vụ").click()
    expect(section(page, "nhiem-vu").get_by_role("row").filter(has_text="Số hóa hồ sơ")
           ).to_be_visible()
    page.get_by_role("button", name="Gửi lãnh đạo").click()
    expect(page.get_by_text("Chờ duyệt").first).to_be_visible()
    log_out(page, live_server, STAFF_NAME)

    # 4. The leader finalises and closes the office's month ---------------------------------
    login("bithu")
    page.goto(sheet_url)
    page.get_by_role("link", name=re.compile(r"^Chốt kết quả")).click()
    page.get_by_role("button", name="Chốt kết quả").click()
    expect(page.get_by_text("Đã chốt").first).to_be_visible()
    shot("41-kpi-phieu-da-chot")

    from thidua.org.models import Unit

    office = Unit.objects.get(code=OFFICE)
    page.goto(f"{live_server.url}/kpi/don-vi/{office.pk}/thang/{key}/")
    # The office head's sheet carries the office's result: it is finalised last.
    page.get_by_role("button", name=re.compile(r"^Chốt tất cả 1 phiếu chờ duyệt")).click()
    page.get_by_role("button", name="Chốt 1 phiếu").click()
    expect(page.get_by_text("Đã chốt 1 phiếu.")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Khóa sổ tháng")).click()
    shot("42-kpi-khoa-so")
    page.get_by_role("button", name=re.compile(r"^Khóa sổ")).click()
    expect(page.get_by_text("Đã khóa sổ").first).to_be_visible()

    # 5. Plan A's KPI target moves -----------------------------------------------------------
    after_office = kpi_target_at(page, live_server, OFFICE)
    assert as_number(after_office["Giá trị"]) == 100
    after_ward = kpi_target_at(page, live_server)
    assert as_number(after_ward["Giá trị"]) > as_number(before_ward["Giá trị"])
    shot("43-kpi-chi-tieu-ke-hoach-a")
