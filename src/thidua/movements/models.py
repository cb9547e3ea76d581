"""Emulation movements as the plans (Kế hoạch) describe them.

A movement is issued by a unit, covers the subtree of its scope unit, lists
its contents, milestones and measurable targets, and collects the facts the
targets are measured on: registrations, practices, exemplars, unit reports
and manually entered values. Reviewable records go through the core workflow.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from thidua.core.models import NormalizedTextMixin
from thidua.core.roles import Role
from thidua.core.text import fold
from thidua.core.workflow import OWNER, Transition, Workflow
from thidua.org.models import Person, Unit, UnitKind

#: "167-KH/ĐU", "26-KH/TU", "05/KH-UBND": a number, then the type and issuer symbols.
DOCUMENT_SYMBOL = re.compile(r"^[A-ZĐ]{1,10}(?:[/-][A-ZĐ0-9]{1,12}){1,3}$")


def validate_symbol(value: str) -> None:
    if not DOCUMENT_SYMBOL.match(value or ""):
        raise ValidationError(
            "Ký hiệu văn bản không hợp lệ: viết hoa, không dấu cách, ví dụ “KH/ĐU”, “KH-UBND”, "
            "“KH/TU”."
        )


MOVEMENT_WORKFLOW = Workflow(
    states={"draft": "Dự thảo", "launched": "Đang triển khai", "closed": "Đã kết thúc"},
    initial="draft",
    transitions=[
        Transition("launch", "draft", "launched", "Phát động",
                   roles={Role.ADMIN, Role.SECRETARIAT}),
        Transition("close", "launched", "closed", "Kết thúc",
                   roles={Role.ADMIN, Role.SECRETARIAT}),
        Transition("reopen", "closed", "launched", "Mở lại",
                   roles={Role.ADMIN, Role.SECRETARIAT}, reason_required=True),
    ],
)


class Movement(NormalizedTextMixin, models.Model):
    number = models.CharField("số", max_length=10)
    symbol = models.CharField("ký hiệu", max_length=40, validators=[validate_symbol])
    issued_on = models.DateField("ngày ban hành")
    issuing_unit = models.ForeignKey(Unit, verbose_name="đơn vị ban hành",
                                     on_delete=models.PROTECT, related_name="issued_movements")
    title = models.CharField("tên phong trào", max_length=500)
    theme = models.TextField("chủ đề", blank=True)
    starts_on = models.DateField("bắt đầu")
    ends_on = models.DateField("kết thúc")
    scope_unit = models.ForeignKey(
        Unit, verbose_name="phạm vi", on_delete=models.PROTECT, related_name="scoped_movements",
        help_text="Phong trào áp dụng cho đơn vị này và mọi đơn vị cấp dưới.")
    participant_kinds = models.ManyToManyField(
        UnitKind, verbose_name="loại đơn vị tham gia", blank=True, related_name="+")
    staff_categories = models.JSONField("đối tượng cán bộ tham gia", default=list, blank=True)
    state = models.CharField("trạng thái", max_length=20, choices=MOVEMENT_WORKFLOW.choices(),
                             default="draft")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    #: Title and number without accents, for searching ("167-kh/du nang cao…").
    search_text = models.CharField(max_length=560, db_index=True, editable=False, default="")

    scope_path = "issuing_unit__path"
    workflow = MOVEMENT_WORKFLOW

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = "phong trào thi đua"
        verbose_name_plural = "phong trào thi đua"
        constraints = [
            models.UniqueConstraint(fields=["issuing_unit", "number", "symbol", "issued_on"],
                                    name="movements_unique_document"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="movements_period_ordered"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.number}-{self.symbol} {self.title}")[:560]
        return super().save(*args, **kwargs)

    @property
    def document_number(self) -> str:
        """The plan's number as written on it: "167-KH/ĐU"."""
        return f"{self.number}-{self.symbol}"

    @property
    def is_editable(self) -> bool:
        return self.state != "closed"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "Ngày kết thúc phải sau ngày bắt đầu."})


