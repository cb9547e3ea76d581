"""The leader's screens of a unit: the month (sheets, ranking, absences, cap, bulk finalise,
close and reopen) and the year (months, quarters, year grade, chart), and the units' index.

Fixtures: tests/conftest.py (two wards, one user per role on ward A; ``other`` is the
secretariat of ward B) and tests/kpi/conftest.py (ward A's ``staff``: Phạm Thu Hà with the
``canbo_a`` login, the clerk Vũ Minh Khoa, the chief Đỗ Quang Hải with the ``lanhdao_a``
login; ``month`` is the previous month).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.kpi.conftest import as_user, page, url
from tests.kpi.test_domain import finalise_all
from thidua.core.models import TransitionLog
from thidua.kpi import domain, queries
from thidua.kpi.models import MissingSheet, MonthSheet, UnitMonth
from thidua.kpi.policy import Grade

pytestmark = pytest.mark.django_db

HTT_71 = {"chinh_tri": "1"}  # 1 + 70 = 71 points: HTT, no cap question


def key(month) -> str:
    return domain.month_key(month)


def month_url(unit, month, name="unit_month"):
    return url(name, unit.pk, key(month))


def told(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def submit_as_leader(person, month, users, fill, general=None):
    sheet = domain.sheet_for(person, month, users["leader"])
    fill(sheet, users["leader"], general=general)
    domain.transition(sheet, "submit", users["leader"])
    sheet.refresh_from_db()
    return sheet


@pytest.fixture
def ready(staff, users, month, fill):
    """Ward A's month ready to close: two staff finalised at 71 (HTT), the chief away."""
    finalise_all([staff.staff, staff.clerk], month, users, fill, general=HTT_71)
    domain.report_missing(staff.chief, month, users["leader"], "nghi_phep", "Nghỉ ốm")


# Who reaches the pages ---------------------------------------------------------------------
def every_url(tree, month, missing_pk=1, year=2026):
    unit = tree.ward_a
    gets = [month_url(unit, month, name) for name in (
        "unit_month", "unit_month_export", "unit_month_close", "unit_month_reopen",
        "unit_month_missing")]
    gets += [url("unit_year", unit.pk, year), url("unit_year_export", unit.pk, year)]
    posts = [month_url(unit, month, name) for name in (
        "unit_month_close", "unit_month_reopen", "unit_month_missing", "unit_month_create",
        "unit_month_bulk")]
    posts.append(url("unit_month_missing_withdraw", unit.pk, key(month), missing_pk))
    return gets, posts


def test_another_wards_user_gets_404_everywhere(client, tree, users, staff, month, submitted):
    missing = domain.report_missing(staff.clerk, month, users["leader"], "di_hoc")
    gets, posts = every_url(tree, month, missing.pk)
    c = as_user(client, users["other"])
    for address in gets:
        assert c.get(address).status_code == 404, address
    data = {"reason": "Sai", "person": staff.clerk.pk, "sheet": submitted.pk, "confirm": "1",
            "all": "1"}
    for address in posts:
        assert c.post(address, data).status_code == 404, address
    assert MissingSheet.objects.filter(pk=missing.pk).exists()
    assert MonthSheet.objects.get(pk=submitted.pk).state == "submitted"
    assert not UnitMonth.objects.exists()


def test_staff_without_a_reading_role_gets_404_and_403(client, tree, users, month, staff):
    c = as_user(client, users["staff"])  # a staff role on cell 1 only: not a reader
    assert c.get(month_url(tree.ward_a, month)).status_code == 404
    assert c.get(month_url(tree.cell_a1, month)).status_code == 404
    assert c.get(url("unit_year", tree.ward_a.pk, month.year)).status_code == 404
    assert c.get(url("units")).status_code == 403
    assert as_user(client, users["norole"]).get(url("units")).status_code == 403


