"""The dashboard as an Excel workbook (.xlsx).

Offices pass the figures on in Excel: to the standing committee's meeting,
into the sơ kết/tổng kết report. The workbook holds what the dashboard
shows at one unit — a summary sheet with every target, and one sheet per
target with the value of each child unit — with Vietnamese headers, real
numbers (percentages as Excel percentages, so that they can be summed and
charted) and dates shown dd/mm/yyyy. It is built from the panels the view
already computed, so the export costs no query beyond the page's own.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from thidua.movements.models import Comparator
from thidua.org.excel.export import XLSX_TYPE
from thidua.org.excel.template import DATE_FORMAT, HEADER_ALIGN, HEADER_FILL, HEADER_FONT

if TYPE_CHECKING:
    from thidua.movements.engine import Dashboard
    from thidua.movements.models import Movement
    from thidua.movements.views.dashboard import Figure, Panel

PERCENT_FORMAT = "0.00%"
DECIMAL_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
TITLE_FONT = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
#: Rows above the table: title, movement, unit and date, one blank.
HEADER_ROW = 5

SUMMARY_COLUMNS = [
    ("STT", 6), ("Chỉ tiêu", 60), ("Cách đo", 34), ("Giá trị", 12), ("So sánh", 9),
    ("Mức phải đạt", 13), ("Trạng thái", 16), ("Tử số", 11), ("Mẫu số", 11),
    ("Đối tượng", 22), ("Hạn đạt", 12),
]
TARGET_COLUMNS = [
    ("STT", 6), ("Mã đơn vị", 20), ("Tên đơn vị", 50), ("Giá trị", 12), ("Trạng thái", 18),
    ("Tử số", 11), ("Mẫu số", 11),
]


def _put(sheet, row: int, column: int, value):
    """Write ``value``; text stays text even when it starts with "=" (openpyxl would
    store it as a formula, which Excel runs: formula injection through a unit's name)."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _is_percent(unit_label: str) -> bool:
    return unit_label == "%"


def _number(value, unit_label: str) -> float | None:
    """A dashboard value as Excel should hold it: 85.5 % as 0.855."""
    if value is None:
        return None
    return float(value) / 100 if _is_percent(unit_label) else float(value)


def _value_format(unit_label: str) -> str:
    return PERCENT_FORMAT if _is_percent(unit_label) else DECIMAL_FORMAT


def _count_format(figure: Figure) -> str:
    return DECIMAL_FORMAT if figure.counted == "mean" else COUNT_FORMAT


def _prepare(sheet, columns: Sequence[tuple[str, int]], lines: Sequence[str]) -> None:
    """Title lines, the bold header row, column widths and frozen headers."""
    for row, text in enumerate(lines, start=1):
        cell = _put(sheet, row, 1, text)
        cell.font = TITLE_FONT if row == 1 else Font(italic=row > 1)
    for index, (header, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)


def _figure_cells(sheet, row: int, column: int, figure: Figure) -> None:
    """Value, status, numerator and denominator from ``column`` on."""
    value = sheet.cell(row=row, column=column, value=_number(figure.value, figure.unit_label))
    value.number_format = _value_format(figure.unit_label)
    _put(sheet, row, column + 1, figure.status_label)
    for offset, number in ((2, figure.numerator), (3, figure.denominator)):
        cell = sheet.cell(row=row, column=column + offset, value=number)
        cell.number_format = _count_format(figure)


def _context_lines(movement: Movement, board: Dashboard) -> list[str]:
    return [
        f"Phong trào: {movement.title} (Kế hoạch số {movement.document_number})",
        f"Đơn vị: {board.root.name} — số liệu đến ngày {board.as_of:%d/%m/%Y}",
    ]


def write_summary(sheet, movement: Movement, board: Dashboard, panels: list[Panel]) -> None:
    sheet.title = "Tổng hợp"
    _prepare(sheet, SUMMARY_COLUMNS,
             ["BẢNG THEO DÕI CHỈ TIÊU THI ĐUA", *_context_lines(movement, board)])
    for offset, panel in enumerate(panels, start=1):
        row = HEADER_ROW + offset
        target, here = panel.target, panel.here
        sheet.cell(row=row, column=1, value=panel.number)
        _put(sheet, row, 2, target.wording).alignment = WRAP
        _put(sheet, row, 3, panel.indicator.describe(target.params or {}))
        value = sheet.cell(row=row, column=4, value=_number(here.value, panel.unit_label))
        value.number_format = _value_format(panel.unit_label)
        sheet.cell(row=row, column=5, value=Comparator(target.comparator).label)
        goal = sheet.cell(row=row, column=6, value=_number(target.goal, panel.unit_label))
        goal.number_format = _value_format(panel.unit_label)
        _put(sheet, row, 7, here.status_label)
        for column, number in ((8, here.numerator), (9, here.denominator)):
            sheet.cell(row=row, column=column, value=number).number_format = _count_format(here)
        _put(sheet, row, 10, panel.noun)
        deadline = sheet.cell(row=row, column=11, value=target.deadline)
        deadline.number_format = DATE_FORMAT


def write_target(sheet, movement: Movement, board: Dashboard, panel: Panel) -> None:
    """One target: a row per child unit of the dashboard's unit, then the unit's total."""
    deadline = f"{panel.target.deadline:%d/%m/%Y}" if panel.target.deadline else "không đặt hạn"
    _prepare(sheet, TARGET_COLUMNS, [
        f"Chỉ tiêu {panel.number}: {panel.target.wording}",
        f"Mục tiêu {panel.goal_text}, hạn đạt: {deadline}. {_context_lines(movement, board)[0]}",
        _context_lines(movement, board)[1],
    ])
    row = HEADER_ROW
    for number, (child, figure) in enumerate(zip(board.children, panel.children, strict=True),
                                             start=1):
        row += 1
        sheet.cell(row=row, column=1, value=number)
        _put(sheet, row, 2, child.code)
        _put(sheet, row, 3, child.name)
        _figure_cells(sheet, row, 4, figure)
    if not board.children:
        row += 1
        sheet.cell(row=row, column=3, value="Không có đơn vị trực thuộc.").font = Font(italic=True)
    row += 1
    _put(sheet, row, 2, board.root.code).font = HEADER_FONT
    _put(sheet, row, 3, f"Cộng: {board.root.name}").font = HEADER_FONT
    _figure_cells(sheet, row, 4, panel.here)


def dashboard_workbook(movement: Movement, board: Dashboard, panels: list[Panel]) -> bytes:
    """The .xlsx bytes: "Tổng hợp" then "Chỉ tiêu 1", "Chỉ tiêu 2"… in the plan's order."""
    workbook = Workbook()
    write_summary(workbook.active, movement, board, panels)
    for panel in panels:
        write_target(workbook.create_sheet(f"Chỉ tiêu {panel.number}"), movement, board, panel)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(movement: Movement, board: Dashboard) -> str:
    """ASCII, so that every browser keeps it: bang-theo-doi-12-syn-ttn-x001-20261122.xlsx."""
    code = slugify(board.root.code) or str(board.root.pk)
    return f"bang-theo-doi-{movement.pk}-{code}-{board.as_of:%Y%m%d}.xlsx"


def dashboard_response(movement: Movement, board: Dashboard, panels: list[Panel]) -> HttpResponse:
    response = HttpResponse(dashboard_workbook(movement, board, panels), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(movement, board)}"'
    return response
