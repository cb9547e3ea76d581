"""Forms of the round screens; the rules themselves are in :mod:`thidua.awards.rounds`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from thidua.awards.models import AppraisalOutcome, AwardType, Subject, VoteChoice
from thidua.org.models import Person, Unit

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control"},
                             format="%Y-%m-%d")
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """A domain refusal on the form: by field when it names one the form has."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class RoundForm(forms.Form):
    year = forms.IntegerField(label="Năm xét", min_value=1990, max_value=2100,
                              widget=forms.NumberInput(attrs=TEXT))
    granting_unit = forms.ModelChoiceField(label="Cấp quyết định (thẩm định, khen thưởng)",
                                           queryset=Unit.objects.none(),
                                           widget=forms.Select(attrs=SELECT))
    movement = forms.ModelChoiceField(label="Phong trào được tổng kết (nếu có)",
                                      queryset=Unit.objects.none(), required=False,
                                      widget=forms.Select(attrs=SELECT),
                                      help_text="Để trống với đợt xét khen thưởng cuối năm.")
    name = forms.CharField(label="Tên đợt xét", max_length=300, required=False,
                           widget=forms.TextInput(attrs=TEXT),
                           help_text="Để trống: “Xét khen thưởng năm … — tên đơn vị”.")
    objections_until = forms.DateField(label="Hạn tiếp nhận ý kiến (công khai)", required=False,
                                       widget=DATE_INPUT)

    def __init__(self, *args, granting_units=(), movements=None, **kwargs):
        super().__init__(*args, **kwargs)
        if movements is not None:
            self.fields["movement"].queryset = movements
            self.fields["movement"].label_from_instance = lambda m: m.title
        self.fields["granting_unit"].queryset = Unit.objects.filter(
            pk__in=[u.pk for u in granting_units])
        self.fields["granting_unit"].label_from_instance = lambda u: f"{u.name} ({u.kind.name})"
        self.initial.setdefault("year", timezone.localdate().year)
        if granting_units:
            self.initial.setdefault("granting_unit", granting_units[0].pk)


class NominationForm(forms.Form):
    award_type = forms.ModelChoiceField(label="Danh hiệu, hình thức", queryset=AwardType.objects.none(),
                                        widget=forms.Select(attrs=SELECT))
    person = forms.ModelChoiceField(label="Cá nhân", queryset=Person.objects.none(),
                                    required=False, widget=forms.Select(attrs=SELECT),
                                    help_text="Với danh hiệu, hình thức cho cá nhân.")
    unit = forms.ModelChoiceField(label="Tập thể", queryset=Unit.objects.none(), required=False,
                                  widget=forms.Select(attrs=SELECT),
                                  help_text="Với danh hiệu, hình thức cho tập thể.")
    achievement = forms.CharField(label="Thành tích", required=False,
                                  widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
                                  help_text="Một thành tích chỉ được đề nghị một hình thức.")
    justification = forms.CharField(
        label="Lý do đề nghị (tiêu chí do đơn vị quy định)", required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
        help_text="Bắt buộc với hình thức xét theo tiêu chí của đơn vị (như Giấy khen).")

    def __init__(self, *args, round_, award_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].queryset = AwardType.objects.filter(
            pk__in=[t.pk for t in award_types])
        self.fields["award_type"].label_from_instance = lambda t: (
            f"{t.name} ({t.get_subject_display().lower()}"
            f"{', tiêu chí do đơn vị quy định' if t.is_manual else ''})")
        self.fields["person"].queryset = (Person.objects.filter(
            unit__path__startswith=round_.unit.path, status="dang_cong_tac")
            .select_related("unit").order_by("full_name"))
        self.fields["person"].label_from_instance = lambda p: f"{p.full_name} — {p.unit.name}"
        self.fields["unit"].queryset = Unit.objects.filter(
            path__startswith=round_.unit.path, is_active=True).order_by("path")

    def clean(self):
        data = super().clean()
        kind = data.get("award_type")
        if kind is not None:
            if kind.subject == Subject.PERSON and not data.get("person"):
                self.add_error("person", "Hãy chọn cá nhân được đề nghị.")
            if kind.subject == Subject.COLLECTIVE and not data.get("unit"):
                self.add_error("unit", "Hãy chọn tập thể được đề nghị.")
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label="Biểu quyết", choices=VoteChoice.choices,
                               widget=forms.RadioSelect)
    lower_to = forms.ModelChoiceField(label="Hình thức thấp hơn", queryset=AwardType.objects.none(),
                                      required=False, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, lower_options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lower_to"].queryset = AwardType.objects.filter(
            pk__in=[t.pk for t in lower_options])


class SignForm(forms.Form):
    proposal_date = forms.DateField(label="Ngày tờ trình", widget=DATE_INPUT)
    proposal_number = forms.CharField(
        label="Số, ký hiệu tờ trình", max_length=60, required=False,
        widget=forms.TextInput(attrs=TEXT),
        help_text="Để trống: hệ thống lấy số tiếp theo trong sổ văn bản “Tờ trình” của đơn vị.")
    confirm = forms.BooleanField(label="Tôi đã đọc danh sách và xác nhận ký tờ trình",
                                 widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("proposal_date", timezone.localdate())


class AppraisalForm(forms.Form):
    appraisal = forms.ChoiceField(label="Kết quả thẩm định", choices=AppraisalOutcome.choices,
                                  widget=forms.Select(attrs=SELECT))
    appraised_to = forms.ModelChoiceField(label="Hạ xuống hình thức", queryset=AwardType.objects.none(),
                                          required=False, widget=forms.Select(attrs=SELECT))
    appraisal_reason = forms.CharField(label="Ý kiến thẩm định", required=False,
                                       widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args, lower_options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appraised_to"].queryset = AwardType.objects.filter(
            pk__in=[t.pk for t in lower_options])


class DecisionForm(forms.Form):
    date = forms.DateField(label="Ngày quyết định", widget=DATE_INPUT)
    signer = forms.CharField(label="Người ký", max_length=200, widget=forms.TextInput(attrs=TEXT))
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=200, required=False,
                                   widget=forms.TextInput(attrs=TEXT))
    number = forms.CharField(
        label="Số, ký hiệu quyết định", max_length=60, required=False,
        widget=forms.TextInput(attrs=TEXT),
        help_text="Để trống: khi ký, hệ thống lấy số tiếp theo trong sổ “Quyết định” của cấp "
                  "quyết định.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label="Tôi xác nhận; thao tác này không hoàn tác được",
                                 widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))


class RevokeForm(ConfirmForm):
    reason = forms.CharField(label="Lý do thu hồi", widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    decision_text = forms.CharField(label="Quyết định thu hồi (số, ngày)", max_length=200,
                                    widget=forms.TextInput(attrs=TEXT))
