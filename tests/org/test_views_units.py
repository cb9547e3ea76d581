import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from thidua.org.models import Unit


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def test_tree_shows_the_users_scope_with_first_level(client, tree, users):
    response = get(client, users["secretariat"], "org:unit_tree")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đảng bộ phường An Bình" in html and "Chi bộ Tổ dân phố 1" in html
    assert "Tỉnh ủy Thử nghiệm" not in html and "Bình Minh" not in html


def test_tree_search_ignores_accents_and_stays_in_scope(client, tree, users):
    response = get(client, users["secretariat"], "org:unit_tree", q="to dan pho")
    html = response.content.decode()
    assert "Chi bộ Tổ dân phố 1" in html and "Chi bộ Tổ dân phố 2" in html
    assert "Đồng Tâm" not in get(client, users["secretariat"], "org:unit_tree", q="dong tam").content.decode()


def test_tree_children_fragment(client, tree, users):
    response = get(client, users["secretariat"], "org:unit_children", tree.ward_a.pk)
    assert response.status_code == 200
    assert "Chi bộ Tổ dân phố 2" in response.content.decode()
    assert "<html" not in response.content.decode()


@pytest.mark.parametrize("name", ["org:unit_detail", "org:unit_children"])
def test_another_units_user_gets_404(client, tree, users, name):
    assert get(client, users["other"], name, tree.cell_a1.pk).status_code == 404
    assert get(client, users["other"], name, tree.province.pk).status_code == 404
    assert get(client, users["norole"], name, tree.cell_a1.pk).status_code == 404


@pytest.mark.parametrize("role", ["norole", "staff"])
def test_tree_without_a_reading_role_is_forbidden(client, tree, users, role):
    assert get(client, users[role], "org:unit_tree").status_code == 403


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(reverse("org:unit_detail", args=[tree.ward_a.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_unit_page_counts_subtrees(client, tree, people, users):
    response = get(client, users["observer"], "org:unit_detail", tree.ward_a.pk)
    assert response.status_code == 200
    children = {c.code: c for c in response.context["children"]}
    assert children["PAB-CB1"].people_count == 1 and children["PAB-CB2"].people_count == 1
    assert response.context["summary"]["total"] == 3
    assert response.context["summary"]["here"] == 1
    assert response.context["summary"]["women"] == 1
    crumbs = [label for label, _url in response.context["breadcrumbs"]]
    assert crumbs == ["Đơn vị", "Đảng bộ phường An Bình"]  # the province is outside the scope


def test_merged_unit_page_says_where_it_went(client, tree, users):
    Unit.objects.filter(pk=tree.cell_a2.pk).update(is_active=False, merged_into=tree.cell_a1)
    html = get(client, users["secretariat"], "org:unit_detail", tree.cell_a2.pk).content.decode()
    assert "sáp nhập vào" in html and "Chi bộ Tổ dân phố 1" in html


def _grow(make_unit, make_person, parent, n_units, n_people):
    for j in range(n_people * 3):  # people working at the unit itself (listed on its page)
        make_person(f"Người trực tiếp {j}", parent, position="Chuyên viên", is_party_member=True,
                    party_cell=None)
    for i in range(n_units):
        unit = make_unit(f"Chi bộ thêm {i}", parent, code=f"{parent.code}-X{i}")
        for j in range(n_people):
            make_person(f"Người {i} {j}", unit)


@pytest.mark.parametrize("name", ["org:unit_detail", "org:unit_tree", "org:unit_children"])
def test_query_count_does_not_grow_with_the_tree(client, tree, users, make_unit, make_person, name):
    user = users["secretariat"]
    client.force_login(user)
    url = reverse(name, args=[tree.ward_a.pk] if name != "org:unit_tree" else [])
    client.get(url)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(make_unit, make_person, Unit.objects.get(pk=tree.ward_a.pk), 15, 4)
    with CaptureQueriesContext(connection) as big:
        assert client.get(url).status_code == 200
    assert len(big) == len(small)
    assert len(big) <= 12
