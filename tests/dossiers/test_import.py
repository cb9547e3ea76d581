"""The import: CSV and .xlsx, mixed date formats, row errors, all or nothing, upserts."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.dossiers.conftest import HEADER, csv_file, row, xlsx_file
from thidua.dossiers import excel
from thidua.dossiers.models import DossierStatus, ProcedureDossier, Timing

pytestmark = pytest.mark.django_db


def run(user, unit, upload, **kwargs):
    return excel.import_file(user, unit, upload, **kwargs)


def errors(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def test_csv_with_mixed_date_formats(users, tree, people):
    upload = csv_file([
        row("HS-1", received="04/05/2026 08:30", due="07/05/2026", resolved="06/05/2026 15:00",
            official=people["a1"].staff_code),
        row("HS-2", received="2026-05-04", due="2026-05-06", resolved="2026-05-06 16:45",
            official="nguyen van an", unit="PAB-CB1"),
        row("HS-3", received="5/5/2026", due="8/5/2026", resolved="", unit=""),
    ])
    result = run(users["secretariat"], tree.ward_a, upload)
    assert result.ok, errors(result)
    assert (result.created, result.updated, result.rows_total) == (3, 0, 3)
    by_code = {d.code: d for d in ProcedureDossier.objects.all()}
    one, two, three = by_code["HS-1"], by_code["HS-2"], by_code["HS-3"]
    assert one.timing == Timing.EARLY and one.official == people["a1"]
    assert timezone.localtime(one.received_at).strftime("%d/%m/%Y %H:%M") == "04/05/2026 08:30"
    assert two.timing == Timing.ON_TIME and two.unit == tree.cell_a1
    assert two.official == people["a1"] and two.official_name == "nguyen van an"
    assert three.unit == tree.ward_a and three.status == DossierStatus.PROCESSING
    assert three.timing == "" and three.resolved_at is None
    # A due date without a time is the end of that day.
    assert timezone.localtime(three.due_at).time() == dt.time(23, 59, 59)


def test_xlsx_with_excel_date_cells_and_comma_csv(users, tree):
    upload = xlsx_file([row("HS-X", received=dt.datetime(2026, 5, 4, 9, 0),
                            due=dt.datetime(2026, 5, 5), resolved=dt.datetime(2026, 5, 9, 8))])
    result = run(users["secretariat"], tree.ward_a, upload)
    assert result.ok, errors(result)
    assert ProcedureDossier.objects.get(code="HS-X").timing == Timing.LATE
    comma = csv_file([row("HS-C")], sep=",", bom=False)
    assert run(users["secretariat"], tree.ward_a, comma).created == 1


def test_bad_rows_are_named_and_nothing_is_written(users, tree, people):
    upload = csv_file([
        row("HS-1"),
        row("HS-2", received="31/02/2026"),
        row("HS-3", received="10/05/2026", resolved="09/05/2026 10:00", due="12/05/2026"),
        row("HS-4", received="10/05/2026", due="09/05/2026", resolved=""),
        row("HS-5", unit="XBM"),
        row("HS-6", official="Người Không Có"),
        row("HS-1"),
        row("", procedure=""),
        row("HS-9", received="mai"),
        row("HS-10", status="Đang giải quyết"),
    ])
    result = run(users["secretariat"], tree.ward_a, upload)
    assert ProcedureDossier.objects.count() == 0
    found = errors(result)
    assert (3, "Ngày tiếp nhận", "Ngày giờ “31/02/2026” không tồn tại.") in found
    assert any(r == 4 and c == "Ngày trả kết quả" and "trước ngày tiếp nhận" in m
               for r, c, m in found)
    assert any(r == 5 and c == "Hạn trả" and "trước ngày tiếp nhận" in m for r, c, m in found)
    assert any(r == 6 and c == "Đơn vị" and "XBM" in m for r, c, m in found)
    assert any(r == 7 and c == "Cán bộ xử lý" and "Người Không Có" in m for r, c, m in found)
    assert (8, "Mã hồ sơ", "Mã hồ sơ “HS-1” trùng với dòng 2 của tệp.") in found
    assert {(r, c) for r, c, _m in found if r == 9} == {(9, "Mã hồ sơ"), (9, "Thủ tục")}
    assert any(r == 10 and c == "Ngày tiếp nhận" and "không phải ngày" in m
               for r, c, m in found)
    assert any(r == 11 and c == "Trạng thái" for r, c, _m in found)
    assert result.rejected_rows == 9


def test_reimport_updates_never_duplicates(users, tree):
    run(users["secretariat"], tree.ward_a, csv_file([row("HS-1", resolved=""), row("HS-2")]))
    result = run(users["secretariat"], tree.ward_a,
                 csv_file([row("HS-1", resolved="09/05/2026 08:00"), row("HS-3")]))
    assert result.ok and (result.created, result.updated) == (1, 1)
    assert ProcedureDossier.objects.count() == 3
    assert ProcedureDossier.objects.get(code="HS-1").timing == Timing.LATE


def test_same_code_in_two_units_is_two_dossiers(users, tree):
    result = run(users["secretariat"], tree.ward_a,
                 csv_file([row("HS-1"), row("HS-1", unit="PAB-CB1")]))
    assert result.ok and result.created == 2


def test_ambiguous_official_name_asks_for_the_code(users, tree, make_person):
    make_person("Trần Văn Bảy", tree.cell_a1)
    make_person("Trần Văn Bảy", tree.cell_a2)
    result = run(users["secretariat"], tree.ward_a, csv_file([row(official="Trần Văn Bảy")]))
    assert "hãy ghi mã cán bộ" in result.errors[0].message


def test_dry_run_writes_nothing(users, tree):
    result = run(users["secretariat"], tree.ward_a, csv_file([row()]), dry_run=True)
    assert result.ok and ProcedureDossier.objects.count() == 0


def test_who_may_import(users, tree):
    for name in ("leader", "observer", "other", "norole"):
        with pytest.raises(PermissionDenied):
            run(users[name], tree.ward_a, csv_file([row()]))


def test_file_level_errors(users, tree):
    bad = SimpleUploadedFile("hoso.csv", "Mã hồ sơ;Thủ tục\n".encode("utf-16"))
    assert run(users["secretariat"], tree.ward_a, bad).errors[0].row is None
    missing = csv_file([["HS-1", "Khai sinh"]], header=["Mã hồ sơ", "Thủ tục"])
    message = run(users["secretariat"], tree.ward_a, missing).errors[0].message
    assert "Thiếu cột" in message and "Ngày tiếp nhận" in message
    latin = SimpleUploadedFile("hoso.csv", ";".join(HEADER).encode() + b"\n"
                               + b"HS;Khai sinh;H\xf4 t\xecch;04/05/2026;05/05/2026;;;;\n")
    assert "UTF-8" in run(users["secretariat"], tree.ward_a, latin).errors[0].message
    word = SimpleUploadedFile("hoso.docx", b"PK\x03\x04")
    assert "xlsx" in run(users["secretariat"], tree.ward_a, word).errors[0].message
    only_header = csv_file([])
    assert run(users["secretariat"], tree.ward_a, only_header).errors


def test_formula_cells_refused(users, tree):
    upload = xlsx_file([row("HS-F", received="=TODAY()")])
    result = run(users["secretariat"], tree.ward_a, upload)
    assert any(e.column == "Ngày tiếp nhận" and "công thức" in e.message for e in result.errors)


def test_template_has_guide(users, tree):
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(excel.build_template(tree.ward_a)))
    assert book.sheetnames == ["Hồ sơ", "Hướng dẫn"]
    headers = [c.value for c in book["Hồ sơ"][1]]
    assert headers[0] == "Mã hồ sơ (*)" and "Trạng thái" in headers


def test_large_batches_write_in_chunks(users, tree, monkeypatch):
    """Above one chunk PostgreSQL stages with COPY and upserts once; SQLite writes chunks."""
    from thidua.dossiers import domain

    monkeypatch.setattr(domain, "WRITE_CHUNK", 2)
    first = run(users["secretariat"], tree.ward_a, csv_file([row(f"HS-{i}") for i in range(5)]))
    assert first.ok and (first.created, first.updated) == (5, 0)
    again = run(users["secretariat"], tree.ward_a,
                csv_file([row(f"HS-{i}", resolved="") for i in range(3, 8)]))
    assert again.ok and (again.created, again.updated) == (3, 2)
    assert ProcedureDossier.objects.count() == 8
    updated = ProcedureDossier.objects.get(code="HS-4", unit=tree.ward_a)
    assert updated.resolved_at is None and updated.timing == ""
    assert updated.status == DossierStatus.PROCESSING


def test_csv_from_a_temporary_upload_file(users, tree):
    """Uploads above the in-memory limit arrive as temporary files: read them as a stream."""
    from django.core.files.uploadedfile import TemporaryUploadedFile

    data = csv_file([row("HS-T1"), row("HS-T2")]).read()
    upload = TemporaryUploadedFile("hoso.csv", "text/csv", len(data), "utf-8")
    upload.write(data)
    upload.seek(0)
    result = run(users["secretariat"], tree.ward_a, upload)
    assert result.ok and result.created == 2
    upload.close()


def test_oversized_csv_is_refused(users, tree, settings):
    settings.UPLOAD_MAX_BYTES = 100
    result = run(users["secretariat"], tree.ward_a, csv_file([row(f"HS-{i}") for i in range(5)]))
    assert "lớn quá mức" in result.errors[0].message


def test_a_concurrent_write_is_reported_not_raised(users, tree, monkeypatch):
    from django.db import IntegrityError

    from thidua.dossiers.models import ProcedureDossier as Model

    def clash(*args, **kwargs):
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(Model.objects, "bulk_create", clash)
    result = run(users["secretariat"], tree.ward_a, csv_file([row()]))
    assert not result.ok and "thao tác khác" in result.errors[0].message
    assert Model.objects.count() == 0


# --------------------------------------------------------------------------- review findings


def test_same_dossier_named_by_blank_and_own_unit_code_is_a_duplicate(users, tree):
    """"" and the importing unit's own code are the same unit: the second row is the same
    dossier twice (PostgreSQL refused the upsert outright, SQLite merged it silently)."""
    upload = csv_file([row("HS-1", unit=""), row("HS-1", unit="PAB")])
    result = run(users["secretariat"], tree.ward_a, upload)
    assert (3, "Mã hồ sơ", "Mã hồ sơ “HS-1” trùng với dòng 2 của tệp.") in errors(result)
    assert ProcedureDossier.objects.count() == 0


def test_control_characters_are_refused_row_by_row(users, tree):
    """A NUL byte in a CSV cell cannot be stored by PostgreSQL: refused with its row,
    never a server error."""
    upload = csv_file([row("HS-1"), row("HS-2", procedure="Khai\x00sinh"),
                       row("HS-\x003")])
    result = run(users["secretariat"], tree.ward_a, upload)
    found = errors(result)
    assert any(r == 3 and c == "Thủ tục" and "ký tự" in m for r, c, m in found), found
    assert any(r == 4 and c == "Mã hồ sơ" and "ký tự" in m for r, c, m in found), found
    assert ProcedureDossier.objects.count() == 0


def test_excel_date_cells_outside_the_years_are_refused(users, tree):
    """A date cell of 1900 (a serial number 1 formatted as a date) is as wrong as typed text."""
    upload = xlsx_file([row("HS-1", received=dt.datetime(1900, 1, 1, 8, 0),
                            due=dt.datetime(2026, 5, 5), resolved="")])
    result = run(users["secretariat"], tree.ward_a, upload)
    assert any(e.row == 2 and e.column == "Ngày tiếp nhận" and "1900" in e.message
               for e in result.errors), errors(result)
    assert ProcedureDossier.objects.count() == 0


def test_offset_dates_outside_the_years_are_refused(users, tree):
    upload = csv_file([row("HS-1", received="1899-05-04T08:30:00+07:00")])
    result = run(users["secretariat"], tree.ward_a, upload)
    assert any(e.row == 2 and e.column == "Ngày tiếp nhận" for e in result.errors)


def test_a_clash_inside_copy_is_reported_not_raised(users, tree, monkeypatch):
    """PostgreSQL's COPY runs on the driver's cursor: a unique clash there (another import
    of the same new dossiers committing first) is a conflict to report, not a server error,
    and nothing of the file stays."""
    from django.db import connection

    from thidua.dossiers import domain

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    monkeypatch.setattr(domain, "WRITE_CHUNK", 2)
    run(users["secretariat"], tree.ward_a, csv_file([row("HS-2", unit="PAB-CB1")]))
    # The other import committed after this one counted the unit's dossiers: COPY alone.
    monkeypatch.setattr(domain, "_upsert_postgresql", domain._copy_postgresql)
    result = run(users["secretariat"], tree.ward_a,
                 csv_file([row(f"HS-{i}", unit="PAB-CB1") for i in range(5)]))
    assert not result.ok and "thao tác khác" in result.errors[0].message
    assert list(ProcedureDossier.objects.values_list("code", flat=True)) == ["HS-2"]


def test_a_dossier_whose_unit_changes_is_moved_not_duplicated(users, tree):
    """First imported at the ward (no unit column), then by the same one-stop system with
    its receiving cell: the same dossier, moved, not a second one."""
    run(users["secretariat"], tree.ward_a, csv_file([row("HS-1", unit="", resolved="")]))
    result = run(users["secretariat"], tree.ward_a,
                 csv_file([row("HS-1", unit="PAB-CB1"), row("HS-2", unit="PAB-CB1")]))
    assert result.ok and (result.created, result.updated) == (1, 1), errors(result)
    moved = ProcedureDossier.objects.get(code="HS-1")
    assert moved.unit == tree.cell_a1 and moved.timing == Timing.EARLY
    assert ProcedureDossier.objects.count() == 2


def test_a_moved_dossier_on_the_copy_path(users, tree, monkeypatch):
    from thidua.dossiers import domain

    monkeypatch.setattr(domain, "WRITE_CHUNK", 2)
    run(users["secretariat"], tree.ward_a, csv_file([row(f"HS-{i}", unit="") for i in range(3)]))
    result = run(users["secretariat"], tree.ward_a,
                 csv_file([row(f"HS-{i}", unit="PAB-CB2") for i in range(5)]))
    assert result.ok and (result.created, result.updated) == (2, 3), errors(result)
    assert set(ProcedureDossier.objects.values_list("unit__code", flat=True)) == {"PAB-CB2"}
    assert ProcedureDossier.objects.count() == 5


def test_units_side_by_side_keep_their_own_dossiers_of_a_code(users, tree, monkeypatch):
    """Some one-stop systems number dossiers per unit: a cell's file never takes over the
    dossier of the same code at the cell beside it (on either write path)."""
    from thidua.dossiers import domain

    for chunk in (2000, 2):
        monkeypatch.setattr(domain, "WRITE_CHUNK", chunk)
        ProcedureDossier.objects.all().delete()
        run(users["secretariat"], tree.ward_a,
            csv_file([row(f"HS-{i}", unit="PAB-CB1") for i in range(3)]))
        result = run(users["secretariat"], tree.ward_a,
                     csv_file([row(f"HS-{i}", unit="PAB-CB2") for i in range(3)]))
        assert result.ok and (result.created, result.updated) == (3, 0)
        assert ProcedureDossier.objects.filter(unit=tree.cell_a1).count() == 3


def test_a_code_in_two_other_units_is_not_moved(users, tree):
    """When the code is already used by two units, the row names a third one: which one
    it continues is unknown, so it is a new dossier (the unit-and-code rule)."""
    run(users["secretariat"], tree.ward_a,
        csv_file([row("HS-1", unit=""), row("HS-1", unit="PAB-CB1")]))
    result = run(users["secretariat"], tree.ward_a, csv_file([row("HS-1", unit="PAB-CB2")]))
    assert result.ok and (result.created, result.updated) == (1, 0)
    assert ProcedureDossier.objects.count() == 3
