"""API of emulation movements: plans, live target values, registrations and their review.

Reads are scoped like the UI: a movement comes from
:func:`thidua.movements.queries.visible_movements`, registrations and units
through :func:`thidua.core.scoping.scope`, so an id the caller may not see
answers 404 like a missing one. Writes call :mod:`thidua.movements.domain`,
which holds the rules; this module only turns its refusals into HTTP answers
with a Vietnamese ``detail``: 403 for ``PermissionDenied``, 400 for
``ValidationError`` (``TransitionError`` included).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DomainError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from thidua.api.pagination import Pagination
from thidua.api.schemas.movements import (
    ErrorOut,
    ManualValueIn,
    ManualValueOut,
    MovementDetail,
    MovementFilters,
    MovementOut,
    RegistrationFilters,
    RegistrationOut,
    ReturnIn,
    TargetValuesFilters,
    TargetValuesOut,
)
from thidua.core import scoping
from thidua.core.roles import ALL_ROLES
from thidua.core.workflow import TransitionForbidden
from thidua.movements import domain
from thidua.movements.engine import Dashboard
from thidua.movements.models import Commitment, Milestone, Movement, Registration, Target
from thidua.movements.queries import (
    search_movements,
    visible_movements,
    with_registration_counts,
)
from thidua.org.models import Unit

router = Router(tags=["Phong trào thi đua"])

WRITE_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


# --- shared lookups -------------------------------------------------------------------------

def _with_units(movements: QuerySet[Movement]) -> QuerySet[Movement]:
    """Movements with what :class:`MovementOut` shows (units, registration counts), one query."""
    return with_registration_counts(
        movements.select_related("issuing_unit", "scope_unit")
    ).order_by("-issued_on", "-pk")


def _movement(user, movement_id: int) -> Movement:
    """One movement the caller may read, or 404 (the same answer whether it exists or not)."""
    movement = visible_movements(user).select_related("issuing_unit", "scope_unit") \
        .filter(pk=movement_id).first()
    if movement is None:
        raise Http404("Không tìm thấy.")
    return movement


def _registrations(movement: Movement) -> QuerySet[Registration]:
    """The movement's registrations with their unit, person and commitments (two queries),
    not yet scoped: callers go through :func:`scoping.scope` or :func:`get_scoped_or_404`."""
    return Registration.objects.filter(movement=movement).select_related("unit", "person") \
        .prefetch_related(Prefetch("commitments", queryset=Commitment.objects.order_by("pk")))


def _dashboard_unit(user, movement: Movement, unit_id: int | None) -> Unit:
    """The unit whose values are asked for: one the caller may read, inside the movement's
    scope or above it (then the scope is shown); 404 otherwise.

    Without ``unit`` it is the scope unit, or — for a cell that sees the ward's
    plan but not the ward — the caller's highest unit inside the scope.
    """
    scope_unit = movement.scope_unit
    if unit_id is not None:
        unit = scoping.get_scoped_or_404(Unit, user, ALL_ROLES, pk=unit_id)
        if not (unit.path.startswith(scope_unit.path) or scope_unit.path.startswith(unit.path)):
            raise Http404("Không tìm thấy.")
        return unit
    if scoping.covers(user, scope_unit.path, ALL_ROLES):
        return scope_unit
    own = scoping.scope(Unit, user, ALL_ROLES).filter(path__startswith=scope_unit.path) \
        .order_by("depth", "path").first()
    if own is None:
        raise Http404("Không tìm thấy.")
    return own


@contextmanager
def domain_errors() -> Iterator[None]:
    """Answer the domain's refusals with their Vietnamese message: 403 or 400."""
    try:
        yield
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Bạn không có quyền thực hiện thao tác này.") from exc
    except TransitionForbidden as exc:
        raise HttpError(403, " ".join(exc.messages)) from exc
    except DomainError as exc:
        raise HttpError(400, " ".join(exc.messages)) from exc


# --- movements ------------------------------------------------------------------------------

