"""Checking and writing procedure dossiers — the one path of the file import and the API.

Rows arrive as :class:`~thidua.org.excel.reader.SheetRow` (raw values by column
key) from a spreadsheet, a CSV file or an API request. :func:`check_rows`
parses and checks each row with the org importers' :class:`RowChecker` (one
Vietnamese reason per row and column) and keeps only a compact tuple per good
row; the cross-row checks (the same dossier twice in the file, unit codes
outside the importing unit's subtree, officials nobody knows) then run with a
few set-based lookups. :func:`write` upserts every kept tuple on (unit, code)
inside one transaction, in chunks — all rows or none. A file of a million rows
keeps a million small tuples, never a million model instances at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel

from thidua.core import scoping
from thidua.core.roles import MANAGE_ROLES
from thidua.core.text import clean_text, fold
from thidua.dossiers import rules
from thidua.dossiers.models import OPEN_STATUSES, DossierStatus, ProcedureDossier, Source
from thidua.org.excel import cells
from thidua.org.excel.cells import CellError
from thidua.org.excel.columns import Column, SheetSpec
from thidua.org.excel.importers import (
    CONFLICT,
    CheckedRow,
    ImportResult,
    RowChecker,
    RowError,
)
from thidua.org.excel.reader import SheetRow
from thidua.org.models import Person, Unit

logger = logging.getLogger(__name__)

#: Rows per upsert statement (SQLite lowers it to its parameter limit).
WRITE_CHUNK = 2000
#: Values per IN (...) lookup.
LOOKUP_CHUNK = 900
#: Reasons kept for the report: beyond them a broken file only says how many more.
MAX_ERRORS = 5000

REFUSED = ("Chỉ văn phòng, cán bộ thi đua hoặc quản trị của đơn vị mới được nhập hồ sơ thủ tục "
           "hành chính của đơn vị.")

SPEC = SheetSpec(
    slug="ho-so-tthc",
    title="Hồ sơ",
    noun="hồ sơ",
    purpose=("Mỗi dòng của trang “Hồ sơ” là một hồ sơ thủ tục hành chính đã tiếp nhận, như "
             "hệ thống một cửa điện tử xuất ra. Nhập lại một hồ sơ đã có (cùng đơn vị, cùng "
             "mã hồ sơ) thì hồ sơ được cập nhật, không tạo bản trùng."),
    ignored=("STT", "Số thứ tự", "Tên đơn vị", "Ghi chú"),
    columns=(
        Column("code", "Mã hồ sơ", required=True, width=22, is_text=True,
               example="000.00.18.H10-260504-0012", aliases=("Số hồ sơ", "Mã số hồ sơ"),
               guide="Mã hồ sơ trên phiếu hẹn, tối đa 60 ký tự; không trùng với dòng khác "
                     "của cùng đơn vị trong tệp."),
        Column("procedure", "Thủ tục", required=True, width=44,
               example="Đăng ký khai sinh", aliases=("Tên thủ tục", "Thủ tục hành chính",
                                                     "Tên thủ tục hành chính"),
               guide="Tên thủ tục hành chính, tối đa 500 ký tự."),
        Column("field", "Lĩnh vực", width=22, example="Hộ tịch",
               guide="Không bắt buộc; tối đa 200 ký tự."),
        Column("received_at", "Ngày tiếp nhận", required=True, width=18, is_date=True,
               example="04/05/2026 08:30", aliases=("Ngày nhận", "Thời gian tiếp nhận"),
               guide="Ngày/tháng/năm, có thể kèm giờ:phút (04/05/2026 hoặc 04/05/2026 08:30), "
                     "hoặc năm-tháng-ngày (2026-05-04), hoặc ô kiểu ngày của Excel."),
        Column("due_at", "Hạn trả", required=True, width=18, is_date=True,
               example="07/05/2026", aliases=("Hạn trả kết quả", "Ngày hẹn trả",
                                              "Ngày hẹn trả kết quả", "Hạn giải quyết"),
               guide="Ngày hẹn trả kết quả, cùng các dạng như ngày tiếp nhận; không được trước "
                     "ngày tiếp nhận. Chỉ ghi ngày thì hạn là hết ngày đó."),
        Column("resolved_at", "Ngày trả kết quả", width=18, is_date=True,
               example="06/05/2026 15:00", aliases=("Ngày trả", "Ngày hoàn thành"),
               guide="Để trống nếu hồ sơ chưa giải quyết xong; không được trước ngày tiếp "
                     "nhận. Trả trước ngày hẹn là trước hạn, đúng ngày hẹn là đúng hạn, sau "
                     "ngày hẹn là quá hạn."),
        Column("official", "Cán bộ xử lý", width=24, example="Hà Thị Thu Trang",
               aliases=("Cán bộ thụ lý", "Người xử lý", "Cán bộ giải quyết"),
               guide="Mã cán bộ hoặc họ và tên đầy đủ của cán bộ thuộc đơn vị (hoặc đơn vị "
                     "trực thuộc) đang nhập; để trống nếu không rõ."),
        Column("unit_code", "Đơn vị", width=14, is_text=True, example="BK-HCC",
               aliases=("Mã đơn vị", "Đơn vị tiếp nhận"),
               guide="Mã của đơn vị tiếp nhận hồ sơ, thuộc đơn vị đang nhập; để trống là "
                     "chính đơn vị đang nhập."),
        Column("status", "Trạng thái", width=20, example="Đã trả kết quả",
               aliases=("Tình trạng",),
               guide="Một trong: " + ", ".join(f"“{label}”" for _v, label
                                                 in DossierStatus.choices)
                     + ". Để trống thì là “Đã trả kết quả” khi có ngày trả kết quả, "
                       "“Đang giải quyết” khi chưa có."),
    ),
)

HEADERS = {column.key: column.header for column in SPEC.columns}

STATUSES = cells.choice_lookup([
    (DossierStatus.RECEIVED, ("Mới tiếp nhận", "Đã tiếp nhận", "Tiếp nhận", "Chờ xử lý",
                              DossierStatus.RECEIVED)),
    (DossierStatus.PROCESSING, ("Đang giải quyết", "Đang xử lý", "Đang thụ lý",
                                DossierStatus.PROCESSING)),
    (DossierStatus.RESOLVED, ("Đã trả kết quả", "Đã giải quyết", "Hoàn thành", "Đã hoàn thành",
                              "Đã trả", DossierStatus.RESOLVED)),
    (DossierStatus.RETURNED, ("Trả lại, từ chối giải quyết", "Trả lại", "Từ chối",
                              "Từ chối giải quyết", "Trả lại hồ sơ", DossierStatus.RETURNED)),
    (DossierStatus.WITHDRAWN, ("Công dân rút hồ sơ", "Rút hồ sơ", "Đã rút",
                               DossierStatus.WITHDRAWN)),
])

LOCAL = ZoneInfo(settings.TIME_ZONE)
_DMY = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?:[ T]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
                  r"(Z|[+-]\d{2}:?\d{2})?)?$")
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
END_OF_DAY = dt.time(23, 59, 59)
#: Control characters left after cleaning (tabs and line breaks become spaces): PostgreSQL
#: cannot store NUL, and none of them belongs in a code or a name.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _in_years(moment: dt.datetime, typed) -> dt.datetime:
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise CellError(f"năm {moment.year} trong “{typed}” không hợp lệ")
    return moment


def _moment(year, month, day, hour=None, minute=None, second=None, *, typed: str, end=False):
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise CellError(f"năm {year} trong “{typed}” không hợp lệ")
    try:
        if hour is None:
            time = END_OF_DAY if end else dt.time(0, 0)
            return dt.datetime.combine(dt.date(year, month, day), time, tzinfo=LOCAL)
        return dt.datetime(year, month, day, hour, minute, second or 0, tzinfo=LOCAL)
    except ValueError as exc:
        raise CellError(f"ngày giờ “{typed}” không tồn tại") from exc


def as_moment(value, epoch: dt.datetime = WINDOWS_EPOCH, end: bool = False) -> dt.datetime:
    """A cell (or API value) as an aware local moment.

    Accepts Excel date cells and serial numbers, text ``dd/mm/yyyy`` or
    ``dd/mm/yyyy hh:mm[:ss]``, ``yyyy-mm-dd`` with an optional time and offset
    (ISO 8601); different rows may use different forms. ``end``: a date without
    a time stands for the end of that day (a due or return date).
    """
    if isinstance(value, dt.datetime):
        _in_years(value, f"{value:%d/%m/%Y %H:%M}")
        if timezone.is_aware(value):
            return value
        if end and value.time() == dt.time(0, 0):
            return dt.datetime.combine(value.date(), END_OF_DAY, tzinfo=LOCAL)
        return value.replace(tzinfo=LOCAL)
    if isinstance(value, dt.date):
        return _moment(value.year, value.month, value.day, typed=str(value), end=end)
    if isinstance(value, bool):
        raise CellError("không phải ngày hợp lệ")
    if isinstance(value, int | float):
        try:
            converted = from_excel(value, epoch=epoch)
        except (ValueError, OverflowError, TypeError) as exc:
            raise CellError(f"số {value} không phải ngày hợp lệ") from exc
        if not isinstance(converted, dt.datetime) or not (
                EARLIEST_YEAR <= converted.year <= LATEST_YEAR):
            raise CellError(f"số {value} không phải ngày hợp lệ")
        return as_moment(converted, epoch, end)
    return _moment_from_text(str(value).strip(), end)


@lru_cache(maxsize=1 << 16)
def _moment_from_text(text: str, end: bool) -> dt.datetime:
    """Text dates repeat across a file (a day, a time of day): each is parsed once."""
    match = _DMY.match(text)
    if match:
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        hour = int(match[4]) if match[4] else None
        return _moment(year, month, day, hour, int(match[5] or 0), int(match[6] or 0),
                       typed=text, end=end)
    match = _YMD.match(text)
    if match:
        if match[7]:
            try:
                moment = dt.datetime.fromisoformat(
                    text.replace(" ", "T", 1).replace("Z", "+00:00"))
            except ValueError as exc:
                raise CellError(f"ngày giờ “{text}” không tồn tại") from exc
            return _in_years(moment, text)
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        hour = int(match[4]) if match[4] else None
        return _moment(year, month, day, hour, int(match[5] or 0), int(match[6] or 0),
                       typed=text, end=end)
    raise CellError(f"“{cells.as_text(text)}” không phải ngày hợp lệ; hãy ghi ngày/tháng/năm "
                    "(04/05/2026), có thể kèm giờ (04/05/2026 08:30), hoặc năm-tháng-ngày "
                    "(2026-05-04)")


def as_end_moment(value, epoch: dt.datetime = WINDOWS_EPOCH) -> dt.datetime:
    return as_moment(value, epoch, True)


def _no_controls(text: str) -> str:
    if _CONTROL.search(text):
        raise CellError("có ký tự điều khiển không hợp lệ (ký tự ẩn, thường do sao chép từ "
                        "phần mềm khác); hãy xóa rồi gõ lại ô này")
    return text


@lru_cache(maxsize=65536)
def _clean(text: str) -> str:
    return _no_controls(clean_text(text))


def as_repeated_text(value) -> str:
    """Text that repeats across rows (procedure, field, unit, official): cleaned once."""
    if isinstance(value, str):
        return _clean(value)
    return _no_controls(cells.as_text(value))


def as_code(value) -> str:
    """A dossier code: plain ASCII without spaces (the usual case) needs no cleaning."""
    if value.__class__ is str and value.isascii() and value.isprintable() and " " not in value:
        return value
    return _no_controls(cells.as_text(value))


def as_status(value) -> str:
    status = STATUSES.get(cells.choice_key(as_repeated_text(value)))
    if status is None:
        raise CellError(f"“{cells.as_text(value)}” không phải trạng thái hợp lệ; hãy ghi một "
                        "trong: " + ", ".join(f"“{label}”" for _v, label in DossierStatus.choices))
    return status


# --------------------------------------------------------------------------- checking


def may_import(user, unit: Unit) -> bool:
    return scoping.covers(user, unit.path, MANAGE_ROLES)


def require_importer(user, unit: Unit) -> None:
    if not may_import(user, unit):
        raise PermissionDenied(REFUSED)


@dataclass
class DossierImportResult(ImportResult):
    updated: int = 0
    errors_dropped: int = 0  # reasons not kept beyond MAX_ERRORS


# (row number, unit code, code, procedure, field, received, due, resolved, official, status)
Draft = tuple


def _fmt(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


_MISS = object()
#: Parsed values kept per column; a file of unique date-times starts again past it.
CACHE_LIMIT = 50_000


class _Parsed:
    """Parsed values of repeated raw cells, per column: the same procedure, field, unit,
    official, status or date text recurs on thousands of rows and goes through the row
    checker once; a value it refused is never kept, so each refusal is reported."""

    def __init__(self):
        self.columns: dict[str, dict] = defaultdict(dict)

    def get(self, row, key, parse=cells.as_text, *args, max_length=None):
        raw = row._values.get(key)
        if raw is None:
            return row.get(key, parse, *args, max_length=max_length)
        column = self.columns[key]
        value = column.get(raw, _MISS)
        if value is _MISS:
            value = row.get(key, parse, *args, max_length=max_length)
            if not row.has_error(key):
                if len(column) >= CACHE_LIMIT:
                    column.clear()
                column[raw] = value
        return value


def check_row(row, epoch, parsed: _Parsed) -> tuple[Draft | None, str, str]:
    """Parse one row: (the compact draft or None when a cell is wrong, code, unit code)."""
    code = row.get("code", as_code, max_length=60)
    procedure = parsed.get(row, "procedure", as_repeated_text, max_length=500)
    field = parsed.get(row, "field", as_repeated_text, max_length=200) or ""
    received = parsed.get(row, "received_at", as_moment, epoch)
    due = parsed.get(row, "due_at", as_end_moment, epoch)
    resolved = parsed.get(row, "resolved_at", as_end_moment, epoch)
    official = parsed.get(row, "official", as_repeated_text, max_length=120) or ""
    unit_code = parsed.get(row, "unit_code", as_repeated_text, max_length=40) or ""
    status = parsed.get(row, "status", as_status)
    if received is not None and due is not None and due < received:
        row.error("due_at", f"Hạn trả ({_fmt(due)}) trước ngày tiếp nhận ({_fmt(received)}).")
    if received is not None and resolved is not None and resolved < received:
        row.error("resolved_at", f"Ngày trả kết quả ({_fmt(resolved)}) trước ngày tiếp nhận "
                                 f"({_fmt(received)}).")
    if status is None and not row.has_error("status"):
        status = DossierStatus.RESOLVED if resolved is not None else DossierStatus.PROCESSING
    elif status == DossierStatus.RESOLVED and resolved is None and not row.has_error(
            "resolved_at"):
        row.error("resolved_at", "Hồ sơ “Đã trả kết quả” phải có ngày trả kết quả.")
    elif status in OPEN_STATUSES and resolved is not None:
        row.error("status", f"Hồ sơ có ngày trả kết quả nhưng trạng thái là "
                            f"“{DossierStatus(status).label}”; hãy sửa trạng thái hoặc bỏ ngày "
                            "trả kết quả.")
    if not row.valid:
        return None, code or "", unit_code
    return ((row.number, unit_code, code, procedure, field, received, due, resolved, official,
             status), code, unit_code)


def _chunks(values, size=LOOKUP_CHUNK):
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _units(root: Unit, codes: Iterable[str]) -> dict[str, Unit]:
    found: dict[str, Unit] = {}
    for chunk in _chunks(set(codes)):
        found.update((u.code, u) for u in Unit.objects.filter(
            code__in=chunk, path__startswith=root.path, is_active=True).only("pk", "code",
                                                                              "path", "name"))
    return found


def _officials(root: Unit, texts: Iterable[str]) -> tuple[dict[str, int], dict[str, list[int]]]:
    """People of ``root``'s subtree named by staff code, and by folded full name."""
    texts = set(texts)
    by_code: dict[str, int] = {}
    by_name: dict[str, list[int]] = defaultdict(list)
    people = Person.objects.filter(unit__path__startswith=root.path)
    for chunk in _chunks(texts):
        by_code.update(people.filter(staff_code__in=chunk).values_list("staff_code", "pk"))
    for chunk in _chunks({fold(t) for t in texts}):
        for pk, folded in people.filter(name_folded__in=chunk).values_list("pk", "name_folded"):
            by_name[folded].append(pk)
    return by_code, by_name


