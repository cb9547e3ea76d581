"""Excel import of a unit's monthly tasks, and its downloadable template.

The leader of a unit (or an admin) fills one row per task or product of each
person for one month and uploads the file; it gives the *complete* task list
of every person it names: their sheet's tasks (made if missing) are replaced,
and the score follows. People the file does not name are left alone.

The org machinery does the reading (:func:`thidua.org.excel.reader.read_sheet`
refuses what is not a clean .xlsx) and the row bookkeeping (one error per
row, column and reason); this module adds the KPI rules. As in the org
importers, every row is checked first, with a fixed number of queries (the
unit's people, their sheets of the month, the month locks), and then
everything is written in one transaction — or nothing when any row is wrong.

A row is refused when its month is not the month being imported, its person
does not work in the unit, its figures are impossible (done over assigned,
negative, not whole), or its person's sheet cannot be changed now (sent to
the leader, finalised, or in a closed month): the same rules as
:func:`thidua.kpi.domain.edit_refusal`, with the importer acting as the
unit's leader.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field

from auditlog import get_logentry_model
from auditlog.context import disable_auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import smart_str
from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from thidua.core import scoping
from thidua.core.text import fold
from thidua.kpi import domain
from thidua.kpi.models import REVIEWERS, SHEET_WORKFLOW, MissingSheet, MonthSheet, Task, UnitMonth
from thidua.org.choices import PersonStatus
from thidua.org.excel import cells
from thidua.org.excel.audit import log_created
from thidua.org.excel.cells import CellError
from thidua.org.excel.columns import GUIDE_SHEET, LIST_YES_NO, LISTS_SHEET, Column, SheetSpec
from thidua.org.excel.importers import (
    CONFLICT,
    CheckedRow,
    ImportResult,
    RowChecker,
    RowError,
    read_upload,
)
from thidua.org.excel.template import (
    LAST_ROW,
    style_header_row,
    write_guide,
    write_lists,
)
from thidua.org.models import Person, Unit

logger = logging.getLogger(__name__)

#: Rows per INSERT.
BATCH_SIZE = 1000
#: Values per ``IN (...)`` lookup, below SQLite's 999-parameter limit.
LOOKUP_CHUNK = 900
#: A count above this is a typing slip (and would overflow the column).
MAX_COUNT = 1_000_000
#: The states in which the importer (as leader) may replace a sheet's tasks.
EDITABLE = ("draft", "returned")
PEOPLE_SHEET = "Cán bộ của đơn vị"

_MONTH_TEXT = re.compile(r"^(?:th[aá]ng\s*)?(\d{1,2})\s*[/.-]\s*(\d{4})$", re.IGNORECASE)
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY_MONTH = re.compile(r"^\d{1,2}[/.-](\d{1,2})[/.-](\d{4})$")


# --------------------------------------------------------------------------- columns

TASKS = SheetSpec(
    slug="nhiem-vu",
    title="Nhiệm vụ",
    noun="nhiệm vụ",
    purpose=(
        "Mỗi dòng của trang “Nhiệm vụ” là một nhiệm vụ, sản phẩm được giao trong tháng cho "
        "một cán bộ của đơn vị. Một cán bộ có bao nhiêu nhiệm vụ thì ghi bấy nhiêu dòng."
    ),
    columns=(
        Column("staff_code", "Mã cán bộ", required=True, width=14, is_text=True,
               example="CB000123",
               guide="Mã của cán bộ đang công tác tại đơn vị (xem trang “Cán bộ của đơn vị”)."),
        Column("full_name", "Họ và tên", width=26, example="Nguyễn Thị Hoa",
               guide="Không bắt buộc; dùng để đối chiếu. Nếu khác họ tên trong hệ thống của "
                     "mã cán bộ, hệ thống vẫn nhập theo mã và báo để bạn kiểm tra lại."),
        Column("month", "Tháng", required=True, width=11, is_text=True, example="05/2026",
               aliases=("Tháng (MM/YYYY)", "Tháng đánh giá"),
               guide="Tháng đánh giá theo dạng tháng/năm (05/2026); phải đúng tháng đang "
                     "nhập. Dòng ghi tháng khác bị từ chối."),
        Column("name", "Nhiệm vụ/sản phẩm", required=True, width=44,
               example="Giải quyết hồ sơ một cửa",
               aliases=("Nhiệm vụ", "Sản phẩm", "Nhiệm vụ, sản phẩm", "Tên nhiệm vụ"),
               guide="Tên nhiệm vụ, sản phẩm được giao, tối đa 500 ký tự."),
        Column("assigned", "Số lượng giao", required=True, width=11, example="10",
               guide="Số nguyên từ 1 trở lên."),
        Column("done", "Hoàn thành", required=True, width=11, example="10",
               aliases=("Số lượng hoàn thành",),
               guide="Số nguyên từ 0, không lớn hơn số lượng giao."),
        Column("meeting", "Đạt yêu cầu", required=True, width=11, example="9",
               aliases=("Số đạt yêu cầu",),
               guide="Số sản phẩm đạt yêu cầu: số nguyên từ 0, không lớn hơn số hoàn thành."),
        Column("on_time", "Đúng hạn", required=True, width=11, example="10",
               aliases=("Số đúng hạn",),
               guide="Số sản phẩm hoàn thành đúng hạn: số nguyên từ 0, không lớn hơn số hoàn "
                     "thành."),
        Column("major_errors", "Số lỗi lớn", width=10, example="1",
               guide="Không bắt buộc, để trống là 0. Mỗi lỗi lớn trừ 25% điểm chất lượng "
                     "của sản phẩm (theo chính sách chấm điểm)."),
        Column("late_deliveries", "Số lần chậm", width=10, example="0",
               aliases=("Số lần chậm tiến độ",),
               guide="Không bắt buộc, để trống là 0. Mỗi lần chậm trừ 25% điểm tiến độ của "
                     "sản phẩm (theo chính sách chấm điểm)."),
        Column("objective_cause", "Nguyên nhân khách quan", width=14, choices=LIST_YES_NO,
               example="Không", aliases=("Có nguyên nhân khách quan",),
               guide="“Có” nếu lỗi, chậm có nguyên nhân khách quan đã được xác nhận (không "
                     "trừ điểm); để trống là “Không”."),
    ),
)

REPLACE_NOTE = (
    "Tệp là danh sách đầy đủ nhiệm vụ trong tháng của mỗi cán bộ có tên trong tệp: các "
    "nhiệm vụ đang có trên phiếu của cán bộ đó (phiếu đang lập hoặc bị trả lại) được thay "
    "bằng các dòng của tệp, rồi điểm được tính lại. Cán bộ không có dòng nào trong tệp "
    "giữ nguyên phiếu."
)
REFUSED_NOTE = (
    "Không nhập được cho cán bộ có phiếu đã gửi lãnh đạo hoặc đã chốt (cần trả lại hoặc mở "
    "lại phiếu trước), cho cán bộ không công tác tại đơn vị, và khi tháng đã khóa sổ."
)


# --------------------------------------------------------------------------- cells

def as_month(value, epoch: dt.datetime = WINDOWS_EPOCH) -> dt.date:
    """A month cell (text ``05/2026``, ``2026-05``, a date cell) as its first day."""
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            converted = from_excel(value, epoch=epoch)
        except (ValueError, OverflowError):
            converted = None
        if isinstance(converted, dt.datetime) and 2000 <= converted.year <= 2100:
            return converted.date().replace(day=1)
        raise CellError(f"“{cells.as_text(value)}” không phải tháng hợp lệ; hãy ghi theo "
                        "dạng tháng/năm, ví dụ 05/2026")
    text = cells.as_text(value)
    month = year = None
    for pattern, order in ((_MONTH_TEXT, (0, 1)), (_ISO_MONTH, (1, 0)), (_DAY_MONTH, (0, 1))):
        match = pattern.match(text)
        if match:
            month, year = int(match.group(order[0] + 1)), int(match.group(order[1] + 1))
            break
    if month is None or not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise CellError(f"“{text}” không phải tháng hợp lệ; hãy ghi theo dạng tháng/năm, "
                        "ví dụ 05/2026")
    return dt.date(year, month, 1)


def as_count(value, minimum: int = 0) -> int:
    """A whole number of products, ``minimum`` or more."""
    if isinstance(value, bool):
        raise CellError("phải là số nguyên")
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(f"{cells.as_text(value).replace('.', ',')} không phải số nguyên")
        value = int(value)
    if not isinstance(value, int):
        text = cells.as_text(value).replace(" ", "")
        if not re.fullmatch(r"[+-]?\d+", text):
            raise CellError(f"“{cells.as_text(value)}” không phải số nguyên")
        value = int(text)
    if value < minimum:
        if value < 0:
            raise CellError(f"không được là số âm (đã ghi {value})")
        raise CellError(f"phải từ {minimum} trở lên (đã ghi {value})")
    if value > MAX_COUNT:
        raise CellError(f"{value} quá lớn (tối đa {MAX_COUNT:,})".replace(",", "."))
    return value


# --------------------------------------------------------------------------- results

@dataclass
class TaskImportResult(ImportResult):
    """An :class:`ImportResult` with the KPI counts and the warnings that do not block."""

    warnings: list[RowError] = field(default_factory=list)
    people: int = 0  # people whose task list the file gives
    sheets_created: int = 0
    tasks_replaced: int = 0  # tasks that were on the sheets before

    @property
    def sorted_warnings(self) -> list[RowError]:
        return sorted(self.warnings, key=lambda w: (w.row or 0, w.column))


@dataclass
class _TaskDraft:
    row: CheckedRow
    staff_code: str
    full_name: str
    month: dt.date | None
    fields: dict


@dataclass
class _PersonInfo:
    pk: int
    staff_code: str
    full_name: str
    status: str
    is_leader: bool
    staff_category: str


def month_label(month: dt.date) -> str:
    return f"{month:%m/%Y}"


# --------------------------------------------------------------------------- authority

def import_refusal(user, unit: Unit) -> str | None:
    """Why ``user`` may not import the unit's tasks, or None: only its leaders and admins."""
    if not scoping.covers(user, unit.path, REVIEWERS):
        return ("Chỉ lãnh đạo đơn vị hoặc quản trị hệ thống mới nhập được nhiệm vụ của cả "
                "đơn vị từ Excel.")
    return None