class Content(NormalizedTextMixin, models.Model):
    """A content (nội dung thi đua) of the plan, in the plan's order."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="contents")
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    title = models.CharField("nội dung", max_length=500)
    text = models.TextField("diễn giải", blank=True)

    scope_path = "movement__issuing_unit__path"

    class Meta:
        ordering = ["movement", "order", "pk"]
        verbose_name = "nội dung thi đua"
        verbose_name_plural = "nội dung thi đua"

    def __str__(self):
        return self.title


class Attachment(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField("tên tệp", max_length=255)
    file = models.FileField("tệp", upload_to="movements/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_path = "movement__issuing_unit__path"

    class Meta:
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"

    def __str__(self):
        return self.title


class MilestoneKind(models.TextChoices):
    REGISTRATION = "registration", "Hạn đăng ký thi đua"
    INTERIM = "interim", "Sơ kết"
    FINAL = "final", "Tổng kết"
    REPORT = "report", "Hạn gửi báo cáo"
    OTHER = "other", "Mốc khác"


class Milestone(NormalizedTextMixin, models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField("loại mốc", max_length=20, choices=MilestoneKind.choices)
    title = models.CharField("nội dung", max_length=300)
    due_on = models.DateField("hạn")
    actor = models.CharField("đơn vị, người thực hiện", max_length=300, blank=True,
                             help_text="Ví dụ: “Các chi bộ, đảng bộ cơ sở”, “Ban Thường vụ”.")
    actor_kinds = models.ManyToManyField(
        UnitKind, verbose_name="loại đơn vị phải thực hiện", blank=True, related_name="+",
        help_text="Để trống: các loại đơn vị tham gia phong trào.")
    requires_report = models.BooleanField("phải nộp báo cáo", default=False)

    scope_path = "movement__issuing_unit__path"

    class Meta:
        ordering = ["movement", "due_on", "pk"]
        verbose_name = "mốc thời gian"
        verbose_name_plural = "mốc thời gian"

    def __str__(self):
        return f"{self.title} ({self.due_on:%d/%m/%Y})"


class Comparator(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    LT = "lt", "<"


class Target(NormalizedTextMixin, models.Model):
    """A measurable target (chỉ tiêu): an indicator, its parameters, a comparator and a goal."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    wording = models.TextField("chỉ tiêu")
    indicator = models.CharField("cách đo", max_length=50)
    params = models.JSONField("tham số", default=dict, blank=True)
    comparator = models.CharField("so sánh", max_length=5, choices=Comparator.choices,
                                  default=Comparator.GTE)
    goal = models.DecimalField("mức phải đạt", max_digits=9, decimal_places=2)
    deadline = models.DateField("hạn đạt", null=True, blank=True)

    scope_path = "movement__issuing_unit__path"

    class Meta:
        ordering = ["movement", "order", "pk"]
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"

    def __str__(self):
        return self.wording


def _reviewed_from_above(registration, user):
    """A unit does not accept its own commitments: a unit's registration is reviewed from
    the unit above it (the issuing unit's own excepted, nobody above follows it in this
    movement); an individual's registration by the secretariat covering his unit."""
    from thidua.core import scoping
    from thidua.core.roles import MANAGE_ROLES

    unit = registration.unit
    if registration.person_id is not None or unit.pk == registration.movement.issuing_unit_id:
        return None
    parent = unit.path[: -Unit.steplen]
    if parent and scoping.covers(user, parent, MANAGE_ROLES):
        return None
    return "Đăng ký của một đơn vị do cấp trên của đơn vị đó xét duyệt."


REGISTRATION_WORKFLOW = Workflow(
    states={"draft": "Đang soạn", "submitted": "Đã gửi", "returned": "Bị trả lại",
            "accepted": "Đã chấp nhận"},
    initial="draft",
    transitions=[
        Transition("submit", ["draft", "returned"], "submitted", "Gửi đăng ký",
                   roles={OWNER, Role.LEADER, Role.SECRETARIAT, Role.ADMIN}),
        Transition("accept", "submitted", "accepted", "Chấp nhận",
                   roles={Role.SECRETARIAT, Role.ADMIN}, guard=_reviewed_from_above),
        Transition("return", "submitted", "returned", "Trả lại",
                   roles={Role.SECRETARIAT, Role.ADMIN}, reason_required=True,
                   guard=_reviewed_from_above),
    ],
)


