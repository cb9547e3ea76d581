"""The people importer, called directly: every bad input of the issue, and the writing."""

import datetime as dt
import io
import unicodedata
import zipfile

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from tests.org.files import people_xlsx, person, sheet_rows, upload, xlsx
from thidua.org.excel import importers
from thidua.org.excel.columns import PEOPLE
from thidua.org.excel.importers import CONFLICT, import_people
from thidua.org.models import Person


def run(user, *records, dry_run=False, **kwargs):
    return import_people(user, upload(people_xlsx(*records, **kwargs)), dry_run=dry_run)


def errors_of(result):
    return [(e.row, e.column, e.message) for e in result.row_errors]


def only_file_error(result):
    assert not result.ok and result.created == 0
    assert len(result.file_errors) == 1, result.errors
    return result.file_errors[0].message


# --------------------------------------------------------------------------- success


def test_valid_file_creates_people_with_every_field(tree, users):
    result = run(users["secretariat"], person(), person(
        staff_code="NV0002", full_name="Vũ Văn Hùng", gender="Nam", date_of_birth=None,
        ethnicity="", staff_category="Cán bộ", unit_code="PAB-CB2", is_party_member="Không",
        party_cell_code=None, party_joined_on=None, is_leader="Có", email=None, phone=None))
    assert result.ok, result.errors
    assert (result.created, result.rows_ok, result.rows_total) == (2, 2, 2)
    lan = Person.objects.get(staff_code="NV0001")
    assert lan.full_name == "Phạm Thị Lan" and lan.name_folded == "pham thi lan"
    assert (lan.gender, lan.staff_category, lan.ethnicity) == ("nu", "cong_chuc", "Kinh")
    assert lan.date_of_birth == dt.date(1985, 3, 15)
    assert lan.unit == tree.ward_a and lan.party_cell == tree.cell_a1
    assert lan.is_party_member and lan.party_joined_on == dt.date(2010, 2, 3)
    assert (lan.position, lan.job_position) == ("Chuyên viên", "Văn phòng - thống kê")
    assert not lan.is_leader and lan.status == "dang_cong_tac"
    assert (lan.email, lan.phone) == ("lan.pt@example.com", "0912345678")
    hung = Person.objects.get(staff_code="NV0002")
    assert hung.ethnicity == "Kinh" and hung.is_leader and not hung.is_party_member
    assert hung.party_cell is None and hung.date_of_birth is None
    assert hung.created_at is not None


def test_import_writes_a_create_audit_entry_per_person(tree, users):
    actor = users["secretariat"]
    result = run(actor, person(), person(staff_code="NV0002", full_name="Lý Văn Tâm"))
    assert result.ok, result.errors
    content_type = ContentType.objects.get_for_model(Person)
    for created in Person.objects.filter(staff_code__in=["NV0001", "NV0002"]):
        entry = LogEntry.objects.get(content_type=content_type, object_pk=str(created.pk))
        assert entry.action == LogEntry.Action.CREATE
        assert entry.actor == actor and entry.object_id == created.pk
        assert entry.object_repr == created.full_name
        assert entry.changes["staff_code"] == ["None", created.staff_code]
        assert entry.changes["unit"] == ["None", str(tree.ward_a.pk)]
        assert "name_folded" not in entry.changes  # excluded like auditlog's own entries


def test_audit_entry_matches_a_signal_made_entry(tree, users, make_person):
    run(users["secretariat"], person())
    stored = Person.objects.get(staff_code="NV0001")
    typed = make_person(stored.full_name, tree.ward_a, date_of_birth=stored.date_of_birth,
                        is_party_member=True, party_cell=tree.cell_a1,
                        party_joined_on=stored.party_joined_on, gender="nu",
                        position=stored.position, job_position=stored.job_position,
                        email=stored.email, phone=stored.phone)
    content_type = ContentType.objects.get_for_model(Person)
    by_hand = LogEntry.objects.get(content_type=content_type, object_pk=str(typed.pk))
    imported = LogEntry.objects.get(content_type=content_type, object_pk=str(stored.pk))
    varying = {"id", "staff_code", "created_at"}
    assert set(imported.changes) == set(by_hand.changes)
    assert {k: v for k, v in imported.changes.items() if k not in varying} == {
        k: v for k, v in by_hand.changes.items() if k not in varying}
    assert imported.changes_text == by_hand.changes_text
    assert imported.serialized_data == by_hand.serialized_data


