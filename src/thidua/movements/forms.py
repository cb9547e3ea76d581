"""Forms of the movement and registration screens.

Units are given by code, looked up inside the user's scope for the roles the
action needs (as the org forms do), so a code of another unit reads exactly
like a code that does not exist. Forms only parse and check input; the rules
(scope inside the issuer, computable denominator, workflow) are the domain's.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from thidua.core import scoping
from thidua.core.roles import MANAGE_ROLES
from thidua.core.text import clean_text
from thidua.movements import domain, indicators
from thidua.movements.models import (
    MOVEMENT_WORKFLOW,
    REGISTRATION_WORKFLOW,
    Content,
    Milestone,
    Movement,
    Target,
)
from thidua.org.choices import StaffCategory
from thidua.org.models import Unit, UnitKind

DATE_WIDGET = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
#: Số văn bản: "the sequence number of the document in the year, in Arabic numerals"
#: (Nghị định 30/2020/NĐ-CP, Phụ lục I; Hướng dẫn 36-HD/VPTW for Party documents).
DOCUMENT_NUMBER = re.compile(r"^[0-9]{1,10}$")


def style(form: forms.BaseForm) -> None:
    """Give every widget its Bootstrap class (checkbox lists before selects: they subclass them)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


def widen(form: forms.BaseForm, *names: str) -> None:
    """Long one-line fields (titles) take the whole row in movement_fields.html."""
    for name in names:
        form.fields[name].wide = True


def unit_by_code(user, code: str, roles, *, label: str = "đơn vị") -> Unit:
    """The active unit with ``code`` inside the user's scope for ``roles``, or a form error."""
    code = (code or "").strip()
    unit = (scoping.scope(Unit.objects.filter(is_active=True), user, roles)
            .select_related("kind").filter(code__iexact=code).first())
    if unit is None:
        raise forms.ValidationError(f"Không tìm thấy {label} có mã “{code}” trong phạm vi bạn "
                                    "quản lý.")
    return unit


def add_domain_errors(form: forms.BaseForm, exc: ValidationError, fields: dict | None = None):
    """Show a domain ``ValidationError`` on the form: model field names are mapped to the
    form's (``fields``), anything the form does not show becomes a form-wide error."""
    fields = fields or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, messages in exc.message_dict.items():
        target = fields.get(name, name)
        form.add_error(target if target in form.fields else None, messages)


# Movements ------------------------------------------------------------------------------
class MovementFilterForm(forms.Form):
    q = forms.CharField(label="Tìm theo tên phong trào", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": "VD: cán bộ cơ sở"}))
    state = forms.ChoiceField(label="Trạng thái", required=False,
                              choices=[("", "Tất cả")] + MOVEMENT_WORKFLOW.choices())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["state"].widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"q": clean_text(data.get("q")), "state": data.get("state", "")}