class Registration(models.Model):
    """A unit's (or, with ``person``, an individual's) registration for a movement."""

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="registrations")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT,
                             related_name="registrations")
    person = models.ForeignKey(Person, verbose_name="cá nhân", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="registrations")
    state = models.CharField("trạng thái", max_length=20,
                             choices=REGISTRATION_WORKFLOW.choices(), default="draft")
    note = models.TextField("ghi chú", blank=True)
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    accepted_at = models.DateTimeField("chấp nhận lúc", null=True, blank=True)
    is_late = models.BooleanField("đăng ký muộn", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "unit__path"
    workflow = REGISTRATION_WORKFLOW

    class Meta:
        ordering = ["movement", "unit__path", "pk"]
        verbose_name = "đăng ký thi đua"
        verbose_name_plural = "đăng ký thi đua"
        constraints = [
            models.UniqueConstraint(fields=["movement", "unit"], condition=Q(person__isnull=True),
                                    name="movements_one_unit_registration"),
            models.UniqueConstraint(fields=["movement", "person"],
                                    condition=Q(person__isnull=False),
                                    name="movements_one_person_registration"),
        ]
        indexes = [models.Index(fields=["movement", "state"], name="movements_reg_state")]

    def __str__(self):
        who = self.person.full_name if self.person_id else self.unit.name
        return f"Đăng ký của {who}"

    @property
    def workflow_owner_id(self):
        return self.created_by_id


class Commitment(NormalizedTextMixin, models.Model):
    """What a registration commits to, under a content or a target."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE,
                                     related_name="commitments")
    content = models.ForeignKey(Content, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    text = models.TextField("nội dung đăng ký")
    number = models.DecimalField("số lượng cam kết", max_digits=12, decimal_places=2,
                                 null=True, blank=True)

    scope_path = "registration__unit__path"

    class Meta:
        ordering = ["registration", "pk"]
        verbose_name = "nội dung đăng ký"
        verbose_name_plural = "nội dung đăng ký"

    def __str__(self):
        return self.text[:80]


class PracticeState(models.TextChoices):
    REGISTERED = "registered", "Đã đăng ký"
    RECOGNISED = "recognised", "Được công nhận hiệu quả"


class Practice(NormalizedTextMixin, models.Model):
    """A model or effective practice (mô hình, cách làm hay) built by a unit."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT,
                             related_name="practices")
    movement = models.ForeignKey(Movement, verbose_name="phong trào", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="practices")
    name = models.CharField("tên mô hình", max_length=300)
    name_folded = models.CharField(max_length=300, db_index=True, editable=False, default="")
    field = models.CharField("lĩnh vực", max_length=120, blank=True)
    description = models.TextField("mô tả", blank=True)
    started_on = models.DateField("bắt đầu thực hiện")
    evidence = models.FileField("minh chứng", upload_to="practices/%Y/", blank=True)
    state = models.CharField("trạng thái", max_length=20, choices=PracticeState.choices,
                             default=PracticeState.REGISTERED)
    recognised_on = models.DateField("ngày công nhận", null=True, blank=True)
    for_replication = models.BooleanField("nhân rộng", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "unit__path"

    class Meta:
        ordering = ["-started_on", "pk"]
        verbose_name = "mô hình, cách làm hay"
        verbose_name_plural = "mô hình, cách làm hay"
        indexes = [models.Index(fields=["movement", "unit"], name="movements_practice_unit")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        return super().save(*args, **kwargs)


class Exemplar(NormalizedTextMixin, models.Model):
    """An exemplary collective or individual (điển hình tiên tiến) found by a movement."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="exemplars")
    unit = models.ForeignKey(Unit, verbose_name="tập thể / đơn vị", on_delete=models.PROTECT,
                             related_name="+")
    person = models.ForeignKey(Person, verbose_name="cá nhân", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    citation = models.TextField("thành tích tiêu biểu")
    marked_on = models.DateField("ngày ghi nhận")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    scope_path = "unit__path"

    class Meta:
        ordering = ["-marked_on", "pk"]
        verbose_name = "điển hình tiên tiến"
        verbose_name_plural = "điển hình tiên tiến"
        constraints = [
            models.UniqueConstraint(fields=["movement", "person"], condition=Q(person__isnull=False),
                                    name="movements_one_exemplar_person"),
            models.UniqueConstraint(fields=["movement", "unit"], condition=Q(person__isnull=True),
                                    name="movements_one_exemplar_unit"),
        ]

    def __str__(self):
        return self.person.full_name if self.person_id else self.unit.name


class UnitReport(NormalizedTextMixin, models.Model):
    """The report a unit owes for a milestone (sơ kết, tổng kết)."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT,
                             related_name="+")
    text = models.TextField("nội dung báo cáo", blank=True)
    file = models.FileField("tệp báo cáo", upload_to="reports/%Y/", blank=True)
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    scope_path = "unit__path"

    class Meta:
        ordering = ["milestone", "unit__path"]
        verbose_name = "báo cáo của đơn vị"
        verbose_name_plural = "báo cáo của đơn vị"
        constraints = [models.UniqueConstraint(fields=["milestone", "unit"],
                                               name="movements_one_report_per_unit")]

    def __str__(self):
        return f"{self.milestone.title} — {self.unit}"

    @property
    def on_time(self) -> bool | None:
        if self.submitted_at is None:
            return None
        from django.utils import timezone

        return timezone.localtime(self.submitted_at).date() <= self.milestone.due_on


class ManualValue(NormalizedTextMixin, models.Model):
    """A value entered by hand for a unit and a target, with its evidence."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="manual_values")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT,
                             related_name="+")
    value = models.DecimalField("giá trị", max_digits=12, decimal_places=2)
    measured_on = models.DateField("ngày số liệu")
    evidence = models.FileField("minh chứng", upload_to="evidence/%Y/", blank=True)
    note = models.TextField("ghi chú, nguồn số liệu", blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    scope_path = "unit__path"

    class Meta:
        ordering = ["target", "unit__path", "-measured_on"]
        verbose_name = "số liệu nhập tay"
        verbose_name_plural = "số liệu nhập tay"
        constraints = [models.UniqueConstraint(fields=["target", "unit", "measured_on"],
                                               name="movements_one_value_per_day")]

    def __str__(self):
        return f"{self.unit}: {self.value}"
