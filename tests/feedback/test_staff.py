"""Staff screens: desks, officials, the QR sheet, the month's results."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.feedback.conftest import page
from thidua.feedback import domain
from thidua.feedback.models import DeskOfficial, Rating, ServiceDesk

pytestmark = pytest.mark.django_db


def rate(desk, official=None, level="hai_long", reasons=(), comment="", code=None):
    return domain.submit_rating(desk, official, level=level, reasons=list(reasons),
                                comment=comment, dossier_code=code, client_key="k" * 64)


def staff_urls(desks, tree):
    return [
        reverse("feedback:desks", args=[tree.ward_a.pk]),
        reverse("feedback:desk_create", args=[tree.ward_a.pk]),
        reverse("feedback:results", args=[tree.ward_a.pk]),
        reverse("feedback:desk", args=[desks.desk.pk]),
        reverse("feedback:desk_edit", args=[desks.desk.pk]),
        reverse("feedback:desk_qr", args=[desks.desk.pk]),
    ]


def test_other_ward_gets_404_everywhere(client, users, desks, tree):
    client.force_login(users["other"])
    for url in staff_urls(desks, tree):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("feedback:official_toggle", args=[desks.ha.pk])).status_code == 404
    assert client.post(reverse("feedback:desk", args=[desks.desk.pk]),
                       {"person": desks.ha.person.pk}).status_code == 404


def test_login_required(client, desks, tree):
    response = client.get(reverse("feedback:desks", args=[tree.ward_a.pk]))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_secretariat_creates_and_edits_a_desk(client, users, tree):
    client.force_login(users["secretariat"])
    response = client.post(reverse("feedback:desk_create", args=[tree.ward_a.pk]), {
        "name": "  Quầy   đất đai ", "scale": "5", "reasons": "Chậm trễ\n\nChậm trễ\nKhác",
        "is_active": "on"})
    desk = ServiceDesk.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("feedback:desk",
                                                                             args=[desk.pk])
    assert (desk.name, desk.scale, desk.reasons, desk.unit) == ("Quầy đất đai", "5",
                                                                ["Chậm trễ", "Khác"], tree.ward_a)
    assert len(desk.token) >= 20
    client.post(reverse("feedback:desk_edit", args=[desk.pk]),
                {"name": "Quầy đất đai", "scale": "3", "reasons": ""})
    desk.refresh_from_db()
    assert desk.scale == "3" and not desk.is_active and "Khác" in desk.reasons
    html = page(client.get(reverse("feedback:desks", args=[tree.ward_a.pk])))
    assert "Quầy đất đai" in html and "Thêm quầy" in html


def test_readers_see_but_do_not_manage(client, users, desks, tree):
    client.force_login(users["leader"])
    html = page(client.get(reverse("feedback:desks", args=[tree.ward_a.pk])))
    assert "Bộ phận một cửa" in html and "Thêm quầy" not in html
    assert client.get(reverse("feedback:desk_create", args=[tree.ward_a.pk])).status_code == 403
    assert client.post(reverse("feedback:desk_edit", args=[desks.desk.pk]),
                       {"name": "X", "scale": "3"}).status_code == 403
    assert client.post(reverse("feedback:desk", args=[desks.desk.pk]),
                       {"person": desks.ha.person.pk}).status_code == 403
    client.post(reverse("feedback:official_toggle", args=[desks.ha.pk]))
    desks.ha.refresh_from_db()
    assert desks.ha.is_active
    client.force_login(users["staff"])  # a cell's staff member does not read the ward
    assert client.get(reverse("feedback:desks", args=[tree.ward_a.pk])).status_code == 404


def test_assign_and_release_officials(client, users, desks, tree, people):
    client.force_login(users["secretariat"])
    url = reverse("feedback:desk", args=[desks.five.pk])
    response = client.post(url, {"person": people["a1"].pk})
    assert response.status_code == 302
    official = DeskOfficial.objects.get(desk=desks.five)
    assert official.person == people["a1"] and official.is_active
    # a person of ward B is not offered
    html = page(client.post(url, {"person": people["b1"].pk}))
    assert "Lê Văn Cường" not in html and DeskOfficial.objects.filter(desk=desks.five).count() == 1
    client.post(reverse("feedback:official_toggle", args=[official.pk]))
    official.refresh_from_db()
    assert not official.is_active


def test_qr_sheet_has_svg_and_token_urls(client, users, desks):
    client.force_login(users["observer"])
    html = page(client.get(reverse("feedback:desk_qr", args=[desks.desk.pk])))
    assert html.count("<svg") == 3  # the desk and its two officials
    for token in (desks.desk.token, desks.ha.token, desks.khoa.token):
        assert f"http://testserver/danh-gia/q/{token}/" in html
    assert "Phạm Thu Hà" in html and "Ảnh cán bộ" in html


def test_results_per_official_and_desk(client, users, desks, tree):
    rate(desks.desk, desks.ha)
    rate(desks.desk, desks.ha, level="khong_hai_long", reasons=["Hướng dẫn chưa rõ"])
    rate(desks.desk, desks.ha, level="binh_thuong", reasons=["Hướng dẫn chưa rõ", "Khác"])
    rate(desks.desk, desks.khoa)
    rate(desks.desk, None, level="binh_thuong", reasons=["Khác"])
    rate(desks.five, None, level="rat_hai_long")
    old = rate(desks.desk, desks.khoa, level="khong_hai_long")
    Rating.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=62))
    client.force_login(users["leader"])
    html = page(client.get(reverse("feedback:results", args=[tree.ward_a.pk])))
    ha = html.split(f'data-official="{desks.ha.pk}">')[1].split("</tr>")[0]
    assert "<td>Phạm Thu Hà</td>" in ha
    assert '<td class="text-end">3</td><td class="text-end">1</td><td class="text-end">33,3%</td>' in ha
    assert "Hướng dẫn chưa rõ: 2; Khác: 1" in ha
    khoa = html.split(f'data-official="{desks.khoa.pk}">')[1].split("</tr>")[0]
    assert '<td class="text-end">1</td><td class="text-end">1</td><td class="text-end">100,0%</td>' in khoa
    total = html.split(f'data-desk="{desks.desk.pk}">')[1].split("</tr>")[0]
    assert '<td class="text-end">5</td><td class="text-end">2</td><td class="text-end">40,0%</td>' in total
    assert "Hướng dẫn chưa rõ: 2; Khác: 2" in total
    five = html.split(f'data-desk="{desks.five.pk}">')[1].split("</tr>")[0]
    assert '<td class="text-end">1</td><td class="text-end">1</td><td class="text-end">100,0%</td>' in five


def test_comments_are_escaped_on_results(client, users, desks, tree):
    rate(desks.desk, desks.ha, level="khong_hai_long", comment="<script>alert(1)</script> & chờ")
    client.force_login(users["leader"])  # comments are for leaders (observers: test_subtree)
    html = page(client.get(reverse("feedback:results", args=[tree.ward_a.pk])))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; chờ" in html


def test_results_query_count_does_not_grow(client, users, desks, tree, make_person,
                                           django_assert_max_num_queries):
    client.force_login(users["leader"])
    url = reverse("feedback:results", args=[tree.ward_a.pk])
    rate(desks.desk, desks.ha, level="khong_hai_long", reasons=["Khác"], comment="Một")
    with django_assert_max_num_queries(9) as few:  # session, user, roles, unit, 5 reads
        page(client.get(url))
    for index in range(8):
        official = DeskOfficial.objects.create(
            desk=desks.five, person=make_person(f"Cán bộ {index}", tree.ward_a))
        rate(desks.five, official, level="rat_khong_hai_long", reasons=["Khác"], comment="Hai")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page(client.get(url))
    assert "Cán bộ 7" in html


def test_bad_month_is_404(client, users, tree):
    client.force_login(users["leader"])
    url = reverse("feedback:results", args=[tree.ward_a.pk])
    assert client.get(url, {"thang": "2026-13"}).status_code == 404
    assert client.get(url, {"thang": "abc"}).status_code == 404
    assert client.get(url, {"thang": "0001-01"}).status_code == 404  # not a 500
    assert client.get(url, {"thang": "9999-12"}).status_code == 404
    assert page(client.get(url, {"thang": "2026-02"}))


def test_index_lists_only_units_in_scope(client, users, desks, tree):
    client.force_login(users["other"])
    html = page(client.get(reverse("feedback:index")))
    assert "Đảng bộ xã Bình Minh" in html and "Đảng bộ phường An Bình" not in html
    client.force_login(users["secretariat"])
    html = page(client.get(reverse("feedback:index")))
    row = html.split(reverse("feedback:desks", args=[tree.ward_a.pk]))[1].split("</tr>")[0]
    assert '<td class="text-end">2</td>' in row  # the ward's two desks
    client.force_login(users["norole"])
    assert "Không có đơn vị nào" in page(client.get(reverse("feedback:index")))


def test_dossier_code_is_unique_per_unit_in_the_database(desks, tree):
    from django.db import IntegrityError, transaction

    other = ServiceDesk.objects.create(unit=tree.ward_b, name="Một cửa xã")
    rate(desks.desk, code="HS-1")
    rate(other, code="HS-1")  # another unit may use the same code
    rate(desks.desk)
    rate(desks.desk)  # no code: no limit
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(desk=desks.five, unit=tree.ward_a, level="hai_long",
                              satisfied=True, dossier_code="HS-1", client_key="x")


def test_desk_page_for_a_reader(client, users, desks):
    client.force_login(users["observer"])
    html = page(client.get(reverse("feedback:desk", args=[desks.desk.pk])))
    assert "Phạm Thu Hà" in html and "Vũ Minh Khoa" in html
    assert f"/danh-gia/q/{desks.desk.token}/" in html
    assert "Phân công cán bộ" not in html and "Sửa quầy" not in html
