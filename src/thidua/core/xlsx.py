"""Lists as Excel workbooks (.xlsx): the one way a screen exports what it shows.

A list screen builds its filtered, scoped queryset once (the same function
serves the page and the export) and hands the rows here with a column spec:

    columns = [Column("Mã đơn vị", 14), Column("Ngày nộp", 12, DATE), ...]
    workbook = list_workbook("Báo cáo phải nộp", columns, rows,
                             filters_text=filters_line(form_filters(form)))
    return xlsx_response(workbook, "bao-cao-phai-nop.xlsx")

The sheet has a bold title, the context lines the caller gives, a line
saying which filters were applied, then the bold header row (frozen, so it
stays on screen while scrolling) and the rows. Each column's ``kind`` sets
the cell type and its number format: numbers are numbers, dates are dates
shown dd/mm/yyyy, so the office can sum, sort and chart them.

Text typed by users is written so that a spreadsheet never runs it: a name
such as ``=HYPERLINK(...)`` stays text (formula injection), and characters
that XML cannot hold are dropped rather than crashing the export.

openpyxl's write-only mode streams the rows to a temporary file as they are
appended, and the response serves the saved file from disk in chunks: with a
queryset read through ``.iterator()``, memory stays flat however long the
list and the query count does not grow with it.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from django import forms
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from thidua.core.text import fold

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Column kinds ------------------------------------------------------------------------------
TEXT = "text"
INTEGER = "integer"
DECIMAL = "decimal"
PERCENT = "percent"  # the value is a fraction of one: 0.855 shows as 85,50%
DATE = "date"
DATETIME = "datetime"

NUMBER_FORMATS = {
    TEXT: None,
    INTEGER: "#,##0",
    DECIMAL: "#,##0.00",
    PERCENT: "0.00%",
    DATE: "DD/MM/YYYY",
    DATETIME: "DD/MM/YYYY HH:MM",
}

TITLE_FONT = Font(bold=True, size=13)
NOTE_FONT = Font(italic=True)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)

NO_FILTER = "Không lọc: toàn bộ danh sách trong phạm vi bạn được xem."

#: A text starting with one of these is run as a formula by spreadsheet programs
#: (the rule of ``thidua.org.excel.export``, which the people export applies).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Control characters an .xlsx (XML 1.0) cannot hold; openpyxl refuses them.
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an exported list: its Vietnamese header, width and kind."""

    header: str
    width: float = 16
    kind: str = TEXT
    wrap: bool = False  # long text (a citation, a note) wraps inside its cell

    def __post_init__(self):
        if self.kind not in NUMBER_FORMATS:
            raise ValueError(f"Unknown column kind {self.kind!r}")


# Cells ---------------------------------------------------------------------------------------
def safe_text(value) -> str:
    """``value`` as text an .xlsx can hold (control characters dropped)."""
    return _ILLEGAL.sub("", str(value))


def text_cell(sheet, value: str, *, style: dict | None = None):
    """A cell holding ``value`` as text, even when it looks like a formula.

    Returns the plain string when it needs nothing else (smaller, faster); a
    cell forced to the string type, with Excel's quote prefix, otherwise.
    """
    value = safe_text(value)
    if not style and not value.startswith(FORMULA_STARTS):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    for name, setting in (style or {}).items():
        setattr(cell, name, setting)
    return cell


def _local(value: datetime) -> datetime:
    """Excel has no time zones: an aware datetime is written as the local wall time."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def _number_cell(sheet, value, number_format: str):
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def typed_cell(sheet, column: Column, value):
    """``value`` as the cell ``column`` asks for; None and "" leave the cell empty.

    Raises ``TypeError`` when a value does not fit its column (a text in a
    number column is a bug of the caller, not something to hide in the file).
    """
    if value is None or value == "":
        return None
    kind = column.kind
    if kind == TEXT:
        return text_cell(sheet, value, style={"alignment": WRAP} if column.wrap else None)
    if kind in (INTEGER, DECIMAL, PERCENT):
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise TypeError(f"{column.header}: {value!r} is not a number")
        if kind == INTEGER and isinstance(value, float | Decimal) and value == int(value):
            value = int(value)
        return _number_cell(sheet, value, NUMBER_FORMATS[kind])
    if kind == DATE:
        if isinstance(value, datetime):
            value = _local(value).date()
        if not isinstance(value, date):
            raise TypeError(f"{column.header}: {value!r} is not a date")
        return _number_cell(sheet, value, NUMBER_FORMATS[DATE])
    if not isinstance(value, datetime):
        raise TypeError(f"{column.header}: {value!r} is not a date and time")
    return _number_cell(sheet, _local(value), NUMBER_FORMATS[DATETIME])


# The workbook --------------------------------------------------------------------------------
def header_row(context: Sequence[str] = ()) -> int:
    """The row of the header in a :func:`list_workbook`: title, ``context`` lines,
    filters line, a blank line, then the header."""
    return len(context) + 4


def list_workbook(title: str, columns: Sequence[Column], rows: Iterable[Sequence], *,
                  filters_text: str = "", context: Sequence[str] = (),
                  sheet_title: str | None = None) -> Workbook:
    """A write-only workbook of one sheet: the title, ``context`` lines, the filters
    line, a blank line, the header row (frozen) and one row per item of ``rows``.

    ``rows`` is consumed here, once: pass a generator over ``queryset.iterator()``.
    Each row holds one value per column, in the columns' order.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(unique_sheet_title(sheet_title or title))
    # Widths and frozen panes must be set before the first row, in write-only mode.
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"A{header_row(context) + 1}"
    sheet.append([text_cell(sheet, title, style={"font": TITLE_FONT})])
    for line in [*context, filters_text or NO_FILTER]:
        sheet.append([text_cell(sheet, line, style={"font": NOTE_FONT})])
    sheet.append([])
    sheet.append([text_cell(sheet, column.header, style={
        "font": HEADER_FONT, "fill": HEADER_FILL, "alignment": HEADER_ALIGN})
        for column in columns])
    width = len(columns)
    try:
        for row in rows:
            if len(row) != width:
                raise ValueError(f"A row of {len(row)} values for {width} columns")
            sheet.append([typed_cell(sheet, column, value)
                          for column, value in zip(columns, row, strict=True)])
    except BaseException:
        sheet.close()  # end the streamed sheet cleanly before the error goes up
        raise
    return workbook


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
SHEET_TITLE_MAX = 31


