"""Forms of a scorecard's yearly cycle: commitments, periodic self-evaluation, the
year-end self-score, the appraisal, and the transitions (reason, decision).

Forms check the shape of the input only; the rules (points within an item's
maximum, a reason when the appraisal differs, who may do what) are
:mod:`thidua.scorecards.domain`'s. Per-criterion fields are named
``<prefix><criterion pk>`` so that the domain's ``ValidationError`` (keyed by
the criterion's pk as a string) lands next to the item's input
(:func:`apply_errors`).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

DATE_WIDGET = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
ROMAN_QUARTERS = ["I", "II", "III", "IV"]

COMMITMENT, POINTS, NOTE, EVIDENCE = "cam_ket_", "diem_", "giai_trinh_", "minh_chung_"
APPRAISED, REASON = "tham_dinh_", "ly_do_"


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            css = "form-select"
        elif isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


def mark_invalid(form: forms.BaseForm) -> None:
    """Fields in error get Bootstrap's red border and ``aria-invalid``."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            widget.attrs["aria-invalid"] = "true"


def apply_errors(form: forms.BaseForm, error: ValidationError, prefix: str = "") -> None:
    """Put the domain's refusal on the form: a key naming a criterion (its pk) goes to
    ``prefix + pk``, a key naming a field to that field, anything else on top."""
    if hasattr(error, "error_dict"):
        for key, messages in error.message_dict.items():
            target = None
            if prefix and f"{prefix}{key}" in form.fields:
                target = f"{prefix}{key}"
            elif key in form.fields:
                target = key
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
    mark_invalid(form)


def error_lines(form: forms.BaseForm | None) -> list[str]:
    """Every error of a bound form, for the box above it (the messages name the criterion)."""
    if form is None or not form.is_bound:
        return []
    lines = list(form.non_field_errors())
    for name, errors in form.errors.items():
        if name != forms.forms.NON_FIELD_ERRORS:
            lines.extend(errors)
    return lines


def period_label(period: int, every: int) -> str:
    """"Quý II", "6 tháng đầu năm", "Cả năm", "Tháng 5" or "Kỳ 3 (tháng 7–9)"."""
    if every == 3 and 1 <= period <= 4:
        return f"Quý {ROMAN_QUARTERS[period - 1]}"
    if every == 6:
        return "6 tháng đầu năm" if period == 1 else "6 tháng cuối năm"
    if every >= 12:
        return "Cả năm"
    if every == 1:
        return f"Tháng {period}"
    first = (period - 1) * every + 1
    return f"Kỳ {period} (tháng {first}–{first + every - 1})"


def periods(every: int) -> list[tuple[int, str]]:
    count = 12 // max(1, every)
    return [(n, period_label(n, every)) for n in range(1, count + 1)]


# The registration ------------------------------------------------------------------------------
class CommitmentsForm(forms.Form):
    """What the subject commits to do under each group of criteria."""

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = list(groups)
        for group in self.groups:
            self.fields[f"{COMMITMENT}{group.pk}"] = forms.CharField(
                label=f"{group.code}. {group.title}", required=False, max_length=8000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="Nội dung, chỉ tiêu đăng ký thực hiện trong năm theo tiêu chí này.")
        style(self)

    def texts(self) -> dict[int, str]:
        return {g.pk: self.cleaned_data.get(f"{COMMITMENT}{g.pk}", "") for g in self.groups}

    def rows(self):
        return [(group, self[f"{COMMITMENT}{group.pk}"]) for group in self.groups]


# The periodic self-evaluation -----------------------------------------------------------------
class EvaluationForm(forms.Form):
    period = forms.TypedChoiceField(label="Kỳ đánh giá", coerce=int,
                                    error_messages={"required": "Cần chọn kỳ đánh giá.",
                                                    "invalid_choice": "Kỳ đánh giá không hợp lệ."})
    note = forms.CharField(label="Kết quả, nhận xét", max_length=8000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "Cần ghi kết quả tự đánh giá."})
    evidence = forms.FileField(label="Tệp minh chứng", required=False,
                               help_text="PDF, ảnh (JPG, PNG, WEBP), Word (.docx) hoặc Excel "
                                         "(.xlsx). Gửi lại cùng kỳ thì thay nội dung cũ.")

    def __init__(self, *args, every: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = periods(every)
        style(self)


# The year-end self-score and the appraisal ------------------------------------------------------
def _points_field(label: str, maximum) -> forms.CharField:
    """Points as text: the domain reads "12,5" and "12.5" alike and names the criterion."""
    return forms.CharField(
        label=label, required=False, max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                      "size": 6, "data-max": f"{maximum}"}))