def require_importer(user, unit: Unit) -> None:
    refusal = import_refusal(user, unit)
    if refusal:
        raise PermissionDenied(refusal)


def locked(unit: Unit, month: dt.date) -> bool:
    return UnitMonth.objects.filter(unit=unit, month=month, state="closed").exists()


def locked_message(unit: Unit, month: dt.date) -> str:
    return (f"Tháng {month_label(month)} của {unit.name} đã khóa sổ: không thể nhập nhiệm vụ. "
            "Lãnh đạo có thể mở lại tháng (ghi rõ lý do) rồi nhập lại.")


# --------------------------------------------------------------------------- checking

def _parse(row: CheckedRow, epoch) -> _TaskDraft:
    """One row's cells, then the rules between the figures (each error names its column)."""
    staff_code = row.text("staff_code", Person)
    full_name = row.text("full_name", Person)
    month = row.get("month", as_month, epoch)
    name = row.text("name", Task)
    assigned = row.get("assigned", as_count, 1)
    done = row.get("done", as_count)
    meeting = row.get("meeting", as_count)
    on_time = row.get("on_time", as_count)
    major_errors = row.get("major_errors", as_count) or 0
    late = row.get("late_deliveries", as_count) or 0
    objective = bool(row.get("objective_cause", cells.as_bool))
    if assigned is not None and done is not None and done > assigned:
        row.error("done", f"Số hoàn thành ({done}) không thể lớn hơn số lượng giao "
                          f"({assigned}).")
    elif done is not None:
        if meeting is not None and meeting > done:
            row.error("meeting", f"Số đạt yêu cầu ({meeting}) không thể lớn hơn số hoàn "
                                 f"thành ({done}).")
        if on_time is not None and on_time > done:
            row.error("on_time", f"Số đúng hạn ({on_time}) không thể lớn hơn số hoàn thành "
                                 f"({done}).")
    fields = {"name": name, "assigned": assigned, "done": done, "meeting": meeting,
              "on_time": on_time, "major_errors": major_errors, "late_deliveries": late,
              "objective_cause": objective}
    return _TaskDraft(row, staff_code, full_name, month, fields)


