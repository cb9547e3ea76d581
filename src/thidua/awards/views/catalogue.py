"""The catalogue for admins (titles and forms, their rule parameters, quotas, the authority
table, the base salary) and the blocking flags (Impediment) of a unit for its office.

The catalogue serves every unit, like the document templates: any ADMIN (or a superuser)
reads it; a superuser or an ADMIN of a root unit changes it, other users get 403. The
parameters of a rule are JSON checked against what the rule reads (the keys and types of
the shipped defaults): an unknown key, a wrong type, a grade or an award code that does not
exist is refused with a message naming the parameter.

Blocking flags are scoped data: the list of a unit's subtree is read with a READ role there,
adding and resolving need ADMIN or SECRETARIAT of the unit — a flag on a collective is
resolved by an office above it, a flag on a person never by that person (``resolve_refusal``),
and resolving is confirmed on a second page; a unit or flag outside the user's scope answers
404.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.awards.defaults import CATALOGUE
from thidua.awards.models import AwardType, BaseSalary, Impediment, ImpedimentKind
from thidua.core import scoping
from thidua.core.roles import MANAGE_ROLES, READ_ROLES, Role
from thidua.core.scoping import get_scoped_or_404
from thidua.initiatives.models import Level as InitiativeLevel
from thidua.kpi.policy import Grade
from thidua.org.choices import DisciplineForm
from thidua.org.models import Person, Unit, UnitKind

ADMIN_ROLES = frozenset({Role.ADMIN})
DATE_INPUT = ["%d/%m/%Y"]
PAGE_SIZE = 50


# Who ------------------------------------------------------------------------------------------
def may_view_catalogue(user) -> bool:
    return user.is_superuser or Role.ADMIN in scoping.roles_of(user)


def may_change_catalogue(user) -> bool:
    """The catalogue serves every unit: a superuser or an ADMIN of a root unit changes it."""
    paths = scoping.covered_paths(user, ADMIN_ROLES)
    if paths is scoping.EVERYTHING:
        return True
    return any(len(p) == Unit.steplen for p in paths)


def _require_view(user) -> None:
    if not may_view_catalogue(user):
        raise PermissionDenied("Chỉ quản trị hệ thống xem được danh mục khen thưởng.")


def _require_change(user) -> None:
    if not may_change_catalogue(user):
        raise PermissionDenied("Chỉ quản trị hệ thống cấp tỉnh được sửa danh mục khen thưởng.")


# The parameters of the rules ------------------------------------------------------------------
GRADE_PARAMS = {"min_grade", "grade", "members_grade"}
DISCIPLINE_PARAMS = {"discipline_blocks_from"}
AWARD_PARAMS = {"base", "title", "requires", "member_title", "member_top_title"}
AWARD_LIST_PARAMS = {"prior_awards"}
LEVEL_PARAMS = {"initiative_level"}
COUNT_PARAMS = {"years", "title_years", "grade_years", "initiatives", "cstdcs_min",
                "quota_minimum"}
#: Counts that must be at least 1 (``period``: every so many years; 0 would mean no run).
POSITIVE_PARAMS = {"period"}
SHARE_PARAMS = {"ldtt_share_over", "ldtt_share_min"}
FLAG_PARAMS = {"registration_required", "to_check"}

PARAM_HELP = {
    "min_grade": "mức xếp loại tối thiểu", "grade": "mức xếp loại",
    "members_grade": "mức xếp loại tối thiểu của mọi thành viên",
    "discipline_blocks_from": "hình thức kỷ luật từ mức này trở lên thì không xét",
    "base": "danh hiệu làm căn cứ", "title": "danh hiệu phải có trước",
    "requires": "danh hiệu phải đạt cùng năm", "prior_awards": "các hình thức đã nhận trước",
    "initiative_level": "cấp công nhận sáng kiến", "years": "số năm liên tục",
    "title_years": "số năm liên tục có danh hiệu", "grade_years": "số năm liên tục đạt mức xếp loại",
    "initiatives": "số sáng kiến", "cstdcs_min": "số CSTĐCS tối thiểu",
    "quota_minimum": "số người tối thiểu được xét dù tỷ lệ tính ra ít hơn",
    "period": "mỗi lần cách nhau bao nhiêu năm (1: các năm liền nhau)",
    "member_title": "danh hiệu các thành viên phải đạt",
    "member_top_title": "danh hiệu cao mà một số thành viên phải đạt",
    "ldtt_share_over": "tỷ lệ LĐTT phải vượt (0–1)", "ldtt_share_min": "tỷ lệ LĐTT tối thiểu (0–1)",
    "registration_required": "phải đăng ký thi đua (true/false)",
    "to_check": "mặc định chưa đối chiếu văn bản (true/false)",
}


def known_params(rule: str) -> set[str] | None:
    """The parameters ``rule`` reads (from the shipped catalogue); None for a rule the
    catalogue does not ship (its parameters are only type-checked)."""
    keys = [set(entry["params"]) for entry in CATALOGUE if entry["rule"] == rule]
    return set().union(*keys) if keys else None


def _choice(name: str, value, allowed, what: str) -> None:
    if value not in allowed:
        listed = ", ".join(f"“{a}”" for a in allowed)
        raise ValidationError(f"Tham số “{name}”: “{value}” không phải {what}; dùng một trong: "
                              f"{listed}.")


def check_params(rule: str, params) -> dict:
    """``params`` checked for ``rule``; ValidationError lists every wrong parameter."""
    if not isinstance(params, dict):
        raise ValidationError("Tham số phải là một đối tượng JSON dạng {\"tên\": giá trị, …}.")
    known = known_params(rule)
    codes = set(AwardType.objects.values_list("code", flat=True))
    errors = []
    for name, value in params.items():
        try:
            if known is not None and name not in known:
                listed = ", ".join(f"“{k}”" for k in sorted(known)) or "không có tham số nào"
                raise ValidationError(f"Tham số “{name}” không dùng cho quy tắc “{rule}” "
                                      f"(quy tắc này đọc: {listed}).")
            _check_param(name, value, codes)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return params


def _check_param(name: str, value, codes: set[str]) -> None:
    if name in GRADE_PARAMS:
        _choice(name, value, Grade.ORDER, "mức xếp loại")
    elif name in DISCIPLINE_PARAMS:
        _choice(name, value, DisciplineForm.values, "hình thức kỷ luật")
    elif name in LEVEL_PARAMS:
        _choice(name, value, InitiativeLevel.values, "cấp sáng kiến")
    elif name in AWARD_PARAMS:
        _choice(name, value, sorted(codes), "mã danh hiệu, hình thức trong danh mục")
    elif name in AWARD_LIST_PARAMS:
        if not isinstance(value, list) or not value:
            raise ValidationError(f"Tham số “{name}” phải là một danh sách mã, ví dụ "
                                  "[\"bang_khen_tinh\", \"cstd_tinh\"].")
        for item in value:
            _choice(name, item, sorted(codes), "mã danh hiệu, hình thức trong danh mục")
    elif name in COUNT_PARAMS or name in POSITIVE_PARAMS:
        low = 1 if name in POSITIVE_PARAMS else 0
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 50:
            raise ValidationError(f"Tham số “{name}” phải là số nguyên từ {low} đến 50 "
                                  f"(đang là {json.dumps(value, ensure_ascii=False)}).")
    elif name in SHARE_PARAMS:
        try:
            share = Decimal(str(value))
        except InvalidOperation:
            share = None
        if isinstance(value, bool) or share is None or not share.is_finite() \
                or not 0 <= share <= 1:
            raise ValidationError(f"Tham số “{name}” phải là tỷ lệ từ 0 đến 1, ví dụ \"0.5\".")
    elif name in FLAG_PARAMS and not isinstance(value, bool):
        raise ValidationError(f"Tham số “{name}” phải là true hoặc false.")


def _decimal(text: str, label: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(" ", "").replace(",", "."))
    except InvalidOperation:
        value = None
    # NaN and infinities parse, but comparing NaN raises: refuse them as "not a number".
    if value is None or not value.is_finite():
        raise ValidationError(f"{label}: “{text}” không phải số.")
    return value


# The catalogue --------------------------------------------------------------------------------
def _text(**extra):
    return forms.TextInput(attrs={"class": "form-control", **extra})


class AwardTypeForm(forms.Form):
    name = forms.CharField(label="Tên", max_length=200, widget=_text())
    short_name = forms.CharField(label="Tên viết tắt", max_length=40, required=False,
                                 widget=_text())
    coefficient = forms.CharField(label="Hệ số tiền thưởng", max_length=10,
                                  widget=_text(inputmode="decimal"),
                                  help_text="Tiền thưởng = hệ số × mức lương cơ sở, ví dụ 1,5.")
    quota_percent = forms.CharField(
        label="Tỷ lệ tối đa (%)", max_length=10, required=False,
        widget=_text(inputmode="decimal"),
        help_text="Để trống nếu không giới hạn; ví dụ 15 nghĩa là không quá 15% số đạt "
                  "danh hiệu làm căn cứ.")
    quota_base = forms.ModelChoiceField(label="Tính trên số đạt", queryset=AwardType.objects.none(),
                                        required=False, empty_label="— Không —",
                                        widget=forms.Select(attrs={"class": "form-select"}))
    granted_by = forms.ModelMultipleChoiceField(
        label="Loại đơn vị có thẩm quyền khen", queryset=UnitKind.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Không chọn loại nào: hình thức này do cấp ngoài tỉnh quyết định (đề nghị "
                  "lên trên).")
    params = forms.CharField(label="Tham số của quy tắc (JSON)", required=False,
                             widget=forms.Textarea(attrs={"class": "form-control font-monospace",
                                                          "rows": 8}))
    source = forms.CharField(label="Căn cứ", max_length=300, required=False, widget=_text())
    order = forms.IntegerField(label="Thứ tự", min_value=0, max_value=32767,
                               widget=forms.NumberInput(attrs={"class": "form-control"}))
    secret_ballot = forms.BooleanField(label="Hội đồng bỏ phiếu kín", required=False,
                                       widget=forms.CheckboxInput(
                                           attrs={"class": "form-check-input"}))
    is_active = forms.BooleanField(label="Đang dùng", required=False,
                                   widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, *args, award_type: AwardType, **kwargs):
        super().__init__(*args, **kwargs)
        self.award_type = award_type
        self.fields["quota_base"].queryset = AwardType.objects.filter(
            subject=award_type.subject).exclude(pk=award_type.pk)
        self.fields["granted_by"].queryset = UnitKind.objects.order_by("name")

    @classmethod
    def initial_of(cls, award_type: AwardType) -> dict:
        share = award_type.quota_share
        return {
            "name": award_type.name, "short_name": award_type.short_name,
            "coefficient": f"{award_type.coefficient.normalize():f}".replace(".", ","),
            "quota_percent": (f"{(share * 100).normalize():f}".replace(".", ",")
                              if share is not None else ""),
            "quota_base": award_type.quota_base_id,
            "granted_by": list(award_type.granted_by.values_list("pk", flat=True)),
            "params": json.dumps(award_type.params, ensure_ascii=False, indent=2),
            "source": award_type.source, "order": award_type.order,
            "secret_ballot": award_type.secret_ballot, "is_active": award_type.is_active,
        }

    def clean_coefficient(self):
        try:
            value = _decimal(self.cleaned_data["coefficient"], "Hệ số")
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        if not 0 <= value <= 999 or value != value.quantize(Decimal("0.01")):
            raise forms.ValidationError("Hệ số từ 0 đến 999, tối đa hai chữ số thập phân.")
        return value

    def clean_quota_percent(self):
        text = self.cleaned_data["quota_percent"].strip()
        if not text:
            return None
        try:
            value = _decimal(text, "Tỷ lệ")
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        if not 0 < value <= 100:
            raise forms.ValidationError("Tỷ lệ phải lớn hơn 0 và không quá 100 (%).")
        share = value / 100
        if share != share.quantize(Decimal("0.0001")):
            raise forms.ValidationError("Tỷ lệ ghi tối đa hai chữ số thập phân, ví dụ 15 hoặc "
                                        "12,5.")
        return share

    def clean_params(self):
        text = self.cleaned_data["params"].strip() or "{}"
        try:
            params = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"Không đọc được JSON ở dòng {exc.lineno}, cột {exc.colno}. Hãy ghi dạng "
                "{\"years\": 3, \"grade\": \"htxs\"}: tên tham số và chữ trong dấu nháy kép, "
                "số và true/false để nguyên.") from None
        try:
            return check_params(self.award_type.rule, params)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    def clean(self):
        data = super().clean()
        share, base = data.get("quota_percent"), data.get("quota_base")
        if share is not None and base is None and "quota_base" not in self.errors:
            self.add_error("quota_base", "Có tỷ lệ tối đa thì phải chọn danh hiệu làm căn cứ.")
        if base is not None and share is None and "quota_percent" not in self.errors:
            self.add_error("quota_percent", "Đã chọn danh hiệu làm căn cứ thì phải ghi tỷ lệ.")
        return data

    def save(self) -> AwardType:
        data, award_type = self.cleaned_data, self.award_type
        for name in ("name", "short_name", "coefficient", "source", "order", "secret_ballot",
                     "is_active", "params", "quota_base"):
            setattr(award_type, name, data[name])
        award_type.quota_share = data["quota_percent"]
        with transaction.atomic():
            award_type.save()
            award_type.granted_by.set(data["granted_by"])
        return award_type


@login_required
@require_GET
def catalogue(request):
    _require_view(request.user)
    types = list(AwardType.objects.select_related("quota_base").prefetch_related("granted_by")
                 .order_by("subject", "order", "name"))
    for award_type in types:
        share = award_type.quota_share
        award_type.quota_percent = (f"{(share * 100).normalize():f}".replace(".", ",")
                                    if share is not None else "")
    return render(request, "awards/catalogue_list.html", {
        "types": types, "salaries": list(BaseSalary.objects.order_by("-effective_from")),
        "can_change": may_change_catalogue(request.user),
        "breadcrumbs": [("Danh mục khen thưởng", None)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_edit(request, pk):
    _require_view(request.user)
    _require_change(request.user)
    award_type = get_object_or_404(AwardType, pk=pk)
    if request.method == "POST":
        form = AwardTypeForm(request.POST, award_type=award_type)
        if form.is_valid():
            form.save()
            messages.success(request, f"Đã lưu “{award_type.name}”.")
            return redirect("awards:catalogue")
    else:
        form = AwardTypeForm(initial=AwardTypeForm.initial_of(award_type), award_type=award_type)
    known = known_params(award_type.rule)
    return render(request, "awards/catalogue_form.html", {
        "award_type": award_type, "form": form,
        "param_help": [(k, PARAM_HELP.get(k, "")) for k in sorted(known or ())],
        "breadcrumbs": [("Danh mục khen thưởng", reverse("awards:catalogue")),
                        (award_type.name, None)],
    })


class BaseSalaryForm(forms.ModelForm):
    #: A base salary row is neither edited nor deleted (one per date; signed decisions keep
    #: the amount they computed): adding one is confirmed explicitly.
    confirm = forms.BooleanField(
        label="Tôi đã kiểm tra ngày áp dụng và mức lương cơ sở; mức này sau khi thêm không "
              "sửa, không xóa được.",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        error_messages={"required": "Hãy đánh dấu xác nhận: mức lương cơ sở sau khi thêm "
                                    "không sửa, không xóa được."})

    class Meta:
        model = BaseSalary
        fields = ["effective_from", "amount", "source"]
        widgets = {
            "effective_from": forms.DateInput(format="%d/%m/%Y", attrs={
                "class": "form-control", "placeholder": "dd/mm/yyyy"}),
            "amount": forms.NumberInput(attrs={"class": "form-control", "min": 1}),
            "source": forms.TextInput(attrs={"class": "form-control"}),
        }
        error_messages = {"effective_from": {"unique": "Đã có mức lương cơ sở áp dụng từ ngày "
                                                       "này."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_from"].input_formats = DATE_INPUT
        self.fields["effective_from"].error_messages["invalid"] = "Ghi ngày theo dạng dd/mm/yyyy."
        self.fields["amount"].help_text = "Số đồng, ví dụ 2340000."

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is None or amount <= 0:
            raise forms.ValidationError("Mức lương cơ sở phải lớn hơn 0.")
        return amount


@login_required
@require_http_methods(["GET", "POST"])
def base_salary(request):
    _require_view(request.user)
    can_change = may_change_catalogue(request.user)
    form = None
    if can_change:
        form = BaseSalaryForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            salary = form.save()
            messages.success(request, f"Đã thêm mức lương cơ sở {salary.amount:,.0f} đồng từ "
                                      f"ngày {salary.effective_from:%d/%m/%Y}.".replace(",", "."))
            return redirect("awards:base_salary")
    elif request.method == "POST":
        _require_change(request.user)
    return render(request, "awards/catalogue_salary.html", {
        "salaries": list(BaseSalary.objects.order_by("-effective_from")), "form": form,
        "breadcrumbs": [("Danh mục khen thưởng", reverse("awards:catalogue")),
                        ("Mức lương cơ sở", None)],
    })


# Blocking flags -------------------------------------------------------------------------------
class ImpedimentForm(forms.Form):
    staff_code = forms.CharField(
        label="Mã cán bộ", max_length=30, required=False, widget=_text(),
        help_text="Ghi mã cán bộ nếu cờ gắn cho một cá nhân; để trống nếu gắn cho đơn vị.")
    unit_code = forms.CharField(
        label="Mã đơn vị", max_length=40, required=False, widget=_text(),
        help_text="Đơn vị bị gắn cờ (để trống: chính đơn vị này). Không ghi khi đã ghi mã "
                  "cán bộ.")
    kind = forms.ChoiceField(label="Loại", choices=[("", "— Chọn —"), *ImpedimentKind.choices],
                             widget=forms.Select(attrs={"class": "form-select"}))
    note = forms.CharField(label="Nội dung", max_length=2000,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))
    opened_on = forms.DateField(
        label="Từ ngày", input_formats=DATE_INPUT,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "form-control",
                                                         "placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": "Ghi ngày theo dạng dd/mm/yyyy."})

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit

    def clean_opened_on(self):
        day = self.cleaned_data["opened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("Ngày bắt đầu không được ở tương lai.")
        return day

    def clean(self):
        data = super().clean()
        staff_code = (data.get("staff_code") or "").strip()
        unit_code = (data.get("unit_code") or "").strip()
        data["person"], data["flag_unit"] = None, None
        if staff_code and unit_code:
            self.add_error("unit_code", "Chỉ ghi một trong hai: mã cán bộ hoặc mã đơn vị.")
        elif staff_code:
            person = (Person.objects.select_related("unit")
                      .filter(staff_code=staff_code, unit__path__startswith=self.unit.path)
                      .first())
            if person is None:
                self.add_error("staff_code", f"Không tìm thấy cán bộ mã “{staff_code}” trong "
                                             f"{self.unit.name} và các đơn vị trực thuộc.")
            else:
                data["person"], data["flag_unit"] = person, person.unit
        elif unit_code:
            unit = Unit.objects.filter(code=unit_code, path__startswith=self.unit.path).first()
            if unit is None:
                self.add_error("unit_code", f"Không tìm thấy đơn vị mã “{unit_code}” trong "
                                            f"{self.unit.name} và các đơn vị trực thuộc.")
            else:
                data["flag_unit"] = unit
        else:
            data["flag_unit"] = self.unit
        return data


class ResolveForm(forms.Form):
    resolved_on = forms.DateField(
        label="Đã giải quyết ngày", input_formats=DATE_INPUT,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "form-control form-control-sm",
                                                         "placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": "Ghi ngày theo dạng dd/mm/yyyy.",
                        "required": "Hãy nhập ngày giải quyết."})


def _impediment_unit(request, unit_pk, *, manage=False):
    unit = get_scoped_or_404(Unit, request.user, READ_ROLES, pk=unit_pk)
    if manage and not scoping.covers(request.user, unit.path, MANAGE_ROLES):
        raise PermissionDenied("Chỉ văn phòng, cán bộ thi đua của đơn vị được gắn, gỡ cờ.")
    return unit


def resolve_refusal(user, flag: Impediment) -> str:
    """Why ``user`` may not resolve ``flag`` ("" when he may). The office of the flagged
    unit (ADMIN, SECRETARIAT) resolves flags on people; a flag on a collective is resolved
    by an office above it, never by the collective's own office; nobody resolves the flag
    on his own person: the flag would otherwise be lifted by the one it blocks."""
    if not scoping.covers(user, flag.unit.path, MANAGE_ROLES):
        return "Chỉ văn phòng, cán bộ thi đua của đơn vị được gỡ cờ."
    if flag.person_id is not None:
        if flag.person.user_id is not None and flag.person.user_id == user.pk:
            return "Bạn không tự gỡ được cờ tạm dừng xét khen thưởng gắn cho chính mình."
        return ""
    parent_path = flag.unit.path[:-Unit.steplen]
    # A root has no office above it: only a superuser (covers everything) resolves.
    above = (scoping.covers(user, parent_path, MANAGE_ROLES) if parent_path
             else scoping.covered_paths(user, MANAGE_ROLES) is scoping.EVERYTHING)
    if not above:
        return (f"Cờ gắn cho tập thể {flag.unit.name} do văn phòng, cán bộ thi đua của cấp "
                "trên gỡ, không phải của chính đơn vị này.")
    return ""


STATES = {"mo": "Chưa giải quyết", "da-giai-quyet": "Đã giải quyết"}


@login_required
@require_GET
def impediments(request, unit_pk):
    unit = _impediment_unit(request, unit_pk)
    state = request.GET.get("trang-thai") or "mo"
    if state not in STATES:
        state = "mo"
    flags = (scoping.scope(Impediment, request.user, READ_ROLES)
             .filter(unit__path__startswith=unit.path, resolved_on__isnull=(state == "mo"))
             .select_related("person", "unit", "created_by").order_by("-opened_on", "pk"))
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = scoping.covers(request.user, unit.path, MANAGE_ROLES)
    flags = list(page.object_list)
    for flag in flags:
        flag.can_resolve = can_manage and not resolve_refusal(request.user, flag)
    return render(request, "awards/impediment_list.html", {
        "unit": unit, "page_obj": page, "flags": flags, "state": state,
        "states": STATES, "can_manage": can_manage, "today": timezone.localdate(),
        "breadcrumbs": [(unit.name, reverse("org:unit_detail", args=[unit.pk])),
                        ("Tạm dừng xét khen thưởng", None)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def impediment_add(request, unit_pk):
    unit = _impediment_unit(request, unit_pk, manage=True)
    form = ImpedimentForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        Impediment.objects.create(person=data["person"], unit=data["flag_unit"],
                                  kind=data["kind"], note=data["note"],
                                  opened_on=data["opened_on"], created_by=request.user)
        messages.success(request, "Đã gắn cờ tạm dừng xét khen thưởng.")
        return redirect("awards:impediments", unit_pk=unit.pk)
    return render(request, "awards/impediment_form.html", {
        "unit": unit, "form": form,
        "breadcrumbs": [(unit.name, reverse("org:unit_detail", args=[unit.pk])),
                        ("Tạm dừng xét khen thưởng",
                         reverse("awards:impediments", args=[unit.pk])),
                        ("Gắn cờ", None)],
    })


@login_required
@require_POST
def impediment_resolve(request, pk):
    """Resolve a flag. It cannot be undone on screen and makes the subject a candidate
    again: a valid date first shows a confirmation page; ``confirm=1`` writes it."""
    flag = get_scoped_or_404(Impediment.objects.select_related("unit", "person"), request.user,
                             READ_ROLES, pk=pk)
    refusal = resolve_refusal(request.user, flag)
    if refusal:
        raise PermissionDenied(refusal)
    back = request.POST.get("unit")
    back_unit = flag.unit_id
    if back and back.isascii() and back.isdigit() and len(back) <= 18 and scoping.scope(Unit, request.user, READ_ROLES).filter(
            pk=int(back), path__in=scoping.ancestor_paths([flag.unit.path])).exists():
        back_unit = int(back)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["resolved_on"]))
    elif flag.resolved_on is not None:
        messages.info(request, "Cờ này đã được giải quyết trước đó.")
    else:
        day = form.cleaned_data["resolved_on"]
        if day < flag.opened_on:
            messages.error(request, "Ngày giải quyết không được trước ngày gắn cờ "
                                    f"({flag.opened_on:%d/%m/%Y}).")
        elif day > timezone.localdate():
            messages.error(request, "Ngày giải quyết không được ở tương lai.")
        elif request.POST.get("confirm") != "1":
            back = reverse("awards:impediments", args=[back_unit])
            return render(request, "awards/impediment_resolve.html", {
                "flag": flag, "day": day, "back_unit": back_unit, "back": back,
                "breadcrumbs": [("Tạm dừng xét khen thưởng", back),
                                ("Xác nhận đã giải quyết", None)],
            })
        else:
            flag.resolved_on = day
            flag.save(update_fields=["resolved_on"])
            messages.success(request, f"Đã ghi nhận giải quyết ngày {day:%d/%m/%Y}.")
    return redirect("awards:impediments", unit_pk=back_unit)


urlpatterns = [
    path("danh-muc/", catalogue, name="catalogue"),
    path("danh-muc/<int:pk>/sua/", catalogue_edit, name="catalogue_edit"),
    path("danh-muc/luong-co-so/", base_salary, name="base_salary"),
    path("don-vi/<int:unit_pk>/tam-dung-xet/", impediments, name="impediments"),
    path("don-vi/<int:unit_pk>/tam-dung-xet/them/", impediment_add, name="impediment_add"),
    path("tam-dung-xet/<int:pk>/giai-quyet/", impediment_resolve, name="impediment_resolve"),
]
