"""Forms of the facts screens: practices, exemplars, unit reports, manual values.

Forms parse and check what the user typed (formats, dates, codes inside the
user's scope); the rules themselves live in ``facts.py`` and ``domain.py``.
Uploads arrive as multipart bodies, which the NFC middleware leaves alone, so
these forms normalise their own text.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone

from thidua.core import scoping
from thidua.core.roles import READ_ROLES
from thidua.core.text import clean_text, nfc
from thidua.movements import domain, facts
from thidua.movements.models import Movement, PracticeState
from thidua.org.models import Person, Unit

ANY = [("", "Tất cả")]
DATE_WIDGET = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}


def style(form: forms.Form, small: bool = False) -> None:
    """Bootstrap classes on every widget, as the org screens do."""
    size = " form-control-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select" + (" form-select-sm" if small else "")
        else:
            widget.attrs["class"] = "form-control" + size


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.name} ({unit.code})"


class EvidenceField(forms.FileField):
    """An evidence or report file: type, content and size checked by ``facts.check_upload``."""

    def __init__(self, **kwargs):
        megabytes = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        kwargs.setdefault("help_text", f"{facts.UPLOAD_HELP}; tối đa {megabytes} MB.")
        super().__init__(validators=[facts.check_upload], **kwargs)
        self.widget.attrs["accept"] = ",".join(f".{ext}" for ext in facts.UPLOAD_SIGNATURES)


class NfcForm(forms.Form):
    """Text fields in NFC, since multipart bodies bypass the normalising middleware."""

    def clean(self):
        data = super().clean()
        for name, value in data.items():
            if isinstance(value, str):
                data[name] = nfc(value)
        return data


# Practices -------------------------------------------------------------------------

class PracticeForm(NfcForm):
    unit = UnitChoiceField(label="Đơn vị thực hiện", queryset=Unit.objects.none(),
                           empty_label=None)
    movement = forms.ModelChoiceField(label="Thuộc phong trào", queryset=Movement.objects.none(),
                                      required=False, empty_label="(Không gắn với phong trào)")
    name = forms.CharField(label="Tên mô hình, cách làm hay", max_length=300)
    field = forms.CharField(label="Lĩnh vực", max_length=120, required=False,
                            help_text="Ví dụ: dân vận, cải cách hành chính, chuyển đổi số.")
    started_on = forms.DateField(label="Bắt đầu thực hiện", widget=forms.DateInput(DATE_WIDGET))
    description = forms.CharField(label="Mô tả (cách làm, kết quả)", required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    evidence = EvidenceField(label="Minh chứng", required=False)

    def __init__(self, *args, user, movement: Movement | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_movement = movement
        units = scoping.scope(Unit.objects.filter(is_active=True), user, domain.REGISTER_ROLES)
        if movement is not None:
            units = units.filter(path__startswith=movement.scope_unit.path)
            self.fields["movement"].queryset = Movement.objects.filter(pk=movement.pk)
            self.fields["movement"].initial = movement.pk
            self.fields["movement"].disabled = True
        else:
            self.fields["movement"].queryset = visible_launched(user)
        self.fields["unit"].queryset = units.order_by("path")
        style(self)

    def clean_name(self):
        return clean_text(self.cleaned_data["name"])

    def clean(self):
        data = super().clean()
        unit, movement = data.get("unit"), self.fixed_movement or data.get("movement")
        if unit and movement and not facts.in_scope(movement, unit):
            self.add_error("unit", f"{unit.name} không thuộc phạm vi của phong trào đã chọn.")
        data["movement"] = movement
        return data


def visible_launched(user):
    from thidua.movements.queries import visible_movements

    return visible_movements(user).filter(state="launched").order_by("-issued_on", "-pk")


class PracticeFilterForm(forms.Form):
    """Filters of a practice list; every field optional, invalid values ignored."""

    q = forms.CharField(label="Tìm theo tên mô hình", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": "VD: dan van kheo"}))
    state = forms.ChoiceField(label="Trạng thái", required=False,
                              choices=ANY + PracticeState.choices)
    replication = forms.ChoiceField(label="Nhân rộng", required=False, choices=ANY + [
        ("1", "Được chọn nhân rộng"), ("0", "Chưa chọn nhân rộng")])
    unit = forms.CharField(label="Mã đơn vị (gồm cấp dưới)", required=False, max_length=40)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        style(self, small=True)

    def clean_unit(self):
        code = self.cleaned_data["unit"].strip()
        if not code:
            return None
        unit = scoping.scope(Unit.objects.all(), self.user, READ_ROLES).filter(
            code__iexact=code).first()
        if unit is None:
            raise forms.ValidationError(f"Không tìm thấy đơn vị có mã “{code}” trong phạm vi "
                                        "của bạn.")
        return unit

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"q": data.get("q", ""), "state": data.get("state", ""),
                "replication": data.get("replication", ""), "unit": data.get("unit")}


class RecogniseForm(forms.Form):
    recognised_on = forms.DateField(label="Ngày công nhận", widget=forms.DateInput(DATE_WIDGET))
    replicate = forms.BooleanField(label="Chọn mô hình để nhân rộng", required=False)

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice = practice
        self.fields["recognised_on"].initial = practice.recognised_on or timezone.localdate()
        self.fields["replicate"].initial = practice.for_replication
        style(self)

    def clean_recognised_on(self):
        day = self.cleaned_data["recognised_on"]
        if day < self.practice.started_on:
            raise forms.ValidationError("Ngày công nhận không được trước ngày bắt đầu thực hiện "
                                        f"({self.practice.started_on:%d/%m/%Y}).")
        if day > timezone.localdate():
            raise forms.ValidationError("Ngày công nhận không được sau hôm nay.")
        return day


# Exemplars -------------------------------------------------------------------------

class ExemplarForm(forms.Form):
    COLLECTIVE, PERSON = "tap_the", "ca_nhan"
    kind = forms.ChoiceField(label="Điển hình là", widget=forms.RadioSelect,
                             choices=[(COLLECTIVE, "Tập thể (đơn vị)"), (PERSON, "Cá nhân")],
                             initial=COLLECTIVE)
    unit_code = forms.CharField(label="Mã đơn vị (với tập thể)", required=False, max_length=40)
    staff_code = forms.CharField(label="Mã cán bộ (với cá nhân)", required=False, max_length=30)
    citation = forms.CharField(label="Thành tích tiêu biểu", max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 4}),
                               help_text="Ngắn gọn, vài dòng: việc làm, kết quả nổi bật.")
    marked_on = forms.DateField(label="Ngày ghi nhận", widget=forms.DateInput(DATE_WIDGET))

    def __init__(self, *args, user, movement: Movement, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.movement = user, movement
        self.fields["marked_on"].initial = timezone.localdate()
        style(self)

    def _in_movement(self, queryset, scope_field: str):
        return scoping.scope(queryset, self.user, READ_ROLES).filter(
            **{f"{scope_field}__startswith": self.movement.scope_unit.path})

    def clean(self):
        data = super().clean()
        if data.get("kind") == self.PERSON:
            data["person"], data["unit"] = self._person(data.get("staff_code", "")), None
        else:
            data["unit"], data["person"] = self._unit(data.get("unit_code", "")), None
        return data

    def _unit(self, code: str):
        code = code.strip()
        if not code:
            self.add_error("unit_code", "Hãy ghi mã đơn vị được ghi nhận.")
            return None
        unit = self._in_movement(Unit.objects.filter(is_active=True), "path").filter(
            code__iexact=code).first()
        if unit is None:
            self.add_error("unit_code", f"Không tìm thấy đơn vị có mã “{code}” trong phạm vi "
                                        "phong trào.")
        return unit

    def _person(self, code: str):
        code = code.strip()
        if not code:
            self.add_error("staff_code", "Hãy ghi mã cán bộ được ghi nhận.")
            return None
        person = self._in_movement(Person.objects.select_related("unit"), "unit__path").filter(
            staff_code__iexact=code).first()
        if person is None:
            self.add_error("staff_code", f"Không tìm thấy cán bộ có mã “{code}” trong phạm vi "
                                         "phong trào.")
        return person


# Unit reports ------------------------------------------------------------------------

class ReportForm(NfcForm):
    text = forms.CharField(label="Nội dung báo cáo", required=False,
                           widget=forms.Textarea(attrs={"rows": 12}))
    file = EvidenceField(label="Tệp báo cáo", required=False)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.fields["text"].initial = report.text
        if report.file:
            self.fields["file"].help_text += " Để trống: giữ tệp đã nộp."
        style(self)

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("text") and not data.get("file"):
            raise forms.ValidationError("Báo cáo đang trống: hãy viết nội dung báo cáo hoặc "
                                        "đính kèm tệp báo cáo.")
        return data


class ReportFilterForm(forms.Form):
    OWED, SUBMITTED, ALL = "", "da_nop", "tat_ca"
    status = forms.ChoiceField(label="Trạng thái", required=False, choices=[
        (OWED, "Chưa nộp"), (SUBMITTED, "Đã nộp"), (ALL, "Tất cả")])
    moc = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self, small=True)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"status": data.get("status", ""), "milestone": data.get("moc")}


class BoardFilterForm(forms.Form):
    status = forms.ChoiceField(label="Hiển thị", required=False, choices=[
        ("", "Tất cả đơn vị"), *((s.key, s.label) for s in facts.REPORT_STATUSES)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self, small=True)

    def chosen(self) -> str:
        return self.cleaned_data.get("status", "") if self.is_valid() else ""


# Manual values -----------------------------------------------------------------------

class ManualValueForm(NfcForm):
    unit = UnitChoiceField(label="Đơn vị", queryset=Unit.objects.none(), empty_label=None)
    value = forms.DecimalField(label="Giá trị", max_digits=12, decimal_places=2, localize=True,
                               widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    measured_on = forms.DateField(label="Ngày số liệu", widget=forms.DateInput(DATE_WIDGET))
    evidence = EvidenceField(label="Minh chứng", required=False)
    note = forms.CharField(label="Ghi chú, nguồn số liệu", required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.fields["unit"].queryset = units
        self.fields["measured_on"].initial = timezone.localdate()
        measure = (target.params or {}).get("measure")
        if measure:
            self.fields["value"].help_text = f"Đơn vị tính: {measure}."
        style(self)

    def clean_measured_on(self):
        day = self.cleaned_data["measured_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("Ngày số liệu không được sau hôm nay.")
        return day

    def clean(self):
        data = super().clean()
        unit, day = data.get("unit"), data.get("measured_on")
        if unit and day and not data.get("evidence") and not self.target.manual_values.filter(
                unit=unit, measured_on=day).exclude(evidence="").exists():
            self.add_error("evidence", "Hãy đính kèm minh chứng cho số liệu (biên bản, báo cáo, "
                                       "ảnh chụp…).")
        return data