def test_headers_match_in_any_order_without_accents_or_mark(tree, users):
    record = person()
    headers = {"staff_code": "ma can bo", "full_name": "HỌ VÀ TÊN", "gender": "Giới  tính*",
               "unit_code": "Mã đơn vị (*)", "staff_category": "loai can bo"}
    keys = ["unit_code", "staff_category", "gender", "full_name", "staff_code"]
    content = xlsx([[headers[k] for k in keys], [record[k] for k in keys]], title="Cán bộ")
    result = import_people(users["secretariat"], upload(content))
    assert result.ok, result.errors
    assert Person.objects.get(staff_code="NV0001").gender == "nu"


def test_title_rows_above_the_header_are_skipped(tree, users):
    table = sheet_rows(PEOPLE, [person()])
    content = xlsx([["DANH SÁCH CÁN BỘ PHƯỜNG AN BÌNH"], [], *table], title="Cán bộ")
    result = import_people(users["secretariat"], upload(content))
    assert result.ok, result.errors


def test_blank_rows_are_skipped_and_rows_keep_excel_numbers(tree, users):
    empty = dict.fromkeys(person())
    result = run(users["secretariat"], person(), empty, {**empty, "position": "   "},
                 person(staff_code="NV0002", gender="Khác"))
    assert result.rows_total == 2
    assert errors_of(result) == [
        (5, "Giới tính", "“Khác” không có trong danh sách: “Nam”, “Nữ”.")]
    assert not Person.objects.filter(staff_code="NV0001").exists()


def test_enumerations_match_without_accents(tree, users):
    result = run(users["secretariat"], person(
        gender="nu", ethnicity="e de", staff_category="VIEN CHUC", is_party_member="co"),
        person(staff_code="NV0002", ethnicity="bru van kieu", staff_category="khong_chuyen_trach",
               is_party_member="x", gender="NAM"),
        person(staff_code="NV0003", ethnicity="Người nước ngoài"))
    assert result.ok, result.errors
    first, second, third = Person.objects.filter(
        staff_code__in=["NV0001", "NV0002", "NV0003"]).order_by("staff_code")
    assert (first.gender, first.ethnicity, first.staff_category) == ("nu", "Ê Đê", "vien_chuc")
    assert (second.ethnicity, second.staff_category) == ("Bru - Vân Kiều", "khong_chuyen_trach")
    assert second.gender == "nam" and second.is_party_member
    assert third.ethnicity == "Nước ngoài"


def test_nfd_text_is_stored_nfc_and_folded(tree, users):
    decomposed = unicodedata.normalize("NFD", "Nguyễn  Thị\u00a0Ánh")
    result = run(users["secretariat"], person(full_name=decomposed,
                                              position=unicodedata.normalize("NFD", "Phó trưởng")))
    assert result.ok, result.errors
    stored = Person.objects.get(staff_code="NV0001")
    assert stored.full_name == "Nguyễn Thị Ánh"
    assert unicodedata.is_normalized("NFC", stored.full_name)
    assert stored.name_folded == "nguyen thi anh"
    assert stored.position == unicodedata.normalize("NFC", "Phó trưởng")


def test_numbers_typed_for_codes_and_phone(tree, users):
    result = run(users["secretariat"], person(staff_code=123456.0, phone=912345678))
    assert result.ok, result.errors
    stored = Person.objects.get(staff_code="123456")
    assert stored.phone == "0912345678"


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize("value", [
    "05/09/1985", "5/9/1985", "05-09-1985", "5.9.1985", "1985-09-05",
    dt.date(1985, 9, 5), dt.datetime(1985, 9, 5, 0, 0), 31295,
])
def test_dates_as_text_serial_number_or_date_cell(tree, users, value):
    result = run(users["secretariat"], person(date_of_birth=value))
    assert result.ok, result.errors
    assert Person.objects.get(staff_code="NV0001").date_of_birth == dt.date(1985, 9, 5)


def test_real_date_cell_with_date_format(tree, users):
    def as_date_cell(sheet):
        sheet["D2"].number_format = "DD/MM/YYYY"

    result = run(users["secretariat"], person(date_of_birth=dt.date(1979, 12, 31)),
                 before=as_date_cell)
    assert result.ok, result.errors
    assert Person.objects.get(staff_code="NV0001").date_of_birth == dt.date(1979, 12, 31)


