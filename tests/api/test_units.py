"""GET /api/v1/units…: scoped like the UI, filtered, paginated, without N+1."""

from datetime import date

import pytest

from tests.api.conftest import codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(get_as, users):
    return get_as(users["secretariat"])


@pytest.fixture
def superuser(get_as, make_user):
    return get_as(make_user("quantri", is_superuser=True))


# --- scope -------------------------------------------------------------------------------

def test_list_shows_the_callers_subtree_in_tree_order(secretariat, tree):
    response = secretariat("/units")
    assert codes(response) == ["PAB", "PAB-CB1", "PAB-CB2"]
    assert response.json()["count"] == 3


def test_user_of_another_unit_sees_only_their_own(get_as, users, tree):
    assert codes(get_as(users["other"])("/units")) == ["XBM", "XBM-CB1"]


@pytest.mark.parametrize("role", ["admin", "leader", "observer"])
def test_read_roles_can_read(get_as, users, tree, role):
    get = get_as(users[role])
    assert codes(get("/units")) == ["PAB", "PAB-CB1", "PAB-CB2"]
    assert get(f"/units/{tree.cell_a1.pk}").status_code == 200


@pytest.mark.parametrize("role", ["norole", "staff"])
def test_users_without_a_read_role_get_nothing(get_as, users, tree, role):
    get = get_as(users[role])
    response = get("/units")
    assert response.json() == {"items": [], "count": 0}
    assert get(f"/units/{tree.cell_a1.pk}").status_code == 404


def test_superuser_sees_every_unit(superuser, tree):
    assert codes(superuser("/units")) == ["TU", "PAB", "PAB-CB1", "PAB-CB2", "XBM", "XBM-CB1"]


@pytest.mark.parametrize("path", ["/units/{id}", "/units/{id}/children", "/units?root={id}"])
def test_another_units_id_is_404_like_a_missing_one(get_as, users, tree, path):
    get = get_as(users["other"])
    foreign = get(path.format(id=tree.ward_a.pk))
    missing = get(path.format(id=999_999))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json() == {"detail": "Không tìm thấy."}


def test_the_unit_above_the_scope_is_404(secretariat, tree):
    assert secretariat(f"/units/{tree.province.pk}").status_code == 404
    assert secretariat(f"/units/{tree.province.pk}/children").status_code == 404


def test_parent_outside_the_scope_is_not_shown(secretariat, superuser, tree):
    assert secretariat(f"/units/{tree.ward_a.pk}").json()["parent_id"] is None
    assert superuser(f"/units/{tree.ward_a.pk}").json()["parent_id"] == tree.province.pk


# --- detail and children ------------------------------------------------------------------

def test_detail(secretariat, tree, people, kinds):
    tree.cell_a2.short_name = "CB TDP2"
    tree.cell_a2.save()
    people["a2"].status = "nghi_huu"
    people["a2"].save()
    data = secretariat(f"/units/{tree.ward_a.pk}").json()
    assert data == {
        "id": tree.ward_a.pk,
        "code": "PAB",
        "name": "Đảng bộ phường An Bình",
        "short_name": "",
        "kind": "dang_uy_xa",
        "kind_label": kinds["dang_uy_xa"].name,
        "sector": kinds["dang_uy_xa"].sector,
        "sector_label": kinds["dang_uy_xa"].get_sector_display(),
        "parent_id": None,
        "depth": 2,
        "is_active": True,
        "division_code": "",
        "merged_into_id": None,
        "merged_on": None,
        "children_count": 2,
        "people_count": 3,
        "active_people_count": 2,
    }
    cell = secretariat(f"/units/{tree.cell_a2.pk}").json()
    assert cell["parent_id"] == tree.ward_a.pk
    assert cell["short_name"] == "CB TDP2"
    assert (cell["depth"], cell["children_count"], cell["people_count"]) == (3, 0, 1)


def test_merged_unit_shows_successor_and_iso_date(secretariat, tree):
    tree.cell_a2.is_active = False
    tree.cell_a2.merged_into = tree.cell_a1
    tree.cell_a2.merged_on = date(2025, 7, 1)
    tree.cell_a2.save()
    data = secretariat(f"/units/{tree.cell_a2.pk}").json()
    assert data["is_active"] is False
    assert data["merged_into_id"] == tree.cell_a1.pk
    assert data["merged_on"] == "2025-07-01"


