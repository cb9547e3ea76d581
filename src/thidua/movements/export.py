"""The movements app in Excel (.xlsx): the statistics workbook and the list exports.

Offices pass the figures on in Excel: to the standing committee's meeting,
into the sơ kết/tổng kết report. The statistics workbook holds what the
dashboard shows at one unit — a summary sheet with every target, and one
sheet per target with the unit itself and each child unit (value, status,
numerator, denominator, goal), then the base units that lag behind with the
people to remind — with Vietnamese headers, real numbers (percentages as
Excel percentages, so that they can be summed and charted) and dates shown
dd/mm/yyyy. It is built from the panels the view computed with the engine,
so the query count does not depend on the number of units.

The list exports (movements, registrations, practices, exemplars, manual
values, reports) go through ``thidua.core.xlsx`` and are at the end.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from thidua.core import xlsx
from thidua.core.xlsx import XLSX_TYPE
from thidua.movements import facts
from thidua.movements.charts import format_number
from thidua.movements.models import Comparator, Movement
from thidua.org.excel.template import DATE_FORMAT, HEADER_ALIGN, HEADER_FILL, HEADER_FONT

if TYPE_CHECKING:
    from thidua.movements.engine import Dashboard
    from thidua.movements.views.dashboard import Figure, Panel

PERCENT_FORMAT = "0.00%"
DECIMAL_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
TITLE_FONT = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
#: Rows above the table: title, movement, unit and date, one blank.
HEADER_ROW = 5
#: Rows of a list export read from the database at a time.
CHUNK_SIZE = 2000

SUMMARY_COLUMNS = [
    ("STT", 6), ("Chỉ tiêu", 60), ("Cách đo", 34), ("Giá trị", 12), ("So sánh", 9),
    ("Mức phải đạt", 13), ("Trạng thái", 16), ("Tử số", 11), ("Mẫu số", 11),
    ("Đối tượng", 22), ("Hạn đạt", 12),
]
TARGET_COLUMNS = [
    ("STT", 6), ("Mã đơn vị", 20), ("Tên đơn vị", 50), ("Giá trị", 12), ("Trạng thái", 18),
    ("Tử số", 11), ("Mẫu số", 11), ("Mức phải đạt", 13),
]
#: The lagging units' table under a target's table: the same first columns, then where the
#: unit lies and whom to remind.
LAGGING_COLUMNS = [*TARGET_COLUMNS, ("Thuộc đơn vị", 36), ("Người phụ trách", 40)]


def _put(sheet, row: int, column: int, value):
    """Write ``value``; text stays text even when it looks like a formula (openpyxl would
    store "=…" as a formula, which Excel runs: formula injection through a unit's name)."""
    if isinstance(value, str):
        value = xlsx.safe_text(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(xlsx.FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
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


def _header(sheet, row: int, columns: Sequence[tuple[str, int]]) -> None:
    for index, (header, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=row, column=index, value=header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        sheet.column_dimensions[get_column_letter(index)].width = width


def _prepare(sheet, columns: Sequence[tuple[str, int]], lines: Sequence[str]) -> None:
    """Title lines, the bold header row, column widths and frozen headers."""
    for row, text in enumerate(lines, start=1):
        cell = _put(sheet, row, 1, text)
        cell.font = TITLE_FONT if row == 1 else Font(italic=row > 1)
    _header(sheet, HEADER_ROW, columns)
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


def _goal_cell(sheet, row: int, panel: Panel) -> None:
    goal = sheet.cell(row=row, column=8, value=_number(panel.target.goal, panel.unit_label))
    goal.number_format = _value_format(panel.unit_label)


def write_target(sheet, movement: Movement, board: Dashboard, panel: Panel, *,
                 lagging: bool = False) -> None:
    """One target: a row per child unit of the dashboard's unit, then the unit's total,
    then — with ``lagging``, when the panels carry them — the units that do not reach
    the goal."""
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
        _goal_cell(sheet, row, panel)
    if not board.children:
        row += 1
        sheet.cell(row=row, column=3, value="Không có đơn vị trực thuộc.").font = Font(italic=True)
    row += 1
    _put(sheet, row, 2, board.root.code).font = HEADER_FONT
    _put(sheet, row, 3, f"Cộng: {board.root.name}").font = HEADER_FONT
    _figure_cells(sheet, row, 4, panel.here)
    _goal_cell(sheet, row, panel)
    if lagging:
        write_lagging(sheet, row + 2, panel)


def lagging_title(panel: Panel) -> str:
    total, shown = panel.lagging_total, len(panel.lagging)
    if not total:
        return "Đơn vị chưa đạt: không có (mọi đơn vị có số liệu đều đạt)."
    more = f", liệt kê {shown} đơn vị kém nhất" if shown < total else ""
    return f"Đơn vị chưa đạt: {total} đơn vị{more} (kém nhất trước)."


def write_lagging(sheet, row: int, panel: Panel) -> None:
    """The lagging units from ``row``: a title line, a header, one row per unit."""
    _put(sheet, row, 1, lagging_title(panel)).font = TITLE_FONT
    if not panel.lagging:
        return
    row += 1
    _header(sheet, row, LAGGING_COLUMNS)
    for number, item in enumerate(panel.lagging, start=1):
        row += 1
        sheet.cell(row=row, column=1, value=number)
        _put(sheet, row, 2, item.unit.code)
        _put(sheet, row, 3, item.unit.name)
        _figure_cells(sheet, row, 4, item.figure)
        _goal_cell(sheet, row, panel)
        _put(sheet, row, 9, item.under.name if item.under else "")
        _put(sheet, row, 10, item.remind)


def dashboard_workbook(movement: Movement, board: Dashboard, panels: list[Panel], *,
                       lagging: bool = False) -> bytes:
    """The .xlsx bytes: "Tổng hợp" then "Chỉ tiêu 1", "Chỉ tiêu 2"… in the plan's order;
    with ``lagging``, each target's sheet ends with the panel's lagging units."""
    workbook = Workbook()
    write_summary(workbook.active, movement, board, panels)
    taken = [workbook.active.title]
    for panel in panels:
        title = xlsx.unique_sheet_title(f"Chỉ tiêu {panel.number}", taken)
        taken.append(title)
        write_target(workbook.create_sheet(title), movement, board, panel, lagging=lagging)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(movement: Movement, board: Dashboard) -> str:
    """ASCII, so that every browser keeps it: bang-theo-doi-12-syn-ttn-x001-20261122.xlsx."""
    code = slugify(board.root.code) or str(board.root.pk)
    return f"bang-theo-doi-{movement.pk}-{code}-{board.as_of:%Y%m%d}.xlsx"


def dashboard_response(movement: Movement, board: Dashboard, panels: list[Panel], *,
                       lagging: bool = False) -> HttpResponse:
    response = HttpResponse(dashboard_workbook(movement, board, panels, lagging=lagging),
                            content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(movement, board)}"'
    return response


# The list screens ------------------------------------------------------------------------------
# Each list screen exports what it shows: the view builds the filtered, scoped queryset with the
# same function as its page and hands it here; these functions only say which columns, and how
# to read them from each row. Querysets are read with ``iterator()`` into a streamed sheet.

def _yes(flag) -> str:
    return "Có" if flag else ""


def _person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def movement_context(movement: Movement) -> str:
    return f"Phong trào: {movement.title} (Kế hoạch số {movement.document_number})"


MOVEMENT_COLUMNS = [
    xlsx.Column("Số, ký hiệu", 14), xlsx.Column("Tên phong trào", 60, wrap=True),
    xlsx.Column("Đơn vị ban hành", 34), xlsx.Column("Ngày ban hành", 13, xlsx.DATE),
    xlsx.Column("Bắt đầu", 12, xlsx.DATE), xlsx.Column("Kết thúc", 12, xlsx.DATE),
    xlsx.Column("Trạng thái", 18), xlsx.Column("Số đơn vị đã đăng ký", 13, xlsx.INTEGER),
    xlsx.Column("Số đơn vị được chấp nhận", 13, xlsx.INTEGER),
]


def movements_workbook(movements: QuerySet[Movement], filters_text: str) -> Workbook:
    """The movement list (annotated with its registration counts, issuer joined)."""
    rows = ([m.document_number, m.title, m.issuing_unit.name, m.issued_on, m.starts_on,
             m.ends_on, m.get_state_display(), m.registration_count, m.accepted_count]
            for m in movements.iterator(chunk_size=CHUNK_SIZE))
    return xlsx.list_workbook("Danh sách phong trào thi đua", MOVEMENT_COLUMNS, rows,
                              filters_text=filters_text, sheet_title="Phong trào")


REGISTRATION_UNIT_COLUMNS = [
    xlsx.Column("Mã đơn vị", 16), xlsx.Column("Tên đơn vị", 44), xlsx.Column("Loại đơn vị", 22),
    xlsx.Column("Tình trạng", 18), xlsx.Column("Đăng ký muộn", 12),
    xlsx.Column("Gửi lúc", 17, xlsx.DATETIME),
]
REGISTRATION_PERSON_COLUMNS = [
    xlsx.Column("Mã cán bộ", 12), xlsx.Column("Họ và tên", 30), xlsx.Column("Mã đơn vị", 16),
    xlsx.Column("Đơn vị", 40), xlsx.Column("Tình trạng", 18), xlsx.Column("Đăng ký muộn", 12),
    xlsx.Column("Gửi lúc", 17, xlsx.DATETIME),
]


def registrations_workbook(movement: Movement, rows_qs, *, people: bool, status_labels: dict,
                           filters_text: str) -> Workbook:
    """The registration board: one row per participating unit (``values()`` rows joined to
    their registration) or, with ``people``, per personal registration."""
    if people:
        columns = REGISTRATION_PERSON_COLUMNS
        rows = ([r.person.staff_code, r.person.full_name, r.unit.code, r.unit.name,
                 status_labels[r.state], _yes(r.is_late), r.submitted_at]
                for r in rows_qs.iterator(chunk_size=CHUNK_SIZE))
    else:
        columns = REGISTRATION_UNIT_COLUMNS
        rows = ([u["code"], u["name"], u["kind__name"], status_labels[u["reg__state"] or "none"],
                 _yes(u["reg__is_late"]), u["reg__submitted_at"]]
                for u in rows_qs.iterator(chunk_size=CHUNK_SIZE))
    which = "cá nhân" if people else "đơn vị"
    return xlsx.list_workbook(f"Tình hình đăng ký thi đua — {which}", columns, rows,
                              filters_text=filters_text, context=[movement_context(movement)],
                              sheet_title="Đăng ký thi đua")


def practice_columns(with_movement: bool) -> list[xlsx.Column]:
    return [
        xlsx.Column("Tên mô hình", 44, wrap=True), xlsx.Column("Lĩnh vực", 20),
        xlsx.Column("Mã đơn vị", 16), xlsx.Column("Đơn vị", 36),
        *([xlsx.Column("Phong trào", 16)] if with_movement else []),
        xlsx.Column("Bắt đầu thực hiện", 13, xlsx.DATE), xlsx.Column("Trạng thái", 18),
        xlsx.Column("Ngày công nhận", 13, xlsx.DATE), xlsx.Column("Nhân rộng", 11),
        xlsx.Column("Có minh chứng", 11),
    ]


def practices_workbook(practices, movement: Movement | None, filters_text: str) -> Workbook:
    """Practices of one movement, or of every unit the user reads (with their movement)."""
    def row(p):
        head = [p.name, p.field, p.unit.code, p.unit.name]
        if movement is None:
            head.append(p.movement.document_number if p.movement_id else "")
        return [*head, p.started_on, p.get_state_display(), p.recognised_on,
                _yes(p.for_replication), _yes(p.evidence)]

    return xlsx.list_workbook(
        "Mô hình, cách làm hay", practice_columns(movement is None),
        (row(p) for p in practices.iterator(chunk_size=CHUNK_SIZE)),
        filters_text=filters_text,
        context=[movement_context(movement)] if movement is not None else ())


EXEMPLAR_COLUMNS = [
    xlsx.Column("Điển hình", 32), xlsx.Column("Loại", 10), xlsx.Column("Mã cán bộ", 12),
    xlsx.Column("Mã đơn vị", 16), xlsx.Column("Đơn vị", 36),
    xlsx.Column("Thành tích tiêu biểu", 60, wrap=True),
    xlsx.Column("Ngày ghi nhận", 13, xlsx.DATE),
]


def exemplars_workbook(movement: Movement, exemplars) -> Workbook:
    rows = ([e.person.full_name if e.person_id else e.unit.name,
             "Cá nhân" if e.person_id else "Tập thể",
             e.person.staff_code if e.person_id else "", e.unit.code, e.unit.name,
             e.citation, e.marked_on]
            for e in exemplars.iterator(chunk_size=CHUNK_SIZE))
    return xlsx.list_workbook("Điển hình tiên tiến", EXEMPLAR_COLUMNS, rows,
                              context=[movement_context(movement)])


MANUAL_COLUMNS = [
    xlsx.Column("Mã đơn vị", 16), xlsx.Column("Đơn vị", 36),
    xlsx.Column("Ngày số liệu", 13, xlsx.DATE), xlsx.Column("Giá trị", 14, xlsx.DECIMAL),
    xlsx.Column("Ghi chú, nguồn số liệu", 50, wrap=True), xlsx.Column("Có minh chứng", 11),
    xlsx.Column("Người nhập", 26),
]


def manual_values_workbook(target, values) -> Workbook:
    """Values the units entered for one target (``entered_by`` and ``unit`` joined)."""
    rows = ([v.unit.code, v.unit.name, v.measured_on, v.value, v.note, _yes(v.evidence),
             _person_name(v.entered_by)]
            for v in values.iterator(chunk_size=CHUNK_SIZE))
    deadline = f", hạn {target.deadline:%d/%m/%Y}" if target.deadline else ""
    return xlsx.list_workbook(
        "Số liệu đơn vị nhập", MANUAL_COLUMNS, rows,
        context=[movement_context(target.movement),
                 f"Chỉ tiêu: {target.wording} — mức phải đạt "
                 f"{Comparator(target.comparator).label} {format_number(target.goal)}{deadline}"])


REPORT_BOARD_COLUMNS = [
    xlsx.Column("Mã đơn vị", 16), xlsx.Column("Đơn vị", 40), xlsx.Column("Trạng thái", 20),
    xlsx.Column("Số ngày muộn", 12, xlsx.INTEGER), xlsx.Column("Nộp lúc", 17, xlsx.DATETIME),
    xlsx.Column("Người nộp", 26),
]


def report_board_workbook(movement: Movement, milestone, reports, today: date,
                          filters_text: str) -> Workbook:
    """Every unit's report for one milestone (``unit`` and ``submitted_by`` joined)."""
    def row(report):
        report.milestone = milestone  # the board's milestone: no query per row
        return [report.unit.code, report.unit.name, facts.report_status(report, today).label,
                facts.days_late(report, today), report.submitted_at,
                _person_name(report.submitted_by)]

    return xlsx.list_workbook(
        f"Báo cáo: {milestone.title}", REPORT_BOARD_COLUMNS,
        (row(r) for r in reports.iterator(chunk_size=CHUNK_SIZE)),
        filters_text=filters_text, sheet_title="Báo cáo",
        context=[movement_context(movement), f"Hạn nộp: {milestone.due_on:%d/%m/%Y}"])


REPORT_OWED_COLUMNS = [
    xlsx.Column("Số, ký hiệu", 14), xlsx.Column("Phong trào", 44, wrap=True),
    xlsx.Column("Báo cáo", 36), xlsx.Column("Mã đơn vị", 16), xlsx.Column("Đơn vị", 36),
    xlsx.Column("Hạn nộp", 12, xlsx.DATE), xlsx.Column("Trạng thái", 20),
    xlsx.Column("Số ngày muộn", 12, xlsx.INTEGER), xlsx.Column("Nộp lúc", 17, xlsx.DATETIME),
]


def reports_owed_workbook(reports, today: date, filters_text: str) -> Workbook:
    """"Báo cáo phải nộp" (``milestone__movement`` and ``unit`` joined)."""
    def row(report):
        movement = report.milestone.movement
        return [movement.document_number, movement.title, report.milestone.title,
                report.unit.code, report.unit.name, report.milestone.due_on,
                facts.report_status(report, today).label, facts.days_late(report, today),
                report.submitted_at]

    return xlsx.list_workbook("Báo cáo phải nộp", REPORT_OWED_COLUMNS,
                              (row(r) for r in reports.iterator(chunk_size=CHUNK_SIZE)),
                              filters_text=filters_text)
