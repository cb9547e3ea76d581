"""Training screens: a person's history (with add/edit/delete for the office), a unit's
year with the people not trained, its .xlsx export, and the Excel import.

Objects outside the user's scope answer 404; in scope without a MANAGE role, 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from thidua.core import http, xlsx
from thidua.core.roles import READ_ROLES
from thidua.core.scoping import get_scoped_or_404, scope_or_own
from thidua.org.choices import StaffCategory
from thidua.org.excel.export import XLSX_TYPE
from thidua.org.excel.report import report_context
from thidua.org.forms_import import ImportForm
from thidua.org.models import Person, Unit
from thidua.training import domain, excel, queries
from thidua.training.forms import RecordForm
from thidua.training.models import TrainingRecord

MAX_WARNINGS_SHOWN = 20


def _person_crumbs(person, *tail):
    return [("Cán bộ", reverse("org:person_list")),
            (person.full_name, reverse("org:person_detail", args=[person.pk])),
            ("Quá trình bồi dưỡng", reverse("training:person", args=[person.pk])), *tail]


def _unit_crumbs(unit, *tail):
    return [(unit.name, reverse("org:unit_detail", args=[unit.pk])),
            ("Bồi dưỡng cán bộ", reverse("training:unit", args=[unit.pk])), *tail]


def _person(request, pk, *, own: bool = False):
    """The person in the user's scope (404 otherwise); ``own`` also lets a staff member
    read his own history."""
    if not own:
        return get_scoped_or_404(Person.objects.select_related("unit"), request.user,
                                 READ_ROLES, pk=pk)
    people = scope_or_own(Person.objects.select_related("unit"), request.user, READ_ROLES,
                          owner_field="user")
    try:
        return people.get(pk=pk)
    except Person.DoesNotExist as exc:
        raise Http404("Không tìm thấy.") from exc


def _record(request, pk):
    return get_scoped_or_404(TrainingRecord.objects.select_related("person__unit"),
                             request.user, READ_ROLES, pk=pk)


@login_required
@require_GET
def person(request, pk):
    who = _person(request, pk, own=True)
    records = list(queries.history(who))
    return render(request, "training/person.html", {
        "person": who, "records": records,
        "total_hours": sum(r.hours for r in records),
        "can_manage": domain.may_manage(request.user, who),
        "breadcrumbs": _person_crumbs(who)[:-1] + [("Quá trình bồi dưỡng", None)],
    })


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def record_add(request, person_pk):
    who = _person(request, person_pk)
    domain.require_manager(request.user, who)
    form = RecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain.add_record(request.user, who, form.values(),
                              form.cleaned_data.get("certificate_file"))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Đã thêm khóa bồi dưỡng.")
            return redirect("training:person", pk=who.pk)
    return render(request, "training/record_form.html", {
        "person": who, "form": form, "title": "Thêm khóa bồi dưỡng",
        "breadcrumbs": _person_crumbs(who, ("Thêm khóa bồi dưỡng", None)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request, pk):
    record = _record(request, pk)
    domain.require_manager(request.user, record.person)
    if request.method == "POST":
        form = RecordForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                domain.edit_record(request.user, record, form.values(),
                                   form.cleaned_data.get("certificate_file") or None,
                                   remove_file=form.cleaned_data.get("certificate_file") is False)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "Đã lưu khóa bồi dưỡng.")
                return redirect("training:person", pk=record.person_id)
    else:
        form = RecordForm(initial=RecordForm.initial_of(record))
    return render(request, "training/record_form.html", {
        "person": record.person, "form": form, "record": record,
        "title": "Sửa khóa bồi dưỡng",
        "breadcrumbs": _person_crumbs(record.person, ("Sửa khóa bồi dưỡng", None)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def record_delete(request, pk):
    record = _record(request, pk)
    domain.require_manager(request.user, record.person)
    if request.method == "POST":
        person_pk = record.person_id
        domain.delete_record(request.user, record)
        messages.success(request, f"Đã xóa khóa “{record.course}”.")
        return redirect("training:person", pk=person_pk)
    return render(request, "training/record_delete.html", {
        "record": record, "person": record.person,
        "breadcrumbs": _person_crumbs(record.person, ("Xóa khóa bồi dưỡng", None)),
    })


def _year(request) -> int:
    text = request.GET.get("nam") or ""
    if not text:
        return timezone.localdate().year
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise Http404("Không tìm thấy.")
    return int(text)


def _categories(request) -> list[str]:
    return [c for c in request.GET.getlist("loai") if c in StaffCategory.values]


def _unit_lists(request, unit_pk):
    unit = get_scoped_or_404(Unit, request.user, READ_ROLES, pk=unit_pk)
    year, categories = _year(request), _categories(request)
    records = list(queries.unit_records(unit, year))
    if categories:
        records = [r for r in records if r.person.staff_category in categories]
    missing = list(queries.untrained(unit, year, categories))
    return unit, year, categories, records, missing


@login_required
@require_GET
def unit(request, unit_pk):
    unit, year, categories, records, missing = _unit_lists(request, unit_pk)
    query = request.GET.urlencode()
    return render(request, "training/unit.html", {
        "unit": unit, "year": year, "records": records, "missing": missing,
        "trained": len({r.person_id for r in records}),
        "categories": [(value, label, value in categories)
                       for value, label in StaffCategory.choices],
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
        "can_manage": domain.may_manage_unit(request.user, unit),
        "export_url": reverse("training:unit_export", args=[unit.pk]) + (f"?{query}" if query else ""),
        "breadcrumbs": _unit_crumbs(unit)[:-1] + [("Bồi dưỡng cán bộ", None)],
    })


RECORD_COLUMNS = [
    xlsx.Column("Mã cán bộ", 14), xlsx.Column("Họ và tên", 26), xlsx.Column("Đơn vị", 30),
    xlsx.Column("Khóa học", 40, wrap=True), xlsx.Column("Chủ đề", 22),
    xlsx.Column("Cơ sở đào tạo", 28), xlsx.Column("Từ ngày", 12, xlsx.DATE),
    xlsx.Column("Đến ngày", 12, xlsx.DATE), xlsx.Column("Số giờ", 10, xlsx.DECIMAL),
    xlsx.Column("Số chứng chỉ", 16),
]
MISSING_COLUMNS = [xlsx.Column("Mã cán bộ", 14), xlsx.Column("Họ và tên", 26),
                   xlsx.Column("Loại cán bộ", 20), xlsx.Column("Đơn vị", 30)]


@login_required
@require_GET
def unit_export(request, unit_pk):
    unit, year, categories, records, missing = _unit_lists(request, unit_pk)
    filters = [("Năm", str(year))]
    if categories:
        filters.append(("Loại cán bộ", ", ".join(StaffCategory(c).label for c in categories)))
    workbook = xlsx.list_workbook(
        f"Bồi dưỡng cán bộ năm {year} — {unit.name}", RECORD_COLUMNS,
        ([r.person.staff_code, r.person.full_name, r.person.unit.name, r.course,
          r.get_topic_display(), r.provider, r.starts_on, r.ends_on, r.hours, r.certificate]
         for r in records),
        filters_text=xlsx.filters_line(filters), sheet_title="Đã bồi dưỡng")
    sheet = workbook.create_sheet("Chưa được bồi dưỡng")
    sheet.append([xlsx.text_cell(sheet, f"Chưa được bồi dưỡng năm {year} — {unit.name}")])
    sheet.append([])
    sheet.append([column.header for column in MISSING_COLUMNS])
    for p in missing:
        sheet.append([xlsx.typed_cell(sheet, column, value) for column, value in zip(
            MISSING_COLUMNS, [p.staff_code, p.full_name, p.get_staff_category_display(),
                              p.unit.name], strict=True)])
    return xlsx.xlsx_response(workbook, xlsx.dated_filename(f"boi duong {year} {unit.code}"))


def _importable_unit(request, unit_pk):
    unit = get_scoped_or_404(Unit, request.user, READ_ROLES, pk=unit_pk)
    if not domain.may_manage_unit(request.user, unit):
        raise PermissionDenied(domain.REFUSED)
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def import_records(request, unit_pk):
    unit = _importable_unit(request, unit_pk)
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if not http.upload_refused(request, form) and form.is_valid():
            upload = form.cleaned_data["file"]
            result = excel.import_records(request.user, unit, upload,
                                          dry_run=form.cleaned_data["dry_run"])
            if result.ok:
                if result.dry_run:
                    messages.info(request, f"Tệp “{upload.name}” hợp lệ: {result.rows_ok} dòng "
                                           "đều đúng. Chưa có dữ liệu nào được ghi.")
                else:
                    messages.success(request, f"Đã nhập {result.created} khóa bồi dưỡng của "
                                              f"{result.people} cán bộ từ tệp “{upload.name}”.")
                for warning in result.warnings[:MAX_WARNINGS_SHOWN]:
                    messages.warning(request, f"Dòng {warning.row}: {warning.message}")
                return redirect("training:import", unit_pk=unit.pk)
    else:
        form = ImportForm()
    return render(request, "training/import.html", {
        "unit": unit, "form": form, **report_context(result),
        "warnings": result.warnings if result else [],
        "notes": excel.NOTES,
        "breadcrumbs": _unit_crumbs(unit, ("Nhập từ Excel", None)),
    })


@login_required
@require_GET
def import_template(request, unit_pk):
    unit = _importable_unit(request, unit_pk)
    response = HttpResponse(excel.build_template(unit), content_type=XLSX_TYPE)
    response["Content-Disposition"] = xlsx.content_disposition(
        xlsx.dated_filename(f"mau nhap boi duong {unit.code}"))
    return response


