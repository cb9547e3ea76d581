"""Excel import of the history of awards for years before the system, and its template.

A unit's office fills the sheet "Khen thưởng" — one row per title or form a
person (staff code) or a collective (unit code) received: year, title or form,
decision number, date and issuing body, achievement — and, optionally, the
sheet "Xếp loại" with past yearly grades of people (``PastGrade``) and of
collectives (``UnitGrade``), which eligibility reads for the years before the
KPI module. Both sheets are read with the org Excel machinery (file checks,
header matching, one error per row, column and reason); every row of both is
checked first, with a fixed number of queries, and all are written in one
transaction, or none when any row is wrong.

Refused: a person or unit outside the unit's subtree (the importer must manage
the unit: ADMIN or SECRETARIAT), a year in the future, a decision dated before
the year it rewards, a title for collectives
on a person's row (and the reverse), the same person (or unit), title and year
twice in the file or already in the history, a grade for a year that already
has one (imported, or computed by the KPI module).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from auditlog.registry import auditlog
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from thidua.awards.models import Award, AwardSource, AwardType, PastGrade, Subject, UnitGrade
from thidua.core import scoping
from thidua.core.roles import MANAGE_ROLES
from thidua.core.text import fold
from thidua.kpi.policy import Grade
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
)
from thidua.org.excel.reader import FileError, Sheet, check_upload, read_sheet
from thidua.org.excel.template import LAST_ROW, style_header_row, write_guide
from thidua.org.models import Person, Unit

LOOKUP_CHUNK = 900
BATCH_SIZE = 500
EARLIEST_YEAR = 1945
REFUSED = "Bạn không có quyền nhập lịch sử khen thưởng của đơn vị này."
GRADES_GUIDE_SHEET = "Hướng dẫn xếp loại"

AWARDS = SheetSpec(
    slug="lich-su-khen-thuong",
    title="Khen thưởng",
    noun="khen thưởng",
    purpose=(
        "Mỗi dòng của trang “Khen thưởng” là một danh hiệu thi đua hoặc hình thức khen thưởng "
        "mà một cán bộ (ghi mã cán bộ) hoặc một tập thể (ghi mã đơn vị) đã nhận trong những "
        "năm trước khi dùng hệ thống."
    ),
    columns=(
        Column("staff_code", "Mã cán bộ", width=14, is_text=True, example="CB000123",
               guide="Với khen thưởng cá nhân: mã của cán bộ thuộc đơn vị (hoặc đơn vị trực "
                     "thuộc) đang nhập. Để trống nếu là khen thưởng tập thể."),
        Column("unit_code", "Mã đơn vị", width=14, is_text=True, example="",
               guide="Với khen thưởng tập thể: mã của đơn vị được khen (đơn vị đang nhập hoặc "
                     "đơn vị trực thuộc). Ghi một trong hai cột “Mã cán bộ” hoặc “Mã đơn vị”."),
        Column("full_name", "Họ và tên", width=26, example="Nguyễn Thị Hoa",
               aliases=("Tên tập thể", "Họ tên"),
               guide="Không bắt buộc; dùng để đối chiếu. Nếu khác họ tên trong hệ thống của "
                     "mã cán bộ, hệ thống vẫn nhập theo mã và báo để bạn kiểm tra lại."),
        Column("year", "Năm", required=True, width=8, example="2023",
               guide="Năm được khen (năm của thành tích), ví dụ 2023; không được là năm "
                     "sau năm hiện tại."),
        Column("award_type", "Danh hiệu, hình thức", required=True, width=34,
               choices="award_type", example="Chiến sĩ thi đua cơ sở",
               aliases=("Danh hiệu", "Hình thức", "Danh hiệu hoặc hình thức",
                        "Mã danh hiệu", "Tên danh hiệu"),
               guide="Tên, tên viết tắt hoặc mã của danh hiệu, hình thức trong danh mục của "
                     "hệ thống (chọn trong danh sách thả xuống), ví dụ “Lao động tiên tiến”, "
                     "“LĐTT” hoặc “ldtt”. Danh hiệu của cá nhân chỉ ghi cho dòng có mã cán "
                     "bộ; danh hiệu của tập thể chỉ ghi cho dòng có mã đơn vị."),
        Column("decision_number", "Số quyết định", required=True, width=18, is_text=True,
               example="125/QĐ-UBND", guide="Số, ký hiệu của quyết định khen thưởng."),
        Column("decision_date", "Ngày quyết định", width=14, is_date=True, example="15/12/2023",
               guide="Không bắt buộc; ngày/tháng/năm (dd/mm/yyyy), không ở tương lai và "
                     "không trước năm được khen."),
        Column("decision_body", "Cơ quan quyết định", width=28, example="UBND phường An Bình",
               aliases=("Cơ quan ban hành", "Cấp quyết định"),
               guide="Không bắt buộc; cơ quan, người ra quyết định."),
        Column("achievement", "Thành tích", width=40,
               example="Đã có thành tích xuất sắc trong phong trào thi đua năm 2023",
               guide="Không bắt buộc; thành tích được khen."),
    ),
)

GRADES = SheetSpec(
    slug="xep-loai",
    title="Xếp loại",
    noun="xếp loại",
    purpose=(
        "Trang “Xếp loại” (không bắt buộc): mỗi dòng là kết quả xếp loại một năm trước khi "
        "dùng hệ thống của một cán bộ (ghi mã cán bộ) hoặc mức hoàn thành nhiệm vụ của một "
        "tập thể (ghi mã đơn vị). Hệ thống dùng các kết quả này khi xét danh hiệu cần nhiều "
        "năm liên tục."
    ),
    columns=(
        Column("staff_code", "Mã cán bộ", width=14, is_text=True, example="CB000123",
               guide="Mã cán bộ (xếp loại cá nhân); để trống nếu là kết quả của tập thể."),
        Column("unit_code", "Mã đơn vị", width=14, is_text=True, example="",
               guide="Mã đơn vị (kết quả của tập thể). Ghi một trong hai cột “Mã cán bộ” hoặc "
                     "“Mã đơn vị”."),
        Column("year", "Năm", required=True, width=8, example="2023",
               guide="Năm được xếp loại; không được là năm sau năm hiện tại."),
        Column("grade", "Xếp loại", required=True, width=32, choices="grade",
               example="Hoàn thành xuất sắc nhiệm vụ", aliases=("Mức xếp loại",),
               guide="Một trong: " + ", ".join(f"“{label}” ({Grade.SHORT[code]})"
                                               for code, label in Grade.CHOICES) + "."),
        Column("source", "Nguồn", width=30, example="Biên bản họp xét năm 2023",
               guide="Không bắt buộc: văn bản ghi nhận kết quả; tối đa 200 ký tự."),
    ),
)

NOTES = (
    AWARDS.purpose,
    GRADES.purpose,
    "Nhập dữ liệu từ dòng 2, giữ nguyên dòng tiêu đề. Các cột có dấu (*) là bắt buộc. Dòng "
    "trống được bỏ qua. Có thể chỉ điền một trong hai trang.",
    "Mỗi cán bộ (hoặc tập thể), mỗi danh hiệu chỉ có một dòng cho một năm; một năm chỉ có một "
    "kết quả xếp loại. Dòng trùng với dòng khác trong tệp hoặc với dữ liệu đã có bị từ chối.",
    "Hệ thống kiểm tra toàn bộ tệp trước khi ghi: nếu có dòng sai, không dòng nào được ghi và "
    "bạn nhận được danh sách các dòng sai kèm lý do.",
)

GRADE_LOOKUP = cells.choice_lookup(
    (code, (label, Grade.SHORT[code], code)) for code, label in Grade.CHOICES)
GRADE_LABELS = [label for _code, label in Grade.CHOICES]


def may_import(user, unit: Unit) -> bool:
    return scoping.covers(user, unit.path, MANAGE_ROLES)


def as_year(value) -> int:
    """A year: a whole number between 1945 and this year."""
    if isinstance(value, bool):
        raise CellError("không phải năm")
    if isinstance(value, dt.datetime | dt.date):
        raise CellError("chỉ ghi năm (ví dụ 2023), không ghi ngày")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = cells.as_text(value)
    if not text.isdigit() or len(text) != 4:
        raise CellError(f"“{text}” không phải năm; hãy ghi năm gồm 4 chữ số, ví dụ 2023")
    year = int(text)
    this_year = timezone.localdate().year
    if year > this_year:
        raise CellError(f"năm {year} chưa đến (năm nay là {this_year})")
    if year < EARLIEST_YEAR:
        raise CellError(f"năm {year} quá sớm (trước năm {EARLIEST_YEAR})")
    return year


@dataclass
class HistoryImportResult(ImportResult):
    warnings: list[RowError] = field(default_factory=list)
    awards: int = 0
    grades: int = 0


@dataclass
class _Subject:
    row: CheckedRow
    person: Person | None = None
    unit: Unit | None = None


def _sheet_fill(upload) -> dict[str, int]:
    """Folded sheet title → number of non-blank rows, for the two data sheets."""
    wanted = {fold(AWARDS.title), fold(GRADES.title)}
    try:
        workbook = load_workbook(upload, read_only=True, data_only=False)
    except Exception:  # the reader says what is wrong with the file
        return {}
    try:
        found = {}
        for sheet in workbook.worksheets:
            key = fold(sheet.title)
            if key not in wanted:
                continue
            sheet.reset_dimensions()
            found[key] = sum(1 for row in sheet.iter_rows(values_only=True)
                             if any(not cells.is_blank(v) for v in row))
        return found
    finally:
        workbook.close()
        upload.seek(0)


def _read(upload, result: HistoryImportResult) -> tuple[Sheet | None, Sheet | None]:
    """The rows of the awards sheet and of the grades sheet (either may be absent, not
    both); a file-level problem is recorded and gives (None, None)."""
    try:
        check_upload(upload)
        fill = _sheet_fill(upload)
        has_awards = fill.get(fold(AWARDS.title), 0) >= 2
        has_grades = fill.get(fold(GRADES.title), 0) >= 2
        awards = read_sheet(upload, AWARDS) if has_awards or not has_grades else None
        grades = read_sheet(upload, GRADES) if has_grades else None
    except FileError as exc:
        result.errors.append(RowError(None, "", str(exc)))
        return None, None
    result.rows_total = len(awards.rows if awards else []) + len(grades.rows if grades else [])
    return awards, grades


def _chunks(values):
    values = sorted(set(values))
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start:start + LOOKUP_CHUNK]


def _people(unit: Unit, codes) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for chunk in _chunks(codes):
        found.update((p.staff_code, p) for p in Person.objects.filter(
            staff_code__in=chunk, unit__path__startswith=unit.path).select_related("unit")
            .only("pk", "staff_code", "full_name", "unit_id", "unit__name", "unit__path"))
    return found


def _units(unit: Unit, codes) -> dict[str, Unit]:
    found: dict[str, Unit] = {}
    for chunk in _chunks(codes):
        found.update((u.code, u) for u in Unit.objects.filter(
            code__in=chunk, path__startswith=unit.path, is_active=True))
    return found


def _subject(row: CheckedRow, unit: Unit, people, units) -> _Subject:
    """Resolve the row's person or collective (exactly one of the two codes)."""
    staff_code = row.get("staff_code") or ""
    unit_code = row.get("unit_code") or ""
    subject = _Subject(row)
    if row.has_error("staff_code") or row.has_error("unit_code"):
        return subject
    if staff_code and unit_code:
        row.error("unit_code", "Chỉ ghi một trong hai cột: “Mã cán bộ” (khen thưởng cá nhân) "
                               "hoặc “Mã đơn vị” (khen thưởng tập thể).")
    elif not staff_code and not unit_code:
        row.error("staff_code", "Chưa nhập mã cán bộ (cá nhân) hoặc mã đơn vị (tập thể).")
    elif staff_code:
        subject.person = people.get(staff_code)
        if subject.person is None:
            row.error("staff_code", f"Không tìm thấy cán bộ mã “{staff_code}” trong "
                                    f"{unit.name} và các đơn vị trực thuộc.")
    else:
        subject.unit = units.get(unit_code)
        if subject.unit is None:
            row.error("unit_code", f"Không tìm thấy đơn vị mã “{unit_code}” trong "
                                   f"{unit.name} và các đơn vị trực thuộc.")
    return subject


