"""Excel import of training records for many people at once, and its template.

The office of a unit fills one row per course attended by a person of the
unit's subtree. The org Excel machinery reads the file and keeps one error per
row, column and reason; this module adds the training rules. Every row is
checked first — with a fixed number of queries (the people the file names, in
chunks) — and then all rows are written in one transaction, or none when any
row is wrong. A name that differs from the code's person is only a warning.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import WINDOWS_EPOCH
from openpyxl.worksheet.datavalidation import DataValidation

from thidua.org.excel import cells
from thidua.org.excel.audit import log_created
from thidua.org.excel.cells import CellError
from thidua.org.excel.columns import GUIDE_SHEET, LISTS_SHEET, Column, SheetSpec
from thidua.org.excel.importers import (
    CheckedRow,
    ImportResult,
    RowChecker,
    RowError,
    _write,
    read_upload,
)
from thidua.org.excel.template import LAST_ROW, style_header_row, write_guide
from thidua.org.models import Person, Unit
from thidua.training import domain
from thidua.training.models import Topic, TrainingRecord

LOOKUP_CHUNK = 900
BATCH_SIZE = 500

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_LIKE = re.compile(r"^\d{1,4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,4}$")

TOPIC_LABELS = [label for _value, label in Topic.choices]
TOPICS = cells.choice_lookup((value, (label, value)) for value, label in Topic.choices)

RECORDS = SheetSpec(
    slug="boi-duong",
    title="Bồi dưỡng",
    noun="khóa bồi dưỡng",
    purpose=(
        "Mỗi dòng của trang “Bồi dưỡng” là một khóa bồi dưỡng mà một cán bộ đã tham gia. "
        "Một cán bộ tham gia bao nhiêu khóa thì ghi bấy nhiêu dòng; có thể nhập cho nhiều "
        "cán bộ trong cùng một tệp."
    ),
    columns=(
        Column("staff_code", "Mã cán bộ", required=True, width=14, is_text=True,
               example="CB000123",
               guide="Mã của cán bộ thuộc đơn vị (hoặc đơn vị trực thuộc) đang nhập."),
        Column("full_name", "Họ và tên", width=26, example="Nguyễn Thị Hoa",
               guide="Không bắt buộc; dùng để đối chiếu. Nếu khác họ tên trong hệ thống của "
                     "mã cán bộ, hệ thống vẫn nhập theo mã và báo để bạn kiểm tra lại."),
        Column("course", "Khóa học", required=True, width=40,
               example="Bồi dưỡng kỹ năng chuyển đổi số cho công chức cấp xã",
               aliases=("Tên khóa học", "Khóa bồi dưỡng"),
               guide="Tên khóa học, lớp bồi dưỡng; tối đa 300 ký tự."),
        Column("topic", "Chủ đề", required=True, width=24, choices="training_topic",
               example="Chuyển đổi số",
               guide="Chọn trong danh sách thả xuống: " + ", ".join(f"“{t}”" for t in TOPIC_LABELS)
                     + "."),
        Column("provider", "Cơ sở đào tạo", width=30, example="Trường Chính trị tỉnh",
               guide="Không bắt buộc; tối đa 200 ký tự."),
        Column("starts_on", "Từ ngày", required=True, width=12, is_date=True,
               example="05/03/2026",
               guide="Ngày bắt đầu, theo dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 05/03/2026."),
        Column("ends_on", "Đến ngày", required=True, width=12, is_date=True,
               example="07/03/2026",
               guide="Ngày kết thúc, theo dạng ngày/tháng/năm; không được trước “Từ ngày”. "
                     "Khóa học được tính cho năm của ngày kết thúc."),
        Column("hours", "Số giờ", required=True, width=10, example="24",
               guide="Số giờ học, lớn hơn 0; được ghi một chữ số thập phân (ví dụ 7,5)."),
        Column("certificate", "Số chứng chỉ", width=16, is_text=True, example="CC-2026/0152",
               guide="Không bắt buộc: số chứng chỉ, giấy chứng nhận; tối đa 100 ký tự."),
    ),
)

NOTES = (
    RECORDS.purpose,
    "Nhập dữ liệu vào trang “Bồi dưỡng”, bắt đầu từ dòng 2; giữ nguyên dòng tiêu đề. Các cột "
    "có dấu (*) là bắt buộc. Dòng trống được bỏ qua.",
    "Ngày ghi theo một dạng duy nhất: ngày/tháng/năm (dd/mm/yyyy), hoặc để ô kiểu ngày của "
    "Excel. Ngày ghi dạng khác (năm-tháng-ngày, dấu chấm, dấu gạch) bị từ chối để tránh "
    "nhầm ngày với tháng.",
    "Hệ thống kiểm tra toàn bộ tệp trước khi ghi: nếu có dòng sai (mã cán bộ không có hoặc "
    "ngoài phạm vi, chủ đề không có trong danh mục, ngày sai…), không dòng nào được ghi và "
    "bạn nhận được danh sách các dòng sai kèm lý do.",
)


def as_day(value, epoch: dt.datetime = WINDOWS_EPOCH) -> dt.date:
    """A date cell, or text written exactly dd/mm/yyyy; any other format is refused."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return cells._date_from_serial(value, epoch)
    text = cells.as_text(value)
    match = _DMY.match(text)
    if not match:
        if _DATE_LIKE.match(text):
            raise CellError(f"“{text}” ghi sai dạng ngày; chỉ nhận dạng ngày/tháng/năm với "
                            "dấu “/” (dd/mm/yyyy), ví dụ 05/03/2026")
        raise CellError(f"“{text}” không phải ngày; hãy ghi theo dạng ngày/tháng/năm "
                        "(dd/mm/yyyy), ví dụ 05/03/2026")
    day, month, year = (int(part) for part in match.groups())
    try:
        result = dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(f"ngày “{text}” không tồn tại") from exc
    if not 1950 <= year <= 2100:
        raise CellError(f"năm {year} không hợp lệ")
    return result


