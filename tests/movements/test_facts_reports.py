"""Unit reports (báo cáo sơ kết, tổng kết): what a unit owes, submitting, the milestone board."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.movements.conftest import as_user
from thidua.core.models import Notification
from thidua.movements.models import Milestone, Movement, UnitReport

PDF = b"%PDF-1.7\nbao cao tong ket\n"


@pytest.fixture
def cell_leader(make_user, tree):
    return make_user("lanhdao_cb1", "leader", tree.cell_a1, email="cb1@example.vn")


@pytest.fixture
def milestone(launched):
    return launched.milestones.get(requires_report=True)


@pytest.fixture
def report_a1(milestone, tree):
    return UnitReport.objects.get(milestone=milestone, unit=tree.cell_a1)


def board_url(milestone):
    return reverse("movements:report_board", args=[milestone.movement_id, milestone.pk])


def test_a_cell_sees_what_it_owes_and_the_ward_sees_its_cells(client, cell_leader, users,
                                                              report_a1):
    url = reverse("movements:report_owed")
    page = as_user(client, cell_leader).get(url)
    assert [r.unit.code for r in page.context["page_obj"]] == ["PAB-CB1"]
    row = page.context["page_obj"][0]
    assert row.status.label == "Chưa nộp" and row.can_submit
    assert report_a1.milestone.due_on.strftime("%d/%m/%Y") in page.content.decode()

    ward = as_user(client, users["secretariat"]).get(url)
    assert {r.unit.code for r in ward.context["page_obj"]} == {"PAB-CB1", "PAB-CB2"}
    observer = as_user(client, users["observer"]).get(url)
    assert all(not r.can_submit for r in observer.context["page_obj"])
    assert as_user(client, users["other"]).get(url).context["page_obj"].paginator.count == 0
    for name in ("norole", "staff"):
        assert as_user(client, users[name]).get(url).status_code == 403


def test_submit_by_text_is_on_time(client, cell_leader, report_a1):
    c = as_user(client, cell_leader)
    url = reverse("movements:report_submit", args=[report_a1.pk])
    assert c.get(url).status_code == 200
    response = c.post(url, {"text": "Chi bộ đã hoàn thành 100% chỉ tiêu."}, follow=True)
    assert "(đúng hạn)" in response.content.decode()
    report_a1.refresh_from_db()
    assert report_a1.on_time and report_a1.submitted_by == cell_leader
    owed = c.get(reverse("movements:report_owed"))
    assert owed.context["page_obj"].paginator.count == 0  # nothing left to send
    sent = c.get(reverse("movements:report_owed"), {"status": "da_nop"})
    assert sent.context["page_obj"][0].status.label == "Nộp đúng hạn"


def test_an_empty_report_is_refused(client, cell_leader, report_a1):
    response = as_user(client, cell_leader).post(
        reverse("movements:report_submit", args=[report_a1.pk]), {"text": "   "})
    assert "Báo cáo đang trống: hãy viết nội dung báo cáo hoặc đính kèm tệp báo cáo" in \
        response.content.decode()
    report_a1.refresh_from_db()
    assert report_a1.submitted_at is None


def test_submit_a_file_and_download_it_through_the_scope(client, cell_leader, users, report_a1):
    c = as_user(client, cell_leader)
    upload = SimpleUploadedFile("Báo cáo tổng kết.pdf", PDF, content_type="application/pdf")
    c.post(reverse("movements:report_submit", args=[report_a1.pk]), {"file": upload})
    report_a1.refresh_from_db()
    assert report_a1.file and report_a1.submitted_at
    file_url = reverse("movements:report_file", args=[report_a1.pk])
    download = as_user(client, users["secretariat"]).get(file_url)
    assert b"".join(download.streaming_content) == PDF
    detail = reverse("movements:report_detail", args=[report_a1.pk])
    assert as_user(client, users["observer"]).get(detail).status_code == 200
    for name in ("other", "norole", "staff"):
        assert as_user(client, users[name]).get(file_url).status_code == 404, name
        assert as_user(client, users[name]).get(detail).status_code == 404, name


def test_a_bad_file_is_refused(client, cell_leader, report_a1):
    upload = SimpleUploadedFile("bao-cao.docx", b"not a zip at all")
    response = as_user(client, cell_leader).post(
        reverse("movements:report_submit", args=[report_a1.pk]), {"file": upload})
    assert "không phải tệp .docx hợp lệ" in response.content.decode()


def test_others_cannot_submit(client, users, report_a1, make_user, tree):
    url = reverse("movements:report_submit", args=[report_a1.pk])
    cell_a2_leader = make_user("lanhdao_cb2", "leader", tree.cell_a2)
    for user in (users["observer"], users["other"], users["norole"], users["staff"],
                 cell_a2_leader):
        c = as_user(client, user)
        assert c.get(url).status_code == 404, user
        assert c.post(url, {"text": "Báo cáo"}).status_code == 404, user
    report_a1.refresh_from_db()
    assert report_a1.submitted_at is None


def test_late_submission_and_closed_movement(client, cell_leader, report_a1, milestone, today):
    Milestone.objects.filter(pk=milestone.pk).update(due_on=today - timedelta(days=3))
    c = as_user(client, cell_leader)
    url = reverse("movements:report_submit", args=[report_a1.pk])
    assert "báo cáo nộp hôm nay được tính là nộp muộn" in c.get(url).content.decode()
    response = c.post(url, {"text": "Báo cáo muộn"}, follow=True)
    assert "muộn 3 ngày so với hạn" in response.content.decode()
    report_a1.refresh_from_db()
    assert report_a1.on_time is False

    Movement.objects.filter(pk=milestone.movement_id).update(state="closed")
    response = c.post(url, {"text": "Sửa lại"}, follow=True)
    assert "Phong trào đã kết thúc: không thể sửa" in response.content.decode()
    report_a1.refresh_from_db()
    assert report_a1.text == "Báo cáo muộn"


def test_board_counts_statuses_and_highlights_overdue(client, users, milestone, tree, today):
    now = timezone.now()
    UnitReport.objects.filter(milestone=milestone, unit=tree.cell_a1).update(
        submitted_at=now, text="x")
    c = as_user(client, users["secretariat"])
    page = c.get(board_url(milestone))
    assert page.context["counts"] == {"total": 2, "pending": 1, "on_time": 1, "late": 0}
    assert 'class="table-danger"' not in page.content.decode()  # not yet due

    Milestone.objects.filter(pk=milestone.pk).update(due_on=today - timedelta(days=1))
    page = c.get(board_url(milestone))
    assert page.context["counts"] == {"total": 2, "pending": 1, "on_time": 0, "late": 1}
    html = page.content.decode()
    assert 'class="table-danger"' in html and "Quá hạn, chưa nộp" in html
    statuses = {r.unit.code: r.status.label for r in page.context["page_obj"]}
    assert statuses == {"PAB-CB1": "Nộp muộn", "PAB-CB2": "Quá hạn, chưa nộp"}
    only = c.get(board_url(milestone), {"status": "qua_han"}).context["page_obj"]
    assert [r.unit.code for r in only] == ["PAB-CB2"]
    only = c.get(board_url(milestone), {"status": "muon"}).context["page_obj"]
    assert [r.unit.code for r in only] == ["PAB-CB1"]

    milestones = c.get(reverse("movements:report_milestones", args=[milestone.movement_id]))
    row = milestones.context["milestones"][0]
    assert (row.total, row.submitted, row.on_time, row.missing) == (2, 1, 0, 1)


def test_board_query_count_does_not_grow_with_units(client, users, milestone, tree, make_unit):
    c = as_user(client, users["secretariat"])
    c.get(board_url(milestone))
    with CaptureQueriesContext(connection) as few:
        c.get(board_url(milestone))
    for i in range(20):
        unit = make_unit(f"Chi bộ mới {i}", tree.ward_a, code=f"PAB-N{i}")
        UnitReport.objects.create(milestone=milestone, unit=unit,
                                  submitted_at=timezone.now() if i % 2 else None)
    with CaptureQueriesContext(connection) as many:
        response = c.get(board_url(milestone))
    assert len(response.context["page_obj"]) == 22
    assert len(many) == len(few) <= 10


def test_owed_list_query_count_does_not_grow_with_reports(client, users, milestone, tree,
                                                          make_unit):
    c = as_user(client, users["secretariat"])
    url = reverse("movements:report_owed")
    c.get(url)
    with CaptureQueriesContext(connection) as few:
        c.get(url)
    for i in range(20):
        unit = make_unit(f"Chi bộ mới {i}", tree.ward_a, code=f"PAB-N{i}")
        UnitReport.objects.create(milestone=milestone, unit=unit)
    with CaptureQueriesContext(connection) as many:
        response = c.get(url)
    assert response.context["page_obj"].paginator.count == 22
    assert len(many) == len(few) <= 8


def test_board_is_for_the_movement_readers_only(client, users, milestone, cell_leader):
    assert as_user(client, users["observer"]).get(board_url(milestone)).status_code == 200
    for user in (cell_leader, users["other"], users["norole"], users["staff"]):
        assert as_user(client, user).get(board_url(milestone)).status_code == 404, user
        milestones = reverse("movements:report_milestones", args=[milestone.movement_id])
        assert as_user(client, user).get(milestones).status_code == 404, user
    registration = milestone.movement.milestones.get(kind="registration")
    assert as_user(client, users["secretariat"]).get(
        board_url(registration)).status_code == 404  # no reports asked


def test_the_secretariat_reminds_from_the_board(client, users, milestone, cell_leader):
    url = reverse("movements:report_remind", args=[milestone.movement_id, milestone.pk])
    assert as_user(client, users["observer"]).post(url).status_code == 404
    c = as_user(client, users["secretariat"])
    assert c.get(board_url(milestone)).context["can_remind"]
    response = c.post(url, follow=True)
    assert "Đã gửi nhắc nhở tới 1 người phụ trách của 2 đơn vị chưa nộp báo cáo" in \
        response.content.decode()
    response = c.post(url, follow=True)
    assert "Hôm nay các đơn vị này đã được nhắc; không gửi lại" in response.content.decode()
    assert Notification.objects.filter(user=cell_leader).count() == 1
