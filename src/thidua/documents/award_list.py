"""The list of candidates or awardees that the award documents are made from, read from .xlsx.

Until the awards app (issue 8) keeps proposals and decisions, the unit's office
types the list in Excel: one row per person or collective with the position,
the unit, the form, the achievements and, for a decision, the reward money.
The org Excel machinery reads it (:func:`thidua.org.excel.reader.read_sheet`
refuses what is not a clean .xlsx; :class:`~thidua.org.excel.importers.RowChecker`
records one error per row, column and reason). The list is all or nothing:
when any row is wrong no line is returned.

Nothing is written to the database. The view keeps the checked lines in the
user's session (:func:`to_stored` / :func:`from_stored`), bounded by
:data:`MAX_LINES` rows and :data:`MAX_STORED_CHARS` characters.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from thidua.documents.award_docs import AwardLine, thousands
from thidua.org.excel import cells
from thidua.org.excel.cells import CellError
from thidua.org.excel.columns import GUIDE_SHEET, LIST_YES_NO, LISTS_SHEET, Column, SheetSpec
from thidua.org.excel.importers import ImportResult, RowChecker, RowError, read_upload
from thidua.org.excel.template import (
    LAST_ROW,
    style_header_row,
    write_guide,
    write_lists,
)

#: Rows of one list: a ward's year is a few hundred; beyond this, split the file.
MAX_LINES = 2000
#: The stored list (JSON) may not exceed this many characters (the session's bound).
MAX_STORED_CHARS = 1_500_000
#: A reward above this is a typing slip (10 tỷ đồng).
MAX_AMOUNT = 10_000_000_000
#: Lengths of the texts of one line.
LENGTHS = {"name": 255, "position": 255, "unit_name": 255, "form_label": 255,
           "achievements": 1000}
#: The version of the stored format; another version is dropped, not misread.
STORED_VERSION = 1

_DIGITS = re.compile(r"^\d+$")
#: 1.500.000, 1,500,000, 1 500 000 (groups of three after the first).
_GROUPED = re.compile(r"^\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*$")
_CURRENCY = re.compile(r"\s*(?:đồng|đ|vnđ|vnd)\.?$", re.IGNORECASE)

AWARD_LIST = SheetSpec(
    slug="danh-sach-khen-thuong",
    title="Danh sách",
    noun="tập thể, cá nhân",
    purpose=(
        "Mỗi dòng của trang “Danh sách” là một cá nhân hoặc một tập thể được đề nghị khen "
        "thưởng (tờ trình) hoặc được khen thưởng (quyết định, giấy khen). Thứ tự các dòng là "
        "thứ tự trong văn bản; tập thể và cá nhân được xếp thành hai nhóm."
    ),
    columns=(
        Column("name", "Họ và tên / Tên tập thể", required=True, width=32,
               example="Nguyễn Thị Hoa",
               aliases=("Họ và tên", "Họ tên", "Tên tập thể", "Họ và tên / Tập thể",
                        "Tên cá nhân, tập thể", "Cá nhân, tập thể"),
               guide="Họ và tên của cá nhân, hoặc tên đầy đủ của tập thể; tối đa 255 ký tự."),
        Column("collective", "Là tập thể (Có/Không)", width=14, choices=LIST_YES_NO,
               example="Không", aliases=("Là tập thể", "Tập thể"),
               guide="“Có” nếu dòng là một tập thể; để trống là “Không” (cá nhân)."),
        Column("position", "Chức vụ", width=24, example="Chuyên viên",
               guide="Không bắt buộc (tập thể để trống); tối đa 255 ký tự."),
        Column("unit_name", "Đơn vị", width=32, example="Văn phòng Đảng ủy",
               aliases=("Đơn vị công tác", "Tên đơn vị"),
               guide="Không bắt buộc: đơn vị công tác của cá nhân, hoặc đơn vị cấp trên của "
                     "tập thể; tối đa 255 ký tự."),
        Column("form_label", "Hình thức khen thưởng", width=24, example="Giấy khen",
               aliases=("Hình thức", "Danh hiệu, hình thức", "Hình thức đề nghị"),
               guide="Không bắt buộc; để trống thì dùng hình thức ghi trên văn bản (chọn khi "
                     "tải văn bản)."),
        Column("achievements", "Thành tích", width=50,
               example="Hoàn thành xuất sắc nhiệm vụ năm 2026",
               aliases=("Thành tích đạt được", "Tóm tắt thành tích"),
               guide="Không bắt buộc; in trong danh sách của tờ trình và trên giấy khen. Tối "
                     "đa 1.000 ký tự."),
        Column("amount", "Số tiền thưởng (đồng)", width=18, example="500000",
               aliases=("Số tiền thưởng", "Tiền thưởng", "Số tiền"),
               guide="Không bắt buộc; chỉ dùng cho quyết định. Số đồng, không âm, ví dụ "
                     "500000 hoặc 500.000."),
    ),
)
#: The serial-number column written first in the template (ignored when reading).
SERIAL = Column("serial", "STT", width=6)


# --------------------------------------------------------------------------- cells

def as_amount(value) -> int:
    """A reward in đồng: a number cell, or text such as ``1.500.000`` or ``500000 đồng``."""
    if isinstance(value, bool):
        raise CellError("không phải số tiền; hãy ghi số đồng, ví dụ 500000")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError("không phải số tiền; hãy ghi số đồng, ví dụ 500000")
        if not value.is_integer():
            raise CellError(f"{cells.as_text(value).replace('.', ',')} không phải số đồng "
                            "nguyên")
        value = int(value)
    if not isinstance(value, int):
        typed = cells.as_text(value)
        text = _CURRENCY.sub("", typed).strip()
        sign = -1 if text.startswith("-") else 1
        text = text.lstrip("+-").strip()
        if _DIGITS.match(text):
            number = int(text)
        elif _GROUPED.match(text):
            number = int(re.sub(r"[.,\s]", "", text))
        else:
            raise CellError(f"“{typed}” không phải số tiền; hãy ghi số đồng, ví dụ 500000 "
                            "hoặc 500.000")
        value = sign * number
    if value < 0:
        raise CellError(f"không được là số âm (đã ghi {value:,})".replace(",", "."))
    if value > MAX_AMOUNT:
        raise CellError(f"{thousands(value)} đồng quá lớn (tối đa {thousands(MAX_AMOUNT)} "
                        "đồng)")
    return value


# --------------------------------------------------------------------------- reading

@dataclass
class AwardListResult(ImportResult):
    """What reading a list found: its lines (none when any row is wrong) and the errors."""

    lines: list[AwardLine] = field(default_factory=list)

    @property
    def collectives(self) -> int:
        return sum(1 for line in self.lines if line.collective)

    @property
    def total(self) -> int:
        return sum(line.amount or 0 for line in self.lines)


def _line(row) -> AwardLine:
    """One row as an :class:`AwardLine` (its errors are recorded on the row)."""
    texts = {key: row.get(key, max_length=length) or "" for key, length in LENGTHS.items()}
    collective = bool(row.get("collective", cells.as_bool))
    amount = row.get("amount", as_amount)
    return AwardLine(collective=collective, amount=amount, **texts)


def read_award_list(upload) -> AwardListResult:
    """Read and check the whole list in ``upload``; its lines only when every row is right."""
    spec = AWARD_LIST
    result = AwardListResult(noun=spec.noun, columns=tuple(c.header for c in spec.columns))
    sheet = read_upload(upload, spec, result)
    if sheet is None:
        return result
    if len(sheet.rows) > MAX_LINES:
        result.errors.append(RowError(
            None, "", f"Danh sách có {len(sheet.rows):,} dòng, nhiều hơn mức tối đa "
                      f"{MAX_LINES:,} dòng mỗi lần; hãy chia thành nhiều tệp.".replace(",", ".")))
        return result
    lines = [_line(row) for row in RowChecker(spec, result).rows(sheet)]
    if result.errors:
        return result
    if len(json.dumps(to_stored(lines), ensure_ascii=False)) > MAX_STORED_CHARS:
        result.errors.append(RowError(
            None, "", "Danh sách quá dài (các cột chữ quá nhiều); hãy rút gọn phần thành tích "
                      "hoặc chia thành nhiều tệp."))
        return result
    result.lines = lines
    return result


# --------------------------------------------------------------------------- keeping

_FIELDS = ("name", "collective", "position", "unit_name", "form_label", "achievements", "amount")


def to_stored(lines: list[AwardLine]) -> dict:
    """The lines as JSON-ready data for the session (one short list per line)."""
    return {"v": STORED_VERSION,
            "rows": [[getattr(line, name) for name in _FIELDS] for line in lines]}


def from_stored(data) -> list[AwardLine] | None:
    """The lines back from :func:`to_stored`, or None when the data is not such a list."""
    if not isinstance(data, dict) or data.get("v") != STORED_VERSION:
        return None
    rows = data.get("rows")
    if not isinstance(rows, list) or len(rows) > MAX_LINES:
        return None
    lines = []
    for row in rows:
        if not isinstance(row, list) or len(row) != len(_FIELDS):
            return None
        values = dict(zip(_FIELDS, row, strict=True))
        amount = values.pop("amount")
        if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool)):
            return None
        if not all(isinstance(values[key], str) for key in LENGTHS):
            return None
        lines.append(AwardLine(amount=amount, **{**values,
                                                  "collective": bool(values["collective"])}))
    return lines


# --------------------------------------------------------------------------- template

GUIDE_NOTES = (
    AWARD_LIST.purpose,
    "Nhập dữ liệu vào trang “Danh sách”, bắt đầu từ dòng 2, mỗi dòng một cá nhân hoặc tập "
    "thể. Giữ nguyên dòng tiêu đề; có thể đổi thứ tự các cột. Cột có dấu (*) là bắt buộc. "
    "Cột STT không bắt buộc (văn bản tự đánh số). Dòng trống được bỏ qua.",
    "Chỉ nhập giá trị, không dùng công thức. Mỗi lần tải lên tối đa "
    f"{MAX_LINES:,} dòng.".replace(",", "."),
    "Hệ thống kiểm tra toàn bộ tệp: nếu có dòng sai, danh sách không được nhận và bạn nhận "
    "được từng dòng sai (số dòng như trong Excel, tên cột, lý do). Danh sách chỉ được giữ "
    "tạm trong phiên làm việc để tạo văn bản, không lưu vào hệ thống.",
)


def build_template(unit_name: str) -> bytes:
    """The empty list (header only: an example row would be read as data), the guide, and
    the hidden list behind the Có/Không drop-down."""
    workbook = Workbook()
    data = workbook.active
    data.title = AWARD_LIST.title
    columns = [SERIAL, *AWARD_LIST.columns]
    style_header_row(data, columns, [c.template_header for c in columns])
    amount_letter = get_column_letter(columns.index(AWARD_LIST.column("amount")) + 1)
    data.column_dimensions[amount_letter].number_format = "#,##0"
    for key in ("name", "achievements"):
        letter = get_column_letter(columns.index(AWARD_LIST.column(key)) + 1)
        data.column_dimensions[letter].alignment = Alignment(wrap_text=True, vertical="top")
    write_guide(workbook.create_sheet(GUIDE_SHEET), AWARD_LIST,
                f"Hướng dẫn lập danh sách khen thưởng — {unit_name}", GUIDE_NOTES,
                example=[(SERIAL, 1), *((c, c.example) for c in AWARD_LIST.columns)],
                note_height=45)
    ranges = write_lists(workbook.create_sheet(LISTS_SHEET), [LIST_YES_NO], [])
    letter = get_column_letter(columns.index(AWARD_LIST.column("collective")) + 1)
    yes_no = DataValidation(type="list", formula1=ranges[LIST_YES_NO], allow_blank=True,
                            showErrorMessage=True, errorStyle="stop",
                            errorTitle="Giá trị không có trong danh sách",
                            error="Cột “Là tập thể”: chỉ chọn “Có” hoặc “Không”.")
    yes_no.add(f"{letter}2:{letter}{LAST_ROW}")
    data.add_data_validation(yes_no)
    money = DataValidation(type="whole", operator="between", formula1="0",
                           formula2=str(MAX_AMOUNT), allow_blank=True, showErrorMessage=True,
                           errorStyle="warning", errorTitle="Số tiền không hợp lệ",
                           error="Số tiền thưởng là số đồng nguyên, không âm.")
    money.add(f"{amount_letter}2:{amount_letter}{LAST_ROW}")
    data.add_data_validation(money)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = ["AWARD_LIST", "MAX_LINES", "AwardListResult", "as_amount", "build_template",
           "from_stored", "read_award_list", "to_stored"]
