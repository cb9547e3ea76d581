"""/api/v1/kpi/…: a unit's month, one sheet with its computation, writes through kpi.domain."""

import json
from types import SimpleNamespace

import pytest

from tests.api.conftest import API
from tests.kpi.conftest import FULL_MARKS, GOOD_TASK
from thidua.api.models import ApiToken
from thidua.kpi import domain
from thidua.kpi.models import Adjustment, MonthSheet, Task, UnitMonth

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    """``api(user)`` → get/post/put/delete sending a fresh token of ``user``."""

    def for_user(user):
        _token, plain = ApiToken.issue(user, name="Kiểm thử")
        headers = {"Authorization": f"Bearer {plain}"}

        def send(method, path, body=None, **params):
            call = getattr(client, method)
            if method in ("get", "delete"):
                query = "&".join(f"{k}={v}" for k, v in params.items())
                return call(f"{API}/kpi{path}{'?' + query if query else ''}", headers=headers)
            return call(f"{API}/kpi{path}", json.dumps(body or {}),
                        content_type="application/json", headers=headers)

        return SimpleNamespace(
            get=lambda path, **params: send("get", path, **params),
            post=lambda path, body=None: send("post", path, body),
            put=lambda path, body=None: send("put", path, body),
            delete=lambda path, **params: send("delete", path, **params))

    return for_user


def month_path(unit, month):
    return f"/units/{unit.pk}/months/{month:%Y-%m}/sheets"


@pytest.fixture
def draft(staff, users, month, fill):
    return fill(domain.sheet_for(staff.staff, month, users["staff"]), users["staff"])


# --- reads ----------------------------------------------------------------------------------

def test_unit_month_lists_sheets_paginated_and_filtered(api, staff, users, month, tree, draft,
                                                        fill):
    domain.sheet_for(staff.clerk, month, users["leader"])
    domain.transition(draft, "submit", users["staff"])
    leader = api(users["leader"])
    response = leader.get(month_path(tree.ward_a, month))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2
    assert [item["full_name"] for item in body["items"]] == ["Phạm Thu Hà", "Vũ Minh Khoa"]
    first = body["items"][0]
    assert first["month"] == f"{month:%Y-%m}" and first["state"] == "submitted"
    assert first["state_label"] == "Chờ duyệt" and first["score"] == 100.0
    assert first["grade"] == "htxs" and first["grade_short"] == "HTXS"
    page = leader.get(month_path(tree.ward_a, month), limit=1, offset=1).json()
    assert [item["full_name"] for item in page["items"]] == ["Vũ Minh Khoa"]
    submitted = leader.get(month_path(tree.ward_a, month), state="submitted").json()
    assert [item["full_name"] for item in submitted["items"]] == ["Phạm Thu Hà"]


def test_list_query_count_does_not_grow(api, staff, users, month, tree, make_person,
                                        django_assert_max_num_queries):
    leader = api(users["leader"])
    for n in range(3):
        domain.sheet_for(make_person(f"Cán bộ {n}", tree.ward_a), month, users["leader"])
    with django_assert_max_num_queries(6) as few:
        assert leader.get(month_path(tree.ward_a, month)).json()["count"] == 3
    for n in range(3, 15):
        domain.sheet_for(make_person(f"Cán bộ {n}", tree.ward_a), month, users["leader"])
    with django_assert_max_num_queries(len(few)):
        assert leader.get(month_path(tree.ward_a, month)).json()["count"] == 15


def test_other_unit_is_404(api, users, month, tree, draft):
    other = api(users["other"])
    assert other.get(month_path(tree.ward_a, month)).status_code == 404
    assert other.get(f"/sheets/{draft.pk}").status_code == 404
    assert other.post(f"/sheets/{draft.pk}/tasks", GOOD_TASK).status_code == 404
    assert other.post(f"/sheets/{draft.pk}/transitions",
                      {"transition": "submit"}).status_code == 404
    task = draft.tasks.get()
    assert other.delete(f"/sheets/{draft.pk}/tasks/{task.pk}").status_code == 404
    assert other.post(month_path(tree.ward_a, month),
                      {"person": draft.person_id}).status_code == 404
    assert Task.objects.filter(sheet=draft).count() == 1


