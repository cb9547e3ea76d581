"""A movement from start to first result, through the screens only.

The demo secretariat (`vanphong`) creates a plan, adds two targets and a
registration deadline, launches it and reads the registration target on the
dashboard (0 %); the leader of Chi bộ Tổ dân phố số 1 (`chibo1`) registers his
cell; the secretariat accepts the registration and the dashboard shows one more
cell registered, at the percentage worked out here from the demo's units.
"""

import re
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Thi đua xây dựng chi bộ tổ dân phố trong sạch, vững mạnh, văn minh"
NUMBER, SYMBOL = "245", "KH/ĐU"
REGISTERED = "100% chi bộ trực thuộc đăng ký thi đua"
PRACTICES = "100% chi bộ có ít nhất 1 mô hình, cách làm hay"
CELL, CELL_CODE = "Chi bộ Tổ dân phố số 1", "BK-CB-TDP01"
SECRETARIAT_NAME, CELL_LEADER_NAME = "Nông Thị Hồng Nhung", "Lục Văn Sơn"


def dmy(day):
    return f"{day:%d/%m/%Y}"


def percent(numerator, denominator):
    """As the dashboard writes a share: two decimals at most, half up, decimal comma."""
    value = (Decimal(100) * numerator / denominator).quantize(Decimal("0.01"), ROUND_HALF_UP)
    text = f"{value:f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text}%"


def as_number(text):
    return Decimal(text.rstrip("%").replace(".", "").replace(",", "."))


def cells_under_ward():
    from thidua.org.models import Unit

    ward = Unit.objects.get(code="BK")
    return Unit.objects.filter(path__startswith=ward.path, is_active=True,
                               kind__code="chi_bo").count()


def field(page, label):
    """The input labelled exactly ``label`` (a required field's label ends with " *")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def target_figures(page, wording):
    """The dashboard's summary row of a target, as {column header: cell text}."""
    link = page.get_by_role("link", name=wording, exact=True)
    table = page.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="Giá trị")).filter(has=link)
    expect(table).to_have_count(1)
    headers = [h.strip() for h in table.get_by_role("columnheader").all_inner_texts()]
    row = table.get_by_role("row").filter(has=link)
    values = [c.strip() for c in row.get_by_role("cell").all_inner_texts()]
    assert len(headers) == len(values), (headers, values)
    return dict(zip(headers, values, strict=True))


