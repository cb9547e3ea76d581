"""Forms of the council screens; the domain (``councils.py``) does the final checks."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from thidua.initiatives.councils import MAX_CRITERIA, fmt
from thidua.initiatives.models import Level, MemberRole
from thidua.initiatives.policy import CouncilRule

DATE_INPUT = ["%d/%m/%Y"]
EXTRA_ROWS = 2


def _text(**extra):
    return forms.TextInput(attrs={"class": "form-control", **extra})


def _select():
    return forms.Select(attrs={"class": "form-select"})


def apply_errors(form: forms.Form, error: ValidationError, keys: dict[str, str] | None = None):
    """Put a domain refusal on the form's fields (``keys`` maps domain keys to fields)."""
    keys = keys or {}
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            field = keys.get(name, name)
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class CouncilForm(forms.Form):
    level = forms.ChoiceField(label="Cấp xét công nhận", choices=Level.choices, widget=_select())
    year = forms.IntegerField(label="Năm", widget=forms.NumberInput(attrs={"class": "form-control"}),
                              error_messages={"invalid": "Năm phải là số, ví dụ 2026."})
    name = forms.CharField(label="Tên hội đồng", max_length=300, required=False, widget=_text(),
                           help_text="Để trống: “Hội đồng sáng kiến cấp … năm … — tên đơn vị”.")
    decision_number = forms.CharField(label="Quyết định thành lập", max_length=60,
                                      required=False, widget=_text(placeholder="Ví dụ 12/QĐ-UBND"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year, "level": Level.GRASSROOTS})
        super().__init__(*args, **kwargs)


class RuleForm(forms.Form):
    """The criteria as numbered rows (code, name, maximum points), the pass mark and the
    share of yes votes to exceed (in percent)."""

    pass_mean = forms.CharField(label="Điểm trung bình tối thiểu", max_length=12,
                                widget=_text(inputmode="decimal"),
                                help_text="Sáng kiến đạt khi điểm trung bình từ mức này trở lên.")
    yes_share_over = forms.CharField(
        label="Tỷ lệ thành viên đồng ý phải vượt quá (%)", max_length=12,
        widget=_text(inputmode="decimal"),
        help_text="Tính trên tổng số thành viên hội đồng; 50 nghĩa là “quá một nửa”.")

    def __init__(self, *args, rows: int = 3, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            rows = max(rows, sum(1 for key in self.data if key.startswith("code_")))
        self.rows = min(rows, MAX_CRITERIA + EXTRA_ROWS)
        for index in range(1, self.rows + 1):
            self.fields[f"code_{index}"] = forms.CharField(
                label=f"Mã tiêu chí {index}", max_length=40, required=False, widget=_text())
            self.fields[f"name_{index}"] = forms.CharField(
                label=f"Tên tiêu chí {index}", max_length=200, required=False, widget=_text())
            self.fields[f"max_{index}"] = forms.CharField(
                label=f"Điểm tối đa tiêu chí {index}", max_length=6, required=False,
                widget=_text(inputmode="numeric"))

    @classmethod
    def for_rule(cls, rule: CouncilRule) -> RuleForm:
        initial = {"pass_mean": fmt(rule.pass_mean),
                   "yes_share_over": fmt(rule.yes_share_over * 100)}
        for index, criterion in enumerate(rule.criteria, start=1):
            initial[f"code_{index}"] = criterion.code
            initial[f"name_{index}"] = criterion.name
            initial[f"max_{index}"] = criterion.max_points
        return cls(initial=initial, rows=len(rule.criteria) + EXTRA_ROWS)

    def criteria_rows(self):
        return [(self[f"code_{i}"], self[f"name_{i}"], self[f"max_{i}"])
                for i in range(1, self.rows + 1)]

    def raw_criteria(self) -> list[dict]:
        data = self.cleaned_data
        return [{"code": data.get(f"code_{i}", ""), "name": data.get(f"name_{i}", ""),
                 "max_points": data.get(f"max_{i}", "")} for i in range(1, self.rows + 1)]


class MemberForm(forms.Form):
    username = forms.CharField(label="Tài khoản (tên đăng nhập)", max_length=150,
                               widget=_text(list="tai-khoan-hoi-dong", autocomplete="off"))
    role = forms.ChoiceField(label="Vai trò trong hội đồng", choices=MemberRole.choices,
                             initial=MemberRole.MEMBER, widget=_select())
    title = forms.CharField(label="Chức vụ", max_length=200, required=False, widget=_text())


class SessionForm(forms.Form):
    held_on = forms.DateField(label="Ngày họp", input_formats=DATE_INPUT,
                              widget=forms.DateInput(format="%d/%m/%Y",
                                                     attrs={"class": "form-control",
                                                            "placeholder": "dd/mm/yyyy"}),
                              error_messages={"invalid": "Ghi ngày theo dạng dd/mm/yyyy.",
                                              "required": "Chưa ghi ngày họp."})
    place = forms.CharField(label="Địa điểm", max_length=200, required=False, widget=_text())


class ScheduleForm(forms.Form):
    initiative = forms.TypedChoiceField(label="Sáng kiến đã tiếp nhận", coerce=int,
                                        widget=_select(),
                                        error_messages={"invalid_choice": (
                                            "Sáng kiến này không còn chờ hội đồng xét.")})

    def __init__(self, *args, initiatives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiative"].choices = [
            ("", "— Chọn sáng kiến —"), *((i.pk, i.title) for i in initiatives)]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", max_length=2000,
                             widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
                             error_messages={"required": "Cần ghi rõ lý do."})


VOTES = [("yes", "Đồng ý công nhận"), ("no", "Không đồng ý")]


class BallotForm(forms.Form):
    """One field per criterion of the rule (``diem_<code>``), the vote and a comment."""

    vote = forms.ChoiceField(label="Biểu quyết", choices=VOTES,
                             widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                             error_messages={"required": "Chưa chọn đồng ý hay không đồng ý "
                                                         "công nhận."})
    comment = forms.CharField(label="Ý kiến", max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))

    def __init__(self, *args, rule: CouncilRule, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        for criterion in rule.criteria:
            self.fields[self.key(criterion.code)] = forms.CharField(
                label=f"{criterion.name} (tối đa {criterion.max_points})", max_length=12,
                required=False, widget=_text(inputmode="decimal"))

    @staticmethod
    def key(code: str) -> str:
        return f"diem_{code}"

    def score_fields(self):
        return [self[self.key(c.code)] for c in self.rule.criteria]

    def scores(self) -> dict[str, str]:
        return {c.code: self.cleaned_data.get(self.key(c.code), "") for c in self.rule.criteria}

    def vote_yes(self) -> bool:
        return self.cleaned_data["vote"] == "yes"

    def error_keys(self) -> dict[str, str]:
        keys = {c.code: self.key(c.code) for c in self.rule.criteria}
        keys["vote_yes"] = "vote"
        return keys

    @classmethod
    def initial_of(cls, ballot) -> dict:
        initial = {cls.key(code): str(value).replace(".", ",")
                   for code, value in ballot.scores.items()}
        initial["vote"] = "yes" if ballot.vote_yes else "no"
        initial["comment"] = ballot.comment
        return initial
