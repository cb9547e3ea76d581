from django import forms
from django.contrib.auth import get_user_model

from thidua.core import scoping
from thidua.core.roles import GRANT_ROLES, MANAGE_ROLES, Role
from thidua.org.choices import AGE_BANDS, ETHNICITY_CHOICES, Gender, PersonStatus, StaffCategory
from thidua.org.models import Person, Unit, UnitKind

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
        accounts = get_user_model().objects.filter(is_active=True)
        user = accounts.filter(username=username).first()
        if user is None:
            candidates = list(accounts.filter(username__iexact=username)[:2])
            user = candidates[0] if len(candidates) == 1 else None
        if user is None:
            raise forms.ValidationError(f"Không có tài khoản “{username}” đang hoạt động "
                                        "(gõ đúng chữ hoa, chữ thường).")
        return user

    def clean_unit_code(self):
        code = self.cleaned_data["unit_code"].strip()
        unit = scoping.scope(Unit.objects.filter(is_active=True), self.user, GRANT_ROLES).filter(
            code__iexact=code
        ).first()
        if unit is None:
            raise forms.ValidationError(
                f"Không tìm thấy đơn vị có mã “{code}” trong phạm vi bạn quản trị.")
        return unit


def _unit_by_code(user, code: str, roles, *, kind: str | None = None, label: str):
    """The active unit with ``code`` inside the user's scope for ``roles``, or a form error.

    Codes are matched exactly; a code typed in the wrong case is accepted only
    when it names a single unit.
    """
    units = scoping.scope(Unit.objects.filter(is_active=True), user, roles)
    if kind:
        units = units.filter(kind__code=kind)
    code = code.strip()
    unit = units.filter(code=code).first()
    if unit is None:
        candidates = list(units.filter(code__iexact=code)[:2])
        unit = candidates[0] if len(candidates) == 1 else None
    if unit is None:
        raise forms.ValidationError(f"Không tìm thấy {label} có mã “{code}” trong phạm vi của bạn.")
    return unit


class PersonForm(forms.ModelForm):
    """Add or edit one person; units are given by code, checked against the user's scope."""

    unit_code = forms.CharField(label="Mã đơn vị công tác", max_length=40)
    party_cell_code = forms.CharField(label="Mã chi bộ sinh hoạt", max_length=40, required=False,
                                      help_text="Chỉ điền với đảng viên.")

    class Meta:
        model = Person
        fields = ["staff_code", "full_name", "gender", "date_of_birth", "ethnicity",
                  "staff_category", "position", "job_position", "is_leader", "status",
                  "is_party_member", "party_joined_on", "email", "phone"]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            "party_joined_on": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        }

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("unit_code", self.instance.unit.code)
            cell = self.instance.party_cell
            if cell is not None and scoping.covers(user, cell.path):
                self.initial.setdefault("party_cell_code", cell.code)
            elif cell is not None:
                # Keep the cell without naming it: its code stays hidden from this editor.
                self.fields["party_cell_code"].help_text = (
                    "Đảng viên đang sinh hoạt ở một chi bộ ngoài phạm vi của bạn; để trống để "
                    "giữ nguyên.")
                self.keep_hidden_cell = cell
        order = ["staff_code", "full_name", "gender", "date_of_birth", "ethnicity",
                 "staff_category", "unit_code", "position", "job_position", "is_leader", "status",
                 "is_party_member", "party_cell_code", "party_joined_on", "email", "phone"]
        self.order_fields(order)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    def clean_unit_code(self):
        return _unit_by_code(self.user, self.cleaned_data["unit_code"], MANAGE_ROLES,
                             label="đơn vị")

    def clean_party_cell_code(self):
        code = self.cleaned_data.get("party_cell_code", "").strip()
        if not code:
            return None
        current = self.instance.party_cell if self.instance.pk else None
        if current is not None and code == current.code:
            return current  # unchanged, even if the cell lies outside the editor's scope
        return _unit_by_code(self.user, code, MANAGE_ROLES, kind="chi_bo", label="chi bộ")

    def clean(self):
        data = super().clean()
        if data.get("party_cell_code") and not data.get("is_party_member"):
            self.add_error("party_cell_code", "Chỉ đảng viên mới có chi bộ sinh hoạt.")
        return data

    keep_hidden_cell = None

    def save(self, commit=True):
        person = super().save(commit=False)
        person.unit = self.cleaned_data["unit_code"]
        person.party_cell = self.cleaned_data.get("party_cell_code") or (
            self.keep_hidden_cell if person.is_party_member else None)
        if commit:
            person.save()
        return person


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "code", "kind", "sector", "division_code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = UnitKind.objects.filter(is_active=True)
        self.fields["sector"].required = False
        self.fields["sector"].help_text = "Để trống: lấy theo loại đơn vị."
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    def clean_sector(self):
        sector = self.cleaned_data.get("sector")
        kind = self.cleaned_data.get("kind")
        return sector or (kind.sector if kind else "")


class MergeForm(forms.Form):
    target_code = forms.CharField(label="Mã đơn vị tiếp nhận", max_length=40)
    merged_on = forms.DateField(label="Ngày sáp nhập", widget=forms.DateInput(
        attrs={"placeholder": "dd/mm/yyyy"}))
    confirm = forms.BooleanField(
        label="Tôi hiểu: cán bộ và đơn vị trực thuộc đang hoạt động sẽ chuyển sang đơn vị tiếp "
              "nhận; đơn vị này ngừng hoạt động nhưng lịch sử được giữ nguyên.")

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["target_code"].widget.attrs["class"] = "form-control"
        self.fields["merged_on"].widget.attrs["class"] = "form-control"
        self.fields["confirm"].widget.attrs["class"] = "form-check-input"

    def clean_target_code(self):
        return _unit_by_code(self.user, self.cleaned_data["target_code"], MANAGE_ROLES,
                             label="đơn vị")
