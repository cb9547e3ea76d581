"""The people export: columns, cell types, flat query count, and a round trip through the import."""

import datetime as dt
import io
import time

import pytest
from django.db import connection
from openpyxl import load_workbook

from tests.org.files import open_xlsx, upload
from thidua.core import scoping
from thidua.core.roles import READ_ROLES
from thidua.core.text import fold
from thidua.org.excel.columns import PEOPLE
from thidua.org.excel.export import XLSX_TYPE, export_columns, people_response, people_workbook
from thidua.org.excel.importers import import_people
from thidua.org.models import Person

COMPARED = ["full_name", "gender", "date_of_birth", "ethnicity", "staff_category", "unit_id",
            "is_party_member", "party_cell_id", "party_joined_on", "position", "job_position",
            "is_leader", "email", "phone"]


@pytest.fixture
def detailed(tree, make_person):
    """One person with every field filled, one foreigner with nearly nothing."""
    return [
        make_person("Đinh Thị Mai", tree.cell_a1, staff_code="007", gender="nu",
                    date_of_birth=dt.date(1984, 7, 9), ethnicity="Tày", staff_category="vien_chuc",
                    is_party_member=True, party_cell=tree.cell_a1,
                    party_joined_on=dt.date(2008, 5, 19), position="Phó Bí thư",
                    job_position="Giáo viên", is_leader=True, email="mai@example.com",
                    phone="0987654321"),
        make_person("John Smith", tree.ward_a, staff_code="NN01", ethnicity="Nước ngoài",
                    status="da_chuyen"),
    ]


def rows_of(content):
    sheet = open_xlsx(content)["Cán bộ"]
    return sheet, [list(row) for row in sheet.iter_rows()]


def test_headers_widths_and_frozen_header(detailed):
    sheet, rows = rows_of(people_workbook(Person.objects.all()))
    headers = [cell.value for cell in rows[0]]
    assert headers == [c.header for c in export_columns()]
    assert headers[:7] == [c.header for c in PEOPLE.columns][:7]
    assert headers[7] == "Đơn vị" and headers[-1] == "Trạng thái"
    assert all(cell.font.b for cell in rows[0])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == PEOPLE.column("full_name").width


def test_values_and_cell_types(detailed):
    _sheet, rows = rows_of(people_workbook(Person.objects.order_by("staff_code")))
    header = [cell.value for cell in rows[0]]
    mai = dict(zip(header, rows[1], strict=True))
    assert mai["Mã cán bộ"].value == "007" and mai["Mã cán bộ"].data_type == "s"
    assert (mai["Họ và tên"].value, mai["Giới tính"].value) == ("Đinh Thị Mai", "Nữ")
    assert mai["Ngày sinh"].value == dt.datetime(1984, 7, 9)
    assert mai["Ngày sinh"].is_date and mai["Ngày sinh"].number_format == "DD/MM/YYYY"
    assert mai["Ngày vào Đảng"].value == dt.datetime(2008, 5, 19)
    assert mai["Ngày vào Đảng"].number_format == "DD/MM/YYYY"
    assert (mai["Dân tộc"].value, mai["Loại cán bộ"].value) == ("Tày", "Viên chức")
    assert (mai["Mã đơn vị"].value, mai["Đơn vị"].value) == ("PAB-CB1", "Chi bộ Tổ dân phố 1")
    assert (mai["Đảng viên"].value, mai["Mã chi bộ"].value) == ("Có", "PAB-CB1")
    assert (mai["Lãnh đạo"].value, mai["Trạng thái"].value) == ("Có", "Đang công tác")
    assert (mai["Điện thoại"].value, mai["Thư điện tử"].value) == ("0987654321", "mai@example.com")
    john = dict(zip(header, rows[2], strict=True))
    assert (john["Dân tộc"].value, john["Trạng thái"].value) == ("Người nước ngoài",
                                                                 "Đã chuyển công tác")
    assert john["Ngày sinh"].value is None and john["Mã chi bộ"].value is None
    assert john["Đảng viên"].value == "Không"


