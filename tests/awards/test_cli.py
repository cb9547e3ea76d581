"""``thidua eligibility --year --unit --format json|xlsx``."""

import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook


@pytest.fixture
def graded(catalogue, people, grade, unit_grade, tree):
    grade(people["a1"], 2026, "htxs")
    grade(people["a2"], 2026, "htt")
    grade(people["a3"], 2026, "ht")
    unit_grade(tree.ward_a, 2026, "htt")
    return people


def test_json_to_stdout(graded, capsys):
    call_command("eligibility", "--year", "2026", "--unit", "PAB", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["unit"]["code"] == "PAB" and data["year"] == 2026
    names = {(c["award_type"], c["name"]) for c in data["candidates"]}
    assert ("ldtt", "Nguyễn Văn An") in names and ("cstdcs", "Nguyễn Văn An") in names
    assert ("tt_ldtt", "Đảng bộ phường An Bình") in names
    miss = next(c for c in data["near_misses"] if c["name"] == "Đặng Đức Dũng"
                and c["award_type"] == "ldtt")
    assert miss["missing"] == ["Xếp loại năm 2026: Hoàn thành tốt nhiệm vụ trở lên"]


def test_xlsx_file(graded, tmp_path):
    target = tmp_path / "ds.xlsx"
    call_command("eligibility", "--year", "2026", "--unit", "PAB", "--format", "xlsx",
                 "--output", str(target))
    sheet = load_workbook(target).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(values) if row and row[0] == "Đối tượng")
    body = values[header + 1:]
    assert any("Hạn mức CSTĐCS: tối đa 0" in (row[0] or "") for row in values[:header])
    an = [row for row in body if row[1] == "Nguyễn Văn An" and row[3] == "Lao động tiên tiến"]
    assert an and an[0][4] == "Đủ điều kiện"
    assert "✓ Xếp loại năm 2026: Hoàn thành tốt nhiệm vụ trở lên" in an[0][8]
    dung = [row for row in body if row[1] == "Đặng Đức Dũng" and row[3] == "Lao động tiên tiến"]
    assert dung[0][4] == "Gần đạt" and "Hoàn thành tốt nhiệm vụ" in dung[0][7]


def test_xlsx_message_keeps_the_file_name(graded, tmp_path, capsys):
    target = tmp_path / "danh.sach.xlsx"
    call_command("eligibility", "--year", "2026", "--unit", "PAB", "--format", "xlsx",
                 "--output", str(target))
    err = capsys.readouterr().err
    assert f"Đã ghi {target}:" in err
    assert " giây)." in err and "," in err.split("(")[-1]  # 0,4 giây: decimal comma


def test_xlsx_is_formula_safe(graded, tmp_path):
    graded["a2"].full_name = "=HYPERLINK(\"http://x\",\"y\")"
    graded["a2"].save()
    target = tmp_path / "ds.xlsx"
    call_command("eligibility", "--year", "2026", "--unit", "PAB", "--format", "xlsx",
                 "--output", str(target))
    sheet = load_workbook(target).active
    cells = [cell for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.value.startswith("=HYPERLINK")]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_unknown_unit_and_missing_output(graded):
    with pytest.raises(CommandError, match="Không có đơn vị mã “XYZ”"):
        call_command("eligibility", "--year", "2026", "--unit", "XYZ")
    with pytest.raises(CommandError, match="--output"):
        call_command("eligibility", "--year", "2026", "--unit", "PAB", "--format", "xlsx")


def test_unknown_or_manual_award_type_is_refused(graded):
    """A mistyped code used to answer an empty list, as if nobody qualified."""
    with pytest.raises(CommandError, match="Không có danh hiệu, hình thức mã “ldt”"):
        call_command("eligibility", "--year", "2026", "--unit", "PAB", "--award-type", "ldt")
    with pytest.raises(CommandError, match="Giấy khen: tiêu chuẩn do đơn vị quy định"):
        call_command("eligibility", "--year", "2026", "--unit", "PAB",
                     "--award-type", "giay_khen")


def test_only_unit_and_award_type(graded, capsys):
    call_command("eligibility", "--year", "2026", "--unit", "PAB", "--only-unit",
                 "--award-type", "ldtt")
    data = json.loads(capsys.readouterr().out)
    assert data["award_types"] == ["ldtt"]
    assert [c["name"] for c in data["near_misses"]] == ["Đặng Đức Dũng"]
