"""Forms of the person-facing KPI screens: a sheet's tasks, general criteria, transitions.

Forms parse and check the shape of the input only; the rules (done ≤ assigned,
points within a criterion's maximum, who may change what, the reason a leader
must give) are :mod:`thidua.kpi.domain`'s. Field names are those the domain
names in its ``ValidationError`` (the ``Task`` fields, the criterion codes,
``reason``), so :func:`apply_errors` puts each refusal next to its field.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from thidua.kpi.models import Task
from thidua.kpi.policy import Policy
from thidua.kpi.scoring import fmt

REASON_LABEL = "Lý do điều chỉnh"
REASON_HELP = "Phiếu đã gửi lãnh đạo: mọi thay đổi của lãnh đạo cần ghi lý do và được lưu lại."
COUNT_FIELDS = ("assigned", "done", "meeting", "on_time", "major_errors", "late_deliveries")


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
        widget.attrs.setdefault("class", css)


def reason_field(label: str = REASON_LABEL, help_text: str = REASON_HELP) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": f"Cần ghi {label.lower()}."})


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put the domain's refusal on the form: each field's message next to it, the rest on top."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = name if name in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def error_summary(form: forms.BaseForm) -> list[str]:
    """Every error of the form as “Field label: message”, for the box above the form; the
    fields in error are marked invalid (red) as well."""
    if not form.is_bound:
        return []
    lines = list(form.non_field_errors())
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS:
            continue
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            widget.attrs["aria-invalid"] = "true"
        label = str(form.fields[name].label) if name in form.fields else name
        lines.extend(message if label.lower() in message.lower() else f"{label}: {message}"
                     for message in errors)
    return lines


class TaskForm(forms.Form):
    """A task or product of the month and how it went (labels from the model)."""

    name = forms.CharField(max_length=500)
    assigned = forms.IntegerField()
    done = forms.IntegerField()
    meeting = forms.IntegerField()
    on_time = forms.IntegerField()
    major_errors = forms.IntegerField()
    late_deliveries = forms.IntegerField()
    objective_cause = forms.BooleanField(required=False)

    def __init__(self, *args, with_reason: bool = False, prefix: str | None = None, **kwargs):
        kwargs.setdefault("initial", {"assigned": 1, "done": 0, "meeting": 0, "on_time": 0,
                                      "major_errors": 0, "late_deliveries": 0})
        super().__init__(*args, prefix=prefix, **kwargs)
        for name, field in self.fields.items():
            model_field = Task._meta.get_field(name)
            label = model_field.verbose_name
            field.label = label[:1].upper() + label[1:]
            if name in COUNT_FIELDS:
                field.widget.attrs.update({"min": 1 if name == "assigned" else 0,
                                           "inputmode": "numeric"})
                field.error_messages.update({
                    "required": f"Cần ghi {label}.",
                    "invalid": f"{field.label} phải là số nguyên.",
                })
            elif name == "name":
                field.error_messages["required"] = "Cần ghi tên nhiệm vụ, sản phẩm."
        self.fields["objective_cause"].help_text = ("Lỗi lớn, chậm tiến độ do nguyên nhân khách "
                                                    "quan đã được xác nhận: không bị trừ điểm.")
        if with_reason:
            self.fields["reason"] = reason_field()
        style(self)

    def clean(self):
        data = super().clean()
        for name in COUNT_FIELDS:
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, f"{self.fields[name].label} không được là số âm "
                                     f"(đã ghi {value}).")
        return data

    def count_fields(self):
        return [self[name] for name in COUNT_FIELDS]

    def task_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.base_fields}


class GeneralForm(forms.Form):
    """The points of each general criterion of the month's policy, and a comment.

    The person writes his self-assessment; a leader writes his own points
    (blank: the person's stand), shown side by side with the person's.
    """

    def __init__(self, *args, policy: Policy, as_leader: bool = False,
                 with_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(policy.general_criteria)
        for criterion in self.criteria:
            self.fields[criterion.code] = forms.CharField(
                label=criterion.label, required=False, max_length=20,
                help_text=f"Tối đa {fmt(criterion.max_points)} điểm",
                widget=forms.NumberInput(attrs={
                    "min": 0, "max": f"{criterion.max_points}", "step": "0.01",
                    "inputmode": "decimal"}))
        self.fields["comment"] = forms.CharField(
            label="Nhận xét của lãnh đạo" if as_leader else "Tự nhận xét", required=False,
            max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
        if with_reason:
            self.fields["reason"] = reason_field()
        style(self)

    def scores(self) -> dict[str, str]:
        return {c.code: self.cleaned_data.get(c.code, "") for c in self.criteria}


class ReasonForm(forms.Form):
    """The reason of a transition or an adjustment (required or not)."""

    reason = forms.CharField(label="Lý do", required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, required: bool = False, label: str = "Lý do",
                 help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.required, field.label, field.help_text = required, label, help_text
        field.error_messages["required"] = f"Cần ghi {label.lower()}."
        style(self)

    def reason_text(self) -> str:
        return self.cleaned_data.get("reason", "") if hasattr(self, "cleaned_data") else ""
