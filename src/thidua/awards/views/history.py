"""History screens: a person's awards by year, a unit's (as a collective, and its people's
table with the .xlsx export), and the Excel import of the history before the system.

A person outside the user's READ scope answers 404, except the user's own person (a staff
member reads his own history); a unit outside the scope answers 404; in scope without a
MANAGE role, the import answers 403. The disclosure screens are added from
``views/disclosure.py``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from thidua.awards import excel_history, history
from thidua.awards.views import disclosure
from thidua.core import http, scoping, xlsx
from thidua.core.roles import MANAGE_ROLES, READ_ROLES
from thidua.core.scoping import get_scoped_or_404, scope_or_own
from thidua.org.excel.export import XLSX_TYPE
from thidua.org.excel.report import report_context
from thidua.org.forms_import import ImportForm
from thidua.org.models import Person, Unit


class HistoryImportForm(ImportForm):
    """The upload form, with a confirmation: imported awards are never deleted on screen
    (only revoked, which is a legal act), so writing them is confirmed; a check is not."""

    confirm = forms.BooleanField(
        label="Tôi đã kiểm tra tệp: khen thưởng đã nhập không xóa được trên hệ thống.",
        required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def clean(self):
        data = super().clean()
        if not data.get("dry_run") and not data.get("confirm"):
            self.add_error("confirm", "Hãy đánh dấu xác nhận trước khi nhập: khen thưởng đã "
                                      "nhập không xóa được. Muốn xem trước, chọn “Chỉ kiểm "
                                      "tra, chưa ghi dữ liệu”.")
        return data


PAGE_SIZE = 50
MAX_WARNINGS_SHOWN = 20


def _unit_crumbs(unit, *tail):
    return [(unit.name, reverse("org:unit_detail", args=[unit.pk])),
            ("Lịch sử khen thưởng", reverse("awards:unit_history", args=[unit.pk])), *tail]


@login_required
@require_GET
def person_history(request, pk):
    people = scope_or_own(Person.objects.select_related("unit"), request.user, READ_ROLES,
                          owner_field="user")
    try:
        person = people.get(pk=pk)
    except Person.DoesNotExist as exc:
        raise Http404("Không tìm thấy.") from exc
    rows = history.person_history(person)
    return render(request, "awards/history_person.html", {
        "person": person, "rows": rows, "runs": history.runs(rows),
        "breadcrumbs": [("Cán bộ", reverse("org:person_list")),
                        (person.full_name, reverse("org:person_detail", args=[person.pk])),
                        ("Khen thưởng", None)],
    })


def _year(request) -> int | None:
    text = request.GET.get("nam") or ""
    if not text:
        return None
    # isascii(): "²".isdigit() is true but int("²") fails.
    if not (text.isascii() and text.isdigit()) or not 1900 <= int(text) <= 2100:
        raise Http404("Không tìm thấy.")
    return int(text)


@login_required
@require_GET
def unit_history(request, pk):
    unit = get_scoped_or_404(Unit, request.user, READ_ROLES, pk=pk)
    year = _year(request)
    rows = history.unit_history(unit)
    page = Paginator(history.people_awards(unit, year), PAGE_SIZE).get_page(
        request.GET.get("page"))
    awards = list(page.object_list)
    counts = history.streaks_of_page(awards)
    query = request.GET.copy()
    query.pop("page", None)
    export_url = reverse("awards:unit_history_export", args=[unit.pk])
    return render(request, "awards/history_unit.html", {
        "unit": unit, "rows": rows, "runs": history.runs(rows), "year": year,
        "years": history.people_award_years(unit), "page_obj": page,
        "people_rows": [(a, counts.get(a.pk, 0)) for a in awards],
        "can_import": excel_history.may_import(request.user, unit),
        "can_manage": scoping.covers(request.user, unit.path, MANAGE_ROLES),
        "export_url": export_url + (f"?{query.urlencode()}" if query else ""),
        "breadcrumbs": _unit_crumbs(unit)[:-1] + [("Lịch sử khen thưởng", None)],
    })


EXPORT_COLUMNS = [
    xlsx.Column("Năm", 8, xlsx.INTEGER), xlsx.Column("Mã cán bộ", 14),
    xlsx.Column("Họ và tên", 26), xlsx.Column("Đơn vị", 30),
    xlsx.Column("Danh hiệu, hình thức", 30), xlsx.Column("Quyết định", 40, wrap=True),
    xlsx.Column("Tiền thưởng (đồng)", 16, xlsx.INTEGER), xlsx.Column("Nguồn", 20),
    xlsx.Column("Thu hồi", 40, wrap=True),
]


def _revocation(award) -> str:
    if not award.revoked:
        return ""
    parts = ["Đã thu hồi"]
    if award.revoked_on:
        parts.append(f"ngày {award.revoked_on:%d/%m/%Y}")
    text = " ".join(parts)
    if award.revocation_decision:
        text += f" ({award.revocation_decision})"
    if award.revocation_reason:
        text += f": {award.revocation_reason}"
    return text


@login_required
@require_GET
def unit_history_export(request, pk):
    unit = get_scoped_or_404(Unit, request.user, READ_ROLES, pk=pk)
    year = _year(request)
    awards = history.people_awards(unit, year).iterator(chunk_size=2000)
    workbook = xlsx.list_workbook(
        f"Khen thưởng cá nhân — {unit.name}", EXPORT_COLUMNS,
        ([a.year, a.person.staff_code, a.person.full_name, a.unit.name, a.award_type.name,
          history.decision_label(a), a.amount, a.get_source_display(), _revocation(a)]
         for a in awards),
        filters_text=xlsx.filters_line([("Năm", str(year) if year else "")]),
        sheet_title="Khen thưởng")
    return xlsx.xlsx_response(workbook, xlsx.dated_filename(f"khen thuong {unit.code}"))


def _importable_unit(request, pk):
    unit = get_scoped_or_404(Unit, request.user, READ_ROLES, pk=pk)
    if not excel_history.may_import(request.user, unit):
        raise PermissionDenied(excel_history.REFUSED)
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def history_import(request, pk):
    unit = _importable_unit(request, pk)
    result = None
    if request.method == "POST":
        form = HistoryImportForm(request.POST, request.FILES)
        if not http.upload_refused(request, form) and form.is_valid():
            upload = form.cleaned_data["file"]
            result = excel_history.import_history(request.user, unit, upload,
                                                  dry_run=form.cleaned_data["dry_run"])
            if result.ok:
                if result.dry_run:
                    messages.info(request, f"Tệp “{upload.name}” hợp lệ: {result.awards} khen "
                                           f"thưởng và {result.grades} kết quả xếp loại đều "
                                           "đúng. Chưa có dữ liệu nào được ghi.")
                else:
                    messages.success(request, f"Đã nhập {result.awards} khen thưởng và "
                                              f"{result.grades} kết quả xếp loại từ tệp "
                                              f"“{upload.name}”.")
                for warning in result.warnings[:MAX_WARNINGS_SHOWN]:
                    messages.warning(request, f"Dòng {warning.row}: {warning.message}")
                return redirect("awards:history_import", pk=unit.pk)
    else:
        form = HistoryImportForm()
    return render(request, "awards/import_history.html", {
        "unit": unit, "form": form, **report_context(result),
        "warnings": result.warnings if result else [],
        "notes": excel_history.NOTES,
        "breadcrumbs": _unit_crumbs(unit, ("Nhập lịch sử từ Excel", None)),
    })


@login_required
@require_GET
def history_import_template(request, pk):
    unit = _importable_unit(request, pk)
    response = HttpResponse(excel_history.build_template(unit), content_type=XLSX_TYPE)
    response["Content-Disposition"] = xlsx.content_disposition(
        xlsx.dated_filename(f"mau nhap lich su khen thuong {unit.code}"))
    return response


urlpatterns = [
    path("can-bo/<int:pk>/lich-su/", person_history, name="person_history"),
    path("don-vi/<int:pk>/lich-su/", unit_history, name="unit_history"),
    path("don-vi/<int:pk>/lich-su/xuat-excel/", unit_history_export,
         name="unit_history_export"),
    path("don-vi/<int:pk>/lich-su/nhap-excel/", history_import, name="history_import"),
    path("don-vi/<int:pk>/lich-su/mau-excel/", history_import_template,
         name="history_import_template"),
    *disclosure.urlpatterns,
]