def _unit_people(unit: Unit) -> dict[str, _PersonInfo]:
    """Everyone whose work unit is ``unit`` (any status), by staff code: one query."""
    rows = Person.objects.filter(unit=unit).values_list(
        "pk", "staff_code", "full_name", "status", "is_leader", "staff_category")
    return {row[1]: _PersonInfo(*row) for row in rows}


def _sheets(unit: Unit, month: dt.date) -> dict[int, tuple[int, str, int]]:
    """person id → (sheet id, state, sheet's unit id) of the unit's people: one query."""
    rows = MonthSheet.objects.filter(person__unit=unit, month=month).values_list(
        "person_id", "pk", "state", "unit_id")
    return {person_id: (pk, state, unit_id) for person_id, pk, state, unit_id in rows}


def _sheet_refusal(state: str, other_unit: bool, month: dt.date) -> str | None:
    """Why the importer may not replace this sheet's tasks (``edit_refusal`` as a leader,
    and a sent sheet is the person's answer: it is returned first, not overwritten)."""
    if other_unit:
        return (f"Phiếu tháng {month_label(month)} của cán bộ này được lập ở đơn vị khác "
                "(cán bộ chuyển đơn vị trong tháng): hãy nhập trên phiếu của cán bộ.")
    if state == "submitted":
        return (f"Phiếu tháng {month_label(month)} của cán bộ đã gửi lãnh đạo, đang chờ duyệt: "
                "hãy trả lại phiếu trước khi nhập lại nhiệm vụ.")
    if state == "finalised":
        return (f"Phiếu tháng {month_label(month)} của cán bộ đã chốt: cần mở lại phiếu (ghi "
                "rõ lý do) trước khi nhập lại nhiệm vụ.")
    return None