@pytest.mark.parametrize(("value", "reason"), [
    ("31/02/1990", "Ngày “31/02/1990” không tồn tại."),
    ("12/13/1990", "Ngày “12/13/1990” không tồn tại."),
    ("1990/05/12", "“1990/05/12” không phải ngày hợp lệ; hãy ghi theo dạng ngày/tháng/năm, "
                   "ví dụ 05/09/1985."),
    ("15/3/85", "“15/3/85” không phải ngày hợp lệ; hãy ghi theo dạng ngày/tháng/năm, "
                "ví dụ 05/09/1985."),
    (1985, "Chỉ ghi năm 1985; hãy ghi đủ ngày/tháng/năm."),
    ("01/01/1850", "Ngày 01/01/1850 quá sớm (trước năm 1900)."),
    ("01/01/2999", "Ngày 01/01/2999 ở tương lai."),
])
def test_impossible_or_badly_written_dates(tree, users, value, reason):
    result = run(users["secretariat"], person(date_of_birth=value, party_joined_on=None))
    assert errors_of(result) == [(2, "Ngày sinh", reason)]
    assert not Person.objects.filter(staff_code="NV0001").exists()


# --------------------------------------------------------------------------- row errors


def test_empty_required_cells(tree, users):
    result = run(users["secretariat"], person(full_name="  ", gender=None, unit_code=None,
                                              staff_category="", staff_code=None))
    assert errors_of(result) == [
        (2, column, "Chưa nhập (cột bắt buộc).")
        for column in ("Mã cán bộ", "Họ và tên", "Giới tính", "Loại cán bộ", "Mã đơn vị")
    ]


def test_duplicate_staff_code_in_file_names_the_earlier_row(tree, users):
    result = run(users["secretariat"], person(), person(staff_code="NV0002"),
                 person(full_name="Người Thứ Ba"))
    assert errors_of(result) == [
        (4, "Mã cán bộ", "Mã cán bộ “NV0001” trùng với dòng 2 của tệp.")]
    assert result.rows_ok == 2 and result.rejected_rows == 1
    assert not Person.objects.filter(staff_code__startswith="NV").exists()


def test_staff_code_already_in_database(tree, users, people):
    taken = people["b1"].staff_code  # in ward B: uniqueness is global
    result = run(users["secretariat"], person(staff_code=taken))
    assert errors_of(result) == [(2, "Mã cán bộ", f"Mã cán bộ “{taken}” đã có trong hệ thống.")]


def test_unknown_unit_and_unit_outside_scope_get_the_same_answer(tree, users):
    result = run(users["secretariat"], person(unit_code="KHONG-CO"),
                 person(staff_code="NV0002", unit_code="XBM"))
    assert errors_of(result) == [
        (2, "Mã đơn vị", "Không tìm thấy đơn vị “KHONG-CO” trong phạm vi của bạn."),
        (3, "Mã đơn vị", "Không tìm thấy đơn vị “XBM” trong phạm vi của bạn."),
    ]


def test_other_wards_secretariat_cannot_import_into_ward_a(tree, users):
    result = run(users["other"], person(unit_code="PAB-CB1", party_cell_code="PAB-CB1"))
    assert errors_of(result) == [
        (2, "Mã đơn vị", "Không tìm thấy đơn vị “PAB-CB1” trong phạm vi của bạn."),
        (2, "Mã chi bộ", "Không tìm thấy chi bộ “PAB-CB1” trong phạm vi của bạn."),
    ]
    assert not Person.objects.filter(staff_code="NV0001").exists()


def test_inactive_unit(tree, users):
    tree.cell_a2.is_active = False
    tree.cell_a2.save()
    result = run(users["secretariat"], person(unit_code="PAB-CB2"))
    assert errors_of(result) == [(2, "Mã đơn vị", "Đơn vị “PAB-CB2” đã ngừng hoạt động (đã "
                                                  "sáp nhập hoặc giải thể).")]


def test_party_cell_must_be_a_chi_bo_in_scope(tree, users):
    result = run(users["secretariat"], person(party_cell_code="PAB"),
                 person(staff_code="NV0002", party_cell_code="XBM-CB1"))
    assert errors_of(result) == [
        (2, "Mã chi bộ", "Đơn vị “PAB” không phải chi bộ (loại đơn vị: Đảng ủy xã, phường)."),
        (3, "Mã chi bộ", "Không tìm thấy chi bộ “XBM-CB1” trong phạm vi của bạn."),
    ]


def test_party_data_only_for_party_members(tree, users):
    result = run(users["secretariat"], person(is_party_member="Không"),
                 person(staff_code="NV0002", is_party_member=None, party_cell_code=None))
    assert errors_of(result) == [
        (2, "Mã chi bộ", "Chỉ đảng viên mới có chi bộ sinh hoạt (cột “Đảng viên” đang là "
                         "“Không” hoặc để trống)."),
        (2, "Ngày vào Đảng", "Chỉ đảng viên mới có ngày vào Đảng (cột “Đảng viên” đang là "
                             "“Không” hoặc để trống)."),
        (3, "Ngày vào Đảng", "Chỉ đảng viên mới có ngày vào Đảng (cột “Đảng viên” đang là "
                             "“Không” hoặc để trống)."),
    ]


