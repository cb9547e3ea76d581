"""API of the monthly KPI sheets: read a unit's month, fill and review a sheet.

Reads are scoped like the screens: a unit through
:func:`thidua.core.scoping.scope` (or the caller's own work unit), sheets
through :func:`~thidua.core.scoping.scope_or_own` (readers of the unit, and
everyone for his own sheet), so another unit's id answers 404 like a missing
one. Every write goes through :mod:`thidua.kpi.domain`, which holds the rules
(who may write, a closed month refuses everything, impossible figures); this
module turns its refusals into answers with a Vietnamese ``detail``:
``PermissionDenied`` and ``TransitionForbidden`` → 403, ``ValidationError``
(``TransitionError`` included) → 422 with ``errors`` per field when the
refusal names one. A successful write answers the sheet as it now stands.
"""

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from thidua.api.pagination import Pagination
from thidua.api.schemas.kpi import (
    GeneralIn,
    KpiErrorOut,
    SheetDetail,
    SheetFilters,
    SheetIn,
    SheetOut,
    TaskIn,
    TransitionIn,
)
from thidua.core import scoping
from thidua.core.roles import ALL_ROLES, READ_ROLES
from thidua.core.workflow import TransitionForbidden
from thidua.kpi import domain, scoring
from thidua.kpi.models import SHEET_WORKFLOW, MonthSheet, Task
from thidua.org.models import Person, Unit

router = Router(tags=["Đánh giá KPI"])

WRITE = {200: SheetDetail, 403: KpiErrorOut, 404: KpiErrorOut, 422: KpiErrorOut}
NO_RIGHT = "Bạn không có quyền thực hiện thao tác này."
HUNDRED = scoring.HUNDRED


# --- lookups --------------------------------------------------------------------------------

def _month(text: str) -> date:
    try:
        return domain.parse_month(text)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc


def _unit(user, unit_id: int) -> Unit:
    """A unit the caller reads, or his own work unit (he then sees his own sheet); else 404."""
    unit = scoping.scope(Unit, user, ALL_ROLES).filter(pk=unit_id).first()
    if unit is None and Person.objects.filter(user_id=user.pk, unit_id=unit_id).exists():
        unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404("Không tìm thấy.")
    return unit


def _sheets(user) -> QuerySet[MonthSheet]:
    """Sheets the caller may read: those of the units he reads, and his own."""
    return scoping.scope_or_own(MonthSheet.objects.select_related("person", "unit"), user,
                                READ_ROLES, owner_field="person__user")


def _sheet(user, sheet_id: int) -> MonthSheet:
    sheet = _sheets(user).filter(pk=sheet_id).first()
    if sheet is None:
        raise Http404("Không tìm thấy.")
    return sheet


def _task(sheet: MonthSheet, task_id: int) -> Task:
    task = Task.objects.filter(sheet=sheet, pk=task_id).first()
    if task is None:
        raise Http404("Không tìm thấy.")
    return task


# --- answers --------------------------------------------------------------------------------

def _label(field: str) -> str:
    try:
        name = str(Task._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # a criterion code, "reason", "__all__"
        return ""
    return name[:1].upper() + name[1:]


def _named(field: str, message: str) -> str:
    """The message with the field it is about, unless it already names it."""
    label = _label(field)
    if label and label.lower() not in message.lower():
        return f"{label}: {message}"
    return message


def _refusal(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        errors = {field: [_named(field, m) for m in messages]
                  for field, messages in exc.message_dict.items()}
        detail = " ".join(m for messages in errors.values() for m in messages)
        return {"detail": detail, "errors": errors}
    return {"detail": " ".join(exc.messages), "errors": None}


def _detail(sheet: MonthSheet, user) -> SimpleNamespace:
    """The sheet with its tasks, its computation line by line and the caller's actions."""
    tasks = list(sheet.tasks.all())
    policy = domain.month_policies([sheet.unit], sheet.month)[sheet.unit_id]
    result = domain.compute(sheet, policy, tasks=tasks)
    shown = {name: getattr(sheet, name) for name in (
        "id", "person", "person_id", "unit_id", "month", "state", "is_leader", "task_group",
        "score", "grade", "computed_grade", "grade_note", "updated_at", "finalised_at",
        "self_comment", "review_comment", "get_state_display", "get_grade_display")}
    return SimpleNamespace(
        **shown,
        locked=sheet.is_locked(),
        self_general={k: float(v) for k, v in (sheet.self_general or {}).items()},
        review_general={k: float(v) for k, v in (sheet.review_general or {}).items()},
        criteria=[{"code": c.code, "label": c.label, "max_points": c.max_points}
                  for c in policy.general_criteria],
        tasks=tasks,
        breakdown={
            "policy": policy.name, "general": result.general, "tasks": result.tasks,
            "score": result.score, "grade": result.grade, "override": result.override,
            "lines": [vars(line) for line in result.lines],
            "task_results": [
                {"task_id": task.pk, "name": r.task.name, "quantity": r.quantity * HUNDRED,
                 "quality": r.quality * HUNDRED, "timeliness": r.timeliness * HUNDRED,
                 "share": r.share * HUNDRED, "lines": [vars(line) for line in r.lines]}
                for task, r in zip(tasks, result.task_results, strict=True)],
        },
        transitions=[{"name": t.name, "label": t.label, "reason_required": t.reason_required}
                     for t in SHEET_WORKFLOW.available(sheet, user)],
    )


def _apply(user, sheet: MonthSheet, write: Callable[[], object]):
    """Run a domain write; answer the sheet as it now stands, or the refusal."""
    try:
        write()
    except TransitionForbidden as exc:
        return Status(403, {"detail": " ".join(exc.messages) or NO_RIGHT, "errors": None})
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or NO_RIGHT, "errors": None})
    except ValidationError as exc:
        return Status(422, _refusal(exc))
    sheet.refresh_from_db()
    return Status(200, _detail(sheet, user))


