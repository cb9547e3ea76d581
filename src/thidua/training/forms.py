"""The form of one training record (the domain does the final checks)."""

from django import forms

from thidua.training.models import Topic

DATE_INPUT = ["%d/%m/%Y"]


def _text(**extra):
    return forms.TextInput(attrs={"class": "form-control", **extra})


class RecordForm(forms.Form):
    course = forms.CharField(label="Khóa học", max_length=300, widget=_text())
    topic = forms.ChoiceField(label="Chủ đề", choices=[("", "— Chọn chủ đề —"), *Topic.choices],
                              widget=forms.Select(attrs={"class": "form-select"}))
    provider = forms.CharField(label="Cơ sở đào tạo", max_length=200, required=False,
                               widget=_text())
    starts_on = forms.DateField(label="Từ ngày", input_formats=DATE_INPUT,
                                widget=forms.DateInput(format="%d/%m/%Y",
                                                       attrs={"class": "form-control",
                                                              "placeholder": "dd/mm/yyyy"}),
                                error_messages={"invalid": "Ghi ngày theo dạng dd/mm/yyyy."})
    ends_on = forms.DateField(label="Đến ngày", input_formats=DATE_INPUT,
                              widget=forms.DateInput(format="%d/%m/%Y",
                                                     attrs={"class": "form-control",
                                                            "placeholder": "dd/mm/yyyy"}),
                              error_messages={"invalid": "Ghi ngày theo dạng dd/mm/yyyy."})
    hours = forms.CharField(label="Số giờ", max_length=10, widget=_text(inputmode="decimal"),
                            help_text="Lớn hơn 0, ví dụ 24 hoặc 7,5.")
    certificate = forms.CharField(label="Số chứng chỉ", max_length=100, required=False,
                                  widget=_text())
    certificate_file = forms.FileField(
        label="Tệp chứng chỉ", required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}))

    VALUES = ("course", "topic", "provider", "starts_on", "ends_on", "hours", "certificate")

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.VALUES}

    @classmethod
    def initial_of(cls, record) -> dict:
        initial = {name: getattr(record, name) for name in cls.VALUES}
        initial["hours"] = f"{record.hours.normalize():f}".replace(".", ",")
        initial["certificate_file"] = record.certificate_file or None
        return initial
