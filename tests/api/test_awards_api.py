"""GET /api/v1/awards/eligibility: scoped, the same answer as eligibility.evaluate()."""

import pytest

from tests.awards import conftest as awards_fixtures

# The awards fixtures, visible to this module's tests.
catalogue = awards_fixtures.catalogue
grade = awards_fixtures.grade

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(catalogue, people, grade):
    grade(people["a1"], 2026, "htxs")
    grade(people["a2"], 2026, "htt")
    grade(people["b1"], 2026, "htt")
    return people


def test_secretariat_gets_candidates_with_checks(get_as, users, tree, graded):
    response = get_as(users["secretariat"])("/awards/eligibility", year=2026, unit=tree.ward_a.pk)
    assert response.status_code == 200, response.content
    data = response.json()
    ldtt = sorted(c["name"] for c in data["candidates"] if c["award_type"] == "ldtt")
    assert ldtt == ["Nguyễn Văn An", "Trần Thị Bình"]
    first = next(c for c in data["candidates"] if c["award_type"] == "cstdcs")
    assert first["name"] == "Nguyễn Văn An" and first["within_quota"] is False
    assert first["checks"][0]["label"] == "Đạt danh hiệu LĐTT năm 2026"
    assert data["quotas"]["cstdcs"]["limit"] == 0 and data["quotas"]["cstdcs"]["base_count"] == 2
    assert {c["name"] for c in data["near_misses"] if c["award_type"] == "ldtt"} == {
        "Đặng Đức Dũng"}


def test_another_units_user_gets_404(get_as, users, tree, graded):
    response = get_as(users["other"])("/awards/eligibility", year=2026, unit=tree.ward_a.pk)
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy."}


def test_user_without_role_gets_404(get_as, users, tree, graded):
    response = get_as(users["norole"])("/awards/eligibility", year=2026, unit=tree.ward_a.pk)
    assert response.status_code == 404


def test_staff_role_does_not_read_eligibility(get_as, users, tree, graded):
    response = get_as(users["staff"])("/awards/eligibility", year=2026, unit=tree.cell_a1.pk)
    assert response.status_code == 404


def test_filters_award_type_and_subtree(get_as, users, tree, graded):
    get = get_as(users["secretariat"])
    data = get("/awards/eligibility", year=2026, unit=tree.ward_a.pk, award_type="ldtt",
               subtree="false").json()
    assert data["award_types"] == ["ldtt"]
    assert data["candidates"] == []  # nobody works directly in the ward office but a3 (HT)


def test_several_award_types(get_as, users, tree, graded):
    data = get_as(users["secretariat"])("/awards/eligibility", year=2026, unit=tree.ward_a.pk,
                                        award_type=["ldtt", "cstdcs"]).json()
    assert data["award_types"] == ["ldtt", "cstdcs"]
    assert {c["award_type"] for c in data["candidates"]} == {"ldtt", "cstdcs"}


def test_ancestor_unit_is_out_of_scope(get_as, users, tree, graded):
    """Ward A's secretariat cannot read the province's list (it holds ward B's people)."""
    response = get_as(users["secretariat"])("/awards/eligibility", year=2026,
                                            unit=tree.province.pk)
    assert response.status_code == 404


def test_unknown_award_type_is_refused(get_as, users, tree, graded):
    response = get_as(users["secretariat"])("/awards/eligibility", year=2026,
                                            unit=tree.ward_a.pk, award_type="ldt")
    assert response.status_code == 422
    assert response.json()["detail"] == "Không có danh hiệu, hình thức mã “ldt” trong danh mục."


def test_without_near_misses(get_as, users, tree, graded):
    data = get_as(users["secretariat"])("/awards/eligibility", year=2026, unit=tree.ward_a.pk,
                                        near_misses="false").json()
    assert data["near_misses"] == [] and data["candidates"]


def test_bad_year_is_refused_in_vietnamese(get_as, users, tree):
    response = get_as(users["secretariat"])("/awards/eligibility", year=1900, unit=tree.ward_a.pk)
    assert response.status_code == 422
    assert response.json()["detail"] == "Tham số không hợp lệ."


def test_token_required(client, tree):
    assert client.get("/api/v1/awards/eligibility", {"year": 2026,
                                                     "unit": tree.ward_a.pk}).status_code == 401
