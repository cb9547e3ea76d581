"""The units importer, called directly: tree placement, parents in any order, cycles, scope."""

import pytest
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from tests.org.files import unit, units_xlsx, upload
from thidua.org.excel import importers
from thidua.org.excel.audit import creation_changes
from thidua.org.excel.importers import CONFLICT, import_units
from thidua.org.models import Person, Unit


def run(user, *records, dry_run=False, **kwargs):
    return import_units(user, upload(units_xlsx(*records, **kwargs)), dry_run=dry_run)


def errors_of(result):
    return [(e.row, e.column, e.message) for e in result.row_errors]


def fresh(code):
    return Unit.objects.get(code=code)


def test_units_go_under_their_parents_even_when_listed_before_them(tree, users):
    result = run(
        users["secretariat"],
        unit(code="PAB-TDP3-TO1", name="Tổ 1", kind="chi_bo", parent_code="PAB-TDP3"),
        unit(code="PAB-TDP3", name="Tổ dân phố 3", kind="to dan pho, thon", sector="",
             parent_code="PAB", division_code="26734"),
        unit(code="PAB-MTTQ", name="Ủy ban MTTQ phường", kind="UY BAN MAT TRAN TO QUOC",
             short_name="MTTQ", parent_code="PAB"),
        unit(code="PAB-TDP3-TO2", name="Tổ 2", kind="Chi bộ", sector="Nhà nước",
             parent_code="PAB-TDP3"),
    )
    assert result.ok, result.errors
    assert result.created == 4
    ward = fresh("PAB")
    parent = fresh("PAB-TDP3")
    assert Unit.objects.get_parent(parent) == ward and parent.depth == ward.depth + 1
    assert parent.kind.code == "to_dan_pho" and parent.sector == "nha_nuoc"
    assert parent.division_code == "26734" and parent.name_folded == "to dan pho 3"
    assert {u.code for u in Unit.objects.get_children(parent)} == {"PAB-TDP3-TO1", "PAB-TDP3-TO2"}
    assert parent.numchild == 2 and ward.numchild == 4
    assert fresh("PAB-TDP3-TO1").sector == "dang"  # from the kind
    assert fresh("PAB-TDP3-TO2").sector == "nha_nuoc"  # given
    mttq = fresh("PAB-MTTQ")
    assert (mttq.kind.code, mttq.short_name, mttq.sector) == ("uy_ban_mttq", "MTTQ", "mttq")
    assert Unit.objects.get_descendant_count(ward) == 6
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_import_writes_a_create_audit_entry_per_unit(tree, users):
    actor = users["secretariat"]
    result = run(actor, unit())
    assert result.ok, result.errors
    created = fresh("PAB-CB3")
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Unit),
                                 object_pk=str(created.pk))
    assert entry.action == LogEntry.Action.CREATE and entry.actor == actor
    assert entry.changes["code"] == ["None", "PAB-CB3"]
    assert "path" not in entry.changes  # excluded like auditlog's own entries
    by_hand = LogEntry.objects.get(content_type=entry.content_type,
                                   object_pk=str(tree.cell_a1.pk))
    assert set(entry.changes) == set(by_hand.changes)


def test_parent_outside_scope_and_unknown_parent_get_the_same_answer(tree, users):
    result = run(users["secretariat"], unit(parent_code="XBM"),
                 unit(code="PAB-CB4", parent_code="KHONG-CO"))
    assert errors_of(result) == [
        (2, "Mã đơn vị cấp trên", "Không tìm thấy đơn vị cấp trên “XBM” trong phạm vi của bạn."),
        (3, "Mã đơn vị cấp trên",
         "Không tìm thấy đơn vị cấp trên “KHONG-CO” trong phạm vi của bạn."),
    ]
    assert not Unit.objects.filter(code__in=["PAB-CB3", "PAB-CB4"]).exists()


def test_other_wards_secretariat_cannot_add_units_to_ward_a(tree, users):
    result = run(users["other"], unit())
    assert errors_of(result) == [
        (2, "Mã đơn vị cấp trên", "Không tìm thấy đơn vị cấp trên “PAB” trong phạm vi của bạn.")]


def test_inactive_parent(tree, users):
    tree.cell_a2.is_active = False
    tree.cell_a2.save()
    result = run(users["secretariat"], unit(parent_code="PAB-CB2"))
    assert errors_of(result) == [(2, "Mã đơn vị cấp trên", "Đơn vị cấp trên “PAB-CB2” đã ngừng "
                                                           "hoạt động (đã sáp nhập hoặc giải thể).")]


def test_cycles_of_parent_codes(tree, users):
    result = run(
        users["secretariat"],
        unit(code="A", parent_code="B"),
        unit(code="B", parent_code="A"),
        unit(code="C", parent_code="A"),
        unit(code="D", parent_code="D"),
        unit(code="E", parent_code="PAB"),
    )
    assert errors_of(result) == [
        (2, "Mã đơn vị cấp trên", "Các mã đơn vị cấp trên tạo thành vòng lặp: A → B → A."),
        (3, "Mã đơn vị cấp trên", "Các mã đơn vị cấp trên tạo thành vòng lặp: A → B → A."),
        (4, "Mã đơn vị cấp trên", "Không xác định được vị trí vì đơn vị cấp trên “A” thuộc "
                                  "một vòng lặp mã đơn vị cấp trên."),
        (5, "Mã đơn vị cấp trên", "Mã đơn vị cấp trên trùng với mã của chính đơn vị này."),
    ]
    assert result.rows_ok == 1
    assert not Unit.objects.filter(code="E").exists()