def log_out(page, live_server, display_name):
    page.get_by_role("navigation").get_by_role("button", name=display_name).click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{live_server.url}/dang-nhap/**")


def open_movement(page):
    page.get_by_role("navigation").get_by_role("link", name="Phong trào", exact=True).click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text(TITLE, exact=True)).to_be_visible()


def test_create_launch_register_accept_and_follow(demo, page, live_server, login, shot):
    today = timezone.localdate()
    cells = cells_under_ward()
    assert cells > 1

    # 1. The secretariat writes the plan -------------------------------------------------
    login("vanphong")
    page.get_by_role("navigation").get_by_role("link", name="Phong trào", exact=True).click()
    page.get_by_role("link", name="Tạo phong trào").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tạo phong trào thi đua")
    field(page, "Số").fill(NUMBER)
    field(page, "Ký hiệu").fill(SYMBOL)
    field(page, "Ngày ban hành").fill(dmy(today))
    field(page, "Mã đơn vị ban hành").fill("BK")
    field(page, "Tên phong trào").fill(TITLE)
    field(page, "Chủ đề").fill("Chi bộ gương mẫu — tổ dân phố bình yên")
    field(page, "Bắt đầu").fill(dmy(today + timedelta(days=1)))
    field(page, "Kết thúc").fill(dmy(today + timedelta(days=180)))
    field(page, "Chi bộ").check()
    expect(page.get_by_text(f"{NUMBER}-{SYMBOL}", exact=True)).to_be_visible()  # live preview
    shot("10-phong-trao-tao-moi")
    page.get_by_role("button", name="Tạo phong trào").click()

    expect(page.get_by_role("alert").filter(has_text="(dự thảo)")).to_be_visible()
    expect(page.get_by_text("Dự thảo", exact=True)).to_be_visible()
    expect(page.get_by_text(f"Số: {NUMBER}-{SYMBOL}")).to_be_visible()

    # 2. Two targets and a registration deadline ------------------------------------------
    page.get_by_role("link", name="Thêm chỉ tiêu").click()
    field(page, "Chỉ tiêu").fill(REGISTERED)
    field(page, "Cách đo").select_option(label="Tỷ lệ đơn vị đã đăng ký thi đua")
    expect(field(page, "Chỉ tính đăng ký đã được chấp nhận")).to_be_checked()
    expect(field(page, "Số mô hình tối thiểu mỗi đơn vị")).to_be_hidden()
    field(page, "So sánh").select_option(label="≥")
    field(page, "Mức phải đạt").fill("100")
    shot("11-chi-tieu-them")
    page.get_by_role("button", name="Thêm", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Đã lưu chỉ tiêu.")).to_be_visible()

    page.get_by_role("link", name="Thêm chỉ tiêu").click()
    field(page, "Chỉ tiêu").fill(PRACTICES)
    field(page, "Cách đo").select_option(label="Tỷ lệ đơn vị có mô hình, cách làm hay")
    field(page, "Số mô hình tối thiểu mỗi đơn vị").fill("1")
    field(page, "So sánh").select_option(label="≥")
    field(page, "Mức phải đạt").fill("100")
    page.get_by_role("button", name="Thêm", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Đã lưu chỉ tiêu.")).to_be_visible()

    deadline = today + timedelta(days=14)
    page.get_by_role("link", name="Thêm mốc").click()
    field(page, "Loại mốc").select_option(label="Hạn đăng ký thi đua")
    field(page, "Nội dung").fill("Các chi bộ gửi bản đăng ký thi đua")
    field(page, "Hạn").fill(dmy(deadline))
    page.get_by_role("button", name="Thêm", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Đã thêm mốc thời gian.")).to_be_visible()

    targets = page.locator("#chi-tieu").get_by_role("row")
    expect(targets.filter(has_text=REGISTERED)).to_contain_text("≥ 100%")
    expect(targets.filter(has_text=PRACTICES)).to_contain_text("≥ 100%")
    expect(page.locator("#moc").get_by_role("row").filter(has_text=dmy(deadline))).to_contain_text(
        "Hạn đăng ký thi đua")
    shot("12-phong-trao-du-thao")

    # 3. Launch, after the confirmation page -----------------------------------------------
    page.get_by_role("link", name="Phát động…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Phát động phong trào “{TITLE}”?")
    expect(page.locator("body")).to_contain_text(f"{cells} đơn vị tham gia phải đăng ký")
    shot("13-phat-dong-xac-nhan")
    page.get_by_role("button", name="Phát động", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Đã phát động phong trào")).to_be_visible()
    expect(page.get_by_text("Đang triển khai", exact=True)).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text=dmy(deadline))).to_be_visible()

    # 4. The dashboard before any registration --------------------------------------------
    page.get_by_role("link", name="Theo dõi chỉ tiêu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bảng theo dõi chỉ tiêu")
    before = target_figures(page, REGISTERED)
    assert before["Giá trị"] == "0%", before
    assert before["Kết quả"] == f"0/{cells} chi bộ", before
    assert before["Mục tiêu"] == "≥ 100%", before
    practices = target_figures(page, PRACTICES)
    assert practices["Kết quả"] == f"0/{cells} chi bộ", practices
    shot("14-bang-theo-doi-truoc")
    log_out(page, live_server, SECRETARIAT_NAME)

    # 5. The cell's leader registers his cell ----------------------------------------------
    login("chibo1")
    open_movement(page)
    page.get_by_role("link", name="Đăng ký thi đua").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký thi đua")
    expect(page.locator("body")).to_contain_text(f"Hạn đăng ký: {dmy(deadline)}")
    own = page.get_by_role("row").filter(has_text=CELL_CODE)
    expect(own).to_contain_text("Chưa đăng ký")
    shot("15-dang-ky-chon-don-vi")
    own.get_by_role("button", name="Đăng ký cho đơn vị").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Đăng ký thi đua của {CELL}")
    expect(page.get_by_text("Đang soạn", exact=True)).to_be_visible()
    field(page, REGISTERED).fill(
        "Chi bộ đăng ký thi đua, 100% đảng viên ký cam kết tu dưỡng, rèn luyện.")
    field(page, PRACTICES).fill(
        "Xây dựng mô hình “Tuyến phố văn minh, sạch đẹp” ở tổ dân phố số 1.")
    field(page, "Ghi chú chung").fill("Đã thông qua tại sinh hoạt chi bộ tháng này.")
    shot("16-dang-ky-cam-ket")
    page.get_by_role("button", name="Gửi đăng ký").click()
    expect(page.get_by_role("alert").filter(
        has_text=f"Đã gửi đăng ký thi đua của {CELL}.")).to_be_visible()
    expect(page.get_by_text("Đã gửi", exact=True)).to_be_visible()
    expect(page.get_by_text("Đăng ký muộn", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Gửi đăng ký")).to_have_count(0)
    expect(page.get_by_role("button", name="Chấp nhận")).to_have_count(0)  # not his to accept
    shot("17-dang-ky-da-gui")
    log_out(page, live_server, CELL_LEADER_NAME)

    # 6. The secretariat accepts it from the registration board --------------------------
    login("vanphong")
    open_movement(page)
    page.get_by_role("link", name="Tình hình đăng ký").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tình hình đăng ký thi đua")
    expect(page.get_by_text(f"Đơn vị tham gia: {cells}", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Đã gửi: 1", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=f"Chưa đăng ký: {cells - 1}", exact=True)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=CELL_CODE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Đã gửi")
    shot("18-tinh-hinh-dang-ky")
    row.get_by_role("link", name="Xem và duyệt").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Đăng ký thi đua của {CELL}")
    expect(page.locator("body")).to_contain_text("Tuyến phố văn minh, sạch đẹp")
    page.get_by_role("button", name="Chấp nhận").click()
    expect(page.get_by_role("alert").filter(
        has_text=f"Đã chấp nhận bản đăng ký của {CELL}.")).to_be_visible()
    expect(page.get_by_text("Đã chấp nhận", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Chấp nhận")).to_have_count(0)
    shot("19-dang-ky-da-chap-nhan")

    # 7. The dashboard counts the cell --------------------------------------------------
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Theo dõi chỉ tiêu").click()
    after = target_figures(page, REGISTERED)
    assert after["Kết quả"] == f"1/{cells} chi bộ", after
    assert after["Giá trị"] == percent(1, cells), after
    assert as_number(after["Giá trị"]) > as_number(before["Giá trị"])
    assert target_figures(page, PRACTICES)["Kết quả"] == f"0/{cells} chi bộ"
    shot("20-bang-theo-doi-sau")

    from thidua.movements.models import Movement, Registration

    movement = Movement.objects.get(title=TITLE)
    assert (movement.state, movement.document_number) == ("launched", f"{NUMBER}-{SYMBOL}")
    assert list(movement.participant_kinds.values_list("code", flat=True)) == ["chi_bo"]
    registration = Registration.objects.get(movement=movement)
    assert (registration.unit.code, registration.state) == (CELL_CODE, "accepted")