def test_party_date_after_birth(tree, users):
    result = run(users["secretariat"], person(date_of_birth="03/02/2010"))
    assert errors_of(result) == [
        (2, "Ngày vào Đảng", "Ngày vào Đảng (03/02/2010) phải sau ngày sinh (03/02/2010).")]


def test_bad_yes_no_does_not_add_party_errors(tree, users):
    result = run(users["secretariat"], person(is_party_member="Chưa"))
    assert errors_of(result) == [
        (2, "Đảng viên", "“Chưa” không hợp lệ; chỉ ghi “Có” hoặc “Không”.")]


def test_enumerations_not_in_the_list(tree, users):
    result = run(users["secretariat"], person(ethnicity="Kinh Bắc", staff_category="Hợp đồng"))
    assert errors_of(result) == [
        (2, "Dân tộc", "“Kinh Bắc” không có trong danh mục (xem danh sách thả xuống và trang "
                       "“Hướng dẫn” của tệp mẫu)."),
        (2, "Loại cán bộ", "“Hợp đồng” không có trong danh sách: “Cán bộ”, “Công chức”, "
                           "“Viên chức”, “Người lao động”, “Chiến sĩ”, “Người hoạt động không "
                           "chuyên trách”."),
    ]


def test_over_long_values_and_bad_contacts(tree, users):
    result = run(users["secretariat"], person(
        staff_code="X" * 31, full_name="A" * 121, email="khong-phai-email",
        phone="0912 345 678 máy lẻ 5"))
    assert errors_of(result) == [
        (2, "Mã cán bộ", "Dài quá 30 ký tự (hiện có 31 ký tự)."),
        (2, "Họ và tên", "Dài quá 120 ký tự (hiện có 121 ký tự)."),
        (2, "Thư điện tử", "“khong-phai-email” không phải địa chỉ thư điện tử hợp lệ."),
        (2, "Điện thoại", "Chỉ được gồm chữ số và các dấu + ( ) . -."),
    ]


def test_formula_cells_are_refused(tree, users):
    def formulas(sheet):
        sheet["B2"] = '=CONCATENATE("Phạm ","Thị Lan")'
        sheet["D2"] = "=DATE(1985,3,15)"

    result = run(users["secretariat"], person(), before=formulas)
    assert errors_of(result) == [
        (2, "Họ và tên", "Ô B2 chứa công thức, hãy nhập giá trị."),
        (2, "Ngày sinh", "Ô D2 chứa công thức, hãy nhập giá trị."),
    ]


def test_excel_error_values_are_refused(tree, users):
    result = run(users["secretariat"], person(unit_code="#N/A"))
    assert errors_of(result) == [(2, "Mã đơn vị", "Ô G2 chứa lỗi #N/A, hãy nhập giá trị.")]


def test_all_or_nothing_when_the_last_row_is_bad(tree, users):
    records = [person(staff_code=f"NV{n:04d}") for n in range(1, 30)]
    records.append(person(staff_code="NV9999", gender="?"))
    result = run(users["secretariat"], *records)
    assert result.rejected_rows == 1 and result.rows_ok == 29 and result.created == 0
    assert errors_of(result)[0][0] == 31
    assert not Person.objects.filter(staff_code__startswith="NV").exists()
    assert not LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person)).exclude(
        object_pk__in=[str(pk) for pk in Person.objects.values_list("pk", flat=True)]).exists()


def test_dry_run_validates_and_writes_nothing(tree, users):
    ok = run(users["secretariat"], person(), dry_run=True)
    assert ok.ok and ok.dry_run and ok.rows_ok == 1 and ok.created == 0
    bad = run(users["secretariat"], person(gender="X"), dry_run=True)
    assert not bad.ok and bad.rejected_rows == 1
    assert not Person.objects.filter(staff_code="NV0001").exists()


def test_database_clash_during_write_writes_nothing(tree, users, monkeypatch):
    def clash(actor, objects):
        raise importers.IntegrityError("duplicate key")

    monkeypatch.setattr(importers, "log_created", clash)
    result = run(users["secretariat"], person())
    assert [e.message for e in result.file_errors] == [CONFLICT]
    assert result.created == 0
    assert not Person.objects.filter(staff_code="NV0001").exists()


def test_user_without_manage_role_is_refused(tree, users):
    for name in ("observer", "leader", "staff", "norole"):
        with pytest.raises(PermissionDenied):
            run(users[name], person())


# --------------------------------------------------------------------------- file errors


