"""Excel import of a unit's monthly tasks: checks row by row, all or nothing, the page."""

import io
import math
import time
from datetime import date

import pytest
from auditlog import get_logentry_model
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from tests.kpi.conftest import GOOD_TASK
from tests.org.files import sheet_rows, upload, xlsx
from thidua.kpi import domain, excel
from thidua.kpi.excel import TASKS, import_tasks
from thidua.kpi.models import MonthSheet, Task, UnitMonth
from thidua.kpi.policy import Grade

pytestmark = pytest.mark.django_db


def row(person, month, /, **fields):
    """One valid task row of ``person`` for ``month``; ``fields`` override by column key."""
    return {"staff_code": person.staff_code, "full_name": person.full_name,
            "month": f"{month:%m/%Y}", "name": "Giải quyết hồ sơ một cửa", "assigned": 10,
            "done": 10, "meeting": 10, "on_time": 10, "major_errors": 0,
            "late_deliveries": 0, "objective_cause": "Không", **fields}


def tasks_xlsx(*records) -> bytes:
    return xlsx(sheet_rows(TASKS, records), title=TASKS.title)


def url(name, unit, month):
    return reverse(name, kwargs={"unit_pk": unit.pk, "month": domain.month_key(month)})


def post(client, unit, month, content, name="nhiem-vu.xlsx", dry_run=False):
    data = {"file": upload(content, name)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(url("kpi:import", unit, month), data)


def errors(result):
    return [(e.row, e.column, e.message) for e in result.errors]


# --- importer ------------------------------------------------------------------------------

def test_import_makes_sheets_replaces_tasks_and_scores(staff, users, month, tree):
    existing = domain.sheet_for(staff.clerk, month, users["leader"])
    domain.save_task(existing, users["leader"], {**GOOD_TASK, "name": "Việc cũ"})
    content = tasks_xlsx(
        row(staff.staff, month),
        row(staff.staff, month, name="Báo cáo tháng", assigned=4, done=2, meeting=2,
            on_time=2),
        row(staff.clerk, month, name="Tiếp công dân", assigned=5, done=5, meeting=4,
            on_time=5, major_errors=1, objective_cause="Có"),
    )
    result = import_tasks(users["leader"], tree.ward_a, month, upload(content))
    assert result.ok, errors(result)
    assert (result.created, result.people, result.sheets_created, result.tasks_replaced) == \
        (3, 2, 1, 1)
    sheet = MonthSheet.objects.get(person=staff.staff, month=month)
    assert sheet.unit == tree.ward_a and sheet.state == "draft"
    assert list(sheet.tasks.values_list("order", "name")) == [
        (1, "Giải quyết hồ sơ một cửa"), (2, "Báo cáo tháng")]
    # no general scores yet: tasks 100% and 50% → 75% of 70
    assert sheet.score == 52.5 and sheet.grade == Grade.HT
    clerk = MonthSheet.objects.get(person=staff.clerk, month=month)
    assert list(clerk.tasks.values_list("name", "objective_cause")) == [("Tiếp công dân", True)]
    assert not Task.objects.filter(name="Việc cũ").exists()
    # the chief (not in the file) keeps no sheet; the leader's audit trail is there
    assert not MonthSheet.objects.filter(person=staff.chief, month=month).exists()
    task_type = ContentType.objects.get_for_model(Task)
    assert LogEntry.objects.filter(content_type=task_type, actor=users["leader"],
                                   action=LogEntry.Action.CREATE).count() == 3
    assert LogEntry.objects.filter(content_type=task_type, actor=users["leader"],
                                   action=LogEntry.Action.DELETE).count() == 1


def test_leaders_sheet_follows_an_import_of_his_staff(staff, users, month, tree, fill):
    chief = fill(domain.sheet_for(staff.chief, month, users["admin"]), users["admin"])
    before = chief.score
    content = tasks_xlsx(row(staff.staff, month, done=0, meeting=0, on_time=0))
    assert import_tasks(users["leader"], tree.ward_a, month, upload(content)).ok
    chief.refresh_from_db()
    # the staff member is KHT (no general scores, nothing done): the unit result drops to 50%
    assert MonthSheet.objects.get(person=staff.staff, month=month).grade == Grade.KHT
    assert chief.score < before


def test_row_of_another_month_is_refused_with_its_row_number(staff, users, month, tree):
    other = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    content = tasks_xlsx(row(staff.staff, month), row(staff.staff, month, month=f"{other:%m/%Y}"))
    result = import_tasks(users["leader"], tree.ward_a, month, upload(content))
    assert errors(result) == [
        (3, "Tháng", f"Tháng {other:%m/%Y} khác tháng đang nhập {month:%m/%Y}.")]
    assert not MonthSheet.objects.exists()


def test_month_cell_may_be_text_or_a_date(staff, users, month, tree):
    content = tasks_xlsx(row(staff.staff, month, month=f"{month.month}/{month.year}"),
                         row(staff.clerk, month, month=month))  # a date cell
    result = import_tasks(users["leader"], tree.ward_a, month, upload(content))
    assert result.ok, errors(result)
    bad = tasks_xlsx(row(staff.staff, month, month="tháng năm"))
    result = import_tasks(users["leader"], tree.ward_a, month, upload(bad))
    assert errors(result)[0][:2] == (2, "Tháng") and "không phải tháng" in errors(result)[0][2]


def test_person_outside_the_unit_or_unknown_is_refused(staff, users, month, tree, people):
    content = tasks_xlsx(row(staff.staff, month), row(people["a1"], month),
                         row(people["b1"], month), row(staff.staff, month, staff_code="KHONGCO"))
    result = import_tasks(users["leader"], tree.ward_a, month, upload(content))
    assert errors(result) == [
        (3, "Mã cán bộ", f"Không có cán bộ mã “{people['a1'].staff_code}” công tác tại "
                         "Đảng bộ phường An Bình."),
        (4, "Mã cán bộ", f"Không có cán bộ mã “{people['b1'].staff_code}” công tác tại "
                         "Đảng bộ phường An Bình."),
        (5, "Mã cán bộ", "Không có cán bộ mã “KHONGCO” công tác tại Đảng bộ phường An Bình."),
    ]
    assert not MonthSheet.objects.exists()


def test_person_who_left_is_refused(staff, users, month, tree):
    staff.clerk.status = "nghi_huu"
    staff.clerk.save()
    result = import_tasks(users["leader"], tree.ward_a, month,
                          upload(tasks_xlsx(row(staff.clerk, month))))
    assert errors(result)[0][:2] == (2, "Mã cán bộ")
    assert "không còn công tác" in errors(result)[0][2]


@pytest.mark.parametrize(("fields", "column", "words"), [
    ({"done": 11}, "Hoàn thành", "Số hoàn thành (11) không thể lớn hơn số lượng giao (10)."),
    ({"meeting": 9, "done": 8, "on_time": 8}, "Đạt yêu cầu", "Số đạt yêu cầu (9) không thể lớn hơn"),
    ({"on_time": 9, "done": 8, "meeting": 8}, "Đúng hạn", "Số đúng hạn (9) không thể lớn"),
    ({"major_errors": -1}, "Số lỗi lớn", "Không được là số âm (đã ghi -1)."),
    ({"late_deliveries": "2,5"}, "Số lần chậm", "không phải số nguyên"),
    ({"assigned": 2.5}, "Số lượng giao", "2,5 không phải số nguyên"),
    ({"assigned": 0, "done": 0, "meeting": 0, "on_time": 0}, "Số lượng giao",
     "Phải từ 1 trở lên (đã ghi 0)."),
    ({"done": None}, "Hoàn thành", "Chưa nhập (cột bắt buộc)."),
    ({"objective_cause": "Chắc có"}, "Nguyên nhân khách quan", "chỉ ghi “Có” hoặc “Không”"),
])
def test_impossible_numbers_are_refused_naming_the_column(staff, users, month, tree, fields,
                                                          column, words):
    content = tasks_xlsx(row(staff.staff, month), row(staff.clerk, month, **fields))
    result = import_tasks(users["leader"], tree.ward_a, month, upload(content))
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert words in result.errors[0].message
    assert not MonthSheet.objects.exists() and not Task.objects.exists()


def test_nothing_is_written_when_any_row_is_bad(staff, users, month, tree):
    sheet = domain.sheet_for(staff.staff, month, users["staff"])
    domain.save_task(sheet, users["staff"], {**GOOD_TASK, "name": "Việc đang có"})
    rows = [row(staff.staff, month, name=f"Việc {n}") for n in range(5)]
    rows += [row(staff.clerk, month), row(staff.clerk, month, done=12)]
    result = import_tasks(users["leader"], tree.ward_a, month, upload(tasks_xlsx(*rows)))
    assert not result.ok and result.rejected_rows == 1 and result.rows_total == 7
    assert list(Task.objects.values_list("name", flat=True)) == ["Việc đang có"]
    assert MonthSheet.objects.count() == 1


@pytest.mark.parametrize(("state", "words"), [("submitted", "đã gửi lãnh đạo"),
                                              ("finalised", "đã chốt")])
def test_sheet_sent_or_finalised_is_refused(submitted, staff, users, month, tree, state, words):
    if state == "finalised":
        domain.transition(submitted, "finalise", users["leader"])
    content = tasks_xlsx(row(staff.staff, month), row(staff.staff, month, name="Thêm"),
                         row(staff.clerk, month))
    result = import_tasks(users["leader"], tree.ward_a, month, upload(content))
    assert [(e.row, e.column) for e in result.errors] == [(2, "Mã cán bộ")]
    assert words in result.errors[0].message
    assert "1 dòng khác của cán bộ này" in result.errors[0].message
    assert list(submitted.tasks.values_list("name", flat=True)) == [GOOD_TASK["name"]]
    assert not MonthSheet.objects.filter(person=staff.clerk).exists()


def test_returned_sheet_is_replaced(submitted, staff, users, month, tree):
    domain.transition(submitted, "return", users["leader"], "Giao lại nhiệm vụ")
    content = tasks_xlsx(row(staff.staff, month, name="Nhiệm vụ giao lại"))
    assert import_tasks(users["leader"], tree.ward_a, month, upload(content)).ok
    submitted.refresh_from_db()
    assert submitted.state == "returned"
    assert list(submitted.tasks.values_list("name", flat=True)) == ["Nhiệm vụ giao lại"]


def test_locked_month_is_refused_until_reopened(staff, users, month, tree):
    UnitMonth.objects.create(unit=tree.ward_a, month=month, state="closed")
    content = tasks_xlsx(row(staff.staff, month))
    result = import_tasks(users["leader"], tree.ward_a, month, upload(content))
    assert [e.row for e in result.errors] == [None]
    assert "đã khóa sổ" in result.errors[0].message
    assert not MonthSheet.objects.exists()
    call_command("kpi", "reopen", "--month", domain.month_key(month), "--unit", "PAB",
                 "--user", "lanhdao_a", "--reason", "Nhập bổ sung nhiệm vụ", stdout=io.StringIO())
    assert import_tasks(users["leader"], tree.ward_a, month, upload(content)).ok
    assert MonthSheet.objects.get(person=staff.staff).tasks.count() == 1


def test_name_differing_from_the_code_is_a_warning(staff, users, month, tree):
    content = tasks_xlsx(row(staff.staff, month, full_name="Pham Thu Ha"),
                         row(staff.clerk, month, full_name="Nguyễn Văn Khác"))
    result = import_tasks(users["leader"], tree.ward_a, month, upload(content))
    assert result.ok
    assert [(w.row, w.column) for w in result.warnings] == [(3, "Họ và tên")]
    assert "Vũ Minh Khoa" in result.warnings[0].message


def test_only_leaders_and_admins_of_the_unit_import(staff, users, month, tree):
    from django.core.exceptions import PermissionDenied

    content = tasks_xlsx(row(staff.staff, month))
    for role in ("secretariat", "observer", "staff", "other"):
        with pytest.raises(PermissionDenied):
            import_tasks(users[role], tree.ward_a, month, upload(content))
    assert import_tasks(users["admin"], tree.ward_a, month, upload(content)).ok


def test_dry_run_checks_without_writing(staff, users, month, tree):
    result = import_tasks(users["leader"], tree.ward_a, month,
                          upload(tasks_xlsx(row(staff.staff, month))), dry_run=True)
    assert result.ok and result.rows_ok == 1
    assert not MonthSheet.objects.exists()


# --- pages ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["kpi:import", "kpi:import_template"])
def test_other_ward_and_staff_get_404(client, users, tree, month, name):
    for role in ("other", "norole", "staff"):  # staff: a role on a cell, not on the ward
        client.force_login(users[role])
        assert client.get(url(name, tree.ward_a, month)).status_code == 404
    client.force_login(users["other"])
    assert client.post(url("kpi:import", tree.ward_a, month)).status_code == 404


@pytest.mark.parametrize("name", ["kpi:import", "kpi:import_template"])
@pytest.mark.parametrize("role", ["secretariat", "observer"])
def test_readers_without_the_leader_role_get_403(client, users, tree, month, name, role):
    client.force_login(users[role])
    assert client.get(url(name, tree.ward_a, month)).status_code == 403


def test_bad_month_in_the_address_is_404(client, users, tree):
    client.force_login(users["leader"])
    response = client.get(reverse("kpi:import", kwargs={"unit_pk": tree.ward_a.pk,
                                                        "month": "2026-13"}))
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, tree, month):
    response = client.get(url("kpi:import", tree.ward_a, month))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_page_explains_the_replacement_and_offers_the_template(client, users, tree, month):
    client.force_login(users["leader"])
    page = client.get(url("kpi:import", tree.ward_a, month)).content.decode()
    assert "Nhập nhiệm vụ từ Excel" in page and f"tháng {month:%m/%Y}" in page
    assert "danh sách đầy đủ nhiệm vụ" in page and "được thay" in page
    assert url("kpi:import_template", tree.ward_a, month) in page
    assert 'enctype="multipart/form-data"' in page and "csrfmiddlewaretoken" in page