def _codes(sheets, key):
    return {cells.as_text(r.values.get(key)) for sheet in sheets if sheet
            for r in sheet.rows if not cells.is_blank(r.values.get(key))}


def _type_lookup() -> tuple[dict[str, str], dict[str, AwardType]]:
    types = {t.code: t for t in AwardType.objects.all()}
    lookup = cells.choice_lookup(
        (code, tuple(s for s in (t.name, t.short_name, code) if s)) for code, t in types.items())
    return lookup, types


def _existing_awards(people_ids, unit_ids) -> set[tuple]:
    """(person id, None, type id, year) and (None, unit id, type id, year) already held."""
    held: set[tuple] = set()
    for chunk in _chunks(people_ids):
        held.update((p, None, t, y) for p, t, y in Award.objects.filter(person_id__in=chunk)
                    .values_list("person_id", "award_type_id", "year"))
    for chunk in _chunks(unit_ids):
        held.update((None, u, t, y) for u, t, y in Award.objects.filter(
            person__isnull=True, unit_id__in=chunk).values_list("unit_id", "award_type_id",
                                                                 "year"))
    return held


def _existing_grades(people_ids, unit_ids) -> tuple[set, set, set]:
    from thidua.kpi.models import YearResult

    past, computed, collective = set(), set(), set()
    for chunk in _chunks(people_ids):
        past.update(PastGrade.objects.filter(person_id__in=chunk)
                    .values_list("person_id", "year"))
        computed.update(YearResult.objects.filter(person_id__in=chunk)
                        .values_list("person_id", "year"))
    for chunk in _chunks(unit_ids):
        collective.update(UnitGrade.objects.filter(unit_id__in=chunk)
                          .values_list("unit_id", "year"))
    return past, computed, collective