@dataclass
class _Plan:
    """What the write does: for each person, their sheet (or None: to make) and tasks."""

    unit: Unit
    month: dt.date
    people: dict[int, _PersonInfo] = field(default_factory=dict)
    tasks: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))
    sheets: dict[int, tuple[int, str]] = field(default_factory=dict)  # person -> (sheet, state)
    lock_units: set[int] = field(default_factory=set)


def _check(drafts: list[_TaskDraft], unit: Unit, month: dt.date,
           result: TaskImportResult) -> _Plan:
    plan = _Plan(unit, month)
    people = _unit_people(unit)
    sheets = _sheets(unit, month)
    missing = set(MissingSheet.objects.filter(person__unit=unit, month=month)
                  .values_list("person_id", flat=True))
    plan.lock_units = {unit.pk, *(unit_id for _pk, _state, unit_id in sheets.values())}
    closed = set(UnitMonth.objects.filter(unit_id__in=plan.lock_units, month=month,
                                          state="closed").values_list("unit_id", flat=True))
    rows_of = defaultdict(list)
    for draft in drafts:
        if draft.month is not None and draft.month != month:
            draft.row.error("month", f"Tháng {month_label(draft.month)} khác tháng đang nhập "
                                     f"{month_label(month)}.")
        if not draft.staff_code:
            continue
        person = people.get(draft.staff_code)
        if person is None:
            draft.row.error("staff_code", f"Không có cán bộ mã “{draft.staff_code}” công tác "
                                          f"tại {unit.name}.")
            continue
        if person.status != PersonStatus.ACTIVE:
            draft.row.error("staff_code", f"Cán bộ mã “{draft.staff_code}” "
                                          f"({person.full_name}) không còn công tác "
                                          f"({PersonStatus(person.status).label.lower()}).")
            continue
        if draft.full_name and fold(draft.full_name) != fold(person.full_name):
            result.warnings.append(RowError(
                draft.row.number, "Họ và tên",
                f"Họ tên “{draft.full_name}” khác họ tên trong hệ thống của mã "
                f"“{person.staff_code}” (“{person.full_name}”); đã nhập theo mã cán bộ."))
        rows_of[person.pk].append(draft)
        plan.people[person.pk] = person
    for person_id, person_rows in rows_of.items():
        sheet = sheets.get(person_id)
        if sheet is not None:
            pk, state, sheet_unit = sheet
            refusal = (locked_message(unit, month) if sheet_unit in closed else
                       _sheet_refusal(state, sheet_unit != unit.pk, month))
            if refusal:
                first = person_rows[0]
                more = len(person_rows) - 1
                suffix = (f" ({more} dòng khác của cán bộ này cũng không được nhập.)"
                          if more else "")
                first.row.error("staff_code", refusal + suffix)
                continue
            plan.sheets[person_id] = (pk, state)
        if person_id in missing:
            result.warnings.append(RowError(
                person_rows[0].row.number, "Mã cán bộ",
                f"{plan.people[person_id].full_name} đã được báo không đánh giá trong tháng; "
                "phiếu vẫn được lập theo tệp (hãy rút báo cáo nếu cán bộ được đánh giá)."))
        for draft in person_rows:
            if draft.row.valid:
                plan.tasks[person_id].append(draft.fields)
    return plan