def test_successful_import_redirects_with_a_message(client, users, staff, tree, month):
    client.force_login(users["leader"])
    response = post(client, tree.ward_a, month,
                    tasks_xlsx(row(staff.staff, month), row(staff.clerk, month)))
    assert response.status_code == 302
    assert response["Location"] == url("kpi:import", tree.ward_a, month)
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhập 2 nhiệm vụ của 2 cán bộ từ tệp “nhiem-vu.xlsx”" in page
    assert MonthSheet.objects.filter(month=month).count() == 2


def test_refused_file_shows_every_row_and_writes_nothing(client, users, staff, tree, month,
                                                         people):
    client.force_login(users["leader"])
    response = post(client, tree.ward_a, month,
                    tasks_xlsx(row(staff.staff, month, done=11), row(people["b1"], month)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Có <strong>2</strong> dòng bị từ chối" in page
    assert "Số hoàn thành (11) không thể lớn hơn số lượng giao (10)." in page
    assert "Chưa có dữ liệu nào được ghi" in page
    assert not MonthSheet.objects.exists()


def test_non_excel_file_is_refused(client, users, staff, tree, month):
    client.force_login(users["leader"])
    response = post(client, tree.ward_a, month, b"Ma can bo;Ho va ten\nCB1;An\n", "ds.csv")
    assert "Chỉ nhận tệp Excel có đuôi .xlsx." in response.content.decode()
    response = post(client, tree.ward_a, month, b"not a zip at all", "nhiem-vu.xlsx")
    assert "không phải là tệp Excel (.xlsx) hợp lệ" in response.content.decode()
    assert not MonthSheet.objects.exists()


def test_locked_month_page_refuses_the_upload(client, users, staff, tree, month):
    UnitMonth.objects.create(unit=tree.ward_a, month=month, state="closed")
    client.force_login(users["leader"])
    page = client.get(url("kpi:import", tree.ward_a, month)).content.decode()
    assert "đã khóa sổ" in page and 'type="file"' not in page
    response = post(client, tree.ward_a, month, tasks_xlsx(row(staff.staff, month)))
    assert "đã khóa sổ: không thể nhập nhiệm vụ" in response.content.decode()
    assert not MonthSheet.objects.exists()


def test_template_holds_current_tasks_and_people_and_imports_back(client, users, staff, tree,
                                                                  month):
    sheet = domain.sheet_for(staff.staff, month, users["staff"])
    domain.save_task(sheet, users["staff"], {**GOOD_TASK, "done": 8, "meeting": 7,
                                             "on_time": 6, "major_errors": 1})
    client.force_login(users["leader"])
    response = client.get(url("kpi:import_template", tree.ward_a, month))
    assert response.status_code == 200
    assert f"nhiem-vu-pab-{month:%Y-%m}.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:3] == ["Nhiệm vụ", "Hướng dẫn", "Cán bộ của đơn vị"]
    data = list(workbook["Nhiệm vụ"].values)
    assert data[0][:4] == ("Mã cán bộ (*)", "Họ và tên", "Tháng (*)", "Nhiệm vụ/sản phẩm (*)")
    assert data[1] == (staff.staff.staff_code, "Phạm Thu Hà", f"{month:%m/%Y}",
                       GOOD_TASK["name"], 10, 8, 7, 6, 1, 0, "Không")
    guide = " ".join(str(v) for r in workbook["Hướng dẫn"].values for v in r if v)
    assert "danh sách đầy đủ nhiệm vụ" in guide
    listed = [r[0] for r in workbook["Cán bộ của đơn vị"].values][1:]
    assert sorted(listed) == sorted(p.staff_code for p in (staff.staff, staff.clerk, staff.chief))
    # the downloaded file imports back unchanged
    response = post(client, tree.ward_a, month, response.content)
    assert response.status_code == 302
    assert list(sheet.tasks.values_list("done", "meeting", "on_time", "major_errors")) == \
        [(8, 7, 6, 1)]


# --- scale ---------------------------------------------------------------------------------

def _batches(model, rows: int) -> int:
    """INSERT statements ``bulk_create`` needs for ``rows`` rows on this backend."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    per_batch = min(excel.BATCH_SIZE, connection.ops.bulk_batch_size(fields, range(rows)))
    return math.ceil(rows / per_batch)


@pytest.mark.slow
def test_five_hundred_people_eight_tasks_each(tree, users, month, make_person,
                                              django_assert_max_num_queries, capsys):
    from thidua.org.models import Person

    Person.objects.bulk_create([
        Person(staff_code=f"NV{n:05d}", full_name=f"Nguyễn Văn Số {n}",
               name_folded=f"nguyen van so {n}", gender="nam", staff_category="cong_chuc",
               unit=tree.ward_a) for n in range(500)])
    people = list(Person.objects.filter(staff_code__startswith="NV"))
    # a fifth already has a sheet with tasks, to be replaced
    for person in people[:100]:
        domain.sheet_for(person, month, users["leader"])
    Task.objects.bulk_create([Task(sheet=s, order=1, name="Việc cũ", assigned=1)
                              for s in MonthSheet.objects.all()])
    records = [row(p, month, name=f"Nhiệm vụ {k}", done=10 - k % 3, meeting=8, on_time=7)
               for p in people for k in range(8)]
    content = tasks_xlsx(*records)
    writes = (_batches(MonthSheet, 400) + _batches(Task, 4000)
              + _batches(get_logentry_model(), 400 + 4000 + 100)  # sheets, tasks, deleted
              + math.ceil(500 / 500) * 2)  # regrade's bulk_update, staff then leaders
    start = time.perf_counter()
    with django_assert_max_num_queries(writes + 25):
        result = import_tasks(users["leader"], tree.ward_a, month, upload(content))
    elapsed = time.perf_counter() - start
    assert result.ok, errors(result)[:3]
    assert (result.people, result.created, result.sheets_created) == (500, 4000, 400)
    assert Task.objects.count() == 4000
    assert MonthSheet.objects.filter(month=month, score__gt=0).count() == 500
    with capsys.disabled():
        print(f"\nkpi import 500 people × 8 tasks: {elapsed:.2f} s")
    # Speed is reported, not asserted (make bench measures; a shared machine is noisy).
