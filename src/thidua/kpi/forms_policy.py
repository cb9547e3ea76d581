"""Forms of the scoring policy page: the figures of a policy and its general criteria.

The forms parse what the admin typed (decimal comma, codes, the unit inside
his scope); whether the figures make a sound policy (the total of 100, the
bands increasing…) is :meth:`thidua.kpi.policy.Policy.problems`, which
``domain.save_policy`` applies.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms

from thidua.core import scoping
from thidua.core.roles import Role
from thidua.core.text import clean_text, fold
from thidua.kpi.models import ScoringPolicy
from thidua.kpi.policy import DEFAULT_POLICY, Policy, YearMethod
from thidua.kpi.scoring import fmt
from thidua.org.models import Unit

DECREE = "Nghị định 335/2025/NĐ-CP"
CODE_RE = re.compile(r"^[a-z0-9_]{1,40}$")
#: Blank criterion rows offered below the existing ones (add a row without JavaScript).
EXTRA_ROWS = 2


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"


NUMBER_ERRORS = {
    "required": "Hãy nhập giá trị.",
    "invalid": "Hãy nhập một số, ví dụ 12,5.",
    "min_value": "Giá trị không được nhỏ hơn %(limit_value)s.",
    "max_value": "Giá trị không được lớn hơn %(limit_value)s.",
    "max_decimal_places": "Chỉ ghi tối đa %(max)s chữ số thập phân.",
    "max_digits": "Số quá lớn.",
    "max_whole_digits": "Số quá lớn.",
}


def _number(label: str, help_text: str, *, maximum: int | None = 100) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, help_text=help_text, max_digits=6, decimal_places=2, localize=True,
        min_value=Decimal(0), max_value=None if maximum is None else Decimal(maximum),
        error_messages=NUMBER_ERRORS, widget=forms.TextInput(attrs={"inputmode": "decimal"}))


def _default(value: Decimal, suffix: str = "") -> str:
    return f"{fmt(value)}{suffix}"


D = DEFAULT_POLICY

#: Form fields of the policy's figures, in the order the page shows them, by group.
GROUPS = [
    ("Kết quả thực hiện nhiệm vụ", ["task_points", "quantity_weight", "quality_weight",
                                    "timeliness_weight", "error_deduction_pct",
                                    "late_deduction_pct"]),
    ("Xếp loại", ["htxs_min", "htt_min", "ht_min", "htxs_cap_pct", "year_method"]),
    ("Lãnh đạo, quản lý", ["leader_unit_share_pct", "leader_unit_full_pct",
                           "leader_unit_partial_pct"]),
]
FIGURES = [name for _title, names in GROUPS for name in names if name != "year_method"]


class PolicyForm(forms.Form):
    """The name and every figure of a policy but the general criteria (a formset)."""

    name = forms.CharField(
        label="Tên chính sách", max_length=200,
        help_text="Ví dụ: “Quy định chấm điểm KPI của tỉnh Thái Nguyên năm 2026”.")
    task_points = _number(
        "Điểm kết quả thực hiện nhiệm vụ",
        f"Mặc định theo {DECREE}: {_default(D.task_points)} điểm. Cộng với điểm các tiêu chí "
        "chung phải bằng 100.")
    quantity_weight = _number(
        "Trọng số số lượng",
        f"{DECREE} chấm kết quả theo số lượng, chất lượng, tiến độ nhưng không quy định tỷ "
        f"trọng: mặc định ba phần bằng nhau ({_default(D.quantity_weight)}).", maximum=None)
    quality_weight = _number(
        "Trọng số chất lượng", f"Mặc định {_default(D.quality_weight)} (ba phần bằng nhau).",
        maximum=None)
    timeliness_weight = _number(
        "Trọng số tiến độ", f"Mặc định {_default(D.timeliness_weight)} (ba phần bằng nhau).",
        maximum=None)
    error_deduction_pct = _number(
        "Mức trừ mỗi lỗi lớn (%)",
        f"Phần điểm chất lượng của sản phẩm bị trừ cho mỗi lỗi lớn. Mặc định theo {DECREE}: "
        f"{_default(D.error_deduction_pct, '%')}; không trừ khi có nguyên nhân khách quan được "
        "xác nhận.")
    late_deduction_pct = _number(
        "Mức trừ mỗi lần chậm (%)",
        f"Phần điểm tiến độ của sản phẩm bị trừ cho mỗi lần chậm. Mặc định theo {DECREE}: "
        f"{_default(D.late_deduction_pct, '%')}.")
    htxs_min = _number(
        "Điểm tối thiểu xếp loại Hoàn thành xuất sắc",
        f"Mặc định theo {DECREE}: từ {_default(D.htxs_min)} điểm.")
    htt_min = _number(
        "Điểm tối thiểu xếp loại Hoàn thành tốt",
        f"Mặc định theo {DECREE}: từ {_default(D.htt_min)} đến dưới {_default(D.htxs_min)} "
        "điểm.")
    ht_min = _number(
        "Điểm tối thiểu xếp loại Hoàn thành",
        f"Mặc định theo {DECREE}: từ {_default(D.ht_min)} đến dưới {_default(D.htt_min)} "
        f"điểm; dưới {_default(D.ht_min)} là Không hoàn thành nhiệm vụ.")
    htxs_cap_pct = _number(
        "Tỷ lệ tối đa Hoàn thành xuất sắc (%)",
        f"Trên số người xếp loại Hoàn thành tốt trở lên, trong một đơn vị và nhóm nhiệm vụ. "
        f"Mặc định theo {DECREE}: không quá {_default(D.htxs_cap_pct, '%')}.")
    year_method = forms.ChoiceField(
        label="Cách tính kết quả năm", choices=YearMethod.CHOICES,
        help_text=f"{DECREE} chưa quy định cách tính kết quả năm từ các tháng: mặc định trung "
                  "bình cộng điểm các tháng đã chốt.")
    leader_unit_share_pct = _number(
        "Phần điểm nhiệm vụ của lãnh đạo tính theo kết quả đơn vị (%)",
        f"{DECREE} tính kết quả của đơn vị do mình lãnh đạo vào kết quả của người lãnh đạo "
        f"nhưng không quy định tỷ trọng: mặc định {_default(D.leader_unit_share_pct, '%')} "
        "điểm nhiệm vụ.")
    leader_unit_full_pct = _number(
        "Kết quả đơn vị khi mọi cán bộ từ Hoàn thành trở lên (%)",
        f"Mặc định theo {DECREE}: {_default(D.leader_unit_full_pct, '%')}.")
    leader_unit_partial_pct = _number(
        "Kết quả đơn vị khi có người Không hoàn thành (%)",
        f"Mặc định theo {DECREE}: {_default(D.leader_unit_partial_pct, '%')}.")

    def __init__(self, data=None, *, policy: Policy | None = None, **kwargs):
        if policy is not None and data is None:
            kwargs.setdefault("initial", initial_of(policy))
        super().__init__(data, **kwargs)
        _style(self)

    def clean_name(self):
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("Hãy đặt tên cho chính sách.")
        return name

    def groups(self):
        """(title, bound fields) in the page's order."""
        return [(title, [self[name] for name in names]) for title, names in GROUPS]

    def rules(self, criteria: list[dict]) -> dict:
        """The policy as ``Policy.from_json`` reads it (call after ``is_valid``)."""
        data = self.cleaned_data
        rules = {name: str(data[name]) for name in FIGURES}
        rules["year_method"] = data["year_method"]
        rules["general_criteria"] = criteria
        return rules


