"""/api/v1/movements…: scoped reads, live target values, registration review, manual values."""

import json
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.api.conftest import API
from thidua.api.models import ApiToken
from thidua.movements import domain
from thidua.movements.engine import Dashboard
from thidua.movements.models import (
    Commitment,
    Content,
    ManualValue,
    Milestone,
    Movement,
    Practice,
    Registration,
    Target,
)

pytestmark = pytest.mark.django_db


# --- fixtures -------------------------------------------------------------------------------

@pytest.fixture
def api(client):
    """``api(user)`` → ``.get(path, **params)`` and ``.post(path, body)`` with a token of ``user``."""

    def for_user(user):
        _token, plain = ApiToken.issue(user, name="Kiểm thử")
        headers = {"Authorization": f"Bearer {plain}"}

        def get(path, **params):
            return client.get(f"{API}{path}", params, headers=headers)

        def post(path, body=None):
            return client.post(f"{API}{path}", json.dumps(body or {}),
                               content_type="application/json", headers=headers)

        return SimpleNamespace(get=get, post=post)

    return for_user


def make_movement(tree, kinds, user, *, issuer, number="167", title=None, state="launched"):
    """A movement of ``issuer`` over its subtree: one content, two milestones, three targets."""
    today = timezone.localdate()
    movement = Movement.objects.create(
        number=number, symbol="KH/ĐU", issued_on=today - timedelta(days=30), issuing_unit=issuer,
        scope_unit=issuer, title=title or "Năm nâng cao chất lượng cán bộ cơ sở",
        theme="Trách nhiệm, kỷ cương, gần dân, sát dân, phục vụ Nhân dân",
        starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=200),
        staff_categories=["can_bo", "cong_chuc"], created_by=user)
    movement.participant_kinds.set([kinds["chi_bo"]])
    Content.objects.create(movement=movement, order=1, title="Nâng cao bản lĩnh chính trị")
    registration = Milestone.objects.create(
        movement=movement, kind="registration", title="Các chi bộ đăng ký thi đua",
        due_on=today + timedelta(days=10), actor="Các chi bộ")
    registration.actor_kinds.set([kinds["chi_bo"]])
    Milestone.objects.create(movement=movement, kind="final", title="Tổng kết",
                             due_on=today + timedelta(days=150), actor="Ban Thường vụ")
    Target.objects.create(movement=movement, order=1, indicator="units_registered", goal=100,
                          wording="100% chi bộ đăng ký thi đua", deadline=today + timedelta(days=10))
    Target.objects.create(movement=movement, order=2, indicator="units_with_practices", goal=100,
                          wording="Mỗi chi bộ có ít nhất 01 mô hình", params={"min_count": 1})
    Target.objects.create(movement=movement, order=3, indicator="manual", goal=95,
                          wording="Tỷ lệ hồ sơ giải quyết đúng hạn",
                          params={"measure": "Tỷ lệ hồ sơ đúng hạn", "unit_label": "%"})
    if state == "launched":
        domain.launch(user, movement)
        movement.refresh_from_db()
    return movement


@pytest.fixture
def movement(tree, kinds, users):
    return make_movement(tree, kinds, users["secretariat"], issuer=tree.ward_a)


@pytest.fixture
def province_admin(make_user, tree):
    return make_user("vanphong_tinh", "secretariat", tree.province)


@pytest.fixture
def province_movement(tree, kinds, province_admin):
    """Issued by the province over both wards: each ward sees it, and only its own facts."""
    return make_movement(tree, kinds, province_admin, issuer=tree.province, number="26",
                         title="Mỗi cán bộ có ít nhất 01 sáng kiến, giải pháp mỗi năm")


def submitted(user, movement, unit, text="Hoàn thành xuất sắc nhiệm vụ"):
    registration = domain.start_registration(user, movement, unit)
    Commitment.objects.create(registration=registration, text=text, number=Decimal("2.5"))
    domain.submit_registration(user, registration)
    registration.refresh_from_db()
    return registration


@pytest.fixture
def secretariat(api, users):
    return api(users["secretariat"])


# --- authentication -------------------------------------------------------------------------

