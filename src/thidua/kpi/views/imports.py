"""Excel import of a unit's monthly tasks, and its template download.

The views find the unit (404 outside the user's scope, like every unit page),
check the role (leaders and admins of the unit: 403 for the others in scope)
and render; reading, checking and writing live in :mod:`thidua.kpi.excel`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from thidua.core import http
from thidua.core.roles import ALL_ROLES
from thidua.core.scoping import get_scoped_or_404
from thidua.kpi import domain, excel
from thidua.kpi.views import unit as unit_views
from thidua.org.excel.export import XLSX_TYPE
from thidua.org.excel.report import report_context
from thidua.org.forms_import import ImportForm
from thidua.org.models import Unit

#: The error table shows this many rows; a file that bad needs fixing at the source anyway.
#: Warnings after a successful import, as messages.
MAX_WARNINGS_SHOWN = 20


def _unit_month(request, unit_pk: int, month: str):
    """The unit (in the user's scope, else 404) and the month (a bad one is 404 too)."""
    unit = get_scoped_or_404(Unit, request.user, ALL_ROLES, pk=unit_pk)
    try:
        first = domain.parse_month(month)
    except ValidationError as exc:
        raise Http404("Không tìm thấy.") from exc
    excel.require_importer(request.user, unit)
    return unit, first


def _crumbs(unit: Unit, month) -> list[tuple[str, str | None]]:
    """Like the unit's month pages: KPI, units, the unit, the month, this page."""
    return unit_views.month_crumbs(unit, month, ("Nhập nhiệm vụ từ Excel", None))


def _report_success(request, result: excel.TaskImportResult, filename: str) -> None:
    if result.dry_run:
        messages.info(request, f"Tệp “{filename}” hợp lệ: {result.rows_ok} dòng đều đúng "
                               f"({result.people} cán bộ). Chưa có dữ liệu nào được ghi vì "
                               "bạn chọn “Chỉ kiểm tra, chưa ghi dữ liệu”.")
    else:
        made = (f", lập mới {result.sheets_created} phiếu" if result.sheets_created else "")
        messages.success(request, f"Đã nhập {result.created} nhiệm vụ của {result.people} cán "
                                  f"bộ từ tệp “{filename}”{made}; điểm đã được tính lại.")
    warnings = result.sorted_warnings
    for warning in warnings[:MAX_WARNINGS_SHOWN]:
        messages.warning(request, f"Dòng {warning.row}: {warning.message}")
    if len(warnings) > MAX_WARNINGS_SHOWN:
        messages.warning(request, f"… và {len(warnings) - MAX_WARNINGS_SHOWN} cảnh báo khác.")


@login_required
@require_http_methods(["GET", "POST"])
def import_tasks(request, unit_pk: int, month: str):
    """GET: explain and offer the form. POST: import, then redirect, or show every error."""
    unit, first = _unit_month(request, unit_pk, month)
    is_locked = excel.locked(unit, first)
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if not http.upload_refused(request, form) and form.is_valid():
            upload = form.cleaned_data["file"]
            result = excel.import_tasks(request.user, unit, first, upload,
                                        dry_run=form.cleaned_data["dry_run"])
            if result.ok:
                _report_success(request, result, upload.name)
                return redirect("kpi:import", unit_pk=unit.pk, month=domain.month_key(first))
    else:
        form = ImportForm()
    unit_month_url = unit_views.month_url(unit, first)
    label = excel.month_label(first)
    return render(request, "kpi/import.html", {
        "unit": unit,
        "month": first,
        "month_label": label,
        "locked": is_locked,
        "locked_message": excel.locked_message(unit, first) if is_locked else "",
        "form": form,
        **report_context(result),
        "warnings": result.sorted_warnings if result else [],
        "notes": (excel.TASKS.purpose, excel.REPLACE_NOTE, excel.REFUSED_NOTE),
        "template_url": reverse("kpi:import_template",
                                kwargs={"unit_pk": unit.pk, "month": domain.month_key(first)}),
        "unit_month_url": unit_month_url,
        "breadcrumbs": _crumbs(unit, first),
    })


@login_required
@require_GET
def import_template(request, unit_pk: int, month: str):
    """The import file of the unit's month, with the tasks already on its open sheets."""
    unit, first = _unit_month(request, unit_pk, month)
    response = HttpResponse(excel.build_template(unit, first), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{excel.template_filename(unit, first)}"')
    return response


urlpatterns = [
    path("don-vi/<int:unit_pk>/thang/<str:month>/nhap-excel/", import_tasks, name="import"),
    path("don-vi/<int:unit_pk>/thang/<str:month>/mau-excel/", import_template,
         name="import_template"),
]
