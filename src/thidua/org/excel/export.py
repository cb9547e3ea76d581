"""The people export (.xlsx).

The columns are the import template's, with the same headers, plus the unit's
name and the person's status, so an exported file — after changing what must
change — imports back. openpyxl's write-only mode streams rows to a temporary
file, and the queryset is read with ``iterator()`` in chunks with its units
joined, so memory and the number of queries stay flat at 60,000 people.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from thidua.core import scoping
from thidua.org.excel.columns import (
    EXPORT_STATUS,
    EXPORT_UNIT_NAME,
    FOREIGN_LABEL,
    NO,
    PEOPLE,
    YES,
    Column,
)
from thidua.org.excel.template import DATE_FORMAT, HEADER_ALIGN, HEADER_FILL, HEADER_FONT
from thidua.org.models import Person

CHUNK_SIZE = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _yes_no(value: bool) -> str:
    return YES if value else NO


#: How each column reads a person (``unit`` and ``party_cell`` are joined).
VALUES: dict[str, Callable[[Person], object]] = {
    "staff_code": lambda p: p.staff_code,
    "full_name": lambda p: p.full_name,
    "gender": lambda p: p.get_gender_display(),
    "date_of_birth": lambda p: p.date_of_birth,
    "ethnicity": lambda p: FOREIGN_LABEL if p.ethnicity == "Nước ngoài" else p.ethnicity,
    "staff_category": lambda p: p.get_staff_category_display(),
    "unit_code": lambda p: p.unit.code,
    "unit_name": lambda p: p.unit.name,
    "is_party_member": lambda p: _yes_no(p.is_party_member),
    "party_cell_code": lambda p: p.party_cell.code if p.party_cell_id else "",
    "party_joined_on": lambda p: p.party_joined_on,
    "position": lambda p: p.position,
    "job_position": lambda p: p.job_position,
    "is_leader": lambda p: _yes_no(p.is_leader),
    "email": lambda p: p.email,
    "phone": lambda p: p.phone,
    "status": lambda p: p.get_status_display(),
}


def export_columns() -> list[Column]:
    """The import columns, the unit's name after its code, the status last."""
    columns: list[Column] = []
    for column in PEOPLE.columns:
        columns.append(column)
        if column.key == "unit_code":
            columns.append(EXPORT_UNIT_NAME)
    return [*columns, EXPORT_STATUS]


def _header(sheet, columns: list[Column]) -> list[WriteOnlyCell]:
    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        cells.append(cell)
    return cells


#: A text starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(sheet, value: str):
    """A cell that stays text even when ``value`` looks like a formula (CSV/formula injection)."""
    if not value.startswith(FORMULA_STARTS):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _row(sheet, person: Person, getters) -> list:
    """One person's values; dates become date cells shown dd/mm/yyyy.

    Empty text is written as no cell at all: smaller file, faster writing.
    Text that a spreadsheet would run as a formula is forced to stay text.
    """
    row = []
    for getter in getters:
        value = getter(person)
        if value == "":
            value = None
        elif isinstance(value, str):
            value = text_cell(sheet, value)
        elif isinstance(value, date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = DATE_FORMAT
            value = cell
        row.append(value)
    return row


def _scoped_cell_code(user):
    """The party cell's code only when ``user`` may see that cell (it may lie in
    another unit's subtree than the person's work unit)."""

    def code(person):
        cell = person.party_cell
        return cell.code if cell is not None and scoping.covers(user, cell.path) else ""

    return code


def people_workbook(queryset: QuerySet[Person], user=None) -> bytes:
    """The .xlsx bytes of every person in ``queryset`` (already filtered and scoped).

    The caller's ordering is kept. The query count does not depend on the
    number of people. With ``user``, party cells outside the user's scope are left blank.
    """
    columns = export_columns()
    getters = [VALUES[column.key] for column in columns]
    if user is not None:
        getters = [_scoped_cell_code(user) if c.key == "party_cell_code" else g
                   for c, g in zip(columns, getters, strict=True)]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(PEOPLE.title)
    for index, column in enumerate(columns, start=1):  # before any row, in write-only mode
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet, columns))
    people = queryset.select_related("unit", "party_cell").iterator(chunk_size=CHUNK_SIZE)
    for person in people:
        sheet.append(_row(sheet, person, getters))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def people_response(queryset: QuerySet[Person], filename: str | None = None,
                    user=None) -> HttpResponse:
    """An HTTP download of :func:`people_workbook`, named ``can-bo-YYYYMMDD.xlsx`` by default."""
    filename = filename or f"can-bo-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(people_workbook(queryset, user=user), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