class SelfScoreForm(forms.Form):
    """Per scorable item: points, an explanation and an evidence file."""

    def __init__(self, *args, items, group_of: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            points = _points_field(f"Điểm tự chấm tiêu chí {item.code}", item.max_points)
            points.widget.attrs.update({"data-points": "", "data-group": group_of[item.pk],
                                        "aria-describedby": f"toida-{item.pk}"})
            self.fields[f"{POINTS}{item.pk}"] = points
            self.fields[f"{NOTE}{item.pk}"] = forms.CharField(
                label=f"Giải trình tiêu chí {item.code}", required=False, max_length=4000,
                widget=forms.Textarea(attrs={"rows": 1}))
            self.fields[f"{EVIDENCE}{item.pk}"] = forms.FileField(
                label=f"Minh chứng tiêu chí {item.code}", required=False)
        style(self)
        for item in self.items:
            self.fields[f"{EVIDENCE}{item.pk}"].widget.attrs["class"] = (
                "form-control form-control-sm")

    def scores(self) -> dict[int, tuple[str, str]]:
        return {item.pk: (self.cleaned_data.get(f"{POINTS}{item.pk}", ""),
                          self.cleaned_data.get(f"{NOTE}{item.pk}", ""))
                for item in self.items}

    def uploads(self) -> dict:
        found = {}
        for item in self.items:
            upload = self.cleaned_data.get(f"{EVIDENCE}{item.pk}")
            if upload:
                found[item.pk] = upload
        return found

    def fields_of(self, pk: int) -> dict:
        return {"points": self[f"{POINTS}{pk}"], "note": self[f"{NOTE}{pk}"],
                "evidence": self[f"{EVIDENCE}{pk}"]}


class AppraisalForm(forms.Form):
    """Per scorable item: the appraised points and the reason of a difference."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"{APPRAISED}{item.pk}"] = _points_field(
                f"Điểm thẩm định tiêu chí {item.code}", item.max_points)
            self.fields[f"{REASON}{item.pk}"] = forms.CharField(
                label=f"Lý do điều chỉnh tiêu chí {item.code}", required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 1}))
        style(self)

    def scores(self) -> dict[int, tuple[str, str]]:
        return {item.pk: (self.cleaned_data.get(f"{APPRAISED}{item.pk}", ""),
                          self.cleaned_data.get(f"{REASON}{item.pk}", ""))
                for item in self.items}

    def fields_of(self, pk: int) -> dict:
        return {"points": self[f"{APPRAISED}{pk}"], "reason": self[f"{REASON}{pk}"]}


# Transitions -------------------------------------------------------------------------------------
class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, required: bool = False, label: str = "Lý do", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.required, field.label = required, label
        field.error_messages["required"] = f"Cần ghi {label.lower()}."
        style(self)

    def reason_text(self) -> str:
        return self.cleaned_data.get("reason", "") if hasattr(self, "cleaned_data") else ""


class DecisionForm(ReasonForm):
    """The standing committee's decision: number and date (and a reason when refusing)."""

    decision_number = forms.CharField(label="Số quyết định", max_length=60,
                                      help_text="Ví dụ 15-QĐ/ĐU.",
                                      error_messages={"required": "Cần ghi số quyết định."})
    decision_date = forms.DateField(label="Ngày quyết định",
                                    widget=forms.DateInput(attrs=DATE_WIDGET,
                                                           format="%d/%m/%Y"),
                                    error_messages={
                                        "required": "Cần ghi ngày quyết định.",
                                        "invalid": "Ngày quyết định phải ghi theo dạng "
                                                   "ngày/tháng/năm, ví dụ 25/12/2026."})
    field_order = ["decision_number", "decision_date", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


__all__ = ["AppraisalForm", "CommitmentsForm", "DecisionForm", "EvaluationForm", "ReasonForm",
           "SelfScoreForm", "apply_errors", "error_lines", "mark_invalid", "period_label",
           "periods"]
