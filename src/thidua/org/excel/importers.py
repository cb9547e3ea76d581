"""Import units and people from Excel: validate every row, then write all or nothing.

Each importer takes the acting user and the uploaded file and returns an
:class:`ImportResult`. It first reads the whole sheet and checks every row —
cell formats, duplicates inside the file, codes already in the database,
units outside the user's scope — collecting one :class:`RowError` per
problem. Only when no row has an error (and it is not a dry run) does it
write, inside one transaction, with ``bulk_create``; then it records the
audit entries that ``bulk_create`` skips.

Lookups are set-based: one (chunked) query for the unit codes that rows
name, one (chunked) for staff or unit codes already taken, whatever the
number of rows. A unit code that exists outside the user's scope gets the
same answer as one that does not exist at all, so an import reveals nothing
about other units.
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet

from thidua.core import scoping
from thidua.core.roles import MANAGE_ROLES
from thidua.core.text import fold
from thidua.org.choices import ETHNIC_GROUPS, Gender, Sector, StaffCategory
from thidua.org.excel import cells
from thidua.org.excel.audit import log_created
from thidua.org.excel.cells import CellError
from thidua.org.excel.columns import FOREIGN_LABEL, PEOPLE, UNITS, SheetSpec
from thidua.org.excel.reader import FileError, Sheet, SheetRow, read_sheet
from thidua.org.models import Person, Unit, UnitKind
from thidua.org.tree import bulk_add

logger = logging.getLogger(__name__)

#: Rows per INSERT (the backend may lower it: SQLite allows 999 parameters).
BATCH_SIZE = 1000
#: Values per ``IN (...)`` lookup, below SQLite's 999-parameter limit.
LOOKUP_CHUNK = 900
#: The unit kind a party cell must have.
PARTY_CELL_KIND = "chi_bo"

CONFLICT = ("Dữ liệu trong hệ thống vừa bị thay đổi bởi một thao tác khác trong lúc nhập "
            "(ví dụ một mã vừa được dùng). Chưa có dữ liệu nào được ghi; hãy nhập lại tệp.")
REQUIRED = "Chưa nhập (cột bắt buộc)."


class RowError(NamedTuple):
    """One rejected value: Excel row number (``None`` for the file as a whole), column, reason."""

    row: int | None
    column: str
    message: str


@dataclass
class ImportResult:
    """What an import found and did; the view only renders it."""

    noun: str
    columns: tuple[str, ...] = ()  # headers in sheet order, to sort a row's errors
    dry_run: bool = False
    rows_total: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def file_errors(self) -> list[RowError]:
        return [e for e in self.errors if e.row is None]

    @property
    def row_errors(self) -> list[RowError]:
        """Errors of rows, by row and then by column as in the sheet."""
        order = {header: index for index, header in enumerate(self.columns)}
        return sorted((e for e in self.errors if e.row is not None),
                      key=lambda e: (e.row, order.get(e.column, len(order))))

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors if e.row is not None})

    @property
    def rows_ok(self) -> int:
        return self.rows_total - self.rejected_rows


# --------------------------------------------------------------------------- helpers


def _sentence(reason: str) -> str:
    """Cell reasons are fragments ("ngày … không tồn tại"); the report shows sentences."""
    reason = reason.rstrip(".")
    return reason[:1].upper() + reason[1:] + "."


def _max_length(model: type[Model], name: str) -> int:
    return model._meta.get_field(name).max_length


def _chunks(values: Iterable[str], size: int = LOOKUP_CHUNK) -> Iterator[list[str]]:
    values = sorted(set(values))
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _taken(queryset: QuerySet, field_name: str, values: Iterable[str]) -> set[str]:
    """Which of ``values`` already exist in ``field_name`` — one query per chunk."""
    found: set[str] = set()
    for chunk in _chunks(values):
        found.update(queryset.filter(**{f"{field_name}__in": chunk})
                     .values_list(field_name, flat=True))
    return found


def _units_in_scope(user, codes: Iterable[str]) -> dict[str, Unit]:
    """The units with these codes that ``user`` may manage, by code.

    Units outside the scope are simply absent: callers answer "not found in
    your scope" either way.
    """
    scoped = scoping.scope(Unit.objects.select_related("kind"), user, MANAGE_ROLES)
    units: dict[str, Unit] = {}
    for chunk in _chunks(codes):
        units.update((unit.code, unit) for unit in scoped.filter(code__in=chunk))
    return units


def require_manager(user) -> None:
    """Importing is managing: refuse a user without a MANAGE role anywhere.

    Scope still decides which units a row may name; this only turns away
    users who could not import a single row.
    """
    if not scoping.roles_of(user) & MANAGE_ROLES:
        raise PermissionDenied("Bạn không có quyền nhập dữ liệu.")


def _new_result(spec: SheetSpec, dry_run: bool) -> ImportResult:
    return ImportResult(noun=spec.noun, columns=tuple(c.header for c in spec.columns),
                        dry_run=dry_run)


def read_upload(upload, spec: SheetSpec, result: ImportResult) -> Sheet | None:
    """Read the sheet, or record the file-level error and return ``None``."""
    try:
        sheet = read_sheet(upload, spec)
    except FileError as exc:
        result.errors.append(RowError(None, "", str(exc)))
        return None
    result.rows_total = len(sheet.rows)
    return sheet


def _lookup(choices) -> dict[str, str]:
    """Matching table of a TextChoices: its label and its stored value both match."""
    return cells.choice_lookup((value, (label, value)) for value, label in choices)


GENDERS = _lookup(Gender.choices)
CATEGORIES = _lookup(StaffCategory.choices)
SECTORS = _lookup(Sector.choices)
ETHNICITIES = cells.choice_lookup(
    [(name, (name,)) for name in ETHNIC_GROUPS] + [("Nước ngoài", ("Nước ngoài", FOREIGN_LABEL))]
)


def _labels(choices) -> tuple[str, ...]:
    return tuple(label for _value, label in choices)


GENDER_LABELS = _labels(Gender.choices)
CATEGORY_LABELS = _labels(StaffCategory.choices)
SECTOR_LABELS = _labels(Sector.choices)


class RowChecker:
    """What every row of one import shares: column headers, required columns, the result."""

    def __init__(self, spec: SheetSpec, result: ImportResult):
        self.headers = {column.key: column.header for column in spec.columns}
        self.required = {column.key for column in spec.columns if column.required}
        self.result = result

    def rows(self, sheet: Sheet) -> list[CheckedRow]:
        return [CheckedRow(row, self) for row in sheet.rows]


class CheckedRow:
    """One sheet row being checked: parses its cells and records its errors."""

    def __init__(self, sheet_row: SheetRow, checker: RowChecker):
        self.number = sheet_row.number
        self._values = sheet_row.values
        self._problems = sheet_row.problems
        self._headers = checker.headers
        self._required = checker.required
        self._result = checker.result
        self._failed: set[str] = set()

    @property
    def valid(self) -> bool:
        return not self._failed

    def has_error(self, key: str) -> bool:
        return key in self._failed

    def error(self, key: str, message: str) -> None:
        self._failed.add(key)
        self._result.errors.append(RowError(self.number, self._headers[key], message))

    def get(self, key: str, parse=cells.as_text, *args, max_length: int | None = None):
        """The parsed value of a column, or ``None`` when blank or refused (error recorded)."""
        if key in self._problems:
            self.error(key, _sentence(self._problems[key]))
            return None
        raw = self._values.get(key)
        if cells.is_blank(raw):
            if key in self._required:
                self.error(key, REQUIRED)
            return None
        try:
            value = parse(raw, *args)
            if max_length is not None and value:
                cells.check_length(value, max_length)
        except CellError as exc:
            self.error(key, _sentence(str(exc)))
            return None
        return value

    def text(self, key: str, model: type[Model], name: str | None = None) -> str:
        """A text column checked against the length of its model field ("" when blank)."""
        return self.get(key, max_length=_max_length(model, name or key)) or ""


def _check_unique_in_file(items, code_of, key: str, label: str) -> None:
    """Refuse a code that an earlier row of the file already uses, naming that row."""
    first_row: dict[str, int] = {}
    for item in items:
        code = code_of(item)
        if not code:
            continue
        if code in first_row:
            item.row.error(key, f"{label} “{code}” trùng với dòng {first_row[code]} của tệp.")
        else:
            first_row[code] = item.row.number


def _write(result: ImportResult, write) -> None:
    """Run ``write`` in one transaction; a clash with a concurrent change writes nothing."""
    try:
        with transaction.atomic():
            result.created = write()
    except IntegrityError:
        logger.warning("Import of %s hit a concurrent change", result.noun, exc_info=True)
        result.created = 0
        result.errors.append(RowError(None, "", CONFLICT))


# --------------------------------------------------------------------------- units


@dataclass
class _UnitDraft:
    row: CheckedRow
    code: str
    name: str
    short_name: str
    kind: UnitKind | None
    sector: str | None
    parent_code: str
    division_code: str


def _kind_lookup() -> tuple[dict[str, str], dict[str, UnitKind]]:
    """Active unit kinds, matched by name or code without accents."""
    kinds = {kind.code: kind for kind in UnitKind.objects.filter(is_active=True)}
    lookup = cells.choice_lookup(
        (code, (kind.name, code)) for code, kind in kinds.items()
    )
    return lookup, kinds


def _parse_unit(row: CheckedRow, kind_lookup, kinds) -> _UnitDraft:
    code = row.text("code", Unit)
    parent_code = row.text("parent_code", Unit, "code")
    if code and parent_code == code:
        row.error("parent_code", "Mã đơn vị cấp trên trùng với mã của chính đơn vị này.")
    kind_code = row.get("kind", cells.as_choice, kind_lookup)
    return _UnitDraft(
        row=row,
        code=code,
        name=row.text("name", Unit),
        short_name=row.text("short_name", Unit),
        kind=kinds.get(kind_code),
        sector=row.get("sector", cells.as_choice, SECTORS, SECTOR_LABELS),
        parent_code=parent_code,
        division_code=row.get("division_code", cells.as_digits,
                              max_length=_max_length(Unit, "division_code")) or "",
    )


def _check_parents(user, drafts: list[_UnitDraft]) -> dict[str, Unit]:
    """Resolve parent codes that no row of the file defines; return those units by code."""
    file_codes = {d.code for d in drafts if d.code}
    outside = {d.parent_code for d in drafts if d.parent_code and d.parent_code not in file_codes}
    parents = _units_in_scope(user, outside)
    for draft in drafts:
        code = draft.parent_code
        if not code or code in file_codes:
            continue
        parent = parents.get(code)
        if parent is None:
            draft.row.error("parent_code",
                            f"Không tìm thấy đơn vị cấp trên “{code}” trong phạm vi của bạn.")
        elif not parent.is_active:
            draft.row.error("parent_code", f"Đơn vị cấp trên “{code}” đã ngừng hoạt động "
                                           "(đã sáp nhập hoặc giải thể).")
    return parents


def _order_units(drafts: list[_UnitDraft]) -> list[_UnitDraft]:
    """Order the valid drafts so that a parent from the file comes before its children.

    Breadth-first from the rows whose parent is in the database. Rows never
    reached hang below a cycle of parent codes (or are in one): each such row
    gets an error. Rows below an invalid row are left alone — the error is
    on that row already, and nothing is written anyway.
    """
    file_codes = {d.code for d in drafts if d.code}
    valid: dict[str, _UnitDraft] = {}
    for draft in drafts:
        if draft.row.valid:
            valid.setdefault(draft.code, draft)
    children: dict[str, list[_UnitDraft]] = defaultdict(list)
    queue: deque[_UnitDraft] = deque()
    for draft in valid.values():
        if draft.parent_code in valid:
            children[draft.parent_code].append(draft)
        elif draft.parent_code not in file_codes:
            queue.append(draft)
    ordered: list[_UnitDraft] = []
    while queue:
        draft = queue.popleft()
        ordered.append(draft)
        queue.extend(children.get(draft.code, ()))
    _report_cycles(valid, {d.code for d in ordered})
    return ordered


def _report_cycles(valid: dict[str, _UnitDraft], placed: set[str]) -> None:
    """Give an error to each unplaced row that is in, or hangs below, a cycle of parents."""
    on_cycle: dict[str, list[str]] = {}
    for code in valid:
        if code in placed or code in on_cycle:
            continue
        chain: list[str] = []
        current = code
        while current in valid and current not in placed and current not in chain:
            if current in on_cycle:
                break
            chain.append(current)
            current = valid[current].parent_code
        if current in chain:  # a new cycle
            cycle = chain[chain.index(current):]
            for member in cycle:
                on_cycle[member] = cycle
    for code, draft in valid.items():
        if code in placed:
            continue
        if code in on_cycle:
            loop = " → ".join([*on_cycle[code], on_cycle[code][0]])
            draft.row.error("parent_code", f"Các mã đơn vị cấp trên tạo thành vòng lặp: {loop}.")
        elif _reaches(valid, code, on_cycle):
            draft.row.error("parent_code", "Không xác định được vị trí vì đơn vị cấp trên "
                                           f"“{draft.parent_code}” thuộc một vòng lặp mã "
                                           "đơn vị cấp trên.")


def _reaches(valid: dict[str, _UnitDraft], code: str, on_cycle: dict[str, list[str]]) -> bool:
    """Whether following parents from ``code`` through the file reaches a cycle."""
    seen = set()
    while code in valid and code not in seen:
        if code in on_cycle:
            return True
        seen.add(code)
        code = valid[code].parent_code
    return False


def _write_units(user, ordered: list[_UnitDraft], parents: dict[str, Unit]) -> int:
    """Insert the units parents-first with :func:`bulk_add`, then their audit entries."""
    new_by_code: dict[str, Unit] = {}
    pairs = []
    for draft in ordered:
        unit = Unit(code=draft.code, name=draft.name, short_name=draft.short_name,
                    kind=draft.kind, sector=draft.sector or draft.kind.sector,
                    division_code=draft.division_code)
        parent = new_by_code.get(draft.parent_code) or parents[draft.parent_code]
        pairs.append((unit, parent))
        new_by_code[draft.code] = unit
    units = bulk_add(pairs, batch_size=BATCH_SIZE)
    log_created(user, units)
    return len(units)


def import_units(user, upload, *, dry_run: bool = False) -> ImportResult:
    """Import new units from the "Đơn vị" sheet of ``upload`` for ``user``.

    Every parent must be a unit the user manages, or another row of the file.
    With ``dry_run`` the file is only checked.
    """
    require_manager(user)
    result = _new_result(UNITS, dry_run)
    sheet = read_upload(upload, UNITS, result)
    if sheet is None:
        return result
    kind_lookup, kinds = _kind_lookup()
    drafts = [_parse_unit(row, kind_lookup, kinds) for row in RowChecker(UNITS, result).rows(sheet)]
    _check_unique_in_file(drafts, lambda d: d.code, "code", "Mã đơn vị")
    taken = _taken(Unit.objects.all(), "code", (d.code for d in drafts if d.code))
    for draft in drafts:
        if draft.code in taken:
            draft.row.error("code", f"Mã đơn vị “{draft.code}” đã có trong hệ thống.")
    parents = _check_parents(user, drafts)
    ordered = _order_units(drafts)
    if result.errors or dry_run:
        return result
    _write(result, lambda: _write_units(user, ordered, parents))
    return result


# --------------------------------------------------------------------------- people


@dataclass
class _PersonDraft:
    row: CheckedRow
    fields: dict
    unit_code: str
    party_cell_code: str


def _parse_person(row: CheckedRow, epoch) -> _PersonDraft:
    """Check one row's cells, in column order, then the rules between them."""
    fields = {
        "staff_code": row.text("staff_code", Person),
        "full_name": row.text("full_name", Person),
        "gender": row.get("gender", cells.as_choice, GENDERS, GENDER_LABELS),
        "date_of_birth": row.get("date_of_birth", cells.as_date, epoch),
        "ethnicity": row.get("ethnicity", cells.as_choice, ETHNICITIES) or "Kinh",
        "staff_category": row.get("staff_category", cells.as_choice, CATEGORIES,
                                  CATEGORY_LABELS),
    }
    unit_code = row.text("unit_code", Unit, "code")
    is_member = row.get("is_party_member", cells.as_bool)
    cell_code = row.text("party_cell_code", Unit, "code")
    fields.update({
        "is_party_member": bool(is_member),
        "party_joined_on": row.get("party_joined_on", cells.as_date, epoch),
        "position": row.text("position", Person),
        "job_position": row.text("job_position", Person),
        "is_leader": bool(row.get("is_leader", cells.as_bool)),
        "email": row.get("email", cells.as_email, max_length=_max_length(Person, "email")) or "",
        "phone": row.get("phone", cells.as_phone, max_length=_max_length(Person, "phone")) or "",
    })
    _check_party(row, fields, cell_code)
    return _PersonDraft(row, fields, unit_code, cell_code)


