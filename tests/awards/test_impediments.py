"""Blocking flags of a unit: listed for READ roles, added and resolved by the office of the
unit, 404 for another unit's user."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import as_user
from thidua.awards.models import Impediment

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def url(name, *args):
    return reverse(f"awards:{name}", args=args)


def test_the_office_adds_a_flag_on_a_person_and_on_a_unit(client, users, tree, people):
    c = as_user(client, users["secretariat"])
    assert c.get(url("impediment_add", tree.ward_a.pk)).status_code == 200
    response = c.post(url("impediment_add", tree.ward_a.pk), {
        "staff_code": people["a1"].staff_code, "kind": "complaint",
        "note": "Đơn tố cáo ngày 02/5", "opened_on": "02/05/2026"})
    assert response.status_code == 302
    flag = Impediment.objects.get()
    assert (flag.person, flag.unit, flag.kind, flag.created_by) == (
        people["a1"], people["a1"].unit, "complaint", users["secretariat"])
    c.post(url("impediment_add", tree.ward_a.pk), {
        "unit_code": tree.cell_a2.code, "kind": "investigation", "note": "Thanh tra tài chính",
        "opened_on": "03/05/2026"})
    c.post(url("impediment_add", tree.ward_a.pk), {
        "kind": "investigation", "note": "Kiểm tra chuyên đề", "opened_on": "04/05/2026"})
    assert list(Impediment.objects.filter(person=None).order_by("opened_on")
                .values_list("unit__code", flat=True)) == [tree.cell_a2.code, tree.ward_a.code]
    html = c.get(url("impediments", tree.ward_a.pk)).content.decode()
    assert people["a1"].full_name in html and "Thanh tra tài chính" in html


def test_codes_outside_the_unit_and_bad_values_are_refused(client, users, tree, people):
    c = as_user(client, users["secretariat"])
    response = c.post(url("impediment_add", tree.cell_a1.pk), {
        "staff_code": people["a2"].staff_code, "kind": "complaint", "note": "x",
        "opened_on": "02/05/2026"})  # a2 works in cell A2, not A1
    assert "Không tìm thấy cán bộ mã" in response.context["form"].errors["staff_code"][0]
    response = c.post(url("impediment_add", tree.ward_a.pk), {
        "unit_code": tree.ward_b.code, "kind": "complaint", "note": "x",
        "opened_on": "02/05/2026"})
    assert "Không tìm thấy đơn vị mã" in response.context["form"].errors["unit_code"][0]
    response = c.post(url("impediment_add", tree.ward_a.pk), {
        "staff_code": people["a1"].staff_code, "unit_code": tree.cell_a1.code, "kind": "x",
        "note": "", "opened_on": (TODAY + datetime.timedelta(days=2)).strftime("%d/%m/%Y")})
    errors = response.context["form"].errors
    assert set(errors) == {"unit_code", "kind", "note", "opened_on"}
    assert "tương lai" in errors["opened_on"][0]
    assert not Impediment.objects.exists()


def test_resolving_a_flag(client, users, tree, people, impediment):
    flag = impediment(person=people["a1"], opened_on=datetime.date(2026, 5, 1))
    c = as_user(client, users["secretariat"])
    response = c.post(url("impediment_resolve", flag.pk), {"resolved_on": "30/04/2026",
                                                           "unit": tree.ward_a.pk}, follow=True)
    assert "không được trước ngày gắn cờ" in response.content.decode()
    flag.refresh_from_db()
    assert flag.resolved_on is None
    response = c.post(url("impediment_resolve", flag.pk), {"resolved_on": "15/05/2026",
                                                           "unit": tree.ward_a.pk,
                                                           "confirm": "1"})
    assert response["Location"] == url("impediments", tree.ward_a.pk)
    flag.refresh_from_db()
    assert flag.resolved_on == datetime.date(2026, 5, 15)
    open_list = c.get(url("impediments", tree.ward_a.pk))
    assert open_list.context["flags"] == []
    resolved = c.get(url("impediments", tree.ward_a.pk), {"trang-thai": "da-giai-quyet"})
    assert resolved.context["flags"] == [flag]
    assert as_user(client, users["secretariat"]).get(
        url("impediment_resolve", flag.pk)).status_code == 405


def test_resolving_asks_for_a_confirmation_first(client, users, tree, people, impediment):
    """Lifting a flag cannot be undone on screen and makes the person a candidate again:
    the button leads to a page that says so, the flag is resolved only once confirmed."""
    flag = impediment(person=people["a1"], opened_on=datetime.date(2026, 5, 1))
    flag.note = "<b>Đơn tố cáo</b>"
    flag.save()
    c = as_user(client, users["secretariat"])
    response = c.post(url("impediment_resolve", flag.pk), {"resolved_on": "15/05/2026",
                                                           "unit": tree.ward_a.pk})
    assert response.status_code == 200
    flag.refresh_from_db()
    assert flag.resolved_on is None
    html = response.content.decode()
    assert "Xác nhận đã giải quyết" in html and people["a1"].full_name in html
    assert "15/05/2026" in html and 'name="confirm" value="1"' in html
    assert "&lt;b&gt;Đơn tố cáo&lt;/b&gt;" in html
    assert url("impediments", tree.ward_a.pk) in html  # the way back (cancel)
    response = c.post(url("impediment_resolve", flag.pk), {"resolved_on": "15/05/2026",
                                                           "unit": tree.ward_a.pk,
                                                           "confirm": "1"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.resolved_on == datetime.date(2026, 5, 15)


def test_roles_and_scope(client, users, tree, people, impediment):
    flag = impediment(person=people["a1"])
    # Another ward's office: 404 everywhere.
    c = as_user(client, users["other"])
    assert c.get(url("impediments", tree.ward_a.pk)).status_code == 404
    assert c.get(url("impediment_add", tree.ward_a.pk)).status_code == 404
    assert c.post(url("impediment_resolve", flag.pk), {"resolved_on": "15/05/2026"}
                  ).status_code == 404
    assert c.get(url("impediments", tree.ward_b.pk)).context["flags"] == []
    # A leader and an observer read; they do not add or resolve.
    for user in ("leader", "observer"):
        c = as_user(client, users[user])
        assert c.get(url("impediments", tree.ward_a.pk)).context["flags"] == [flag]
        assert c.get(url("impediment_add", tree.ward_a.pk)).status_code == 403
        assert c.post(url("impediment_resolve", flag.pk), {"resolved_on": "15/05/2026"}
                      ).status_code == 403
    # Staff and users without a role see nothing.
    for user in ("staff", "norole"):
        assert as_user(client, users[user]).get(
            url("impediments", tree.cell_a1.pk)).status_code == 404
    flag.refresh_from_db()
    assert flag.resolved_on is None


def test_the_list_query_count_does_not_grow(client, users, tree, make_person, impediment,
                                            django_assert_max_num_queries):
    for i in range(30):
        impediment(person=make_person(f"Người {i}", tree.cell_a2))
    c = as_user(client, users["secretariat"])
    with django_assert_max_num_queries(7):
        response = c.get(url("impediments", tree.ward_a.pk))
    assert len(response.context["flags"]) == 30


def test_a_strange_return_unit_falls_back_to_the_flags_unit(client, users, tree, people,
                                                            impediment):
    flag = impediment(person=people["a1"], opened_on=datetime.date(2026, 5, 1))
    c = as_user(client, users["secretariat"])
    # "²".isdigit() is True but int("²") fails: it used to answer 500.
    for back in ("²", "１２", str(tree.ward_b.pk)):
        response = c.post(url("impediment_resolve", flag.pk),
                          {"resolved_on": "15/05/2026", "unit": back, "confirm": "1"})
        assert response.status_code == 302
        assert response["Location"] == url("impediments", people["a1"].unit.pk)


def test_nobody_lifts_a_flag_that_blocks_himself(client, users, tree, people, impediment,
                                                  make_user):
    """The flag on a person is not resolved by that person, and the flag on a collective not
    by its own office (only by an office above it): the flag would otherwise be lifted by
    the one it blocks."""
    secretary = users["secretariat"]
    people["a3"].user = secretary
    people["a3"].save()
    on_himself = impediment(person=people["a3"])
    on_ward = impediment(unit=tree.ward_a)
    on_cell = impediment(unit=tree.cell_a1)
    c = as_user(client, secretary)
    html = c.get(url("impediments", tree.ward_a.pk)).content.decode()
    assert url("impediment_resolve", on_cell.pk) in html
    assert url("impediment_resolve", on_himself.pk) not in html
    assert url("impediment_resolve", on_ward.pk) not in html
    for flag in (on_himself, on_ward):
        response = c.post(url("impediment_resolve", flag.pk),
                          {"resolved_on": "15/05/2026", "confirm": "1"})
        assert response.status_code == 403
        flag.refresh_from_db()
        assert flag.resolved_on is None
    response = c.post(url("impediment_resolve", on_cell.pk),
                      {"resolved_on": "15/05/2026", "confirm": "1"})
    assert response.status_code == 302
    # Another member of the office resolves the flag on the secretary; the province's
    # office the one on the ward.
    colleague = make_user("vanphong_a2", "secretariat", tree.ward_a)
    province = make_user("vanphong_tinh", "secretariat", tree.province)
    for user, flag in ((colleague, on_himself), (province, on_ward)):
        response = as_user(client, user).post(url("impediment_resolve", flag.pk),
                                              {"resolved_on": "15/05/2026", "confirm": "1"})
        assert response.status_code == 302
        flag.refresh_from_db()
        assert flag.resolved_on == datetime.date(2026, 5, 15)
