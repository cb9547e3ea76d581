"""Registration screens: opening, commitments, submitting, the board, review, reminders.

Ward A's movement (tests/movements/conftest.py) covers cells PAB-CB1 and PAB-CB2; the
cells' own users are made here.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.core.models import Notification
from thidua.movements import domain
from thidua.movements.engine import Dashboard
from thidua.movements.models import Commitment, Milestone, Movement, Registration

from .test_views_movements import as_user, d, page, url


@pytest.fixture
def cells(tree, make_user):
    """The secretariat of cell 1 and the leader (bí thư) of cell 2."""
    return {
        "cb1": make_user("vanphong_cb1", "secretariat", tree.cell_a1, email="cb1@example.vn"),
        "cb2": make_user("bithu_cb2", "leader", tree.cell_a2),
    }


def start(client, user, movement, **data):
    return as_user(client, user).post(url("registration_start", movement.pk), data)


def open_registration(client, user, movement, unit) -> Registration:
    response = start(client, user, movement, unit=unit.pk)
    assert response.status_code == 302, response
    return Registration.objects.get(movement=movement, unit=unit, person__isnull=True)


def commit(client, registration, action="save", **rows):
    """POST the commitments form; ``rows`` like ``content_<pk>_text="..."``."""
    return client.post(url("registration_detail", registration.pk), {"action": action, **rows})


def submitted(client, user, movement, unit) -> Registration:
    registration = open_registration(client, user, movement, unit)
    content = movement.contents.first()
    commit(client, registration, "submit", **{f"content_{content.pk}_text": "Không có đảng viên vi phạm"})
    registration.refresh_from_db()
    assert registration.state == "submitted"
    return registration


# Opening -------------------------------------------------------------------------------------
def test_cell_opens_its_registration_and_twice_is_refused(client, launched, tree, cells):
    html = page(as_user(client, cells["cb1"]).get(url("registration_start", launched.pk)))
    assert "Chi bộ Tổ dân phố 1" in html and "Chi bộ Tổ dân phố 2" not in html
    registration = open_registration(client, cells["cb1"], launched, tree.cell_a1)
    assert registration.state == "draft" and registration.created_by == cells["cb1"]
    response = start(client, cells["cb1"], launched, unit=tree.cell_a1.pk)
    assert response.status_code == 302
    followed = as_user(client, cells["cb1"]).get(response["Location"])
    assert "Chi bộ Tổ dân phố 1 đã đăng ký phong trào này rồi." in page(followed)
    assert Registration.objects.filter(movement=launched).count() == 1


def test_ward_registers_a_cell_by_code_but_not_outside_or_non_participants(client, launched, users,
                                                                        tree):
    c = as_user(client, users["secretariat"])
    assert "Đăng ký thay cho một đơn vị cấp dưới" in page(c.get(url("registration_start", launched.pk)))
    assert start(client, users["secretariat"], launched, unit_code="pab-cb2").status_code == 302
    assert Registration.objects.filter(unit=tree.cell_a2).exists()
    for code in ("XBM-CB1", "PAB"):  # another ward's cell; the ward is not a participant kind
        response = c.post(url("registration_start", launched.pk), {"unit_code": code}, follow=True)
        assert f"Không tìm thấy đơn vị có mã “{code}”" in page(response)
    assert Registration.objects.count() == 1


def test_no_registration_on_a_draft_or_for_users_without_the_right(client, movement, users, tree,
                                                                   cells):
    start(client, cells["cb1"], movement, unit=tree.cell_a1.pk)  # draft: not even visible
    assert not Registration.objects.exists()
    domain.launch(users["secretariat"], movement)
    for role in ("observer", "staff"):
        response = start(client, users[role], movement, unit=tree.cell_a1.pk)
        assert response.status_code in (302, 404)
    assert not Registration.objects.exists()
    html = page(as_user(client, users["observer"]).get(url("registration_start", movement.pk)))
    assert "Bạn không có quyền đăng ký thi đua cho đơn vị nào" in html


def test_person_registers_himself(client, launched, users, people, tree):
    person = people["a1"]  # công chức of cell 1
    person.user = users["staff"]
    person.save()
    response = start(client, users["staff"], launched, for_self="1")
    registration = Registration.objects.get(person=person)
    assert response["Location"] == url("registration_detail", registration.pk)
    assert registration.unit == tree.cell_a1
    assert as_user(client, users["staff"]).get(response["Location"]).status_code == 200
    again = start(client, users["staff"], launched, for_self="1")
    assert "Nguyễn Văn An đã đăng ký phong trào này rồi." in page(
        as_user(client, users["staff"]).get(again["Location"]))


def test_person_outside_the_staff_categories_is_refused(client, launched, users, people):
    launched.staff_categories = ["can_bo"]
    launched.save()
    people["a1"].user = users["staff"]
    people["a1"].save()
    response = as_user(client, users["staff"]).post(url("registration_start", launched.pk),
                                                     {"for_self": "1"}, follow=True)
    assert "Phong trào không dành cho đối tượng “Công chức”." in page(response)
    assert not Registration.objects.exists()


# Commitments and submitting ------------------------------------------------------------------
def test_commitments_then_submit(client, launched, tree, cells):
    registration = open_registration(client, cells["cb1"], launched, tree.cell_a1)
    content, target = launched.contents.first(), launched.targets.first()
    response = commit(client, registration, "submit")
    assert "Hãy ghi ít nhất một nội dung đăng ký" in page(client.get(response["Location"]))
    response = commit(client, registration, "save", **{f"target_{target.pk}_number": "3"})
    assert "Hãy ghi nội dung cam kết cho số lượng này" in page(response)
    commit(client, registration, "save", **{
        f"content_{content.pk}_text": "100% đảng viên học tập nghị quyết",
        f"target_{target.pk}_text": "Xây dựng mô hình dân vận khéo", f"target_{target.pk}_number": "2",
        "note": "Chi bộ cam kết"})
    rows = {(c.content_id, c.target_id): c for c in registration.commitments.all()}
    assert rows[(None, target.pk)].number == Decimal(2) and len(rows) == 2
    registration.refresh_from_db()
    assert registration.state == "draft" and registration.note == "Chi bộ cam kết"
    commit(client, registration, "submit", **{f"content_{content.pk}_text": "Giữ vững"})
    registration.refresh_from_db()
    assert registration.state == "submitted" and not registration.is_late
    assert registration.commitments.get().text == "Giữ vững"
    response = commit(client, registration, "save", **{f"content_{content.pk}_text": "Sửa sau khi gửi"})
    assert "không sửa được nữa" in page(client.get(response["Location"]))
    assert registration.commitments.get().text == "Giữ vững"


def test_late_registration_is_accepted_and_marked(client, launched, tree, cells, today):
    Milestone.objects.filter(movement=launched, kind="registration").update(
        due_on=today - timedelta(days=1))
    html = page(as_user(client, cells["cb1"]).get(url("registration_start", launched.pk)))
    assert "Đã quá hạn: đăng ký vẫn được nhận" in html
    registration = submitted(client, cells["cb1"], launched, tree.cell_a1)
    assert registration.is_late
    assert "Đăng ký muộn" in page(client.get(url("registration_detail", registration.pk)))


def test_closed_movement_refuses_commitments(client, launched, users, tree, cells):
    registration = open_registration(client, cells["cb1"], launched, tree.cell_a1)
    domain.close(users["secretariat"], launched)
    content = launched.contents.first()
    response = commit(as_user(client, cells["cb1"]), registration, "save",
                      **{f"content_{content.pk}_text": "Muộn quá"})
    assert "không sửa được nữa" in page(client.get(response["Location"]))
    assert not Commitment.objects.exists()


# Reaching a registration ------------------------------------------------------------------------
def test_other_units_get_404_on_a_registration(client, launched, users, tree, cells):
    registration = open_registration(client, cells["cb1"], launched, tree.cell_a1)
    for user in (users["other"], users["norole"], cells["cb2"]):
        c = as_user(client, user)
        assert c.get(url("registration_detail", registration.pk)).status_code == 404
        assert c.post(url("registration_detail", registration.pk), {"action": "save"}).status_code == 404
        assert c.post(url("registration_review", registration.pk),
                      {"decision": "accept"}).status_code == 404
    for name in ("registration_start", "registration_board", "registration_remind"):
        assert as_user(client, users["other"]).get(url(name, launched.pk)).status_code == 404
        assert as_user(client, users["norole"]).get(url(name, launched.pk)).status_code == 404


# Review ------------------------------------------------------------------------------------------
def test_ward_accepts_and_returns_with_a_reason(client, launched, users, tree, cells):
    first = submitted(client, cells["cb1"], launched, tree.cell_a1)
    second = submitted(client, cells["cb2"], launched, tree.cell_a2)
    ward = as_user(client, users["secretariat"])
    html = page(ward.get(url("registration_detail", first.pk)))
    assert "Chấp nhận" in html and "Trả lại" in html
    ward.post(url("registration_review", first.pk), {"decision": "accept"})
    first.refresh_from_db()
    assert first.state == "accepted" and first.accepted_at is not None

    response = ward.post(url("registration_review", second.pk), {"decision": "return", "reason": " "},
                         follow=True)
    assert "Cần ghi rõ lý do khi trả lại" in page(response)
    second.refresh_from_db()
    assert second.state == "submitted"
    ward.post(url("registration_review", second.pk),
              {"decision": "return", "reason": "Thiếu chỉ tiêu về mô hình"})
    second.refresh_from_db()
    assert second.state == "returned"
    notice = Notification.objects.get(user=cells["cb2"])
    assert "bị trả lại" in notice.title and "Thiếu chỉ tiêu về mô hình" in notice.body
    html = page(as_user(client, cells["cb2"]).get(url("registration_detail", second.pk)))
    assert "Lý do: Thiếu chỉ tiêu về mô hình" in html and "Gửi đăng ký" in html


def test_a_unit_does_not_accept_its_own_registration(client, launched, tree, cells):
    registration = submitted(client, cells["cb1"], launched, tree.cell_a1)
    c = as_user(client, cells["cb1"])
    assert "Xét duyệt bản đăng ký" not in page(c.get(url("registration_detail", registration.pk)))
    response = c.post(url("registration_review", registration.pk), {"decision": "accept"}, follow=True)
    assert "do cấp trên của đơn vị đó xét duyệt" in page(response)
    registration.refresh_from_db()
    assert registration.state == "submitted"


def test_observer_and_leader_cannot_review(client, launched, users, tree, cells):
    registration = submitted(client, cells["cb1"], launched, tree.cell_a1)
    for role in ("observer", "leader"):
        c = as_user(client, users[role])
        assert "Xét duyệt bản đăng ký" not in page(c.get(url("registration_detail", registration.pk)))
        response = c.post(url("registration_review", registration.pk), {"decision": "accept"},
                          follow=True)
        assert "Bạn không có quyền “chấp nhận” hồ sơ này." in page(response)
        c.post(url("registration_detail", registration.pk), {"action": "save"})
    registration.refresh_from_db()
    assert registration.state == "submitted"


def test_no_review_once_the_movement_is_closed(client, launched, users, tree, cells):
    registration = submitted(client, cells["cb1"], launched, tree.cell_a1)
    domain.close(users["secretariat"], launched)
    c = as_user(client, users["secretariat"])
    assert "Xét duyệt bản đăng ký" not in page(c.get(url("registration_detail", registration.pk)))
    response = c.post(url("registration_review", registration.pk), {"decision": "accept"},
                      follow=True)
    assert "Phong trào đã kết thúc" in page(response)
    registration.refresh_from_db()
    assert registration.state == "submitted"


# The board -------------------------------------------------------------------------------------
def test_board_shows_every_participating_unit_with_its_status(client, launched, users, tree, cells):
    submitted(client, cells["cb1"], launched, tree.cell_a1)
    c = as_user(client, users["secretariat"])
    response = c.get(url("registration_board", launched.pk))
    rows = {row["code"]: row["status_label"] for row in response.context["page_obj"]}
    assert rows == {"PAB-CB1": "Đã gửi", "PAB-CB2": "Chưa đăng ký"}
    assert response.context["summary"]["total"] == 2 and response.context["summary"]["none"] == 1
    assert "Nhắc các đơn vị chưa đăng ký" in page(response)
    only_missing = c.get(url("registration_board", launched.pk), {"status": "none"})
    assert [row["code"] for row in only_missing.context["page_obj"]] == ["PAB-CB2"]
    by_name = c.get(url("registration_board", launched.pk), {"q": "to dan pho 1"})
    assert [row["code"] for row in by_name.context["page_obj"]] == ["PAB-CB1"]


def test_board_for_readers_only(client, launched, users, tree, cells):
    observer = page(as_user(client, users["observer"]).get(url("registration_board", launched.pk)))
    assert "Chi bộ Tổ dân phố 1" in observer and "Nhắc các đơn vị" not in observer
    assert as_user(client, users["observer"]).post(
        url("registration_remind", launched.pk)).status_code == 403
    assert as_user(client, users["staff"]).get(url("registration_board", launched.pk)).status_code == 403
    cell = as_user(client, cells["cb2"]).get(url("registration_board", launched.pk))
    assert [row["code"] for row in cell.context["page_obj"]] == ["PAB-CB2"]


def test_board_lists_personal_registrations(client, launched, users, people):
    people["a1"].user = users["staff"]
    people["a1"].save()
    start(client, users["staff"], launched, for_self="1")
    response = as_user(client, users["secretariat"]).get(url("registration_board", launched.pk),
                                                         {"xem": "ca-nhan", "q": "nguyen van"})
    assert [r.person.full_name for r in response.context["page_obj"]] == ["Nguyễn Văn An"]


def _board_queries(client, movement):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("registration_board", movement.pk)).status_code == 200
    return len(queries)


def test_board_query_count_does_not_grow(client, launched, users, tree, make_unit,
                                         django_assert_max_num_queries):
    c = as_user(client, users["secretariat"])
    _board_queries(c, launched)
    small = _board_queries(c, launched)
    for i in range(20):
        unit = make_unit(f"Chi bộ mới {i}", tree.ward_a, code=f"PAB-N{i}")
        if i % 2:
            Registration.objects.create(movement=launched, unit=unit, state="submitted", is_late=True)
    assert _board_queries(c, launched) == small
    with django_assert_max_num_queries(10):
        c.get(url("registration_board", launched.pk))


# Reminders --------------------------------------------------------------------------------------
def test_remind_missing_units_once_a_day(client, launched, users, tree, cells, today, mailoutbox):
    submitted(client, cells["cb1"], launched, tree.cell_a1)
    c = as_user(client, users["secretariat"])
    html = page(c.get(url("registration_remind", launched.pk)))
    assert "Chi bộ Tổ dân phố 2" in html and "bithu_cb2" in html
    assert "Chi bộ Tổ dân phố 1 " not in html
    assert not Notification.objects.exists()  # the GET only asks
    response = c.post(url("registration_remind", launched.pk), follow=True)
    assert "Đã gửi 1 thông báo nhắc" in page(response)
    notice = Notification.objects.get()
    assert notice.user == cells["cb2"]
    assert notice.key == f"remind-registration:{launched.pk}:{tree.cell_a2.pk}:{today}"
    assert "Chi bộ Tổ dân phố 2 chưa gửi đăng ký" in notice.body
    response = c.post(url("registration_remind", launched.pk), follow=True)
    assert "Không có thông báo mới" in page(response)
    assert Notification.objects.count() == 1


# The whole path -----------------------------------------------------------------------------
def test_create_target_launch_register_submit_accept_moves_the_dashboard(client, users, tree, kinds,
                                                                        cells, today):
    ward = as_user(client, users["secretariat"])
    ward.post(url("create"), {
        "number": "167", "symbol": "KH/ĐU", "issued_on": d(today), "issuing_unit_code": "PAB",
        "title": "Năm nâng cao chất lượng cán bộ cơ sở", "starts_on": d(today),
        "ends_on": d(today + timedelta(days=200)), "participant_kinds": [kinds["chi_bo"].pk],
        "staff_categories": ["cong_chuc"]})
    movement = Movement.objects.get(number="167")
    ward.post(url("content_add", movement.pk), {"title": "Nâng cao chất lượng sinh hoạt chi bộ"})
    ward.post(url("milestone_add", movement.pk), {
        "kind": "registration", "title": "Các chi bộ đăng ký thi đua",
        "due_on": d(today + timedelta(days=15)), "actor": "Các chi bộ trực thuộc"})
    ward.post(url("target_add", movement.pk), {
        "wording": "100% chi bộ trực thuộc đăng ký nội dung thi đua", "indicator": "units_registered",
        "comparator": "gte", "goal": "100", "deadline": d(today + timedelta(days=15)),
        "accepted_only": "on"})
    ward.post(url("launch", movement.pk))
    movement.refresh_from_db()
    assert movement.state == "launched"
    target = movement.targets.get()
    assert Dashboard(movement, tree.ward_a).row(target).value == Decimal("0.00")

    registration = submitted(client, cells["cb1"], movement, tree.cell_a1)
    assert Dashboard(movement, tree.ward_a).row(target).value == Decimal("0.00")  # not accepted yet
    as_user(client, users["secretariat"]).post(url("registration_review", registration.pk),
                                               {"decision": "accept"})
    row = Dashboard(movement, tree.ward_a).row(target)
    assert row.value == Decimal("50.00") and row.status == "behind"
    assert Notification.objects.filter(user=cells["cb1"], title__contains="được chấp nhận").exists()
