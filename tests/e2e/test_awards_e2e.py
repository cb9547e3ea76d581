"""The ward's 2026 award round, through the screens only.

The demo ward's office (`vanphong`) opens the 2026 round, sees the candidates with the
reasons (a checklist of ✓/✗ conditions) and proposes one of them for "Lao động tiên
tiến", and a civil servant for Giấy khen by hand (refused until a reason is given); the round goes to the ward's TĐKT council, whose members (`hoidong`, `hoidong2`)
agree; the office ends the vote; the ward's leader (`bithu`) signs the proposal letter;
the granting level — the ward's own office and leader, since the ward's kind grants LĐTT
— appraises and decides; the person's history page shows the new title.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_kpi_e2e import label

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROUND_NAME = "Xét khen thưởng năm 2026 — Đảng bộ phường Bắc Kạn"
LEADER_NAME = "Hoàng Văn Quang"
MANUAL_NAME = "Hà Thị Thu Trang"  # the `congchuc` login's person


def switch(page, login, username):
    page.context.clear_cookies()
    login(username)


def open_round(page, live_server):
    page.goto(f"{live_server.url}/khen-thuong/dot-xet/")
    page.get_by_role("link", name=ROUND_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ROUND_NAME)


def test_round_from_candidates_to_decision_and_history(demo, page, live_server, login, shot):
    from thidua.awards import rounds
    from thidua.awards.models import Award, AwardRound
    from thidua.org.models import Person

    round_ = AwardRound.objects.get(name=ROUND_NAME)
    candidate = next(c for c in rounds.evaluate(round_).candidates if c.award_type == "ldtt")
    name = candidate.name
    manual_unit = Person.objects.get(user__username="congchuc").unit.name

    # 1. The office sees the candidates with their reasons and proposes one ------------------
    login("vanphong")
    open_round(page, live_server)
    expect(page.locator("#trang-thai")).to_contain_text("Đang lập danh sách đề nghị")
    page.get_by_role("link", name="Danh sách đủ điều kiện", exact=True).click()
    section = page.locator("section[aria-labelledby='du-dieu-kien']")
    row = section.locator("tr.ung-vien").filter(has_text=name).filter(
        has_text="Lao động tiên tiến").first
    expect(row).to_contain_text("✓")
    expect(row).to_contain_text("Hoàn thành tốt nhiệm vụ")
    expect(page.locator("section[aria-labelledby='gan-du']")).to_contain_text("✗")
    shot("70-khen-thuong-du-dieu-kien")
    row.get_by_role("button", name="Đề nghị").click()
    expect(page.get_by_role("alert").filter(has_text="Đã đề nghị")).to_contain_text(name)
    page.get_by_role("link", name="Quay lại đợt xét").click()
    expect(page.locator("section[aria-labelledby='danh-sach']")).to_contain_text(name)
    # Giấy khen is given on the unit's own criteria: proposed by hand, with the reason.
    page.get_by_role("link", name="Thêm đề nghị", exact=True).click()
    label(page, "Danh hiệu, hình thức").select_option(
        label="Giấy khen (cá nhân, tiêu chí do đơn vị quy định)")
    label(page, "Cá nhân").select_option(label=f"{MANUAL_NAME} — {manual_unit}")
    label(page, "Thành tích").fill("Dẫn đầu phong trào “Dân vận khéo” năm 2026")
    page.get_by_role("button", name="Thêm vào danh sách").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("cần ghi lý do đề nghị")
    label(page, "Lý do đề nghị (tiêu chí do đơn vị quy định)").fill(
        "Mô hình tiếp nhận hồ sơ tại nhà được Đảng ủy phường công nhận")
    page.get_by_role("button", name="Thêm vào danh sách").click()
    expect(page.locator("section[aria-labelledby='danh-sach']")).to_contain_text(MANUAL_NAME)
    page.get_by_role("button", name="Trình Hội đồng xét").click()
    expect(page.locator("#trang-thai")).to_contain_text("Hội đồng thi đua – khen thưởng đang xét")

    # 2. The council votes ----------------------------------------------------------------------
    for member in ("hoidong", "hoidong2"):
        switch(page, login, member)
        open_round(page, live_server)
        page.get_by_role("link", name="Biểu quyết", exact=True).click()
        for who in (name, MANUAL_NAME):
            ballot = page.get_by_role("region", name=who)
            ballot.get_by_label("Đồng ý", exact=True).check()
            ballot.get_by_role("button", name="Ghi biểu quyết").click()
            expect(page.get_by_role("region", name=who)).to_contain_text("Bạn đã biểu quyết")
    shot("71-khen-thuong-bieu-quyet")

    switch(page, login, "vanphong")
    open_round(page, live_server)
    page.get_by_role("button", name="Kết thúc biểu quyết").click()
    for nomination in round_.nominations.all():
        expect(page.locator(f"#de-nghi-{nomination.pk}")).to_contain_text("Đồng ý đề nghị")

    # 3. The leader signs the proposal letter, after a confirmation ------------------------------
    switch(page, login, "bithu")
    open_round(page, live_server)
    page.get_by_role("link", name="Ký tờ trình…").click()
    expect(page.locator("#danh-sach-trinh")).to_contain_text(name)
    page.get_by_role("button", name="Xác nhận: ký tờ trình").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()  # not confirmed yet
    page.get_by_label("Tôi đã đọc danh sách và xác nhận ký tờ trình").check()
    page.get_by_role("button", name="Xác nhận: ký tờ trình").click()
    expect(page.locator("#trang-thai")).to_contain_text(re.compile(r"Tờ trình số \d+-TTr/"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Tờ trình (Word)").click()
    assert download.value.suggested_filename.endswith(".docx")

    # 4. The granting level appraises ------------------------------------------------------------
    switch(page, login, "vanphong")
    open_round(page, live_server)
    page.get_by_role("link", name="Thẩm định", exact=True).click()
    for who in (name, MANUAL_NAME):
        appraisal = page.get_by_role("region", name=who)
        expect(label(appraisal, "Kết quả thẩm định")).to_have_value("accepted")
        appraisal.get_by_role("button", name="Ghi kết quả").click()
        expect(page.get_by_role("region", name=who)).to_contain_text("Đủ điều kiện")
    page.get_by_label("Tôi xác nhận hoàn thành thẩm định", exact=False).check()
    page.get_by_role("button", name="Hoàn thành thẩm định").click()
    expect(page.locator("#trang-thai")).to_contain_text("Cấp trên đã thẩm định")

    # 5. … and decides ----------------------------------------------------------------------------
    switch(page, login, "bithu")
    open_round(page, live_server)
    page.get_by_role("link", name="Quyết định khen thưởng", exact=True).click()
    label(page, "Người ký").fill(LEADER_NAME)
    label(page, "Chức vụ người ký").fill("Bí thư Đảng ủy phường")
    page.get_by_role("button", name="Lưu dự thảo").click()
    page.get_by_role("link", name="Ký ban hành quyết định…").click()
    page.get_by_label("Tôi xác nhận; thao tác này không hoàn tác được").check()
    page.get_by_role("button", name="Xác nhận: ký ban hành quyết định").click()
    expect(page.locator("#da-ky")).to_contain_text("đã ký ban hành")
    expect(page.locator("#khen-thuong")).to_contain_text(name)
    expect(page.locator("#khen-thuong")).to_contain_text("710.000")
    shot("72-khen-thuong-quyet-dinh")
    for link in ("Quyết định (Word)", "Giấy khen, bằng khen để in (Word)"):
        with page.expect_download() as download:
            page.get_by_role("link", name=link).click()
        assert download.value.suggested_filename.endswith(".docx")

    # 6. The person's history shows the new title -------------------------------------------------
    award = Award.objects.get(nomination__round=round_, award_type__code="ldtt")
    assert award.amount == 710_000 and award.year == 2026
    page.goto(f"{live_server.url}/khen-thuong/can-bo/{award.person_id}/lich-su/")
    expect(page.locator("main")).to_contain_text(name)
    new_title = page.locator("tr").filter(has_text=award.decision.number)
    expect(new_title).to_contain_text("Lao động tiên tiến")
    expect(new_title).to_contain_text("Xét trên hệ thống")
    expect(page.locator("tr").filter(has=page.get_by_role("rowheader", name="2026"))
           ).to_contain_text("Lao động tiên tiến")
    shot("73-khen-thuong-lich-su")
