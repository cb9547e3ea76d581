"""Forms of the framework pages (a criterion's text and points, a new item) and of the
office's board (filters and sort, the comparison's sort)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from thidua.core.text import clean_text
from thidua.movements.forms import style
from thidua.scorecards import queries
from thidua.scorecards.models import Criterion

POINTS = {"max_digits": 6, "decimal_places": 2, "localize": True}


# The board ----------------------------------------------------------------------------------
class BoardFilterForm(forms.Form):
    q = forms.CharField(label="Tìm đơn vị", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": "VD: to dan pho 1"}))
    trang_thai = forms.ChoiceField(label="Trạng thái", required=False,
                                   choices=[("", "Tất cả"), *queries.STATE_CHOICES])
    cham_han = forms.BooleanField(label="Chỉ đơn vị chậm hạn", required=False)
    sap_xep = forms.ChoiceField(label="Sắp xếp", required=False,
                                choices=list(queries.SORTS.items()))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def add_prefix(self, field_name):
        """The address bar says "trang-thai", "cham-han", "sap-xep"."""
        return field_name.replace("_", "-")

    def filters(self) -> queries.BoardFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return queries.BoardFilters(state=data.get("trang_thai", ""),
                                    behind=bool(data.get("cham_han")),
                                    q=clean_text(data.get("q")), sort=data.get("sap_xep", ""))


class CompareForm(forms.Form):
    q = forms.CharField(label="Tìm đơn vị", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    sap_xep = forms.ChoiceField(label="Sắp xếp", required=False,
                                choices=list(queries.COMPARE_SORTS.items()))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def add_prefix(self, field_name):
        return field_name.replace("_", "-")

    def values(self) -> tuple[str, str]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("sap_xep", ""), clean_text(data.get("q"))


# The frameworks -----------------------------------------------------------------------------
class CriterionForm(forms.Form):
    """A criterion's title, points and guidance; the minimum is a group's only."""

    title = forms.CharField(label="Nội dung tiêu chí", max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    max_points = forms.DecimalField(label="Điểm tối đa", min_value=Decimal("0.01"), **POINTS)
    min_points = forms.DecimalField(
        label="Điểm tối thiểu để được công nhận", required=False, min_value=Decimal(0),
        help_text="Để trống: theo điều kiện chung của bộ tiêu chí.", **POINTS)
    guidance = forms.CharField(label="Hướng dẫn chấm, minh chứng", required=False,
                               max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, group: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not group:
            del self.fields["min_points"]
        style(self)

    def clean_title(self):
        title = (self.cleaned_data.get("title") or "").strip()
        if not title:
            raise forms.ValidationError("Cần ghi nội dung tiêu chí.")
        return title

    def clean(self):
        data = super().clean()
        top, floor = data.get("max_points"), data.get("min_points")
        if top is not None and floor is not None and floor > top:
            self.add_error("min_points", "Điểm tối thiểu không được lớn hơn điểm tối đa.")
        return data

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data["guidance"] = (data.get("guidance") or "").strip()
        return data


class ItemForm(CriterionForm):
    """A new item of a group: its code (unique in the version) first."""

    code = forms.CharField(label="Mã tiêu chí", max_length=20,
                           help_text="Ví dụ 2.3: mã của nhóm, dấu chấm, số thứ tự.")
    field_order = ["code", "title", "max_points", "guidance"]

    def __init__(self, *args, framework, **kwargs):
        self.framework = framework
        super().__init__(*args, group=False, **kwargs)
        self.order_fields(self.field_order)

    def clean_code(self):
        code = clean_text(self.cleaned_data.get("code"))
        if not code:
            raise forms.ValidationError("Cần ghi mã tiêu chí.")
        if Criterion.objects.filter(framework=self.framework, code__iexact=code).exists():
            raise forms.ValidationError(f"Mã “{code}” đã có trong bộ tiêu chí này.")
        return code