def test_missing_required_column_names_it_and_lists_unknown_columns(tree, users):
    headers = [c.template_header for c in PEOPLE.columns]
    headers[0] = "Số hiệu cán bộ"
    headers[2] = "Phái"
    result = run(users["secretariat"], person(), headers=headers)
    assert only_file_error(result) == (
        "Thiếu cột “Mã cán bộ”, “Giới tính”. Các cột không nhận ra: “Số hiệu cán bộ”, "
        "“Phái” — có thể tên cột đã bị sửa; hãy dùng đúng tên cột như trong tệp mẫu.")


def test_renamed_optional_column_is_an_error_but_a_removed_one_is_not(tree, users):
    record = person()
    keys = ["staff_code", "full_name", "gender", "staff_category", "unit_code"]
    headers = ["Mã cán bộ", "Họ và tên", "Giới tính", "Loại cán bộ", "Mã đơn vị"]
    removed = xlsx([headers, [record[k] for k in keys]], title="Cán bộ")
    assert import_people(users["secretariat"], upload(removed)).ok
    renamed = xlsx([[*headers, "Năm sinh"], [*[record[k] for k in keys], "1985"]],
                   title="Cán bộ")
    message = only_file_error(import_people(users["secretariat"], upload(renamed)))
    assert message.startswith("Thiếu cột “Ngày sinh”, “Dân tộc”")
    assert "Các cột không nhận ra: “Năm sinh”" in message


def test_duplicated_column(tree, users):
    content = xlsx([["Mã cán bộ", "Họ và tên", "Ma can bo"], ["A", "B", "C"]])
    assert only_file_error(import_people(users["secretariat"], upload(content))) == (
        "Cột “Mã cán bộ” xuất hiện hai lần (cột A và cột C).")


def test_export_only_columns_are_ignored(tree, users):
    record = {**person(), "unit_name": "Đảng bộ phường An Bình", "status": "Đang công tác"}
    headers = [c.header for c in PEOPLE.columns]
    content = xlsx([["STT", *headers, "Đơn vị", "Trạng thái"],
                    [1, *[record[c.key] for c in PEOPLE.columns], "x", "y"]], title="Cán bộ")
    assert import_people(users["secretariat"], upload(content)).ok


def test_sheet_with_only_the_header(tree, users):
    result = run(users["secretariat"])
    assert only_file_error(result) == (
        "Trang tính “Cán bộ” chỉ có dòng tiêu đề, chưa có dòng dữ liệu nào.")


def test_empty_sheet(tree, users):
    result = import_people(users["secretariat"], upload(xlsx([])))
    assert only_file_error(result) == "Trang tính trống: không tìm thấy dòng tiêu đề."


def test_empty_file(tree, users):
    result = import_people(users["secretariat"], upload(b""))
    assert only_file_error(result) == "Tệp tải lên rỗng (0 byte)."


@pytest.mark.parametrize(("content", "name"), [
    ("Mã cán bộ;Họ và tên\nNV1;An\n".encode(), "danh-sach.xlsx"),  # a CSV renamed .xlsx
    (b"PK\x03\x04" + b"\x00" * 100, "hong.xlsx"),  # looks like a zip, is not
])
def test_not_an_excel_file(tree, users, content, name):
    message = only_file_error(import_people(users["secretariat"], upload(content, name)))
    assert message.startswith("Tệp không phải là tệp Excel (.xlsx) hợp lệ hoặc đã bị hỏng.")


def test_zip_without_workbook_parts(tree, users):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("readme.txt", "không phải Excel")
    message = only_file_error(import_people(users["secretariat"], upload(buffer.getvalue())))
    assert message.startswith("Tệp không phải là tệp Excel (.xlsx) hợp lệ")


def test_old_xls_and_other_extensions(tree, users):
    ole_header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    message = only_file_error(import_people(users["secretariat"], upload(ole_header, "cu.xls")))
    assert message.startswith("Tệp .xls (Excel 97–2003) không được hỗ trợ.")
    message = only_file_error(import_people(users["secretariat"], upload(ole_header, "cu.xlsx")))
    assert message.startswith("Tệp là bảng tính Excel 97–2003 (.xls) được đổi tên, hoặc tệp "
                              ".xlsx đã đặt mật khẩu.")
    message = only_file_error(import_people(users["secretariat"],
                                            upload(people_xlsx(person()), "du-lieu.csv")))
    assert message == "Chỉ nhận tệp Excel có đuôi .xlsx."


def test_file_over_the_size_limit(tree, users, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    message = only_file_error(run(users["secretariat"], *[
        person(staff_code=f"NV{n:04d}") for n in range(200)]))
    assert message.startswith("Tệp lớn quá mức cho phép")
