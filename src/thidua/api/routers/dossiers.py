"""API of procedure dossiers: one-stop systems push batches, readers list them.

``POST /dossiers/`` takes up to 1000 dossiers for a unit the caller manages and
runs them through the same checks and upsert as the file import
(:mod:`thidua.dossiers.domain`): all of the batch is written or none, a refused
batch answers 422 with one Vietnamese reason per item and field. A unit
outside the caller's scope answers 404 like a missing one; in scope without a
MANAGE role, 403. ``GET /dossiers/`` lists the dossiers of the units the caller
reads.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from thidua.api.pagination import Pagination
from thidua.api.schemas.dossiers import (
    DossierBatchIn,
    DossierBatchOut,
    DossierErrorOut,
    DossierFilters,
    DossierOut,
)
from thidua.core import scoping
from thidua.core.roles import READ_ROLES
from thidua.dossiers import domain, queries
from thidua.dossiers.models import ProcedureDossier, Source
from thidua.org.excel.reader import SheetRow
from thidua.org.models import Unit

router = Router(tags=["Hồ sơ thủ tục hành chính"])

MAX_BATCH = 1000
KEY_OF_HEADER = {column.header: column.key for column in domain.SPEC.columns}


def _unit(user, unit_id: int) -> Unit:
    unit = scoping.scope(Unit, user, READ_ROLES).filter(pk=unit_id).first()
    if unit is None:
        raise Http404("Không tìm thấy.")
    return unit


@router.post("/dossiers/", response={200: DossierBatchOut, 403: DossierErrorOut,
                                     404: DossierErrorOut, 409: DossierErrorOut,
                                     422: DossierErrorOut},
             summary="Gửi hồ sơ thủ tục hành chính (tối đa 1000 mỗi lần)")
def push_dossiers(request, payload: DossierBatchIn):
    unit = _unit(request.user, payload.unit_id)
    try:
        domain.require_importer(request.user, unit)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    if not payload.dossiers:
        return Status(422, {"detail": "Chưa có hồ sơ nào trong danh sách gửi."})
    if len(payload.dossiers) > MAX_BATCH:
        return Status(422, {"detail": f"Mỗi lần gửi tối đa {MAX_BATCH} hồ sơ "
                               f"(đã gửi {len(payload.dossiers)})."})
    rows = (SheetRow(index, {key: value for key, value in item.model_dump().items()
                             if value not in (None, "")})
            for index, item in enumerate(payload.dossiers))
    result = domain.new_result()
    checked = domain.check_rows(unit, rows, result,
                                earlier="hồ sơ ở vị trí {} trong danh sách gửi")
    if result.errors:
        errors = [{"index": e.row, "field": KEY_OF_HEADER.get(e.column, ""), "column": e.column,
                   "message": e.message} for e in result.row_errors]
        return Status(422, {"detail": f"{result.rejected_rows} hồ sơ không hợp lệ; chưa ghi hồ sơ "
                               "nào.", "errors": errors})
    try:
        created, updated = domain.write(checked, source=Source.API)
    except domain.WriteConflict as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, {"created": created, "updated": updated})


@router.get("/dossiers/", response=list[DossierOut], summary="Danh sách hồ sơ thủ tục hành chính")
@paginate(Pagination)
def list_dossiers(request, filters: Query[DossierFilters]):
    dossiers = scoping.scope(ProcedureDossier.objects.select_related("unit"), request.user,
                             READ_ROLES)
    if filters.unit_id is not None:
        dossiers = dossiers.filter(unit__path__startswith=_unit(request.user,
                                                                filters.unit_id).path)
    if filters.month:
        month = queries.parse_month(filters.month)
        if month is None:
            raise HttpError(422, "Tháng phải có dạng YYYY-MM, ví dụ 2026-05.")
        dossiers = dossiers.filter(received_at__gte=queries.moment(month),
                                   received_at__lt=queries.moment(queries.next_month(month)))
    return dossiers.order_by("-received_at", "-pk")