@dataclass
class Checked:
    """What passed: the drafts, the unit of each unit code, the person of each official."""

    drafts: list[Draft]
    units: dict[str, Unit]
    officials: dict[str, int]
    root: Unit


def _error(result: DossierImportResult, number: int, key: str, message: str) -> None:
    result.errors.append(RowError(number, HEADERS[key], message))


class CappedErrors(list):
    """The result's error list, keeping at most MAX_ERRORS reasons (counting the rest)."""

    def __init__(self, result):
        super().__init__()
        self.result = result

    def append(self, error):
        if len(self) >= MAX_ERRORS:
            self.result.errors_dropped += 1
        else:
            super().append(error)


def new_result(*, dry_run: bool = False) -> DossierImportResult:
    result = DossierImportResult(noun=SPEC.noun, dry_run=dry_run,
                                 columns=tuple(c.header for c in SPEC.columns))
    result.errors = CappedErrors(result)
    return result


def check_rows(root: Unit, rows: Iterable[SheetRow], result: DossierImportResult,
               epoch: dt.datetime = WINDOWS_EPOCH, *,
               earlier: str = "dòng {} của tệp") -> Checked:
    """Check every row (then the file as a whole); the errors go to ``result``.

    ``earlier`` names the first place of a repeated dossier (a file's row, an API item).
    """
    checker = RowChecker(SPEC, result)
    drafts: list[Draft] = []
    first_row: dict[tuple[str, str], int] = {}
    parsed = _Parsed()
    for sheet_row in rows:
        result.rows_total += 1
        row = CheckedRow(sheet_row, checker)
        draft, code, unit_code = check_row(row, epoch, parsed)
        if unit_code and unit_code == root.code:  # the importing unit named by its code
            unit_code = ""
            if draft is not None:
                draft = (draft[0], "", *draft[2:])
        if code:
            key = (unit_code, code)
            seen = first_row.get(key)
            if seen is not None:
                _error(result, row.number, "code",
                       f"Mã hồ sơ “{code}” trùng với {earlier.format(seen)}.")
                continue
            first_row[key] = row.number
        if draft is not None:
            drafts.append(draft)
    del first_row
    units = _units(root, {d[1] for d in drafts if d[1]})
    units[""] = root
    by_code, by_name = _officials(root, {d[8] for d in drafts if d[8]})
    officials: dict[str, int] = {}
    refused: dict[str, str] = {}
    for text in {d[8] for d in drafts if d[8]}:
        if text in by_code:
            officials[text] = by_code[text]
            continue
        matches = by_name.get(fold(text), [])
        if len(matches) == 1:
            officials[text] = matches[0]
        elif matches:
            refused[text] = (f"Có {len(matches)} cán bộ cùng tên “{text}” trong {root.name}; "
                             "hãy ghi mã cán bộ.")
        else:
            refused[text] = (f"Không tìm thấy cán bộ “{text}” (mã cán bộ hoặc họ và tên) trong "
                             f"{root.name} và các đơn vị trực thuộc.")
    kept = []
    for draft in drafts:
        ok = True
        if draft[1] not in units:
            _error(result, draft[0], "unit_code", f"Không tìm thấy đơn vị mã “{draft[1]}” trong "
                                                  f"{root.name} và các đơn vị trực thuộc.")
            ok = False
        if draft[8] in refused:
            _error(result, draft[0], "official", refused[draft[8]])
            ok = False
        if ok:
            kept.append(draft)
    return Checked(kept, units, officials, root)