def test_child_of_an_invalid_row_is_not_blamed(tree, users):
    result = run(users["secretariat"], unit(code="P", kind="Không có loại này"),
                 unit(code="Q", parent_code="P"))
    assert errors_of(result) == [
        (2, "Loại đơn vị", "“Không có loại này” không có trong danh mục (xem danh sách thả "
                           "xuống và trang “Hướng dẫn” của tệp mẫu).")]


def test_duplicate_codes_in_file_and_in_database(tree, users):
    result = run(users["secretariat"], unit(), unit(name="Trùng mã"),
                 unit(code="XBM-CB1", name="Mã đã có ở xã khác"))
    assert errors_of(result) == [
        (3, "Mã đơn vị", "Mã đơn vị “PAB-CB3” trùng với dòng 2 của tệp."),
        (4, "Mã đơn vị", "Mã đơn vị “XBM-CB1” đã có trong hệ thống."),
    ]


def test_required_cells_lengths_and_enumerations(tree, users):
    result = run(users["secretariat"], unit(code=None, name="", kind=None, parent_code=" "),
                 unit(code="X" * 41, name="Tên", short_name="T" * 61, sector="Khối tư nhân",
                      division_code="26-734"))
    assert errors_of(result) == [
        (2, "Mã đơn vị", "Chưa nhập (cột bắt buộc)."),
        (2, "Tên đơn vị", "Chưa nhập (cột bắt buộc)."),
        (2, "Loại đơn vị", "Chưa nhập (cột bắt buộc)."),
        (2, "Mã đơn vị cấp trên", "Chưa nhập (cột bắt buộc)."),
        (3, "Mã đơn vị", "Dài quá 40 ký tự (hiện có 41 ký tự)."),
        (3, "Tên viết tắt", "Dài quá 60 ký tự (hiện có 61 ký tự)."),
        (3, "Khối", "“Khối tư nhân” không có trong danh sách: “Đảng”, “Nhà nước”, “MTTQ - đoàn "
                    "thể”, “Lực lượng vũ trang”, “Doanh nghiệp”."),
        (3, "Mã địa bàn hành chính", "“26-734” không hợp lệ; chỉ gồm chữ số."),
    ]


def test_all_or_nothing_when_the_last_row_is_bad(tree, users):
    records = [unit(code=f"PAB-T{n}", name=f"Tổ {n}") for n in range(10)]
    records.append(unit(code="PAB-BAD", parent_code="XBM-CB1"))
    result = run(users["secretariat"], *records)
    assert result.rejected_rows == 1 and result.created == 0
    assert not Unit.objects.filter(code__startswith="PAB-T").exists()
    assert fresh("PAB").numchild == 2


def test_dry_run_writes_nothing(tree, users):
    result = run(users["secretariat"], unit(), dry_run=True)
    assert result.ok and result.rows_ok == 1 and result.created == 0
    assert not Unit.objects.filter(code="PAB-CB3").exists()


def test_database_clash_during_write_writes_nothing(tree, users, monkeypatch):
    def clash(actor, objects):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(importers, "log_created", clash)
    result = run(users["secretariat"], unit())
    assert [e.message for e in result.file_errors] == [CONFLICT]
    assert not Unit.objects.filter(code="PAB-CB3").exists()
    assert fresh("PAB").numchild == 2


def test_superuser_may_import_anywhere(tree, make_user):
    boss = make_user("quantri", is_superuser=True)
    result = run(boss, unit(parent_code="XBM"))
    assert result.ok, result.errors
    assert Unit.objects.get_parent(fresh("PAB-CB3")) == tree.ward_b


@pytest.mark.parametrize("role", ["observer", "leader", "staff", "norole"])
def test_user_without_manage_role_is_refused(tree, users, role):
    with pytest.raises(PermissionDenied):
        run(users[role], unit())


def test_sheet_with_only_the_header(tree, users):
    result = run(users["secretariat"])
    assert [e.message for e in result.file_errors] == [
        "Trang tính “Đơn vị” chỉ có dòng tiêu đề, chưa có dòng dữ liệu nào."]


def test_missing_parent_column(tree, users):
    headers = [c.template_header for c in importers.UNITS.columns]
    headers[5] = "Cấp trên"
    result = run(users["secretariat"], unit(), headers=headers)
    assert [e.message for e in result.file_errors] == [
        "Thiếu cột “Mã đơn vị cấp trên”. Các cột không nhận ra: “Cấp trên” — có thể tên cột "
        "đã bị sửa; hãy dùng đúng tên cột như trong tệp mẫu."]


@pytest.mark.parametrize("use_json", [False, True])
def test_bulk_audit_changes_equal_auditlog_own_diff(tree, users, use_json):
    units = [tree.cell_a1, tree.ward_b]
    people = [Person.objects.create(staff_code="Z1", full_name="Mai Anh", gender="nu",
                                    staff_category="vien_chuc", unit=tree.cell_a1,
                                    is_party_member=True, party_cell=tree.cell_a1)]
    for objects in (units, people):
        assert list(creation_changes(objects, use_json)) == [
            model_instance_diff(None, obj, use_json_for_changes=use_json) for obj in objects]