@router.get("/movements", response=list[MovementOut], summary="Danh sách phong trào thi đua")
@paginate(Pagination)
def list_movements(request, filters: Query[MovementFilters]):
    movements = visible_movements(request.auth)
    if filters.state:
        movements = movements.filter(state=filters.state.value)
    if filters.q:
        movements = search_movements(movements, filters.q)
    return _with_units(movements)


@router.get("/movements/{id}", response=MovementDetail, summary="Một phong trào thi đua")
def get_movement(request, id: int):
    movements = _with_units(visible_movements(request.auth)).prefetch_related(
        "participant_kinds", "contents",
        Prefetch("milestones", queryset=Milestone.objects.prefetch_related("actor_kinds")),
        "targets",
    )
    movement = movements.filter(pk=id).first()
    if movement is None:
        raise Http404("Không tìm thấy.")
    return movement


@router.get("/movements/{id}/targets", response=TargetValuesOut,
            summary="Các chỉ tiêu và giá trị hiện tại tại một đơn vị")
def target_values(request, id: int, filters: Query[TargetValuesFilters]):
    user = request.auth
    movement = _movement(user, id)
    dashboard = Dashboard(movement, _dashboard_unit(user, movement, filters.unit))
    targets = dashboard.targets()
    for target in targets:
        row = dashboard.row(target)
        target.value = row.value
        target.numerator = row.measure.numerator
        target.denominator = row.measure.denominator
        target.status = row.status
        target.status_label = row.status_label
    return {"movement_id": movement.pk, "unit": dashboard.root, "today": dashboard.today,
            "targets": targets}


# --- registrations --------------------------------------------------------------------------

@router.get("/movements/{id}/registrations", response=list[RegistrationOut],
            summary="Các đăng ký thi đua trong phạm vi của bạn")
@paginate(Pagination)
def list_registrations(request, id: int, filters: Query[RegistrationFilters]):
    user = request.auth
    registrations = scoping.scope(_registrations(_movement(user, id)), user, ALL_ROLES)
    if filters.unit is not None:
        unit = scoping.get_scoped_or_404(Unit, user, ALL_ROLES, pk=filters.unit)
        registrations = registrations.filter(unit__path__startswith=unit.path)
    if filters.state:
        registrations = registrations.filter(state=filters.state.value)
    return registrations


def _review(request, movement_id: int, registration_id: int, decision: str, reason: str = ""):
    user = request.auth
    registrations = _registrations(_movement(user, movement_id))
    registration = scoping.get_scoped_or_404(registrations, user, ALL_ROLES, pk=registration_id)
    with domain_errors():
        domain.review_registration(user, registration, decision, reason=reason)
    return registration  # the workflow and the domain updated it in place


@router.post("/movements/{id}/registrations/{reg_id}/accept",
             response={200: RegistrationOut, **WRITE_ERRORS}, summary="Chấp nhận một đăng ký")
def accept_registration(request, id: int, reg_id: int):
    return _review(request, id, reg_id, "accept")


@router.post("/movements/{id}/registrations/{reg_id}/return",
             response={200: RegistrationOut, **WRITE_ERRORS},
             summary="Trả lại một đăng ký (kèm lý do)")
def return_registration(request, id: int, reg_id: int, body: ReturnIn):
    return _review(request, id, reg_id, "return", reason=body.reason)


# --- manual values --------------------------------------------------------------------------

@router.post("/movements/{id}/manual-values", response={200: ManualValueOut, **WRITE_ERRORS},
             summary="Nhập số liệu cho chỉ tiêu nhập tay",
             description="Một số liệu cho mỗi (chỉ tiêu, đơn vị, ngày): gửi lại cùng ngày thì "
                         "thay số cũ.")
def enter_manual_value(request, id: int, body: ManualValueIn):
    user = request.auth
    movement = _movement(user, id)
    target = Target.objects.select_related("movement__scope_unit").filter(
        movement=movement, pk=body.target).first()
    if target is None:
        raise Http404("Không tìm thấy.")
    unit = scoping.get_scoped_or_404(Unit, user, ALL_ROLES, pk=body.unit)
    with domain_errors():
        return domain.enter_manual_value(user, target, unit, value=body.value,
                                         measured_on=body.measured_on, note=body.note)