# --------------------------------------------------------------------------- writing

UPDATE_FIELDS = ["procedure", "field", "received_at", "due_at", "resolved_at", "official",
                 "official_name", "status", "timing", "source", "updated_at"]


def _dossiers(checked: Checked, drafts, source: str, now: dt.datetime):
    units, officials = checked.units, checked.officials
    for (_n, unit_code, code, procedure, field, received, due, resolved, official,
         status) in drafts:
        yield ProcedureDossier(
            unit_id=units[unit_code].pk, code=code, procedure=procedure, field=field,
            received_at=received, due_at=due, resolved_at=resolved,
            official_id=officials.get(official) if official else None, official_name=official,
            status=status, timing=rules.classify(due, resolved, status), source=source,
            imported_at=now, updated_at=now)


#: Columns of the staging table of a PostgreSQL import, in COPY order.
STAGED = ("unit_id", "code", "procedure", "field", "received_at", "due_at", "resolved_at",
          "official_id", "official_name", "status", "timing")


def _staged_rows(checked: Checked, drafts):
    units, officials = checked.units, checked.officials
    for (_n, unit_code, code, procedure, field, received, due, resolved, official,
         status) in drafts:
        yield (units[unit_code].pk, code, procedure, field, received, due, resolved,
               officials.get(official) if official else None, official, status,
               rules.classify(due, resolved, status))


