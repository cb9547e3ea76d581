"""Excel import of the history before the system: awards (people and collectives) and past
grades, all or nothing, with the row, the column and the reason in Vietnamese."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from tests.conftest import as_user
from thidua.awards import excel_history
from thidua.awards.models import Award, AwardSource, PastGrade, UnitGrade

pytestmark = pytest.mark.django_db

AWARD_HEADER = ["Mã cán bộ", "Mã đơn vị", "Họ và tên", "Năm", "Danh hiệu, hình thức",
                "Số quyết định", "Ngày quyết định", "Cơ quan quyết định", "Thành tích"]
GRADE_HEADER = ["Mã cán bộ", "Mã đơn vị", "Năm", "Xếp loại", "Nguồn"]
THIS_YEAR = timezone.localdate().year


def upload(award_rows=None, grade_rows=None, *, award_header=AWARD_HEADER):
    workbook = Workbook()
    workbook.remove(workbook.active)
    if award_rows is not None:
        sheet = workbook.create_sheet("Khen thưởng")
        sheet.append(award_header)
        for row in award_rows:
            sheet.append(row)
    if grade_rows is not None:
        sheet = workbook.create_sheet("Xếp loại")
        sheet.append(GRADE_HEADER)
        for row in grade_rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("lich-su.xlsx", buffer.getvalue(),
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def person_row(person, year=2020, title="Lao động tiên tiến", **change):
    values = {"code": person.staff_code, "unit": None, "name": person.full_name, "year": year,
              "title": title, "number": "12/QĐ-UBND", "date": "20/12/2020",
              "body": "UBND phường An Bình", "achievement": "Hoàn thành tốt nhiệm vụ", **change}
    return list(values.values())


def unit_row(unit, year=2020, title="Tập thể lao động tiên tiến", **change):
    values = {"code": None, "unit": unit.code, "name": None, "year": year, "title": title,
              "number": "3/QĐ-UBND", "date": None, "body": None, "achievement": None, **change}
    return list(values.values())


def errors(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def test_people_collectives_and_grades_are_imported(users, tree, people, catalogue):
    result = excel_history.import_history(
        users["secretariat"], tree.ward_a,
        upload([person_row(people["a1"]),
                person_row(people["a1"], 2021, "CSTĐCS", date="15/12/2021"),
                person_row(people["a2"], 2019, "ldtt", date=datetime.datetime(2019, 12, 1),
                           body=None, name="Tran Thi Binh"),
                unit_row(tree.cell_a1, 2020)],
               [[people["a1"].staff_code, None, 2019, "HTXS", "Biên bản 2019"],
                [None, tree.cell_a1.code, 2019, "Hoàn thành tốt nhiệm vụ", None]]),
    )
    assert result.ok, errors(result)
    assert (result.awards, result.grades, result.created) == (4, 2, 6)
    first = Award.objects.get(person=people["a1"], year=2020)
    assert first.award_type == catalogue["ldtt"] and first.source == AwardSource.IMPORT
    assert first.decision_text == ("Quyết định số 12/QĐ-UBND ngày 20/12/2020 của "
                                   "UBND phường An Bình")
    assert first.unit == people["a1"].unit and first.achievement == "Hoàn thành tốt nhiệm vụ"
    assert Award.objects.get(person=people["a1"], year=2021).award_type == catalogue["cstdcs"]
    assert (Award.objects.get(person=people["a2"]).decision_text
            == "Quyết định số 12/QĐ-UBND ngày 01/12/2019")
    collective = Award.objects.get(person__isnull=True)
    assert (collective.unit, collective.award_type) == (tree.cell_a1, catalogue["tt_ldtt"])
    assert PastGrade.objects.get().grade == "htxs"
    assert UnitGrade.objects.get().unit == tree.cell_a1
    assert [w.row for w in result.warnings] == []  # "Tran Thi Binh" folds to the same name


def test_only_the_grades_sheet_is_enough(users, tree, people):
    result = excel_history.import_history(users["secretariat"], tree.ward_a,
                                          upload(None, [[people["a1"].staff_code, None, 2018,
                                                         "htt", None]]))
    assert result.ok, errors(result)
    assert result.created == 1


def test_an_empty_grades_sheet_of_the_template_is_ignored(users, tree, people):
    result = excel_history.import_history(users["secretariat"], tree.ward_a,
                                          upload([person_row(people["a1"])], []))
    assert result.ok, errors(result)
    assert result.created == 1


def test_bad_rows_are_named_and_nothing_is_written(users, tree, people, award):
    award(people["a3"], "ldtt", 2015)  # already in the history
    result = excel_history.import_history(users["secretariat"], tree.ward_a, upload([
        person_row(people["a1"], THIS_YEAR + 1),                  # 2: future
        person_row(people["a1"], 2020),                           # 3: fine
        person_row(people["a1"], 2020, "ldtt"),                   # 4: duplicate of row 3
        person_row(people["b1"]),                                  # 5: ward B
        person_row(people["a2"], title="Tập thể LĐTT"),           # 6: collective title
        person_row(people["a2"], unit=tree.cell_a1.code),          # 7: both codes
        person_row(people["a2"], code=None),                       # 8: no code
        person_row(people["a2"], title="Huân chương Lao động"),   # 9: unknown title
        person_row(people["a3"], 2015),                            # 10: already held
        unit_row(tree.ward_b),                                     # 11: ward B unit
        person_row(people["a2"], number=None),                     # 12: no decision number
        person_row(people["a2"], date="31/02/2020"),               # 13: no such date
        unit_row(tree.cell_a2, title="LĐTT"),                      # 14: person title
    ]))
    assert not result.ok and result.created == 0
    assert not Award.objects.exclude(person=people["a3"]).exists()
    by_row = {}
    for row, column, message in errors(result):
        by_row.setdefault(row, []).append((column, message))
    assert sorted(by_row) == [2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    assert by_row[2] == [("Năm", f"Năm {THIS_YEAR + 1} chưa đến (năm nay là {THIS_YEAR}).")]
    assert by_row[4] == [("Danh hiệu, hình thức",
                          f"{people['a1'].full_name} — “Lao động tiên tiến” năm 2020 trùng "
                          "với dòng 3 của tệp.")]
    assert by_row[5][0][0] == "Mã cán bộ" and "Không tìm thấy cán bộ mã" in by_row[5][0][1]
    assert by_row[6] == [("Danh hiệu, hình thức",
                          "“Tập thể lao động tiên tiến” là danh hiệu thi đua dành cho tập thể, "
                          "nhưng dòng này ghi mã cán bộ (khen thưởng cá nhân).")]
    assert by_row[7][0][0] == "Mã đơn vị" and "Chỉ ghi một trong hai" in by_row[7][0][1]
    assert by_row[8] == [("Mã cán bộ", "Chưa nhập mã cán bộ (cá nhân) hoặc mã đơn vị (tập thể).")]
    assert by_row[9][0][0] == "Danh hiệu, hình thức" and "không có trong danh mục" in by_row[9][0][1]
    assert "đã có “Lao động tiên tiến” năm 2015" in by_row[10][0][1]
    assert by_row[11][0][0] == "Mã đơn vị" and "Không tìm thấy đơn vị mã" in by_row[11][0][1]
    assert by_row[12] == [("Số quyết định", "Chưa nhập (cột bắt buộc).")]
    assert by_row[13][0][0] == "Ngày quyết định" and "không tồn tại" in by_row[13][0][1]
    assert by_row[14] == [("Danh hiệu, hình thức",
                           "“Lao động tiên tiến” là danh hiệu thi đua dành cho cá nhân, "
                           "nhưng dòng này ghi mã đơn vị (khen thưởng tập thể).")]


def test_a_decision_dated_before_the_year_it_rewards_is_refused(users, tree, people):
    """A decision rewards the achievement of its year: it cannot be signed before that year
    began (a typo in the year or in the date); the same year or later is fine."""
    result = excel_history.import_history(users["secretariat"], tree.ward_a, upload([
        person_row(people["a1"], 2021, date="20/12/2020"),        # 2: a year too early
        person_row(people["a2"], 2020, date="05/01/2021"),        # 3: fine (next January)
        unit_row(tree.cell_a1, 2020, date="01/01/2020"),          # 4: fine (same year)
    ]))
    assert not result.ok and not Award.objects.exists()
    assert errors(result) == [(2, "Ngày quyết định",
                               "Ngày quyết định 20/12/2020 trước năm được khen (2021); hãy kiểm "
                               "tra lại năm hoặc ngày quyết định.")]


def test_grade_rows_are_checked_against_both_histories(users, tree, people, grade, unit_grade):
    grade(people["a1"], 2024, "htt")               # computed by the KPI module
    grade(people["a2"], 2019, "htt", past=True)    # imported before
    unit_grade(tree.cell_a1, 2019, "htt")
    result = excel_history.import_history(users["secretariat"], tree.ward_a, upload(None, [
        [people["a1"].staff_code, None, 2024, "HTT", None],     # 2
        [people["a2"].staff_code, None, 2019, "HT", None],      # 3
        [None, tree.cell_a1.code, 2019, "HTXS", None],          # 4
        [people["a3"].staff_code, None, 2019, "Xuất sắc", None],  # 5: unknown grade
        [people["a3"].staff_code, None, 2018, "HT", None],      # 6: fine
        [people["a3"].staff_code, None, 2018, "HTT", None],     # 7: duplicate of 6
    ]))
    assert not result.ok and not PastGrade.objects.filter(person=people["a3"]).exists()
    found = {row: (column, message) for row, column, message in errors(result)}
    assert sorted(found) == [2, 3, 4, 5, 7]
    assert found[2][0] == "Năm (trang “Xếp loại”)" and "đánh giá KPI" in found[2][1]
    assert "đã nhập trước đây" in found[3][1]
    assert "đã có kết quả hoàn thành nhiệm vụ năm 2019" in found[4][1]
    assert found[5][0] == "Xếp loại (trang “Xếp loại”)" and "không có trong danh sách" in found[5][1]
    assert "trùng với dòng 6" in found[7][1]


def test_file_level_problems(users, tree):
    text = SimpleUploadedFile("lich-su.xlsx", b"not a workbook", "application/octet-stream")
    result = excel_history.import_history(users["secretariat"], tree.ward_a, text)
    assert [e.row for e in result.errors] == [None] and "không phải là tệp Excel" in \
        result.errors[0].message
    result = excel_history.import_history(users["secretariat"], tree.ward_a,
                                          upload([], award_header=["Năm", "Ghi chú"]))
    assert result.errors[0].row is None and "Thiếu cột" in result.errors[0].message


def test_dry_run_writes_nothing(users, tree, people):
    result = excel_history.import_history(users["secretariat"], tree.ward_a,
                                          upload([person_row(people["a1"])]), dry_run=True)
    assert result.ok and result.awards == 1 and not Award.objects.exists()


def test_only_managers_of_the_unit_import(users, tree, people):
    for user in ("leader", "observer", "other", "staff"):
        with pytest.raises(PermissionDenied):
            excel_history.import_history(users[user], tree.ward_a,
                                         upload([person_row(people["a1"])]))
    assert not Award.objects.exists()


# The pages ------------------------------------------------------------------------------------
def url(name, *args):
    return reverse(f"awards:{name}", args=args)


def test_the_import_page_reports_errors_and_imports(client, users, tree, people):
    c = as_user(client, users["secretariat"])
    assert c.get(url("history_import", tree.ward_a.pk)).status_code == 200
    response = c.post(url("history_import", tree.ward_a.pk),
                      {"file": upload([person_row(people["a1"], THIS_YEAR + 1)]),
                       "confirm": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and "chưa đến" in html and not Award.objects.exists()
    response = c.post(url("history_import", tree.ward_a.pk),
                      {"file": upload([person_row(people["a1"])]), "confirm": "on"},
                      follow=True)
    assert "Đã nhập 1 khen thưởng và 0 kết quả xếp loại" in response.content.decode()
    assert Award.objects.count() == 1


def test_writing_the_history_asks_for_a_confirmation(client, users, tree, people):
    """Imported awards cannot be deleted on screen (only revoked, which is a legal act):
    writing them needs the confirmation box; a check only (dry run) does not."""
    c = as_user(client, users["secretariat"])
    response = c.post(url("history_import", tree.ward_a.pk),
                      {"file": upload([person_row(people["a1"])])})
    assert response.status_code == 200 and not Award.objects.exists()
    assert "không xóa được" in " ".join(response.context["form"].errors["confirm"])
    response = c.post(url("history_import", tree.ward_a.pk),
                      {"file": upload([person_row(people["a1"])]), "dry_run": "on"},
                      follow=True)
    assert "hợp lệ" in response.content.decode() and not Award.objects.exists()
    response = c.post(url("history_import", tree.ward_a.pk),
                      {"file": upload([person_row(people["a1"])]), "confirm": "on"})
    assert response.status_code == 302 and Award.objects.count() == 1


def test_import_pages_answer_403_in_scope_without_manage_and_404_outside(client, users, tree):
    for name in ("history_import", "history_import_template"):
        assert as_user(client, users["observer"]).get(
            url(name, tree.ward_a.pk)).status_code == 403
        assert as_user(client, users["other"]).get(url(name, tree.ward_a.pk)).status_code == 404
    assert as_user(client, users["other"]).post(
        url("history_import", tree.ward_a.pk), {}).status_code == 404


def test_the_template_has_both_sheets_a_guide_and_drop_downs(client, users, tree, catalogue):
    response = as_user(client, users["secretariat"]).get(
        url("history_import_template", tree.ward_a.pk))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:4] == ["Khen thưởng", "Xếp loại", "Hướng dẫn",
                                       "Hướng dẫn xếp loại"]
    assert [c.value for c in workbook["Khen thưởng"][1]][:5] == [
        "Mã cán bộ", "Mã đơn vị", "Họ và tên", "Năm (*)", "Danh hiệu, hình thức (*)"]
    guide = [c.value for row in workbook["Hướng dẫn"].iter_rows() for c in row if c.value]
    assert any("Hướng dẫn nhập lịch sử khen thưởng" in str(v) for v in guide)
    lists = [c.value for c in workbook["Danh mục"]["A"]]
    assert "Chiến sĩ thi đua cơ sở" in lists
    assert workbook["Khen thưởng"].data_validations.dataValidation
    # The empty template imports as a file without rows (no crash, a clear message).
    upload_file = SimpleUploadedFile("mau.xlsx", response.content)
    result = excel_history.import_history(users["secretariat"], tree.ward_a, upload_file)
    assert result.errors[0].row is None and "chưa có dòng dữ liệu" in result.errors[0].message
