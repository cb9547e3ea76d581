"""Results over a unit's subtree: per child unit, per official, reasons, comments (for the
leaders only), a range of months, the .xlsx export, scope and query counts."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.feedback.conftest import page
from thidua.feedback import domain
from thidua.feedback.models import DeskOfficial, Rating, ServiceDesk

pytestmark = pytest.mark.django_db


def rate(desk, official=None, level="hai_long", reasons=(), comment="", when=None):
    rating = domain.submit_rating(desk, official, level=level, reasons=list(reasons),
                                  comment=comment, dossier_code=None, client_key="k" * 64)
    if when is not None:
        Rating.objects.filter(pk=rating.pk).update(created_at=when)
    return rating


def key(month: date) -> str:
    return f"{month:%Y-%m}"


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def months_ago(n: int) -> date:
    month = this_month()
    for _ in range(n):
        month = (month - timedelta(days=1)).replace(day=1)
    return month


def moment(month: date):
    return timezone.make_aware(timezone.datetime(month.year, month.month, 10, 9, 30))


@pytest.fixture
def cell_desk(tree, people):
    desk = ServiceDesk.objects.create(unit=tree.cell_a1, name="Tổ một cửa TDP 1")
    official = DeskOfficial.objects.create(desk=desk, person=people["a1"])
    return desk, official


def url(unit, **params):
    return reverse("feedback:subtree", args=[unit.pk]), params


def get(client, unit, **params):
    path, query = url(unit, **params)
    return client.get(path, query)


def row(html, marker):
    return html.split(marker)[1].split("</tr>")[0]


NUMS = '<td class="text-end">{}</td><td class="text-end">{}</td><td class="text-end">{}</td>'


def test_children_officials_reasons_and_comments(client, users, tree, desks, cell_desk):
    desk, cell_official = cell_desk
    rate(desks.desk, desks.ha)
    rate(desks.desk, desks.ha, level="khong_hai_long", reasons=["Hướng dẫn chưa rõ"],
         comment="Chờ <b>lâu</b> & mệt")
    rate(desks.five, None, level="rat_hai_long")
    rate(desk, cell_official, level="binh_thuong", reasons=["Khác", "Hướng dẫn chưa rõ"])
    rate(desk, cell_official)
    other = ServiceDesk.objects.create(unit=tree.ward_b, name="Một cửa xã Bình Minh")
    rate(other, None, level="khong_hai_long", reasons=["Khác"], comment="Xã khác")
    client.force_login(users["leader"])
    html = page(get(client, tree.ward_a))
    assert NUMS.format(5, 3, "60,0%") in html.split('id="tong-cong"')[0] or \
        "5 lượt đánh giá, 3 hài lòng, tỷ lệ 60,0%" in html
    own = row(html, f'data-unit="{tree.ward_a.pk}">')
    assert "Các quầy của chính đơn vị" in own and NUMS.format(3, 2, "66,7%") in own
    cell = row(html, f'data-unit="{tree.cell_a1.pk}">')
    assert "Chi bộ Tổ dân phố 1" in cell and NUMS.format(2, 1, "50,0%") in cell
    assert NUMS.format(0, 0, "—") in row(html, f'data-unit="{tree.cell_a2.pk}">')
    ha = row(html, f'data-official="{desks.ha.pk}">')
    assert "Phạm Thu Hà" in ha and "Đảng bộ phường An Bình" in ha
    assert NUMS.format(2, 1, "50,0%") in ha and "Hướng dẫn chưa rõ: 1" in ha
    an = row(html, f'data-official="{cell_official.pk}">')
    assert "Nguyễn Văn An" in an and "Chi bộ Tổ dân phố 1" in an and "Tổ một cửa TDP 1" in an
    assert "Khác: 1; Hướng dẫn chưa rõ: 1" in an or "Hướng dẫn chưa rõ: 1; Khác: 1" in an
    assert NUMS.format(0, 0, "—") in row(html, f'data-official="{desks.khoa.pk}">')
    reasons = html.split('id="ly-do"')[1].split("</ul>")[0]
    assert "Hướng dẫn chưa rõ: 2 lượt" in reasons and "Khác: 1 lượt" in reasons
    comments = html.split('id="gop-y"')[1].split("</ul>")[0]
    assert "Chờ &lt;b&gt;lâu&lt;/b&gt; &amp; mệt" in comments and "<b>lâu" not in html
    assert "Phạm Thu Hà" in comments
    assert "Xã khác" not in html and "Bình Minh" not in html


@pytest.mark.parametrize("who", ["observer"])
def test_observers_read_figures_but_not_comments(client, users, tree, desks, who):
    rate(desks.desk, desks.ha, level="khong_hai_long", comment="Chỉ lãnh đạo đọc")
    client.force_login(users[who])
    html = page(get(client, tree.ward_a))
    assert "Chỉ lãnh đạo đọc" not in html and 'id="gop-y-an"' in html
    assert NUMS.format(1, 0, "0,0%") in row(html, f'data-official="{desks.ha.pk}">')
    response = client.get(reverse("feedback:subtree_export", args=[tree.ward_a.pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "Góp ý" not in book.sheetnames
    # and the desks' month page hides them too
    html = page(client.get(reverse("feedback:results", args=[tree.ward_a.pk])))
    assert "Chỉ lãnh đạo đọc" not in html and 'id="gop-y-an"' in html


@pytest.mark.parametrize("who", ["leader", "secretariat", "admin"])
def test_leaders_office_and_admins_read_comments(client, users, tree, desks, who):
    rate(desks.desk, desks.ha, level="khong_hai_long", comment="Lãnh đạo đọc được")
    client.force_login(users[who])
    assert "Lãnh đạo đọc được" in page(get(client, tree.ward_a))
    assert "Lãnh đạo đọc được" in page(client.get(reverse("feedback:results",
                                                          args=[tree.ward_a.pk])))


def test_a_cell_leader_reads_his_officials_comments_only(client, users, tree, desks, people,
                                                         make_user):
    """A ward observer who leads one cell: the ward's figures, that cell's comments."""
    from thidua.org.models import RoleAssignment

    user = users["observer"]
    RoleAssignment.objects.create(user=user, role="leader", unit=tree.cell_a1)
    cell_official = DeskOfficial.objects.create(desk=desks.desk, person=people["a1"])
    rate(desks.desk, cell_official, level="khong_hai_long", comment="Về cán bộ của chi bộ")
    rate(desks.desk, desks.ha, level="khong_hai_long", comment="Về cán bộ phường")
    client.force_login(user)
    html = page(get(client, tree.ward_a))
    assert "Về cán bộ của chi bộ" in html and "Về cán bộ phường" not in html


def test_range_of_months(client, users, tree, desks):
    rate(desks.desk, desks.ha, when=moment(months_ago(2)))
    rate(desks.desk, desks.ha, level="khong_hai_long", when=moment(months_ago(1)))
    rate(desks.desk, desks.ha, level="khong_hai_long", when=moment(months_ago(4)))
    rate(desks.desk, desks.ha)
    client.force_login(users["leader"])
    ha = f'data-official="{desks.ha.pk}">'
    html = page(get(client, tree.ward_a, tu=key(months_ago(2)), den=key(months_ago(1))))
    assert NUMS.format(2, 1, "50,0%") in row(html, ha)
    assert f"từ tháng {months_ago(2):%m/%Y} đến tháng {months_ago(1):%m/%Y}" in html
    html = page(get(client, tree.ward_a))  # default: this month
    assert NUMS.format(1, 1, "100,0%") in row(html, ha)
    html = page(get(client, tree.ward_a, tu=key(months_ago(1))))  # one month
    assert NUMS.format(1, 0, "0,0%") in row(html, ha)


@pytest.mark.parametrize("params, message", [
    ({"tu": "2026-13"}, "Từ tháng: hãy chọn tháng"),
    ({"tu": "tháng 5", "den": "2026-05"}, "Từ tháng: hãy chọn tháng"),
    ({"tu": "2026-05", "den": "2026-02"}, "Tháng cuối phải sau hoặc trùng tháng đầu"),
    ({"tu": "2020-01", "den": "2026-01"}, "tối đa 36 tháng"),
    ({"tu": "0001-01"}, "Từ tháng: năm phải từ 1900 đến 2100"),
    ({"tu": "9999-12"}, "Từ tháng: năm phải từ 1900 đến 2100"),
    ({"tu": "2026-01", "den": "9999-12"}, "Đến tháng: năm phải từ 1900 đến 2100"),
])
def test_bad_ranges_are_explained(client, users, tree, params, message):
    client.force_login(users["leader"])
    html = page(get(client, tree.ward_a, **params))
    assert message in html and 'id="tung-can-bo"' not in html
    response = client.get(reverse("feedback:subtree_export", args=[tree.ward_a.pk]), params)
    assert response.status_code == 404


def test_export_is_what_the_page_shows(client, users, tree, desks, cell_desk):
    desk, cell_official = cell_desk
    rate(desks.desk, desks.ha, level="khong_hai_long", reasons=["Khác"],
         comment="=HYPERLINK(\"http://x\")", when=moment(months_ago(1)))
    rate(desk, cell_official, when=moment(months_ago(1)))
    rate(desk, cell_official, level="khong_hai_long", when=moment(months_ago(3)))
    client.force_login(users["secretariat"])
    response = client.get(reverse("feedback:subtree_export", args=[tree.ward_a.pk]),
                          {"tu": key(months_ago(1)), "den": key(months_ago(1))})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Từng cán bộ", "Đơn vị trực thuộc", "Lý do chưa hài lòng",
                               "Góp ý"]
    sheet = book["Từng cán bộ"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Kết quả đánh giá mức độ hài lòng — Đảng bộ phường An Bình"
    assert any(f"Từ tháng: {months_ago(1):%m/%Y}; Đến tháng: {months_ago(1):%m/%Y}" in
               str(r[0]) for r in values[:5])
    body = {r[1]: r for r in values[6:] if r[1]}
    assert body["Phạm Thu Hà"][3:7] == [1, 0, 0, "Khác: 1"]
    assert body["Nguyễn Văn An"][0] == "Chi bộ Tổ dân phố 1"
    assert body["Nguyễn Văn An"][3:6] == [1, 1, 1]
    assert body["Vũ Minh Khoa"][3] == 0
    branches = [list(r) for r in book["Đơn vị trực thuộc"].iter_rows(values_only=True)][3:]
    assert branches[0][1:3] == [1, 0] and branches[1][:3] == ["Chi bộ Tổ dân phố 1", 1, 1]
    comments = [list(r) for r in book["Góp ý"].iter_rows(values_only=True)][3:]
    assert comments[0][5] == "=HYPERLINK(\"http://x\")"  # stored as text, not a formula
    assert book["Góp ý"].cell(4, 6).data_type == "s"


def test_other_units_user_gets_404(client, users, tree, desks):
    client.force_login(users["other"])
    assert get(client, tree.ward_a).status_code == 404
    assert client.get(reverse("feedback:subtree_export", args=[tree.ward_a.pk])).status_code == 404
    client.force_login(users["staff"])
    assert get(client, tree.ward_a).status_code == 404


def test_query_count_does_not_grow(client, users, tree, desks, make_person, make_unit,
                                   django_assert_max_num_queries):
    client.force_login(users["leader"])
    rate(desks.desk, desks.ha, level="khong_hai_long", reasons=["Khác"], comment="Một")
    # session, user, roles, unit, unread notifications (menu), 6 reads
    with django_assert_max_num_queries(11) as few:
        page(get(client, tree.ward_a))
    for index in range(6):
        unit = make_unit(f"Tổ {index}", tree.ward_a, code=f"TO-{index}")
        desk = ServiceDesk.objects.create(unit=unit, name=f"Quầy {index}")
        official = DeskOfficial.objects.create(desk=desk, person=make_person(f"Cán bộ {index}",
                                                                             unit))
        rate(desk, official, level="khong_hai_long", reasons=["Khác"], comment=f"Góp ý {index}")
        rate(desk, None, comment="Chung")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page(get(client, tree.ward_a))
    assert "Cán bộ 5" in html and "Góp ý 5" in html
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("feedback:subtree_export", args=[tree.ward_a.pk]))
        b"".join(response.streaming_content)


def test_month_bounds_are_local_time(client, users, tree, desks):
    """23:30 on 31 January in Việt Nam is 16:30 UTC: January's, not February's; 00:30 on
    1 February (17:30 UTC on 31 January) is February's — on every results page."""
    from datetime import datetime

    from thidua.feedback import results

    rate(desks.desk, desks.ha, when=timezone.make_aware(datetime(2026, 1, 31, 23, 30)))
    rate(desks.desk, desks.ha, level="khong_hai_long", reasons=["Khác"],
         when=timezone.make_aware(datetime(2026, 2, 1, 0, 30)))
    client.force_login(users["leader"])
    jan = page(get(client, tree.ward_a, tu="2026-01"))
    feb = page(get(client, tree.ward_a, tu="2026-02"))
    ha = f'data-official="{desks.ha.pk}">'
    assert NUMS.format(1, 1, "100,0%") in row(jan, ha)
    assert NUMS.format(1, 0, "0,0%") in row(feb, ha)
    summary = results.official_month_summary(desks.ha.person, date(2026, 1, 1))
    assert (summary.tally.count, summary.tally.satisfied) == (1, 1)
    desk_month = results.month_results(tree.ward_a, date(2026, 2, 1))
    assert [(r.total.count, r.total.satisfied) for r in desk_month if r.desk == desks.desk] \
        == [(1, 0)]
