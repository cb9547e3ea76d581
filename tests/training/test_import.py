"""Excel import of training records: all or nothing, with row/column/reason errors."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tests.training.conftest import url
from thidua.training import excel
from thidua.training.models import TrainingRecord

pytestmark = pytest.mark.django_db

HEADER = ["Mã cán bộ", "Họ và tên", "Khóa học", "Chủ đề", "Cơ sở đào tạo", "Từ ngày",
          "Đến ngày", "Số giờ", "Số chứng chỉ"]


def upload(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Bồi dưỡng"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("boi-duong.xlsx", buffer.getvalue(),
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def row(person, **change):
    values = {"code": person.staff_code, "name": person.full_name, "course": "Lớp chuyển đổi số",
              "topic": "Chuyển đổi số", "provider": "Sở Nội vụ", "start": "02/03/2026",
              "end": "04/03/2026", "hours": 24, "cert": "CC-1", **change}
    return list(values.values())


def test_happy_path_many_people(users, people, tree):
    rows = [row(people["a1"]), row(people["a2"], topic="ky nang", hours="7,5",
                                   start=date(2026, 1, 5), end=date(2026, 1, 5)),
            row(people["a3"], name="Đặng Đức Dung", cert="")]
    result = excel.import_records(users["secretariat"], tree.ward_a, upload(rows))
    assert result.ok, result.errors
    assert result.created == 3 and result.people == 3
    assert [w.row for w in result.warnings] == [4]  # the name differs from the code's
    second = TrainingRecord.objects.get(person=people["a2"])
    assert (second.topic, str(second.hours), second.starts_on) == ("ky_nang", "7.5",
                                                                   date(2026, 1, 5))
    assert TrainingRecord.objects.get(person=people["a1"]).created_by == users["secretariat"]


def test_dry_run_writes_nothing(users, people, tree):
    result = excel.import_records(users["secretariat"], tree.ward_a, upload([row(people["a1"])]),
                                  dry_run=True)
    assert result.ok and not TrainingRecord.objects.exists()


def test_bad_rows_are_reported_and_nothing_is_written(users, people, tree):
    unknown = row(people["a1"], code="KHONG-CO")
    outside = row(people["b1"])
    backwards = row(people["a2"], start="05/03/2026", end="01/03/2026")
    iso = row(people["a3"], start="2026-03-02")
    dotted = row(people["a3"], end="04.03.2026")
    topic = row(people["a1"], topic="Thể dục thể thao")
    good = row(people["a2"])
    result = excel.import_records(users["secretariat"], tree.ward_a,
                                  upload([unknown, outside, backwards, iso, dotted, topic, good]))
    assert not result.ok
    by_row = {(e.row, e.column): e.message for e in result.row_errors}
    assert "KHONG-CO" in by_row[(2, "Mã cán bộ")]
    assert "Không tìm thấy cán bộ" in by_row[(3, "Mã cán bộ")]  # ward B: same answer
    assert "không được trước từ ngày" in by_row[(4, "Đến ngày")]
    assert "dd/mm/yyyy" in by_row[(5, "Từ ngày")]
    assert "dd/mm/yyyy" in by_row[(6, "Đến ngày")]
    assert "danh mục chủ đề" in by_row[(7, "Chủ đề")]
    assert result.rejected_rows == 6
    assert not TrainingRecord.objects.exists()


def test_missing_required_cells_and_bad_hours(users, people, tree):
    result = excel.import_records(users["secretariat"], tree.ward_a, upload([
        row(people["a1"], course=None, hours="nhiều"), row(people["a2"], hours=0)]))
    columns = {(e.row, e.column) for e in result.row_errors}
    assert {(2, "Khóa học"), (2, "Số giờ"), (3, "Số giờ")} <= columns
    assert not TrainingRecord.objects.exists()


def test_cell_office_cannot_import_for_the_ward(users, people, tree, make_user):
    clerk = make_user("vanphong_cb1", "secretariat", tree.cell_a1)
    result = excel.import_records(clerk, tree.cell_a1, upload([row(people["a1"]),
                                                               row(people["a3"])]))
    assert [e.row for e in result.row_errors] == [3]  # a3 works in the ward, above the cell


def test_import_view_and_template(client, users, people, tree):
    client.force_login(users["secretariat"])
    response = client.post(url("import", tree.ward_a.pk),
                           {"file": upload([row(people["a1"], code="X")])})
    body = response.content.decode()
    assert response.status_code == 200 and "Không tìm thấy cán bộ mã “X”" in body
    response = client.post(url("import", tree.ward_a.pk), {"file": upload([row(people["a1"])])})
    assert response.status_code == 302 and TrainingRecord.objects.count() == 1
    response = client.get(url("import_template", tree.ward_a.pk))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Bồi dưỡng", "Hướng dẫn", "Danh mục"]
    data = workbook["Bồi dưỡng"]
    assert [c.value.replace(" (*)", "") for c in data[1]] == HEADER
    assert any("Danh mục" in v.formula1 for v in data.data_validations.dataValidation)
    assert "Chuyển đổi số" in [c.value for c in workbook["Danh mục"]["A"]]


def test_not_an_excel_file_is_a_file_error(users, tree):
    fake = SimpleUploadedFile("boi-duong.xlsx", b"just text", "application/octet-stream")
    result = excel.import_records(users["secretariat"], tree.ward_a, fake)
    assert result.file_errors and not result.row_errors
    assert not TrainingRecord.objects.exists()


def test_leader_may_not_import(users, people, tree):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        excel.import_records(users["leader"], tree.ward_a, upload([row(people["a1"])]))
    assert not TrainingRecord.objects.exists()