# --------------------------------------------------------------------------- writing

class _Changed(Exception):
    """A sheet or the month changed between the check and the write."""


def _chunks(values, size: int = LOOKUP_CHUNK):
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _log_deleted(actor, objects) -> None:
    """The "delete" audit entries that a delete with auditlog disabled did not write."""
    if not objects:
        return
    log_entry = get_logentry_model()
    common = {"content_type": ContentType.objects.get_for_model(type(objects[0])),
              "action": log_entry.Action.DELETE, "actor": actor,
              "actor_email": getattr(actor, "email", None), "timestamp": timezone.now()}
    log_entry.objects.bulk_create(
        [log_entry(object_pk=str(obj.pk), object_id=obj.pk, object_repr=smart_str(obj),
                   changes=None, **common) for obj in objects], batch_size=BATCH_SIZE)


def _write(user, plan: _Plan) -> tuple[int, int, int]:
    """Make the missing sheets, replace the tasks, regrade: (sheets made, tasks, replaced)."""
    unit, month = plan.unit, plan.month
    if UnitMonth.objects.filter(unit_id__in=plan.lock_units, month=month,
                                state="closed").exists():
        raise _Changed(locked_message(unit, month))
    seen = dict(plan.sheets.values())
    for chunk in _chunks(seen):
        for pk, state in (MonthSheet.objects.select_for_update().filter(pk__in=chunk)
                          .values_list("pk", "state")):
            if state != seen[pk]:
                raise _Changed(CONFLICT)
    # Sheets made now, in bulk (domain.sheet_for one by one, set-based).
    new = [MonthSheet(person_id=pk, unit=unit, month=month, is_leader=person.is_leader,
                      task_group=domain.task_group_of(
                          Person(is_leader=person.is_leader,
                                 staff_category=person.staff_category)))
           for pk, person in plan.people.items() if pk not in plan.sheets]
    MonthSheet.objects.bulk_create(new, batch_size=BATCH_SIZE)
    if any(sheet.pk is None for sheet in new):  # a backend without RETURNING
        made = dict(MonthSheet.objects.filter(person__unit=unit, month=month)
                    .values_list("person_id", "pk"))
        for sheet in new:
            sheet.pk = made[sheet.person_id]
    sheet_of = {person_id: pk for person_id, (pk, _state) in plan.sheets.items()}
    sheet_of.update({sheet.person_id: sheet.pk for sheet in new})
    # The tasks (domain.replace_tasks for every sheet at once).
    old = []
    for chunk in _chunks(pk for pk, _state in plan.sheets.values()):
        old.extend(Task.objects.filter(sheet_id__in=chunk).only("pk", "name"))
    if old:
        with disable_auditlog():
            for chunk in _chunks([task.pk for task in old]):
                Task.objects.filter(pk__in=chunk).delete()
    tasks = [Task(sheet_id=sheet_of[person_id], order=index, **data)
             for person_id, rows in plan.tasks.items()
             for index, data in enumerate(rows, start=1)]
    Task.objects.bulk_create(tasks, batch_size=BATCH_SIZE)
    _log_deleted(user, old)
    if new:
        for sheet in new:
            sheet.person = Person(pk=sheet.person_id, full_name=plan.people[sheet.person_id]
                                  .full_name)
        log_created(user, new)
    if tasks and all(task.pk for task in tasks):
        log_created(user, tasks)
    # Scores: the imported sheets and the unit's leaders (who carry the unit's result).
    domain.regrade(MonthSheet.objects.filter(unit=unit, month=month).exclude(state="finalised"))
    return len(new), len(tasks), len(old)


