"""Where a unit's Giấy khen lines are printed: the positions page and its test print.

The unit's office (admin or secretariat of the unit) sets, for each line of
the certificate, its distance from the top of the paper, its left and right
indents and its font size, and downloads a test print with two example
awardees — as .docx, and as PDF when LibreOffice is installed — before or
after saving. Anyone else, and any unit outside the user's subtrees, gets 404.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from thidua.core import scoping
from thidua.documents import certificates, numbering
from thidua.documents import render as rendering
from thidua.documents.issuers import profile_for
from thidua.org.models import Unit

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RANGES = {"top": certificates.TOP_RANGE, "left": certificates.INDENT_RANGE,
          "right": certificates.INDENT_RANGE, "size": certificates.SIZE_RANGE}
ACTIONS = {"save", "docx", "pdf"}


def field_name(key: str, field: str) -> str:
    return f"{key}__{field}"


class LayoutForm(forms.Form):
    """One number input per (line, top/left/right/size)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, spec in certificates.LINES.items():
            for field in certificates.FIELDS:
                low, high = RANGES[field]
                unit = "" if field == "size" else " mm"
                message = f"Nhập số từ {low} đến {high}{unit}."
                self.fields[field_name(key, field)] = forms.DecimalField(
                    label=f"{spec.label} — {certificates.FIELD_LABELS[field].lower()}",
                    min_value=low, max_value=high, max_digits=4, decimal_places=1,
                    error_messages={"required": "Hãy nhập số.", "invalid": "Hãy nhập một số.",
                                    "min_value": message, "max_value": message,
                                    "max_digits": message, "max_decimal_places":
                                    "Chỉ nhập tối đa một chữ số thập phân."},
                    widget=forms.NumberInput(attrs={
                        "class": "form-control form-control-sm", "step": "0.5",
                        "min": low, "max": high, "inputmode": "decimal"}))

    @staticmethod
    def initial_from(layout) -> dict:
        return {field_name(key, field): layout[key][field]
                for key in certificates.LINES for field in certificates.FIELDS}

    def layout(self) -> dict:
        data = self.cleaned_data
        return {key: {field: data[field_name(key, field)] for field in certificates.FIELDS}
                for key in certificates.LINES}

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                certificates.validate_layout(self.layout())
            except ValidationError as exc:
                for message in exc.messages:
                    self.add_error(None, message)
        return cleaned


def _sketch(layout) -> list[dict]:
    """Rectangles of the lines on a 297 × 210 drawing of the paper (millimetres)."""
    boxes = []
    for key, spec in certificates.LINES.items():
        values = layout[key]
        left = max(float(values["left"]), 0)
        width = max(certificates.PAGE_WIDTH_MM - left - float(values["right"]), 1)
        boxes.append({"label": spec.label, "x": left, "y": float(values["top"]),
                      "width": width,
                      "height": round(certificates.line_mm(float(values["size"])), 1)})
    return boxes


def _sample(unit, layout) -> bytes:
    profile = profile_for(unit)
    today = date.today()
    reference = numbering.reference(5, "QĐ", profile.symbol, profile.doc_format)
    return certificates.certificates_docx(
        certificates.sample_awardees(), issuer_unit=unit, decision_reference=reference,
        day=today, layout=layout)


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def certificate_layout(request, unit_pk: int):
    unit = scoping.get_scoped_or_404(Unit.objects.select_related("kind"), request.user,
                                     certificates.LAYOUT_EDITORS, pk=unit_pk)
    pdf_available = rendering.office_binary() is not None
    if request.method == "POST":
        form = LayoutForm(request.POST)
        action = request.POST.get("action", "save")
        if action not in ACTIONS:
            action = "save"
        elif action == "pdf" and not pdf_available:
            action = "docx"
        if form.is_valid():
            layout = form.layout()
            try:
                if action == "save":
                    certificates.save_layout(request.user, unit, layout)
                    messages.success(request, "Đã lưu vị trí in giấy khen.")
                    return redirect("documents:certificate_layout", unit_pk=unit.pk)
                data = _sample(unit, layout)
            except (ValidationError, PermissionDenied) as exc:
                texts = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                for text in texts:
                    form.add_error(None, text)
            else:
                if action == "docx":
                    return _attachment(data, DOCX_TYPE, "giay-khen-in-thu.docx")
                pdf = rendering.to_pdf(data)
                if pdf is not None:
                    return _attachment(pdf, "application/pdf", "giay-khen-in-thu.pdf")
                form.add_error(None, "Không tạo được bản PDF lúc này; hãy tải bản Word (.docx).")
        shown = certificates.merge_layout(_posted(form))
    else:
        defaults = request.GET.get("mac-dinh") == "1"
        shown = certificates.merge_layout() if defaults else certificates.layout_for(unit)
        form = LayoutForm(initial=LayoutForm.initial_from(shown))
    rows = [(spec.label, [form[field_name(key, field)] for field in certificates.FIELDS])
            for key, spec in certificates.LINES.items()]
    return render(request, "documents/certificate_layout.html", {
        "unit": unit, "form": form, "rows": rows,
        "headers": [certificates.FIELD_LABELS[f] for f in certificates.FIELDS],
        "sketch": _sketch(shown), "pdf_available": pdf_available,
        "page": {"width": certificates.PAGE_WIDTH_MM, "height": certificates.PAGE_HEIGHT_MM},
        "breadcrumbs": [("Đơn vị", reverse("org:unit_tree")),
                        (unit.display_name, reverse("org:unit_detail", args=[unit.pk])),
                        ("Vị trí in giấy khen", None)],
    })


def _posted(form) -> dict:
    """The numbers the user typed (those that are numbers), to draw what he is trying."""
    values: dict[str, dict] = {}
    for key in certificates.LINES:
        values[key] = {}
        for field in certificates.FIELDS:
            raw = form.data.get(field_name(key, field), "")
            values[key][field] = raw.replace(",", ".") if isinstance(raw, str) else raw
    return values


urlpatterns = [
    path("giay-khen/don-vi/<int:unit_pk>/vi-tri-in/", certificate_layout,
         name="certificate_layout"),
]
