"""Names of units outside the reader's scope never show: party cells, successors."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from thidua.org.models import Person, Unit


def test_party_cell_of_another_subtree_is_hidden(client, users, people, tree):
    Person.objects.filter(pk=people["a1"].pk).update(party_cell=tree.cell_b1)
    client.force_login(users["secretariat"])
    html = client.get(reverse("org:person_detail", args=[people["a1"].pk])).content.decode()
    assert "Đồng Tâm" not in html

    response = client.get(reverse("org:person_export"))
    sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    cells = {c for row in sheet.iter_rows(values_only=True) for c in row}
    assert "XBM-CB1" not in cells and "Nguyễn Văn An" in cells


def test_editing_keeps_a_hidden_party_cell(client, users, people, tree):
    Person.objects.filter(pk=people["a1"].pk).update(party_cell=tree.cell_b1, is_party_member=True)
    person = Person.objects.get(pk=people["a1"].pk)
    client.force_login(users["secretariat"])
    page = client.get(reverse("org:person_edit", args=[person.pk]))
    assert "XBM-CB1" not in page.content.decode()
    data = {"staff_code": person.staff_code, "full_name": person.full_name, "gender": "nam",
            "ethnicity": "Kinh", "staff_category": "cong_chuc", "unit_code": "PAB-CB1",
            "status": "dang_cong_tac", "is_party_member": "on", "position": "Tổ trưởng",
            "version": person.updated_at.isoformat()}
    response = client.post(reverse("org:person_edit", args=[person.pk]), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.position == "Tổ trưởng" and person.party_cell_id == tree.cell_b1.pk


def test_successor_outside_the_scope_is_not_named(client, users, tree):
    Unit.objects.filter(pk=tree.cell_a2.pk).update(is_active=False, merged_into=tree.cell_b1)
    client.force_login(users["observer"])
    html = client.get(reverse("org:unit_detail", args=[tree.cell_a2.pk])).content.decode()
    assert "Đồng Tâm" not in html and "đã sáp nhập vào đơn vị khác" in html


def test_api_hides_cells_and_successors_outside_the_scope(client, users, people, tree):
    from thidua.api.models import ApiToken

    Person.objects.filter(pk=people["a1"].pk).update(party_cell=tree.cell_b1)
    Unit.objects.filter(pk=tree.cell_a2.pk).update(is_active=False, merged_into=tree.cell_b1)
    _token, plain = ApiToken.issue(users["secretariat"], name="kiểm thử")
    headers = {"Authorization": f"Bearer {plain}"}
    person = client.get(f"/api/v1/people/{people['a1'].pk}", headers=headers).json()
    assert person["party_cell_id"] is None and person["party_cell_name"] is None
    unit = client.get(f"/api/v1/units/{tree.cell_a2.pk}", headers=headers).json()
    assert unit["merged_into_id"] is None


def test_exported_text_that_looks_like_a_formula_stays_text(tree, make_person):
    from thidua.org.excel.export import people_workbook

    make_person('=HYPERLINK("http://x.example","Bấm")', tree.cell_a1, position="+84 912")
    sheet = load_workbook(BytesIO(people_workbook(Person.objects.all()))).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith(("=", "+"))]
    assert risky and all(c.data_type == "s" for c in risky)