def test_ordering_and_filtering_of_the_queryset_are_kept(people, users):
    scoped = scoping.scope(Person.objects.order_by("-staff_code"), users["secretariat"],
                           READ_ROLES)
    _sheet, rows = rows_of(people_workbook(scoped))
    codes = [row[0].value for row in rows[1:]]
    assert codes == sorted((p.staff_code for key, p in people.items() if key.startswith("a")),
                           reverse=True)


def test_query_count_does_not_grow_with_rows(tree, make_person, django_assert_num_queries):
    for n in range(3):
        make_person(f"Người {n}", tree.cell_a1, is_party_member=True, party_cell=tree.cell_a2)
    with django_assert_num_queries(1):
        people_workbook(Person.objects.all())
    for n in range(40):
        make_person(f"Người thêm {n}", tree.cell_b1, is_party_member=n % 2 == 0,
                    party_cell=tree.cell_b1 if n % 2 == 0 else None)
    with django_assert_num_queries(1):
        content = people_workbook(Person.objects.all())
    assert len(rows_of(content)[1]) == 44


def test_http_response(detailed):
    response = people_response(Person.objects.all(), filename="can-bo-phuong.xlsx")
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="can-bo-phuong.xlsx"'
    assert len(rows_of(response.content)[1]) == 3
    assert people_response(Person.objects.none())["Content-Disposition"].startswith(
        'attachment; filename="can-bo-')


def test_round_trip_export_then_import_with_new_codes(detailed, people, users):
    """What the list exports, the import takes back once the staff codes are changed."""
    user = users["secretariat"]
    originals = list(scoping.scope(Person.objects.all(), user, READ_ROLES))
    workbook = open_xlsx(people_workbook(scoping.scope(Person.objects.all(), user, READ_ROLES)))
    sheet = workbook["Cán bộ"]
    for row in sheet.iter_rows(min_row=2):
        row[0].value = "M-" + row[0].value
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = import_people(user, upload(buffer.getvalue(), "xuat-ra.xlsx"))
    assert result.ok, result.errors
    assert result.created == len(originals) == 5
    for original in originals:
        copy = Person.objects.get(staff_code="M-" + original.staff_code)
        assert [getattr(copy, f) for f in COMPARED] == [getattr(original, f) for f in COMPARED]
        assert copy.name_folded == fold(original.full_name)


def test_round_trip_keeps_everything_but_the_status(detailed, users):
    admin = users["admin"]
    content = people_workbook(Person.objects.filter(pk__in=[p.pk for p in detailed]))
    workbook = open_xlsx(content)
    for row in workbook["Cán bộ"].iter_rows(min_row=2):
        row[0].value = f"X{row[0].value}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert import_people(admin, upload(buffer.getvalue())).ok
    assert Person.objects.get(staff_code="XNN01").ethnicity == "Nước ngoài"
    mai = Person.objects.get(staff_code="X007")
    assert (mai.party_joined_on, mai.date_of_birth) == (dt.date(2008, 5, 19), dt.date(1984, 7, 9))
    # Status is not imported: a newly imported person is at work.
    assert Person.objects.get(staff_code="XNN01").status == "dang_cong_tac"


@pytest.mark.slow
def test_sixty_thousand_people(tree, django_assert_max_num_queries, capsys):
    people = [
        Person(staff_code=f"P{n:06d}", full_name=f"Trần Văn {n}", name_folded=f"tran van {n}",
               gender="nam", staff_category="cong_chuc", unit=tree.cell_a1,
               date_of_birth=dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28),
               is_party_member=n % 2 == 0, party_cell=tree.cell_a1 if n % 2 == 0 else None)
        for n in range(60_000)
    ]
    Person.objects.bulk_create(people, batch_size=2000)
    start = time.perf_counter()
    with django_assert_max_num_queries(1):
        content = people_workbook(Person.objects.order_by("staff_code"))
    elapsed = time.perf_counter() - start
    sheet = load_workbook(io.BytesIO(content), read_only=True)["Cán bộ"]
    assert sum(1 for _row in sheet.iter_rows(values_only=True)) == 60_001
    with capsys.disabled():
        print(f"\n60000 people exported on {connection.vendor} in {elapsed:.1f} s, "
              f"{len(content) // 1024} KiB")