def test_bad_month_or_year_is_404(client, tree, users):
    c = as_user(client, users["leader"])
    for bad in ("2026-13", "26-05", "2026-5x"):
        assert c.get(url("unit_month", tree.ward_a.pk, bad)).status_code == 404
    assert c.get(url("unit_year", tree.ward_a.pk, 1999)).status_code == 404


# The month page ---------------------------------------------------------------------------
def test_month_page_shows_everyone_with_state_score_and_grade(client, tree, users, staff,
                                                              month, fill, submitted):
    finalise_all([staff.clerk], month, users, fill, general=HTT_71)
    html = page(as_user(client, users["leader"]).get(month_url(tree.ward_a, month)))
    assert "Đánh giá tháng của đơn vị" in html
    table = html[html.index('id="bang-can-bo"'):html.index('id="khong-danh-gia"')]
    for name in ("Phạm Thu Hà", "Vũ Minh Khoa", "Đỗ Quang Hải"):
        assert name in table
    assert "Chờ duyệt" in table and "Đã chốt" in table and "Chưa lập phiếu" in table
    assert ">71<" in table and ">100<" in table
    assert '<span class="badge text-bg-primary" title="Hoàn thành tốt nhiệm vụ">HTT</span>' in table
    assert reverse("kpi:sheet", args=[submitted.pk]) in table
    assert "Lãnh đạo</span>" in table  # the chief's flag
    assert f'name="sheet" value="{submitted.pk}"' in table  # only the submitted sheet
    assert f'value="{MonthSheet.objects.get(person=staff.clerk).pk}"' not in table
    assert "Khóa sổ tháng…" in html
    missing = html[html.index('id="khong-danh-gia"'):]
    assert "Phạm Thu Hà — chờ duyệt" in missing and "Đỗ Quang Hải — chưa lập phiếu" in missing
    assert "Vũ Minh Khoa" not in missing  # finalised


def test_ranking_ties_share_a_place(client, tree, users, staff, month, fill, make_person):
    extra = make_person("Lý Thị Mai", tree.ward_a)
    finalise_all([staff.staff, extra], month, users, fill)  # 100 each
    finalise_all([staff.clerk], month, users, fill, general=HTT_71)
    draft = domain.sheet_for(staff.chief, month, users["leader"])  # a draft is not ranked
    fill(draft, users["leader"])
    rows = {r.name: r for r in queries.month_rows(tree.ward_a, month)}
    assert rows["Phạm Thu Hà"].rank == rows["Lý Thị Mai"].rank == 1
    assert rows["Vũ Minh Khoa"].rank == 3
    assert rows["Đỗ Quang Hải"].rank is None
    html = page(as_user(client, users["observer"]).get(month_url(tree.ward_a, month)))
    assert html.count('<td class="text-end">1</td>') == 2
    assert '<td class="text-end">3</td>' in html


def test_filters_and_accent_free_search(client, tree, users, staff, month, fill, submitted):
    finalise_all([staff.clerk], month, users, fill, general=HTT_71)
    c = as_user(client, users["secretariat"])

    def names(**params):
        html = page(c.get(month_url(tree.ward_a, month), params))
        table = html[html.index('id="bang-can-bo"'):html.index('id="khong-danh-gia"')]
        return {n for n in ("Phạm Thu Hà", "Vũ Minh Khoa", "Đỗ Quang Hải") if n in table}

    assert names(q="pham thu") == {"Phạm Thu Hà"}
    assert names(q="ĐỖ QUANG") == {"Đỗ Quang Hải"}
    assert names(state="chua_lap") == {"Đỗ Quang Hải"}
    assert names(state="finalised") == {"Vũ Minh Khoa"}
    assert names(grade="htt") == {"Vũ Minh Khoa"}
    assert names(group="lanh_dao") == {"Đỗ Quang Hải"}
    assert names(state="nonsense") == {"Phạm Thu Hà", "Vũ Minh Khoa", "Đỗ Quang Hải"}
    assert names(state="nonsense", q="vu minh") == {"Vũ Minh Khoa"}  # the valid filter stays