def import_tasks(user, unit: Unit, month: dt.date, upload, *,
                 dry_run: bool = False) -> TaskImportResult:
    """Import the tasks of ``unit``'s people for ``month`` from ``upload``, as ``user``.

    The caller has checked that the unit is in the user's scope; this checks the
    role (:func:`require_importer`). With ``dry_run`` the file is only checked.
    """
    require_importer(user, unit)
    result = TaskImportResult(noun=TASKS.noun, columns=tuple(c.header for c in TASKS.columns),
                              dry_run=dry_run)
    if locked(unit, month):
        result.errors.append(RowError(None, "", locked_message(unit, month)))
        return result
    sheet = read_upload(upload, TASKS, result)
    if sheet is None:
        return result
    drafts = [_parse(row, sheet.epoch) for row in RowChecker(TASKS, result).rows(sheet)]
    plan = _check(drafts, unit, month, result)
    result.people = len(plan.people)
    if result.errors or dry_run:
        return result
    try:
        with transaction.atomic():
            made, created, replaced = _write(user, plan)
    except _Changed as exc:
        result.errors.append(RowError(None, "", str(exc)))
        return result
    except IntegrityError:
        logger.warning("KPI task import hit a concurrent change", exc_info=True)
        result.errors.append(RowError(None, "", CONFLICT))
        return result
    result.created, result.sheets_created, result.tasks_replaced = created, made, replaced
    logger.info("KPI tasks imported by %s: unit %s, month %s, %d people, %d tasks",
                user, unit.code, month_label(month), result.people, created)
    return result


# --------------------------------------------------------------------------- template

def _write_guide(sheet, unit: Unit, month: dt.date) -> None:
    label = month_label(month)
    notes = [
        TASKS.purpose,
        REPLACE_NOTE,
        REFUSED_NOTE,
        f"Nhập dữ liệu vào trang “{TASKS.title}”, bắt đầu từ dòng 2; cột “Tháng” ghi "
        f"{label} ở mọi dòng. Giữ nguyên dòng tiêu đề; có thể đổi thứ tự các "
        "cột. Các cột có dấu (*) là bắt buộc. Dòng trống được bỏ qua.",
        "Trang “Nhiệm vụ” của tệp mẫu đã có sẵn các nhiệm vụ đang ghi trên phiếu (đang lập "
        "hoặc bị trả lại) của cán bộ trong tháng; sửa, thêm hoặc xóa dòng rồi tải lên.",
        "Chỉ nhập giá trị, không dùng công thức. Hệ thống kiểm tra toàn bộ tệp trước khi "
        "ghi: nếu có dòng sai, không dòng nào được ghi và bạn nhận được danh sách các dòng "
        "sai kèm lý do.",
    ]
    example = [(column, label if column.key == "month" else column.example)
               for column in TASKS.columns]
    write_guide(sheet, TASKS, f"Hướng dẫn nhập nhiệm vụ tháng {label} — {unit.name}", notes,
                example=example, note_height=45)