def _decision_text(row: CheckedRow, number: str, day: dt.date | None, body: str) -> str:
    text = f"Quyết định số {number}"
    if day:
        text += f" ngày {day:%d/%m/%Y}"
    if body:
        text += f" của {body}"
    limit = Award._meta.get_field("decision_text").max_length
    if len(text) > limit:
        row.error("decision_body", f"Số quyết định, ngày và cơ quan quyết định ghép lại dài quá "
                                   f"{limit} ký tự; hãy ghi ngắn gọn hơn.")
        return ""
    return text


def _check_awards(sheet, unit, people, units, lookup, types, result) -> list[Award]:
    checker = RowChecker(AWARDS, result)
    drafts = []
    for row in checker.rows(sheet):
        subject = _subject(row, unit, people, units)
        year = row.get("year", as_year)
        code = row.get("award_type", cells.as_choice, lookup)
        number = row.get("decision_number", max_length=60) or ""
        day = row.get("decision_date", cells.as_date, sheet.epoch)
        body = row.get("decision_body", max_length=120) or ""
        achievement = row.get("achievement", max_length=2000) or ""
        name = row.get("full_name") or ""
        award_type = types.get(code) if code else None
        if award_type and (subject.person or subject.unit):
            wanted = Subject.PERSON if subject.person else Subject.COLLECTIVE
            if award_type.subject != wanted:
                row.error("award_type", f"“{award_type.name}” là "
                          f"{award_type.get_kind_display().lower()} dành cho "
                          f"{award_type.get_subject_display().lower()}, nhưng dòng này ghi "
                          + ("mã cán bộ (khen thưởng cá nhân)." if subject.person
                             else "mã đơn vị (khen thưởng tập thể)."))
        if day and year and day.year < year:
            row.error("decision_date", f"Ngày quyết định {day:%d/%m/%Y} trước năm được khen "
                                       f"({year}); hãy kiểm tra lại năm hoặc ngày quyết định.")
        if subject.person and name and fold(name) != fold(subject.person.full_name):
            result.warnings.append(RowError(
                row.number, "Họ và tên",
                f"Họ tên “{name}” khác họ tên trong hệ thống của mã "
                f"{subject.person.staff_code} (“{subject.person.full_name}”); đã nhập theo mã "
                "cán bộ."))
        text = _decision_text(row, number, day, body) if number else ""
        drafts.append((subject, year, award_type, text, achievement))
    held = _existing_awards({s.person.pk for s, *_ in drafts if s.person},
                            {s.unit.pk for s, *_ in drafts if s.unit})
    first_row: dict[tuple, int] = {}
    awards = []
    for subject, year, award_type, text, achievement in drafts:
        row = subject.row
        if not row.valid:
            continue
        key = (subject.person.pk if subject.person else None,
               None if subject.person else subject.unit.pk, award_type.pk, year)
        who = subject.person.full_name if subject.person else subject.unit.name
        if key in first_row:
            row.error("award_type", f"{who} — “{award_type.name}” năm {year} trùng với dòng "
                                    f"{first_row[key]} của tệp.")
            continue
        first_row[key] = row.number
        if key in held:
            row.error("award_type", f"{who} đã có “{award_type.name}” năm {year} trong lịch sử "
                                    "khen thưởng.")
            continue
        awards.append(Award(award_type=award_type, person=subject.person,
                            unit=subject.person.unit if subject.person else subject.unit,
                            year=year, decision_text=text, achievement=achievement,
                            source=AwardSource.IMPORT))
    return awards


