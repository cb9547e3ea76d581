"""Write operations on movements and the facts they measure.

Each function takes the acting user, checks authority through the scoping
helper, refuses changes to closed movements, and raises ``ValidationError``
or ``PermissionDenied`` with a Vietnamese message.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from thidua.core import scoping
from thidua.core.roles import MANAGE_ROLES, Role
from thidua.core.workflow import TransitionError
from thidua.movements import indicators
from thidua.movements.models import (
    Commitment,
    ManualValue,
    Milestone,
    MilestoneKind,
    Movement,
    Practice,
    Registration,
    Target,
    UnitReport,
)
from thidua.org.models import Unit

REGISTER_ROLES = {Role.ADMIN, Role.SECRETARIAT, Role.LEADER}


def require_editable(movement: Movement) -> None:
    if not movement.is_editable:
        raise ValidationError("Phong trào đã kết thúc: không thể sửa. Hãy mở lại phong trào "
                              "(cần ghi lý do) nếu thật sự cần sửa.")


def require_manager(user, movement: Movement) -> None:
    if not scoping.covers(user, movement.issuing_unit.path, MANAGE_ROLES):
        raise PermissionDenied("Bạn không có quyền quản lý phong trào này.")


def check_scope(movement: Movement) -> None:
    """The scope must lie inside the issuing unit's subtree."""
    if not movement.scope_unit.path.startswith(movement.issuing_unit.path):
        raise ValidationError({"scope_unit": "Phạm vi phong trào phải là đơn vị ban hành hoặc "
                                             "một đơn vị cấp dưới của đơn vị ban hành."})


def check_target(target: Target) -> None:
    """Refuse a target whose indicator is unknown or whose denominator is not computable."""
    try:
        indicator = indicators.get(target.indicator)
    except KeyError as exc:
        raise ValidationError({"indicator": str(exc.args[0])}) from exc
    errors = indicator.check(target.params or {}, target.movement)
    if errors:
        raise ValidationError({"params": errors})


def save_target(user, target: Target) -> Target:
    require_manager(user, target.movement)
    require_editable(target.movement)
    check_target(target)
    target.save()
    return target


def past_deadlines(movement: Movement, today: date) -> list[str]:
    """Milestones and target deadlines already past: a plan cannot launch with them."""
    problems = [f"Mốc “{m.title}” có hạn {m.due_on:%d/%m/%Y} đã qua."
                for m in movement.milestones.filter(due_on__lt=today)]
    problems += [f"Chỉ tiêu “{t.wording[:60]}” có hạn {t.deadline:%d/%m/%Y} đã qua."
                 for t in movement.targets.filter(deadline__lt=today)]
    if movement.ends_on < today:
        problems.append(f"Ngày kết thúc {movement.ends_on:%d/%m/%Y} đã qua.")
    return problems


def _expected_reports(movement: Movement, only: Milestone | None = None) -> None:
    """One expected report per acting unit of the scope for each milestone that asks for one."""
    milestones = movement.milestones.filter(requires_report=True)
    if only is not None:
        milestones = milestones.filter(pk=only.pk)
    for milestone in milestones.prefetch_related("actor_kinds"):
        kinds = [k.pk for k in milestone.actor_kinds.all()] or list(
            movement.participant_kinds.values_list("pk", flat=True))
        units = Unit.objects.filter(path__startswith=movement.scope_unit.path, is_active=True)
        if kinds:
            units = units.filter(kind_id__in=kinds)
        UnitReport.objects.bulk_create(
            [UnitReport(milestone=milestone, unit_id=pk) for pk in units.values_list("pk", flat=True)],
            ignore_conflicts=True, batch_size=1000)


@transaction.atomic
def launch(user, movement: Movement, today: date | None = None):
    """Launch a draft: refused while any deadline is already past; creates expected reports."""
    today = today or timezone.localdate()
    problems = past_deadlines(movement, today)
    if problems:
        raise ValidationError(["Chưa thể phát động vì có hạn đã qua:", *problems])
    for target in movement.targets.all():
        check_target(target)
    if not movement.targets.exists():
        raise ValidationError("Phong trào cần ít nhất một chỉ tiêu đo được trước khi phát động.")
    log = Movement.workflow.apply(movement, "launch", user)
    _expected_reports(movement)
    return log


def close(user, movement: Movement, reason: str = ""):
    return Movement.workflow.apply(movement, "close", user, reason=reason)


def reopen(user, movement: Movement, reason: str):
    return Movement.workflow.apply(movement, "reopen", user, reason=reason)


@transaction.atomic
def save_milestone(user, milestone: Milestone) -> Milestone:
    """Save a milestone; on a launched movement a report milestone gets its expected
    reports at once (the "reports on time" indicator needs them as denominator)."""
    require_manager(user, milestone.movement)
    require_editable(milestone.movement)
    milestone.save()
    if milestone.movement.state == "launched" and milestone.requires_report:
        _expected_reports(milestone.movement, only=milestone)
    return milestone