def _task_data(body: TaskIn) -> dict:
    return body.dict(exclude={"reason"})


# --- reads ----------------------------------------------------------------------------------

@router.get("/units/{unit_id}/months/{month}/sheets", response=list[SheetOut],
            summary="Các phiếu đánh giá tháng của một đơn vị",
            description="Tháng dạng YYYY-MM. Lãnh đạo, văn phòng, giám sát của đơn vị thấy mọi "
                        "phiếu; cán bộ thấy phiếu của chính mình.")
@paginate(Pagination)
def list_sheets(request, unit_id: int, month: str, filters: Query[SheetFilters]):
    user = request.auth
    first = _month(month)
    sheets = _sheets(user).filter(unit=_unit(user, unit_id), month=first)
    if filters.state:
        sheets = sheets.filter(state=filters.state.value)
    return sheets.order_by("person__name_folded", "pk")


@router.get("/sheets/{id}", response=SheetDetail,
            summary="Một phiếu đánh giá: nhiệm vụ, điểm, xếp loại và cách tính")
def get_sheet(request, id: int):
    user = request.auth
    return _detail(_sheet(user, id), user)


# --- writes ---------------------------------------------------------------------------------

@router.post("/units/{unit_id}/months/{month}/sheets", response=WRITE,
             summary="Lập phiếu đánh giá tháng cho một cán bộ của đơn vị",
             description="Trả lại phiếu đã có nếu cán bộ đã có phiếu của tháng.")
def create_sheet(request, unit_id: int, month: str, body: SheetIn):
    user = request.auth
    unit, first = _unit(user, unit_id), _month(month)
    person = Person.objects.select_related("unit").filter(pk=body.person, unit=unit).first()
    if person is None:
        raise Http404("Không tìm thấy.")
    try:
        sheet = domain.sheet_for(person, first, user)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or NO_RIGHT, "errors": None})
    except ValidationError as exc:
        return Status(422, _refusal(exc))
    return Status(200, _detail(sheet, user))


@router.post("/sheets/{id}/tasks", response=WRITE, summary="Thêm một nhiệm vụ, sản phẩm")
def add_task(request, id: int, body: TaskIn):
    user = request.auth
    sheet = _sheet(user, id)
    return _apply(user, sheet, lambda: domain.save_task(sheet, user, _task_data(body),
                                                        reason=body.reason))


@router.put("/sheets/{id}/tasks/{task_id}", response=WRITE,
            summary="Thay một nhiệm vụ, sản phẩm (mọi số liệu)")
def replace_task(request, id: int, task_id: int, body: TaskIn):
    user = request.auth
    sheet = _sheet(user, id)
    task = _task(sheet, task_id)
    return _apply(user, sheet, lambda: domain.save_task(sheet, user, _task_data(body), task=task,
                                                        reason=body.reason))


@router.delete("/sheets/{id}/tasks/{task_id}", response=WRITE,
               summary="Xóa một nhiệm vụ, sản phẩm",
               description="`reason` bắt buộc khi lãnh đạo sửa phiếu đã gửi.")
def delete_task(request, id: int, task_id: int, reason: str = ""):
    user = request.auth
    sheet = _sheet(user, id)
    task = _task(sheet, task_id)
    return _apply(user, sheet, lambda: domain.delete_task(sheet, user, task, reason=reason))


@router.put("/sheets/{id}/general", response=WRITE,
            summary="Chấm điểm các tiêu chí chung (tự đánh giá, hoặc lãnh đạo đánh giá)")
def set_general(request, id: int, body: GeneralIn):
    user = request.auth
    sheet = _sheet(user, id)
    scores = {code: str(value) for code, value in body.scores.items()}
    return _apply(user, sheet, lambda: domain.assess_general(sheet, user, scores,
                                                             comment=body.comment,
                                                             reason=body.reason))


@router.post("/sheets/{id}/transitions", response=WRITE,
             summary="Gửi, trả lại, chốt hoặc mở lại phiếu",
             description="Trả lại và mở lại cần lý do. Người được đánh giá không tự chốt phiếu "
                         "của mình.")
def apply_transition(request, id: int, body: TransitionIn):
    user = request.auth
    sheet = _sheet(user, id)
    return _apply(user, sheet, lambda: domain.transition(sheet, body.transition.value, user,
                                                         body.reason))
