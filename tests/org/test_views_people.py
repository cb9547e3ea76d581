from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from thidua.org.models import Person


def names(response):
    return {p.full_name for p in response.context["page_obj"]}


@pytest.fixture
def secretariat(client, users):
    client.force_login(users["secretariat"])
    return client


def test_list_is_scoped(secretariat, people):
    response = secretariat.get(reverse("org:person_list"))
    assert names(response) == {"Nguyễn Văn An", "Trần Thị Bình", "Đặng Đức Dũng"}


def test_search_without_accents_finds_the_person(secretariat, people):
    response = secretariat.get(reverse("org:person_list"), {"q": "dang duc dung"})
    assert names(response) == {"Đặng Đức Dũng"}
    response = secretariat.get(reverse("org:person_list"), {"q": "NGUYỄN văn"})
    assert names(response) == {"Nguyễn Văn An"}
    response = secretariat.get(reverse("org:person_list"), {"q": people["a2"].staff_code})
    assert names(response) == {"Trần Thị Bình"}


def test_search_never_crosses_the_scope(secretariat, people):
    assert names(secretariat.get(reverse("org:person_list"), {"q": "le van cuong"})) == set()


@pytest.mark.parametrize("params,expected", [
    ({"gender": "nu"}, {"Trần Thị Bình"}),
    ({"party": "1"}, {"Nguyễn Văn An"}),
    ({"party": "0"}, {"Trần Thị Bình", "Đặng Đức Dũng"}),
    ({"category": "can_bo"}, {"Đặng Đức Dũng"}),
    ({"ethnicity": "Tày"}, {"Trần Thị Bình"}),
    ({"age_band": "30-39"}, {"Nguyễn Văn An"}),
    ({"status": "nghi_huu"}, {"Retired"}),
    ({"status": "tat-ca", "gender": "nam", "party": "0"}, {"Đặng Đức Dũng", "Retired"}),
])
def test_filters(secretariat, people, tree, make_person, params, expected):
    today = date.today()
    Person.objects.filter(pk=people["a1"].pk).update(date_of_birth=date(today.year - 35, 1, 1))
    Person.objects.filter(pk=people["a2"].pk).update(date_of_birth=date(today.year - 45, 1, 1),
                                                     ethnicity="Tày")
    make_person("Retired", tree.cell_a2, status="nghi_huu")
    assert names(secretariat.get(reverse("org:person_list"), params)) == expected


def test_unit_filter_takes_the_subtree_and_refuses_other_units(secretariat, people, tree):
    response = secretariat.get(reverse("org:person_list"), {"unit": tree.cell_a1.pk})
    assert names(response) == {"Nguyễn Văn An"}
    # A unit outside the scope is not a valid choice: the filter is ignored, scope stays.
    response = secretariat.get(reverse("org:person_list"), {"unit": tree.ward_b.pk})
    assert names(response) == {"Nguyễn Văn An", "Trần Thị Bình", "Đặng Đức Dũng"}


def test_pagination(secretariat, tree, make_person):
    for i in range(60):
        make_person(f"Người {i:02d}", tree.cell_a1)
    response = secretariat.get(reverse("org:person_list"), {"page": 2})
    assert response.context["page_obj"].number == 2
    assert len(response.context["page_obj"].object_list) == 10


def test_query_count_does_not_grow_with_rows(secretariat, tree, make_person):
    url = reverse("org:person_list")
    make_person("Người đầu tiên", tree.cell_a1)
    secretariat.get(url)
    with CaptureQueriesContext(connection) as small:
        secretariat.get(url, {"q": "nguoi"})
    for i in range(80):
        make_person(f"Người {i}", tree.cell_a2)
    with CaptureQueriesContext(connection) as big:
        secretariat.get(url, {"q": "nguoi"})
    assert len(big) == len(small) <= 10


def test_person_page(secretariat, people):
    response = secretariat.get(reverse("org:person_detail", args=[people["a1"].pk]))
    assert response.status_code == 200
    assert "Nguyễn Văn An" in response.content.decode()


@pytest.mark.parametrize("who", ["other", "norole", "staff"])
def test_person_page_of_another_unit_is_404(client, users, people, who):
    client.force_login(users[who])
    assert client.get(reverse("org:person_detail", args=[people["a1"].pk])).status_code == 404


def test_staff_sees_their_own_page_but_not_discipline_of_others(client, users, people):
    Person.objects.filter(pk=people["a1"].pk).update(user=users["staff"])
    client.force_login(users["staff"])
    response = client.get(reverse("org:person_detail", args=[people["a1"].pk]))
    assert response.status_code == 200
    assert response.context["discipline"] is None
    assert client.get(reverse("org:person_detail", args=[people["a2"].pk])).status_code == 404


@pytest.mark.parametrize("who", ["norole", "staff"])
def test_people_list_needs_a_reading_role(client, users, who):
    client.force_login(users[who])
    assert client.get(reverse("org:person_list")).status_code == 403
    assert client.get(reverse("org:person_export")).status_code == 403


def test_export_follows_the_filters_and_the_scope(secretariat, people):
    from io import BytesIO

    from openpyxl import load_workbook

    response = secretariat.get(reverse("org:person_export"), {"gender": "nam"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(BytesIO(content), read_only=True).worksheets[0]
    cells = {c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert "Nguyễn Văn An" in cells and "Đặng Đức Dũng" in cells
    assert "Trần Thị Bình" not in cells and "Lê Văn Cường" not in cells
