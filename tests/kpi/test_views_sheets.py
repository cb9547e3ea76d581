"""The person-facing KPI screens: “my month” (kpi:mine) and the sheet page with its actions.

Fixtures: tests/conftest.py (two wards, one user per role on ward A; ``other`` is the
secretariat of ward B) and tests/kpi/conftest.py (``staff``: Phạm Thu Hà with the
``canbo_a`` login, the clerk without one, the chief with the ``lanhdao_a`` login).
"""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.kpi.conftest import FULL_MARKS, GOOD_TASK, as_user, page, url
from tests.kpi.test_domain import finalise_all
from thidua.core.workflow import TransitionError
from thidua.kpi import domain
from thidua.kpi.models import Adjustment, MonthSheet, Task
from thidua.kpi.policy import Grade
from thidua.kpi.views.sheets import shift_month
from thidua.org.models import DisciplineRecord

pytestmark = pytest.mark.django_db


def task_post(**changes):
    data = {"name": GOOD_TASK["name"], "assigned": 10, "done": 10, "meeting": 10, "on_time": 10,
            "major_errors": 0, "late_deliveries": 0}
    data.update(changes)
    return data


def input_tag(html: str, input_id: str) -> str:
    match = re.search(rf'<input[^>]*id="{input_id}"[^>]*>', html)
    assert match, f"no input {input_id}"
    return match.group(0)


def state_of(sheet) -> str:
    return MonthSheet.objects.values_list("state", flat=True).get(pk=sheet.pk)


@pytest.fixture
def finalised(submitted, users):
    domain.transition(submitted, "finalise", users["leader"])
    submitted.refresh_from_db()
    return submitted


