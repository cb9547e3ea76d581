"""A citizen rates an official on a phone; the ward's leader reads it in the month's results.

The demo's one-stop centre (BK-HCC) has desks with officials and a few
hundred ratings. At a phone-sized viewport (360×740) a citizen opens an
official's QR page, picks "Không hài lòng", ticks a reason, writes a comment
(with markup, which must come back as text) and the dossier code, and sees the
thanks page. Then the ward's leader (``bithu``) opens the ratings results of
the ward for this month: the official's row counts one more unsatisfied rating
with that reason, and the comment is listed under the official's name.
"""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
COMMENT = "Phải hỏi <b>ba lần</b> mới được hướng dẫn khai tờ khai"
REASON = "Hướng dẫn chưa rõ"


def phone_shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_phone_rating_reaches_the_leaders_results(demo, browser, page, live_server, login, shot):
    from django.utils import timezone

    from thidua.feedback.demo import CENTRE
    from thidua.feedback.models import DeskOfficial
    from thidua.feedback.results import subtree_results
    from thidua.org.models import Unit

    official = (DeskOfficial.objects.filter(desk__unit__code=CENTRE, desk__scale="3")
                .select_related("person", "desk").order_by("person__staff_code").first())
    ward = Unit.objects.get(code="BK")
    month = timezone.localdate().replace(day=1)
    before = next(row.tally for row in subtree_results(ward, month, month, None).officials
                  if row.official.pk == official.pk)

    # 1. The citizen, on a phone ------------------------------------------------------------
    phone = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    citizen = phone.new_page()
    citizen.set_default_timeout(15000)
    citizen.goto(f"{live_server.url}/danh-gia/q/{official.token}/")
    expect(citizen.get_by_role("heading", level=1)).to_have_text(
        "Xin ông/bà đánh giá mức độ hài lòng")
    expect(citizen.get_by_text(official.person.full_name)).to_be_visible()
    assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    choice = citizen.locator("label.level", has_text="Không hài lòng")
    box = choice.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a large touch target
    choice.click()
    expect(citizen.get_by_label(REASON)).to_be_visible()
    citizen.get_by_label(REASON).check()
    citizen.get_by_label("Góp ý (không bắt buộc)").fill(COMMENT)
    citizen.get_by_label("Mã hồ sơ (nếu có)").fill(f"E2E-{date.today():%y%m%d}-01")
    phone_shot(citizen, "70-danh-gia-dien-thoai")
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Xin cảm ơn ông/bà!")
    expect(citizen.get_by_text(official.person.full_name)).to_be_visible()
    phone_shot(citizen, "71-danh-gia-cam-on")
    phone.close()

    # 2. The ward's leader reads it ----------------------------------------------------------
    login("bithu")
    page.goto(f"{live_server.url}/danh-gia/don-vi/{ward.pk}/tong-hop/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"tháng {month:%m/%Y}")
    row = page.locator(f"tr[data-official='{official.pk}']")
    expect(row).to_contain_text(official.person.full_name)
    cells = row.locator("td")
    expect(cells.nth(3)).to_have_text(str(before.count + 1))
    expect(cells.nth(4)).to_have_text(str(before.satisfied))
    expect(cells.nth(6)).to_contain_text(f"{REASON}: {before.reasons[REASON] + 1}")
    comment = page.locator("#gop-y li", has_text="ba lần").first
    expect(comment).to_contain_text(COMMENT)  # shown as text, markup and all
    expect(comment).to_contain_text(official.person.full_name)
    expect(comment).to_contain_text("Không hài lòng")
    expect(page.locator("#gop-y b")).to_have_count(0)
    shot("72-ket-qua-danh-gia-lanh-dao")
    # the centre's own month page (per desk) shows it too
    page.goto(f"{live_server.url}/danh-gia/don-vi/{official.desk.unit_id}/ket-qua/")
    expect(page.locator(f"tr[data-official='{official.pk}']")).to_contain_text(
        f"{REASON}: {before.reasons[REASON] + 1}")
    expect(page.get_by_text(COMMENT)).to_be_visible()
