"""Dossier screens: a unit's monthly statistics (with the late dossiers and the .xlsx
export) and the import of a one-stop system's file.

A unit outside the user's scope answers 404; the import, in scope without a MANAGE
role, 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from thidua.core import http, xlsx
from thidua.core.roles import READ_ROLES
from thidua.core.scoping import get_scoped_or_404
from thidua.dossiers import domain, excel, queries
from thidua.dossiers.forms import DossierImportForm
from thidua.org.excel.report import report_context
from thidua.org.models import Unit

PAGE_SIZE = 50
XLSX_TYPE = xlsx.XLSX_TYPE


def _crumbs(unit, *tail):
    return [(unit.name, reverse("org:unit_detail", args=[unit.pk])),
            ("Hồ sơ thủ tục hành chính", reverse("dossiers:unit", args=[unit.pk])), *tail]


def _month(request):
    """The chosen month (``?thang=2026-05``, default this month) and baseline
    (``?goc_tu=&goc_den=``, default the same month of last year); 404 when malformed."""
    text = request.GET.get("thang")
    month = queries.parse_month(text) if text else queries.first_of(timezone.localdate())
    if month is None:
        raise Http404("Không tìm thấy.")
    first_text, last_text = request.GET.get("goc_tu"), request.GET.get("goc_den")
    if first_text or last_text:
        first = queries.parse_month(first_text or last_text)
        last = queries.parse_month(last_text or first_text)
        if first is None or last is None or last < first:
            raise Http404("Không tìm thấy.")
        baseline = queries.Baseline(first, last)
    else:
        baseline = queries.default_baseline(month)
    return month, baseline


def _stats(request, unit_pk, now=None):
    unit = get_scoped_or_404(Unit, request.user, READ_ROLES, pk=unit_pk)
    month, baseline = _month(request)
    return unit, queries.month_stats(unit, month, baseline, now=now)


@login_required
@require_GET
def unit_stats(request, unit_pk):
    # One moment for the counts, the late list and the page's wording ("until now" while
    # the month runs, "until its end" after).
    now = timezone.now()
    unit, stats = _stats(request, unit_pk, now)
    page = Paginator(queries.late_dossiers(unit, stats.month, now), PAGE_SIZE).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return render(request, "dossiers/unit.html", {
        "unit": unit, "stats": stats, "total": stats.total, "page_obj": page,
        "month_value": f"{stats.month:%Y-%m}",
        # Empty unless chosen: the default baseline follows the month picked next.
        "baseline_from": request.GET.get("goc_tu", "") and f"{stats.baseline.first:%Y-%m}",
        "baseline_to": request.GET.get("goc_den", "") and f"{stats.baseline.last:%Y-%m}",
        "child_rows": [row for row in stats.rows if not row.counts.empty],
        "children_hidden": sum(1 for row in stats.rows if row.counts.empty),
        "now": now,
        "can_import": domain.may_import(request.user, unit),
        "export_url": reverse("dossiers:export", args=[unit.pk]) + (f"?{encoded}" if encoded
                                                                     else ""),
        "breadcrumbs": _crumbs(unit)[:-1] + [("Hồ sơ thủ tục hành chính", None)],
    })


COUNT_COLUMNS = [
    xlsx.Column("Đơn vị", 40), xlsx.Column("Tiếp nhận", 11, xlsx.INTEGER),
    xlsx.Column("Trước hạn", 11, xlsx.INTEGER), xlsx.Column("Đúng hạn", 11, xlsx.INTEGER),
    xlsx.Column("Quá hạn", 11, xlsx.INTEGER), xlsx.Column("Đang giải quyết", 14, xlsx.INTEGER),
    xlsx.Column("Trong đó quá hạn", 14, xlsx.INTEGER),
    xlsx.Column("Tỷ lệ đúng hạn, trước hạn", 14, xlsx.PERCENT),
    xlsx.Column("Tỷ lệ quá hạn", 12, xlsx.PERCENT),
    xlsx.Column("Tỷ lệ quá hạn kỳ gốc", 14, xlsx.PERCENT),
]
LATE_COLUMNS = [
    xlsx.Column("Mã hồ sơ", 24), xlsx.Column("Thủ tục", 40, wrap=True), xlsx.Column("Lĩnh vực", 20),
    xlsx.Column("Đơn vị", 30), xlsx.Column("Ngày tiếp nhận", 17, xlsx.DATETIME),
    xlsx.Column("Hạn trả", 17, xlsx.DATETIME), xlsx.Column("Ngày trả kết quả", 17, xlsx.DATETIME),
    xlsx.Column("Cán bộ xử lý", 26), xlsx.Column("Trạng thái", 22),
]


def _fraction(value):
    return None if value is None else value / 100


def _count_row(name, counts):
    return [name, counts.received, counts.early, counts.on_time, counts.late, counts.open,
            counts.overdue, _fraction(counts.on_time_share), _fraction(counts.late_share),
            _fraction(counts.base_late_share)]


@login_required
@require_GET
def export(request, unit_pk):
    now = timezone.now()
    unit, stats = _stats(request, unit_pk, now)
    rows = [_count_row(f"{unit.name} (toàn bộ)", stats.total)]
    rows += [_count_row(row.unit.name if row.unit else f"{unit.name} (trực tiếp tiếp nhận)",
                        row.counts) for row in stats.rows]
    filters = xlsx.filters_line([("Tháng", f"{stats.month:%m/%Y}"),
                                 ("Kỳ gốc", stats.baseline.label)])
    workbook = xlsx.list_workbook(
        f"Hồ sơ thủ tục hành chính tháng {stats.month:%m/%Y} — {unit.name}", COUNT_COLUMNS,
        rows, filters_text=filters, sheet_title="Thống kê")
    sheet = workbook.create_sheet("Hồ sơ quá hạn")
    sheet.append([xlsx.text_cell(sheet, f"Hồ sơ quá hạn tháng {stats.month:%m/%Y} — "
                                        f"{unit.name}")])
    sheet.append([])
    sheet.append([column.header for column in LATE_COLUMNS])
    for d in queries.late_dossiers(unit, stats.month, now).iterator(chunk_size=2000):
        official = d.official.full_name if d.official else d.official_name
        sheet.append([xlsx.typed_cell(sheet, column, value) for column, value in zip(
            LATE_COLUMNS, [d.code, d.procedure, d.field, d.unit.name, d.received_at, d.due_at,
                           d.resolved_at, official, d.get_status_display()], strict=True)])
    return xlsx.xlsx_response(workbook, xlsx.dated_filename(
        f"ho so tthc {stats.month:%Y-%m} {unit.code}"))


def _importable_unit(request, unit_pk):
    unit = get_scoped_or_404(Unit, request.user, READ_ROLES, pk=unit_pk)
    domain.require_importer(request.user, unit)
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def import_dossiers(request, unit_pk):
    unit = _importable_unit(request, unit_pk)
    result = None
    if request.method == "POST":
        form = DossierImportForm(request.POST, request.FILES)
        if not http.upload_refused(request, form) and form.is_valid():
            upload = form.cleaned_data["file"]
            result = excel.import_file(request.user, unit, upload,
                                       dry_run=form.cleaned_data["dry_run"])
            if result.ok:
                if result.dry_run:
                    messages.info(request, f"Tệp “{upload.name}” hợp lệ: {result.rows_ok} dòng "
                                           "đều đúng. Chưa có dữ liệu nào được ghi.")
                else:
                    messages.success(request, f"Đã nhập {result.rows_total} hồ sơ từ tệp "
                                              f"“{upload.name}”: {result.created} hồ sơ mới, "
                                              f"{result.updated} hồ sơ được cập nhật.")
                return redirect("dossiers:unit", unit_pk=unit.pk)
    else:
        form = DossierImportForm()
    return render(request, "dossiers/import.html", {
        "unit": unit, "form": form,
        **report_context(result, errors_dropped=result.errors_dropped if result else 0),
        "notes": excel.NOTES,
        "breadcrumbs": _crumbs(unit, ("Nhập từ tệp", None)),
    })


@login_required
@require_GET
def import_template(request, unit_pk):
    unit = _importable_unit(request, unit_pk)
    response = HttpResponse(excel.build_template(unit), content_type=XLSX_TYPE)
    response["Content-Disposition"] = xlsx.content_disposition(
        xlsx.dated_filename(f"mau nhap ho so tthc {unit.code}"))
    return response

