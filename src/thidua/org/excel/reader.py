"""Check an uploaded workbook and read the rows of its data sheet.

An upload is untrusted: it may be any file renamed ``.xlsx``, an old ``.xls``,
a zip bomb, or a valid workbook whose header was edited. Everything that can
go wrong with the file as a whole ends as one :class:`FileError` with a
Vietnamese message; what is wrong inside a cell is left to the importers.
openpyxl parses XML through ``defusedxml`` when it is installed (it is a
dependency), which stops entity-expansion attacks.
"""

from __future__ import annotations

import datetime as dt
import logging
import zipfile
from dataclasses import dataclass, field
from itertools import chain, islice

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from thidua.core.text import clean_text, fold
from thidua.org.excel.cells import is_blank
from thidua.org.excel.columns import GUIDE_SHEET, LISTS_SHEET, SheetSpec, header_key

logger = logging.getLogger(__name__)

#: More data rows than this is not an import but a migration; refuse before using memory.
MAX_ROWS = 100_000
#: An .xlsx unpacks to about ten times its size; the cap (a multiple of the upload
#: limit) stops a zip bomb before openpyxl inflates it.
MAX_UNCOMPRESSED_FACTOR = 10
#: The header is looked for in the first rows (a title may stand above it).
HEADER_SEARCH_ROWS = 10

NOT_EXCEL = ("Tệp không phải là tệp Excel (.xlsx) hợp lệ hoặc đã bị hỏng. Hãy mở tệp bằng "
             "Excel và lưu lại dưới dạng “Excel Workbook (.xlsx)”, rồi tải lên lại.")
OLD_XLS = ("Tệp .xls (Excel 97–2003) không được hỗ trợ. Hãy mở tệp bằng Excel và lưu lại "
           "dưới dạng “Excel Workbook (.xlsx)”, rồi tải lên lại.")
OLE_FILE = ("Tệp là bảng tính Excel 97–2003 (.xls) được đổi tên, hoặc tệp .xlsx đã đặt mật "
            "khẩu. Hãy mở tệp bằng Excel, bỏ mật khẩu nếu có, lưu lại dưới dạng “Excel "
            "Workbook (.xlsx)”, rồi tải lên lại.")
#: First bytes of an OLE compound file: an old .xls, or an .xlsx encrypted with a password.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileError(Exception):
    """The file as a whole cannot be imported; ``str(error)`` is the Vietnamese reason."""


@dataclass
class SheetRow:
    """One non-blank data row: raw cell values by column key, and the cells refused outright."""

    number: int  # the row number Excel shows
    values: dict[str, object]
    problems: dict[str, str] = field(default_factory=dict)  # column key -> reason


@dataclass
class Sheet:
    title: str
    rows: list[SheetRow]
    epoch: dt.datetime  # 1900 or 1904 date system, for serial-number dates


def _upload_size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    upload.seek(0)
    return size


def _megabytes(size: int) -> str:
    """Size in MB the Vietnamese way: "20 MB", "20,5 MB"."""
    text = f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')} MB"


def check_upload(upload) -> None:
    """Refuse what is not an .xlsx before openpyxl sees it.

    The extension tells a user who picked the wrong file; the first bytes
    tell an old .xls (or a password-protected .xlsx, stored the same way)
    renamed .xlsx; the zip check (an .xlsx is a zip with
    ``[Content_Types].xml``) catches a renamed text file without parsing
    anything; the unpacked size stops a zip bomb.
    """
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith(".xls"):
        raise FileError(OLD_XLS)
    if name and not name.endswith(".xlsx"):
        raise FileError("Chỉ nhận tệp Excel có đuôi .xlsx.")
    size = _upload_size(upload)
    if size == 0:
        raise FileError("Tệp tải lên rỗng (0 byte).")
    if size > settings.UPLOAD_MAX_BYTES:
        raise FileError(f"Tệp lớn quá mức cho phép ({_megabytes(size)}; tối đa "
                        f"{_megabytes(settings.UPLOAD_MAX_BYTES)}).")
    if upload.read(len(OLE_MAGIC)) == OLE_MAGIC:
        upload.seek(0)
        raise FileError(OLE_FILE)
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise FileError(NOT_EXCEL) from exc
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in {member.filename for member in members}:
        raise FileError(NOT_EXCEL)
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED_FACTOR * settings.UPLOAD_MAX_BYTES:
        raise FileError("Tệp có cấu trúc nén bất thường, không thể đọc an toàn.")


def _data_sheet(workbook, spec: SheetSpec):
    """The sheet named like the template's data sheet, else the first other sheet."""
    sheets = workbook.worksheets
    for sheet in sheets:
        if fold(sheet.title) == fold(spec.title):
            return sheet
    helpers = {fold(GUIDE_SHEET), fold(LISTS_SHEET)}
    for sheet in sheets:
        if fold(sheet.title) not in helpers:
            return sheet
    raise FileError(f"Tệp không có trang tính dữ liệu “{spec.title}”.")


def _quoted(names) -> str:
    return ", ".join(f"“{name}”" for name in names)