def unique_sheet_title(name: str, taken: Iterable[str] = ()) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of ``[]:*?/\\``, not
    starting or ending with an apostrophe, not "History" (reserved), and — Excel
    compares them ignoring case — different from every name in ``taken``."""
    base = _BAD_SHEET_CHARS.sub("-", safe_text(name)).strip().strip("'").strip()
    if not base or base.casefold() == "history":
        base = f"Trang {base}".strip() if base else "Trang"
    base = base[:SHEET_TITLE_MAX].rstrip("'").rstrip()
    used = {t.casefold() for t in taken}
    candidate, number = base, 1
    while candidate.casefold() in used:
        number += 1
        suffix = f" ({number})"
        candidate = base[:SHEET_TITLE_MAX - len(suffix)].rstrip("'").rstrip() + suffix
    return candidate


# Filters in words ----------------------------------------------------------------------------
def filters_line(pairs: Iterable[tuple[str, str]]) -> str:
    """"Điều kiện lọc: Trạng thái: Đang triển khai; Tìm: “cán bộ”." or the no-filter line."""
    parts = [f"{label}: {value}" for label, value in pairs if value]
    return f"Điều kiện lọc: {'; '.join(parts)}." if parts else NO_FILTER


def form_filters(form: forms.Form, *, always: Iterable[str] = (), skip: Iterable[str] = (),
                 labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The filters a bound filter form applied, as (label, value in words) pairs.

    An unbound or invalid form filters nothing (the list screens ignore it), so
    its fields give no pair. Empty values are left out, except for the fields in
    ``always`` whose empty choice is itself a filter ("Chưa nộp").
    """
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    always, skip, labels = set(always), set(skip), labels or {}
    pairs = []
    for name, field in form.fields.items():
        if name in skip:
            continue
        value = data.get(name, "")
        if value in (None, "", False, [], ()) and name not in always:
            continue
        label = labels.get(name) or str(field.label or name)
        pairs.append((label, _in_words(field, value)))
    return pairs


def _in_words(field: forms.Field, value) -> str:
    if isinstance(field, forms.BooleanField):
        return "có" if value else "không"
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return str(dict(_flat_choices(field.choices)).get(value, value))
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, str):
        return f"“{value}”"
    return str(value)


def _flat_choices(choices):
    for key, label in choices:
        if isinstance(label, list | tuple):
            yield from _flat_choices(label)
        else:
            yield key, label


# The response --------------------------------------------------------------------------------
#: What a file name may not hold: path separators and the characters Windows refuses.
_NAME_UNSAFE = re.compile(r'[\\/:*?"<>|]+')
#: Unicode categories never wanted in a file name: controls, format characters (a
#: right-to-left override can show "gpj.exe" as "exe.jpg"; zero-width spaces), surrogates,
#: unassigned code points, line and paragraph separators.
_NAME_INVISIBLE = {"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"}


def filename_text(filename: str) -> str:
    """``filename`` as a downloaded file may be named: NFC, every invisible or unsafe
    character dropped or made a hyphen, no leading or trailing dot, space or hyphen."""
    text = "".join(ch for ch in unicodedata.normalize("NFC", str(filename))
                   if unicodedata.category(ch) not in _NAME_INVISIBLE)
    return _NAME_UNSAFE.sub("-", text).strip(" .-")


def ascii_filename(filename: str) -> str:
    """A plain ASCII stand-in for a Vietnamese file name: "Báo cáo đợt 1.xlsx" →
    "Bao cao dot 1.xlsx" (for clients that do not read ``filename*``)."""
    text = filename_text(filename).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in _strip_marks(text) if ch.isascii() and ch.isprintable())
    text = re.sub(r'["\\;]', "", text).strip() or "danh-sach.xlsx"
    return text


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text)
                   if unicodedata.category(ch) != "Mn")


def content_disposition(filename: str, fallback: str | None = None) -> str:
    """``attachment`` with an ASCII ``filename`` (``fallback``, else the name folded to
    ASCII) and the exact UTF-8 ``filename*`` (RFC 6266). Whatever ``filename`` holds —
    quotes, newlines, slashes, bidi overrides, lone surrogates — the header stays one
    well-formed line naming a plain file."""
    readable = filename_text(filename) or "danh-sach.xlsx"
    fallback = ascii_filename(fallback or readable)
    header = f'attachment; filename="{fallback}"'
    if fallback != readable:
        header += f"; filename*=UTF-8''{quote(readable, safe='')}"
    return header


def xlsx_response(workbook: Workbook, filename: str) -> FileResponse:
    """Save ``workbook`` to a temporary file and serve it in chunks as a download."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — the response closes it when sent
    try:
        workbook.save(handle)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    response = FileResponse(handle, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "private, no-store"
    return response


def dated_filename(stem: str, day: date | None = None) -> str:
    """"tinh-hinh-dang-ky-20261122.xlsx": ``stem`` folded to ASCII words and the day."""
    day = day or timezone.localdate()
    words = re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-") or "danh-sach"
    return f"{words[:80].rstrip('-')}-{day:%Y%m%d}.xlsx"
