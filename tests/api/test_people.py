"""GET /api/v1/people…: scoped like the UI, accent-insensitive search, filters, no N+1."""

from datetime import date, datetime, timedelta

import pytest

from tests.api.conftest import names

pytestmark = pytest.mark.django_db

WARD_A = ["Đặng Đức Dũng", "Nguyễn Văn An", "Trần Thị Bình"]  # ordered by folded name


@pytest.fixture
def secretariat(get_as, users):
    return get_as(users["secretariat"])


# --- scope -------------------------------------------------------------------------------

def test_list_shows_the_people_of_the_callers_subtree(secretariat, people):
    response = secretariat("/people")
    assert names(response) == WARD_A
    assert response.json()["count"] == 3


def test_user_of_another_unit_sees_only_their_own(get_as, users, people):
    get = get_as(users["other"])
    assert names(get("/people")) == ["Hoàng Thị Duyên", "Lê Văn Cường"]
    assert names(get("/people", q="nguyen van an")) == []


@pytest.mark.parametrize("role", ["admin", "leader", "observer"])
def test_read_roles_can_read(get_as, users, people, role):
    get = get_as(users[role])
    assert names(get("/people")) == WARD_A
    assert get(f"/people/{people['a1'].pk}").status_code == 200


@pytest.mark.parametrize("role", ["norole", "staff"])
def test_users_without_a_read_role_get_nothing(get_as, users, people, role):
    get = get_as(users[role])
    assert get("/people").json() == {"items": [], "count": 0}
    assert get(f"/people/{people['a1'].pk}").status_code == 404


def test_superuser_sees_everyone(get_as, make_user, people):
    assert get_as(make_user("quantri", is_superuser=True))("/people").json()["count"] == 5


def test_another_units_person_is_404_like_a_missing_one(get_as, users, people):
    get = get_as(users["other"])
    foreign = get(f"/people/{people['a1'].pk}")
    missing = get("/people/999999")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json() == {"detail": "Không tìm thấy."}


def test_another_unit_as_filter_is_404(get_as, users, tree, people):
    get = get_as(users["other"])
    assert get("/people", unit=tree.ward_a.pk).status_code == 404
    assert get("/people", unit=tree.cell_a1.pk).status_code == 404
    assert get("/people", unit=999_999).status_code == 404


# --- detail -------------------------------------------------------------------------------

def test_detail_with_labels_and_iso_dates(secretariat, tree, people):
    person = people["a1"]
    person.date_of_birth = date(1980, 5, 17)
    person.party_joined_on = date(2005, 3, 2)
    person.party_cell = tree.cell_a1
    person.position = "Bí thư chi bộ"
    person.email = "an@example.vn"
    person.save()
    data = secretariat(f"/people/{person.pk}").json()
    assert {k: data[k] for k in (
        "staff_code", "full_name", "gender", "gender_label", "date_of_birth", "ethnicity",
        "staff_category", "staff_category_label", "unit_id", "unit_name", "is_party_member",
        "party_joined_on", "party_cell_id", "party_cell_name", "position", "status",
        "status_label", "email",
    )} == {
        "staff_code": person.staff_code,
        "full_name": "Nguyễn Văn An",
        "gender": "nam",
        "gender_label": "Nam",
        "date_of_birth": "1980-05-17",
        "ethnicity": "Kinh",
        "staff_category": "cong_chuc",
        "staff_category_label": "Công chức",
        "unit_id": tree.cell_a1.pk,
        "unit_name": "Chi bộ Tổ dân phố 1",
        "is_party_member": True,
        "party_joined_on": "2005-03-02",
        "party_cell_id": tree.cell_a1.pk,
        "party_cell_name": "Chi bộ Tổ dân phố 1",
        "position": "Bí thư chi bộ",
        "status": "dang_cong_tac",
        "status_label": "Đang công tác",
        "email": "an@example.vn",
    }
    # ISO 8601 with the zone; Django's JSON encoder keeps milliseconds.
    shown = datetime.fromisoformat(data["created_at"])
    assert abs(shown - person.created_at) < timedelta(milliseconds=1)


