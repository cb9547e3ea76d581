from django import forms
from django.contrib.auth import get_user_model

from thidua.core import scoping
from thidua.core.roles import GRANT_ROLES, Role
from thidua.org.choices import AGE_BANDS, ETHNICITY_CHOICES, Gender, PersonStatus, StaffCategory
from thidua.org.models import Unit

ANY = [("", "Tất cả")]
ALL_STATUSES = "tat-ca"


class PeopleFilterForm(forms.Form):
    """The filters of the people list; every field optional, invalid values ignored."""

    q = forms.CharField(label="Tìm theo tên hoặc mã", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "VD: nguyen van an",
                                                      "type": "search", "autofocus": True}))
    unit = forms.ModelChoiceField(label="Đơn vị (gồm cấp dưới)", queryset=Unit.objects.none(),
                                  required=False, empty_label="Tất cả đơn vị trong phạm vi")
    category = forms.ChoiceField(label="Loại cán bộ", choices=ANY + StaffCategory.choices,
                                 required=False)
    party = forms.ChoiceField(label="Đảng viên",
                              choices=ANY + [("1", "Là đảng viên"), ("0", "Chưa là đảng viên")],
                              required=False)
    gender = forms.ChoiceField(label="Giới tính", choices=ANY + Gender.choices, required=False)
    ethnicity = forms.ChoiceField(label="Dân tộc", choices=ANY + ETHNICITY_CHOICES, required=False)
    age_band = forms.ChoiceField(label="Độ tuổi",
                                 choices=ANY + [(k, v[0]) for k, v in AGE_BANDS.items()],
                                 required=False)
    status = forms.ChoiceField(
        label="Trạng thái", required=False,
        choices=[("", "Đang công tác"), *PersonStatus.choices[1:], (ALL_STATUSES, "Tất cả")],
    )

    def __init__(self, *args, unit_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices if unit_choices is not None else Unit.objects.none()
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or PersonStatus.ACTIVE
        return {
            "q": data.get("q", ""),
            "unit": data.get("unit"),
            "category": data.get("category", ""),
            "party": data.get("party", ""),
            "gender": data.get("gender", ""),
            "ethnicity": data.get("ethnicity", ""),
            "age_band": data.get("age_band", ""),
            "status": "" if status == ALL_STATUSES else status,
        }


class GrantRoleForm(forms.Form):
    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)
    unit_code = forms.CharField(label="Mã đơn vị", max_length=40,
                                help_text="Vai trò có hiệu lực với đơn vị này và mọi đơn vị cấp dưới.")

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "role" else "form-control"

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        try:
            return get_user_model().objects.get(username__iexact=username, is_active=True)
        except get_user_model().DoesNotExist as exc:
            raise forms.ValidationError(f"Không có tài khoản “{username}”.") from exc

    def clean_unit_code(self):
        code = self.cleaned_data["unit_code"].strip()
        unit = scoping.scope(Unit.objects.filter(is_active=True), self.user, GRANT_ROLES).filter(
            code__iexact=code
        ).first()
        if unit is None:
            raise forms.ValidationError(
                f"Không tìm thấy đơn vị có mã “{code}” trong phạm vi bạn quản trị.")
        return unit