def _check_grades(sheet, unit, people, units, result) -> tuple[list, list]:
    checker = RowChecker(GRADES, result)
    checker.headers = {key: f"{header} (trang “{GRADES.title}”)"
                       for key, header in checker.headers.items()}
    drafts = []
    for row in checker.rows(sheet):
        subject = _subject(row, unit, people, units)
        year = row.get("year", as_year)
        grade = row.get("grade", cells.as_choice, GRADE_LOOKUP, GRADE_LABELS)
        source = row.get("source", max_length=200) or ""
        drafts.append((subject, year, grade, source))
    past, computed, collective = _existing_grades(
        {s.person.pk for s, *_ in drafts if s.person}, {s.unit.pk for s, *_ in drafts if s.unit})
    first_row: dict[tuple, int] = {}
    people_grades, unit_grades = [], []
    for subject, year, grade, source in drafts:
        row = subject.row
        if not row.valid:
            continue
        key = ("p", subject.person.pk, year) if subject.person else ("u", subject.unit.pk, year)
        who = subject.person.full_name if subject.person else subject.unit.name
        if key in first_row:
            row.error("year", f"{who} năm {year} trùng với dòng {first_row[key]} của trang.")
            continue
        first_row[key] = row.number
        if subject.person:
            if (subject.person.pk, year) in computed:
                row.error("year", f"{who} đã có kết quả xếp loại năm {year} trên hệ thống "
                                  "(đánh giá KPI); không nhập lại.")
            elif (subject.person.pk, year) in past:
                row.error("year", f"{who} đã có xếp loại năm {year} (đã nhập trước đây).")
            else:
                people_grades.append(PastGrade(person=subject.person, year=year, grade=grade,
                                               source=source))
        elif (subject.unit.pk, year) in collective:
            row.error("year", f"{who} đã có kết quả hoàn thành nhiệm vụ năm {year}.")
        else:
            unit_grades.append(UnitGrade(unit=subject.unit, year=year, grade=grade,
                                         source=source))
    return people_grades, unit_grades