class MovementForm(forms.ModelForm):
    """The plan's header: number and symbol, date, issuer, title, theme, period, scope,
    participants. The issuer is a unit the user manages; once launched, the issuer and
    the scope stay as they were (registrations and expected reports hang on them)."""

    issuing_unit_code = forms.CharField(
        label="Mã đơn vị ban hành", max_length=40,
        help_text="Đơn vị trong phạm vi bạn quản lý, ví dụ mã của Đảng ủy phường.")
    scope_unit_code = forms.CharField(
        label="Mã đơn vị phạm vi", max_length=40, required=False,
        help_text="Phong trào áp dụng cho đơn vị này và mọi đơn vị cấp dưới. Để trống: toàn bộ "
                  "đơn vị ban hành.")
    staff_categories = forms.MultipleChoiceField(
        label="Đối tượng cán bộ tham gia", choices=StaffCategory.choices, required=False,
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Movement
        fields = ["number", "symbol", "issued_on", "title", "theme", "starts_on", "ends_on",
                  "participant_kinds", "staff_categories"]
        widgets = {
            "number": forms.TextInput(attrs={"placeholder": "167", "inputmode": "numeric"}),
            "symbol": forms.TextInput(attrs={"placeholder": "KH/ĐU"}),
            "issued_on": forms.DateInput(attrs=DATE_WIDGET),
            "starts_on": forms.DateInput(attrs=DATE_WIDGET),
            "ends_on": forms.DateInput(attrs=DATE_WIDGET),
            "theme": forms.Textarea(attrs={"rows": 2}),
            "participant_kinds": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "number": "Số thứ tự của văn bản, chỉ gồm chữ số.",
            "symbol": "Viết hoa, không dấu cách, ví dụ “KH/ĐU”, “KH-UBND”.",
        }

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["participant_kinds"].queryset = UnitKind.objects.filter(is_active=True)
        self.fields["participant_kinds"].help_text = (
            "Loại đơn vị phải đăng ký thi đua; là mẫu số của các chỉ tiêu tính theo đơn vị.")
        self.order_fields(["number", "symbol", "issued_on", "issuing_unit_code", "title", "theme",
                           "starts_on", "ends_on", "scope_unit_code", "participant_kinds",
                           "staff_categories"])
        movement = self.instance
        if movement.pk:
            self.initial.setdefault("issuing_unit_code", movement.issuing_unit.code)
            self.initial.setdefault("scope_unit_code", movement.scope_unit.code)
            if movement.state != "draft":
                for name in ("issuing_unit_code", "scope_unit_code"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = ("Không đổi được sau khi phát động: các đơn vị "
                                                   "đã đăng ký theo phạm vi này.")
        widen(self, "title")
        style(self)

    @property
    def locked_units(self) -> bool:
        return bool(self.instance.pk and self.instance.state != "draft")

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if not DOCUMENT_NUMBER.match(number):
            raise forms.ValidationError("Số văn bản chỉ gồm chữ số, ví dụ “167”.")
        return number

    def clean_symbol(self):
        # People type "kh/đu" or "KH / ĐU"; the symbol is written in capitals without spaces.
        return re.sub(r"\s+", "", self.cleaned_data["symbol"]).upper()

    def clean_issuing_unit_code(self):
        if self.locked_units:
            return self.instance.issuing_unit
        return unit_by_code(self.user, self.cleaned_data["issuing_unit_code"], MANAGE_ROLES,
                            label="đơn vị ban hành")

    def clean_scope_unit_code(self):
        if self.locked_units:
            return self.instance.scope_unit
        code = self.cleaned_data.get("scope_unit_code", "").strip()
        if not code:
            return None  # the issuing unit, once known
        return unit_by_code(self.user, code, MANAGE_ROLES, label="đơn vị phạm vi")

    def clean(self):
        data = super().clean()
        issuer = data.get("issuing_unit_code")
        if "scope_unit_code" in data and issuer is not None:
            self.instance.issuing_unit = issuer
            self.instance.scope_unit = data["scope_unit_code"] or issuer
            try:
                domain.check_scope(self.instance)
            except ValidationError as exc:
                add_domain_errors(self, exc, {"scope_unit": "scope_unit_code"})
        if issuer is not None and all(data.get(k) for k in ("number", "symbol", "issued_on")):
            same = Movement.objects.filter(issuing_unit=issuer, number=data["number"],
                                           symbol=data["symbol"], issued_on=data["issued_on"])
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error("number", f"{issuer.name} đã có văn bản số {data['number']}-"
                                         f"{data['symbol']} ngày {data['issued_on']:%d/%m/%Y}.")
        return data

    def save(self, commit=True):
        movement = super().save(commit=False)
        movement.issuing_unit = self.cleaned_data["issuing_unit_code"]
        movement.scope_unit = self.cleaned_data["scope_unit_code"] or movement.issuing_unit
        if movement.pk is None:
            movement.created_by = self.user
        if commit:
            movement.save()
            self.save_m2m()
        return movement


class ContentForm(forms.ModelForm):
    class Meta:
        model = Content
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widen(self, "title")
        style(self)


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["kind", "title", "due_on", "actor", "actor_kinds", "requires_report"]
        widgets = {"due_on": forms.DateInput(attrs=DATE_WIDGET),
                   "actor_kinds": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor_kinds"].queryset = UnitKind.objects.filter(is_active=True)
        if self.instance.movement_id and self.instance.movement.state != "draft":
            self.fields["requires_report"].help_text = (
                "Báo cáo phải nộp của từng đơn vị được tạo khi phát động phong trào.")
        widen(self, "title", "actor")
        style(self)


#: Which parameter fields each built-in indicator reads from ``Target.params``.
PARAM_FIELDS = {
    "units_registered": ("unit_kinds", "accepted_only"),
    "people_registered": ("staff_categories",),
    "units_with_practices": ("unit_kinds", "min_count", "recognised_only"),
    "reports_on_time": ("milestone",),
    "manual": ("measure",),
}

#: What the indicators assume when a parameter is absent: not written to ``params``.
PARAM_DEFAULTS = {"accepted_only": True, "recognised_only": False, "min_count": 1}


class TargetForm(forms.ModelForm):
    """A target with its indicator's parameters as ordinary fields.

    Only the parameters of the chosen indicator are written to ``params``; an
    indicator registered by another app keeps the parameters it already had.
    Whether the denominator is computable is :func:`domain.save_target`'s call.
    """

    indicator = forms.ChoiceField(label="Cách đo")
    unit_kinds = forms.MultipleChoiceField(
        label="Loại đơn vị tính vào mẫu số", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Để trống: các loại đơn vị tham gia phong trào.")
    staff_categories = forms.MultipleChoiceField(
        label="Đối tượng cán bộ tính vào mẫu số", required=False, choices=StaffCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Để trống: các đối tượng cán bộ tham gia phong trào.")
    accepted_only = forms.BooleanField(
        label="Chỉ tính đăng ký đã được chấp nhận", required=False, initial=True)
    min_count = forms.IntegerField(label="Số mô hình tối thiểu mỗi đơn vị", min_value=1,
                                   initial=1, required=False)
    recognised_only = forms.BooleanField(label="Chỉ tính mô hình đã được công nhận hiệu quả",
                                         required=False)
    milestone = forms.ModelChoiceField(label="Mốc báo cáo", queryset=Milestone.objects.none(),
                                       required=False, empty_label="— Chọn mốc có báo cáo —")
    measure = forms.CharField(label="Tên số liệu nhập tay", max_length=200, required=False,
                              help_text="Ví dụ: “% hồ sơ giải quyết đúng hạn”.")

    class Meta:
        model = Target
        fields = ["wording", "indicator", "comparator", "goal", "deadline"]
        widgets = {"wording": forms.Textarea(attrs={"rows": 2}),
                   "deadline": forms.DateInput(attrs=DATE_WIDGET)}

    def __init__(self, *args, movement, **kwargs):
        self.movement = movement
        super().__init__(*args, **kwargs)
        self.instance.movement = movement
        self.fields["indicator"].choices = [("", "— Chọn cách đo —"), *indicators.choices()]
        self.fields["unit_kinds"].choices = list(
            UnitKind.objects.filter(is_active=True).values_list("code", "name"))
        self.fields["milestone"].queryset = movement.milestones.filter(requires_report=True)
        users_of = {}
        for indicator, names in PARAM_FIELDS.items():
            for name in names:
                users_of.setdefault(name, []).append(indicator)
        for name, keys in users_of.items():
            # The template shows a parameter only under the indicators that read it.
            self.fields[name].indicators = " ".join(keys)
        params = self.instance.params or {}
        if self.instance.pk:
            self.initial.update({
                "unit_kinds": params.get("unit_kinds", []),
                "staff_categories": params.get("staff_categories", []),
                "accepted_only": params.get("accepted_only", True),
                "min_count": params.get("min_count", 1),
                "recognised_only": params.get("recognised_only", False),
                "milestone": params.get("milestone"),
                "measure": params.get("measure", ""),
            })
        style(self)

    def clean_goal(self):
        goal = self.cleaned_data["goal"]
        key = self.cleaned_data.get("indicator")
        percentage = key in indicators.REGISTRY and indicators.get(key).scale == 100
        if percentage and not Decimal(0) <= goal <= Decimal(100):
            raise forms.ValidationError("Chỉ tiêu tính theo tỷ lệ: mức phải đạt từ 0 đến "
                                        "100 (%).")
        return goal

    def params(self) -> dict:
        data = self.cleaned_data
        key = data["indicator"]
        if key not in PARAM_FIELDS:
            return dict(self.instance.params or {})
        values = {
            "unit_kinds": list(data.get("unit_kinds") or []),
            "staff_categories": list(data.get("staff_categories") or []),
            "accepted_only": bool(data.get("accepted_only")),
            "min_count": data.get("min_count") or 1,
            "recognised_only": bool(data.get("recognised_only")),
            "milestone": data["milestone"].pk if data.get("milestone") else None,
            "measure": clean_text(data.get("measure")),
        }
        return {name: values[name] for name in PARAM_FIELDS[key]
                if values[name] not in ([], None, "") and values[name] != PARAM_DEFAULTS.get(name)}

    def save(self, commit=False):
        """The unsaved target with its parameters; the view saves it through the domain."""
        target = super().save(commit=False)
        target.params = self.params()
        if target.pk is None:
            last = self.movement.targets.order_by("-order").values_list("order", flat=True).first()
            target.order = (last or 0) + 1
        return target


class AttachmentForm(forms.Form):
    title = forms.CharField(label="Tên văn bản", max_length=255, required=False,
                            help_text="Để trống: lấy theo tên tệp.")
    file = forms.FileField(
        label="Tệp PDF", widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={"required": "Hãy chọn tệp PDF cần tải lên.",
                        "empty": "Tệp tải lên rỗng (0 byte).",
                        "invalid": "Không đọc được tệp tải lên; hãy chọn lại tệp."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"Tệp quá lớn ({upload.size / 1048576:.1f} MB); giới hạn là "
                f"{limit / 1048576:.0f} MB.")
        # The extension and the browser's content type are the sender's claims; the bytes are not.
        upload.seek(0)
        head = upload.read(4)
        upload.seek(0)
        if head != b"%PDF":
            raise forms.ValidationError("Tệp không phải PDF. Hãy tải lên bản PDF của văn bản "
                                        "(bản ký số hoặc bản scan).")
        return upload


class ReasonForm(forms.Form):
    """A reason the workflow demands (reopening a movement, returning a registration)."""

    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000,
                             error_messages={"required": "Cần ghi rõ lý do."})

    def __init__(self, *args, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        style(self)


# Registrations ------------------------------------------------------------------------------
class CommitmentsForm(forms.Form):
    """What a unit (or a person) commits to: a text and an optional number per content
    and per target of the movement, and a free note."""

    note = forms.CharField(label="Ghi chú chung", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, contents, targets, commitments=(), **kwargs):
        super().__init__(*args, **kwargs)
        existing = {(c.content_id, c.target_id): c for c in commitments}
        self.rows = []
        for kind, items in (("content", contents), ("target", targets)):
            for item in items:
                key = (item.pk, None) if kind == "content" else (None, item.pk)
                found = existing.get(key)
                prefix = f"{kind}_{item.pk}"
                self.fields[f"{prefix}_text"] = forms.CharField(
                    label="Nội dung đăng ký", required=False, max_length=4000,
                    initial=found.text if found else "",
                    widget=forms.Textarea(attrs={"rows": 2}))
                self.fields[f"{prefix}_number"] = forms.DecimalField(
                    label="Số lượng cam kết", required=False, max_digits=12, decimal_places=2,
                    initial=found.number if found else None,
                    widget=forms.NumberInput(attrs={"step": "any"}))
                self.rows.append((kind, item, prefix))
        style(self)

    def row_fields(self):
        """(kind, item, text field, number field) for the template, in the plan's order."""
        return [(kind, item, self[f"{prefix}_text"], self[f"{prefix}_number"])
                for kind, item, prefix in self.rows]

    def clean(self):
        data = super().clean()
        for _kind, _item, prefix in self.rows:
            if data.get(f"{prefix}_number") is not None and not data.get(f"{prefix}_text"):
                self.add_error(f"{prefix}_text", "Hãy ghi nội dung cam kết cho số lượng này.")
        return data

    def commitments(self) -> list[dict]:
        """The filled rows as ``Commitment`` field values."""
        result = []
        for kind, item, prefix in self.rows:
            text = (self.cleaned_data.get(f"{prefix}_text") or "").strip()
            if text:
                result.append({"content": item if kind == "content" else None,
                               "target": item if kind == "target" else None,
                               "text": text,
                               "number": self.cleaned_data.get(f"{prefix}_number")})
        return result


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Chấp nhận"), ("return", "Trả lại")])
    reason = forms.CharField(label="Lý do (bắt buộc khi trả lại)", required=False,
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not clean_text(data.get("reason")):
            self.add_error("reason", "Cần ghi rõ lý do khi trả lại bản đăng ký.")
        return data


#: Board statuses: "none" is a unit without any registration.
BOARD_STATUSES = [("none", "Chưa đăng ký"), *REGISTRATION_WORKFLOW.choices()]


class BoardFilterForm(forms.Form):
    q = forms.CharField(label="Tìm đơn vị", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": "VD: to dan pho 1"}))
    status = forms.ChoiceField(label="Tình trạng", required=False,
                               choices=[("", "Tất cả"), *BOARD_STATUSES])
    late = forms.BooleanField(label="Chỉ đăng ký muộn", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"q": clean_text(data.get("q")), "status": data.get("status", ""),
                "late": bool(data.get("late"))}
