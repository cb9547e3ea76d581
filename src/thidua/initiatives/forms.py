"""Forms of the application pages (the domain makes the final checks).

Authors are picked without JavaScript: each row takes a staff code or a name, and
the server looks it up in the province (one indexed query per row, at most
``MAX_AUTHORS`` rows). A name matching several people is answered with their codes.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from thidua.core.text import fold
from thidua.initiatives.models import ApplicationField, Initiative, Level
from thidua.org.choices import PersonStatus
from thidua.org.models import Person
from thidua.org.queries import search_people

DATE_INPUT = ["%d/%m/%Y", "%Y-%m-%d"]
MAX_AUTHORS = 10
CANDIDATES_SHOWN = 8


def _text(**extra):
    return forms.TextInput(attrs={"class": "form-control", **extra})


def _area(rows=4):
    return forms.Textarea(attrs={"class": "form-control", "rows": rows})


class ApplicationForm(forms.Form):
    title = forms.CharField(label="Tên sáng kiến", max_length=500, widget=_text())
    field = forms.ModelChoiceField(label="Lĩnh vực áp dụng", queryset=ApplicationField.objects
                                   .filter(is_active=True), empty_label="— Chọn lĩnh vực —",
                                   widget=forms.Select(attrs={"class": "form-select"}))
    level = forms.ChoiceField(label="Cấp đề nghị công nhận", choices=Level.choices,
                              initial=Level.GRASSROOTS,
                              widget=forms.Select(attrs={"class": "form-select"}))
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    first_applied_on = forms.DateField(
        label="Ngày áp dụng lần đầu (hoặc áp dụng thử)", input_formats=DATE_INPUT,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "form-control",
                                                          "placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": "Ghi ngày theo dạng dd/mm/yyyy."})
    problem = forms.CharField(label="Thực trạng, vấn đề cần giải quyết", widget=_area())
    solution = forms.CharField(label="Nội dung giải pháp", widget=_area(6))
    novelty = forms.CharField(label="Tính mới, điểm khác biệt", widget=_area())
    benefits = forms.CharField(label="Hiệu quả, lợi ích thu được", widget=_area())
    benefit_amount = forms.CharField(
        label="Giá trị làm lợi ước tính (đồng)", required=False, max_length=25,
        widget=_text(inputmode="numeric"), help_text="Không bắt buộc, ví dụ 15.000.000.")
    conditions = forms.CharField(label="Điều kiện cần thiết để áp dụng", required=False,
                                 widget=_area(3))
    trial_people = forms.CharField(label="Những người đã tham gia áp dụng thử", required=False,
                                   widget=_area(2))
    confidential = forms.CharField(label="Nội dung cần bảo mật", required=False, widget=_area(3),
                                   help_text="Không hiển thị trong ngân hàng sáng kiến.")

    VALUES = ("title", "field", "level", "year", "first_applied_on", "problem", "solution",
              "novelty", "benefits", "benefit_amount", "conditions", "trial_people",
              "confidential")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Strings the domain checks itself name the field in its own words.
        for name in ("title", "problem", "solution", "novelty", "benefits"):
            self.fields[name].error_messages["required"] = (
                f"Chưa nhập “{self.fields[name].label}”.")
        self.fields["field"].error_messages["required"] = "Chưa chọn “Lĩnh vực áp dụng”."

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.VALUES}

    @classmethod
    def initial_of(cls, initiative: Initiative) -> dict:
        initial = {name: getattr(initiative, name) for name in cls.VALUES}
        initial["field"] = initiative.field_id
        if initiative.benefit_amount is not None:
            initial["benefit_amount"] = f"{initiative.benefit_amount:,.0f}".replace(",", ".")
        return initial


class AuthorForm(forms.Form):
    who = forms.CharField(label="Mã cán bộ hoặc họ tên", max_length=120, required=False,
                          widget=_text(placeholder="Ví dụ CB00012 hoặc Nguyễn Văn An"))
    share = forms.CharField(label="Tỷ lệ đóng góp (%)", max_length=10, required=False,
                            widget=_text(inputmode="decimal"))


class BaseAuthorFormSet(forms.BaseFormSet):
    """The authors' rows; ``province_path`` bounds the lookup of each name or code."""

    def __init__(self, *args, province_path: str = "", **kwargs):
        self.province_path = province_path
        super().__init__(*args, **kwargs)

    def _people(self):
        return (Person.objects.filter(unit__path__startswith=self.province_path,
                                      status=PersonStatus.ACTIVE).select_related("unit"))

    def lookup(self, text: str, row: int) -> Person:
        text = text.strip()
        exact = self._people().filter(staff_code__iexact=text).first()
        if exact is not None:
            return exact
        found = list(search_people(self._people(), text).filter(name_folded=fold(text))
                     .order_by("pk")[:CANDIDATES_SHOWN + 1])
        if not found:
            found = list(search_people(self._people(), text).order_by("pk")[:CANDIDATES_SHOWN + 1])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError(f"Dòng {row}: không tìm thấy cán bộ đang công tác trong tỉnh có "
                                  f"mã hoặc tên “{text}”.")
        shown = "; ".join(f"{p.full_name} – mã {p.staff_code}" for p in found[:CANDIDATES_SHOWN])
        more = " …" if len(found) > CANDIDATES_SHOWN else ""
        raise ValidationError(f"Dòng {row}: có nhiều cán bộ khớp với “{text}” ({shown}{more}). "
                              "Hãy ghi mã cán bộ.")

    def clean(self):
        if any(self.errors):
            return
        lines, problems = [], []
        for row, form in enumerate(self.forms, 1):
            who = (form.cleaned_data.get("who") or "").strip()
            share = (form.cleaned_data.get("share") or "").strip()
            if not who and not share:
                continue
            if not who:
                problems.append(f"Dòng {row}: chưa ghi mã cán bộ hoặc họ tên tác giả.")
                continue
            if not share:
                problems.append(f"Dòng {row}: chưa ghi tỷ lệ đóng góp.")
                continue
            try:
                lines.append((self.lookup(who, row), share))
            except ValidationError as exc:
                problems.extend(exc.messages)
        if problems:
            raise ValidationError(problems)
        self.lines = lines


