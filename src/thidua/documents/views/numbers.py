"""The number register of a unit (sổ đăng ký số văn bản), per year.

Every register of the unit for the year (one per document type) with each
number given — number, reference, summary, who took it, when — and the form
to take a new one, through a confirmation page (a number once given stays
in the register). Reading needs a READ role on the unit (404 outside the
scope); taking a number is :func:`numbering.issue_number`'s rule (admin,
secretariat or leader of the unit). The list exports to .xlsx as shown.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from thidua.core import scoping
from thidua.core.xlsx import DATETIME, INTEGER, Column, filters_line, list_workbook, xlsx_response
from thidua.documents import numbering
from thidua.documents.forms import TakeNumberForm
from thidua.documents.issuers import profile_for
from thidua.documents.models import IssuedNumber, NumberRegister
from thidua.documents.views.issuers import scoped_unit, unit_crumbs
from thidua.movements.forms import add_domain_errors

PAGE_SIZE = 100
YEAR_PARAM, TYPE_PARAM = "nam", "loai"
EXPORT_COLUMNS = [Column("Loại văn bản", 16), Column("Số", 8, INTEGER), Column("Số, ký hiệu", 20),
                  Column("Trích yếu", 70, wrap=True), Column("Người lấy số", 26),
                  Column("Thời gian", 18, DATETIME)]


def type_label(code: str) -> str:
    name = numbering.DOC_TYPES.get(code)
    return f"{name} ({code})" if name else code


def _year(request) -> int:
    raw = request.GET.get(YEAR_PARAM, "").strip()
    if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return timezone.localdate().year


def _doc_type(request) -> str:
    raw = request.GET.get(TYPE_PARAM, "").strip()
    return raw if numbering.DOC_TYPE.match(raw) else ""


def numbers_url(unit, year: int | None = None, doc_type: str = "",
                name: str = "numbers") -> str:
    url = reverse(f"documents:{name}", args=[unit.pk])
    params = {}
    if year is not None:
        params[YEAR_PARAM] = year
    if doc_type:
        params[TYPE_PARAM] = doc_type
    return f"{url}?{urlencode(params)}" if params else url


def issued_numbers(unit, year: int, doc_type: str = ""):
    """The numbers given by the unit in ``year`` (of one type, if given), in register order."""
    rows = (IssuedNumber.objects.filter(register__unit=unit, register__year=year)
            .select_related("issued_by")
            .annotate(doc_type=F("register__doc_type"))
            .order_by("register__doc_type", "number"))
    return rows.filter(register__doc_type=doc_type) if doc_type else rows


def _who(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


@login_required
@require_http_methods(["GET"])
def number_list(request, unit_pk):
    user = request.user
    unit = scoped_unit(user, unit_pk)
    year, doc_type = _year(request), _doc_type(request)
    registers = [{"doc_type": r.doc_type, "label": type_label(r.doc_type),
                  "last_number": r.last_number, "issued": r.issued_count,
                  "url": numbers_url(unit, year, r.doc_type)}
                 for r in NumberRegister.objects.filter(unit=unit, year=year)
                 .annotate(issued_count=Count("issued")).order_by("doc_type")]
    page = Paginator(issued_numbers(unit, year, doc_type), PAGE_SIZE).get_page(
        request.GET.get("page"))
    for row in page.object_list:
        row.type_label = type_label(row.doc_type)
        row.who = _who(row.issued_by)
    this_year = timezone.localdate().year
    years = sorted({this_year, year, *NumberRegister.objects.filter(unit=unit)
                    .values_list("year", flat=True).distinct()}, reverse=True)
    return render(request, "documents/number_list.html", {
        "unit": unit, "year": year, "years": years, "doc_type": doc_type,
        "doc_type_label": type_label(doc_type) if doc_type else "",
        "registers": registers, "page_obj": page,
        "may_take": year == this_year and scoping.covers(user, unit.path, numbering.ISSUERS),
        "form": TakeNumberForm(),
        "export_url": numbers_url(unit, year, doc_type, name="numbers_export"),
        "all_url": numbers_url(unit, year),
        "breadcrumbs": unit_crumbs(unit, (f"Sổ đăng ký số văn bản năm {year}", None)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def number_take(request, unit_pk):
    """GET: the form; POST: the confirmation page, then (``confirm``) the number."""
    user = request.user
    unit = scoped_unit(user, unit_pk)
    if not scoping.covers(user, unit.path, numbering.ISSUERS):
        raise PermissionDenied("Bạn không có quyền lấy số văn bản của đơn vị này.")
    form = TakeNumberForm(request.POST if request.method == "POST" else None)
    year = timezone.localdate().year
    context = {"unit": unit, "form": form, "year": year,
               "back": numbers_url(unit, year),
               "breadcrumbs": unit_crumbs(unit, (f"Sổ đăng ký số văn bản năm {year}",
                                                 numbers_url(unit, year)), ("Lấy số mới", None))}
    if request.method == "POST" and form.is_valid():
        doc_type, subject = form.cleaned_data["doc_type"], form.cleaned_data["subject"]
        if request.POST.get("confirm") == "1":
            try:
                issued = numbering.issue_number(unit, doc_type, user, subject=subject)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, f"Đã lấy số {issued.reference} "
                                          f"({type_label(doc_type)}): {issued.subject}")
                return redirect(numbers_url(unit, year) + f"#so-{issued.pk}")
        else:
            profile = profile_for(unit)
            last = (NumberRegister.objects.filter(unit=unit, doc_type=doc_type, year=year)
                    .values_list("last_number", flat=True).first() or 0)
            context.update({
                "confirming": True, "doc_type_label": type_label(doc_type), "subject": subject,
                "expected": numbering.reference(last + 1, doc_type, profile.symbol,
                                                profile.doc_format),
            })
    return render(request, "documents/number_take.html", context)


@login_required
@require_http_methods(["GET"])
def number_export(request, unit_pk):
    """The register as shown (year, type): Vietnamese headers, numbers as numbers, times as
    dates, text that looks like a formula kept as text (:func:`thidua.core.xlsx.list_workbook`)."""
    unit = scoped_unit(request.user, unit_pk)
    year, doc_type = _year(request), _doc_type(request)
    rows = ((type_label(row.doc_type), row.number, row.reference, row.subject,
             _who(row.issued_by), row.issued_at)
            for row in issued_numbers(unit, year, doc_type).iterator(chunk_size=2000))
    workbook = list_workbook(
        f"SỔ ĐĂNG KÝ SỐ VĂN BẢN NĂM {year}", EXPORT_COLUMNS, rows, context=[unit.name],
        filters_text=filters_line([("Năm", str(year)),
                                   ("Loại văn bản", type_label(doc_type) if doc_type else "")]),
        sheet_title=f"Sổ văn bản {year}")
    code = slugify(unit.code) or str(unit.pk)
    suffix = f"-{slugify(doc_type)}" if doc_type else ""
    return xlsx_response(workbook, f"so-van-ban-{code}-{year}{suffix}.xlsx")


urlpatterns = [
    path("don-vi/<int:unit_pk>/so-van-ban/", number_list, name="numbers"),
    path("don-vi/<int:unit_pk>/so-van-ban/lay-so/", number_take, name="number_take"),
    path("don-vi/<int:unit_pk>/so-van-ban/xuat-excel/", number_export, name="numbers_export"),
]
