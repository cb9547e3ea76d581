"""Import of procedure dossiers from a .xlsx or .csv file, and the template.

The file is read as a stream: an .xlsx through org.excel's checks (type, size,
zip bomb, header matching, formulas refused) and openpyxl's read-only mode; a
.csv in UTF-8 (with or without BOM), its separator ";", "," or tab found from
the header line. Rows go one by one to :func:`thidua.dossiers.domain.check_rows`
(which keeps compact tuples), then :func:`thidua.dossiers.domain.write` writes
all of them or none. The same function imports the million-row file of the
benchmark.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import chain, islice
from types import SimpleNamespace

from django.conf import settings
from openpyxl import Workbook
from openpyxl.utils.datetime import WINDOWS_EPOCH

from thidua.dossiers import domain
from thidua.dossiers.domain import SPEC, DossierImportResult
from thidua.org.excel.cells import is_blank
from thidua.org.excel.columns import GUIDE_SHEET
from thidua.org.excel.importers import RowError
from thidua.org.excel.reader import (
    HEADER_SEARCH_ROWS,
    NOT_EXCEL,
    FileError,
    SheetRow,
    _cell_problem,
    _data_sheet,
    _find_header,
    _match_header,
    _megabytes,
    _open_workbook,
    _upload_size,
    check_upload,
)
from thidua.org.excel.template import style_header_row, write_guide
from thidua.org.models import Unit

NOTES = (
    SPEC.purpose,
    "Nhận tệp Excel (.xlsx) hoặc tệp CSV (mã UTF-8, phân cách bằng dấu chấm phẩy, dấu phẩy "
    "hoặc tab) với các cột như tệp mẫu; thứ tự cột tùy ý, dòng tiêu đề giữ nguyên tên cột. "
    "Các cột có dấu (*) là bắt buộc.",
    "Ngày ghi theo dạng ngày/tháng/năm, có thể kèm giờ:phút (04/05/2026 08:30), hoặc "
    "năm-tháng-ngày (2026-05-04), hoặc ô kiểu ngày của Excel; các dòng có thể dùng các dạng "
    "khác nhau.",
    "Hệ thống kiểm tra toàn bộ tệp trước khi ghi: nếu có dòng sai (ngày sai, trả kết quả trước "
    "ngày tiếp nhận, hạn trả trước ngày tiếp nhận, đơn vị hoặc cán bộ không có, mã hồ sơ trùng "
    "trong tệp…), không dòng nào được ghi và bạn nhận được danh sách các dòng sai kèm lý do.",
)

CSV_ENCODING_ERROR = ("Tệp CSV không phải mã UTF-8. Hãy lưu lại tệp dưới dạng “CSV UTF-8” "
                      "rồi tải lên lại.")
TYPE_ERROR = "Chỉ nhận tệp Excel (.xlsx) hoặc tệp CSV (.csv)."


# --------------------------------------------------------------------------- reading


def _cells(values) -> list:
    return [SimpleNamespace(value=value) for value in values]


def _csv_rows(upload, max_bytes: int | None):
    """(epoch, rows) of a CSV upload; raises FileError for the file as a whole."""
    if max_bytes is not None:
        size = _upload_size(upload)
        if size == 0:
            raise FileError("Tệp tải lên rỗng (0 byte).")
        if size > max_bytes:
            raise FileError(f"Tệp lớn quá mức cho phép ({_megabytes(size)}; tối đa "
                            f"{_megabytes(max_bytes)}).")
    raw = getattr(upload, "file", upload)
    raw.seek(0)
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
    except UnicodeDecodeError as exc:
        raise FileError(CSV_ENCODING_ERROR) from exc
    if not first.strip():
        raise FileError("Tệp CSV trống: không tìm thấy dòng tiêu đề.")
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(chain([first], text), delimiter=delimiter)
    try:
        head = list(islice(reader, HEADER_SEARCH_ROWS))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileError(CSV_ENCODING_ERROR if isinstance(exc, UnicodeDecodeError)
                        else f"Tệp CSV hỏng: {exc}.") from exc
    head_cells = [_cells(values) for values in head]
    header_index = _find_header(head_cells, SPEC)
    mapping = sorted(_match_header(head_cells[header_index], SPEC).items())
    width = mapping[-1][0] + 1

    def rows() -> Iterator[SheetRow]:
        number = header_index + 1
        try:
            for values in chain(head[header_index + 1:], reader):
                number += 1
                if len(values) < width:
                    values = values + [""] * (width - len(values))
                # Blank-looking cells ("  ") go on: the row checker treats them as blank.
                found = {key: values[index] for index, key in mapping if values[index]}
                if found and any(not value.isspace() for value in found.values()):
                    yield SheetRow(number, found)
        except UnicodeDecodeError as exc:
            raise FileError(CSV_ENCODING_ERROR) from exc
        except csv.Error as exc:
            raise FileError(f"Tệp CSV hỏng ở dòng {number}: {exc}.") from exc
        finally:
            text.detach()

    return WINDOWS_EPOCH, rows()


def _xlsx_rows(upload):
    check_upload(upload)
    workbook = _open_workbook(upload)
    try:
        sheet = _data_sheet(workbook, SPEC)
        sheet.reset_dimensions()
        raw = sheet.iter_rows()
        head = list(islice(raw, HEADER_SEARCH_ROWS))
        header_index = _find_header(head, SPEC)
        mapping = sorted(_match_header(head[header_index], SPEC).items())
    except FileError:
        workbook.close()
        raise
    except Exception as exc:  # a broken sheet shows only while it is parsed
        workbook.close()
        raise FileError(NOT_EXCEL) from exc

    def rows() -> Iterator[SheetRow]:
        try:
            for number, row_cells in enumerate(chain(head[header_index + 1:], raw),
                                               start=header_index + 2):
                values, problems = {}, {}
                width = len(row_cells)
                for index, key in mapping:
                    if index >= width:
                        break
                    cell = row_cells[index]
                    if cell.value is None:
                        continue
                    problem = _cell_problem(cell, number, index)
                    if problem:
                        problems[key] = problem
                    elif not is_blank(cell.value):
                        values[key] = cell.value
                if values or problems:
                    yield SheetRow(number, values, problems)
        except FileError:
            raise
        except Exception as exc:
            raise FileError(NOT_EXCEL) from exc
        finally:
            workbook.close()

    return workbook.epoch, rows()


def read_rows(upload, *, max_bytes: int | None):
    """(epoch, rows) of an upload by its name: .xlsx or .csv."""
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith(".csv") or name.endswith(".txt"):
        return _csv_rows(upload, max_bytes)
    if name.endswith(".xlsx"):
        return _xlsx_rows(upload)
    raise FileError(TYPE_ERROR)


def import_file(user, unit: Unit, upload, *, dry_run: bool = False,
                max_bytes: int | None = -1) -> DossierImportResult:
    """Check every row of ``upload``, then upsert all of them in one transaction (or none).

    ``max_bytes``: the CSV size limit (default the upload limit; ``None`` for a
    file the server itself reads, as the benchmark does).
    """
    domain.require_importer(user, unit)
    if max_bytes == -1:
        max_bytes = settings.UPLOAD_MAX_BYTES
    result = domain.new_result(dry_run=dry_run)
    try:
        epoch, rows = read_rows(upload, max_bytes=max_bytes)
        checked = domain.check_rows(unit, rows, result, epoch)
    except FileError as exc:
        result.errors = domain.CappedErrors(result)
        result.errors.append(RowError(None, "", str(exc)))
        return result
    if not result.rows_total:
        result.errors.append(RowError(None, "", "Tệp chỉ có dòng tiêu đề, chưa có dòng dữ "
                                                "liệu nào."))
    if result.errors or dry_run:
        return result
    try:
        result.created, result.updated = domain.write(checked)
    except domain.WriteConflict as exc:
        result.errors.append(RowError(None, "", str(exc)))
    return result


# --------------------------------------------------------------------------- template


def build_template(unit: Unit) -> bytes:
    workbook = Workbook()
    data = workbook.active
    data.title = SPEC.title
    columns = list(SPEC.columns)
    style_header_row(data, columns, [c.template_header for c in columns])
    write_guide(workbook.create_sheet(GUIDE_SHEET), SPEC,
                f"Hướng dẫn nhập hồ sơ thủ tục hành chính — {unit.name}", NOTES)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
