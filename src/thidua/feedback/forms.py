from django import forms

from thidua.feedback.models import COMMENT_MAX, DOSSIER_MAX, SCALE_CHOICES, ServiceDesk


class LenientChoices(forms.MultipleChoiceField):
    """Reasons the desk does not offer (an old page, a tampered form) are dropped, not refused."""

    def validate(self, value):
        pass


class RatingForm(forms.Form):
    level = forms.ChoiceField(label="Mức độ hài lòng", widget=forms.RadioSelect,
                              error_messages={"required": "Xin chọn mức độ hài lòng."})
    reasons = LenientChoices(label="Lý do", required=False,
                              widget=forms.CheckboxSelectMultiple)
    comment = forms.CharField(
        label="Góp ý (không bắt buộc)", required=False, max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}), strip=True,
        error_messages={"max_length": f"Góp ý dài tối đa {COMMENT_MAX} ký tự "
                                      "(hiện có %(show_value)d ký tự)."})
    dossier_code = forms.CharField(
        label="Mã hồ sơ (nếu có)", required=False, max_length=DOSSIER_MAX,
        error_messages={"max_length": f"Mã hồ sơ dài tối đa {DOSSIER_MAX} ký tự."})

    def __init__(self, *args, desk: ServiceDesk, **kwargs):
        super().__init__(*args, **kwargs)
        self.desk = desk
        self.fields["level"].choices = [(level.code, level.label) for level in desk.levels]
        self.fields["reasons"].choices = [(reason, reason) for reason in desk.reason_list()]

    def level_rows(self):
        """(code, label, satisfied, checked) for the large buttons."""
        chosen = self.data.get("level") if self.is_bound else None
        return [(level.code, level.label, level.satisfied, level.code == chosen)
                for level in self.desk.levels]

    def reason_rows(self):
        chosen = set(self.data.getlist("reasons")) if self.is_bound else set()
        return [(index, reason, reason in chosen)
                for index, reason in enumerate(self.desk.reason_list())]


class DeskForm(forms.Form):
    name = forms.CharField(label="Tên quầy, bộ phận", max_length=200)
    scale = forms.ChoiceField(label="Thang đánh giá", choices=SCALE_CHOICES)
    reasons = forms.CharField(label="Lý do chưa hài lòng (mỗi dòng một lý do)", required=False,
                              widget=forms.Textarea(attrs={"rows": 6}))
    is_active = forms.BooleanField(label="Đang dùng", required=False, initial=True)


class AssignForm(forms.Form):
    person = forms.ModelChoiceField(label="Cán bộ", queryset=None,
                                    empty_label="— Chọn cán bộ —")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


#: The longest range of months the results page adds up.
RANGE_MAX_MONTHS = 36
#: The years a month may be chosen in (beyond them the month's bounds overflow).
YEAR_MIN, YEAR_MAX = 1900, 2100


def _month_value(text: str, field: str):
    from datetime import date

    try:
        year, month = (int(part) for part in text.strip().split("-"))
        value = date(year, month, 1)
    except (TypeError, ValueError) as exc:
        raise forms.ValidationError(
            f"{field}: hãy chọn tháng theo dạng năm-tháng, ví dụ 2026-01.") from exc
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise forms.ValidationError(f"{field}: năm phải từ {YEAR_MIN} đến {YEAR_MAX}.")
    return value


class MonthRangeForm(forms.Form):
    """From a month to a month (YYYY-MM, as ``<input type="month">`` sends them)."""

    tu = forms.CharField(label="Từ tháng", required=False)
    den = forms.CharField(label="Đến tháng", required=False)

    def __init__(self, *args, default, **kwargs):
        super().__init__(*args, **kwargs)
        self.default = default

    def clean_tu(self):
        text = self.cleaned_data.get("tu") or ""
        return _month_value(text, "Từ tháng") if text.strip() else None

    def clean_den(self):
        text = self.cleaned_data.get("den") or ""
        return _month_value(text, "Đến tháng") if text.strip() else None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        first = data.get("tu") or data.get("den") or self.default
        last = data.get("den") or first
        if last < first:
            raise forms.ValidationError("Tháng cuối phải sau hoặc trùng tháng đầu.")
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        if months > RANGE_MAX_MONTHS:
            raise forms.ValidationError(
                f"Chỉ tổng hợp tối đa {RANGE_MAX_MONTHS} tháng một lần (đã chọn {months} tháng).")
        data["first"], data["last"] = first, last
        return data