def _copy_postgresql(checked: Checked, source: str, now: dt.datetime) -> None:
    """COPY the drafts straight into the table: the subtree has no dossier yet."""
    meta = ProcedureDossier._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column)
                        for name in (*STAGED, "source", "imported_at", "updated_at"))
    extra = (source, now, now)
    # The driver's own cursor: wrapped so that a clash reaches write() as IntegrityError.
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in _staged_rows(checked, checked.drafts):
            copy.write_row(row + extra)


def _upsert_postgresql(checked: Checked, source: str, now: dt.datetime) -> int:
    """COPY the drafts to a staging table, move the dossiers the file places below
    their unit (as :func:`_move`), then one INSERT … ON CONFLICT DO UPDATE; the dossiers of the
    file's units before it (moved ones included).

    ``bulk_create(update_conflicts=True)`` prepares every value through its
    field (about 15 µs each, see ``core.bulk``): 11 values × a million rows is
    minutes. The staging table lives until the end of the transaction.
    """
    meta = ProcedureDossier._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(meta.get_field(name).column) for name in STAGED)
    updates = ", ".join(f"{quote(meta.get_field(name).column)} = EXCLUDED."
                        f"{quote(meta.get_field(name).column)}"
                        for name in (*STAGED[2:], "source", "updated_at"))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE dossier_staging ON COMMIT DROP AS "  # noqa: S608
                       f"SELECT {columns} FROM {table} WITH NO DATA")
        with connection.wrap_database_errors, cursor.cursor.copy(
                f"COPY dossier_staging ({columns}) FROM STDIN") as copy:
            for row in _staged_rows(checked, checked.drafts):
                copy.write_row(row)
        unit_table = quote(Unit._meta.db_table)
        cursor.execute("ANALYZE dossier_staging")  # a temporary table has no statistics
        # A code once in the subtree and once in the file, at a unit below: move it down
        # (see _move). Both sides are grouped by code and hash-joined.
        cursor.execute(
            f"UPDATE {table} d SET unit_id = m.unit_id FROM ("  # noqa: S608
            f" SELECT o.id, n.unit_id FROM"
            f" (SELECT code, min(unit_id) AS unit_id FROM dossier_staging"
            f"  GROUP BY code HAVING count(*) = 1) n"
            f" JOIN (SELECT e.code, min(e.id) AS id, min(u.path) AS path FROM {table} e"
            f"  JOIN {unit_table} u ON u.id = e.unit_id AND u.path LIKE %s"
            f"  GROUP BY e.code HAVING count(*) = 1) o ON o.code = n.code"
            f" JOIN {unit_table} nu ON nu.id = n.unit_id"
            f" WHERE length(nu.path) > length(o.path)"
            f"  AND left(nu.path, length(o.path)) = o.path) m WHERE d.id = m.id",
            [checked.root.path + "%"])
        before = ProcedureDossier.objects.filter(unit_id__in=_unit_ids(checked)).count()
        # Names from the model's meta, quoted; values are parameters.
        cursor.execute(
            f"INSERT INTO {table} ({columns}, source, imported_at, updated_at) "  # noqa: S608
            f"SELECT {columns}, %s, %s, %s FROM dossier_staging "
            f"ON CONFLICT (unit_id, code) DO UPDATE SET {updates}", [source, now, now])
        cursor.execute("DROP TABLE dossier_staging")  # inside an outer transaction too
    return before


