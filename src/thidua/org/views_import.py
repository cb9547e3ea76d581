"""Excel import of units and people, and the downloadable import templates.

The views only check the role, parse the form and render: reading, checking
and writing live in :mod:`thidua.org.excel`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from thidua.core import http
from thidua.org.excel.columns import PEOPLE, SPECS, UNITS, SheetSpec
from thidua.org.excel.export import XLSX_TYPE
from thidua.org.excel.importers import (
    ImportResult,
    import_people,
    import_units,
    require_manager,
)
from thidua.org.excel.report import report_context
from thidua.org.excel.template import build_template
from thidua.org.forms_import import ImportForm

#: The error table shows this many rows; a file that bad needs fixing at the source anyway.

COMMON_NOTES = (
    "Hệ thống kiểm tra toàn bộ tệp trước khi ghi. Nếu có dòng sai, không dòng nào được ghi "
    "và bạn nhận được danh sách từng dòng sai (số dòng như trong Excel, tên cột, lý do).",
    "Chọn “Chỉ kiểm tra, chưa ghi dữ liệu” để kiểm tra tệp mà không ghi gì.",
)


@dataclass(frozen=True)
class ImportPage:
    spec: SheetSpec
    title: str
    url_name: str
    importer: Callable[..., ImportResult]
    notes: tuple[str, ...]


UNITS_PAGE = ImportPage(
    spec=UNITS, title="Nhập đơn vị từ Excel", url_name="org:import_units",
    importer=import_units,
    notes=(
        "Thêm nhiều đơn vị mới vào cây tổ chức cùng lúc; mỗi dòng của tệp là một đơn vị.",
        "Đơn vị cấp trên của mỗi dòng phải thuộc phạm vi bạn quản lý, hoặc là một dòng khác "
        "trong cùng tệp (các dòng có thể theo thứ tự bất kỳ).",
        "Chỉ thêm mới: mã đơn vị đã có trong hệ thống bị báo lỗi, đơn vị cũ không bị thay đổi.",
    ),
)
PEOPLE_PAGE = ImportPage(
    spec=PEOPLE, title="Nhập cán bộ từ Excel", url_name="org:import_people",
    importer=import_people,
    notes=(
        "Thêm nhiều cán bộ, công chức, viên chức, người lao động cùng lúc; mỗi dòng của tệp "
        "là một người.",
        "Đơn vị công tác và chi bộ sinh hoạt phải thuộc phạm vi bạn quản lý.",
        "Chỉ thêm mới: mã cán bộ đã có trong hệ thống bị báo lỗi, hồ sơ cũ không bị thay đổi.",
    ),
)


def _report_success(request, result: ImportResult, filename: str) -> None:
    if result.dry_run:
        messages.info(request, f"Tệp “{filename}” hợp lệ: {result.rows_ok} dòng đều đúng. "
                               "Chưa có dữ liệu nào được ghi vì bạn chọn “Chỉ kiểm tra, chưa "
                               "ghi dữ liệu”.")
    else:
        messages.success(request, f"Đã nhập {result.created} {result.noun} từ tệp "
                                  f"“{filename}”.")


def _import_page(request, page: ImportPage):
    """GET: explain and offer the form. POST: import, then redirect, or show every error."""
    require_manager(request.user)
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if not http.upload_refused(request, form) and form.is_valid():
            upload = form.cleaned_data["file"]
            result = page.importer(request.user, upload, dry_run=form.cleaned_data["dry_run"])
            if result.ok:
                _report_success(request, result, upload.name)
                return redirect(page.url_name)
    else:
        form = ImportForm()
    return render(request, "org/import.html", {
        "page": page,
        "notes": (*page.notes, *COMMON_NOTES),
        "form": form,
        **report_context(result),
        "template_url": reverse("org:import_template", kwargs={"kind": page.spec.slug}),
        "breadcrumbs": [("Nhập dữ liệu", None), (page.title, None)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def import_units(request):
    return _import_page(request, UNITS_PAGE)


@login_required
@require_http_methods(["GET", "POST"])
def import_people(request):
    return _import_page(request, PEOPLE_PAGE)


@login_required
@require_GET
def import_template(request, kind):
    """Download the import template of ``kind`` ("don-vi" or "can-bo")."""
    require_manager(request.user)
    spec = SPECS.get(kind)
    if spec is None:
        raise Http404("Không có tệp mẫu này.")
    response = HttpResponse(build_template(spec), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{spec.slug}.xlsx"'
    return response