def test_staff_sees_his_own_sheet_only(api, staff, users, month, tree, draft):
    clerk = domain.sheet_for(staff.clerk, month, users["leader"])
    mine = api(users["staff"])
    listed = mine.get(month_path(tree.ward_a, month)).json()
    assert [item["id"] for item in listed["items"]] == [draft.pk]
    assert mine.get(f"/sheets/{draft.pk}").status_code == 200
    assert mine.get(f"/sheets/{clerk.pk}").status_code == 404


def test_sheet_shows_tasks_score_grade_and_breakdown(api, users, draft):
    body = api(users["leader"]).get(f"/sheets/{draft.pk}").json()
    assert body["score"] == 100.0 and body["grade"] == "htxs" and not body["locked"]
    assert body["grade_label"] == "Hoàn thành xuất sắc nhiệm vụ"
    assert [t["name"] for t in body["tasks"]] == [GOOD_TASK["name"]]
    assert body["self_general"] == dict.fromkeys(FULL_MARKS, 6.0)
    lines = {line["label"]: line["value"] for line in body["breakdown"]["lines"]}
    assert lines["Chính trị, tư tưởng"] == 6.0 and lines["Tổng điểm"] == 100.0
    result = body["breakdown"]["task_results"][0]
    assert result["task_id"] == body["tasks"][0]["id"] and result["quantity"] == 100.0
    assert [c["code"] for c in body["criteria"]] == list(FULL_MARKS)
    # the actions the caller may take now: a draft is sent by its owner or a leader
    assert [t["name"] for t in body["transitions"]] == ["submit"]
    assert api(users["observer"]).get(f"/sheets/{draft.pk}").json()["transitions"] == []


def test_bad_month_is_422(api, users, tree):
    response = api(users["leader"]).get(f"/units/{tree.ward_a.pk}/months/2026-13/sheets")
    assert response.status_code == 422
    assert "không hợp lệ" in response.json()["detail"]


# --- writes ---------------------------------------------------------------------------------

def test_owner_adds_replaces_and_deletes_tasks(api, users, draft):
    owner = api(users["staff"])
    response = owner.post(f"/sheets/{draft.pk}/tasks",
                          {**GOOD_TASK, "name": "Báo cáo", "assigned": 4, "done": 2,
                           "meeting": 2, "on_time": 2})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["score"] == 82.5 and body["grade"] == "htt"
    added = next(t for t in body["tasks"] if t["name"] == "Báo cáo")
    response = owner.put(f"/sheets/{draft.pk}/tasks/{added['id']}",
                         {**GOOD_TASK, "name": "Báo cáo quý", "assigned": 4, "done": 4,
                          "meeting": 4, "on_time": 4})
    assert response.status_code == 200 and response.json()["score"] == 100.0
    assert Task.objects.get(pk=added["id"]).name == "Báo cáo quý"
    response = owner.delete(f"/sheets/{draft.pk}/tasks/{added['id']}")
    assert response.status_code == 200
    assert [t["name"] for t in response.json()["tasks"]] == [GOOD_TASK["name"]]


def test_impossible_figures_are_422_naming_the_field(api, users, draft):
    owner = api(users["staff"])
    response = owner.post(f"/sheets/{draft.pk}/tasks", {**GOOD_TASK, "done": 11})
    assert response.status_code == 422
    body = response.json()
    assert set(body["errors"]) == {"done"}
    assert "Số lượng hoàn thành (11) không thể lớn hơn số lượng giao (10)" in body["detail"]
    response = owner.post(f"/sheets/{draft.pk}/tasks", {**GOOD_TASK, "major_errors": -1})
    assert response.status_code == 422
    assert response.json()["errors"]["major_errors"][0].startswith("Số lỗi lớn")
    response = owner.put(f"/sheets/{draft.pk}/general", {"scores": {"dao_duc": 7}})
    assert response.status_code == 422
    assert "Đạo đức, lối sống" in response.json()["detail"]
    assert "dao_duc" in response.json()["errors"]
    response = owner.post(f"/sheets/{draft.pk}/tasks", {**GOOD_TASK, "assigned": "mười"})
    assert response.status_code == 422 and response.json()["detail"] == "Tham số không hợp lệ."
    assert draft.tasks.count() == 1


def test_task_of_another_sheet_is_404(api, staff, users, month, draft):
    clerk = domain.sheet_for(staff.clerk, month, users["leader"])
    domain.save_task(clerk, users["leader"], GOOD_TASK)
    other_task = clerk.tasks.get()
    response = api(users["staff"]).put(f"/sheets/{draft.pk}/tasks/{other_task.pk}", GOOD_TASK)
    assert response.status_code == 404


