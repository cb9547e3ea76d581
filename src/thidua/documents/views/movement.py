"""Documents of a movement: the plan (Kế hoạch), a registration, the review report.

The page of a movement's documents offers the plan as Word and — when
LibreOffice is installed on the server — as PDF, and the form of the
interim/final review report (báo cáo sơ kết/tổng kết) of a unit: the unit
(among those the user's roles cover inside the movement's scope), the stage,
the report date and, optionally, a real number taken from the unit's
register (else the number is left blank to be written by hand).

Reading goes through ``visible_movements`` and the scoping helper: another
unit's movement, report unit or registration answers 404 like a missing id.
A replaced template that cannot produce the document is shown as a page (or
a form error) naming the placeholder, never a 500 or a broken file.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from thidua.awards.history import movement_awards
from thidua.core import scoping
from thidua.core.roles import ALL_ROLES, MANAGE_ROLES, READ_ROLES, Role
from thidua.core.text import fold
from thidua.core.xlsx import content_disposition, filename_text
from thidua.documents import movement_docs, numbering
from thidua.documents import render as docs
from thidua.documents.forms import ReportForm, default_stage
from thidua.documents.issuers import profile_for
from thidua.movements.views.dashboard import default_unit, visible_movement
from thidua.movements.views.registrations import visible_registrations
from thidua.org.models import Unit

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
#: The query parameter (GET) naming the report's unit, as on the dashboard.
UNIT_PARAM = "don-vi"
#: Units offered in the report form's list: the default unit and this many levels below.
CHOICE_LEVELS = 1
CHOICE_LIMIT = 300
NO_OFFICE = "Máy chủ chưa cài LibreOffice nên chỉ tải được tệp Word (.docx)."
PDF_FAILED = ("Không chuyển được văn bản sang PDF lúc này; hãy tải tệp Word (.docx) rồi "
              "in hoặc lưu thành PDF trên máy của bạn.")


# Files ------------------------------------------------------------------------------------------
def download(data: bytes, name: str, extension: str) -> HttpResponse:
    """A file response named both in ASCII (``filename=``, for old clients) and in
    Vietnamese (``filename*=UTF-8''…``, RFC 6266); a unit's name with quotes, newlines,
    slashes or invisible characters cannot break the header or the file's name."""
    readable = filename_text(name)[:150].strip(" .-") or "Văn bản"
    ascii_name = slugify(fold(readable))[:100] or "van-ban"
    content_type = PDF_TYPE if extension == "pdf" else DOCX_TYPE
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(f"{readable}.{extension}",
                                                          f"{ascii_name}.{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def office_available() -> bool:
    return docs.office_binary() is not None


def may_fix_templates(user) -> bool:
    return user.is_superuser or Role.ADMIN in scoping.roles_of(user)


def problem_page(request, exc: docs.TemplateProblem, *, back: str, title: str,
                 back_label: str = "Quay lại", breadcrumbs=None):
    """The template cannot produce the document: say why (the placeholder), what to do."""
    return render(request, "documents/problem.html", {
        "title": title, "problem": str(exc), "back": back, "back_label": back_label,
        "can_fix": may_fix_templates(request.user),
        "breadcrumbs": breadcrumbs or [(title, None)],
    })


def produce(request, make, *, name: str, extension: str, back: str, title: str,
            back_label: str = "Quay lại", breadcrumbs=None):
    """Render with ``make()`` and answer the file; a template problem is shown as a page
    (:func:`problem_page`), a PDF that cannot be made sends the user back with the reason."""
    if extension == "pdf" and not office_available():
        messages.warning(request, NO_OFFICE)
        return redirect(back)
    try:
        data = make()
    except docs.TemplateProblem as exc:
        return problem_page(request, exc, back=back, title=title, back_label=back_label,
                            breadcrumbs=breadcrumbs)
    if extension == "pdf":
        data = docs.to_pdf(data)
        if data is None:
            messages.error(request, PDF_FAILED)
            return redirect(back)
    return download(data, name, extension)


def numbered_download(request, form, again, *, unit, doc_type: str, day: date, subject: str,
                      make, name, extension: str, on_issued=None):
    """Make a document that may bear a number from ``unit``'s register, and answer the file.

    ``make(reference)`` writes the .docx; with the form's ``take_number`` ticked, the
    number is taken and the document made in one transaction (``numbering.numbered``),
    so a document that cannot be made gives its number back; without it, the number is
    left blank to be written by hand. A template problem or a refused number is shown on
    the form (``again()``). A PDF that cannot be made after a number was given answers
    the Word file bearing that number, and says so, rather than losing the document.
    ``name(issued)`` is the file's name; ``on_issued(issued)`` runs once a number is given.
    """
    issued = None
    try:
        if form.cleaned_data.get("take_number"):
            document, issued = numbering.numbered(unit, doc_type, request.user, make,
                                                  subject=subject, year=day.year)
        else:
            document = make(numbering.blank_reference(doc_type, profile_for(unit)))
    except docs.TemplateProblem as exc:
        form.add_error(None, str(exc))
        return again()
    except (PermissionDenied, ValidationError) as exc:
        form.add_error("take_number", exc.messages if isinstance(exc, ValidationError)
                       else [str(exc)])
        return again()
    if issued is not None and on_issued is not None:
        on_issued(issued)
    if extension == "pdf":
        pdf = docs.to_pdf(document)
        if pdf is not None:
            return download(pdf, name(issued), "pdf")
        if issued is None:
            form.add_error(None, PDF_FAILED)
            return again()
        messages.warning(request, f"Không chuyển được văn bản số {issued.reference} sang PDF: "
                                  "đã tải về tệp Word (.docx) mang số này; hãy in hoặc lưu "
                                  "thành PDF trên máy của bạn.")
    return download(document, name(issued), "docx")


# The movement's documents page -----------------------------------------------------------------
def documents_url(movement, unit: Unit | None = None) -> str:
    url = reverse("documents:movement", args=[movement.pk])
    return f"{url}?{urlencode({UNIT_PARAM: unit.pk})}" if unit is not None else url


def _crumbs(movement, *tail):
    return [("Phong trào thi đua", reverse("movements:list")),
            (movement.document_number, reverse("movements:detail", args=[movement.pk])),
            *tail]


def report_unit(user, movement, raw: str) -> Unit:
    """The report's unit: ``raw`` (an id) among the units the user's roles cover inside the
    movement's scope — 404 otherwise —, or by default the scope or the user's top unit."""
    raw = (raw or "").strip()
    if not raw:
        return default_unit(user, movement)
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise Http404("Không tìm thấy.")
    unit = scoping.get_scoped_or_404(Unit.objects.select_related("kind"), user, ALL_ROLES,
                                     pk=int(raw), is_active=True)
    if not unit.path.startswith(movement.scope_unit.path):
        raise Http404("Không tìm thấy.")
    return unit


def unit_options(user, movement, chosen: Unit) -> list[Unit]:
    """The units offered in the form: those the user's roles cover inside the scope, down
    to one level below the default unit (a bounded list), and the chosen one."""
    top = default_unit(user, movement)
    units = list(scoping.scope(
        Unit.objects.filter(path__startswith=movement.scope_unit.path, is_active=True,
                            depth__lte=top.depth + CHOICE_LEVELS), user, ALL_ROLES)
        .order_by("path")[:CHOICE_LIMIT])
    if all(unit.pk != chosen.pk for unit in units):
        units.append(chosen)
        units.sort(key=lambda unit: unit.path)
    return units


def _page(request, movement, form, unit, *, status=200):
    user = request.user
    return render(request, "documents/movement_documents.html", {
        "movement": movement, "form": form, "unit": unit,
        "office": office_available(),
        "no_office": NO_OFFICE,
        "may_number": scoping.covers(user, unit.path, numbering.ISSUERS),
        "may_profile": scoping.covers(user, unit.path, MANAGE_ROLES),
        "may_read_numbers": scoping.covers(user, unit.path, READ_ROLES),
        "may_fix_templates": may_fix_templates(user),
        "breadcrumbs": _crumbs(movement, ("Văn bản, báo cáo", None)),
    }, status=status)


@login_required
@require_http_methods(["GET"])
def movement_documents(request, pk):
    movement = visible_movement(request.user, pk)
    unit = report_unit(request.user, movement, request.GET.get(UNIT_PARAM, ""))
    today = timezone.localdate()
    form = ReportForm(movement=movement, units=unit_options(request.user, movement, unit),
                      initial={"unit": unit.pk, "stage": default_stage(movement, today),
                               "report_date": today})
    return _page(request, movement, form, unit)


# The plan ---------------------------------------------------------------------------------------
def _plan(request, pk, extension):
    movement = visible_movement(request.user, pk)
    return produce(request, lambda: movement_docs.plan_docx(movement),
                    name=f"Kế hoạch {movement.document_number}", extension=extension,
                    back=documents_url(movement), title="Không tạo được kế hoạch")


@login_required
@require_http_methods(["GET"])
def plan_docx(request, pk):
    return _plan(request, pk, "docx")


@login_required
@require_http_methods(["GET"])
def plan_pdf(request, pk):
    return _plan(request, pk, "pdf")


# A registration ---------------------------------------------------------------------------------
def _registration(request, reg_pk, extension):
    registration = get_object_or_404(
        visible_registrations(request.user).select_related(
            "movement", "movement__issuing_unit", "movement__scope_unit", "unit", "unit__kind",
            "person"),
        pk=reg_pk)
    who = registration.person.full_name if registration.person_id else registration.unit.name
    return produce(request, lambda: movement_docs.registration_docx(registration),
                    name=f"Bản đăng ký thi đua - {who}", extension=extension,
                    back=reverse("movements:registration_detail", args=[registration.pk]),
                    title="Không tạo được bản đăng ký")


@login_required
@require_http_methods(["GET"])
def registration_docx(request, reg_pk):
    return _registration(request, reg_pk, "docx")


@login_required
@require_http_methods(["GET"])
def registration_pdf(request, reg_pk):
    return _registration(request, reg_pk, "pdf")


# The review report ------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def review_report(request, pk):
    """POST: produce the report (Word or PDF) the form asks for; GET: the form's page."""
    user = request.user
    movement = visible_movement(user, pk)
    if request.method == "GET":
        return redirect(documents_url(movement))
    unit = report_unit(user, movement, request.POST.get("unit", ""))
    form = ReportForm(request.POST, movement=movement,
                      units=unit_options(user, movement, unit))
    extension = "pdf" if request.POST.get("format") == "pdf" else "docx"
    if not form.is_valid():
        return _page(request, movement, form, unit)
    if extension == "pdf" and not office_available():
        form.add_error(None, NO_OFFICE)
        return _page(request, movement, form, unit)
    stage = form.cleaned_data["stage"]
    day: date = form.cleaned_data["report_date"]
    stage_word = movement_docs.REPORT_KINDS[stage]

    def make(reference: str) -> bytes:
        return movement_docs.review_report_docx(movement, unit, day, stage, reference,
                                                awards=movement_awards(movement, unit))

    def name(issued) -> str:
        number_part = f" {issued.reference}" if issued is not None else ""
        return f"Báo cáo {stage_word}{number_part} - {unit.name} - {day:%d-%m-%Y}"

    return numbered_download(
        request, form, lambda: _page(request, movement, form, unit), unit=unit, doc_type="BC",
        day=day, subject=f"Báo cáo {stage_word} {movement.title}", make=make, name=name,
        extension=extension)


urlpatterns = [
    path("phong-trao/<int:pk>/", movement_documents, name="movement"),
    path("phong-trao/<int:pk>/ke-hoach.docx", plan_docx, name="plan_docx"),
    path("phong-trao/<int:pk>/ke-hoach.pdf", plan_pdf, name="plan_pdf"),
    path("phong-trao/<int:pk>/bao-cao/", review_report, name="report"),
    path("dang-ky/<int:reg_pk>/ban-dang-ky.docx", registration_docx, name="registration_docx"),
    path("dang-ky/<int:reg_pk>/ban-dang-ky.pdf", registration_pdf, name="registration_pdf"),
]