# The full cycle --------------------------------------------------------------------------------
def test_full_cycle_through_the_views(client, staff, users, month):
    c = as_user(client, users["staff"])
    html = page(c.get(url("mine"), {"thang": f"{month:%Y-%m}"}))
    assert "Lập phiếu tháng này" in html
    assert not MonthSheet.objects.exists()  # a GET never makes a sheet
    response = c.post(url("mine"), {"thang": f"{month:%Y-%m}"})
    sheet = MonthSheet.objects.get(person=staff.staff, month=month)
    assert response.status_code == 302 and response["Location"] == url("sheet", sheet.pk)

    assert c.post(url("sheet_task_add", sheet.pk), task_post()).status_code == 302
    assert c.post(url("sheet_task_add", sheet.pk), task_post(
        name="Báo cáo tháng", assigned=4, done=2, meeting=2, on_time=2)).status_code == 302
    response = c.post(url("sheet_general", sheet.pk), {**FULL_MARKS, "dao_duc": "5,5",
                                                       "comment": "Hoàn thành tốt"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    # tasks 100% and 50% → 75% of 70 = 52.5; general 29.5
    assert sheet.score == Decimal("82.00") and sheet.self_general["dao_duc"] == "5.5"
    html = page(c.get(url("sheet", sheet.pk)))
    assert "Gửi lãnh đạo</button>" in html and "82" in html and "Hoàn thành tốt" in html
    assert c.post(url("sheet_transition", sheet.pk, "submit")).status_code == 302
    assert state_of(sheet) == "submitted"
    html = page(c.get(url("sheet", sheet.pk)))
    assert "đang chờ duyệt" in html and "Thêm nhiệm vụ" not in html
    assert "Gửi lãnh đạo</button>" not in html

    leader = as_user(client, users["leader"])
    html = page(leader.get(url("sheet", sheet.pk)))
    assert "Trả lại" in html and "Chốt kết quả" in html and "Lý do điều chỉnh" in html
    html = page(leader.post(url("sheet_transition", sheet.pk, "return"), {"reason": ""}))
    assert "Cần ghi lý do trả lại." in html and state_of(sheet) == "submitted"
    response = leader.post(url("sheet_transition", sheet.pk, "return"),
                           {"reason": "Bổ sung báo cáo còn thiếu"})
    assert response.status_code == 302 and state_of(sheet) == "returned"

    c = as_user(client, users["staff"])
    html = page(c.get(url("sheet", sheet.pk)))
    assert "Phiếu bị trả lại." in html and "Bổ sung báo cáo còn thiếu" in html
    report = sheet.tasks.get(name="Báo cáo tháng")
    html = page(c.get(url("sheet_task_edit", sheet.pk, report.pk)))
    assert 'value="Báo cáo tháng"' in html
    response = c.post(url("sheet_task_edit", sheet.pk, report.pk), task_post(
        name="Báo cáo tháng 5", assigned=4, done=4, meeting=4, on_time=4))
    assert response.status_code == 302
    assert "Đã lưu nhiệm vụ “Báo cáo tháng 5”." in page(c.get(response["Location"]))
    assert c.post(url("sheet_transition", sheet.pk, "submit")).status_code == 302

    leader = as_user(client, users["leader"])
    html = page(leader.get(url("sheet_transition", sheet.pk, "finalise")))
    assert "Điều sẽ xảy ra" in html and "99,5 điểm" in html
    seen = re.search(r'name="seen" value="([^"]+)"', html).group(1)
    response = leader.post(url("sheet_transition", sheet.pk, "finalise"), {"seen": seen})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == "finalised" and sheet.grade == Grade.HTXS
    assert sheet.finalised_by == users["leader"]
    html = page(as_user(client, users["staff"]).get(url("mine"), {"thang": f"{month:%Y-%m}"}))
    assert "Đã chốt" in html and "99,5" in html and "HTXS" in html
    titles = list(users["staff"].notifications.values_list("title", flat=True))
    assert any("bị trả lại" in t for t in titles) and any("đã được chốt" in t for t in titles)


def test_a_leader_fills_a_sheet_of_someone_without_login(client, staff, users, month):
    sheet = domain.sheet_for(staff.clerk, month, users["leader"])
    c = as_user(client, users["leader"])
    assert c.post(url("sheet_task_add", sheet.pk), task_post()).status_code == 302
    assert c.post(url("sheet_general", sheet.pk), FULL_MARKS).status_code == 302
    assert c.post(url("sheet_transition", sheet.pk, "submit")).status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == "submitted" and sheet.score == Decimal("100.00")
    assert not Adjustment.objects.exists()  # a draft filled in: no review yet


# Bad input -----------------------------------------------------------------------------------
def test_impossible_numbers_are_refused_with_the_field_named(client, staff, users, month):
    sheet = domain.sheet_for(staff.staff, month, users["staff"])
    c = as_user(client, users["staff"])
    html = page(c.post(url("sheet_task_add", sheet.pk), task_post(name="Thẩm định hồ sơ",
                                                                   done=11)))
    assert "Số lượng hoàn thành (11) không thể lớn hơn số lượng giao (10)." in html
    assert "is-invalid" in input_tag(html, "nhiemvu_done")
    assert 'value="Thẩm định hồ sơ"' in html  # the input is kept
    html = page(c.post(url("sheet_task_add", sheet.pk), task_post(major_errors=-1)))
    assert "Số lỗi lớn không được là số âm (đã ghi -1)." in html
    assert "is-invalid" in input_tag(html, "nhiemvu_major_errors")
    html = page(c.post(url("sheet_task_add", sheet.pk), task_post(meeting=3, on_time=3,
                                                                   done=2)))
    assert "Số đạt yêu cầu (3) không thể lớn hơn số hoàn thành (2)." in html
    html = page(c.post(url("sheet_task_add", sheet.pk), task_post(assigned=0, done=0,
                                                                   meeting=0, on_time=0)))
    assert "Số lượng giao phải từ 1 trở lên." in html
    assert not Task.objects.exists()

    html = page(c.post(url("sheet_general", sheet.pk), {**FULL_MARKS, "dao_duc": "7",
                                                        "ky_luat": "năm"}))
    assert "“Đạo đức, lối sống”: điểm phải từ 0 đến 6 (đã nhập 7)." in html
    assert "“Ý thức tổ chức kỷ luật”: điểm “năm” không phải là số." in html
    assert "is-invalid" in input_tag(html, "tieuchi_dao_duc")
    assert 'value="7"' in input_tag(html, "tieuchi_dao_duc")
    html = page(c.post(url("sheet_general", sheet.pk), {**FULL_MARKS, "phuc_vu": "-1"}))
    assert "“Tác phong, thái độ phục vụ nhân dân”: điểm phải từ 0 đến 6" in html
    sheet.refresh_from_db()
    assert sheet.self_general == {}


# Who sees what ---------------------------------------------------------------------------------
def _all_urls(sheet, task):
    gets = [url("sheet", sheet.pk), url("sheet_task_edit", sheet.pk, task.pk),
            url("sheet_task_delete", sheet.pk, task.pk),
            *[url("sheet_transition", sheet.pk, name)
              for name in ("submit", "return", "finalise", "reopen")]]
    posts = [url("sheet_task_add", sheet.pk), url("sheet_general", sheet.pk),
             url("sheet_lower", sheet.pk), *gets[1:]]
    return gets, posts


def all_404(c, gets, posts, data):
    for address in gets:
        assert c.get(address).status_code == 404, address
    for address in posts:
        assert c.post(address, data).status_code == 404, address


def test_another_ward_gets_404_on_every_sheet_url(client, submitted, users):
    task = submitted.tasks.get()
    gets, posts = _all_urls(submitted, task)
    all_404(as_user(client, users["other"]), gets, posts,
            {**task_post(done=1), **FULL_MARKS, "reason": "Thử"})
    submitted.refresh_from_db()
    assert submitted.state == "submitted" and submitted.tasks.get().done == 10
    assert not Adjustment.objects.exists()


def test_staff_cannot_see_another_persons_sheet(client, staff, users, month):
    clerk = domain.sheet_for(staff.clerk, month, users["leader"])
    domain.save_task(clerk, users["leader"], GOOD_TASK)
    task = clerk.tasks.get()
    gets, posts = _all_urls(clerk, task)
    all_404(as_user(client, users["staff"]), gets, posts, {**task_post(), **FULL_MARKS})
    assert clerk.tasks.count() == 1


def test_secretariat_reads_but_is_refused_when_editing(client, submitted, users):
    c = as_user(client, users["secretariat"])
    html = page(c.get(url("sheet", submitted.pk)))
    assert "Phạm Thu Hà" in html and "Cách tính điểm" in html
    assert "Bạn không có quyền sửa phiếu này." in html
    assert "Thêm nhiệm vụ" not in html and "Chốt kết quả" not in html
    html = page(c.post(url("sheet_task_add", submitted.pk),
                       task_post(name="Nhiệm vụ văn phòng ghi thay", reason="Bổ sung")))
    assert "Bạn không có quyền sửa phiếu này." in html
    assert 'value="Nhiệm vụ văn phòng ghi thay"' in html  # input kept
    html = page(c.post(url("sheet_general", submitted.pk), {"phuc_vu": "3", "reason": "Thử"}))
    assert "Bạn không có quyền sửa phiếu này." in html
    html = page(c.post(url("sheet_transition", submitted.pk, "finalise")))
    assert "Bạn không có quyền “chốt kết quả” hồ sơ này." in html
    html = page(c.post(url("sheet_lower", submitted.pk), {"reason": "Vượt tỷ lệ"}))
    assert "Chỉ lãnh đạo đơn vị mới điều chỉnh được xếp loại." in html
    submitted.refresh_from_db()
    assert submitted.state == "submitted" and submitted.tasks.count() == 1
    assert submitted.review_general == {} and submitted.grade == Grade.HTXS


def test_unknown_transition_is_404(client, submitted, users):
    c = as_user(client, users["leader"])
    assert c.post(url("sheet_transition", submitted.pk, "close")).status_code == 404
    assert c.get(url("sheet_transition", submitted.pk, "close")).status_code == 404


def test_staff_cannot_finalise_his_own_sheet(client, submitted, users):
    c = as_user(client, users["staff"])
    html = page(c.get(url("sheet_transition", submitted.pk, "finalise")))
    assert "Bạn không có quyền “chốt kết quả” hồ sơ này." in html
    assert "Điều sẽ xảy ra" not in html
    html = page(c.post(url("sheet_transition", submitted.pk, "finalise")))
    assert "Bạn không có quyền “chốt kết quả” hồ sơ này." in html
    assert state_of(submitted) == "submitted"


# The leader's review ----------------------------------------------------------------------------
def test_leader_changes_need_a_reason_and_are_shown(client, submitted, users):
    c = as_user(client, users["leader"])
    html = page(c.post(url("sheet_general", submitted.pk), {"phuc_vu": "4"}))
    assert "Cần ghi lý do điều chỉnh." in html and 'value="4"' in input_tag(html, "tieuchi_phuc_vu")
    task = submitted.tasks.get()
    html = page(c.post(url("sheet_task_edit", submitted.pk, task.pk), task_post(done=8, meeting=8,
                                                                                 on_time=8)))
    assert "Cần ghi lý do điều chỉnh." in html
    assert not Adjustment.objects.exists()
    assert c.post(url("sheet_general", submitted.pk), {
        "phuc_vu": "4", "comment": "Còn chậm trả lời người dân",
        "reason": "Có phản ánh của người dân"}).status_code == 302
    assert c.post(url("sheet_task_edit", submitted.pk, task.pk), task_post(
        done=8, meeting=8, on_time=8, reason="Đối chiếu sổ theo dõi")).status_code == 302
    submitted.refresh_from_db()
    assert submitted.score == Decimal("84.00")  # tasks 80% of 70, general 28

    html = page(as_user(client, users["staff"]).get(url("sheet", submitted.pk)))
    assert "Có phản ánh của người dân" in html and "Đối chiếu sổ theo dõi" in html
    assert "Còn chậm trả lời người dân" in html
    row = re.search(r"Tác phong, thái độ phục vụ nhân dân</td>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r'<td class="text-end[^"]*">([^<]*)</td>', row)
    assert cells == ["6", "6", "4", "4"]  # maximum, self, leader, counted


def test_deleting_a_task_asks_first_and_a_reviewer_gives_a_reason(client, submitted, users):
    task = submitted.tasks.get()
    c = as_user(client, users["leader"])
    html = page(c.get(url("sheet_task_delete", submitted.pk, task.pk)))
    assert "Xóa nhiệm vụ “Giải quyết hồ sơ một cửa”?" in html and "Lý do điều chỉnh" in html
    html = page(c.post(url("sheet_task_delete", submitted.pk, task.pk), {"reason": ""}))
    assert "Cần ghi lý do điều chỉnh." in html and submitted.tasks.exists()
    response = c.post(url("sheet_task_delete", submitted.pk, task.pk), {"reason": "Trùng"})
    assert response.status_code == 302 and not submitted.tasks.exists()
    assert Adjustment.objects.get().field_label == "Xóa nhiệm vụ"


def test_the_owner_may_not_edit_a_submitted_sheet(client, submitted, users):
    task = submitted.tasks.get()
    c = as_user(client, users["staff"])
    response = c.get(url("sheet_task_edit", submitted.pk, task.pk), follow=True)
    assert "đang chờ duyệt: không thể sửa." in page(response)
    html = page(c.post(url("sheet_task_delete", submitted.pk, task.pk)))
    assert "đang chờ duyệt: không thể sửa." in html and submitted.tasks.exists()


def test_lowering_an_htxs_for_the_cap(client, finalised, users):
    assert finalised.grade == Grade.HTXS
    html = page(as_user(client, users["staff"]).get(url("sheet", finalised.pk)))
    assert "Hạ xuống HTT do vượt tỷ lệ" not in html
    c = as_user(client, users["leader"])
    html = page(c.get(url("sheet", finalised.pk)))
    assert "Hạ xuống HTT do vượt tỷ lệ" in html
    html = page(c.post(url("sheet_lower", finalised.pk), {"reason": ""}))
    assert "Cần ghi lý do hạ xếp loại." in html
    assert c.post(url("sheet_lower", finalised.pk),
                  {"reason": "Đơn vị vượt tỷ lệ HTXS"}).status_code == 302
    finalised.refresh_from_db()
    assert finalised.grade == Grade.HTT and finalised.lowered_for_cap
    html = page(c.get(url("sheet", finalised.pk)))
    assert "Lý do xếp loại khác điểm:" in html and "Đơn vị vượt tỷ lệ HTXS" in html
    assert "Hạ xuống HTT do vượt tỷ lệ" not in html  # no longer HTXS


def test_reopen_needs_a_reason(client, finalised, users):
    c = as_user(client, users["leader"])
    html = page(c.post(url("sheet_transition", finalised.pk, "reopen"), {"reason": "  "}))
    assert "Cần ghi lý do mở lại." in html and state_of(finalised) == "finalised"
    assert c.post(url("sheet_transition", finalised.pk, "reopen"),
                  {"reason": "Sai số liệu"}).status_code == 302
    assert state_of(finalised) == "submitted"
    html = page(c.get(url("sheet", finalised.pk)))
    assert "Mở lại (Đã chốt → Chờ duyệt). Lý do: Sai số liệu" in html


# Two leaders at once ---------------------------------------------------------------------------
def test_a_leader_acting_second_is_told_and_the_first_result_stays(client, submitted, users,
                                                                   monkeypatch):
    """The other leader finalises between this leader's read and his write."""
    original = domain.transition

    def first_someone_else(sheet, name, user, reason=""):
        other = MonthSheet.objects.select_related("person", "unit").get(pk=sheet.pk)
        original(other, "finalise", users["admin"])
        return original(sheet, name, user, reason)

    monkeypatch.setattr(domain, "transition", first_someone_else)
    c = as_user(client, users["leader"])
    html = page(c.post(url("sheet_transition", submitted.pk, "return"),
                       {"reason": "Thiếu minh chứng"}))
    assert "Hồ sơ vừa được người khác thay đổi trạng thái." in html
    assert "Thiếu minh chứng" in html  # the reason typed is kept
    submitted.refresh_from_db()
    assert submitted.state == "finalised" and submitted.finalised_by == users["admin"]
    assert "Đã chốt" in html


def test_an_action_from_a_stale_page_is_refused(client, submitted, users):
    c = as_user(client, users["leader"])
    html = page(c.get(url("sheet", submitted.pk)))
    seen = re.search(r'name="seen" value="([^"]+)"', html).group(1)
    domain.transition(submitted, "return", users["admin"], "Thiếu minh chứng")
    domain.save_task(submitted, users["staff"], {**GOOD_TASK, "name": "Minh chứng"})
    domain.transition(submitted, "submit", users["staff"])  # submitted again, new content
    html = page(c.post(url("sheet_transition", submitted.pk, "finalise"), {"seen": seen}))
    assert "Phiếu vừa được người khác thay đổi sau khi bạn mở trang" in html
    assert state_of(submitted) == "submitted"


# A closed month --------------------------------------------------------------------------------
def test_a_locked_month_refuses_edits_through_the_ui(client, staff, users, month, fill, tree):
    finalise_all([staff.staff, staff.clerk], month, users, fill, general={"chinh_tri": "1"})
    domain.report_missing(staff.chief, month, users["leader"], "nghi_phep", "Nghỉ ốm")
    domain.close_month(tree.ward_a, month, users["leader"])
    sheet = MonthSheet.objects.get(person=staff.staff)
    task = sheet.tasks.get()

    html = page(as_user(client, users["staff"]).get(url("sheet", sheet.pk)))
    assert "Tháng đã khóa sổ" in html and "Thêm nhiệm vụ" not in html
    html = page(client.get(url("mine"), {"thang": f"{month:%Y-%m}"}))
    assert "Tháng đã khóa sổ" in html

    c = as_user(client, users["leader"])
    html = page(c.get(url("sheet", sheet.pk)))
    assert "Tháng đã khóa sổ" in html and "Lưu điểm tiêu chí chung" not in html
    assert "Mở lại" not in html
    html = page(c.post(url("sheet_task_add", sheet.pk), task_post(name="Thêm sau", reason="x")))
    assert "đã khóa sổ: không thể sửa phiếu" in html
    html = page(c.post(url("sheet_task_edit", sheet.pk, task.pk), task_post(done=1, meeting=1,
                                                                             on_time=1)))
    assert "đã khóa sổ: không thể sửa phiếu" in html
    html = page(c.post(url("sheet_general", sheet.pk), {"chinh_tri": "6"}))
    assert "đã khóa sổ: không thể sửa phiếu" in html
    html = page(c.post(url("sheet_transition", sheet.pk, "reopen"), {"reason": "Sai"}))
    assert "khóa sổ" in html
    sheet.refresh_from_db()
    assert sheet.state == "finalised" and sheet.score == Decimal("71.00")
    assert list(sheet.tasks.values_list("done", flat=True)) == [10]


# The computation ------------------------------------------------------------------------------
def test_the_computation_is_shown_line_by_line(client, staff, users, month, fill):
    sheet = domain.sheet_for(staff.staff, month, users["staff"])
    fill(sheet, users["staff"], general={**FULL_MARKS, "doi_moi": "4.5"})
    domain.save_task(sheet, users["staff"], {"name": "Báo cáo tháng", "assigned": 4, "done": 3,
                                             "meeting": 3, "on_time": 2, "major_errors": 1,
                                             "late_deliveries": 1})
    html = page(as_user(client, users["staff"]).get(url("sheet", sheet.pk)))
    table = re.search(r'id="bang-tinh-diem".*?</table>', html, re.S).group(0)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))
    assert "Tiêu chí chung (28,5 điểm)" in text
    assert "Tinh thần đổi mới, sáng tạo, dám nghĩ, dám làm tối đa 6 4,5" in text
    assert "1. Giải quyết hồ sơ một cửa 100%" in text
    assert "Số lượng 3/4 hoàn thành 75%" in text
    assert "Chất lượng 3/4 đạt yêu cầu, 1 lỗi lớn 50%" in text
    assert "Tiến độ 2/4 đúng hạn, 1 lần chậm 25%" in text
    # (0.75 + 0.5 + 0.25) / 3 = 50% for the report; mean of 100% and 50% = 75% of 70
    assert "2. Báo cáo tháng 50%" in text
    assert "Kết quả thực hiện nhiệm vụ bình quân 2 nhiệm vụ: 75% 52,5" in text
    assert "Tổng điểm xếp loại HTT 81" in text

    DisciplineRecord.objects.create(person=staff.staff, form="khien_trach",
                                    decision_date=month, effective_from=month)
    domain.recompute(sheet)
    html = page(client.get(url("sheet", sheet.pk)))
    assert "Lý do xếp loại khác điểm:" in html and "Khiển trách" in html
    assert "Không hoàn thành nhiệm vụ" in html and "(theo điểm: Hoàn thành tốt nhiệm vụ)" in html


def test_a_leaders_sheet_shows_the_unit_line(client, staff, users, month, fill, make_user, tree):
    sheet = domain.sheet_for(staff.chief, month, users["leader"])
    fill(sheet, users["leader"])
    html = page(as_user(client, users["leader"]).get(url("sheet", sheet.pk)))
    assert "Kết quả của đơn vị do mình lãnh đạo" in html and "100%, chiếm 50% điểm nhiệm vụ" in html


# Query counts ----------------------------------------------------------------------------------
def _sheet_queries(c, sheet) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(c.get(url("sheet", sheet.pk)))
    return len(queries)


#: session, user, role paths, sheet, tasks, month lock, policy (2), discipline, adjustments,
#: transition log, unread notifications; for a reviewer of a sent sheet, whether the
#: leader's sheet of the month is finalised (the "finalise" button).
SHEET_PAGE_QUERIES = 13


@pytest.mark.parametrize("who", ["staff", "leader"])
def test_sheet_page_queries_do_not_grow_with_tasks(client, submitted, users, who,
                                                   django_assert_max_num_queries):
    c = as_user(client, users[who])
    _sheet_queries(c, submitted)  # warm the content type cache
    one = _sheet_queries(c, submitted)
    domain.transition(submitted, "return", users["leader"], "Bổ sung")
    submitted.refresh_from_db()
    for i in range(14):
        domain.save_task(submitted, users["staff"], {**GOOD_TASK, "name": f"Nhiệm vụ {i}"})
    domain.transition(submitted, "submit", users["staff"])
    for i in range(3):
        Adjustment.objects.create(sheet=submitted, field_label=f"Mục {i}", reason="Thử",
                                  actor=users["leader"])
    assert submitted.tasks.count() == 15
    assert _sheet_queries(c, submitted) == one
    with django_assert_max_num_queries(SHEET_PAGE_QUERIES):
        page(c.get(url("sheet", submitted.pk)))


#: session, user, person, the month's sheet and its tasks, month lock, history, role paths,
#: unread notifications.
MINE_PAGE_QUERIES = 9


def test_mine_history_is_one_query_whatever_the_months(client, staff, users, fill,
                                                       django_assert_max_num_queries):
    c = as_user(client, users["staff"])
    current = domain.current_month()
    fill(domain.sheet_for(staff.staff, current, users["staff"]), users["staff"])
    with CaptureQueriesContext(connection) as one:
        html = page(c.get(url("mine")))
    assert "Lịch sử xếp loại 12 tháng gần nhất" in html and "Giải quyết hồ sơ một cửa" in html
    for back in range(1, 14):
        sheet = domain.sheet_for(staff.staff, shift_month(current, -back), users["staff"])
        fill(sheet, users["staff"], general={"chinh_tri": "1"} if back == 2 else None)
    with CaptureQueriesContext(connection) as many:
        html = page(c.get(url("mine")))
    assert len(many) == len(one)
    with django_assert_max_num_queries(MINE_PAGE_QUERIES):
        html = page(c.get(url("mine")))
    history = re.search(r'id="lich-su".*?</table>', html, re.S).group(0)
    assert history.count("Xem phiếu") == 12  # the current month and the 11 before
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", history))
    earlier = shift_month(current, -2)
    assert f"Tháng {earlier.month}/{earlier.year} Đang lập 71 HTT (tạm tính)" in text
    assert f"Tháng {current.month}/{current.year} Đang lập 100 HTXS" in text
    oldest = shift_month(current, -12)
    assert f"Tháng {oldest.month}/{oldest.year}" not in text


# My month ---------------------------------------------------------------------------------------
def test_mine_for_a_user_without_person(client, users):
    for who in ("norole", "other"):
        c = as_user(client, users[who])
        html = page(c.get(url("mine")))
        assert "chưa được gắn với hồ sơ cán bộ nào" in html
        html = page(c.post(url("mine"), {"thang": "2026-01"}))
        assert "chưa được gắn với hồ sơ cán bộ nào" in html
    assert not MonthSheet.objects.exists()


def test_mine_month_picker_and_navigation(client, staff, users, month):
    c = as_user(client, users["staff"])
    current = domain.current_month()
    html = page(c.get(url("mine")))
    assert f"Tháng {current.month}/{current.year}" in html and "Tháng sau" not in html
    assert f'href="{url("mine")}?thang={month:%Y-%m}"' in html  # the previous month
    html = page(c.get(url("mine"), {"thang": f"{month:%Y-%m}"}))
    assert "Tháng sau" in html and "Về tháng hiện tại" in html
    html = page(c.get(url("mine"), {"thang": "2026-13"}))
    assert "Tháng “2026-13” không hợp lệ" in html and "Đang hiển thị tháng hiện tại." in html
    html = page(c.post(url("mine"), {"thang": "2026-13"}))  # not this month instead
    assert "Tháng “2026-13” không hợp lệ" in html and "Lập phiếu tháng này" in html
    future = shift_month(current, 1)
    html = page(c.get(url("mine"), {"thang": f"{future:%Y-%m}"}))
    assert "chưa bắt đầu" in html and "Lập phiếu tháng này" not in html
    html = page(c.post(url("mine"), {"thang": f"{future:%Y-%m}"}))
    assert "chưa bắt đầu: chưa lập phiếu được" in html
    assert not MonthSheet.objects.exists()


def test_mine_shows_the_months_sheet_and_posting_twice_keeps_one(client, staff, users, month):
    c = as_user(client, users["staff"])
    for _ in range(2):
        assert c.post(url("mine"), {"thang": f"{month:%Y-%m}"}).status_code == 302
    sheet = MonthSheet.objects.get()
    domain.save_task(sheet, users["staff"], {**GOOD_TASK, "name": "Tiếp dân"})
    html = page(c.get(url("mine"), {"thang": f"{month:%Y-%m}"}))
    assert "Tiếp dân" in html and "Đang lập" in html and "Mở phiếu đánh giá" in html
    assert "Lập phiếu tháng này" not in html


def test_mine_refuses_a_new_sheet_in_a_closed_month(client, staff, users, month, fill, tree):
    finalise_all([staff.clerk], month, users, fill, general={"chinh_tri": "1"})
    domain.report_missing(staff.staff, month, users["leader"], "nghi_phep")
    domain.report_missing(staff.chief, month, users["leader"], "nghi_phep")
    domain.close_month(tree.ward_a, month, users["leader"])
    c = as_user(client, users["staff"])
    html = page(c.get(url("mine"), {"thang": f"{month:%Y-%m}"}))
    assert "Tháng đã khóa sổ" in html and "Lập phiếu tháng này" not in html
    html = page(c.post(url("mine"), {"thang": f"{month:%Y-%m}"}))
    assert "đã khóa sổ: không lập phiếu mới" in html
    assert not MonthSheet.objects.filter(person=staff.staff).exists()


def test_transition_error_text_comes_from_the_domain(client, staff, users, month):
    """Submitting a sheet without tasks: the workflow guard's message, no 500."""
    sheet = domain.sheet_for(staff.staff, month, users["staff"])
    html = page(as_user(client, users["staff"]).post(url("sheet_transition", sheet.pk, "submit")))
    assert "Phiếu chưa có nhiệm vụ, sản phẩm nào trong tháng." in html
    assert state_of(sheet) == "draft"
    with pytest.raises(TransitionError):
        domain.transition(sheet, "submit", users["staff"])


def test_no_finalise_button_under_a_finalised_leaders_sheet(client, staff, users, month, fill,
                                                            make_user, tree):
    boss = make_user("truong_phuong", "leader", tree.province)
    finalise_all([staff.staff], month, users, fill)
    missing = domain.report_missing(staff.clerk, month, users["leader"], "nghi_phep")
    chief = finalise_all([staff.chief], month, users, fill)[0]
    domain.transition(chief, "finalise", boss)
    missing.delete()  # the clerk is graded after all (as if reported by mistake)
    clerk = fill(domain.sheet_for(staff.clerk, month, users["leader"]), users["leader"])
    domain.transition(clerk, "submit", users["leader"])
    c = as_user(client, users["leader"])
    html = page(c.get(url("sheet", clerk.pk)))
    assert "Trả lại" in html and "Chốt kết quả" not in html
    response = c.post(url("sheet_transition", clerk.pk, "finalise"), follow=True)
    assert "hãy mở lại phiếu của lãnh đạo trước" in page(response)
    assert state_of(clerk) == "submitted"