def author_formset(data=None, *, province_path: str, initial=None, rows: int = 4):
    """The authors' rows: the current ones (or ``initial``) and blank rows up to ``rows``."""
    initial = list(initial or [])
    formset_class = forms.formset_factory(
        AuthorForm, formset=BaseAuthorFormSet, extra=max(0, rows - len(initial)),
        max_num=MAX_AUTHORS, absolute_max=MAX_AUTHORS, validate_max=True)
    return formset_class(data, prefix="tac_gia", province_path=province_path, initial=initial)


def authors_initial(initiative: Initiative) -> list[dict]:
    return [{"who": a.person.staff_code, "share": f"{a.share.normalize():f}".replace(".", ",")}
            for a in initiative.authors.select_related("person")]


class AttachmentForm(forms.Form):
    file = forms.FileField(label="Tệp đính kèm",
                           widget=forms.ClearableFileInput(attrs={"class": "form-control"}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do trả lại, nội dung cần bổ sung", max_length=2000,
                             widget=_area(4), error_messages={
                                 "required": "Cần ghi rõ lý do trả lại để tác giả bổ sung."})


class InboxFilterForm(forms.Form):
    STATES = [("", "Đang xử lý (đã nộp, đã tiếp nhận, hội đồng đang xét)"),
              ("submitted", "Đã nộp, chờ tiếp nhận"), ("accepted", "Đã tiếp nhận, chờ hội đồng"),
              ("in_review", "Hội đồng đang xét"), ("overdue", "Quá hạn xét"),
              ("recognised", "Được công nhận"), ("refused", "Không công nhận"),
              ("returned", "Trả lại để bổ sung"), ("all", "Tất cả")]
    trang_thai = forms.ChoiceField(label="Trạng thái", choices=STATES, required=False,
                                   widget=forms.Select(attrs={"class": "form-select"}))
    nam = forms.TypedChoiceField(label="Năm", coerce=int, required=False, empty_value=None,
                                 widget=forms.Select(attrs={"class": "form-select"}))
    cap = forms.ChoiceField(label="Cấp", choices=[("", "Mọi cấp"), *Level.choices],
                            required=False, widget=forms.Select(attrs={"class": "form-select"}))
    linh_vuc = forms.ModelChoiceField(label="Lĩnh vực", queryset=ApplicationField.objects.all(),
                                      required=False, empty_label="Mọi lĩnh vực",
                                      widget=forms.Select(attrs={"class": "form-select"}))
    q = forms.CharField(label="Tên sáng kiến, tác giả", required=False, max_length=100,
                        widget=_text())

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nam"].choices = [("", "Mọi năm"), *[(y, str(y)) for y in years]]
