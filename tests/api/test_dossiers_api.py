"""API of procedure dossiers: pushed batches (all or nothing, Vietnamese errors), scoped list."""

import json

import pytest

from tests.api.conftest import API
from thidua.api.models import ApiToken
from thidua.dossiers.models import ProcedureDossier, Source, Timing

pytestmark = pytest.mark.django_db


@pytest.fixture
def post_as(client):
    def for_user(user):
        _token, plain = ApiToken.issue(user, name="Kiểm thử")

        def post(path, body):
            return client.post(f"{API}{path}", json.dumps(body), content_type="application/json",
                               headers={"Authorization": f"Bearer {plain}"})

        return post

    return for_user


def item(code="HS-1", **extra):
    return {"code": code, "procedure": "Đăng ký khai sinh", "field": "Hộ tịch",
            "received_at": "2026-05-04T08:30:00+07:00", "due_at": "2026-05-07",
            "resolved_at": "2026-05-06T15:00:00+07:00", **extra}


def test_push_creates_then_updates(post_as, users, tree, people):
    post = post_as(users["secretariat"])
    body = {"unit_id": tree.ward_a.pk,
            "dossiers": [item(official=people["a1"].staff_code), item("HS-2", unit_code="PAB-CB1",
                                                                      resolved_at=None)]}
    response = post("/dossiers/", body)
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0}
    one = ProcedureDossier.objects.get(code="HS-1")
    assert one.timing == Timing.EARLY and one.source == Source.API and one.official == people["a1"]
    body["dossiers"][1]["resolved_at"] = "09/05/2026 10:00"
    assert post("/dossiers/", body).json() == {"created": 0, "updated": 2}
    assert ProcedureDossier.objects.get(code="HS-2").timing == Timing.LATE


def test_a_bad_item_refuses_the_whole_batch(post_as, users, tree):
    post = post_as(users["secretariat"])
    body = {"unit_id": tree.ward_a.pk, "dossiers": [
        item(), item("HS-2", resolved_at="2026-05-01"), item("HS-3", unit_code="XBM"),
        item("HS-1")]}
    response = post("/dossiers/", body)
    assert response.status_code == 422
    data = response.json()
    assert "chưa ghi hồ sơ nào" in data["detail"]
    found = {(e["index"], e["field"]) for e in data["errors"]}
    assert found == {(1, "resolved_at"), (2, "unit_code"), (3, "code")}
    assert all(e["message"] for e in data["errors"])
    assert ProcedureDossier.objects.count() == 0


def test_batch_limit(post_as, users, tree):
    body = {"unit_id": tree.ward_a.pk, "dossiers": [item(f"HS-{i}") for i in range(1001)]}
    response = post_as(users["secretariat"])("/dossiers/", body)
    assert response.status_code == 422 and "tối đa 1000" in response.json()["detail"]


def test_other_units_user_gets_404(post_as, get_as, users, tree):
    body = {"unit_id": tree.ward_a.pk, "dossiers": [item()]}
    assert post_as(users["other"])("/dossiers/", body).status_code == 404
    assert post_as(users["norole"])("/dossiers/", body).status_code == 404
    assert post_as(users["leader"])("/dossiers/", body).status_code == 403
    assert ProcedureDossier.objects.count() == 0
    assert get_as(users["other"])("/dossiers/", unit_id=tree.ward_a.pk).status_code == 404


def test_list_is_scoped(post_as, get_as, users, tree):
    post_as(users["secretariat"])("/dossiers/", {"unit_id": tree.ward_a.pk,
                                                 "dossiers": [item()]})
    post_as(users["other"])("/dossiers/", {"unit_id": tree.ward_b.pk,
                                           "dossiers": [item("HS-B")]})
    mine = get_as(users["leader"])("/dossiers/", month="2026-05")
    assert [d["code"] for d in mine.json()["items"]] == ["HS-1"]
    assert get_as(users["leader"])("/dossiers/", month="2026-04").json()["count"] == 0
    theirs = get_as(users["other"])("/dossiers/")
    assert [d["code"] for d in theirs.json()["items"]] == ["HS-B"]
    assert get_as(users["leader"])("/dossiers/", month="05/2026").status_code == 422


def test_a_repeated_item_names_its_position_not_a_file_row(post_as, users, tree):
    body = {"unit_id": tree.ward_a.pk, "dossiers": [item(), item("HS-2"), item()]}
    response = post_as(users["secretariat"])("/dossiers/", body)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["index"], error["field"]) == (2, "code")
    assert error["message"] == "Mã hồ sơ “HS-1” trùng với hồ sơ ở vị trí 0 trong danh sách gửi."


def test_a_nul_character_is_a_422_not_a_server_error(post_as, users, tree):
    body = {"unit_id": tree.ward_a.pk, "dossiers": [item(procedure="Khai\u0000sinh")]}
    response = post_as(users["secretariat"])("/dossiers/", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "procedure"
    assert ProcedureDossier.objects.count() == 0


def test_push_queries_do_not_grow_with_the_batch(post_as, users, tree, people,
                                                 django_assert_max_num_queries):
    post = post_as(users["secretariat"])
    post("/dossiers/", {"unit_id": tree.ward_a.pk, "dossiers": [item("OLD")]})
    many = [item(f"HS-{i}", official=people["a1"].staff_code,
                 unit_code="PAB-CB1" if i % 2 else "") for i in range(300)]
    with django_assert_max_num_queries(16):
        response = post("/dossiers/", {"unit_id": tree.ward_a.pk, "dossiers": many})
    assert response.json() == {"created": 300, "updated": 0}