def _log_created(user, objects) -> None:
    """The audit entries ``bulk_create`` skips, for the models auditlog tracks."""
    if objects and auditlog.contains(type(objects[0])):
        log_created(user, objects)


def import_history(user, unit: Unit, upload, *, dry_run: bool = False) -> HistoryImportResult:
    """Check every row of both sheets, then write all of them in one transaction (or none)."""
    if not may_import(user, unit):
        raise PermissionDenied(REFUSED)
    result = HistoryImportResult(
        noun=AWARDS.noun, dry_run=dry_run,
        columns=tuple(c.header for c in AWARDS.columns)
        + tuple(f"{c.header} (trang “{GRADES.title}”)" for c in GRADES.columns))
    award_sheet, grade_sheet = _read(upload, result)
    if award_sheet is None and grade_sheet is None:
        return result
    sheets = (award_sheet, grade_sheet)
    people = _people(unit, _codes(sheets, "staff_code"))
    units = _units(unit, _codes(sheets, "unit_code"))
    awards, people_grades, unit_grades = [], [], []
    if award_sheet is not None:
        lookup, types = _type_lookup()
        awards = _check_awards(award_sheet, unit, people, units, lookup, types, result)
    if grade_sheet is not None:
        people_grades, unit_grades = _check_grades(grade_sheet, unit, people, units, result)
    result.awards = len(awards)
    result.grades = len(people_grades) + len(unit_grades)
    if result.errors or dry_run:
        return result

    def write() -> int:
        made = Award.objects.bulk_create(awards, batch_size=BATCH_SIZE)
        grades = PastGrade.objects.bulk_create(people_grades, batch_size=BATCH_SIZE)
        collective = UnitGrade.objects.bulk_create(unit_grades, batch_size=BATCH_SIZE)
        for objects in (made, grades, collective):
            _log_created(user, objects)
        return len(made) + len(grades) + len(collective)

    _write(result, write)
    return result


