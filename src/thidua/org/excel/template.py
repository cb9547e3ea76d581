"""The downloadable import templates (.xlsx).

A template has three sheets: the data sheet (header only — an example row
there would be imported by mistake), "Hướng dẫn" explaining every column with
one example row, and a hidden "Danh mục" sheet holding the drop-down lists.
The lists live on a sheet rather than inline because Excel's inline lists
cannot contain commas ("Tỉnh ủy, Thành ủy") and are capped at 255 characters.
Unit kinds are read from the database, so a kind the admin adds appears in
the next template downloaded.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from thidua.org.excel.columns import (
    GUIDE_SHEET,
    LIST_CATEGORY,
    LIST_ETHNICITY,
    LIST_GENDER,
    LIST_SECTOR,
    LIST_UNIT_KIND,
    LIST_YES_NO,
    LISTS_SHEET,
    Column,
    SheetSpec,
    list_values,
)
from thidua.org.models import UnitKind

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
DATE_FORMAT = "DD/MM/YYYY"
TEXT_FORMAT = "@"
LAST_ROW = 1_048_576  # Excel's last row: the drop-downs cover the whole column

LIST_TITLES = {
    LIST_GENDER: "Giới tính",
    LIST_CATEGORY: "Loại cán bộ",
    LIST_SECTOR: "Khối",
    LIST_YES_NO: "Có/Không",
    LIST_ETHNICITY: "Dân tộc",
    LIST_UNIT_KIND: "Loại đơn vị",
}
#: Lists whose values the importer also accepts in other spellings (without
#: accents, by code): Excel only warns there instead of refusing.
LENIENT_LISTS = {LIST_ETHNICITY, LIST_UNIT_KIND}


def style_header_row(sheet, columns: list[Column], headers: list[str]) -> None:
    """Bold, shaded, wrapped header; widths and formats of the columns below it."""
    for index, (column, header) in enumerate(zip(columns, headers, strict=True), start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.is_date:
            dimension.number_format = DATE_FORMAT
        elif column.is_text:
            dimension.number_format = TEXT_FORMAT
    sheet.row_dimensions[1].height = 30
    sheet.freeze_panes = "A2"


def write_lists(sheet, names: list[str], unit_kinds) -> dict[str, str]:
    """Fill the hidden lists sheet; return list name → absolute range formula."""
    ranges = {}
    for index, name in enumerate(names, start=1):
        letter = get_column_letter(index)
        values = list_values(name, unit_kinds)
        sheet.cell(row=1, column=index, value=LIST_TITLES[name]).font = HEADER_FONT
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=value)
        sheet.column_dimensions[letter].width = max(len(v) for v in values) + 2
        ranges[name] = (f"{quote_sheetname(LISTS_SHEET)}!"
                        f"${letter}$2:${letter}${len(values) + 1}")
    sheet.sheet_state = "hidden"
    return ranges


def _add_dropdowns(sheet, columns: list[Column], ranges: dict[str, str]) -> None:
    """A drop-down on every column that takes a value from a list."""
    for index, column in enumerate(columns, start=1):
        if column.choices is None:
            continue
        lenient = column.choices in LENIENT_LISTS
        validation = DataValidation(
            type="list", formula1=ranges[column.choices], allow_blank=True,
            showErrorMessage=True, errorStyle="warning" if lenient else "stop",
            errorTitle="Giá trị không có trong danh sách",
            error=f"Cột “{column.header}”: hãy chọn một giá trị trong danh sách thả xuống.",
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
        sheet.add_data_validation(validation)


def write_guide(sheet, spec: SheetSpec, title: str, notes: Sequence[str], *,
                example: Sequence[tuple[Column, object]] | None = None,
                note_height: int = 32) -> None:
    """Fill a "Hướng dẫn" sheet: ``title``, one merged row per note, every column of
    ``spec`` (required or not, how to fill it) and one example row — ``example`` as
    (column, value) pairs, by default each column of ``spec`` with its own example."""
    if example is None:
        example = [(column, column.example) for column in spec.columns]
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 90
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    row = 2
    for note in notes:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        sheet.cell(row=row, column=1, value=note).alignment = WRAP
        sheet.row_dimensions[row].height = note_height
        row += 1
    row += 1
    for index, heading in enumerate(("Cột", "Bắt buộc", "Cách nhập, giá trị hợp lệ"), start=1):
        cell = sheet.cell(row=row, column=index, value=heading)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for column in spec.columns:
        row += 1
        sheet.cell(row=row, column=1, value=column.header).font = HEADER_FONT
        sheet.cell(row=row, column=2, value="Có" if column.required else "Không")
        sheet.cell(row=row, column=3, value=column.guide).alignment = WRAP
    row += 2
    sheet.cell(row=row, column=1,
               value=f"Ví dụ một dòng dữ liệu (chỉ để tham khảo, không chép vào trang "
                     f"“{spec.title}” nếu không phải dữ liệu thật):").font = HEADER_FONT
    for index, (column, value) in enumerate(example, start=1):
        cell = sheet.cell(row=row + 1, column=index, value=column.template_header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        sheet.cell(row=row + 2, column=index, value=value)
        if index > 3:
            sheet.column_dimensions[get_column_letter(index)].width = column.width


def _guide_notes(spec: SheetSpec) -> list[str]:
    """What the guide of an organisation import template says before the columns."""
    return [
        spec.purpose,
        f"Nhập dữ liệu vào trang “{spec.title}”, mỗi dòng một {spec.noun}, bắt đầu từ dòng 2. "
        "Giữ nguyên dòng tiêu đề; có thể đổi thứ tự các cột. Các cột có dấu (*) là bắt buộc. "
        "Dòng trống được bỏ qua.",
        "Chỉ nhập giá trị, không dùng công thức. Ngày ghi theo dạng ngày/tháng/năm "
        "(ví dụ 05/09/1985).",
        "Hệ thống kiểm tra toàn bộ tệp trước khi ghi: nếu có dòng sai, không dòng nào được "
        "ghi và bạn nhận được danh sách các dòng sai kèm lý do. Có thể chọn “Chỉ kiểm tra, "
        "chưa ghi dữ liệu” để kiểm tra tệp trước.",
    ]


def build_template(spec: SheetSpec) -> bytes:
    """The import template of ``spec`` as .xlsx bytes."""
    workbook = Workbook()
    data = workbook.active
    data.title = spec.title
    columns = list(spec.columns)
    style_header_row(data, columns, [c.template_header for c in columns])
    write_guide(workbook.create_sheet(GUIDE_SHEET), spec,
                f"Hướng dẫn nhập {spec.noun} từ Excel", _guide_notes(spec))
    names = list(dict.fromkeys(c.choices for c in columns if c.choices))
    unit_kinds = (list(UnitKind.objects.filter(is_active=True))
                  if LIST_UNIT_KIND in names else [])
    ranges = write_lists(workbook.create_sheet(LISTS_SHEET), names, unit_kinds)
    _add_dropdowns(data, columns, ranges)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