@pytest.mark.parametrize("method, path", [
    ("get", "/movements"), ("get", "/movements/{id}"), ("get", "/movements/{id}/targets"),
    ("get", "/movements/{id}/registrations"),
    ("post", "/movements/{id}/registrations/1/accept"),
    ("post", "/movements/{id}/registrations/1/return"),
    ("post", "/movements/{id}/manual-values"),
])
def test_every_endpoint_needs_a_token(client, movement, method, path):
    response = getattr(client, method)(f"{API}{path.format(id=movement.pk)}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


# --- list and detail ------------------------------------------------------------------------

def test_list_is_scoped_like_the_ui(api, users, movement, tree, kinds):
    draft = make_movement(tree, kinds, users["secretariat"], issuer=tree.ward_a, number="170",
                          title="Dân vận khéo", state="draft")
    secretariat_ids = [m["id"] for m in api(users["secretariat"]).get("/movements").json()["items"]]
    assert sorted(secretariat_ids) == sorted([movement.pk, draft.pk])
    # A cell's staff sees the ward's launched plan, not its drafts; another ward sees nothing.
    assert [m["id"] for m in api(users["staff"]).get("/movements").json()["items"]] == [movement.pk]
    assert api(users["other"]).get("/movements").json() == {"items": [], "count": 0}
    assert api(users["norole"]).get("/movements").json()["count"] == 0


def test_list_item(secretariat, movement, tree, users):
    submitted(users["secretariat"], movement, tree.cell_a1)
    item = secretariat.get("/movements").json()["items"][0]
    assert item == {
        "id": movement.pk, "document_number": "167-KH/ĐU", "number": "167", "symbol": "KH/ĐU",
        "issued_on": movement.issued_on.isoformat(), "title": "Năm nâng cao chất lượng cán bộ cơ sở",
        "state": "launched", "state_label": "Đang triển khai",
        "issuing_unit_id": tree.ward_a.pk, "issuing_unit_name": "Đảng bộ phường An Bình",
        "scope_unit_id": tree.ward_a.pk, "scope_unit_name": "Đảng bộ phường An Bình",
        "starts_on": movement.starts_on.isoformat(), "ends_on": movement.ends_on.isoformat(),
        "registration_count": 1, "accepted_count": 0,
    }


@pytest.mark.parametrize("params, expected", [
    ({"q": "nang cao chat luong"}, ["167"]),
    ({"q": "DÂN VẬN"}, ["170"]),
    ({"q": "167-kh/du"}, ["167"]),
    ({"q": "không có"}, []),
    ({"state": "draft"}, ["170"]),
    ({"state": "launched"}, ["167"]),
    ({"state": "closed"}, []),
])
def test_filters(secretariat, movement, tree, kinds, users, params, expected):
    make_movement(tree, kinds, users["secretariat"], issuer=tree.ward_a, number="170",
                  title="Dân vận khéo", state="draft")
    items = secretariat.get("/movements", **params).json()["items"]
    assert [m["number"] for m in items] == expected


def test_bad_state_is_422(secretariat, movement):
    response = secretariat.get("/movements", state="finished")
    assert response.status_code == 422
    assert response.json()["detail"] == "Tham số không hợp lệ."


def test_detail_has_contents_milestones_and_targets(secretariat, movement, kinds):
    data = secretariat.get(f"/movements/{movement.pk}").json()
    assert data["theme"].startswith("Trách nhiệm")
    assert data["participant_kinds"] == ["chi_bo"]
    assert data["staff_categories"] == ["can_bo", "cong_chuc"]
    assert [c["title"] for c in data["contents"]] == ["Nâng cao bản lĩnh chính trị"]
    first = data["milestones"][0]
    assert (first["kind"], first["kind_label"], first["actor_kinds"]) == (
        "registration", "Hạn đăng ký thi đua", ["chi_bo"])
    assert [m["kind"] for m in data["milestones"]] == ["registration", "final"]
    targets = data["targets"]
    assert [t["indicator"] for t in targets] == ["units_registered", "units_with_practices", "manual"]
    assert targets[0]["goal"] == 100 and targets[0]["comparator_label"] == "≥"
    assert targets[0]["unit_label"] == targets[2]["unit_label"] == "%"
    assert targets[2]["measure"] == "Tỷ lệ hồ sơ đúng hạn"


@pytest.mark.parametrize("path", ["/movements/{id}", "/movements/{id}/targets",
                                  "/movements/{id}/registrations"])
def test_another_wards_movement_is_404_like_a_missing_one(api, users, movement, path):
    other = api(users["other"])
    foreign, missing = other.get(path.format(id=movement.pk)), other.get(path.format(id=999_999))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json() == {"detail": "Không tìm thấy."}


def test_a_draft_is_hidden_from_the_cells(api, users, tree, kinds):
    draft = make_movement(tree, kinds, users["secretariat"], issuer=tree.ward_a, state="draft")
    assert api(users["staff"]).get(f"/movements/{draft.pk}").status_code == 404


# --- target values --------------------------------------------------------------------------

def by_id(response):
    assert response.status_code == 200, response.content
    return {t["id"]: t for t in response.json()["targets"]}


def assert_matches_dashboard(data, dashboard):
    for target in dashboard.targets():
        row, shown = dashboard.row(target), data[target.pk]
        expected = None if row.value is None else float(row.value)
        assert (shown["value"], shown["status"], shown["status_label"]) == (
            expected, row.status, row.status_label)
        assert (shown["numerator"], shown["denominator"]) == (
            row.measure.numerator, row.measure.denominator)


def test_values_match_the_dashboard(secretariat, movement, tree, users):
    registration = submitted(users["secretariat"], movement, tree.cell_a1)
    domain.review_registration(users["secretariat"], registration, "accept")
    Practice.objects.create(unit=tree.cell_a2, movement=movement, name="Tổ dân phố xanh",
                            started_on=timezone.localdate())
    manual = movement.targets.get(indicator="manual")
    domain.enter_manual_value(users["secretariat"], manual, tree.cell_a1, value=Decimal(97),
                              measured_on=timezone.localdate())

    response = secretariat.get(f"/movements/{movement.pk}/targets")
    assert response.json()["unit"] == {"id": tree.ward_a.pk, "code": "PAB",
                                       "name": "Đảng bộ phường An Bình"}
    assert response.json()["today"] == timezone.localdate().isoformat()
    data = by_id(response)
    assert_matches_dashboard(data, Dashboard(movement, tree.ward_a))
    registered = data[movement.targets.get(indicator="units_registered").pk]
    assert (registered["value"], registered["status"], registered["status_label"]) == (
        50.0, "behind", "Chưa đạt")
    assert registered["deadline"] == movement.targets.get(order=1).deadline.isoformat()
    assert data[manual.pk]["value"] == 97.0 and data[manual.pk]["status"] == "met"

    at_cell = by_id(secretariat.get(f"/movements/{movement.pk}/targets", unit=tree.cell_a1.pk))
    assert_matches_dashboard(at_cell, Dashboard(movement, tree.cell_a1))
    assert at_cell[registered["id"]]["value"] == 100.0


def test_overdue_and_no_data(secretariat, movement):
    target = movement.targets.get(indicator="units_registered")
    Target.objects.filter(pk=target.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    data = by_id(secretariat.get(f"/movements/{movement.pk}/targets"))
    assert (data[target.pk]["status"], data[target.pk]["status_label"]) == ("overdue", "Quá hạn")
    manual = data[movement.targets.get(indicator="manual").pk]
    assert (manual["value"], manual["status"], manual["denominator"]) == (None, "no_data", 0)


def test_a_cell_sees_its_own_values_by_default(api, users, movement, tree):
    response = api(users["staff"]).get(f"/movements/{movement.pk}/targets")
    assert response.json()["unit"]["id"] == tree.cell_a1.pk
    assert_matches_dashboard(by_id(response), Dashboard(movement, tree.cell_a1))


def test_a_unit_above_the_scope_shows_the_scope(api, province_admin, movement, tree):
    response = api(province_admin).get(f"/movements/{movement.pk}/targets", unit=tree.province.pk)
    assert response.json()["unit"]["id"] == tree.ward_a.pk


def test_units_out_of_reach_are_404(api, users, secretariat, province_admin, movement, tree):
    # Another ward's unit: not readable by the caller.
    assert secretariat.get(f"/movements/{movement.pk}/targets",
                           unit=tree.cell_b1.pk).status_code == 404
    # Readable, but outside the movement's scope and not above it.
    assert api(province_admin).get(f"/movements/{movement.pk}/targets",
                                   unit=tree.cell_b1.pk).status_code == 404
    # The ward above the cell's subtree: the cell's staff may not read it.
    assert api(users["staff"]).get(f"/movements/{movement.pk}/targets",
                                   unit=tree.ward_a.pk).status_code == 404


# --- registrations --------------------------------------------------------------------------

def test_registrations_are_scoped(api, users, province_admin, province_movement, tree):
    a1 = submitted(province_admin, province_movement, tree.cell_a1)
    b1 = submitted(province_admin, province_movement, tree.cell_b1)
    path = f"/movements/{province_movement.pk}/registrations"
    assert [r["id"] for r in api(province_admin).get(path).json()["items"]] == [a1.pk, b1.pk]
    assert [r["id"] for r in api(users["secretariat"]).get(path).json()["items"]] == [a1.pk]
    assert [r["id"] for r in api(users["other"]).get(path).json()["items"]] == [b1.pk]
    assert [r["id"] for r in api(users["staff"]).get(path).json()["items"]] == [a1.pk]
    assert api(users["norole"]).get(path).status_code == 404


def test_registration_item(secretariat, movement, tree, users):
    registration = submitted(users["secretariat"], movement, tree.cell_a1)
    item = secretariat.get(f"/movements/{movement.pk}/registrations").json()["items"][0]
    commitment = registration.commitments.get()
    assert item == {
        "id": registration.pk, "movement_id": movement.pk, "unit_id": tree.cell_a1.pk,
        "unit_code": "PAB-CB1", "unit_name": "Chi bộ Tổ dân phố 1", "person_id": None,
        "person_name": None, "state": "submitted", "state_label": "Đã gửi", "is_late": False,
        "note": "", "submitted_at": item["submitted_at"], "accepted_at": None,
        "created_at": item["created_at"],
        "commitments": [{"id": commitment.pk, "content_id": None, "target_id": None,
                         "text": "Hoàn thành xuất sắc nhiệm vụ", "number": 2.5}],
    }
    assert item["submitted_at"] is not None


def test_registration_filters(secretariat, movement, tree, users):
    first = submitted(users["secretariat"], movement, tree.cell_a1)
    second = submitted(users["secretariat"], movement, tree.cell_a2)
    domain.review_registration(users["secretariat"], second, "accept")
    path = f"/movements/{movement.pk}/registrations"
    assert [r["id"] for r in secretariat.get(path, state="accepted").json()["items"]] == [second.pk]
    assert [r["id"] for r in secretariat.get(path, unit=tree.cell_a1.pk).json()["items"]] == [
        first.pk]
    assert secretariat.get(path, unit=tree.cell_b1.pk).status_code == 404


# --- accept and return ----------------------------------------------------------------------

def test_secretariat_accepts_and_the_target_moves(secretariat, movement, tree, users):
    registration = submitted(users["secretariat"], movement, tree.cell_a1)
    response = secretariat.post(f"/movements/{movement.pk}/registrations/{registration.pk}/accept")
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["state_label"]) == ("accepted", "Đã chấp nhận")
    assert response.json()["accepted_at"] is not None
    registration.refresh_from_db()
    assert registration.state == "accepted"
    target = movement.targets.get(indicator="units_registered")
    assert by_id(secretariat.get(f"/movements/{movement.pk}/targets"))[target.pk]["value"] == 50.0


def test_accepting_twice_is_400_in_vietnamese(secretariat, movement, tree, users):
    registration = submitted(users["secretariat"], movement, tree.cell_a1)
    path = f"/movements/{movement.pk}/registrations/{registration.pk}/accept"
    assert secretariat.post(path).status_code == 200
    response = secretariat.post(path)
    assert response.status_code == 400
    assert response.json() == {"detail": "Không thể “chấp nhận” khi hồ sơ đang ở trạng thái "
                                         "“Đã chấp nhận”."}


@pytest.mark.parametrize("role", ["observer", "leader", "staff"])
def test_readers_without_the_reviewing_role_get_403(api, users, movement, tree, role):
    # They see the registration (404 would deny what the list shows), but may not review it.
    registration = submitted(users["secretariat"], movement, tree.cell_a1)
    caller = api(users[role])
    assert caller.get(f"/movements/{movement.pk}/registrations").json()["count"] == 1
    for decision, body in (("accept", None), ("return", {"reason": "Thiếu nội dung"})):
        response = caller.post(
            f"/movements/{movement.pk}/registrations/{registration.pk}/{decision}", body)
        assert response.status_code == 403
        assert response.json()["detail"].startswith("Bạn không có quyền")
    registration.refresh_from_db()
    assert registration.state == "submitted"


def test_another_wards_registration_is_404(api, users, province_admin, province_movement, tree):
    registration = submitted(province_admin, province_movement, tree.cell_a1)
    path = f"/movements/{province_movement.pk}/registrations/{registration.pk}/accept"
    foreign = api(users["other"]).post(path)
    missing = api(users["other"]).post(
        f"/movements/{province_movement.pk}/registrations/999999/accept")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json() == {"detail": "Không tìm thấy."}
    registration.refresh_from_db()
    assert registration.state == "submitted"


def test_a_registration_of_another_movement_is_404(secretariat, movement, province_movement,
                                                    province_admin, tree):
    registration = submitted(province_admin, province_movement, tree.cell_a1)
    response = secretariat.post(f"/movements/{movement.pk}/registrations/{registration.pk}/accept")
    assert response.status_code == 404


def test_return_needs_a_reason(secretariat, movement, tree, users):
    registration = submitted(users["secretariat"], movement, tree.cell_a1)
    path = f"/movements/{movement.pk}/registrations/{registration.pk}/return"
    assert secretariat.post(path).status_code == 422  # no body at all
    response = secretariat.post(path, {"reason": "   "})
    assert response.status_code == 400
    assert response.json() == {"detail": "Cần ghi rõ lý do khi “trả lại”."}
    response = secretariat.post(path, {"reason": "Chưa có nội dung cho tiêu chí 2"})
    assert response.status_code == 200
    assert response.json()["state"] == "returned"
    registration.refresh_from_db()
    log = Registration.workflow.history(registration).last()
    assert (log.to_state, log.reason) == ("returned", "Chưa có nội dung cho tiêu chí 2")


# --- manual values --------------------------------------------------------------------------

def manual_body(movement, unit, value="96.5", day=None, **extra):
    target = movement.targets.get(indicator="manual")
    day = day or timezone.localdate()
    return {"target": target.pk, "unit": unit.pk, "value": value, "measured_on": day.isoformat(),
            **extra}


def test_enter_a_manual_value(secretariat, movement, tree):
    path = f"/movements/{movement.pk}/manual-values"
    response = secretariat.post(path, manual_body(movement, tree.cell_a1,
                                                  note="Báo cáo của Bộ phận một cửa"))
    assert response.status_code == 200, response.content
    data = response.json()
    stored = ManualValue.objects.get()
    assert data == {"id": stored.pk, "target_id": stored.target_id, "unit_id": tree.cell_a1.pk,
                    "value": 96.5, "measured_on": timezone.localdate().isoformat(),
                    "note": "Báo cáo của Bộ phận một cửa"}
    # The same day again replaces the value; the dashboard shows it.
    assert secretariat.post(path, manual_body(movement, tree.cell_a1, value=93)).status_code == 200
    assert ManualValue.objects.get().value == Decimal("93.00")
    target = movement.targets.get(indicator="manual")
    assert by_id(secretariat.get(f"/movements/{movement.pk}/targets"))[target.pk]["value"] == 93.0


def test_manual_value_refusals(api, users, secretariat, movement, province_movement, tree):
    path = f"/movements/{movement.pk}/manual-values"
    computed = {**manual_body(movement, tree.cell_a1),
                "target": movement.targets.get(indicator="units_registered").pk}
    response = secretariat.post(path, computed)
    assert response.status_code == 400
    assert response.json() == {"detail": "Chỉ tiêu này được tính tự động, không nhập tay."}
    # Observers read but do not write (the domain says 403).
    response = api(users["observer"]).post(path, manual_body(movement, tree.cell_a1))
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không có quyền nhập số liệu cho đơn vị này."
    # Another ward's unit, another movement's target: 404.
    assert secretariat.post(path, manual_body(movement, tree.cell_b1)).status_code == 404
    foreign = {**manual_body(movement, tree.cell_a1),
               "target": province_movement.targets.get(indicator="manual").pk}
    assert secretariat.post(path, foreign).status_code == 404
    # Bad numbers are refused before the domain.
    assert secretariat.post(path, manual_body(movement, tree.cell_a1,
                                              value="1.234")).status_code == 422
    assert ManualValue.objects.count() == 0


def test_manual_value_on_a_closed_movement_is_400(secretariat, movement, tree, users):
    domain.close(users["secretariat"], movement)
    response = secretariat.post(f"/movements/{movement.pk}/manual-values",
                                manual_body(movement, tree.cell_a1))
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Phong trào đã kết thúc")


def test_manual_value_outside_the_movement_scope_is_400(api, province_admin, movement, tree):
    response = api(province_admin).post(f"/movements/{movement.pk}/manual-values",
                                        manual_body(movement, tree.cell_b1))
    assert response.status_code == 400
    assert response.json() == {"detail": "Đơn vị không thuộc phạm vi của phong trào."}


# --- query counts ---------------------------------------------------------------------------

def test_movement_list_queries_do_not_grow(secretariat, tree, kinds, users,
                                           django_assert_max_num_queries):
    for number in range(100, 120):
        make_movement(tree, kinds, users["secretariat"], issuer=tree.ward_a, number=str(number),
                      state="draft")
    secretariat.get("/movements")  # the first use of the token writes last_used_at
    # token + roles + count + page (units and counts in the page query)
    with django_assert_max_num_queries(4):
        assert secretariat.get("/movements", limit=500).json()["count"] == 20
    with django_assert_max_num_queries(5):  # + the folded search over the visible titles
        assert secretariat.get("/movements", q="chat luong").json()["count"] == 20


def test_detail_queries_are_fixed(secretariat, movement, django_assert_max_num_queries):
    secretariat.get("/movements")
    # token + roles + movement + kinds, contents, milestones (+ their kinds), targets
    with django_assert_max_num_queries(8):
        assert secretariat.get(f"/movements/{movement.pk}").status_code == 200


def test_registration_list_queries_do_not_grow(secretariat, movement, tree, users, make_unit,
                                               django_assert_max_num_queries):
    for i in range(25):
        cell = make_unit(f"Chi bộ số {i}", tree.ward_a, code=f"PAB-X{i:02d}")
        submitted(users["secretariat"], movement, cell)
    secretariat.get("/movements")
    # token + roles + movement + count + page + commitments
    with django_assert_max_num_queries(6):
        assert secretariat.get(f"/movements/{movement.pk}/registrations",
                               limit=500).json()["count"] == 25


def test_target_values_queries_do_not_grow_with_units(secretariat, movement, tree, make_unit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = f"/movements/{movement.pk}/targets"
    secretariat.get(path)
    with CaptureQueriesContext(connection) as small:
        secretariat.get(path)
    for i in range(20):
        make_unit(f"Chi bộ mới {i}", tree.ward_a, code=f"PAB-N{i:02d}")
    with CaptureQueriesContext(connection) as big:
        assert secretariat.get(path).status_code == 200
    assert len(big) == len(small) <= 12


# --- OpenAPI --------------------------------------------------------------------------------

def test_openapi_documents_the_movement_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    base = "/api/v1/movements"
    assert set(paths[base]) == set(paths[f"{base}/{{id}}"]) == {"get"}
    assert set(paths[f"{base}/{{id}}/registrations/{{reg_id}}/accept"]) == {"post"}
    manual = paths[f"{base}/{{id}}/manual-values"]["post"]
    assert {"200", "400", "403", "404"} <= set(manual["responses"])
    assert manual["security"] == [{"TokenAuth": []}]


def test_dates_are_iso(secretariat, movement):
    data = secretariat.get(f"/movements/{movement.pk}").json()
    assert date.fromisoformat(data["milestones"][0]["due_on"])


# --- the demo ward through the API ----------------------------------------------------------

def test_the_demo_through_the_api(api, monkeypatch):
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate",
                        lambda *a, **k: date(2026, 11, 22) if not a and not k else real(*a, **k))
    call_command("load_demo", stdout=StringIO())
    users = get_user_model().objects.in_bulk(["vanphong", "quantri", "chibo1", "kiemtra"],
                                             field_name="username")
    office = api(users["vanphong"])
    assert {m["document_number"] for m in office.get("/movements").json()["items"]} == {
        "167-KH/ĐU", "98-KH/ĐU"}
    assert api(users["quantri"]).get("/movements").json()["count"] == 4
    plan_a = Movement.objects.get(number="167", symbol="KH/ĐU")
    registered = plan_a.targets.get(indicator="units_registered").pk

    # The cell's leader sees its own cell by default.
    cell = api(users["chibo1"]).get(f"/movements/{plan_a.pk}/targets").json()
    assert cell["unit"]["code"] == "BK-CB-TDP01"
    assert {t["id"]: t["value"] for t in cell["targets"]}[registered] == 100.0

    # The office accepts the late registration waiting for review: 16 of 18, still overdue.
    waiting = office.get(f"/movements/{plan_a.pk}/registrations", state="submitted").json()
    assert [r["unit_code"] for r in waiting["items"]] == ["BK-CB-TDP10"]
    assert waiting["items"][0]["is_late"] is True
    path = f"/movements/{plan_a.pk}/registrations/{waiting['items'][0]['id']}/accept"
    assert api(users["kiemtra"]).post(path).status_code == 403
    assert office.post(path).status_code == 200
    row = by_id(office.get(f"/movements/{plan_a.pk}/targets"))[registered]
    assert (row["value"], row["numerator"], row["status"]) == (88.89, 16.0, "overdue")