def test_month_navigation_stops_at_the_current_month(client, tree, users):
    c = as_user(client, users["leader"])
    current = domain.current_month()
    html = page(c.get(month_url(tree.ward_a, current)))
    previous = date(current.year - (current.month == 1), (current.month - 2) % 12 + 1, 1)
    assert month_url(tree.ward_a, previous) in html
    assert "Tháng hiện tại" not in html and " »</a>" not in html
    html = page(c.get(month_url(tree.ward_a, previous)))
    assert f'href="{month_url(tree.ward_a, current)}">Tháng {current.month}/{current.year} »' in html


def _queries_for(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_month_page_query_count_does_not_grow_with_people(client, tree, users, staff, month,
                                                          fill, make_person,
                                                          django_assert_max_num_queries):
    finalise_all([staff.staff], month, users, fill)
    domain.report_missing(staff.clerk, month, users["leader"], "di_hoc")
    c = as_user(client, users["leader"])
    address = month_url(tree.ward_a, month)
    c.get(address)  # warm the session and content types
    small = _queries_for(c, address)
    people = [make_person(f"Cán bộ số {i}", tree.ward_a) for i in range(27)]
    finalise_all(people[:10], month, users, fill, general=HTT_71)
    for person in people[10:15]:
        submit_as_leader(person, month, users, fill)
    for person in people[15:18]:
        domain.report_missing(person, month, users["leader"], "nghi_phep")
    assert _queries_for(c, address) == small
    # session, user, roles, unread notifications; the unit; people with their sheet and
    # absence; the unit month; the close check (7)
    with django_assert_max_num_queries(14):
        assert "Cán bộ số 9" in page(c.get(address, {"q": "can bo", "state": "finalised"}))
    with django_assert_max_num_queries(6):  # no notifications, no close check
        c.get(month_url(tree.ward_a, month, "unit_month_export"))


# Reading roles: everything shown, nothing changed -----------------------------------------
@pytest.mark.parametrize("role", ["observer", "secretariat"])
def test_readers_see_but_cannot_act(client, tree, users, staff, month, fill, submitted, role):
    c = as_user(client, users[role])
    html = page(c.get(month_url(tree.ward_a, month)))
    assert "Phạm Thu Hà" in html
    for button in ("Khóa sổ tháng…", "Chốt các phiếu đã chọn", 'name="sheet"', 'form="lap-phieu"',
                   'id="bao-vang"', "Mở lại tháng", "Nhập nhiệm vụ từ Excel"):
        assert button not in html, button
    closing = page(c.get(month_url(tree.ward_a, month, "unit_month_close")))
    assert "Chỉ lãnh đạo hoặc quản trị của đơn vị" in closing and "Khóa sổ tháng</button>" not in closing
    for name, data in (("unit_month_close", {}),
                       ("unit_month_bulk", {"sheet": submitted.pk, "confirm": "1"}),
                       ("unit_month_missing", {"person": staff.clerk.pk, "reason": "di_hoc"}),
                       ("unit_month_create", {})):
        response = c.post(month_url(tree.ward_a, month, name), data)
        assert response.status_code == 302, name
        assert any("Chỉ lãnh đạo" in m or "không có quyền" in m for m in told(response)), name
    response = c.post(month_url(tree.ward_a, month, "unit_month_create"),
                      {"person": staff.clerk.pk})
    assert response.status_code == 302 and told(response)
    assert MonthSheet.objects.get(pk=submitted.pk).state == "submitted"
    assert MonthSheet.objects.count() == 1
    assert not MissingSheet.objects.exists() and not UnitMonth.objects.exists()


def test_readers_cannot_reopen_or_withdraw(client, tree, users, staff, month, ready):
    domain.close_month(tree.ward_a, month, users["leader"])
    missing = MissingSheet.objects.get()
    c = as_user(client, users["observer"])
    response = c.post(month_url(tree.ward_a, month, "unit_month_reopen"), {"reason": "Sai"})
    assert response.status_code == 302 and told(response)
    assert UnitMonth.objects.get().state == "closed"
    response = c.post(url("unit_month_missing_withdraw", tree.ward_a.pk, key(month), missing.pk))
    assert response.status_code == 302 and told(response)
    assert MissingSheet.objects.filter(pk=missing.pk).exists()


# Close and reopen -------------------------------------------------------------------------
def test_close_through_the_confirmation_then_reopen_with_a_reason(client, tree, users, month,
                                                                   ready):
    c = as_user(client, users["leader"])
    html = page(c.get(month_url(tree.ward_a, month)))
    assert "Có thể khóa sổ tháng" in html
    confirm = page(c.get(month_url(tree.ward_a, month, "unit_month_close")))
    assert "Điều sẽ xảy ra" in confirm and "Chưa thể khóa sổ" not in confirm
    assert '<button class="btn btn-danger" type="submit">Khóa sổ tháng</button>' in confirm
    assert not UnitMonth.objects.exists()  # the GET changed nothing
    response = c.post(month_url(tree.ward_a, month, "unit_month_close"))
    assert response.status_code == 302
    assert UnitMonth.objects.get().state == "closed"
    html = page(c.get(response["Location"]))
    assert "Đã khóa sổ" in html and "Mở lại tháng…" in html and "Khóa sổ tháng…" not in html
    assert 'name="sheet"' not in html and "Rút báo" not in html  # a closed month takes no change

    reopen = month_url(tree.ward_a, month, "unit_month_reopen")
    html = page(c.post(reopen, {"reason": "   "}))
    assert "Cần ghi lý do mở lại." in html
    assert UnitMonth.objects.get().state == "closed"
    assert c.post(reopen, {"reason": "Bổ sung nhiệm vụ tháng"}).status_code == 302
    assert UnitMonth.objects.get().state == "open"
    log = TransitionLog.objects.get(transition="reopen")
    assert log.reason == "Bổ sung nhiệm vụ tháng"
    html = page(c.get(reopen))  # open again: nothing to reopen
    assert "chưa khóa sổ" in html and "Mở lại tháng</button>" not in html


def test_close_lists_what_is_missing_and_refuses(client, tree, users, staff, month, submitted):
    c = as_user(client, users["leader"])
    confirm = page(c.get(month_url(tree.ward_a, month, "unit_month_close")))
    assert "Chưa thể khóa sổ vì" in confirm and "3 cán bộ chưa có phiếu được chốt" in confirm
    assert "Phạm Thu Hà" in confirm
    assert 'type="submit" disabled' in confirm
    html = page(c.post(month_url(tree.ward_a, month, "unit_month_close")))
    assert "Chưa thực hiện được" in html and "3 cán bộ chưa có phiếu" in html
    assert not UnitMonth.objects.exists()


def test_cap_excess_is_shown_and_the_close_refused(client, tree, users, staff, month, fill,
                                                   make_person):
    extra = [make_person(f"Cán bộ {i}", tree.ward_a) for i in range(3)]
    finalise_all([staff.staff, staff.clerk, *extra], month, users, fill)  # five HTXS
    domain.report_missing(staff.chief, month, users["leader"], "nghi_phep")
    c = as_user(client, users["leader"])
    html = page(c.get(month_url(tree.ward_a, month)))
    cap = html[html.index('id="ty-le-htxs"'):html.index('id="loc"')]
    assert "Công chức" in cap and "Vượt 4 người" in cap
    assert "?grade=htxs&amp;group=cong_chuc" in cap
    html = page(c.post(month_url(tree.ward_a, month, "unit_month_close")))
    assert "vượt tỷ lệ tối đa" in html
    assert not UnitMonth.objects.exists()
    assert MonthSheet.objects.filter(grade=Grade.HTXS).count() == 5  # never downgraded


def test_closing_a_month_not_begun_is_refused(client, tree, users):
    future = date(domain.current_month().year + 1, 1, 1)
    c = as_user(client, users["leader"])
    assert "Tháng chưa bắt đầu" in page(c.get(month_url(tree.ward_a, future, "unit_month_close")))
    html = page(c.post(month_url(tree.ward_a, future, "unit_month_close")))
    assert "chưa bắt đầu" in html and not UnitMonth.objects.exists()


# Bulk finalise ----------------------------------------------------------------------------
def test_bulk_finalise_confirms_then_reports_the_sheet_it_could_not_finalise(
        client, tree, users, staff, month, fill):
    mine = submit_as_leader(staff.chief, month, users, fill)  # the leader's own sheet
    others = [submit_as_leader(p, month, users, fill, general=HTT_71)
              for p in (staff.staff, staff.clerk)]
    chosen = [mine.pk, *(s.pk for s in others)]
    c = as_user(client, users["leader"])
    bulk = month_url(tree.ward_a, month, "unit_month_bulk")
    html = page(c.post(bulk, {"sheet": chosen}))
    assert "Chốt 3 phiếu đánh giá" in html
    listing = html[html.index('id="phieu-se-chot"'):]
    assert listing.index("Phạm Thu Hà") < listing.index("Đỗ Quang Hải")  # staff first
    assert MonthSheet.objects.filter(state="finalised").count() == 0  # not yet
    response = c.post(bulk, {"sheet": chosen, "confirm": "1"})
    assert response.status_code == 302
    states = dict(MonthSheet.objects.values_list("person__full_name", "state"))
    assert states == {"Phạm Thu Hà": "finalised", "Vũ Minh Khoa": "finalised",
                      "Đỗ Quang Hải": "submitted"}
    messages = told(response)
    assert "Đã chốt 2 phiếu." in messages
    assert any("1 phiếu chưa chốt được" in m and "Đỗ Quang Hải" in m and "chính mình" in m
               for m in messages)


def test_bulk_all_button_and_nothing_chosen(client, tree, users, staff, month, fill, make_user):
    boss = make_user("truong_phuong", "leader", tree.province)
    for person in (staff.staff, staff.clerk):
        submit_as_leader(person, month, users, fill, general=HTT_71)
    c = as_user(client, boss)
    bulk = month_url(tree.ward_a, month, "unit_month_bulk")
    response = c.post(bulk, {"sheet": ["abc", "999999"]})
    assert response.status_code == 302 and "Chưa chọn phiếu nào" in told(response)[0]
    html = page(c.post(bulk, {"all": "1"}))
    assert "Chốt 2 phiếu" in html
    ids = [s.pk for s in MonthSheet.objects.all()]
    c.post(bulk, {"sheet": ids, "confirm": "1"})
    assert set(MonthSheet.objects.values_list("state", flat=True)) == {"finalised"}


# Absences and new sheets ------------------------------------------------------------------
def test_report_and_withdraw_an_absence(client, tree, users, staff, month):
    c = as_user(client, users["leader"])
    report = month_url(tree.ward_a, month, "unit_month_missing")
    html = page(c.post(report, {"person": staff.clerk.pk, "reason": "khac", "note": ""}))
    assert "Lý do khác: hãy ghi rõ lý do." in html
    assert f'<option value="{staff.clerk.pk}" selected>' in html  # the input is kept
    assert not MissingSheet.objects.exists()
    response = c.post(report, {"person": staff.clerk.pk, "reason": "di_hoc",
                               "note": "Lớp trung cấp lý luận"})
    assert response.status_code == 302
    missing = MissingSheet.objects.get()
    assert missing.person == staff.clerk and missing.reported_by == users["leader"]
    html = page(c.get(month_url(tree.ward_a, month)))
    reported = html[html.index('id="da-bao-vang"'):]
    assert "Vũ Minh Khoa — Đi học, bồi dưỡng tập trung: Lớp trung cấp lý luận" in reported
    assert "Không đánh giá" in html
    response = c.post(url("unit_month_missing_withdraw", tree.ward_a.pk, key(month), missing.pk))
    assert response.status_code == 302 and not MissingSheet.objects.exists()


def test_an_absence_is_refused_for_a_finalised_sheet_or_someone_elsewhere(
        client, tree, users, staff, month, fill, make_person):
    finalise_all([staff.clerk], month, users, fill, general=HTT_71)
    stranger = make_person("Người Xã Khác", tree.ward_b)
    c = as_user(client, users["leader"])
    report = month_url(tree.ward_a, month, "unit_month_missing")
    for person in (staff.clerk, stranger):
        html = page(c.post(report, {"person": person.pk, "reason": "di_hoc"}))
        assert "không thuộc danh sách" in html
    assert not MissingSheet.objects.exists()


def test_draw_up_sheets_for_everyone_or_one(client, tree, users, staff, month):
    domain.report_missing(staff.chief, month, users["leader"], "nghi_phep")
    c = as_user(client, users["leader"])
    create = month_url(tree.ward_a, month, "unit_month_create")
    response = c.post(create, {"person": staff.clerk.pk})
    sheet = MonthSheet.objects.get(person=staff.clerk)
    assert response["Location"] == reverse("kpi:sheet", args=[sheet.pk])
    response = c.post(create)
    assert "Đã lập 1 phiếu" in told(response)[0]
    assert set(MonthSheet.objects.values_list("person__full_name", "state")) == {
        ("Vũ Minh Khoa", "draft"), ("Phạm Thu Hà", "draft")}
    assert c.post(create, {"person": "x"}).status_code == 404


# The year ---------------------------------------------------------------------------------
@pytest.fixture
def last_year(staff, users, fill):
    """Phạm Thu Hà: January 100 (HTXS), February 71 (HTT); the clerk: March 71."""
    year = date.today().year - 1
    finalise_all([staff.staff], date(year, 1, 1), users, fill)
    finalise_all([staff.staff], date(year, 2, 1), users, fill, general=HTT_71)
    finalise_all([staff.clerk], date(year, 3, 1), users, fill, general=HTT_71)
    submit_as_leader(staff.clerk, date(year, 4, 1), users, fill)  # not finalised: not counted
    return year


def test_year_page_numbers_are_the_mean_of_the_months(client, tree, users, last_year):
    html = page(as_user(client, users["observer"]).get(url("unit_year", tree.ward_a.pk,
                                                           last_year)))
    assert f"Kết quả xếp loại năm {last_year}" in html
    assert "Điểm quý và năm: trung bình cộng điểm các tháng đã chốt" in html
    table = html[html.index('id="bang-nam"'):html.index('id="bieu-do-phan-bo"')]
    row = table[table.index("Phạm Thu Hà"):table.index("</tr>", table.index("Phạm Thu Hà"))]
    assert 'title="Hoàn thành xuất sắc nhiệm vụ: 100 điểm">HTXS' in row
    assert 'title="Hoàn thành tốt nhiệm vụ: 71 điểm">HTT' in row
    assert "85,5" in row  # (100 + 71) / 2, in Q1 and the year
    assert row.count("85,5") == 2
    assert "2 tháng đã chốt" in row
    clerk = table[table.index("Vũ Minh Khoa"):table.index("</tr>", table.index("Vũ Minh Khoa"))]
    assert clerk.count("HTT") == 3  # March, Q1 and the year; April is not finalised
    assert "1 tháng đã chốt" in clerk
    chief = table[table.index("Đỗ Quang Hải"):table.index("</tr>", table.index("Đỗ Quang Hải"))]
    assert "HT" not in chief


def test_year_chart_shows_the_grades_per_month(client, tree, users, last_year):
    html = page(as_user(client, users["leader"]).get(url("unit_year", tree.ward_a.pk,
                                                         last_year)))
    chart = html[html.index("<svg"):html.index("</svg>")]
    assert 'role="img"' in chart and 'aria-labelledby="phan-bo-xep-loai-title' in chart
    assert f"<title id=\"phan-bo-xep-loai-title\">Phân bố xếp loại theo tháng năm {last_year}" \
        in chart
    assert f"T1/{last_year}: 1 HTXS, 0 HTT, 0 HT, 0 KHT" in chart  # the description
    assert f"T4/{last_year}: chưa có phiếu được chốt" in chart
    assert chart.count('class="bar bar-') == 3
    assert f"T2/{last_year} — Hoàn thành tốt nhiệm vụ: 1 người" in chart
    for label in ("HTXS — Hoàn thành xuất sắc nhiệm vụ", "KHT — Không hoàn thành nhiệm vụ"):
        assert label in chart  # the legend
    numbers = html[html.index('id="bang-phan-bo"'):]
    assert '<th scope="row">HTT</th><td class="text-end">0</td><td class="text-end">1</td>' \
        '<td class="text-end">1</td><td class="text-end">0</td>' in numbers


def test_year_discipline_forces_kht(client, tree, users, staff, last_year):
    from thidua.org.models import DisciplineRecord

    DisciplineRecord.objects.create(person=staff.staff, form="khien_trach",
                                    decision_number="12/QĐ",
                                    decision_date=date(last_year, 6, 1),
                                    effective_from=date(last_year, 6, 1))
    table = queries.year_table(tree.ward_a, last_year)
    row = next(r for r in table.rows if r.name == "Phạm Thu Hà")
    assert row.year.score == Decimal("85.50") and row.year.grade == Grade.KHT
    assert row.quarters[0].grade == Grade.HTT  # the decision came in June
    assert row.note


def test_year_query_count_does_not_grow_with_people(client, tree, users, staff, fill,
                                                    make_person, last_year,
                                                    django_assert_max_num_queries):
    c = as_user(client, users["leader"])
    address = url("unit_year", tree.ward_a.pk, last_year)
    c.get(address)
    small = _queries_for(c, address)
    people = [make_person(f"Cán bộ số {i}", tree.ward_a) for i in range(20)]
    finalise_all(people, date(last_year, 5, 1), users, fill, general=HTT_71)
    assert _queries_for(c, address) == small
    # session, user, roles, notifications; the unit, the people, the policy; the year and
    # four quarters, each its finalised sheets and discipline decisions
    assert small == 17
    with django_assert_max_num_queries(16):
        c.get(url("unit_year_export", tree.ward_a.pk, last_year))


# The units' index -------------------------------------------------------------------------
def test_units_index_lists_the_readers_units_with_search(client, tree, users):
    c = as_user(client, users["observer"])
    html = page(c.get(url("units")))
    assert "Đảng bộ phường An Bình" in html and "Chi bộ Tổ dân phố 2" in html
    assert "Đảng bộ xã Bình Minh" not in html and "Tỉnh ủy" not in html
    current = key(domain.current_month())
    assert url("unit_month", tree.cell_a1.pk, current) in html
    html = page(c.get(url("units"), {"q": "to dan pho 2"}))
    assert "Chi bộ Tổ dân phố 2" in html and "Chi bộ Tổ dân phố 1" not in html
    html = page(as_user(client, users["other"]).get(url("units")))
    assert "Đảng bộ xã Bình Minh" in html and "An Bình" not in html


def test_units_index_query_count_is_fixed(client, tree, users, make_unit,
                                          django_assert_max_num_queries):
    c = as_user(client, users["secretariat"])
    c.get(url("units"))
    small = _queries_for(c, url("units"))
    for i in range(15):
        make_unit(f"Chi bộ thêm {i}", tree.ward_a, code=f"PAB-X{i}")
    with django_assert_max_num_queries(6):  # session, user, roles, count, page, notifications
        assert "Chi bộ thêm 14" in page(c.get(url("units")))
    assert _queries_for(c, url("units")) == small
