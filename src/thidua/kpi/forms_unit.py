"""Forms of the unit's KPI screens: filters, the absence report, the bulk choice.

Forms only parse; who may act and what the month allows is the domain's.
"""

from __future__ import annotations

from django import forms

from thidua.core.text import clean_text
from thidua.kpi.models import MissingReason
from thidua.kpi.queries import GRADE_FILTERS, STATE_FILTERS
from thidua.movements.forms import style


class MonthFilterForm(forms.Form):
    q = forms.CharField(label="Tìm theo tên", required=False, max_length=100,
                        widget=forms.TextInput(attrs={
                            "type": "search",
                            "placeholder": "Ví dụ: Nguyễn Văn An (gõ không dấu cũng được)"}))
    state = forms.ChoiceField(label="Tình trạng phiếu", required=False,
                              choices=[("", "Tất cả"), *STATE_FILTERS])
    grade = forms.ChoiceField(label="Xếp loại", required=False,
                              choices=[("", "Tất cả"), *GRADE_FILTERS])
    group = forms.ChoiceField(label="Nhóm nhiệm vụ", required=False)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "Tất cả"), *groups]
        style(self)

    def filters(self) -> dict:
        """The valid filters (an unknown choice drops that filter only, not the others)."""
        data = {}
        if self.is_bound:
            self.is_valid()  # keeps the valid fields in cleaned_data
            data = self.cleaned_data
        return {"q": clean_text(data.get("q")), "state": data.get("state", ""),
                "grade": data.get("grade", ""), "group": data.get("group", "")}


class MissingForm(forms.Form):
    """Report one person of the unit as not graded this month."""

    person = forms.TypedChoiceField(label="Cán bộ", coerce=int,
                                    error_messages={"required": "Hãy chọn cán bộ.",
                                                    "invalid_choice": "Cán bộ này không thuộc "
                                                    "danh sách chưa có phiếu được chốt."})
    reason = forms.ChoiceField(label="Lý do", choices=MissingReason.choices,
                               error_messages={"required": "Hãy chọn lý do."})
    note = forms.CharField(label="Ghi chú", required=False, max_length=300,
                           widget=forms.TextInput(attrs={"placeholder":
                                                         "Ví dụ: nghỉ ốm từ 03/5 đến 28/5"}))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "— Chọn cán bộ —"), *people]
        style(self)

    def clean(self):
        data = super().clean()
        if data.get("reason") == MissingReason.OTHER and not clean_text(data.get("note")):
            self.add_error("note", "Lý do khác: hãy ghi rõ lý do.")
        return data


def chosen_ids(data) -> list[int]:
    """The sheet ids ticked in the bulk form (anything not a number is ignored)."""
    ids = []
    for raw in data.getlist("sheet"):
        raw = raw.strip()
        if raw.isascii() and raw.isdigit() and len(raw) <= 18:
            ids.append(int(raw))
    return ids