def _check_party(row: CheckedRow, fields: dict, cell_code: str) -> None:
    """Party data only for members, and joining after birth (the model's own rules)."""
    birth, joined = fields["date_of_birth"], fields["party_joined_on"]
    if not fields["is_party_member"] and not row.has_error("is_party_member"):
        if joined:
            row.error("party_joined_on", "Chỉ đảng viên mới có ngày vào Đảng (cột “Đảng viên” "
                                         "đang là “Không” hoặc để trống).")
        if cell_code:
            row.error("party_cell_code", "Chỉ đảng viên mới có chi bộ sinh hoạt (cột “Đảng "
                                         "viên” đang là “Không” hoặc để trống).")
    if birth and joined and joined <= birth:
        row.error("party_joined_on", f"Ngày vào Đảng ({joined:%d/%m/%Y}) phải sau ngày sinh "
                                     f"({birth:%d/%m/%Y}).")


def _check_person_units(user, drafts: list[_PersonDraft]) -> dict[str, Unit]:
    """Resolve work units and party cells in one lookup; every one must be in scope."""
    codes = {d.unit_code for d in drafts if d.unit_code}
    codes |= {d.party_cell_code for d in drafts if d.party_cell_code}
    units = _units_in_scope(user, codes)
    for draft in drafts:
        if draft.unit_code:
            unit = units.get(draft.unit_code)
            if unit is None:
                draft.row.error("unit_code", f"Không tìm thấy đơn vị “{draft.unit_code}” "
                                             "trong phạm vi của bạn.")
            elif not unit.is_active:
                draft.row.error("unit_code", f"Đơn vị “{unit.code}” đã ngừng hoạt động (đã "
                                             "sáp nhập hoặc giải thể).")
        if draft.party_cell_code:
            cell = units.get(draft.party_cell_code)
            if cell is None:
                draft.row.error("party_cell_code", f"Không tìm thấy chi bộ "
                                f"“{draft.party_cell_code}” trong phạm vi của bạn.")
            elif cell.kind.code != PARTY_CELL_KIND:
                draft.row.error("party_cell_code", f"Đơn vị “{cell.code}” không phải chi bộ "
                                f"(loại đơn vị: {cell.kind.name}).")
            elif not cell.is_active:
                draft.row.error("party_cell_code", f"Chi bộ “{cell.code}” đã ngừng hoạt động "
                                "(đã sáp nhập hoặc giải thể).")
    return units