def _people_rows(unit: Unit, month: dt.date):
    """The unit's people graded this month, with their sheet's state: two queries."""
    people = list(domain.expected_people(unit, month).order_by("name_folded", "pk")
                  .values_list("pk", "staff_code", "full_name"))
    states = dict(MonthSheet.objects.filter(person__unit=unit, month=month)
                  .values_list("person_id", "state"))
    return [(code, name, SHEET_WORKFLOW.label(states[pk]) if pk in states else "Chưa lập phiếu")
            for pk, code, name in people]


def _current_tasks(unit: Unit, month: dt.date):
    """The tasks now on the unit's sheets that may still be replaced: one query."""
    return (Task.objects.filter(sheet__unit=unit, sheet__month=month,
                                sheet__state__in=EDITABLE,
                                sheet__person__status=PersonStatus.ACTIVE)
            .order_by("sheet__person__name_folded", "sheet_id", "order", "pk")
            .values_list("sheet__person__staff_code", "sheet__person__full_name", "name",
                         "assigned", "done", "meeting", "on_time", "major_errors",
                         "late_deliveries", "objective_cause"))


def build_template(unit: Unit, month: dt.date) -> bytes:
    """The import file of ``unit``'s ``month``: the current tasks, the guide, the people."""
    workbook = Workbook()
    data = workbook.active
    data.title = TASKS.title
    columns = list(TASKS.columns)
    style_header_row(data, columns, [c.template_header for c in columns])
    label = month_label(month)
    for code, name, *figures in _current_tasks(unit, month):
        *counts, objective = figures
        data.append([code, name, label, *counts, "Có" if objective else "Không"])
    _write_guide(workbook.create_sheet(GUIDE_SHEET), unit, month)
    people_sheet = workbook.create_sheet(PEOPLE_SHEET)
    people_columns = [Column("staff_code", "Mã cán bộ", width=14, is_text=True),
                      Column("full_name", "Họ và tên", width=30),
                      Column("state", f"Phiếu tháng {label}", width=18)]
    style_header_row(people_sheet, people_columns, [c.header for c in people_columns])
    people = _people_rows(unit, month)
    for row in people:
        people_sheet.append(list(row))
    ranges = write_lists(workbook.create_sheet(LISTS_SHEET), [LIST_YES_NO], [])
    objective_letter = get_column_letter(columns.index(TASKS.column("objective_cause")) + 1)
    yes_no = DataValidation(type="list", formula1=ranges[LIST_YES_NO], allow_blank=True,
                            showErrorMessage=True, errorStyle="stop",
                            errorTitle="Giá trị không có trong danh sách",
                            error="Cột “Nguyên nhân khách quan”: chỉ chọn “Có” hoặc “Không”.")
    yes_no.add(f"{objective_letter}2:{objective_letter}{LAST_ROW}")
    data.add_data_validation(yes_no)
    if people:
        code_letter = get_column_letter(columns.index(TASKS.column("staff_code")) + 1)
        codes = DataValidation(
            type="list", allow_blank=True, showErrorMessage=True, errorStyle="warning",
            formula1=f"{quote_sheetname(PEOPLE_SHEET)}!$A$2:$A${len(people) + 1}",
            errorTitle="Mã cán bộ không có trong đơn vị",
            error="Mã này không có trong trang “Cán bộ của đơn vị”; tệp sẽ bị từ chối ở dòng "
                  "này nếu cán bộ không công tác tại đơn vị.")
        codes.add(f"{code_letter}2:{code_letter}{LAST_ROW}")
        data.add_data_validation(codes)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_filename(unit: Unit, month: dt.date) -> str:
    code = re.sub(r"[^A-Za-z0-9-]+", "-", fold(unit.code)).strip("-") or str(unit.pk)
    return f"nhiem-vu-{code}-{domain.month_key(month)}.xlsx"


__all__ = ["TASKS", "TaskImportResult", "as_count", "as_month", "build_template",
           "import_refusal", "import_tasks", "require_importer"]
