"""Văn bản khen thưởng of a unit: the proposal letter, the decision and the certificates,
made from a list uploaded as .xlsx (until the awards app keeps proposals and decisions).

The unit's office, leader or admin (:data:`ROLES`) uploads the list of
candidates or awardees (:mod:`thidua.documents.award_list` checks it whole:
a wrong row refuses the file, naming row, column and reason), then chooses
the document: Tờ trình, Quyết định or Giấy khen, as Word or — when
LibreOffice is installed — as PDF. A Tờ trình or Quyết định may take a real
number from the unit's register, in the year of the document's date, which
must be this year; the number and the document are made together, so a
document that cannot be made never uses up a number
(:func:`~thidua.documents.views.movement.numbered_download`).

The list is not stored in the database. The checked lines are kept in the
user's session (one list at a time, at most ``award_list.MAX_LINES`` rows), so
the same list gives the three documents, and the Word and the PDF copy,
without uploading it again; it goes with the session (logout, one working
day) or when the user removes it or uploads another.

A unit outside the user's roles answers 404 like a missing id; inside the
scope, a user without one of :data:`ROLES` is refused (403).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from thidua.core import scoping
from thidua.core.roles import ALL_ROLES, MANAGE_ROLES
from thidua.core.text import clean_text, nfc
from thidua.documents import award_docs, award_list, certificates, numbering
from thidua.documents import render as docs
from thidua.documents.views.issuers import unit_crumbs
from thidua.documents.views.movement import (
    NO_OFFICE,
    PDF_FAILED,
    download,
    may_fix_templates,
    numbered_download,
)
from thidua.movements.forms import DATE_WIDGET, style
from thidua.org.excel.export import XLSX_TYPE
from thidua.org.models import Unit

#: Who makes a unit's award documents (the same as who takes its numbers).
ROLES = frozenset(numbering.ISSUERS)
REFUSED = ("Chỉ văn phòng, lãnh đạo hoặc quản trị của đơn vị mới tạo được văn bản khen "
           "thưởng của đơn vị.")
#: The session key of the uploaded list (one list per session).
SESSION_KEY = "documents.award_list"
#: Rows of the list shown on the page; the documents carry all of them.
PREVIEW_ROWS = 200
#: The error table shows this many rows.
MAX_ERRORS_SHOWN = 500
NO_LIST = "Chưa có danh sách: hãy tải lên tệp Excel danh sách khen thưởng trước."
PROPOSAL, DECISION, CERTIFICATES = "to-trinh", "quyet-dinh", "giay-khen"
DOC_TYPES = {PROPOSAL: "TTr", DECISION: "QĐ"}
TEMPLATE_KINDS = {PROPOSAL: award_docs.PROPOSAL, DECISION: award_docs.DECISION}
#: Every view finds the unit before it looks at the method: a unit outside the user's roles
#: answers 404 to any request, so nothing tells it apart from a missing id.
ANY = require_http_methods(["GET", "POST"])
DATE_ERRORS = {"required": "Hãy nhập ngày.",
               "invalid": "Ngày không hợp lệ; hãy nhập theo dạng dd/mm/yyyy."}


# Forms -------------------------------------------------------------------------------------------
def _text(label: str, *, required: bool = True, max_length: int = 255, help_text: str = "",
          placeholder: str = "", rows: int = 0, missing: str = "") -> forms.CharField:
    attrs = {"placeholder": placeholder} if placeholder else {}
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(attrs)
    return forms.CharField(label=label, required=required, max_length=max_length,
                           help_text=help_text, widget=widget, strip=True,
                           error_messages={"required": missing or f"Hãy ghi {label.lower()}.",
                                           "max_length": f"Không quá {max_length} ký tự."})


def _day(label: str) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs=DATE_WIDGET),
                           help_text="Dạng dd/mm/yyyy.", error_messages=DATE_ERRORS)


def _take_number(doc_type: str) -> forms.BooleanField:
    return forms.BooleanField(
        label=f"Lấy số {numbering.DOC_TYPES[doc_type].lower()} từ sổ đăng ký của đơn vị",
        required=False,
        help_text="Số được cấp ngay khi tải văn bản và ghi vào sổ (không trả lại được). Không "
                  "chọn: để trống số để ghi tay khi ban hành.")


class _DocumentForm(forms.Form):
    """The common cleaning: one-line texts as clean NFC text, a date the register knows."""

    multiline: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = nfc(value).strip() if name in self.multiline else clean_text(value)
            elif isinstance(value, date) and not 2000 <= value.year <= 2100:
                self.add_error(name, "Năm phải từ 2000 đến 2100.")
        if cleaned.get("take_number") and cleaned.get("day"):
            problem = numbering.year_problem(cleaned["day"])
            if problem:
                self.add_error("day", problem)
        return cleaned


class ProposalForm(_DocumentForm):
    multiline = ("reasons_text",)
    day = _day("Ngày tờ trình")
    granting_body = _text("Kính gửi (cấp xét khen thưởng)",
                          missing="Hãy ghi nơi nhận tờ trình (cấp xét khen thưởng).",
                          placeholder="Ví dụ: Chủ tịch Ủy ban nhân dân tỉnh")
    form_label = _text("Hình thức khen thưởng",
                       help_text="Dùng cho các dòng không ghi hình thức riêng.")
    summary = _text("Trích yếu", required=False, max_length=500,
                    help_text="Để trống: “Về việc đề nghị tặng …” theo hình thức khen thưởng.")
    reasons_text = _text("Tóm tắt thành tích, lý do đề nghị", required=False, max_length=10000,
                         rows=4, help_text="Để trống: văn bản để sẵn chỗ (tô vàng) để đơn vị "
                                           "tự viết.")
    take_number = _take_number("TTr")


class DecisionForm(_DocumentForm):
    multiline = ("executors",)
    day = _day("Ngày quyết định")
    form_label = _text("Hình thức khen thưởng", help_text="Ví dụ “Giấy khen”; dùng cho các dòng "
                                                          "không ghi hình thức riêng.")
    summary = _text("Trích yếu", required=False, max_length=500,
                    help_text="Để trống: “Về việc tặng …” theo hình thức khen thưởng.")
    achievement_text = _text("Thành tích (ghi tại Điều 1)", required=False, max_length=500,
                             placeholder="Ví dụ: xuất sắc trong phong trào thi đua năm 2026",
                             help_text="Để trống: “xuất sắc trong thực hiện nhiệm vụ”.")
    proposer = _text("Xét đề nghị của", required=False,
                     placeholder="Ví dụ: Văn phòng Đảng ủy phường")
    funding_source = _text("Nguồn kinh phí khen thưởng", required=False,
                           help_text="Chỉ dùng khi danh sách có số tiền thưởng; để trống: quỹ "
                                     "thi đua, khen thưởng của đơn vị.")
    executors = _text("Cơ quan, đơn vị thi hành (Điều 3)", required=False, max_length=2000,
                      rows=2, help_text="Mỗi dòng một cơ quan, đơn vị; để trống: “Văn phòng, "
                                        "các cơ quan, đơn vị có liên quan”.")
    take_number = _take_number("QĐ")

    def executor_list(self) -> list[str]:
        return [clean_text(line) for line in self.cleaned_data["executors"].splitlines()
                if clean_text(line)]


class CertificatesForm(_DocumentForm):
    decision_reference = _text("Số, ký hiệu quyết định", max_length=60,
                               missing="Hãy ghi số, ký hiệu của quyết định khen thưởng.",
                               placeholder="Ví dụ: 05/QĐ-UBND hoặc 12-QĐ/ĐU")
    decision_day = _day("Ngày quyết định")
    achievement = _text("Thành tích in trên giấy khen", required=False, max_length=1000,
                        help_text="Cho các dòng không ghi thành tích trong danh sách.")


class ListUploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp danh sách (.xlsx)",
        widget=forms.FileInput(attrs={
            "class": "form-control",
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
        error_messages={"required": "Hãy chọn tệp Excel danh sách khen thưởng.",
                        "empty": "Tệp tải lên rỗng (0 byte).",
                        "invalid": "Không đọc được tệp tải lên; hãy chọn lại tệp.",
                        "missing": "Không nhận được tệp; hãy chọn lại tệp."})


FORMS = {PROPOSAL: ProposalForm, DECISION: DecisionForm, CERTIFICATES: CertificatesForm}
PREFIXES = {PROPOSAL: "ttr", DECISION: "qd", CERTIFICATES: "gk"}


# The unit and the list -------------------------------------------------------------------------
def award_unit(user, unit_pk: int) -> Unit:
    """The active unit (404 outside the user's roles), refused without one of :data:`ROLES`."""
    unit = scoping.get_scoped_or_404(Unit.objects.select_related("kind"), user, ALL_ROLES,
                                     pk=unit_pk, is_active=True)
    if not scoping.covers(user, unit.path, ROLES):
        raise PermissionDenied(REFUSED)
    return unit


def stored_list(request, unit: Unit) -> tuple[list[award_docs.AwardLine], dict] | None:
    """The list kept in the session for ``unit`` (lines, details), or None."""
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("unit") != unit.pk:
        return None
    lines = award_list.from_stored(kept.get("list"))
    if not lines:
        return None
    return lines, kept


def keep_list(request, unit: Unit, lines, filename: str) -> None:
    request.session[SESSION_KEY] = {
        "unit": unit.pk, "file": nfc(filename)[:200], "list": award_list.to_stored(lines),
        "at": timezone.now().isoformat()}


def drop_list(request) -> bool:
    return request.session.pop(SESSION_KEY, None) is not None


def _remember_decision(request, unit: Unit, reference: str, day: date) -> None:
    """The number of the decision just made, offered on the certificates form."""
    kept = request.session.get(SESSION_KEY)
    if isinstance(kept, dict) and kept.get("unit") == unit.pk:
        kept["decision"] = {"reference": reference, "day": day.isoformat()}
        request.session.modified = True


def _common_form(lines) -> str:
    forms_used = {line.form_label for line in lines if line.form_label}
    return forms_used.pop() if len(forms_used) == 1 else "Giấy khen"


def _initial_forms(lines, kept) -> dict[str, forms.Form]:
    today = timezone.localdate()
    form_label = _common_form(lines or [])
    decision = (kept or {}).get("decision") or {}
    try:
        decision_day = date.fromisoformat(decision.get("day", ""))
    except (TypeError, ValueError):
        decision_day = today
    return {
        PROPOSAL: ProposalForm(prefix=PREFIXES[PROPOSAL],
                               initial={"day": today, "form_label": form_label}),
        DECISION: DecisionForm(prefix=PREFIXES[DECISION],
                               initial={"day": today, "form_label": form_label}),
        CERTIFICATES: CertificatesForm(prefix=PREFIXES[CERTIFICATES], initial={
            "decision_reference": decision.get("reference", ""), "decision_day": decision_day}),
    }


def page_url(unit: Unit, anchor: str = "") -> str:
    url = reverse("documents:awards", args=[unit.pk])
    return f"{url}#{anchor}" if anchor else url


# The page ----------------------------------------------------------------------------------------
def _page(request, unit: Unit, *, bound: forms.Form | None = None, kind: str = "",
          upload_form=None, result=None, status: int = 200):
    user = request.user
    stored = stored_list(request, unit)
    lines, kept = stored if stored else ([], None)
    forms_shown = _initial_forms(lines, kept)
    if bound is not None:
        forms_shown[kind] = bound
    collectives = sum(1 for line in lines if line.collective)
    amounts = [line.amount for line in lines if line.amount is not None]
    row_errors = result.row_errors if result is not None else []
    return render(request, "documents/award_documents.html", {
        "unit": unit,
        "rows": [(line, award_docs.thousands(line.amount) if line.amount is not None else "")
                 for line in lines[:PREVIEW_ROWS]],
        "count": len(lines),
        "more": max(0, len(lines) - PREVIEW_ROWS),
        "collectives": collectives,
        "people": len(lines) - collectives,
        "with_money": bool(amounts),
        "total": award_docs.thousands(sum(amounts)) if amounts else "",
        "kept": kept,
        "kept_at": _parse_time(kept.get("at")) if kept else None,
        "upload_form": upload_form or ListUploadForm(),
        "result": result,
        "row_errors": row_errors[:MAX_ERRORS_SHOWN],
        "errors_hidden": max(0, len(row_errors) - MAX_ERRORS_SHOWN),
        "proposal_form": forms_shown[PROPOSAL],
        "decision_form": forms_shown[DECISION],
        "certificates_form": forms_shown[CERTIFICATES],
        "active": kind,
        "office": docs.office_binary() is not None,
        "no_office": NO_OFFICE,
        "max_lines": f"{award_list.MAX_LINES:,}".replace(",", "."),
        "max_megabytes": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        "may_profile": scoping.covers(user, unit.path, MANAGE_ROLES),
        "may_layout": scoping.covers(user, unit.path, certificates.LAYOUT_EDITORS),
        "may_fix_templates": may_fix_templates(user),
        "breadcrumbs": unit_crumbs(unit, ("Văn bản khen thưởng", None)),
    }, status=status)


def _parse_time(value):
    try:
        return timezone.localtime(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return None


@login_required
@ANY
def award_documents(request, unit_pk: int):
    unit = award_unit(request.user, unit_pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _page(request, unit)


@login_required
@ANY
def award_template(request, unit_pk: int):
    """The empty list to fill in Excel, with its guide."""
    unit = award_unit(request.user, unit_pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    response = HttpResponse(award_list.build_template(unit.name), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="danh-sach-khen-thuong.xlsx"'
    return response


@login_required
@ANY
def award_upload(request, unit_pk: int):
    """Check the uploaded list whole: keep it (replacing the previous one) or show every error
    and keep nothing."""
    unit = award_unit(request.user, unit_pk)
    if request.method != "POST":
        return redirect(page_url(unit))
    form = ListUploadForm(request.POST, request.FILES)
    refused = getattr(request, "upload_refused", None)
    if refused:
        form.is_valid()
        form.errors["file"] = form.error_class([refused])
    if refused or not form.is_valid():
        return _page(request, unit, upload_form=form)
    upload = form.cleaned_data["file"]
    result = award_list.read_award_list(upload)
    dropped = drop_list(request)
    if not result.ok:
        if dropped:
            messages.warning(request, "Danh sách tải lên trước đó đã được bỏ; hãy sửa tệp rồi "
                                      "tải lên lại.")
        return _page(request, unit, upload_form=form, result=result)
    keep_list(request, unit, result.lines, upload.name)
    people = len(result.lines) - result.collectives
    parts = [f"{n} {noun}" for n, noun in ((result.collectives, "tập thể"), (people, "cá nhân"))
             if n]
    messages.success(request, f"Đã nhận danh sách “{upload.name}”: {len(result.lines)} dòng "
                              f"({' và '.join(parts)}). Hãy chọn văn bản cần tạo.")
    return redirect(page_url(unit, "van-ban"))


@login_required
@ANY
def award_clear(request, unit_pk: int):
    unit = award_unit(request.user, unit_pk)
    if request.method != "POST":
        return redirect(page_url(unit))
    if drop_list(request):
        messages.success(request, "Đã bỏ danh sách khen thưởng khỏi phiên làm việc.")
    return redirect(page_url(unit))


# The documents -----------------------------------------------------------------------------------
def _make(kind: str, unit: Unit, form, lines, reference: str) -> bytes:
    data = form.cleaned_data
    if kind == PROPOSAL:
        candidates = [award_docs.Candidate(**{name: getattr(line, name) for name in
                                              award_docs.Candidate.__dataclass_fields__})
                      for line in lines]
        return award_docs.proposal_docx(
            unit, reference=reference, day=data["day"], summary=_subject(kind, form),
            form_label=data["form_label"], candidates=candidates,
            granting_body=data["granting_body"], reasons_text=data["reasons_text"])
    return award_docs.decision_docx(
        unit, reference=reference, day=data["day"], form_label=data["form_label"],
        awardees=lines, achievement_text=data["achievement_text"], proposer=data["proposer"],
        funding_source=data["funding_source"], executors=form.executor_list(),
        summary=data["summary"])


def _subject(kind: str, form) -> str:
    data = form.cleaned_data
    if data["summary"]:
        return data["summary"]
    if kind == PROPOSAL:
        return f"Về việc đề nghị tặng {data['form_label']}"
    return f"Về việc tặng {data['form_label']}"


@dataclass
class Posted:
    """A document request ready to make: the unit, the kept list, the valid form."""

    unit: Unit
    lines: list
    form: forms.Form
    extension: str
    again: Callable[[], HttpResponse]


def _posted(request, unit_pk: int, kind: str) -> Posted | HttpResponse:
    """The common start of the three documents, or the response when there is nothing to
    make (not a POST, no list kept, a form to fix, a PDF without LibreOffice)."""
    unit = award_unit(request.user, unit_pk)
    if request.method != "POST":
        return redirect(page_url(unit, "van-ban"))
    stored = stored_list(request, unit)
    if stored is None:
        messages.error(request, NO_LIST)
        return redirect(page_url(unit))
    form = FORMS[kind](request.POST, prefix=PREFIXES[kind])
    extension = "pdf" if request.POST.get("format") == "pdf" else "docx"

    def again():
        return _page(request, unit, bound=form, kind=kind)

    if not form.is_valid():
        return again()
    if extension == "pdf" and docs.office_binary() is None:
        form.add_error(None, NO_OFFICE)
        return again()
    return Posted(unit, stored[0], form, extension, again)


def _document(request, unit_pk: int, kind: str):
    """Make the Tờ trình or Quyết định the form asks for; the form again with the reason when
    it cannot be made (and then no number is taken from the register)."""
    posted = _posted(request, unit_pk, kind)
    if isinstance(posted, HttpResponse):
        return posted
    unit, form = posted.unit, posted.form
    day: date = form.cleaned_data["day"]
    label = award_docs.KINDS[TEMPLATE_KINDS[kind]]

    def name(issued) -> str:
        number_part = f" {issued.reference}" if issued is not None else ""
        return f"{label}{number_part} - {unit.name} - {day:%d-%m-%Y}"

    def remember(issued) -> None:
        if kind == DECISION:
            _remember_decision(request, unit, issued.reference, day)

    return numbered_download(
        request, form, posted.again, unit=unit, doc_type=DOC_TYPES[kind], day=day,
        subject=_subject(kind, form),
        make=lambda reference: _make(kind, unit, form, posted.lines, reference),
        name=name, extension=posted.extension, on_issued=remember)


@login_required
@ANY
def award_proposal(request, unit_pk: int):
    return _document(request, unit_pk, PROPOSAL)


@login_required
@ANY
def award_decision(request, unit_pk: int):
    return _document(request, unit_pk, DECISION)


@login_required
@ANY
def award_certificates(request, unit_pk: int):
    """One Giấy khen per line of the list, at the unit's print positions."""
    posted = _posted(request, unit_pk, CERTIFICATES)
    if isinstance(posted, HttpResponse):
        return posted
    unit, form, again = posted.unit, posted.form, posted.again
    data = form.cleaned_data
    try:
        document = certificates.certificates_docx(
            posted.lines, issuer_unit=unit, decision_reference=data["decision_reference"],
            day=data["decision_day"], achievement=data["achievement"])
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return again()
    if posted.extension == "pdf":
        document = docs.to_pdf(document)
        if document is None:
            form.add_error(None, PDF_FAILED)
            return again()
    return download(document, f"Giấy khen theo Quyết định {data['decision_reference']} - "
                              f"{unit.name}", posted.extension)


urlpatterns = [
    path("don-vi/<int:unit_pk>/khen-thuong/", award_documents, name="awards"),
    path("don-vi/<int:unit_pk>/khen-thuong/mau-danh-sach.xlsx", award_template,
         name="awards_template"),
    path("don-vi/<int:unit_pk>/khen-thuong/tai-danh-sach/", award_upload, name="awards_upload"),
    path("don-vi/<int:unit_pk>/khen-thuong/bo-danh-sach/", award_clear, name="awards_clear"),
    path("don-vi/<int:unit_pk>/khen-thuong/to-trinh/", award_proposal, name="awards_proposal"),
    path("don-vi/<int:unit_pk>/khen-thuong/quyet-dinh/", award_decision, name="awards_decision"),
    path("don-vi/<int:unit_pk>/khen-thuong/giay-khen/", award_certificates,
         name="awards_certificates"),
]