def test_leader_creates_a_sheet_and_sets_general_scores(api, staff, users, month, tree, people):
    leader = api(users["leader"])
    response = leader.post(month_path(tree.ward_a, month), {"person": staff.clerk.pk})
    assert response.status_code == 200, response.content
    sheet_id = response.json()["id"]
    assert MonthSheet.objects.get(pk=sheet_id).person == staff.clerk
    # someone of a cell is not graded by the ward
    assert leader.post(month_path(tree.ward_a, month),
                       {"person": people["a1"].pk}).status_code == 404
    response = leader.put(f"/sheets/{sheet_id}/general",
                          {"scores": {"chinh_tri": "5,5", "dao_duc": 6}, "comment": "Tốt"})
    assert response.status_code == 200, response.content
    assert response.json()["review_general"] == {"chinh_tri": 5.5, "dao_duc": 6.0}


def test_review_cycle_and_who_may_do_it(api, users, draft):
    owner, leader = api(users["staff"]), api(users["leader"])
    path = f"/sheets/{draft.pk}/transitions"
    assert owner.post(path, {"transition": "submit"}).json()["state"] == "submitted"
    response = owner.post(path, {"transition": "finalise"})
    assert response.status_code == 403
    assert "không có quyền" in response.json()["detail"]
    response = leader.post(path, {"transition": "return"})
    assert response.status_code == 422 and "lý do" in response.json()["detail"]
    # a leader changing a sent sheet must say why
    response = leader.post(f"/sheets/{draft.pk}/tasks", {**GOOD_TASK, "name": "Bổ sung"})
    assert response.status_code == 422 and "reason" in response.json()["errors"]
    response = leader.post(f"/sheets/{draft.pk}/tasks",
                           {**GOOD_TASK, "name": "Bổ sung", "reason": "Giao thêm"})
    assert response.status_code == 200
    assert Adjustment.objects.filter(sheet=draft, reason="Giao thêm").exists()
    response = leader.post(path, {"transition": "finalise"})
    assert response.status_code == 200 and response.json()["state"] == "finalised"
    response = api(users["observer"]).post(path, {"transition": "reopen", "reason": "Xem lại"})
    assert response.status_code == 403
    response = leader.post(path, {"transition": "reopen", "reason": "Xem lại"})
    assert response.json()["state"] == "submitted"
    assert owner.post(path, {"transition": "sign"}).status_code == 422  # not a transition


def test_observer_may_read_but_not_write(api, users, draft):
    observer = api(users["observer"])
    assert observer.get(f"/sheets/{draft.pk}").status_code == 200
    response = observer.post(f"/sheets/{draft.pk}/tasks", GOOD_TASK)
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không có quyền sửa phiếu này."


def test_locked_month_refuses_every_write(api, staff, users, month, tree, draft):
    task = draft.tasks.get()
    UnitMonth.objects.create(unit=tree.ward_a, month=month, state="closed")
    owner, leader = api(users["staff"]), api(users["leader"])
    sheet = f"/sheets/{draft.pk}"
    answers = [
        owner.post(f"{sheet}/tasks", GOOD_TASK),
        owner.put(f"{sheet}/tasks/{task.pk}", {**GOOD_TASK, "done": 1}),
        owner.delete(f"{sheet}/tasks/{task.pk}"),
        owner.put(f"{sheet}/general", {"scores": {"chinh_tri": 1}}),
        leader.put(f"{sheet}/general", {"scores": {"chinh_tri": 1}}),
    ]
    for response in answers:
        assert response.status_code == 403, response.content
        assert "đã khóa sổ" in response.json()["detail"]
    response = owner.post(f"{sheet}/transitions", {"transition": "submit"})
    assert response.status_code == 422 and "khóa sổ" in response.json()["detail"]
    response = leader.post(month_path(tree.ward_a, month), {"person": staff.clerk.pk})
    assert response.status_code == 422 and "khóa sổ" in response.json()["detail"]
    assert api(users["leader"]).get(sheet).json()["locked"] is True
    draft.refresh_from_db()
    assert draft.state == "draft" and draft.score == 100
    assert list(draft.tasks.values_list("done", flat=True)) == [10]
    assert draft.self_general == FULL_MARKS
    assert not MonthSheet.objects.filter(person=staff.clerk).exists()


def test_no_token_is_401(client, draft):
    assert client.get(f"{API}/kpi/sheets/{draft.pk}").status_code == 401