def _dropdown(sheet, columns, key: str, formula: str, header: str) -> None:
    position = next(i for i, c in enumerate(columns, start=1) if c.key == key)
    letter = get_column_letter(position)
    validation = DataValidation(
        type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
        errorStyle="warning", errorTitle="Giá trị không có trong danh sách",
        error=f"Cột “{header}”: hãy chọn một giá trị trong danh sách thả xuống.")
    validation.add(f"{letter}2:{letter}{LAST_ROW}")
    sheet.add_data_validation(validation)


def build_template(unit: Unit) -> bytes:
    """Two data sheets, their guides and a hidden sheet of the drop-down lists."""
    workbook = Workbook()
    awards = workbook.active
    awards.title = AWARDS.title
    award_columns = list(AWARDS.columns)
    style_header_row(awards, award_columns, [c.template_header for c in award_columns])
    grades = workbook.create_sheet(GRADES.title)
    grade_columns = list(GRADES.columns)
    style_header_row(grades, grade_columns, [c.template_header for c in grade_columns])
    write_guide(workbook.create_sheet(GUIDE_SHEET), AWARDS,
                f"Hướng dẫn nhập lịch sử khen thưởng — {unit.name}", NOTES)
    write_guide(workbook.create_sheet(GRADES_GUIDE_SHEET), GRADES,
                "Hướng dẫn trang “Xếp loại” (không bắt buộc)", (GRADES.purpose,))
    names = list(AwardType.objects.order_by("subject", "order", "name")
                 .values_list("name", flat=True))
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.cell(row=1, column=1, value="Danh hiệu, hình thức")
    for index, name in enumerate(names, start=2):
        lists.cell(row=index, column=1, value=name)
    lists.cell(row=1, column=2, value="Xếp loại")
    for index, label in enumerate(GRADE_LABELS, start=2):
        lists.cell(row=index, column=2, value=label)
    lists.column_dimensions["A"].width = max([len(n) for n in names] + [20]) + 2
    lists.column_dimensions["B"].width = max(len(label) for label in GRADE_LABELS) + 2
    lists.sheet_state = "hidden"
    if names:
        _dropdown(awards, award_columns, "award_type",
                  f"{quote_sheetname(LISTS_SHEET)}!$A$2:$A${len(names) + 1}",
                  "Danh hiệu, hình thức")
    _dropdown(grades, grade_columns, "grade",
              f"{quote_sheetname(LISTS_SHEET)}!$B$2:$B${len(GRADE_LABELS) + 1}", "Xếp loại")
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