def test_children(secretariat, superuser, tree):
    response = secretariat(f"/units/{tree.ward_a.pk}/children")
    assert response.status_code == 200
    assert [u["code"] for u in response.json()] == ["PAB-CB1", "PAB-CB2"]
    assert {u["parent_id"] for u in response.json()} == {tree.ward_a.pk}
    assert secretariat(f"/units/{tree.cell_a1.pk}/children").json() == []
    assert [u["code"] for u in superuser(f"/units/{tree.province.pk}/children").json()] == [
        "PAB", "XBM"]


# --- filters ------------------------------------------------------------------------------

@pytest.mark.parametrize("params, expected", [
    ({"q": "to dan pho 1"}, ["PAB-CB1"]),
    ({"q": "AN BINH"}, ["PAB"]),
    ({"q": "Tổ Dân Phố"}, ["PAB-CB1", "PAB-CB2"]),
    ({"q": "pab-cb2"}, ["PAB-CB2"]),
    ({"q": "dong tam"}, []),
    ({"kind": "dang_uy_xa"}, ["PAB"]),
    ({"kind": "chi_bo"}, ["PAB-CB1", "PAB-CB2"]),
    ({"kind": "khong_co"}, []),
])
def test_filters(secretariat, tree, params, expected):
    assert codes(secretariat("/units", **params)) == expected


def test_filter_root_gives_the_subtree(superuser, tree):
    assert codes(superuser("/units", root=tree.ward_b.pk)) == ["XBM", "XBM-CB1"]
    assert codes(superuser("/units", root=tree.cell_a1.pk)) == ["PAB-CB1"]
    assert codes(superuser("/units", root=tree.ward_a.pk, q="2")) == ["PAB-CB2"]


def test_filter_active(secretariat, tree):
    tree.cell_a2.is_active = False
    tree.cell_a2.save()
    assert codes(secretariat("/units", active="false")) == ["PAB-CB2"]
    assert codes(secretariat("/units", active="true")) == ["PAB", "PAB-CB1"]
    assert codes(secretariat("/units")) == ["PAB", "PAB-CB1", "PAB-CB2"]


# --- pagination ---------------------------------------------------------------------------

def test_pagination(secretariat, tree):
    page = secretariat("/units", limit=2).json()
    assert page["count"] == 3 and [u["code"] for u in page["items"]] == ["PAB", "PAB-CB1"]
    page = secretariat("/units", limit=2, offset=2).json()
    assert page["count"] == 3 and [u["code"] for u in page["items"]] == ["PAB-CB2"]
    assert secretariat("/units", offset=10).json() == {"items": [], "count": 3}
    assert secretariat("/units", limit=500).status_code == 200


@pytest.mark.parametrize("params", [{"limit": 501}, {"limit": 0}, {"offset": -1},
                                    {"root": "abc"}, {"active": "maybe"}])
def test_bad_parameters_are_422_in_vietnamese(secretariat, tree, params):
    response = secretariat("/units", **params)
    assert response.status_code == 422
    assert response.json()["detail"] == "Tham số không hợp lệ."
    assert response.json()["errors"]


# --- query counts -------------------------------------------------------------------------

@pytest.fixture
def many_units(tree, make_unit):
    for i in range(30):
        make_unit(f"Chi bộ số {i}", tree.ward_a, kind="chi_bo" if i % 2 else "dang_uy_xa",
                  code=f"PAB-X{i:02d}")


def test_list_queries_do_not_grow_with_rows(secretariat, many_units, django_assert_max_num_queries):
    secretariat("/units")  # the first use of the token writes last_used_at
    # token + roles + count + page (parents and kinds in the page query)
    with django_assert_max_num_queries(4):
        response = secretariat("/units", limit=500)
    data = response.json()
    assert data["count"] == len(data["items"]) == 33
    assert {u["parent_id"] for u in data["items"][1:]} == {data["items"][0]["id"]}


def test_children_and_detail_queries_are_fixed(secretariat, tree, many_units,
                                               django_assert_max_num_queries):
    secretariat("/units")
    with django_assert_max_num_queries(4):
        assert len(secretariat(f"/units/{tree.ward_a.pk}/children").json()) == 32
    with django_assert_max_num_queries(4):
        assert secretariat(f"/units/{tree.ward_a.pk}").json()["children_count"] == 32
