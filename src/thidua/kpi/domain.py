"""KPI write operations and the batch computations (close, regrade, year).

Every function takes the acting user and checks authority itself; views, the
API, the Excel import and the ``thidua kpi`` command all come through here, so
a closed month is refused the same way everywhere.

Who may do what on a sheet:
- the person (owner) writes tasks and the self-assessment while the sheet is
  being drawn up or was returned, and submits it;
- a leader (or admin) covering the unit may write the same for the person,
  and once the sheet is submitted reviews it: any change then needs a reason
  and is kept as an :class:`~thidua.kpi.models.Adjustment`; he returns it
  (with a reason), finalises it, or reopens a finalised one (with a reason);
- a leader's sheet carries his staff's result: it is finalised after every staff
  sheet of the month (or the person's absence), and no staff sheet is finalised
  or reopened under it;
- nobody changes anything in a closed month; closing applies first the
  discipline decisions recorded after a sheet was graded (:func:`apply_discipline`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from thidua.core import scoping
from thidua.core.notifications import notify
from thidua.core.periods import Period
from thidua.core.roles import Role
from thidua.core.text import clean_text
from thidua.kpi import scoring
from thidua.kpi.models import (
    REVIEWERS,
    Adjustment,
    MissingSheet,
    MonthSheet,
    ScoringPolicy,
    Task,
    UnitMonth,
    YearResult,
)
from thidua.kpi.policy import DEFAULT_POLICY, Grade, Policy
from thidua.org.choices import PersonStatus
from thidua.org.models import DisciplineRecord, Person, Unit

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
TASK_FIELDS = ("name", "assigned", "done", "meeting", "on_time", "major_errors",
               "late_deliveries", "objective_cause")
#: The task group of a leader (the cap is counted per unit and task group).
LEADER_GROUP = "lanh_dao"


# Months ------------------------------------------------------------------------------------
def parse_month(text: str) -> date:
    """``"2026-05"`` → 1 May 2026; a clear message for anything else."""
    match = MONTH_RE.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise ValidationError(f"Tháng “{text}” không hợp lệ: hãy ghi theo dạng NĂM-THÁNG, "
                              "ví dụ 2026-05.")
    return date(int(match.group(1)), int(match.group(2)), 1)


def month_key(month: date) -> str:
    return f"{month:%Y-%m}"


def current_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today.replace(day=1)


def months_of(year: int, until: date | None = None) -> list[date]:
    """The first days of the months of ``year`` (up to ``until``'s month)."""
    months = [date(year, m, 1) for m in range(1, 13)]
    return [m for m in months if until is None or m <= until]


def month_end(month: date) -> date:
    return Period.month(month.year, month.month).end


def shift_month(month: date, step: int) -> date:
    """The first day of the month ``step`` months after (or before) ``month``."""
    index = month.year * 12 + month.month - 1 + step
    return date(index // 12, index % 12 + 1, 1)


def month_title(month: date) -> str:
    """``Tháng 5/2026``: how the screens name a month."""
    return f"Tháng {month.month}/{month.year}"


# Policies ----------------------------------------------------------------------------------
def policies_for_units(units: Iterable[Unit]) -> dict[int, tuple[Policy, ScoringPolicy | None]]:
    """The policy in force for each unit: the nearest up the tree, else the default.

    Policies are few (one per province or department that has its own), so all
    are read at once and matched by path prefix in Python: one query whatever
    the number of units.
    """
    rows = list(ScoringPolicy.objects.select_related("unit"))
    default_row = next((r for r in rows if r.unit_id is None), None)
    default = (default_row.policy if default_row else DEFAULT_POLICY, default_row)
    by_path = sorted(((r.unit.path, (r.policy, r)) for r in rows if r.unit_id is not None),
                     key=lambda item: -len(item[0]))
    result = {}
    for unit in units:
        result[unit.pk] = next((value for path, value in by_path if unit.path.startswith(path)),
                               default)
    return result


def policy_for(unit: Unit) -> Policy:
    return policies_for_units([unit])[unit.pk][0]


def month_policies(units: Iterable[Unit], month: date) -> dict[int, Policy]:
    """The policy each unit grades ``month`` with: the copy kept by a closed month, else
    the one in force."""
    units = list(units)
    kept = dict(UnitMonth.objects.filter(unit__in=units, month=month, state="closed",
                                         policy__isnull=False).values_list("unit_id", "policy"))
    current = policies_for_units(units)
    return {u.pk: Policy.from_json(kept[u.pk]) if u.pk in kept else current[u.pk][0]
            for u in units}


def save_policy(row: ScoringPolicy, user, rules: dict, name: str) -> int:
    """Store a policy (admin of its unit only) and regrade the open months it governs.

    Returns how many sheets were regraded. Closed months keep their copy.
    """
    path = row.unit.path if row.unit_id else ""
    if not (user.is_superuser or (path and scoping.covers(user, path, {Role.ADMIN}))):
        raise PermissionDenied("Chỉ quản trị của đơn vị mới sửa được chính sách chấm điểm.")
    policy = Policy.from_json({**rules, "name": name})
    problems = policy.problems()
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        row.name = clean_text(name)
        row.rules = policy.to_json()
        row.updated_by = user
        row.save()
        units = Unit.objects.filter(path__startswith=path) if path else Unit.objects.all()
        return regrade(MonthSheet.objects.filter(unit__in=units.values("pk")))


# Reading a sheet ------------------------------------------------------------------------------
def general_points(sheet: MonthSheet) -> dict[str, Decimal]:
    """The points of each general criterion: the leader's where set, else the person's."""
    merged = {**(sheet.self_general or {}), **(sheet.review_general or {})}
    return {code: Decimal(str(value)) for code, value in merged.items() if value not in (None, "")}


def discipline_rows(person_ids: Iterable[int], year: int,
                    until: date | None = None) -> dict[int, list[tuple[date, str]]]:
    """(day, form) of the discipline decisions of ``year`` (up to ``until``), per person.

    One query. A record under review is not a decision yet; its day is the
    decision's (or, unknown, the day it took effect).
    """
    day = Coalesce("decision_date", "effective_from")
    rows = (DisciplineRecord.objects.annotate(day=day)
            .filter(person_id__in=list(person_ids), under_review=False,
                    day__gte=date(year, 1, 1), day__lte=until or date(year, 12, 31))
            .values_list("person_id", "day", "form"))
    found = defaultdict(list)
    for person_id, when, form in rows:
        found[person_id].append((when, form))
    return found


def discipline_forms(person_ids: Iterable[int], year: int, until: date) -> dict[int, list[str]]:
    """Forms of the discipline decisions of ``year`` up to ``until``, per person."""
    return {pk: [form for _day, form in rows]
            for pk, rows in discipline_rows(person_ids, year, until).items()}


def compute(sheet: MonthSheet, policy: Policy, *, tasks=None, subordinate_grades=None,
            forms=None) -> scoring.SheetResult:
    """Score ``sheet`` (nothing saved). Batch callers pass what they read in bulk."""
    if tasks is None:
        tasks = list(sheet.tasks.all())
    leader_share = None
    if sheet.is_leader:
        if subordinate_grades is None:
            subordinate_grades = subordinates(sheet).values_list("grade", flat=True)
        leader_share = scoring.leader_unit_result(subordinate_grades, policy)
    if forms is None:
        forms = discipline_forms([sheet.person_id], sheet.month.year,
                                 month_end(sheet.month)).get(sheet.person_id, [])
    return scoring.score_sheet(general_points(sheet), [t.figures() for t in tasks], policy,
                               leader_unit_share=leader_share,
                               forced_kht=scoring.discipline_forces_kht(forms))


def breakdown(sheet: MonthSheet) -> scoring.SheetResult:
    """The computation of the sheet, line by line, with the month's policy."""
    return compute(sheet, month_policies([sheet.unit], sheet.month)[sheet.unit_id])


def _apply_result(sheet: MonthSheet, result: scoring.SheetResult) -> None:
    sheet.score = result.score
    sheet.computed_grade = result.grade
    if result.override:
        sheet.grade, sheet.grade_note, sheet.lowered_for_cap = Grade.KHT, result.override, False
    elif sheet.lowered_for_cap and result.grade == Grade.HTXS:
        sheet.grade = Grade.HTT  # the leader's choice stands while the score still says HTXS
    else:
        sheet.grade, sheet.grade_note, sheet.lowered_for_cap = result.grade, "", False


def recompute(sheet: MonthSheet) -> scoring.SheetResult:
    """Score the sheet again and store it; a staff member's grade moves his leaders'
    open sheets of the month too (they carry the unit's result)."""
    result = breakdown(sheet)
    _apply_result(sheet, result)
    MonthSheet.objects.filter(pk=sheet.pk).update(
        score=sheet.score, computed_grade=sheet.computed_grade, grade=sheet.grade,
        grade_note=sheet.grade_note, lowered_for_cap=sheet.lowered_for_cap,
        updated_at=timezone.now())
    if not sheet.is_leader:
        leaders = (MonthSheet.objects.filter(unit_id=sheet.unit_id, month=sheet.month,
                                             is_leader=True)
                   .exclude(state="finalised").select_related("unit"))
        for leader in leaders:
            recompute(leader)
    return result


def regrade(sheets) -> int:
    """Recompute every sheet of ``sheets`` in months not closed, in batches of a few
    queries each. Staff first, then leaders (whose score follows their staff's grades).
    """
    closed = UnitMonth.objects.filter(state="closed", unit_id=OuterRef("unit_id"),
                                      month=OuterRef("month"))
    sheets = (sheets.annotate(locked=Exists(closed)).filter(locked=False)
              .select_related("unit").order_by("is_leader", "pk"))
    count = 0
    batch: list[MonthSheet] = []
    for sheet in sheets.iterator(chunk_size=REGRADE_BATCH):
        batch.append(sheet)
        if len(batch) == REGRADE_BATCH:
            count += _regrade_batch(batch)
            batch = []
    if batch:
        count += _regrade_batch(batch)
    return count


REGRADE_BATCH = 2000


def _regrade_batch(sheets: list[MonthSheet]) -> int:
    tasks = defaultdict(list)
    for task in Task.objects.filter(sheet__in=[s.pk for s in sheets]).order_by("order", "pk"):
        tasks[task.sheet_id].append(task)
    units = {s.unit_id: s.unit for s in sheets}
    policies = {}
    for month in {s.month for s in sheets}:
        for unit_id, policy in month_policies(units.values(), month).items():
            policies[(unit_id, month)] = policy
    person_ids = [s.person_id for s in sheets]
    discipline = {year: discipline_rows(person_ids, year) for year in {s.month.year for s in sheets}}
    # Staff first, written before the leaders' unit results read their grades.
    for group in ([s for s in sheets if not s.is_leader], [s for s in sheets if s.is_leader]):
        grades = _staff_grades({(s.unit_id, s.month) for s in group if s.is_leader})
        for sheet in group:
            until = month_end(sheet.month)
            forms = [form for day, form in discipline[sheet.month.year].get(sheet.person_id, [])
                     if day <= until]
            result = compute(sheet, policies[(sheet.unit_id, sheet.month)],
                             tasks=tasks[sheet.pk],
                             subordinate_grades=grades.get((sheet.unit_id, sheet.month), []),
                             forms=forms)
            _apply_result(sheet, result)
        MonthSheet.objects.bulk_update(
            group, ["score", "computed_grade", "grade", "grade_note", "lowered_for_cap"],
            batch_size=500)
    return len(sheets)


def _staff_grades(keys: set[tuple[int, date]]) -> dict[tuple[int, date], list[str]]:
    """The grades of the staff (not leaders) of each (unit, month): one query."""
    grades = defaultdict(list)
    if keys:
        rows = graded_staff(MonthSheet.objects.filter(
            unit_id__in={k[0] for k in keys},
            month__in={k[1] for k in keys})).values_list("unit_id", "month", "grade")
        for unit_id, month, grade in rows:
            if (unit_id, month) in keys:
                grades[(unit_id, month)].append(grade)
    return grades


def graded_staff(sheets):
    """The staff sheets (not leaders') of ``sheets`` that count for their unit's result.

    A finalised sheet always counts. An open one counts while its person is still
    graded by the unit that month: active, working in the sheet's unit, and not
    reported as not graded (an abandoned draft of someone on leave scores 0 and
    would otherwise hold the leader at the lower share).
    """
    reported = MissingSheet.objects.filter(person_id=OuterRef("person_id"),
                                           month=OuterRef("month"))
    return sheets.filter(is_leader=False).filter(
        Q(state="finalised")
        | (Q(person__status=PersonStatus.ACTIVE, person__unit_id=F("unit_id"))
           & ~Exists(reported)))


def subordinates(sheet: MonthSheet):
    """The sheets of the people the sheet's leader leads: the unit's staff graded that month."""
    return graded_staff(MonthSheet.objects.filter(unit_id=sheet.unit_id, month=sheet.month))


def leader_sheet_refusal(sheet: MonthSheet) -> str | None:
    """A leader's sheet is finalised after his staff's: it carries their result."""
    if not sheet.is_leader:
        return None
    # One EXISTS each: a person's finalised sheet of another month must not count (two
    # conditions on a multi-valued relation in one exclude() may match different rows).
    finalised = MonthSheet.objects.filter(person_id=OuterRef("pk"), month=sheet.month,
                                          state="finalised")
    reported = MissingSheet.objects.filter(person_id=OuterRef("pk"), month=sheet.month)
    pending = (expected_people(sheet.unit, sheet.month).filter(is_leader=False)
               .exclude(Exists(finalised)).exclude(Exists(reported)).count())
    if pending:
        return (f"Còn {pending} cán bộ của đơn vị chưa được chốt phiếu tháng này; phiếu của "
                "lãnh đạo mang kết quả của đơn vị nên được chốt sau cùng.")
    return None


def leader_finalised_refusal(sheet: MonthSheet) -> str | None:
    """A staff sheet is neither finalised nor reopened under a finalised leader's sheet: the
    leader's score took the unit's result as it stood."""
    if sheet.is_leader:
        return None
    return _leader_finalised(sheet.unit_id, sheet.month)


def _leader_finalised(unit_id: int, month: date) -> str | None:
    if MonthSheet.objects.filter(unit_id=unit_id, month=month, is_leader=True,
                                 state="finalised").exists():
        return ("Phiếu của lãnh đạo đơn vị tháng này đã chốt (điểm của lãnh đạo tính theo kết "
                "quả của cán bộ): hãy mở lại phiếu của lãnh đạo trước.")
    return None


# Who may write -----------------------------------------------------------------------------
def is_owner(sheet: MonthSheet, user) -> bool:
    return sheet.person.user_id is not None and sheet.person.user_id == user.pk


def is_reviewer(sheet: MonthSheet, user) -> bool:
    return (not is_owner(sheet, user)
            and scoping.covers(user, sheet.unit.path, REVIEWERS))


def edit_refusal(sheet: MonthSheet, user) -> str | None:
    """Why ``user`` may not change the sheet's content now, or None."""
    if sheet.is_locked():
        return (f"Tháng {sheet.month:%m/%Y} của đơn vị đã khóa sổ: không thể sửa phiếu. Lãnh "
                "đạo có thể mở lại tháng (ghi rõ lý do).")
    if sheet.state == "finalised":
        return "Phiếu đã chốt: cần mở lại phiếu (ghi rõ lý do) trước khi sửa."
    if is_owner(sheet, user):
        if sheet.state == "submitted":
            return "Phiếu đã gửi lãnh đạo, đang chờ duyệt: không thể sửa."
        return None
    if is_reviewer(sheet, user):
        return None
    return "Bạn không có quyền sửa phiếu này."


def needs_reason(sheet: MonthSheet, user) -> bool:
    """A leader changing a submitted sheet reviews it: every change needs a reason."""
    return sheet.state == "submitted" and not is_owner(sheet, user)


def _check_edit(sheet, user, reason: str) -> str:
    refusal = edit_refusal(sheet, user)
    if refusal:
        raise PermissionDenied(refusal)
    reason = clean_text(reason)
    if needs_reason(sheet, user) and not reason:
        raise ValidationError({"reason": "Cần ghi rõ lý do khi lãnh đạo thay đổi phiếu đã gửi."})
    return reason


def _lock_sheet(sheet: MonthSheet) -> None:
    """Re-read the sheet's state under a row lock: a concurrent transition is seen."""
    fresh = MonthSheet.objects.select_for_update().filter(pk=sheet.pk).values_list(
        "state", flat=True).first()
    if fresh != sheet.state:
        raise ValidationError("Phiếu vừa được người khác thay đổi trạng thái. Hãy tải lại "
                              "trang; thay đổi của bạn chưa được ghi.")


# Writing a sheet ---------------------------------------------------------------------------
def sheet_for(person: Person, month: date, user) -> MonthSheet:
    """The person's sheet of ``month``, made on first use (by the person or a leader)."""
    owner = person.user_id is not None and person.user_id == user.pk
    if not owner and not scoping.covers(user, person.unit.path, REVIEWERS):
        raise PermissionDenied("Bạn không có quyền lập phiếu đánh giá cho cán bộ này.")
    sheet = MonthSheet.objects.filter(person=person, month=month).select_related(
        "person", "unit").first()
    if sheet is not None:
        return sheet
    if person.status != PersonStatus.ACTIVE:
        raise ValidationError("Cán bộ không còn công tác: không lập phiếu mới.")
    if month > current_month():
        raise ValidationError(f"Tháng {month:%m/%Y} chưa bắt đầu: chưa lập phiếu đánh giá.")
    if UnitMonth.objects.filter(unit_id=person.unit_id, month=month, state="closed").exists():
        raise ValidationError(f"Tháng {month:%m/%Y} của đơn vị đã khóa sổ: không lập phiếu mới.")
    try:
        with transaction.atomic():
            sheet = MonthSheet.objects.create(
                person=person, unit_id=person.unit_id, month=month,
                is_leader=person.is_leader, task_group=task_group_of(person))
    except IntegrityError:  # made at the same moment by someone else
        sheet = MonthSheet.objects.get(person=person, month=month)
    sheet.person, sheet.unit = person, person.unit
    recompute(sheet)
    return sheet


def task_group_of(person: Person) -> str:
    """Leaders form their own group; staff are grouped by category (cán bộ, công chức…)."""
    return LEADER_GROUP if person.is_leader else person.staff_category


def _describe(value) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return "" if value is None else str(value)


def save_task(sheet: MonthSheet, user, data: dict, task: Task | None = None,
              reason: str = "") -> Task:
    """Add or change a task of the sheet; the figures are checked, the score follows."""
    with transaction.atomic():
        _lock_sheet(sheet)
        reason = _check_edit(sheet, user, reason)
        is_new = task is None
        if is_new:
            task = Task(sheet=sheet, order=sheet.tasks.count() + 1)
        elif task.sheet_id != sheet.pk:
            raise PermissionDenied("Nhiệm vụ không thuộc phiếu này.")
        before = {name: getattr(task, name) for name in TASK_FIELDS}
        for name in TASK_FIELDS:
            if name in data:
                setattr(task, name, data[name])
        task.full_clean(exclude=["sheet", "order"])
        task.save()
        if reason:
            label = Task._meta.get_field
            changes = ([("Thêm nhiệm vụ", "", task.name)] if is_new else
                       [(f"{task.name}: {label(name).verbose_name}", _describe(before[name]),
                         _describe(getattr(task, name)))
                        for name in TASK_FIELDS if before[name] != getattr(task, name)])
            _log_adjustments(sheet, user, reason, changes)
        recompute(sheet)
    return task


def delete_task(sheet: MonthSheet, user, task: Task, reason: str = "") -> None:
    with transaction.atomic():
        _lock_sheet(sheet)
        reason = _check_edit(sheet, user, reason)
        if task.sheet_id != sheet.pk:
            raise PermissionDenied("Nhiệm vụ không thuộc phiếu này.")
        if reason:
            _log_adjustments(sheet, user, reason, [("Xóa nhiệm vụ", task.name, "")])
        task.delete()
        recompute(sheet)


def replace_tasks(sheet: MonthSheet, tasks: list[dict]) -> None:
    """Put ``tasks`` in place of the sheet's tasks (the Excel import, already checked)."""
    sheet.tasks.all().delete()
    Task.objects.bulk_create([Task(sheet=sheet, order=index, **data)
                              for index, data in enumerate(tasks, start=1)])


def parse_points(raw, criterion) -> Decimal:
    """A criterion's points from a form or API value; refused with the criterion named."""
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({criterion.code: f"“{criterion.label}”: điểm “{raw}” không phải "
                                               "là số."}) from None
    if not value.is_finite() or value < 0 or value > criterion.max_points:
        raise ValidationError({criterion.code: (
            f"“{criterion.label}”: điểm phải từ 0 đến {scoring.fmt(criterion.max_points)} "
            f"(đã nhập {raw}).")})
    if value != scoring.points(value):
        raise ValidationError({criterion.code: f"“{criterion.label}”: chỉ ghi tối đa hai chữ "
                                               "số thập phân."})
    return value


def assess_general(sheet: MonthSheet, user, scores: dict, comment: str = "",
                   reason: str = "") -> None:
    """The person's self-assessment, or the leader's assessment, of the general criteria."""
    policy = month_policies([sheet.unit], sheet.month)[sheet.unit_id]
    errors, parsed = {}, {}
    for code, raw in scores.items():
        criterion = policy.criterion(code)
        if criterion is None:
            errors[code] = f"Tiêu chí “{code}” không có trong chính sách chấm điểm."
            continue
        if raw in (None, ""):
            continue
        try:
            parsed[code] = parse_points(raw, criterion)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock_sheet(sheet)
        reason = _check_edit(sheet, user, reason)
        as_leader = not is_owner(sheet, user)
        stored = {code: str(value) for code, value in parsed.items()}
        if as_leader:
            before = general_points(sheet)
            changes = [(criterion.label, _describe(before.get(criterion.code)),
                        _describe(parsed.get(criterion.code)))
                       for criterion in policy.general_criteria
                       if criterion.code in parsed and before.get(criterion.code) != parsed[
                           criterion.code]]
            sheet.review_general = {**(sheet.review_general or {}), **stored}
            sheet.review_comment = clean_text(comment) if comment else sheet.review_comment
            if reason:
                _log_adjustments(sheet, user, reason, changes)
        else:
            sheet.self_general = stored
            sheet.self_comment = clean_text(comment)
        sheet.save(update_fields=["self_general", "review_general", "self_comment",
                                  "review_comment", "updated_at"])
        recompute(sheet)


def _log_adjustments(sheet, user, reason, changes) -> None:
    Adjustment.objects.bulk_create([
        Adjustment(sheet=sheet, field_label=label[:300], old_value=old[:100],
                   new_value=new[:100], reason=reason, actor=user)
        for label, old, new in changes])


# Transitions -------------------------------------------------------------------------------
def _sheet_url(sheet) -> str:
    return reverse("kpi:sheet", args=[sheet.pk])


def transition(sheet: MonthSheet, name: str, user, reason: str = ""):
    """Apply a workflow transition to the sheet, then keep the score and tell the person."""
    with transaction.atomic():
        if name == "finalise":
            recompute(sheet)  # the grade that is finalised is the one computed now
        log = sheet.workflow.apply(sheet, name, user, reason)
        if name == "finalise":
            sheet.finalised_at, sheet.finalised_by = timezone.now(), user
            MonthSheet.objects.filter(pk=sheet.pk).update(finalised_at=sheet.finalised_at,
                                                          finalised_by=user)
        elif name == "reopen":
            MonthSheet.objects.filter(pk=sheet.pk).update(finalised_at=None, finalised_by=None)
    if name == "submit":
        _tell_reviewers(sheet, log)
    person_user = sheet.person.user
    if name in ("return", "finalise", "reopen") and person_user is not None:
        titles = {"return": f"Phiếu đánh giá {sheet.month_label.lower()} bị trả lại",
                  "finalise": f"Phiếu đánh giá {sheet.month_label.lower()} đã được chốt: "
                              f"{Grade.SHORT[sheet.grade]}",
                  "reopen": f"Phiếu đánh giá {sheet.month_label.lower()} được mở lại"}
        notify([person_user], key=f"kpi-{name}-{log.pk}", title=titles[name],
               body=log.reason, url=_sheet_url(sheet))
    return log


def _tell_reviewers(sheet: MonthSheet, log) -> None:
    """Tell the leaders of the sheet's unit (on it or above) that a sheet awaits them."""
    from django.contrib.auth import get_user_model

    from thidua.org.models import RoleAssignment

    holders = RoleAssignment.objects.filter(
        role=Role.LEADER, unit__path__in=scoping.ancestor_paths([sheet.unit.path]),
        unit__is_active=True).exclude(user_id=sheet.person.user_id).values("user_id")
    reviewers = get_user_model().objects.filter(pk__in=holders, is_active=True)
    notify(reviewers, key=f"kpi-submit-{log.pk}",
           title=f"{sheet.person.full_name} gửi phiếu đánh giá {sheet.month_label.lower()}",
           url=_sheet_url(sheet))


def lower_for_cap(sheet: MonthSheet, user, reason: str) -> None:
    """The leader keeps the unit within the HTXS cap by lowering one HTXS to HTT."""
    reason = clean_text(reason)
    if not is_reviewer(sheet, user):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị mới điều chỉnh được xếp loại.")
    if sheet.is_locked():
        raise ValidationError("Tháng đã khóa sổ: không thể điều chỉnh xếp loại.")
    if sheet.grade != Grade.HTXS:
        raise ValidationError("Chỉ hạ được phiếu đang xếp loại Hoàn thành xuất sắc.")
    if not reason:
        raise ValidationError({"reason": "Cần ghi rõ lý do hạ xếp loại."})
    with transaction.atomic():
        sheet.grade, sheet.lowered_for_cap = Grade.HTT, True
        sheet.grade_note = f"Lãnh đạo hạ xuống HTT do vượt tỷ lệ HTXS: {reason}"[:300]
        sheet.save(update_fields=["grade", "lowered_for_cap", "grade_note", "updated_at"])
        _log_adjustments(sheet, user, reason, [("Xếp loại", "HTXS", "HTT")])


# The unit's month --------------------------------------------------------------------------
def expected_people(unit: Unit, month: date):
    """The people the unit grades for ``month``: active and working in the unit itself."""
    return Person.objects.filter(unit=unit, status=PersonStatus.ACTIVE)


def report_missing(person: Person, month: date, user, reason: str, note: str = "") -> MissingSheet:
    if not scoping.covers(user, person.unit.path, REVIEWERS):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị mới báo được cán bộ không đánh giá.")
    if UnitMonth.objects.filter(unit_id=person.unit_id, month=month, state="closed").exists():
        raise ValidationError("Tháng đã khóa sổ.")
    if MonthSheet.objects.filter(person=person, month=month, state="finalised").exists():
        raise ValidationError("Cán bộ đã có phiếu được chốt trong tháng.")
    missing, _ = MissingSheet.objects.update_or_create(
        person=person, month=month,
        defaults={"unit_id": person.unit_id, "reason": reason, "note": clean_text(note),
                  "reported_by": user})
    return missing


def withdraw_missing(missing: MissingSheet, user) -> None:
    if not scoping.covers(user, missing.unit.path, REVIEWERS):
        raise PermissionDenied("Bạn không có quyền.")
    if UnitMonth.objects.filter(unit_id=missing.unit_id, month=missing.month,
                                state="closed").exists():
        raise ValidationError("Tháng đã khóa sổ.")
    refusal = (not missing.person.is_leader
               and _leader_finalised(missing.unit_id, missing.month))
    if refusal:
        raise ValidationError(f"Không rút được báo không đánh giá của "
                              f"{missing.person.full_name}. {refusal}")
    missing.delete()


@dataclass
class CapCheck:
    """The HTXS cap of one task group of a unit's month."""

    unit_id: int
    task_group: str
    htt_or_better: int
    htxs: int
    allowed: int

    @property
    def excess(self) -> int:
        return max(0, self.htxs - self.allowed)

    @property
    def group_label(self) -> str:
        from thidua.org.choices import StaffCategory

        if self.task_group == LEADER_GROUP:
            return "Lãnh đạo, quản lý"
        return dict(StaffCategory.choices).get(self.task_group, self.task_group or "Chung")


@dataclass
class CloseCheck:
    """What stands between a unit's month and its close."""

    unit: Unit
    month: date
    not_finalised: list = field(default_factory=list)  # (person_id, name, state or None)
    caps: list[CapCheck] = field(default_factory=list)
    closed: bool = False

    @property
    def over_cap(self) -> list[CapCheck]:
        return [cap for cap in self.caps if cap.excess]

    @property
    def problems(self) -> list[str]:
        problems = []
        if self.closed:
            problems.append(f"Tháng {self.month:%m/%Y} của {self.unit.name} đã khóa sổ.")
        if self.not_finalised:
            names = ", ".join(name for _pk, name, _state in self.not_finalised[:10])
            more = len(self.not_finalised) - 10
            problems.append(
                f"{len(self.not_finalised)} cán bộ chưa có phiếu được chốt và chưa được báo "
                f"lý do không đánh giá: {names}{f' và {more} người khác' if more > 0 else ''}.")
        for cap in self.over_cap:
            problems.append(
                f"Nhóm “{cap.group_label}”: {cap.htxs} người xếp loại HTXS, vượt tỷ lệ tối đa "
                f"({cap.allowed} trên {cap.htt_or_better} người từ HTT trở lên); lãnh đạo cần "
                f"xem xét hạ {cap.excess} người.")
        return problems


def close_checks(units: list[Unit], month: date) -> dict[int, CloseCheck]:
    """The close check of many units' month in a fixed number of queries."""
    unit_ids = [u.pk for u in units]
    checks = {u.pk: CloseCheck(u, month) for u in units}
    policies = month_policies(units, month)
    for unit_id in UnitMonth.objects.filter(unit_id__in=unit_ids, month=month,
                                            state="closed").values_list("unit_id", flat=True):
        checks[unit_id].closed = True
    sheets = {person_id: (state, grade, group) for person_id, state, grade, group in
              MonthSheet.objects.filter(unit_id__in=unit_ids, month=month)
              .values_list("person_id", "state", "grade", "task_group")}
    missing = set(MissingSheet.objects.filter(unit_id__in=unit_ids, month=month)
                  .values_list("person_id", flat=True))
    people = (Person.objects.filter(unit_id__in=unit_ids, status=PersonStatus.ACTIVE)
              .order_by("name_folded").values_list("pk", "unit_id", "full_name"))
    for person_id, unit_id, name in people:
        state = sheets.get(person_id, (None,))[0]
        if state != "finalised" and person_id not in missing:
            checks[unit_id].not_finalised.append((person_id, name, state))
    groups = defaultdict(lambda: [0, 0])
    for unit_id, group, grade in (MonthSheet.objects.filter(unit_id__in=unit_ids, month=month,
                                                            state="finalised")
                                  .values_list("unit_id", "task_group", "grade")):
        if Grade.at_least(grade, Grade.HTT):
            groups[(unit_id, group)][0] += 1
        if grade == Grade.HTXS:
            groups[(unit_id, group)][1] += 1
    for (unit_id, group), (base, htxs) in sorted(groups.items()):
        checks[unit_id].caps.append(CapCheck(unit_id, group, base, htxs,
                                             scoring.htxs_allowance(base, policies[unit_id])))
    return checks


def close_month(unit: Unit, month: date, user) -> UnitMonth:
    """Close one unit's month, or refuse with every reason."""
    closed = close_months([unit], month, user)
    return closed[0]


DISCIPLINE_LATE = ("Tính lại khi khóa sổ: có quyết định kỷ luật trong đơn vị được ghi nhận "
                   "(hoặc hủy) sau khi phiếu được chấm điểm.")


def apply_discipline(units: list[Unit], month: date, user) -> int:
    """Grade again the sheets of ``month`` whose discipline override is out of date.

    A sheet takes the override when it is computed (filled, finalised); a decision
    recorded after that, or withdrawn, would otherwise stay unseen in a closed month.
    The law decides here, not the leader: the grade follows, and each change is kept
    as an adjustment with its reason. One query when nothing is out of date.
    Returns how many sheets changed.
    """
    decided = (DisciplineRecord.objects
               .annotate(day=Coalesce("decision_date", "effective_from"))
               .filter(person_id=OuterRef("person_id"), under_review=False,
                       day__gte=date(month.year, 1, 1), day__lte=month_end(month)))
    overridden = Q(grade=Grade.KHT, lowered_for_cap=False) & ~Q(grade_note="")
    stale = list(MonthSheet.objects.filter(unit__in=units, month=month)
                 .annotate(disciplined=Exists(decided))
                 .filter((Q(disciplined=True) & ~Q(grade=Grade.KHT))
                         | (Q(disciplined=False) & overridden))
                 .values_list("unit_id", flat=True).distinct())
    if not stale:
        return 0
    sheets = MonthSheet.objects.filter(unit_id__in=stale, month=month)
    before = {pk: (score, grade) for pk, score, grade in sheets.values_list("pk", "score", "grade")}
    regrade(sheets)
    changed = [(pk, before[pk], (score, grade))
               for pk, score, grade in sheets.values_list("pk", "score", "grade")
               if before.get(pk, (score, grade)) != (score, grade)]
    Adjustment.objects.bulk_create([
        Adjustment(sheet_id=pk, field_label=label, old_value=old, new_value=new,
                   reason=DISCIPLINE_LATE, actor=user)
        for pk, (old_score, old_grade), (new_score, new_grade) in changed
        for label, old, new in (("Điểm", scoring.fmt(old_score), scoring.fmt(new_score)),
                                ("Xếp loại", Grade.SHORT[old_grade], Grade.SHORT[new_grade]))
        if old != new])
    return len(changed)


def close_months(units: list[Unit], month: date, user, *, skip_unready: bool = False) -> list[UnitMonth]:
    """Close the month of many units: checks set-based, then one workflow step per unit.

    Refused as a whole (with every unit's reasons) unless ``skip_unready``, in
    which case the ready units close and the others are left open.
    """
    if month > current_month():
        raise ValidationError("Không thể khóa sổ một tháng chưa bắt đầu.")
    denied = [u.name for u in units if not scoping.covers(user, u.path, REVIEWERS)]
    if denied:
        raise PermissionDenied(f"Bạn không có quyền khóa sổ: {', '.join(denied[:5])}.")
    apply_discipline(units, month, user)
    checks = close_checks(units, month)
    unready = {pk: check for pk, check in checks.items() if check.problems}
    if unready and not skip_unready:
        raise ValidationError([f"{check.unit.name}: {problem}" if len(units) > 1 else problem
                               for check in unready.values() for problem in check.problems])
    ready = [u for u in units if u.pk not in unready]
    # Policies are shared objects (a handful for a province): each is copied to JSON once.
    as_json: dict[int, dict] = {}
    policies = {pk: as_json.setdefault(id(policy), policy.to_json())
                for pk, policy in month_policies(ready, month).items()}
    now = timezone.now()
    try:
        with transaction.atomic():
            existing = {m.unit_id: m for m in UnitMonth.objects.filter(unit__in=ready, month=month)
                        .select_related("unit")}
            # A month never opened before (the usual case) is created closed, with its
            # transition logged, in two bulk writes instead of a workflow step per unit.
            fresh = UnitMonth.objects.bulk_create(
                [UnitMonth(unit=u, month=month, state="closed", policy=policies[u.pk],
                           closed_at=now, closed_by=user)
                 for u in ready if u.pk not in existing], batch_size=1000)
            UnitMonth.workflow.log_created(fresh, "close", user)
            result = list(fresh)
            for unit in ready:
                row = existing.get(unit.pk)
                if row is None:
                    continue
                row.workflow.apply(row, "close", user)  # a reopened month: compare-and-set
                UnitMonth.objects.filter(pk=row.pk).update(policy=policies[unit.pk],
                                                           closed_at=now, closed_by=user)
                row.policy, row.closed_at, row.closed_by = policies[unit.pk], now, user
                result.append(row)
    except IntegrityError:
        raise ValidationError("Tháng vừa được người khác khóa sổ cùng lúc. Hãy tải lại trang để "
                              "xem trạng thái mới nhất.") from None
    return result


def reopen_month(unit: Unit, month: date, user, reason: str) -> UnitMonth:
    row = UnitMonth.objects.filter(unit=unit, month=month).select_related("unit").first()
    if row is None or row.state != "closed":
        raise ValidationError(f"Tháng {month:%m/%Y} của {unit.name} chưa khóa sổ.")
    row.workflow.apply(row, "reopen", user, reason)
    return row


# Quarters and years ------------------------------------------------------------------------
@dataclass
class PeriodResult:
    person_id: int
    unit_id: int
    months: dict[date, tuple[Decimal, str]]  # month -> (score, grade) of finalised sheets
    score: Decimal | None
    grade: str | None
    note: str = ""


def period_results(people, months: list[date], policies: dict[int, Policy] | None = None,
                   as_of: date | None = None) -> dict[int, PeriodResult]:
    """Each person's result over ``months`` from the finalised sheets: a few queries.

    The score is the policy's year method over the months graded, the grade
    its band; a discipline decision in the period's year forces KHT
    (:func:`thidua.kpi.scoring.discipline_forces_kht`).
    """
    people = list(people.values_list("pk", "unit_id")) if hasattr(people, "values_list") else people
    person_ids = [pk for pk, _unit in people]
    if policies is None:
        units = Unit.objects.filter(pk__in={unit_id for _pk, unit_id in people})
        policies = {pk: value[0] for pk, value in policies_for_units(units).items()}
    scores = defaultdict(dict)
    rows = (MonthSheet.objects.filter(person_id__in=person_ids, month__in=months,
                                      state="finalised")
            .values_list("person_id", "month", "score", "grade"))
    for person_id, month, score, grade in rows:
        scores[person_id][month] = (Decimal(score), grade)
    year = months[0].year if months else timezone.localdate().year
    until = as_of or (month_end(max(months)) if months else date(year, 12, 31))
    forms = discipline_forms(person_ids, year, until)
    results = {}
    for person_id, unit_id in people:
        policy = policies.get(unit_id, DEFAULT_POLICY)
        graded = scores.get(person_id, {})
        score = scoring.year_score([s for s, _g in graded.values()], policy)
        override = scoring.discipline_forces_kht(forms.get(person_id, []))
        grade = None if score is None else scoring.grade_for(score, policy)
        if override:
            grade = Grade.KHT
        results[person_id] = PeriodResult(person_id, unit_id, graded, score, grade, override)
    return results


def store_year(units, year: int, user, batch: int = 5000) -> int:
    """Compute and keep the year of every active person of ``units`` (``thidua kpi year``).

    ``user`` must lead (or administer) every unit. People are read in
    batches; each batch is a few queries and one bulk write.
    """
    months = months_of(year)
    unit_list = list(units)
    denied = [u.name for u in unit_list if not scoping.covers(user, u.path, REVIEWERS)]
    if denied:
        raise PermissionDenied(f"Bạn không có quyền tính kết quả năm của: {', '.join(denied[:5])}.")
    policies = {pk: value[0] for pk, value in policies_for_units(unit_list).items()}
    people = list(Person.objects.filter(unit__in=[u.pk for u in unit_list],
                                        status=PersonStatus.ACTIVE)
                  .order_by("pk").values_list("pk", "unit_id"))
    stored = 0
    for start in range(0, len(people), batch):
        chunk = people[start:start + batch]
        results = period_results(chunk, months, policies)
        rows = [YearResult(person_id=r.person_id, unit_id=r.unit_id, year=year,
                           months=len(r.months), score=r.score, grade=r.grade, note=r.note[:300])
                for r in results.values() if r.score is not None]
        with transaction.atomic():
            YearResult.objects.filter(year=year, person_id__in=[pk for pk, _u in chunk]).delete()
            YearResult.objects.bulk_create(rows, batch_size=1000)
        stored += len(rows)
    return stored