def initial_of(policy: Policy) -> dict:
    values = {name: getattr(policy, name) for name in FIGURES}
    return {"name": policy.name, "year_method": policy.year_method, **values}


def code_from_label(label: str) -> str:
    """A criterion's code made from its label: "Ý thức kỷ luật" → "y_thuc_ky_luat"."""
    return re.sub(r"[^a-z0-9]+", "_", fold(label)).strip("_")[:40]


class CriterionForm(forms.Form):
    code = forms.CharField(
        label="Mã", max_length=40, required=False,
        help_text="Chữ thường không dấu, số và dấu gạch dưới; để trống để tự tạo từ tên.")
    label = forms.CharField(label="Tên tiêu chí", max_length=200, required=False)
    max_points = forms.DecimalField(label="Điểm tối đa", max_digits=5, decimal_places=2,
                                    localize=True, required=False, min_value=Decimal("0.01"),
                                    max_value=Decimal(100),
                                    error_messages={**NUMBER_ERRORS,
                                                    "min_value": "Điểm tối đa phải lớn hơn 0."},
                                    widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self):
        data = super().clean()
        label = clean_text(data.get("label") or "")
        code = (data.get("code") or "").strip().lower()
        points = data.get("max_points")
        if not (label or code or points is not None):
            data["empty"] = True
            return data
        if not label:
            self.add_error("label", "Hãy ghi tên tiêu chí.")
        if points is None and "max_points" not in self.errors:
            self.add_error("max_points", "Hãy ghi điểm tối đa của tiêu chí.")
        code = code or code_from_label(label)
        if code and not CODE_RE.match(code):
            self.add_error("code", "Mã chỉ gồm chữ thường không dấu, số và dấu gạch dưới "
                                   "(tối đa 40 ký tự).")
        data.update(label=label, code=code, empty=False)
        return data


class BaseCriterionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        codes = [form.cleaned_data["code"] for form in self.kept_forms()]
        if not codes:
            raise forms.ValidationError("Cần ít nhất một tiêu chí chung.")
        repeated = sorted({code for code in codes if codes.count(code) > 1})
        if repeated:
            raise forms.ValidationError(f"Mã tiêu chí bị trùng: {', '.join(repeated)}.")

    def kept_forms(self):
        """The rows that are filled in and not marked for removal."""
        return [form for form in self.forms
                if getattr(form, "cleaned_data", None)
                and not form.cleaned_data.get("DELETE")
                and not form.cleaned_data.get("empty", True)]

    def criteria(self) -> list[dict]:
        return [{"code": form.cleaned_data["code"], "label": form.cleaned_data["label"],
                 "max_points": str(form.cleaned_data["max_points"])}
                for form in self.kept_forms()]


CriterionFormSet = forms.formset_factory(CriterionForm, formset=BaseCriterionFormSet,
                                         extra=EXTRA_ROWS, can_delete=True, max_num=20,
                                         validate_max=True)


def criterion_formset(data=None, *, policy: Policy | None = None) -> CriterionFormSet:
    initial = None
    if data is None and policy is not None:
        initial = [{"code": c.code, "label": c.label, "max_points": c.max_points}
                   for c in policy.general_criteria]
    formset = CriterionFormSet(data, initial=initial, prefix="tieu-chi")
    for form in formset.forms:
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Bỏ tiêu chí này"
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"
    return formset


class NewPolicyForm(PolicyForm):
    """A policy for a unit's subtree: the unit (by code, in the admin's scope) comes first."""

    unit_code = forms.CharField(
        label="Mã đơn vị áp dụng", max_length=40,
        help_text="Chính sách áp dụng cho đơn vị này và mọi đơn vị trực thuộc (trừ nơi có "
                  "chính sách riêng). Mỗi đơn vị chỉ có một chính sách.")

    field_order = ["unit_code", "name"]

    def __init__(self, data=None, *, user, **kwargs):
        self.user = user
        super().__init__(data, **kwargs)

    def clean_unit_code(self):
        code = (self.cleaned_data["unit_code"] or "").strip()
        unit = (scoping.scope(Unit.objects.filter(is_active=True), self.user, {Role.ADMIN})
                .filter(code__iexact=code).first())
        if unit is None:
            raise forms.ValidationError(f"Không tìm thấy đơn vị có mã “{code}” trong phạm vi "
                                        "bạn quản trị.")
        existing = ScoringPolicy.objects.filter(unit=unit).first()
        if existing is not None:
            raise forms.ValidationError(f"{unit.name} đã có chính sách “{existing.name}”: hãy "
                                        "sửa chính sách đó.")
        return unit