def registration_deadline(movement: Movement) -> date | None:
    milestone = movement.milestones.filter(kind=MilestoneKind.REGISTRATION).order_by("due_on").first()
    return milestone.due_on if milestone else None


def start_registration(user, movement: Movement, unit: Unit, person=None) -> Registration:
    """Open a registration (draft) for ``unit`` — or for ``person`` of that unit."""
    if movement.state != "launched":
        raise ValidationError("Chỉ đăng ký được phong trào đang triển khai.")
    if not unit.path.startswith(movement.scope_unit.path):
        raise ValidationError("Đơn vị không thuộc phạm vi của phong trào này.")
    kinds = set(movement.participant_kinds.values_list("pk", flat=True))
    if person is None and kinds and unit.kind_id not in kinds:
        raise ValidationError("Loại đơn vị này không tham gia phong trào.")
    if person is not None and movement.staff_categories \
            and person.staff_category not in movement.staff_categories:
        raise ValidationError("Phong trào không dành cho đối tượng cán bộ này.")
    own_person = person is not None and person.user_id == user.pk
    if not own_person and not scoping.covers(user, unit.path, REGISTER_ROLES):
        raise PermissionDenied("Bạn không có quyền đăng ký thay cho đơn vị này.")
    try:
        with transaction.atomic():
            return Registration.objects.create(movement=movement, unit=unit, person=person,
                                               created_by=user)
    except IntegrityError as exc:
        who = person.full_name if person is not None else unit.name
        raise ValidationError(f"{who} đã đăng ký phong trào này rồi.") from exc


@transaction.atomic
def save_commitments(user, registration: Registration, rows: list[dict], note: str = "") -> None:
    """Replace the commitments while the registration may still be submitted by ``user``
    (a draft or returned one); the row is locked so a submission meanwhile wins."""
    require_editable(registration.movement)
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if Registration.workflow.refusal(current, "submit", user):
        raise ValidationError("Bản đăng ký này không sửa được nữa (đã gửi hoặc đã được duyệt).")
    registration.commitments.all().delete()
    Commitment.objects.bulk_create([Commitment(registration=registration, **row) for row in rows])
    Registration.objects.filter(pk=registration.pk).update(note=note)
    registration.note = note


def submit_registration(user, registration: Registration):
    if not registration.commitments.exists():
        raise ValidationError("Hãy ghi ít nhất một nội dung đăng ký trước khi gửi.")
    deadline = registration_deadline(registration.movement)
    now = timezone.now()
    with transaction.atomic():
        log = Registration.workflow.apply(registration, "submit", user)
        registration.submitted_at = now
        registration.is_late = bool(deadline and timezone.localtime(now).date() > deadline)
        registration.save(update_fields=["submitted_at", "is_late"])
    return log


def review_registration(user, registration: Registration, decision: str, reason: str = ""):
    """Accept or return a submitted registration (the parent's secretariat)."""
    if decision not in {"accept", "return"}:
        raise TransitionError("Thao tác không hợp lệ.")
    require_editable(registration.movement)
    with transaction.atomic():
        log = Registration.workflow.apply(registration, decision, user, reason=reason)
        if decision == "accept":
            registration.accepted_at = timezone.now()
            registration.save(update_fields=["accepted_at"])
    return log


def submit_report(user, report: UnitReport, *, text: str = "", file=None) -> UnitReport:
    if not scoping.covers(user, report.unit.path, REGISTER_ROLES):
        raise PermissionDenied("Bạn không có quyền nộp báo cáo cho đơn vị này.")
    require_editable(report.milestone.movement)
    if not text and not file and not report.file:
        raise ValidationError("Hãy viết nội dung báo cáo hoặc đính kèm tệp báo cáo.")
    report.text = text
    if file is not None:
        report.file = file
    report.submitted_at = timezone.now()
    report.submitted_by = user
    report.save()
    return report


def recognise_practice(user, practice: Practice, on: date | None = None,
                       replicate: bool = False) -> Practice:
    if practice.movement_id:
        require_manager(user, practice.movement)
        require_editable(practice.movement)
    elif not scoping.covers(user, practice.unit.path, MANAGE_ROLES):
        raise PermissionDenied("Bạn không có quyền công nhận mô hình này.")
    practice.state = "recognised"
    practice.recognised_on = on or timezone.localdate()
    practice.for_replication = replicate
    practice.save()
    return practice


def enter_manual_value(user, target: Target, unit: Unit, **fields) -> ManualValue:
    if target.indicator != "manual":
        raise ValidationError("Chỉ tiêu này được tính tự động, không nhập tay.")
    require_editable(target.movement)
    if not scoping.covers(user, unit.path, REGISTER_ROLES):
        raise PermissionDenied("Bạn không có quyền nhập số liệu cho đơn vị này.")
    if not unit.path.startswith(target.movement.scope_unit.path):
        raise ValidationError("Đơn vị không thuộc phạm vi của phong trào.")
    value, _created = ManualValue.objects.update_or_create(
        target=target, unit=unit, measured_on=fields.pop("measured_on"),
        defaults={**fields, "entered_by": user})
    return value


