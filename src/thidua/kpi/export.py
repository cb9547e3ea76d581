"""A unit's month and year of KPI grading as Excel workbooks (.xlsx).

Built from the rows the pages already read (``kpi.queries``), so an export
costs no query beyond the page's own. Vietnamese headers, scores as real
numbers (two decimals), the grades by their short labels (HTXS, HTT, HT, KHT,
spelled out above the table), frozen headers, column widths; every text from
the data goes through :func:`thidua.org.excel.export.text_cell`, so a name
starting with "=" stays text (no formula injection). Write-only mode streams
the rows.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from thidua.kpi.policy import Grade
from thidua.kpi.queries import MonthRow, YearTable
from thidua.org.excel.export import XLSX_TYPE, text_cell
from thidua.org.excel.template import HEADER_ALIGN, HEADER_FILL, HEADER_FONT
from thidua.org.models import Unit

SCORE_FORMAT = "0.00"
TITLE_FONT = Font(bold=True, size=13)
LEGEND = "; ".join(f"{Grade.SHORT[g]}: {Grade.LABELS[g]}" for g in Grade.ORDER) + "."

MONTH_COLUMNS = [
    ("STT", 6), ("Mã cán bộ", 14), ("Họ và tên", 28), ("Chức vụ", 24), ("Nhóm nhiệm vụ", 20),
    ("Lãnh đạo, quản lý", 11), ("Tình trạng phiếu", 16), ("Điểm", 9), ("Xếp loại", 10),
    ("Xếp hạng", 9), ("Ghi chú", 40),
]


def year_columns() -> list[tuple[str, int]]:
    columns = [("STT", 6), ("Mã cán bộ", 14), ("Họ và tên", 28), ("Chức vụ", 24)]
    for month in range(1, 13):
        columns += [(f"Tháng {month} — điểm", 9), (f"Tháng {month} — xếp loại", 9)]
    for quarter in range(1, 5):
        columns += [(f"Quý {quarter} — điểm", 9), (f"Quý {quarter} — xếp loại", 9)]
    return columns + [("Năm — điểm", 10), ("Năm — xếp loại", 10), ("Số tháng được chốt", 9),
                      ("Ghi chú", 40)]


def _text(sheet, value: str | None):
    return text_cell(sheet, value) if value else None


def _score(sheet, value):
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=float(value))
    cell.number_format = SCORE_FORMAT
    return cell


def _grade(grade: str | None) -> str | None:
    return Grade.SHORT[grade] if grade else None


def _begin(sheet, columns: Sequence[tuple[str, int]], lines: Sequence[str]) -> None:
    """Widths and frozen header (before any row, in write-only mode), title, header row."""
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = len(lines) + 2
    sheet.freeze_panes = f"A{header_row + 1}"
    for number, line in enumerate(lines):
        cell = WriteOnlyCell(sheet, value=line)  # fixed words first: never a formula
        cell.font = TITLE_FONT if number == 0 else Font(italic=True)
        sheet.append([cell])
    sheet.append([])
    header = []
    for title, _width in columns:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        header.append(cell)
    sheet.append(header)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def month_workbook(unit: Unit, month, rows: Sequence[MonthRow], *, closed: bool) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"Tháng {month.month:02d}-{month.year}")
    state = "đã khóa sổ" if closed else "đang đánh giá, số liệu chưa chốt"
    _begin(sheet, MONTH_COLUMNS, [
        f"KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI THÁNG {month.month}/{month.year}",
        f"Đơn vị: {unit.name} ({unit.code}) — {state}; xuất ngày "
        f"{timezone.localdate():%d/%m/%Y}",
        LEGEND,
    ])
    for number, row in enumerate(rows, start=1):
        sheet.append([
            number, _text(sheet, row.staff_code), _text(sheet, row.name),
            _text(sheet, row.position), row.group_label, "Có" if row.is_leader else "Không",
            row.state_label, _score(sheet, row.score if row.sheet_id else None),
            None if row.state == "khong_danh_gia" else _grade(row.grade), row.rank,
            _text(sheet, row.note),
        ])
    return _save(workbook)


def year_workbook(table: YearTable) -> bytes:
    unit = table.unit
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"Năm {table.year}")
    _begin(sheet, year_columns(), [
        f"KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI NĂM {table.year}",
        f"Đơn vị: {unit.name} ({unit.code}) — quý và năm: {table.method_label.lower()} đã "
        f"chốt; xuất ngày "
        f"{timezone.localdate():%d/%m/%Y}",
        LEGEND,
    ])
    for number, row in enumerate(table.rows, start=1):
        values = [number, _text(sheet, row.staff_code), _text(sheet, row.name),
                  _text(sheet, row.position)]
        for cell in (*row.months, *row.quarters, row.year):
            values += [_score(sheet, cell.score), _grade(cell.grade)]
        values += [row.graded_months, _text(sheet, row.note)]
        sheet.append(values)
    return _save(workbook)


def _response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _code(unit: Unit) -> str:
    return slugify(unit.code) or str(unit.pk)


def month_response(unit: Unit, month, rows, *, closed: bool) -> HttpResponse:
    """kpi-thang-2026-05-pab.xlsx: ASCII, so every browser keeps the name."""
    return _response(month_workbook(unit, month, rows, closed=closed),
                     f"kpi-thang-{month:%Y-%m}-{_code(unit)}.xlsx")


def year_response(table: YearTable) -> HttpResponse:
    return _response(year_workbook(table), f"kpi-nam-{table.year}-{_code(table.unit)}.xlsx")
