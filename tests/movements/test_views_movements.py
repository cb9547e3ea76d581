"""Movement screens: list, create/edit, the plan's page, its parts, launch/close/reopen.

Fixtures: tests/conftest.py (two wards, one user per role on ward A) and
tests/movements/conftest.py (a draft movement of ward A, ``launched``).
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.movements.conftest import as_user
from thidua.movements import domain
from thidua.movements.models import (
    Attachment,
    Content,
    Milestone,
    Movement,
    Registration,
    Target,
    UnitReport,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def d(day) -> str:
    return day.strftime("%d/%m/%Y")


def url(name, *args):
    return reverse(f"movements:{name}", args=args)


def page(response) -> str:
    return response.content.decode()


def movement_data(today, **changes):
    data = {
        "number": "26", "symbol": "kh/đu", "issued_on": d(today),
        "issuing_unit_code": "PAB", "title": "Mỗi đảng viên có ít nhất 01 sáng kiến mỗi năm",
        "theme": "Đổi mới, sáng tạo", "starts_on": d(today), "ends_on": d(today + timedelta(days=365)),
        "scope_unit_code": "", "staff_categories": ["can_bo", "cong_chuc"],
    }
    data.update(changes)
    return data


@pytest.fixture
def closed(launched, users):
    domain.close(users["secretariat"], launched)
    launched.refresh_from_db()
    return launched


# List ------------------------------------------------------------------------------------
def test_list_filters_by_state_and_title(client, movement, launched, users, tree, today):
    Movement.objects.create(number="5", symbol="KH/ĐU", issued_on=today, issuing_unit=tree.ward_a,
                            scope_unit=tree.ward_a, title="Dân vận khéo", starts_on=today,
                            ends_on=today + timedelta(days=30))
    c = as_user(client, users["secretariat"])
    assert len(c.get(url("list")).context["page_obj"]) == 2
    drafts = c.get(url("list"), {"state": "draft"}).context["page_obj"]
    assert [m.title for m in drafts] == ["Dân vận khéo"]
    found = c.get(url("list"), {"q": "CÁN BỘ CƠ SỞ"}).context["page_obj"]
    assert [m.pk for m in found] == [launched.pk]
    response = c.get(url("list"), {"q": "không có"})
    assert "Không có phong trào nào phù hợp" in page(response)
    assert 'href="/phong-trao/tao-moi/"' in page(response)


def test_list_shows_nothing_outside_the_scope(client, launched, users):
    assert len(as_user(client, users["other"]).get(url("list")).context["page_obj"]) == 0
    response = as_user(client, users["norole"]).get(url("list"))
    assert len(response.context["page_obj"]) == 0 and "tao-moi" not in page(response)


# Create and edit ---------------------------------------------------------------------------
def test_secretariat_creates_a_movement(client, users, tree, kinds, today):
    c = as_user(client, users["secretariat"])
    form = c.get(url("create")).context["form"]
    assert form.initial["issuing_unit_code"] == "PAB"
    response = c.post(url("create"), movement_data(today, participant_kinds=[kinds["chi_bo"].pk]))
    movement = Movement.objects.get(number="26")
    assert response.status_code == 302 and response["Location"] == url("detail", movement.pk)
    assert movement.document_number == "26-KH/ĐU"
    assert movement.issuing_unit == tree.ward_a and movement.scope_unit == tree.ward_a
    assert movement.state == "draft" and movement.created_by == users["secretariat"]
    assert movement.staff_categories == ["can_bo", "cong_chuc"]
    assert list(movement.participant_kinds.all()) == [kinds["chi_bo"]]
    html = page(c.get(url("detail", movement.pk)))
    assert "26-KH/ĐU" in html and f"ngày {d(today)}" in html


@pytest.mark.parametrize(("changes", "message"), [
    ({"symbol": "kh_du"}, "Ký hiệu văn bản không hợp lệ"),
    ({"number": "26a"}, "Số văn bản chỉ gồm chữ số"),
    ({"ends_on": "01/01/2020", "starts_on": "02/01/2020"}, "Ngày kết thúc phải sau ngày bắt đầu"),
    ({"issuing_unit_code": "PAB-CB1", "scope_unit_code": "PAB"},
     "Phạm vi phong trào phải là đơn vị ban hành hoặc một đơn vị cấp dưới"),
    ({"scope_unit_code": "XBM"}, "Không tìm thấy đơn vị phạm vi có mã “XBM”"),
    ({"issuing_unit_code": "XBM"}, "Không tìm thấy đơn vị ban hành có mã “XBM”"),
    ({"issued_on": "31/02/2026"}, "Nhập một ngày hợp lệ"),
])
def test_create_refuses_bad_input(client, users, tree, today, changes, message):
    response = as_user(client, users["secretariat"]).post(url("create"), movement_data(today, **changes))
    assert response.status_code == 200
    assert message in page(response), response.context["form"].errors
    assert not Movement.objects.exists()


def test_same_document_twice_is_refused(client, movement, users, today):
    data = movement_data(today, number="167", symbol="KH/ĐU", issued_on=d(movement.issued_on))
    response = as_user(client, users["secretariat"]).post(url("create"), data)
    assert "đã có văn bản số 167-KH/ĐU" in page(response)
    assert Movement.objects.count() == 1


@pytest.mark.parametrize("role", ["observer", "leader", "staff", "norole"])
def test_only_the_secretariat_or_admin_creates(client, users, today, role):
    c = as_user(client, users[role])
    assert c.get(url("create")).status_code == 403
    assert c.post(url("create"), movement_data(today)).status_code == 403
    assert not Movement.objects.exists()


def test_edit_movement_and_launched_keeps_issuer_and_scope(client, launched, users, tree, today):
    c = as_user(client, users["secretariat"])
    form = c.get(url("edit", launched.pk)).context["form"]
    assert form.fields["scope_unit_code"].disabled
    data = movement_data(today, number="167", symbol="KH/ĐU", title="Tên mới",
                         issued_on=d(launched.issued_on), scope_unit_code="PAB-CB1",
                         starts_on=d(launched.starts_on), ends_on=d(launched.ends_on))
    response = c.post(url("edit", launched.pk), data)
    assert response.status_code == 302
    launched.refresh_from_db()
    assert launched.title == "Tên mới" and launched.scope_unit == tree.ward_a


def test_closed_movement_refuses_every_change(client, closed, users, today, media):
    c = as_user(client, users["secretariat"])
    content = closed.contents.first()
    target = closed.targets.first()
    posts = [
        (url("edit", closed.pk), movement_data(today, title="Sửa lén")),
        (url("content_add", closed.pk), {"title": "Nội dung mới"}),
        (url("content_edit", closed.pk, content.pk), {"title": "Sửa"}),
        (url("content_delete", closed.pk, content.pk), {}),
        (url("target_delete", closed.pk, target.pk), {}),
        (url("milestone_add", closed.pk), {"kind": "other", "title": "x", "due_on": d(today)}),
        (url("attachment_upload", closed.pk), {"file": SimpleUploadedFile("k.pdf", PDF)}),
    ]
    for address, data in posts:
        response = c.post(address, data, follow=True)
        assert "Phong trào đã kết thúc: không thể sửa" in page(response), address
    closed.refresh_from_db()
    assert closed.title != "Sửa lén" and closed.contents.count() == 1
    assert closed.targets.count() == 2 and not Attachment.objects.exists()
    html = page(c.get(url("detail", closed.pk)))
    assert "Thêm nội dung" not in html and url("reopen", closed.pk) in html


# Who sees and changes what -----------------------------------------------------------------------
def _movement_urls(m):
    content, milestone, target = m.contents.first(), m.milestones.first(), m.targets.first()
    attachment = Attachment.objects.create(movement=m, title="Kế hoạch", file="movements/k.pdf")
    return [
        url("attachment_delete", m.pk, attachment.pk), url("attachment_download", m.pk, attachment.pk),
        url("detail", m.pk), url("edit", m.pk), url("launch", m.pk), url("close", m.pk),
        url("reopen", m.pk), url("content_add", m.pk), url("content_edit", m.pk, content.pk),
        url("content_delete", m.pk, content.pk), url("content_move", m.pk, content.pk),
        url("milestone_add", m.pk), url("milestone_edit", m.pk, milestone.pk),
        url("milestone_delete", m.pk, milestone.pk), url("target_add", m.pk),
        url("target_edit", m.pk, target.pk), url("target_delete", m.pk, target.pk),
        url("target_move", m.pk, target.pk), url("attachment_upload", m.pk),
    ]


@pytest.mark.parametrize("role", ["other", "norole"])
def test_another_units_user_gets_404_everywhere(client, movement, users, role):
    c = as_user(client, users[role])
    for address in _movement_urls(movement):
        assert c.get(address).status_code == 404, address
        assert c.post(address, {"title": "x", "reason": "x"}).status_code == 404, address


def test_a_cell_sees_the_launched_plan_but_not_the_draft(client, movement, users, tree, make_user):
    cell = as_user(client, make_user("vanphong_cb1", "secretariat", tree.cell_a1))
    assert cell.get(url("detail", movement.pk)).status_code == 404
    domain.launch(users["secretariat"], movement)
    response = cell.get(url("detail", movement.pk))
    assert response.status_code == 200 and "Sửa thông tin" not in page(response)
    assert cell.get(url("edit", movement.pk)).status_code == 403


def test_observer_reads_but_changes_nothing(client, movement, users):
    c = as_user(client, users["observer"])
    html = page(c.get(url("detail", movement.pk)))
    assert "Năm nâng cao chất lượng cán bộ cơ sở" in html
    assert "Phát động" not in html and "Thêm chỉ tiêu" not in html
    addresses = _movement_urls(movement)
    reading = {addresses[1], addresses[2]}  # the download and the page itself
    for address in (a for a in addresses if a not in reading):
        assert c.post(address, {"title": "x", "reason": "x"}).status_code == 403, address
    movement.refresh_from_db()
    assert movement.state == "draft" and movement.contents.count() == 1
    assert Attachment.objects.count() == 1


def test_anonymous_goes_to_login(client, movement):
    response = client.get(url("detail", movement.pk))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# The plan's page ---------------------------------------------------------------------------
def test_detail_reads_like_the_plan(client, movement, users, kinds, today):
    Content.objects.create(movement=movement, order=2, title="Đạo đức công vụ, kỷ luật, kỷ cương")
    milestone = movement.milestones.get(kind="final")
    milestone.actor_kinds.set([kinds["chi_bo"]])
    html = page(as_user(client, users["leader"]).get(url("detail", movement.pk)))
    assert "167-KH/ĐU" in html and "Đảng bộ phường An Bình" in html
    assert "Trách nhiệm, kỷ cương, gần dân" in html
    assert html.index("Nâng cao bản lĩnh chính trị") < html.index("Đạo đức công vụ")
    assert "Gửi báo cáo tổng kết" in html and "Các chi bộ" in html and "Phải nộp" in html
    assert d(today + timedelta(days=60)) in html
    assert "100% chi bộ đăng ký thi đua" in html and "Tỷ lệ đơn vị đã đăng ký thi đua" in html
    assert "≥ 100%" in html and "Cán bộ, Công chức" in html


def _detail_queries(client, movement):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("detail", movement.pk)).status_code == 200
    return len(queries)


def test_detail_query_count_does_not_grow(client, launched, users, tree, make_unit,
                                          django_assert_max_num_queries):
    c = as_user(client, users["secretariat"])
    _detail_queries(c, launched)  # warm the content-type cache
    small = _detail_queries(c, launched)
    for i in range(15):
        unit = make_unit(f"Chi bộ mới {i}", tree.ward_a, code=f"PAB-N{i}")
        Registration.objects.create(movement=launched, unit=unit, state="submitted")
    assert _detail_queries(c, launched) == small
    with django_assert_max_num_queries(16):
        c.get(url("detail", launched.pk))


# Contents, milestones, targets --------------------------------------------------------------
def test_contents_add_edit_reorder_delete(client, movement, users):
    c = as_user(client, users["secretariat"])
    c.post(url("content_add", movement.pk), {"title": "Năng lực tham mưu", "text": "Chi tiết"})
    c.post(url("content_add", movement.pk), {"title": "Chất lượng phục vụ Nhân dân"})

    def titles():
        return list(movement.contents.values_list("title", flat=True))

    assert titles() == ["Nâng cao bản lĩnh chính trị", "Năng lực tham mưu",
                        "Chất lượng phục vụ Nhân dân"]
    last = movement.contents.get(title="Chất lượng phục vụ Nhân dân")
    c.post(url("content_move", movement.pk, last.pk), {"direction": "up"})
    assert titles()[1] == "Chất lượng phục vụ Nhân dân"
    c.post(url("content_edit", movement.pk, last.pk), {"title": "Phục vụ Nhân dân"})
    assert "Phục vụ Nhân dân" in titles()
    assert "Chưa có đơn vị, cá nhân nào đăng ký" in page(c.get(url("content_delete", movement.pk, last.pk)))
    c.post(url("content_delete", movement.pk, last.pk))
    assert len(titles()) == 2


def test_an_item_of_another_movement_is_404(client, movement, users, tree, today):
    other = Movement.objects.create(number="9", symbol="KH/ĐU", issued_on=today, title="Khác",
                                    issuing_unit=tree.ward_a, scope_unit=tree.ward_a,
                                    starts_on=today, ends_on=today)
    content = movement.contents.first()
    c = as_user(client, users["secretariat"])
    assert c.get(url("content_edit", other.pk, content.pk)).status_code == 404


def test_milestones_add_edit_delete(client, movement, users, kinds, today):
    c = as_user(client, users["secretariat"])
    response = c.post(url("milestone_add", movement.pk), {
        "kind": "interim", "title": "Sơ kết 6 tháng", "due_on": d(today + timedelta(days=90)),
        "actor": "Ban Thường vụ", "actor_kinds": [kinds["dang_uy_xa"].pk], "requires_report": "on"})
    assert response.status_code == 302
    milestone = movement.milestones.get(kind="interim")
    assert milestone.requires_report and list(milestone.actor_kinds.all()) == [kinds["dang_uy_xa"]]
    c.post(url("milestone_edit", movement.pk, milestone.pk), {
        "kind": "interim", "title": "Sơ kết năm", "due_on": d(today + timedelta(days=91))})
    milestone.refresh_from_db()
    assert milestone.title == "Sơ kết năm" and not milestone.requires_report
    c.post(url("milestone_delete", movement.pk, milestone.pk))
    assert not movement.milestones.filter(pk=milestone.pk).exists()


def test_add_targets_with_their_parameters(client, movement, users, today):
    c = as_user(client, users["secretariat"])
    report = movement.milestones.get(requires_report=True)
    cases = [
        ({"indicator": "units_registered", "unit_kinds": ["chi_bo"]},
         {"unit_kinds": ["chi_bo"], "accepted_only": False}),
        ({"indicator": "people_registered", "staff_categories": ["cong_chuc"]},
         {"staff_categories": ["cong_chuc"]}),
        ({"indicator": "units_with_practices", "min_count": "2", "recognised_only": "on"},
         {"min_count": 2, "recognised_only": True}),
        ({"indicator": "reports_on_time", "milestone": str(report.pk)}, {"milestone": report.pk}),
        ({"indicator": "manual", "measure": "% hồ sơ đúng hạn", "goal": "95"},
         {"measure": "% hồ sơ đúng hạn"}),
    ]
    for fields, params in cases:
        data = {"wording": f"Chỉ tiêu {fields['indicator']}", "comparator": "gte", "goal": "100",
                "deadline": d(today + timedelta(days=30)), **fields}
        response = c.post(url("target_add", movement.pk), data)
        assert response.status_code == 302, response.context["form"].errors
        target = movement.targets.get(wording=data["wording"])
        assert target.params == params
    assert list(movement.targets.values_list("order", flat=True)) == [1, 2, 3, 4, 5, 6, 7]


def test_edit_target_shows_and_keeps_its_parameters(client, movement, users):
    target = movement.targets.get(indicator="units_with_practices")
    c = as_user(client, users["secretariat"])
    form = c.get(url("target_edit", movement.pk, target.pk)).context["form"]
    assert form.initial["min_count"] == 1
    c.post(url("target_edit", movement.pk, target.pk), {
        "wording": "Mỗi chi bộ có ít nhất 02 mô hình", "indicator": "units_with_practices",
        "comparator": "gte", "goal": "90", "min_count": "2"})
    target.refresh_from_db()
    assert target.params == {"min_count": 2} and target.goal == 90


@pytest.mark.parametrize(("fields", "message"), [
    ({"indicator": "units_registered"}, "Chưa xác định được mẫu số"),
    ({"indicator": "people_registered"}, "Chưa xác định được mẫu số"),
    ({"indicator": "reports_on_time"}, "Hãy chọn mốc báo cáo"),
    ({"indicator": "units_registered", "unit_kinds": ["chi_bo"], "goal": "120"},
     "mức phải đạt từ 0 đến 100"),
])
def test_target_without_a_computable_denominator_is_refused(client, movement, users, fields,
                                                            message):
    movement.participant_kinds.clear()
    movement.staff_categories = []
    movement.save()
    data = {"wording": "Chỉ tiêu thiếu mẫu số", "comparator": "gte", "goal": "100", **fields}
    response = as_user(client, users["secretariat"]).post(url("target_add", movement.pk), data)
    assert response.status_code == 200 and message in page(response)
    assert not movement.targets.filter(wording="Chỉ tiêu thiếu mẫu số").exists()


def test_targets_reorder_and_delete(client, movement, users):
    c = as_user(client, users["secretariat"])
    second = movement.targets.get(order=2)
    c.post(url("target_move", movement.pk, second.pk), {"direction": "up"})
    assert movement.targets.first() == second
    c.post(url("target_delete", movement.pk, second.pk))
    assert movement.targets.count() == 1


# Attachments ---------------------------------------------------------------------------------
def test_upload_and_download_a_pdf(client, movement, users, tree, make_user, media):
    c = as_user(client, users["secretariat"])
    upload = SimpleUploadedFile("Kế hoạch 167.pdf", PDF, content_type="application/pdf")
    response = c.post(url("attachment_upload", movement.pk), {"title": "", "file": upload})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.title == "Kế hoạch 167" and attachment.file.name.endswith(".pdf")
    assert attachment.file.name.isascii()
    download = c.get(url("attachment_download", movement.pk, attachment.pk))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    other = as_user(client, users["other"])
    assert other.get(url("attachment_download", movement.pk, attachment.pk)).status_code == 404
    cell = as_user(client, make_user("vanphong_cb1", "secretariat", tree.cell_a1))
    assert cell.get(url("attachment_download", movement.pk, attachment.pk)).status_code == 404
    domain.launch(users["secretariat"], movement)
    assert cell.get(url("attachment_download", movement.pk, attachment.pk)).status_code == 200
    assert cell.post(url("attachment_delete", movement.pk, attachment.pk)).status_code == 403
    c = as_user(client, users["secretariat"])
    c.post(url("attachment_delete", movement.pk, attachment.pk))
    assert not Attachment.objects.exists() and not list(media.rglob("*.pdf"))


def test_upload_refuses_what_is_not_a_pdf_or_too_big(client, movement, users, settings, media):
    c = as_user(client, users["secretariat"])
    fake = SimpleUploadedFile("ke-hoach.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    assert "Tệp không phải PDF" in page(c.post(url("attachment_upload", movement.pk), {"file": fake}))
    settings.UPLOAD_MAX_BYTES = 10
    big = SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf")
    assert "Tệp quá lớn" in page(c.post(url("attachment_upload", movement.pk), {"file": big}))
    assert not Attachment.objects.exists()


# Launch, close, reopen ------------------------------------------------------------------------
def test_launch_confirmation_then_launch(client, movement, users):
    c = as_user(client, users["secretariat"])
    html = page(c.get(url("launch", movement.pk)))
    assert "2 đơn vị tham gia phải đăng ký" in html and "2 báo cáo" in html
    response = c.post(url("launch", movement.pk))
    assert response.status_code == 302
    movement.refresh_from_db()
    assert movement.state == "launched"
    assert UnitReport.objects.filter(milestone__movement=movement).count() == 2


def test_launch_with_a_past_deadline_is_refused_clearly(client, movement, users, today):
    Milestone.objects.filter(movement=movement, kind="registration").update(
        due_on=today - timedelta(days=2))
    c = as_user(client, users["secretariat"])
    html = page(c.get(url("launch", movement.pk)))
    assert "Chưa thể phát động vì có hạn đã qua" in html
    assert f"Mốc “Hạn đăng ký thi đua” có hạn {d(today - timedelta(days=2))} đã qua." in html
    response = c.post(url("launch", movement.pk))
    assert response.status_code == 200 and "đã qua" in page(response)
    movement.refresh_from_db()
    assert movement.state == "draft"


def test_launch_without_targets_is_refused(client, movement, users):
    Target.objects.filter(movement=movement).delete()
    response = as_user(client, users["secretariat"]).post(url("launch", movement.pk))
    assert "cần ít nhất một chỉ tiêu" in page(response)


def test_close_and_reopen_with_a_reason(client, launched, users):
    c = as_user(client, users["secretariat"])
    assert "Không sửa được thông tin" in page(c.get(url("close", launched.pk)))
    c.post(url("close", launched.pk))
    launched.refresh_from_db()
    assert launched.state == "closed"
    response = c.post(url("reopen", launched.pk), {"reason": ""})
    assert "Cần ghi rõ lý do" in page(response)
    launched.refresh_from_db()
    assert launched.state == "closed"
    c.post(url("reopen", launched.pk), {"reason": "Bổ sung chỉ tiêu theo chỉ đạo mới"})
    launched.refresh_from_db()
    assert launched.state == "launched"
    assert "Bổ sung chỉ tiêu theo chỉ đạo mới" in page(c.get(url("detail", launched.pk)))


def test_launch_page_of_a_launched_movement_says_why_not(client, launched, users):
    html = page(as_user(client, users["secretariat"]).get(url("launch", launched.pk)))
    assert "Không thể “phát động” khi hồ sơ đang ở trạng thái “Đang triển khai”" in html