def _match_header(cells, spec: SheetSpec) -> dict[int, str]:
    """Map column index → column key; refuse missing, duplicated or renamed columns.

    A missing required column is always an error. A missing optional column is
    an error only when some header is not recognised either: then it was most
    likely renamed, and importing would silently drop its data.
    """
    by_key = {key: column for column in spec.columns for key in column.match_keys()}
    ignored = {header_key(name) for name in spec.ignored}
    mapping: dict[int, str] = {}
    seen: dict[str, str] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        text = clean_text(str(cell.value)) if not is_blank(cell.value) else ""
        key = header_key(text)
        if not key or key in ignored:
            continue
        column = by_key.get(key)
        if column is None:
            unknown.append(text)
        elif column.key in seen:
            raise FileError(f"Cột “{column.header}” xuất hiện hai lần "
                            f"(cột {seen[column.key]} và cột {get_column_letter(index + 1)}).")
        else:
            seen[column.key] = get_column_letter(index + 1)
            mapping[index] = column.key
    missing = [c for c in spec.columns if c.key not in seen and (c.required or unknown)]
    if missing:
        message = f"Thiếu cột {_quoted(c.header for c in missing)}."
        if unknown:
            message += (f" Các cột không nhận ra: {_quoted(unknown)} — có thể tên cột đã bị "
                        "sửa; hãy dùng đúng tên cột như trong tệp mẫu.")
        raise FileError(message)
    return mapping


def _find_header(rows, spec: SheetSpec) -> int:
    """Index of the header row: the first of the top rows naming two known columns.

    A title line above the table ("DANH SÁCH CÁN BỘ…") is common; without any
    such row, the first non-blank row is taken so the error names its columns.
    """
    known = {key for column in spec.columns for key in column.match_keys()}
    first_filled = None
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = {header_key(cell.value) for cell in cells if not is_blank(cell.value)}
        if keys and first_filled is None:
            first_filled = index
        if len(keys & known) >= 2:
            return index
    if first_filled is None:
        raise FileError("Trang tính trống: không tìm thấy dòng tiêu đề.")
    return first_filled


def _cell_problem(cell, row_number: int, index: int) -> str | None:
    """A cell refused whatever its column: a formula, or an Excel error value."""
    data_type = cell.data_type
    if data_type not in {"f", "e"}:
        return None
    coordinate = f"{get_column_letter(index + 1)}{row_number}"
    if data_type == "f":
        return f"Ô {coordinate} chứa công thức, hãy nhập giá trị"
    return f"Ô {coordinate} chứa lỗi {cell.value}, hãy nhập giá trị"


def _data_rows(rows, first_number: int, mapping: dict[int, str]) -> list[SheetRow]:
    """The non-blank rows below the header, numbered as Excel shows them."""
    result = []
    columns = sorted(mapping.items())
    for number, cells in enumerate(rows, start=first_number):
        values: dict[str, object] = {}
        problems: dict[str, str] = {}
        width = len(cells)
        for index, key in columns:
            if index >= width:
                break
            cell = cells[index]
            value = cell.value
            if value is None:
                continue
            problem = _cell_problem(cell, number, index)
            if problem:
                problems[key] = problem
            elif not is_blank(value):
                values[key] = value
        if values or problems:
            if len(result) >= MAX_ROWS:
                raise FileError(f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS:,} dòng mỗi lần "
                                "nhập); hãy chia thành nhiều tệp.".replace(",", "."))
            result.append(SheetRow(number, values, problems))
    return result


def _open_workbook(upload):
    """openpyxl in read-only mode (rows streamed) with formulas kept, to refuse them."""
    try:
        return load_workbook(upload, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        logger.info("Unreadable workbook %r: %s", getattr(upload, "name", ""), exc)
        raise FileError(NOT_EXCEL) from exc


def read_sheet(upload, spec: SheetSpec) -> Sheet:
    """Check ``upload`` and return the non-blank data rows of its data sheet.

    Raises :class:`FileError` for anything wrong with the file as a whole:
    not an .xlsx, too big, no header, missing columns, no data rows. Rows are
    streamed from the file; only the parsed values are kept.
    """
    check_upload(upload)
    workbook = _open_workbook(upload)
    try:
        sheet = _data_sheet(workbook, spec)
        sheet.reset_dimensions()  # some writers store a wrong size; read every row
        rows = sheet.iter_rows()
        head = list(islice(rows, HEADER_SEARCH_ROWS))
        header_index = _find_header(head, spec)
        mapping = _match_header(head[header_index], spec)
        data = _data_rows(chain(head[header_index + 1:], rows), header_index + 2, mapping)
        title, epoch = sheet.title, workbook.epoch
    except FileError:
        raise
    except Exception as exc:  # a broken sheet shows only while its rows are parsed
        logger.info("Unreadable sheet in %r: %s", getattr(upload, "name", ""), exc)
        raise FileError(NOT_EXCEL) from exc
    finally:
        workbook.close()
    if not data:
        raise FileError(f"Trang tính “{title}” chỉ có dòng tiêu đề, chưa có dòng dữ liệu nào.")
    return Sheet(title, data, epoch)