def _unit_ids(checked: Checked) -> list[int]:
    return sorted({u.pk for u in checked.units.values()})


def _move(checked: Checked) -> None:
    """Dossiers the file places in a unit below the one they are at: the same dossier.

    Its code is unique per unit, yet a first import without the unit column puts
    everything at the importing unit and a later one names the receiving unit below
    it; the dossier moves down when its code is used once in the subtree and once in
    the file (used more often, which dossier a row continues is unknown). Units side
    by side keep their own dossiers of the same code (the (unit, code) rule: some
    one-stop systems number per unit). A few set-based statements whatever the
    number of rows.
    """
    new: dict[str, list[Unit]] = defaultdict(list)
    units = checked.units
    for draft in checked.drafts:
        new[draft[2]].append(units[draft[1]])
    single = {code: found[0] for code, found in new.items() if len(found) == 1}
    subtree = Unit.objects.filter(path__startswith=checked.root.path).values("pk")
    old: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for chunk in _chunks(single):
        for pk, code, path in (ProcedureDossier.objects
                               .filter(unit_id__in=subtree, code__in=chunk)
                               .values_list("pk", "code", "unit__path")):
            old[code].append((pk, path))
    moves: dict[int, list[int]] = defaultdict(list)
    for code, found in old.items():
        target = single[code]
        if (len(found) == 1 and len(found[0][1]) < len(target.path)
                and target.path.startswith(found[0][1])):
            moves[target.pk].append(found[0][0])
    for unit_id, pks in moves.items():
        for chunk in _chunks(pks):
            ProcedureDossier.objects.filter(pk__in=chunk).update(unit_id=unit_id)


