"""The downloadable templates: header, formats, drop-downs, guide sheet, and they import back."""

import io

import pytest
from django.urls import reverse

from tests.org.files import open_xlsx, upload
from thidua.org.excel.columns import PEOPLE, UNITS
from thidua.org.excel.importers import import_people, import_units
from thidua.org.models import Person, UnitKind

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client, user, kind):
    client.force_login(user)
    response = client.get(reverse("org:import_template", kwargs={"kind": kind}))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="mau-nhap-{kind}.xlsx"'
    return response.content


def validations_by_column(sheet):
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = validation
    return found


@pytest.mark.parametrize(("kind", "spec"), [("don-vi", UNITS), ("can-bo", PEOPLE)])
def test_data_sheet_has_a_styled_frozen_header_only(client, users, kind, spec):
    workbook = open_xlsx(download(client, users["secretariat"], kind))
    assert workbook.sheetnames == [spec.title, "Hướng dẫn", "Danh mục"]
    assert workbook.active.title == spec.title
    sheet = workbook[spec.title]
    header = [cell.value for cell in sheet[1]]
    assert header == [c.header + (" (*)" if c.required else "") for c in spec.columns]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1  # no example row in the data sheet
    for letter, column in zip("ABCDEFGHIJKLMNO", spec.columns, strict=False):
        assert sheet.column_dimensions[letter].width == column.width
    assert workbook["Danh mục"].sheet_state == "hidden"


def test_people_template_formats_and_dropdowns(client, users):
    workbook = open_xlsx(download(client, users["secretariat"], "can-bo"))
    sheet = workbook["Cán bộ"]
    assert sheet.column_dimensions["A"].number_format == "@"  # staff code keeps leading zeros
    assert sheet.column_dimensions["D"].number_format == "DD/MM/YYYY"  # Ngày sinh
    lists = workbook["Danh mục"]
    values = {lists.cell(1, c).value: [lists.cell(r, c).value for r in range(2, lists.max_row + 1)
                                       if lists.cell(r, c).value]
              for c in range(1, lists.max_column + 1)}
    assert values["Giới tính"] == ["Nam", "Nữ"]
    assert values["Có/Không"] == ["Có", "Không"]
    assert "Người hoạt động không chuyên trách" in values["Loại cán bộ"]
    assert len(values["Dân tộc"]) == 55 and "Ê Đê" in values["Dân tộc"]
    dropdowns = validations_by_column(sheet)
    assert set(dropdowns) == {"C", "E", "F", "H", "M"}  # gender, ethnicity, category, yes/no
    gender = dropdowns["C"]
    assert gender.type == "list" and gender.errorStyle == "stop"
    assert gender.formula1 == "'Danh mục'!$A$2:$A$3"
    assert str(gender.sqref) == "C2:C1048576"
    assert dropdowns["E"].errorStyle == "warning"  # "ede" is accepted for "Ê Đê"


def test_units_template_lists_the_active_unit_kinds(client, users):
    UnitKind.objects.create(code="hop_tac_xa", name="Hợp tác xã", sector="doanh_nghiep")
    UnitKind.objects.filter(code="vu_trang").update(is_active=False)
    workbook = open_xlsx(download(client, users["admin"], "don-vi"))
    lists = workbook["Danh mục"]
    kinds = [lists.cell(r, 1).value for r in range(2, lists.max_row + 1) if lists.cell(r, 1).value]
    assert lists.cell(1, 1).value == "Loại đơn vị"
    assert "Tỉnh ủy, Thành ủy" in kinds and "Hợp tác xã" in kinds
    assert "Đơn vị lực lượng vũ trang" not in kinds
    dropdowns = validations_by_column(workbook["Đơn vị"])
    assert set(dropdowns) == {"D", "E"}  # kind, sector


@pytest.mark.parametrize(("kind", "spec"), [("don-vi", UNITS), ("can-bo", PEOPLE)])
def test_guide_sheet_explains_every_column_with_one_example_row(client, users, kind, spec):
    guide = open_xlsx(download(client, users["secretariat"], kind))["Hướng dẫn"]
    rows = [[cell.value for cell in row] for row in guide.iter_rows()]
    first_column = [row[0] for row in rows]
    assert rows[0][0] == f"Hướng dẫn nhập {spec.noun} từ Excel"
    for column in spec.columns:
        row = rows[first_column.index(column.header)]
        assert row[1] == ("Có" if column.required else "Không")
        assert row[2] == column.guide and column.guide
    header_at = first_column.index(spec.columns[0].template_header)
    assert rows[header_at][:len(spec.columns)] == [c.template_header for c in spec.columns]
    assert rows[header_at + 1][:len(spec.columns)] == [c.example for c in spec.columns]
    text = " ".join(str(v) for row in rows for v in row if v)
    assert "không dòng nào được ghi" in text and "(*)" in text


def test_blank_template_imports_as_header_only(client, users):
    content = download(client, users["secretariat"], "can-bo")
    result = import_people(users["secretariat"], upload(content))
    assert [e.message for e in result.file_errors] == [
        "Trang tính “Cán bộ” chỉ có dòng tiêu đề, chưa có dòng dữ liệu nào."]


def test_filled_template_imports(client, tree, users):
    workbook = open_xlsx(download(client, users["secretariat"], "can-bo"))
    examples = [c.example for c in PEOPLE.columns]
    workbook["Cán bộ"].append(examples)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_people(users["secretariat"], upload(buffer.getvalue()))
    assert result.ok, result.errors
    assert Person.objects.get(staff_code="CB000123").full_name == "Nguyễn Thị Hoa"


def test_filled_units_template_imports(client, tree, users):
    workbook = open_xlsx(download(client, users["secretariat"], "don-vi"))
    workbook["Đơn vị"].append([c.example for c in UNITS.columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_units(users["secretariat"], upload(buffer.getvalue()))
    assert result.ok, result.errors