def as_topic(value) -> str:
    topic = TOPICS.get(cells.choice_key(cells.as_text(value)))
    if topic is None:
        raise CellError(f"“{cells.as_text(value)}” không có trong danh mục chủ đề; hãy chọn "
                        "trong danh sách thả xuống")
    return topic


def as_hours(value) -> str:
    if isinstance(value, bool):
        raise CellError("không phải số giờ")
    if isinstance(value, int | float):
        return str(value)
    text = cells.as_text(value).replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        raise CellError(f"“{cells.as_text(value)}” không phải số giờ")
    return text


@dataclass
class TrainingImportResult(ImportResult):
    warnings: list[RowError] = field(default_factory=list)
    people: int = 0


@dataclass
class _Draft:
    row: CheckedRow
    code: str
    name: str
    values: dict


def _people(unit: Unit, codes) -> dict[str, Person]:
    """People of ``unit``'s subtree named by ``codes`` (chunked IN lookups)."""
    codes = sorted(set(codes))
    found: dict[str, Person] = {}
    for start in range(0, len(codes), LOOKUP_CHUNK):
        chunk = codes[start:start + LOOKUP_CHUNK]
        found.update((p.staff_code, p) for p in Person.objects.filter(
            staff_code__in=chunk, unit__path__startswith=unit.path).only(
            "pk", "staff_code", "full_name", "unit_id"))
    return found


FIELD_KEYS = {"course": "course", "topic": "topic", "provider": "provider",
              "starts_on": "starts_on", "ends_on": "ends_on", "hours": "hours",
              "certificate": "certificate"}


def import_records(user, unit: Unit, upload, *, dry_run: bool = False) -> TrainingImportResult:
    """Check every row, then write all of them in one transaction (or nothing)."""
    if not domain.may_manage_unit(user, unit):
        raise domain.PermissionDenied(domain.REFUSED)
    result = TrainingImportResult(noun=RECORDS.noun, dry_run=dry_run,
                                  columns=tuple(c.header for c in RECORDS.columns))
    sheet = read_upload(upload, RECORDS, result)
    if sheet is None:
        return result
    checker = RowChecker(RECORDS, result)
    drafts: list[_Draft] = []
    for row in checker.rows(sheet):
        code = row.get("staff_code") or ""
        values = {
            "course": row.get("course"),
            "topic": row.get("topic", as_topic),
            "provider": row.get("provider"),
            "starts_on": row.get("starts_on", as_day, sheet.epoch),
            "ends_on": row.get("ends_on", as_day, sheet.epoch),
            "hours": row.get("hours", as_hours),
            "certificate": row.get("certificate"),
        }
        drafts.append(_Draft(row, code, row.get("full_name") or "", values))
    people = _people(unit, (d.code for d in drafts if d.code))
    records = []
    for draft in drafts:
        row = draft.row
        person = people.get(draft.code) if draft.code else None
        if draft.code and person is None:
            row.error("staff_code", f"Không tìm thấy cán bộ mã “{draft.code}” trong "
                                    f"{unit.name} và các đơn vị trực thuộc.")
        if person and draft.name and draft.name.casefold() != person.full_name.casefold():
            result.warnings.append(RowError(
                row.number, "Họ và tên",
                f"Họ tên “{draft.name}” khác họ tên trong hệ thống của mã {draft.code} "
                f"(“{person.full_name}”); đã nhập theo mã cán bộ."))
        failed = {key for key in draft.values if row.has_error(key)}
        if failed:
            continue
        try:
            cleaned = domain.check_values(draft.values)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                if name in FIELD_KEYS and not row.has_error(name):
                    row.error(name, " ".join(messages))
            continue
        if person is not None and row.valid:
            records.append(TrainingRecord(person=person, created_by=user, **cleaned))
    result.people = len({r.person.pk for r in records})
    if result.errors or dry_run:
        return result

    def write() -> int:
        made = TrainingRecord.objects.bulk_create(records, batch_size=BATCH_SIZE)
        log_created(user, made)
        return len(made)

    _write(result, write)
    return result


def build_template(unit: Unit) -> bytes:
    """The import template: data sheet, guide and a hidden list of topics (drop-down)."""
    workbook = Workbook()
    data = workbook.active
    data.title = RECORDS.title
    columns = list(RECORDS.columns)
    style_header_row(data, columns, [c.template_header for c in columns])
    write_guide(workbook.create_sheet(GUIDE_SHEET), RECORDS,
                f"Hướng dẫn nhập quá trình bồi dưỡng — {unit.name}", NOTES)
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.cell(row=1, column=1, value="Chủ đề")
    for index, label in enumerate(TOPIC_LABELS, start=2):
        lists.cell(row=index, column=1, value=label)
    lists.column_dimensions["A"].width = max(len(t) for t in TOPIC_LABELS) + 2
    lists.sheet_state = "hidden"
    position = next(i for i, c in enumerate(columns, start=1) if c.key == "topic")
    letter = get_column_letter(position)
    validation = DataValidation(
        type="list", formula1=f"{quote_sheetname(LISTS_SHEET)}!$A$2:$A${len(TOPIC_LABELS) + 1}",
        allow_blank=True, showErrorMessage=True, errorStyle="stop",
        errorTitle="Giá trị không có trong danh sách",
        error="Cột “Chủ đề”: hãy chọn một giá trị trong danh sách thả xuống.")
    validation.add(f"{letter}2:{letter}{LAST_ROW}")
    data.add_data_validation(validation)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
