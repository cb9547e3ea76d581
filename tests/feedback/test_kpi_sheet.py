"""Citizens' ratings on a desk official's KPI sheet: information beside "service
attitude" (the month's count, satisfied, rate and reasons), one query more at most."""

from datetime import datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.feedback.conftest import page
from tests.kpi.test_views_sheets import SHEET_PAGE_QUERIES
from thidua.feedback import domain
from thidua.feedback.models import DeskOfficial, Rating, ServiceDesk
from thidua.feedback.results import official_month_summary
from thidua.kpi import domain as kpi_domain

pytestmark = pytest.mark.django_db


def rate(desk, official, month, level="hai_long", reasons=(), day=5):
    rating = domain.submit_rating(desk, official, level=level, reasons=list(reasons),
                                  comment="Không hiện trên phiếu KPI", dossier_code=None,
                                  client_key="k" * 64)
    when = timezone.make_aware(datetime.combine(month.replace(day=day), time(9)))
    Rating.objects.filter(pk=rating.pk).update(created_at=when)
    return rating


@pytest.fixture
def official(tree, staff):
    desk = ServiceDesk.objects.create(unit=tree.ward_a, name="Bộ phận một cửa phường")
    return DeskOfficial.objects.create(desk=desk, person=staff.staff)


def sheet_html(client, user, sheet):
    client.force_login(user)
    return page(client.get(reverse("kpi:sheet", args=[sheet.pk])))


def test_summary_of_a_month(official, month, staff):
    desk = official.desk
    rate(desk, official, month)
    rate(desk, official, month, level="khong_hai_long", reasons=["Hướng dẫn chưa rõ", "Khác"])
    rate(desk, official, month, level="binh_thuong", reasons=["Hướng dẫn chưa rõ"])
    rate(desk, None, month, level="khong_hai_long", reasons=["Khác"])  # the desk, not him
    next_month = month.replace(year=month.year + (month.month == 12), month=month.month % 12 + 1)
    rate(desk, official, next_month, level="khong_hai_long")
    summary = official_month_summary(staff.staff, month)
    assert (summary.tally.count, summary.tally.satisfied) == (3, 1)
    assert summary.tally.reason_rows() == [("Hướng dẫn chưa rõ", 2), ("Khác", 1)]
    assert summary.desks == ["Bộ phận một cửa phường"]
    assert official_month_summary(staff.clerk, month) is None


def test_summary_is_one_query(official, month, staff, django_assert_num_queries):
    rate(official.desk, official, month, level="khong_hai_long", reasons=["Khác"])
    with django_assert_num_queries(1):
        official_month_summary(staff.staff, month)
    with django_assert_num_queries(1):
        assert official_month_summary(staff.clerk, month) is None


@pytest.mark.parametrize("who", ["staff", "leader"])
def test_sheet_of_a_desk_official_shows_the_ratings(client, users, official, month, submitted,
                                                    who, django_assert_max_num_queries):
    desk = official.desk
    for _ in range(3):
        rate(desk, official, month)
    rate(desk, official, month, level="khong_hai_long", reasons=["Thời gian giải quyết lâu"])
    html = sheet_html(client, users[who], submitted)
    block = html.split('id="danh-gia-hai-long"')[1].split("</div>")[0]
    assert "4 lượt đánh giá" in block and "3 hài lòng" in block and "75,0%" in block
    assert "Thời gian giải quyết lâu: 1" in block
    assert "Tác phong, thái độ phục vụ nhân dân" in block
    assert "Không hiện trên phiếu KPI" not in html  # comments stay on the results page
    # the summary sits in the general criteria section, after the criteria table
    general = html.split('id="tieu-chi"')[1].split('id="cach-tinh"')[0]
    assert 'id="danh-gia-hai-long"' in general
    # information only: the score does not move
    score_before = submitted.score
    submitted.refresh_from_db()
    assert submitted.score == score_before
    with django_assert_max_num_queries(SHEET_PAGE_QUERIES + 1):  # one read for the ratings
        page(client.get(reverse("kpi:sheet", args=[submitted.pk])))


def test_desk_official_without_ratings_that_month(client, users, official, submitted):
    html = sheet_html(client, users["leader"], submitted)
    assert "Chưa có lượt đánh giá nào trong tháng" in html


def test_not_shown_for_others(client, users, tree, month, staff, fill,
                              django_assert_max_num_queries):
    # a desk official elsewhere exists, but this person is not one
    desk = ServiceDesk.objects.create(unit=tree.ward_a, name="Quầy khác")
    DeskOfficial.objects.create(desk=desk, person=staff.clerk)
    sheet = kpi_domain.sheet_for(staff.staff, month, users["staff"])
    fill(sheet, users["staff"])
    html = sheet_html(client, users["staff"], sheet)
    assert 'id="danh-gia-hai-long"' not in html and "lượt đánh giá" not in html
    with django_assert_max_num_queries(SHEET_PAGE_QUERIES):  # no extra query at all
        page(client.get(reverse("kpi:sheet", args=[sheet.pk])))


def test_other_units_user_does_not_reach_the_sheet(client, users, official, submitted):
    client.force_login(users["other"])
    assert client.get(reverse("kpi:sheet", args=[submitted.pk])).status_code == 404