def test_list_items_carry_labels(secretariat, people):
    people["a2"].status = "nghi_huu"
    people["a2"].save()
    item = secretariat("/people", q="tran thi binh").json()["items"][0]
    assert (item["gender"], item["gender_label"]) == ("nu", "Nữ")
    assert (item["status"], item["status_label"]) == ("nghi_huu", "Đã nghỉ hưu")
    assert item["unit_name"] == "Chi bộ Tổ dân phố 2"


# --- search and filters -------------------------------------------------------------------

@pytest.mark.parametrize("q, expected", [
    ("nguyen van an", ["Nguyễn Văn An"]),
    ("NGUYỄN  văn", ["Nguyễn Văn An"]),
    ("dang duc", ["Đặng Đức Dũng"]),
    ("thi", ["Trần Thị Bình"]),
    ("le van cuong", []),
])
def test_accent_insensitive_search(secretariat, people, q, expected):
    assert names(secretariat("/people", q=q)) == expected


def test_search_by_staff_code(secretariat, people):
    assert names(secretariat("/people", q=people["a2"].staff_code.lower())) == ["Trần Thị Bình"]


@pytest.mark.parametrize("params, expected", [
    ({"category": "can_bo"}, ["Đặng Đức Dũng"]),
    ({"category": "vien_chuc"}, []),
    ({"party": "true"}, ["Nguyễn Văn An"]),
    ({"party": "false"}, ["Đặng Đức Dũng", "Trần Thị Bình"]),
    ({"gender": "nu"}, ["Trần Thị Bình"]),
    ({"gender": "nam", "party": "false"}, ["Đặng Đức Dũng"]),
])
def test_filters(secretariat, people, params, expected):
    assert names(secretariat("/people", **params)) == expected


def test_filter_unit_takes_the_subtree(secretariat, tree, people):
    assert names(secretariat("/people", unit=tree.cell_a1.pk)) == ["Nguyễn Văn An"]
    assert names(secretariat("/people", unit=tree.ward_a.pk)) == WARD_A
    assert names(secretariat("/people", unit=tree.ward_a.pk, gender="nu")) == ["Trần Thị Bình"]


def test_filter_status(secretariat, people):
    people["a2"].status = "nghi_huu"
    people["a2"].save()
    assert names(secretariat("/people", status="nghi_huu")) == ["Trần Thị Bình"]
    assert names(secretariat("/people", status="dang_cong_tac")) == ["Đặng Đức Dũng",
                                                                     "Nguyễn Văn An"]


@pytest.mark.parametrize("params", [{"category": "x"}, {"gender": "khac"}, {"status": "x"},
                                    {"party": "co"}, {"unit": "abc"}, {"limit": 501}])
def test_bad_filters_are_422(secretariat, people, params):
    response = secretariat("/people", **params)
    assert response.status_code == 422
    assert response.json()["detail"] == "Tham số không hợp lệ."


def test_pagination(secretariat, people):
    page = secretariat("/people", limit=2, offset=1).json()
    assert page["count"] == 3
    assert [p["full_name"] for p in page["items"]] == WARD_A[1:3]


# --- query counts -------------------------------------------------------------------------

def test_list_queries_do_not_grow_with_rows(secretariat, tree, make_person,
                                            django_assert_max_num_queries):
    units = [tree.ward_a, tree.cell_a1, tree.cell_a2]
    for i in range(60):
        make_person(f"Cán bộ số {i}", units[i % 3], is_party_member=bool(i % 2),
                    party_cell=tree.cell_a1 if i % 2 else None)
    secretariat("/people")  # the first use of the token writes last_used_at
    # token + roles + count + page (units joined)
    with django_assert_max_num_queries(4):
        data = secretariat("/people", limit=500).json()
    assert data["count"] == len(data["items"]) == 60
    assert {p["unit_name"] for p in data["items"]} == {u.name for u in units}
    # + the unit of the filter
    with django_assert_max_num_queries(5):
        assert secretariat("/people", unit=tree.cell_a1.pk, limit=500).json()["count"] == 20
