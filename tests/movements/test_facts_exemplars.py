"""Exemplars (điển hình tiên tiến): marked by the movement's secretariat, listed per movement."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.movements.conftest import as_user
from thidua.movements.models import Exemplar, Movement


@pytest.fixture
def url(launched):
    return reverse("movements:exemplar_create", args=[launched.pk])


def mark(client, url, today, **data):
    return client.post(url, {"kind": "tap_the", "marked_on": today.strftime("%d/%m/%Y"),
                             "citation": "Dẫn đầu phong trào dân vận khéo.", **data}, follow=True)


def test_secretariat_marks_a_collective_and_a_person(client, users, launched, tree, people, url,
                                                     today):
    c = as_user(client, users["secretariat"])
    assert c.get(url).status_code == 200
    response = mark(c, url, today, unit_code="pab-cb1")
    assert "Đã ghi nhận Chi bộ Tổ dân phố 1 là điển hình tiên tiến" in response.content.decode()
    response = mark(c, url, today, kind="ca_nhan", staff_code=people["a2"].staff_code,
                    citation="Tận tụy phục vụ Nhân dân.")
    assert "Đã ghi nhận Trần Thị Bình là điển hình tiên tiến" in response.content.decode()
    person = Exemplar.objects.get(person__isnull=False)
    assert person.unit == tree.cell_a2 and person.created_by == users["secretariat"]

    page = c.get(reverse("movements:exemplar_list", args=[launched.pk]))
    rows = {(e.unit.code, e.person_id) for e in page.context["page_obj"]}
    assert rows == {("PAB-CB1", None), ("PAB-CB2", people["a2"].pk)}
    assert page.context["can_mark"]


def test_bad_input_gets_clear_messages(client, users, launched, people, url, today):
    c = as_user(client, users["secretariat"])
    html = mark(c, url, today, unit_code="XBM-CB1").content.decode()
    assert "Không tìm thấy đơn vị có mã “XBM-CB1” trong phạm vi phong trào" in html
    html = mark(c, url, today, kind="ca_nhan", staff_code=people["b1"].staff_code).content.decode()
    assert f"Không tìm thấy cán bộ có mã “{people['b1'].staff_code}”" in html
    html = mark(c, url, today, kind="ca_nhan").content.decode()
    assert "Hãy ghi mã cán bộ được ghi nhận" in html
    html = mark(c, url, today, unit_code="PAB-CB1", citation="").content.decode()
    assert "Trường này là bắt buộc" in html
    tomorrow = (today + timedelta(days=1)).strftime("%d/%m/%Y")
    html = mark(c, url, today, unit_code="PAB-CB1", marked_on=tomorrow).content.decode()
    assert "Ngày ghi nhận không được sau hôm nay" in html
    assert not Exemplar.objects.exists()

    mark(c, url, today, unit_code="PAB-CB1")
    html = mark(c, url, today, unit_code="PAB-CB1").content.decode()
    assert "Chi bộ Tổ dân phố 1 đã được ghi nhận là điển hình của phong trào này" in html
    assert Exemplar.objects.count() == 1


def test_only_the_movement_secretariat_marks(client, users, launched, url, cell_leader, today):
    for user in (users["observer"], users["leader"], cell_leader, users["other"],
                 users["norole"], users["staff"]):
        c = as_user(client, user)
        assert c.get(url).status_code == 404, user
        assert mark(c, url, today, unit_code="PAB-CB1").status_code == 404, user
    assert not Exemplar.objects.exists()


def test_list_is_read_by_the_scope_and_hidden_from_others(client, users, launched, tree, today):
    Exemplar.objects.create(movement=launched, unit=tree.cell_a1, citation="Xuất sắc",
                            marked_on=today)
    Exemplar.objects.create(movement=launched, unit=tree.cell_a2, citation="Tiêu biểu",
                            marked_on=today)
    url = reverse("movements:exemplar_list", args=[launched.pk])
    observer = as_user(client, users["observer"]).get(url)
    assert observer.status_code == 200 and len(observer.context["page_obj"]) == 2
    assert not observer.context["can_mark"]
    assert as_user(client, users["other"]).get(url).status_code == 404
    assert as_user(client, users["norole"]).get(url).status_code == 404


def test_draft_and_closed_movements_take_no_exemplars(client, users, launched, today):
    c = as_user(client, users["secretariat"])
    draft_url = reverse("movements:exemplar_create", args=[launched.pk])
    Movement.objects.filter(pk=launched.pk).update(state="draft")
    html = mark(c, draft_url, today, unit_code="PAB-CB1").content.decode()
    assert "Phong trào chưa được phát động" in html
    Movement.objects.filter(pk=launched.pk).update(state="closed")
    html = mark(c, draft_url, today, unit_code="PAB-CB1").content.decode()
    assert "Phong trào đã kết thúc: không thể sửa" in html
    assert not Exemplar.objects.exists()
