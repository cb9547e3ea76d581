"""An initiative from the application to the bank, through the screens only.

A staff member of the Văn phòng Tỉnh ủy Cao Bằng (demo login ``canbo_cb``) writes an
application and sees the similar initiative of the province appear (the duplicate check,
then again after saving); submits it; the office (``vanphong_cb``) accepts it — the three
months start; the office opens a council session and puts it on the agenda; the three
members (chair ``lanhdao_cb``, secretary ``vanphong_cb``, member ``hoidong_cb``) score and
vote; the secretary closes the session and the initiative is recognised. It is then found
in the bank by an unaccented query, and plan D's target "100% … có ít nhất 01 sáng kiến
… được công nhận" goes from 2 to 3 of the province's 15 people.
"""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_movements_e2e import as_number, target_figures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Số hóa hồ sơ lưu trữ và tra cứu văn bản của Ban Tuyên giáo"
EXISTING = "Quy trình số hóa hồ sơ lưu trữ của Văn phòng Tỉnh ủy"
PLAN_D_TARGET = ("100% cán bộ, đảng viên, công chức, viên chức, chiến sĩ và người lao động có "
                 "ít nhất 01 sáng kiến, giải pháp/năm được Hội đồng sáng kiến các cấp công nhận")


def field(page, label):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def log_out(page):
    page.context.clear_cookies()


def plan_d_value(page, live_server):
    from thidua.movements.models import Movement

    movement = Movement.objects.get(number="26", symbol="KH/TU")
    page.goto(f"{live_server.url}/phong-trao/{movement.pk}/bang-dieu-khien/")
    return as_number(target_figures(page, PLAN_D_TARGET)["Giá trị"])


def score(page, live_server, username, login, item_pk, points):
    log_out(page)
    login(username)
    page.goto(f"{live_server.url}/sang-kien/phien-hop/muc/{item_pk}/")
    for label, value in zip(("Tính mới (tối đa 30)", "Hiệu quả (tối đa 40)",
                             "Khả năng nhân rộng (tối đa 30)"), points, strict=True):
        field(page, label).fill(value)
    page.get_by_label("Đồng ý công nhận").check()
    page.get_by_role("button", name="Ghi phiếu chấm").click()
    expect(page.get_by_text("Đã chấm").or_(page.get_by_role("alert").first)).to_be_visible()


def test_write_submit_accept_score_recognise_search_and_the_target_moves(
        demo, page, live_server, login, shot):
    from thidua.initiatives.models import AgendaItem, Council, Initiative

    login("quantri")
    before = plan_d_value(page, live_server)
    assert before == Decimal("13.33")  # 2 of 15 people

    # 1. The staff member writes the application and sees the similar one -------------------
    log_out(page)
    login("canbo_cb")
    page.goto(f"{live_server.url}/sang-kien/")
    page.get_by_role("link", name="Lập đơn sáng kiến").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đơn đề nghị công nhận sáng kiến")
    field(page, "Tên sáng kiến").fill(TITLE)
    field(page, "Lĩnh vực áp dụng").select_option(label="Công nghệ thông tin, chuyển đổi số")
    field(page, "Ngày áp dụng lần đầu (hoặc áp dụng thử)").fill(
        f"{timezone.localdate().replace(day=1):%d/%m/%Y}")
    field(page, "Thực trạng, vấn đề cần giải quyết").fill(
        "Hồ sơ lưu trữ giấy của Ban nhiều, tra cứu văn bản mất thời gian.")
    field(page, "Nội dung giải pháp").fill(
        "Số hóa hồ sơ lưu trữ theo thứ tự ưu tiên sử dụng và lập mục lục tra cứu văn bản.")
    field(page, "Tính mới, điểm khác biệt").fill("Mục lục tra cứu theo chủ đề tuyên truyền.")
    field(page, "Hiệu quả, lợi ích thu được").fill("Thời gian tra cứu văn bản còn 5 phút.")
    page.get_by_role("button", name="Kiểm tra trùng lặp").click()
    similar = page.locator("#danh-sach-tuong-tu")
    expect(similar).to_contain_text(EXISTING)
    shot("sk-10-kiem-tra-trung-lap")
    assert not Initiative.objects.filter(title=TITLE).exists()  # the check saves nothing

    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_role("alert").filter(has_text="Đã lưu nháp")).to_be_visible()
    expect(page.locator("#danh-sach-tuong-tu")).to_contain_text(EXISTING)

    # 2. Submits it ---------------------------------------------------------------------------
    page.get_by_role("link", name="Nộp đơn…").click()
    expect(page.locator("#danh-sach-tuong-tu")).to_contain_text(EXISTING)
    page.get_by_role("button", name="Nộp đơn").click()
    expect(page.get_by_role("alert").filter(has_text="Đã nộp đơn")).to_be_visible()
    shot("sk-20-da-nop")
    initiative = Initiative.objects.get(title=TITLE)
    assert initiative.state == "submitted"

    # 3. The office accepts it: the three months start ---------------------------------------
    log_out(page)
    login("vanphong_cb")
    page.goto(f"{live_server.url}/sang-kien/tiep-nhan/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Tiếp nhận", exact=True).click()
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.locator("#han-xet")).to_contain_text("Còn")
    shot("sk-30-da-tiep-nhan")

    # 4. The council: a session, the agenda, three ballots, the close -------------------------
    council = Council.objects.get(unit__code="TU-CB-VP")
    page.goto(f"{live_server.url}/sang-kien/hoi-dong/{council.pk}/")
    field(page, "Ngày họp").fill(f"{timezone.localdate():%d/%m/%Y}")
    page.get_by_role("button", name="Tạo phiên họp").click()
    page.get_by_label("Sáng kiến đã tiếp nhận").select_option(value=str(initiative.pk))
    page.get_by_role("button", name="Đưa vào").click()
    item = AgendaItem.objects.get(initiative=initiative)
    for username, points in (("lanhdao_cb", ("25", "35", "25")),
                             ("vanphong_cb", ("22", "30", "24")),
                             ("hoidong_cb", ("20", "32", "20"))):
        score(page, live_server, username, login, item.pk, points)
    log_out(page)
    login("vanphong_cb")
    page.goto(f"{live_server.url}/sang-kien/phien-hop/{item.session_id}/")
    page.get_by_role("link", name="Kết thúc phiên họp").click()
    page.get_by_role("button", name="Kết thúc phiên họp và ghi kết quả").click()
    initiative.refresh_from_db()
    assert initiative.state == "recognised"
    page.goto(f"{live_server.url}/sang-kien/don/{initiative.pk}/")
    expect(page.get_by_text("Được công nhận").first).to_be_visible()
    shot("sk-40-duoc-cong-nhan")

    # 5. The bank finds it by an unaccented query -----------------------------------------------
    log_out(page)
    login("canbo_cb")
    page.goto(f"{live_server.url}/sang-kien/ngan-hang/?q=tra+cuu+van+ban+ban+tuyen+giao")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    shot("sk-50-ngan-hang")

    # 6. Plan D's target moves: 3 of 15 people ------------------------------------------------
    log_out(page)
    login("quantri")
    assert plan_d_value(page, live_server) == Decimal("20")
