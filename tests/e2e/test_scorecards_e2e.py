"""A "Chi bộ bốn tốt" year-end, through the screens only.

The demo cell of Tổ dân phố số 1 (login `chibo1`) registered in January and
sent its quarterly self-evaluations; now its leader self-scores every item
and asks for recognition; the ward's office (`vanphong`) appraises, lowering
one item with a reason; the ward's leader (`bithu`) recognises the cell with
a decision number. Plan B's target "more than 90% of cells recognised" counts
one more cell.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.test_kpi_e2e import label, section
from tests.e2e.test_movements_e2e import as_number, log_out, target_figures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CELL = "BK-CB-TDP01"
CELL_LEADER, OFFICE_NAME, LEADER_NAME = "Lục Văn Sơn", "Nông Thị Hồng Nhung", "Hoàng Văn Quang"
TARGET = "Trên 90% chi bộ trực thuộc được công nhận “Chi bộ bốn tốt”"


def plan_b_cells(page, live_server):
    from thidua.movements.models import Target

    target = Target.objects.get(wording__startswith=TARGET)
    page.goto(f"{live_server.url}/phong-trao/{target.movement_id}/bang-dieu-khien/")
    return target_figures(page, target.wording)


def test_self_score_appraise_recognise_and_the_target_moves(demo, page, live_server, login,
                                                            shot):
    from thidua.scorecards.models import Criterion, Framework, Scorecard

    framework = Framework.objects.get(code="chi_bo_bon_tot", is_active=True)
    items = list(Criterion.objects.filter(framework=framework, parent__isnull=False)
                 .order_by("parent__order", "order"))
    card = Scorecard.objects.get(framework=framework, unit__code=CELL)
    card_url = f"{live_server.url}/bo-tieu-chi/phieu/{card.pk}/"

    login("bithu")
    before = as_number(plan_b_cells(page, live_server)["Giá trị"])
    log_out(page, live_server, LEADER_NAME)

    # 1. The cell's leader self-scores every item and asks for recognition ----------------
    login("chibo1")
    page.get_by_role("navigation").get_by_role("button", name="Bộ tiêu chí").click()
    page.get_by_role("link", name="Phiếu chấm điểm của đơn vị").click()
    page.goto(card_url)
    for item in items:
        page.locator(f"[name='diem_{item.pk}']").fill(
            f"{item.max_points.normalize():f}".replace(".", ","))
    expect(page.locator("output[data-overall-total]")).to_have_text("100")  # as typed
    shot("50-bon-tot-tu-cham")
    page.get_by_role("button", name="Lưu điểm tự chấm").click()
    page.get_by_role("button", name="Đề nghị công nhận").click()
    expect(page.get_by_text("Đã đề nghị công nhận").first).to_be_visible()
    log_out(page, live_server, CELL_LEADER)

    # 2. The ward's office lowers one item with a reason and completes the appraisal ---------
    login("vanphong")
    page.goto(card_url)
    lowered = next(i for i in items if i.code == "2.1")
    page.locator(f"[name='tham_dinh_{lowered.pk}']").fill("11")
    page.locator(f"[name='ly_do_{lowered.pk}']").fill(
        "Một kỳ sinh hoạt tháng 8 chưa có biên bản")
    page.get_by_role("button", name="Lưu điểm thẩm định").click()
    expect(section(page, "so-sanh")).to_contain_text("Một kỳ sinh hoạt tháng 8 chưa có biên bản")
    page.get_by_role("button", name="Hoàn thành thẩm định").click()
    expect(page.get_by_text("Đã thẩm định").first).to_be_visible()
    shot("51-bon-tot-tham-dinh")
    log_out(page, live_server, OFFICE_NAME)

    # 3. The ward's leader recognises it -----------------------------------------------------
    login("bithu")
    page.goto(card_url)
    page.get_by_role("link", name=re.compile(r"^Công nhận")).click()
    label(page, "Số quyết định").fill("60-QĐ/ĐU")
    label(page, "Ngày quyết định").fill(f"{date.today():%d/%m/%Y}")
    page.get_by_role("button", name=re.compile(r"Công nhận|công nhận")).click()
    expect(page.get_by_text("Được công nhận").first).to_be_visible()
    shot("52-bon-tot-cong-nhan")

    # 4. Plan B counts one more cell ----------------------------------------------------------
    after = as_number(plan_b_cells(page, live_server)["Giá trị"])
    assert after > before
    shot("53-bon-tot-chi-tieu-ke-hoach-b")