def _fill_missing_pks(people: list[Person]) -> None:
    """Backends that cannot return ids from a bulk insert: read them back by staff code."""
    if all(person.pk for person in people):
        return
    by_code = {}
    for chunk in _chunks(p.staff_code for p in people):
        by_code.update(Person.objects.filter(staff_code__in=chunk).values_list("staff_code", "pk"))
    for person in people:
        person.pk = by_code[person.staff_code]


def _write_people(user, drafts: list[_PersonDraft], units: dict[str, Unit]) -> int:
    """Insert the people in batches, then their audit entries."""
    people = []
    for draft in drafts:
        cell = units.get(draft.party_cell_code) if draft.party_cell_code else None
        person = Person(**draft.fields, unit=units[draft.unit_code], party_cell=cell)
        # bulk_create skips save(): fold the name here. The text is NFC already
        # (every cell went through clean_text), so NormalizedTextMixin has nothing to do.
        person.name_folded = fold(person.full_name)
        people.append(person)
    Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
    _fill_missing_pks(people)
    log_created(user, people)
    return len(people)


def import_people(user, upload, *, dry_run: bool = False) -> ImportResult:
    """Import new people from the "Cán bộ" sheet of ``upload`` for ``user``.

    Work units and party cells must be units the user manages. With
    ``dry_run`` the file is only checked.
    """
    require_manager(user)
    result = _new_result(PEOPLE, dry_run)
    sheet = read_upload(upload, PEOPLE, result)
    if sheet is None:
        return result
    drafts = [_parse_person(row, sheet.epoch) for row in RowChecker(PEOPLE, result).rows(sheet)]
    codes = [d.fields["staff_code"] for d in drafts if d.fields["staff_code"]]
    _check_unique_in_file(drafts, lambda d: d.fields["staff_code"], "staff_code", "Mã cán bộ")
    taken = _taken(Person.objects.all(), "staff_code", codes)
    for draft in drafts:
        if draft.fields["staff_code"] in taken:
            draft.row.error("staff_code",
                            f"Mã cán bộ “{draft.fields['staff_code']}” đã có trong hệ thống.")
    units = _check_person_units(user, drafts)
    if result.errors or dry_run:
        return result
    _write(result, lambda: _write_people(user, drafts, units))
    return result
