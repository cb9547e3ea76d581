"""Practices (mô hình, cách làm hay): register with evidence, list, search, recognise."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.movements.conftest import as_user
from thidua.movements import facts
from thidua.movements.models import Movement, Practice

PDF = b"%PDF-1.4\n% minh chung\n"


def practice_data(tree, today, **extra):
    return {"unit": tree.cell_a1.pk, "name": "Dân vận khéo", "field": "Dân vận",
            "started_on": today.strftime("%d/%m/%Y"), "description": "Gần dân, sát dân.",
            **extra}


def make_practice(unit, movement=None, name="Tổ dân phố xanh", **extra):
    from django.utils import timezone

    return Practice.objects.create(unit=unit, movement=movement, name=name,
                                   started_on=extra.pop("started_on", timezone.localdate()),
                                   **extra)


def test_a_cell_registers_a_practice_with_evidence_and_the_ward_downloads_it(
        client, cell_leader, users, launched, tree, today):
    c = as_user(client, cell_leader)
    url = reverse("movements:movement_practice_create", args=[launched.pk])
    assert c.get(url).status_code == 200
    evidence = SimpleUploadedFile("Biên bản họp.pdf", PDF, content_type="application/pdf")
    response = c.post(url, practice_data(tree, today, evidence=evidence))
    practice = Practice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("movements:practice_detail", args=[practice.pk])
    assert (practice.unit, practice.movement, practice.created_by) == (tree.cell_a1, launched,
                                                                       cell_leader)
    assert practice.state == "registered" and practice.evidence.name.endswith(".pdf")

    c = as_user(client, users["secretariat"])
    download = c.get(reverse("movements:practice_evidence", args=[practice.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_bad_evidence_files_are_refused_with_reasons(client, cell_leader, launched, tree, today,
                                                     settings):
    c = as_user(client, cell_leader)
    url = reverse("movements:movement_practice_create", args=[launched.pk])
    cases = [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "không đúng định dạng cho phép"),
        (SimpleUploadedFile("bao-cao.pdf", b"<html>not a pdf"), "không phải tệp .pdf hợp lệ"),
    ]
    for upload, reason in cases:
        response = c.post(url, practice_data(tree, today, evidence=upload))
        assert response.status_code == 200 and reason in response.content.decode()
    settings.UPLOAD_MAX_BYTES = 10
    response = c.post(url, practice_data(tree, today, evidence=SimpleUploadedFile("a.pdf", PDF)))
    assert "vượt giới hạn" in response.content.decode()
    assert not Practice.objects.exists()


def test_check_upload_accepts_the_allowed_types():
    for name, head in [("a.png", b"\x89PNG\r\n\x1a\n...."), ("a.JPG", b"\xff\xd8\xff\xe0"),
                       ("a.docx", b"PK\x03\x04...."), ("a.xlsx", b"PK\x03\x04"),
                       ("a.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ")]:
        facts.check_upload(SimpleUploadedFile(name, head))


def test_required_fields_and_units_outside_the_movement(client, cell_leader, launched, tree,
                                                         today):
    c = as_user(client, cell_leader)
    url = reverse("movements:movement_practice_create", args=[launched.pk])
    response = c.post(url, practice_data(tree, today, name="  ", started_on="31/02/2026"))
    html = response.content.decode()
    assert "Vui lòng sửa các ô được đánh dấu" in html and "Nhập một ngày hợp lệ" in html
    response = c.post(url, practice_data(tree, today, unit=tree.cell_b1.pk))
    assert "lựa chọn hợp lệ" in response.content.decode()
    assert not Practice.objects.exists()


def test_the_same_practice_twice_is_refused_accents_ignored(client, cell_leader, launched, tree,
                                                             today):
    make_practice(tree.cell_a1, launched, name="Dân vận khéo")
    c = as_user(client, cell_leader)
    response = c.post(reverse("movements:movement_practice_create", args=[launched.pk]),
                      practice_data(tree, today, name="DAN VAN  KHEO"))
    assert "đã đăng ký mô hình “DAN VAN KHEO” rồi" in response.content.decode()
    assert Practice.objects.count() == 1


def test_who_may_register(client, users, launched, movement, tree):
    plain = reverse("movements:practice_create")
    in_movement = reverse("movements:movement_practice_create", args=[launched.pk])
    for name in ("observer", "staff", "norole"):
        c = as_user(client, users[name])
        assert c.get(plain).status_code == 403, name
    assert as_user(client, users["observer"]).get(in_movement).status_code == 404
    assert as_user(client, users["other"]).get(in_movement).status_code == 404
    assert as_user(client, users["secretariat"]).get(in_movement).status_code == 200


def test_a_practice_cannot_be_tied_to_a_movement_not_launched(client, users, movement, tree,
                                                              today):
    c = as_user(client, users["secretariat"])
    response = c.post(reverse("movements:practice_create"),
                      practice_data(tree, today, movement=movement.pk))
    assert response.status_code == 200 and not Practice.objects.exists()
    assert "lựa chọn hợp lệ" in response.content.decode()  # drafts are not offered
    response = c.get(reverse("movements:movement_practice_create", args=[movement.pk]),
                     follow=True)
    assert "Phong trào chưa được phát động" in response.content.decode()


def test_list_is_scoped_filtered_and_searched_without_accents(client, users, launched, tree):
    make_practice(tree.cell_a1, launched, name="Dân vận khéo", state="recognised",
                  for_replication=True)
    make_practice(tree.cell_a2, launched, name="ĐƯỜNG HOA TỰ QUẢN")
    make_practice(tree.cell_a2, None, name="Không thuộc phong trào")
    make_practice(tree.cell_b1, None, name="Dân vận ở xã khác")
    c = as_user(client, users["secretariat"])
    url = reverse("movements:movement_practices", args=[launched.pk])

    def names(params=None):
        return {p.name for p in c.get(url, params or {}).context["page_obj"]}

    assert names() == {"Dân vận khéo", "ĐƯỜNG HOA TỰ QUẢN"}
    assert names({"q": "dan van"}) == {"Dân vận khéo"}
    assert names({"q": "đường hoa"}) == names({"q": "duong HOA tu"}) == {"ĐƯỜNG HOA TỰ QUẢN"}
    assert names({"state": "recognised"}) == names({"replication": "1"}) == {"Dân vận khéo"}
    assert names({"replication": "0"}) == {"ĐƯỜNG HOA TỰ QUẢN"}
    assert names({"unit": "pab-cb2"}) == {"ĐƯỜNG HOA TỰ QUẢN"}
    response = c.get(url, {"unit": "XBM-CB1"})
    assert "Không tìm thấy đơn vị có mã “XBM-CB1” trong phạm vi của bạn" in response.content.decode()

    all_url = reverse("movements:practice_list")
    assert {p.name for p in c.get(all_url, {"q": "dan van"}).context["page_obj"]} == {
        "Dân vận khéo"}
    other = as_user(client, users["other"])
    assert {p.name for p in other.get(all_url).context["page_obj"]} == {"Dân vận ở xã khác"}
    assert other.get(url).status_code == 404
    assert as_user(client, users["norole"]).get(all_url).status_code == 403
    assert as_user(client, users["norole"]).get(url).status_code == 404
    observer = as_user(client, users["observer"]).get(url)
    assert len(observer.context["page_obj"]) == 2 and not observer.context["can_register"]


def test_list_query_count_does_not_grow_with_practices(client, users, launched, tree):
    c = as_user(client, users["secretariat"])
    url = reverse("movements:movement_practices", args=[launched.pk])
    make_practice(tree.cell_a1, launched)
    c.get(url, {"q": "to dan"})
    with CaptureQueriesContext(connection) as few:
        c.get(url, {"q": "to dan"})
    for i in range(15):
        make_practice(tree.cell_a2, launched, name=f"Tổ dân phố số {i}", evidence="x.pdf")
    with CaptureQueriesContext(connection) as many:
        response = c.get(url, {"q": "to dan"})
    assert len(response.context["page_obj"]) == 16
    assert len(many) == len(few) <= 10


def test_detail_and_evidence_are_scoped(client, users, launched, tree):
    practice = make_practice(tree.cell_a1, launched)
    detail = reverse("movements:practice_detail", args=[practice.pk])
    evidence = reverse("movements:practice_evidence", args=[practice.pk])
    assert as_user(client, users["observer"]).get(detail).status_code == 200
    assert as_user(client, users["observer"]).get(evidence).status_code == 404  # no file
    for name in ("other", "norole", "staff"):
        assert as_user(client, users[name]).get(detail).status_code == 404, name
        assert as_user(client, users[name]).get(evidence).status_code == 404, name


def test_the_movement_secretariat_recognises_after_a_confirmation(client, users, launched, tree,
                                                                  today):
    practice = make_practice(tree.cell_a1, launched, started_on=today - timedelta(days=30))
    c = as_user(client, users["secretariat"])
    url = reverse("movements:practice_recognise", args=[practice.pk])
    page = c.get(url)
    assert page.status_code == 200 and "Công nhận mô hình hiệu quả?" in page.content.decode()
    Practice.objects.filter(pk=practice.pk).update(state="registered")  # GET changed nothing
    response = c.post(url, {"recognised_on": today.strftime("%d/%m/%Y"), "replicate": "on"},
                      follow=True)
    practice.refresh_from_db()
    assert (practice.state, practice.recognised_on, practice.for_replication) == (
        "recognised", today, True)
    assert "Đã công nhận mô hình “Tổ dân phố xanh” là mô hình hiệu quả, chọn để nhân rộng" in \
        response.content.decode()


def test_recognition_date_must_follow_the_start(client, users, launched, tree, today):
    practice = make_practice(tree.cell_a1, launched, started_on=today)
    c = as_user(client, users["secretariat"])
    url = reverse("movements:practice_recognise", args=[practice.pk])
    early = (today - timedelta(days=1)).strftime("%d/%m/%Y")
    response = c.post(url, {"recognised_on": early})
    assert "không được trước ngày bắt đầu thực hiện" in response.content.decode()
    late = (today + timedelta(days=1)).strftime("%d/%m/%Y")
    assert "không được sau hôm nay" in c.post(url, {"recognised_on": late}).content.decode()
    practice.refresh_from_db()
    assert practice.state == "registered"


def test_only_the_movement_secretariat_recognises(client, users, launched, tree, today,
                                                  cell_leader):
    practice = make_practice(tree.cell_a1, launched)
    url = reverse("movements:practice_recognise", args=[practice.pk])
    data = {"recognised_on": today.strftime("%d/%m/%Y")}
    for user in (users["observer"], users["leader"], cell_leader):
        response = as_user(client, user).post(url, data, follow=True)
        assert "do Đảng bộ phường An Bình phát động: chỉ văn phòng, cán bộ thi đua" in \
            response.content.decode()
    for name in ("other", "norole"):
        assert as_user(client, users[name]).post(url, data).status_code == 404
    practice.refresh_from_db()
    assert practice.state == "registered"


def test_a_practice_of_another_movement_is_not_recognised(client, users, tree, today, kinds):
    """Ward A's secretariat sees cell A1's practice, but it belongs to the province's plan."""
    province_plan = Movement.objects.create(
        number="26", symbol="KH/TU", issued_on=today, issuing_unit=tree.province,
        scope_unit=tree.province, title="Mỗi cán bộ một sáng kiến", starts_on=today,
        ends_on=today + timedelta(days=300), state="launched")
    practice = make_practice(tree.cell_a1, province_plan)
    c = as_user(client, users["secretariat"])
    detail = c.get(reverse("movements:practice_detail", args=[practice.pk]))
    assert detail.status_code == 200 and not detail.context["can_recognise"]
    response = c.post(reverse("movements:practice_recognise", args=[practice.pk]),
                      {"recognised_on": today.strftime("%d/%m/%Y")}, follow=True)
    assert "Mô hình này thuộc phong trào “Mỗi cán bộ một sáng kiến” (26-KH/TU) do Tỉnh ủy Thử " \
           "nghiệm phát động" in response.content.decode()
    practice.refresh_from_db()
    assert practice.state == "registered"


def test_a_closed_movement_recognises_nothing(client, users, launched, tree, today):
    practice = make_practice(tree.cell_a1, launched)
    Movement.objects.filter(pk=launched.pk).update(state="closed")
    response = as_user(client, users["secretariat"]).post(
        reverse("movements:practice_recognise", args=[practice.pk]),
        {"recognised_on": today.strftime("%d/%m/%Y")}, follow=True)
    assert "Phong trào đã kết thúc: không thể công nhận thêm mô hình" in response.content.decode()
    practice.refresh_from_db()
    assert practice.state == "registered"
