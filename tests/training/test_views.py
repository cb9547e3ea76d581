"""Training screens: scope (404 for another ward), roles (403), forms, unit page, export."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests.training.conftest import url, values
from thidua.training import domain
from thidua.training.models import TrainingRecord

pytestmark = pytest.mark.django_db

FORM = {"course": "Lớp kỹ năng soạn thảo văn bản", "topic": "ky_nang", "provider": "Sở Nội vụ",
        "starts_on": "02/03/2026", "ends_on": "04/03/2026", "hours": "16,5", "certificate": ""}


def login(client, user):
    client.force_login(user)
    return client


def test_person_page_lists_history_with_office_buttons(client, users, people, record):
    body = login(client, users["secretariat"]).get(url("person", people["a1"].pk)).content.decode()
    assert "Bồi dưỡng kỹ năng chuyển đổi số" in body and "02/03/2026" in body
    assert url("record_add", people["a1"].pk) in body
    body = login(client, users["leader"]).get(url("person", people["a1"].pk)).content.decode()
    assert "Bồi dưỡng kỹ năng chuyển đổi số" in body
    assert url("record_add", people["a1"].pk) not in body


@pytest.mark.parametrize("name, arg", [("person", "person"), ("record_add", "person"),
                                       ("record_edit", "record"), ("record_delete", "record"),
                                       ("unit", "unit"), ("unit_export", "unit"),
                                       ("import", "unit"), ("import_template", "unit")])
def test_other_ward_gets_404(client, users, people, tree, record, name, arg):
    pk = {"person": people["a1"].pk, "record": record.pk, "unit": tree.ward_a.pk}[arg]
    client = login(client, users["other"])
    assert client.get(url(name, pk)).status_code == 404
    if name in ("record_add", "record_edit", "record_delete", "import"):
        assert client.post(url(name, pk), FORM).status_code == 404
    assert TrainingRecord.objects.count() == 1


@pytest.mark.parametrize("name, arg", [("record_add", "person"), ("record_edit", "record"),
                                       ("record_delete", "record"), ("import", "unit")])
def test_leader_in_scope_gets_403_on_changes(client, users, people, tree, record, name, arg):
    pk = {"person": people["a1"].pk, "record": record.pk, "unit": tree.ward_a.pk}[arg]
    client = login(client, users["leader"])
    assert client.get(url(name, pk)).status_code == 403
    assert client.post(url(name, pk), FORM).status_code == 403
    assert TrainingRecord.objects.count() == 1


def test_add_edit_delete_through_the_forms(client, users, people):
    client = login(client, users["secretariat"])
    response = client.post(url("record_add", people["a2"].pk), FORM)
    assert response.status_code == 302
    record = TrainingRecord.objects.get()
    assert record.hours == 16.5 and record.topic == "ky_nang"
    response = client.post(url("record_edit", record.pk), {**FORM, "course": "Đã sửa"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.course == "Đã sửa"
    body = client.get(url("record_delete", record.pk)).content.decode()
    assert "Xóa khóa bồi dưỡng" in body  # the confirmation step
    assert TrainingRecord.objects.exists()
    assert client.post(url("record_delete", record.pk)).status_code == 302
    assert not TrainingRecord.objects.exists()


def test_refused_input_is_kept_with_vietnamese_errors(client, users, people):
    client = login(client, users["secretariat"])
    response = client.post(url("record_add", people["a2"].pk),
                           {**FORM, "ends_on": "01/03/2026", "course": "Giữ lại tôi"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "không được trước từ ngày" in body and "Giữ lại tôi" in body
    response = client.post(url("record_add", people["a2"].pk), {**FORM, "starts_on": "2026-03-02"})
    assert "dd/mm/yyyy" in response.content.decode()
    assert not TrainingRecord.objects.exists()


def _year_records(make_person, tree, users, count):
    for i in range(count):
        person = make_person(f"Người {i}", tree.cell_a1)
        domain.add_record(users["admin"], person, values(starts_on=date(2026, 1, 5),
                                                         ends_on=date(2026, 1, 6)))
        make_person(f"Chưa học {i}", tree.cell_a2)


def test_unit_page_lists_year_and_untrained(client, users, people, tree, record, make_person):
    domain.add_record(users["other"], people["b1"], values())
    body = login(client, users["leader"]).get(url("unit", tree.ward_a.pk) + "?nam=2026") \
        .content.decode()
    assert "Chưa được bồi dưỡng năm nay (2)" in body  # a2 and a3; a1 trained
    assert "Trần Thị Bình" in body and "Lê Văn Cường" not in body
    assert "Nhập từ Excel" not in body  # leaders read only
    body = client.get(url("unit", tree.ward_a.pk) + "?nam=2025").content.decode()
    assert "Chưa được bồi dưỡng năm nay (3)" in body
    body = client.get(url("unit", tree.ward_a.pk) + "?nam=2026&loai=can_bo").content.decode()
    assert "Chưa được bồi dưỡng năm nay (1)" in body
    assert client.get(url("unit", tree.ward_a.pk) + "?nam=abc").status_code == 404


def test_unit_page_query_count_does_not_grow(client, users, tree, people, make_person,
                                             django_assert_max_num_queries):
    client = login(client, users["secretariat"])
    _year_records(make_person, tree, users, 2)
    with django_assert_max_num_queries(7) as small:
        assert client.get(url("unit", tree.ward_a.pk) + "?nam=2026").status_code == 200
    _year_records(make_person, tree, users, 15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url("unit", tree.ward_a.pk) + "?nam=2026").status_code == 200


def test_export_holds_what_the_page_shows(client, users, tree, people, record):
    response = login(client, users["observer"]).get(url("unit_export", tree.ward_a.pk) + "?nam=2026")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    done, missing = workbook.worksheets
    done_values = [c for row in done.iter_rows(values_only=True) for c in row if c]
    assert "Nguyễn Văn An" in done_values and "Bồi dưỡng kỹ năng chuyển đổi số" in done_values
    missing_names = {row[1] for row in missing.iter_rows(min_row=4, values_only=True)}
    assert missing_names == {"Trần Thị Bình", "Đặng Đức Dũng"}


def test_staff_member_reads_his_own_history_only(client, users, people, record, make_person,
                                                  tree):
    people["a1"].user = users["staff"]
    people["a1"].save()
    client = login(client, users["staff"])
    body = client.get(url("person", people["a1"].pk)).content.decode()
    assert "Bồi dưỡng kỹ năng chuyển đổi số" in body
    assert url("record_add", people["a1"].pk) not in body
    assert client.get(url("person", people["a2"].pk)).status_code == 404
    assert client.get(url("record_add", people["a1"].pk)).status_code == 404


def test_certificate_file_through_the_form(client, users, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(client, users["secretariat"])
    pdf = SimpleUploadedFile("chung-chi.pdf", b"%PDF-1.4\n%test\n", "application/pdf")
    response = client.post(url("record_add", people["a2"].pk), {**FORM, "certificate_file": pdf})
    assert response.status_code == 302
    assert TrainingRecord.objects.get().certificate_file.name.endswith(".pdf")
    fake = SimpleUploadedFile("gia.pdf", b"MZ executable", "application/pdf")
    response = client.post(url("record_add", people["a2"].pk), {**FORM, "certificate_file": fake})
    assert response.status_code == 200 and "gia.pdf" in response.content.decode()
    assert TrainingRecord.objects.count() == 1