def write(checked: Checked, *, source: str = Source.IMPORT) -> tuple[int, int]:
    """Upsert every draft on (unit, code) in one transaction; (created, updated).

    SQLite (and small batches anywhere) go through ``bulk_create(update_conflicts=True)``
    in chunks; a large batch on PostgreSQL through COPY and one upsert statement (or
    COPY alone when no unit of the importing subtree has a dossier yet). Either way a
    dossier the file places below the unit it is at moves there (:func:`_move`). A
    clash with a concurrent write of the same dossiers raises :class:`WriteConflict`;
    nothing is written.
    """
    try:
        return _write(checked, source)
    except IntegrityError as exc:
        logger.warning("Dossier import hit a concurrent change", exc_info=True)
        raise WriteConflict(CONFLICT) from exc


class WriteConflict(Exception):
    """Another write changed the same dossiers meanwhile; ``str()`` says so in Vietnamese."""


def _write(checked: Checked, source: str) -> tuple[int, int]:
    now = timezone.now()
    unit_ids = _unit_ids(checked)
    drafts = checked.drafts
    with transaction.atomic():
        if connection.vendor == "postgresql" and len(drafts) > WRITE_CHUNK:
            if ProcedureDossier.objects.filter(unit__path__startswith=checked.root.path).exists():
                before = _upsert_postgresql(checked, source, now)
            else:  # a first load of the subtree: nothing to update or move
                before = 0
                _copy_postgresql(checked, source, now)
        else:
            _move(checked)
            before = ProcedureDossier.objects.filter(unit_id__in=unit_ids).count()
            for start in range(0, len(drafts), WRITE_CHUNK):
                ProcedureDossier.objects.bulk_create(
                    list(_dossiers(checked, drafts[start:start + WRITE_CHUNK], source, now)),
                    update_conflicts=True, unique_fields=["unit", "code"],
                    update_fields=UPDATE_FIELDS)
        after = ProcedureDossier.objects.filter(unit_id__in=unit_ids).count()
    created = after - before
    return created, len(drafts) - created
