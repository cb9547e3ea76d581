from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from thidua.org.models import Person, Unit

PERSON = {"staff_code": "MOI001", "full_name": "Lục Thị Hạnh", "gender": "nu",
          "date_of_birth": "05/09/1992", "ethnicity": "Tày", "staff_category": "cong_chuc",
          "unit_code": "PAB-CB2", "position": "Chuyên viên", "status": "dang_cong_tac"}


def login(client, user):
    client.force_login(user)
    return client


def test_secretariat_adds_a_person_to_a_unit(client, users, tree):
    c = login(client, users["secretariat"])
    assert c.get(reverse("org:person_create", args=[tree.ward_a.pk])).status_code == 200
    response = c.post(reverse("org:person_create", args=[tree.ward_a.pk]), PERSON)
    person = Person.objects.get(staff_code="MOI001")
    assert response.status_code == 302 and response["Location"] == reverse("org:person_detail", args=[person.pk])
    assert person.unit == tree.cell_a2 and person.date_of_birth == date(1992, 9, 5)
    assert person.name_folded == "luc thi hanh"


def test_person_form_refuses_units_outside_the_scope_and_bad_party_data(client, users, tree):
    c = login(client, users["secretariat"])
    response = c.post(reverse("org:person_create", args=[tree.ward_a.pk]),
                      {**PERSON, "unit_code": "XBM-CB1", "party_cell_code": "PAB-CB1",
                       "party_joined_on": "01/01/2020"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Không tìm thấy đơn vị có mã “XBM-CB1” trong phạm vi của bạn" in html
    assert "Chỉ đảng viên mới có chi bộ sinh hoạt" in html
    assert not Person.objects.filter(staff_code="MOI001").exists()


def test_party_cell_must_be_a_cell(client, users, tree):
    c = login(client, users["secretariat"])
    response = c.post(reverse("org:person_create", args=[tree.ward_a.pk]),
                      {**PERSON, "is_party_member": "on", "party_cell_code": "PAB"})
    assert "Không tìm thấy chi bộ có mã “PAB”" in response.content.decode()


def test_edit_person_and_audit_records_it(client, users, people):
    c = login(client, users["secretariat"])
    person = people["a1"]
    form = c.get(reverse("org:person_edit", args=[person.pk])).context["form"]
    data = {**{k: v for k, v in form.initial.items() if v is not None}, "position": "Bí thư chi bộ",
            "version": Person.objects.get(pk=person.pk).updated_at.isoformat()}
    data["is_party_member"] = "on"
    data.pop("is_leader", None)
    response = c.post(reverse("org:person_edit", args=[person.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Person.objects.get(pk=person.pk).position == "Bí thư chi bộ"
    from auditlog.models import LogEntry

    assert LogEntry.objects.filter(object_pk=str(person.pk), action=LogEntry.Action.UPDATE).exists()


def test_stale_edit_is_refused_and_nothing_overwritten(client, users, people):
    c = login(client, users["secretariat"])
    person = people["a1"]
    old_version = Person.objects.get(pk=person.pk).updated_at.isoformat()
    Person.objects.filter(pk=person.pk).update(position="Sửa bởi người khác",
                                               updated_at=timezone.now() + timedelta(hours=1))
    data = {**PERSON, "staff_code": person.staff_code, "unit_code": "PAB-CB1",
            "position": "Bản cũ", "version": old_version}
    response = c.post(reverse("org:person_edit", args=[person.pk]), data, follow=True)
    assert "vừa được người khác sửa" in response.content.decode()
    assert Person.objects.get(pk=person.pk).position == "Sửa bởi người khác"


def test_add_edit_and_merge_units(client, users, tree, people, kinds):
    c = login(client, users["secretariat"])
    response = c.post(reverse("org:unit_create", args=[tree.ward_a.pk]),
                      {"name": "Chi bộ Tổ dân phố 3", "code": "PAB-CB3", "kind": kinds["chi_bo"].pk})
    new = Unit.objects.get(code="PAB-CB3")
    assert response.status_code == 302 and new.sector == "dang"
    assert Unit.objects.get_parent(new) == tree.ward_a
    c.post(reverse("org:unit_edit", args=[new.pk]),
           {"name": "Chi bộ Tổ dân phố số 3", "code": "PAB-CB3", "kind": kinds["chi_bo"].pk})
    assert Unit.objects.get(pk=new.pk).name_folded == "chi bo to dan pho so 3"

    merge = reverse("org:unit_merge", args=[tree.cell_a2.pk])
    response = c.post(merge, {"target_code": "PAB-CB3", "merged_on": "01/07/2025"})
    assert "form" in response.context and Unit.objects.get(pk=tree.cell_a2.pk).is_active  # unconfirmed
    c.post(merge, {"target_code": "PAB-CB3", "merged_on": "01/07/2025", "confirm": "on"})
    assert Unit.objects.get(pk=tree.cell_a2.pk).merged_into_id == new.pk
    assert Person.objects.get(pk=people["a2"].pk).unit_id == new.pk


def test_merge_into_another_scope_is_refused(client, users, tree):
    c = login(client, users["secretariat"])
    response = c.post(reverse("org:unit_merge", args=[tree.cell_a2.pk]),
                      {"target_code": "XBM-CB1", "merged_on": "01/07/2025", "confirm": "on"})
    assert "trong phạm vi của bạn" in response.content.decode()
    assert Unit.objects.get(pk=tree.cell_a2.pk).is_active


EDIT_VIEWS = [("org:person_edit", "person"), ("org:person_create", "unit"),
              ("org:unit_create", "unit"), ("org:unit_edit", "unit"), ("org:unit_merge", "unit")]


@pytest.mark.parametrize("name,target", EDIT_VIEWS)
@pytest.mark.parametrize("who", ["observer", "leader", "other", "norole", "staff"])
def test_only_managers_of_the_unit_reach_the_edit_screens(client, users, people, tree, name, target, who):
    obj = people["a1"] if target == "person" else tree.cell_a1
    c = login(client, users[who])
    assert c.get(reverse(name, args=[obj.pk])).status_code == 404
    assert c.post(reverse(name, args=[obj.pk]), {**PERSON, "name": "X"}).status_code == 404
    assert not Person.objects.filter(staff_code="MOI001").exists()
    assert Unit.objects.get(pk=tree.cell_a1.pk).name == "Chi bộ Tổ dân phố 1"


def test_buttons_show_only_for_managers(client, users, tree, people):
    page = login(client, users["observer"]).get(reverse("org:unit_detail", args=[tree.ward_a.pk]))
    assert "Thêm cán bộ" not in page.content.decode()
    page = login(client, users["secretariat"]).get(reverse("org:unit_detail", args=[tree.ward_a.pk]))
    assert "Thêm cán bộ" in page.content.decode()


def test_impossible_dates_are_refused(client, users, tree):
    c = login(client, users["secretariat"])
    response = c.post(reverse("org:person_create", args=[tree.ward_a.pk]),
                      {**PERSON, "date_of_birth": "01/01/2090"})
    assert "Ngày sinh phải từ năm 1900 đến hôm nay" in response.content.decode()
    assert not Person.objects.filter(staff_code="MOI001").exists()


def test_merged_units_are_not_edited_nor_extended(client, users, tree):
    Unit.objects.filter(pk=tree.cell_a2.pk).update(is_active=False, merged_into=tree.cell_a1)
    c = login(client, users["secretariat"])
    for name in ("org:unit_edit", "org:unit_create", "org:person_create", "org:unit_merge"):
        assert c.get(reverse(name, args=[tree.cell_a2.pk])).status_code == 404
