"""Monthly evaluation and grading of cadres and civil servants (KPI).

Each person has one sheet per month (``MonthSheet``): the tasks or products
assigned and how they went, the self-assessment of the general criteria, the
leader's review, and the score and grade computed from them by the unit's
scoring policy. A unit's month is closed (``UnitMonth``) once every sheet is
finalised or its absence explained; a closed month keeps a copy of its policy
and refuses every change until reopened with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from thidua.core.models import NormalizedTextMixin
from thidua.core.roles import Role
from thidua.core.workflow import OWNER, Transition, Workflow
from thidua.kpi.policy import DEFAULT_POLICY, Grade, Policy
from thidua.org.models import Person, Unit

REVIEWERS = {Role.ADMIN, Role.LEADER}


def _not_own_sheet(sheet, user):
    if sheet.person.user_id is not None and sheet.person.user_id == user.pk:
        return "Không thể tự chốt hay trả lại phiếu đánh giá của chính mình."
    return None


def _month_open(sheet, user):
    if sheet.is_locked():
        return (f"Tháng {sheet.month:%m/%Y} của đơn vị đã khóa sổ; cần mở lại tháng trước "
                "khi thay đổi phiếu.")
    return None


def _review_guard(*guards):
    def guard(sheet, user):
        for check in guards:
            refusal = check(sheet, user)
            if refusal:
                return refusal
        return None
    return guard


def _has_tasks(sheet, user):
    if not sheet.tasks.exists():
        return "Phiếu chưa có nhiệm vụ, sản phẩm nào trong tháng."
    return None


def _leader_last(sheet, user):
    """A leader's sheet carries his staff's result: it is finalised after theirs, and theirs
    are neither finalised nor reopened under it (``kpi.domain``)."""
    from thidua.kpi import domain

    return domain.leader_finalised_refusal(sheet)


def _staff_first(sheet, user):
    from thidua.kpi import domain

    return domain.leader_sheet_refusal(sheet)


SHEET_WORKFLOW = Workflow(
    states={"draft": "Đang lập", "submitted": "Chờ duyệt", "returned": "Bị trả lại",
            "finalised": "Đã chốt"},
    initial="draft",
    transitions=[
        Transition("submit", ["draft", "returned"], "submitted", "Gửi lãnh đạo",
                   roles={OWNER, *REVIEWERS}, guard=_review_guard(_month_open, _has_tasks)),
        Transition("return", ["submitted"], "returned", "Trả lại", roles=REVIEWERS,
                   reason_required=True, guard=_review_guard(_not_own_sheet, _month_open)),
        Transition("finalise", ["submitted"], "finalised", "Chốt kết quả", roles=REVIEWERS,
                   guard=_review_guard(_not_own_sheet, _month_open, _staff_first, _leader_last)),
        Transition("reopen", ["finalised"], "submitted", "Mở lại", roles=REVIEWERS,
                   reason_required=True,
                   guard=_review_guard(_not_own_sheet, _month_open, _leader_last)),
    ],
)


class ScoringPolicy(models.Model):
    """A scoring policy for a unit's subtree (no unit: the default for everyone).

    The nearest policy up the tree applies. Edits re-grade the sheets of months
    not yet closed; a closed month keeps the copy it was closed with.
    """

    unit = models.OneToOneField(Unit, verbose_name="áp dụng cho đơn vị", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="kpi_policy")
    name = models.CharField("tên chính sách", max_length=200)
    rules = models.JSONField("quy tắc chấm điểm", default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    scope_path = "unit__path"

    class Meta:
        verbose_name = "chính sách chấm điểm"
        verbose_name_plural = "chính sách chấm điểm"
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=models.Q(unit__isnull=True),
                                    name="kpi_one_default_policy"),
        ]

    def __str__(self):
        return self.name

    @property
    def policy(self) -> Policy:
        return Policy.from_json({**self.rules, "name": self.name})

    def clean(self):
        problems = self.policy.problems()
        if problems:
            raise ValidationError(problems)


UNIT_MONTH_WORKFLOW = Workflow(
    states={"open": "Đang đánh giá", "closed": "Đã khóa sổ"},
    initial="open",
    transitions=[
        Transition("close", "open", "closed", "Khóa sổ tháng", roles=REVIEWERS),
        Transition("reopen", "closed", "open", "Mở lại tháng", roles=REVIEWERS,
                   reason_required=True),
    ],
)


class UnitMonth(models.Model):
    """The state of one unit's month: open, or closed with its policy kept."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT,
                             related_name="kpi_months")
    month = models.DateField("tháng")  # the first day of the month
    state = models.CharField("trạng thái", max_length=10, choices=UNIT_MONTH_WORKFLOW.choices(),
                             default="open")
    policy = models.JSONField("chính sách khi khóa sổ", null=True, blank=True)
    closed_at = models.DateTimeField("khóa sổ lúc", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    scope_path = "unit__path"
    workflow = UNIT_MONTH_WORKFLOW

    class Meta:
        verbose_name = "kỳ đánh giá của đơn vị"
        verbose_name_plural = "kỳ đánh giá của đơn vị"
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="kpi_unit_month_unique"),
        ]

    def __str__(self):
        return f"{self.unit} — {self.month:%m/%Y}"


class MonthSheet(models.Model):
    """One person's evaluation of one month."""

    person = models.ForeignKey(Person, verbose_name="cán bộ", on_delete=models.PROTECT,
                               related_name="kpi_sheets")
    #: The unit the person worked in when graded: the unit month and its leader.
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT,
                             related_name="kpi_sheets")
    month = models.DateField("tháng")  # the first day of the month
    task_group = models.CharField("nhóm nhiệm vụ", max_length=40, blank=True)
    is_leader = models.BooleanField("lãnh đạo, quản lý", default=False)
    state = models.CharField("trạng thái", max_length=12, choices=SHEET_WORKFLOW.choices(),
                             default="draft")
    #: Criterion code → points, as the person assessed them and as the leader set them.
    self_general = models.JSONField("tự đánh giá tiêu chí chung", default=dict, blank=True)
    review_general = models.JSONField("lãnh đạo đánh giá tiêu chí chung", default=dict,
                                      blank=True)
    self_comment = models.TextField("tự nhận xét", blank=True)
    review_comment = models.TextField("nhận xét của lãnh đạo", blank=True)
    score = models.DecimalField("điểm", max_digits=5, decimal_places=2, default=0)
    computed_grade = models.CharField("xếp loại theo điểm", max_length=4, choices=Grade.CHOICES,
                                      default=Grade.KHT)
    grade = models.CharField("xếp loại", max_length=4, choices=Grade.CHOICES, default=Grade.KHT)
    #: Why ``grade`` differs from the band of the score: the law (discipline) or
    #: the leader lowering an HTXS above the cap.
    grade_note = models.CharField("lý do xếp loại khác điểm", max_length=300, blank=True)
    #: The leader lowered this HTXS to HTT to keep the unit within the cap.
    lowered_for_cap = models.BooleanField("hạ xếp loại do vượt tỷ lệ HTXS", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finalised_at = models.DateTimeField("chốt lúc", null=True, blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    scope_path = "unit__path"
    workflow = SHEET_WORKFLOW

    class Meta:
        ordering = ["month", "person__name_folded"]
        verbose_name = "phiếu đánh giá tháng"
        verbose_name_plural = "phiếu đánh giá tháng"
        constraints = [
            models.UniqueConstraint(fields=["person", "month"], name="kpi_sheet_person_month"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=100),
                                   name="kpi_sheet_score_range"),
        ]
        indexes = [
            models.Index(fields=["unit", "month"], name="kpi_sheet_unit_month"),
            models.Index(fields=["month", "state"], name="kpi_sheet_month_state"),
        ]

    def __str__(self):
        return f"{self.person} — {self.month:%m/%Y}"

    @property
    def workflow_owner_id(self):
        return self.person.user_id

    @property
    def month_label(self) -> str:
        return f"Tháng {self.month.month}/{self.month.year}"

    def is_locked(self) -> bool:
        return UnitMonth.objects.filter(unit_id=self.unit_id, month=self.month,
                                        state="closed").exists()


class Task(NormalizedTextMixin, models.Model):
    """A task or product assigned for the month, and how it went."""

    sheet = models.ForeignKey(MonthSheet, verbose_name="phiếu", on_delete=models.CASCADE,
                              related_name="tasks")
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    name = models.CharField("nhiệm vụ, sản phẩm", max_length=500)
    assigned = models.PositiveIntegerField("số lượng giao", validators=[MinValueValidator(1)])
    done = models.PositiveIntegerField("số lượng hoàn thành", default=0)
    meeting = models.PositiveIntegerField("số đạt yêu cầu", default=0)
    on_time = models.PositiveIntegerField("số đúng hạn", default=0)
    major_errors = models.PositiveIntegerField("số lỗi lớn", default=0)
    late_deliveries = models.PositiveIntegerField("số lần chậm", default=0)
    objective_cause = models.BooleanField("có nguyên nhân khách quan được xác nhận",
                                          default=False)

    scope_path = "sheet__unit__path"

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "nhiệm vụ, sản phẩm"
        verbose_name_plural = "nhiệm vụ, sản phẩm"
        constraints = [
            models.CheckConstraint(condition=models.Q(done__lte=models.F("assigned")),
                                   name="kpi_task_done_le_assigned"),
            models.CheckConstraint(condition=models.Q(meeting__lte=models.F("done")),
                                   name="kpi_task_meeting_le_done"),
            models.CheckConstraint(condition=models.Q(on_time__lte=models.F("done")),
                                   name="kpi_task_on_time_le_done"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.assigned is not None and self.assigned < 1:
            errors["assigned"] = "Số lượng giao phải từ 1 trở lên."
        if self.assigned and self.done is not None and self.done > self.assigned:
            errors["done"] = (f"Số lượng hoàn thành ({self.done}) không thể lớn hơn số lượng "
                              f"giao ({self.assigned}).")
        if self.done is not None and self.meeting is not None and self.meeting > self.done:
            errors["meeting"] = (f"Số đạt yêu cầu ({self.meeting}) không thể lớn hơn số "
                                 f"hoàn thành ({self.done}).")
        if self.done is not None and self.on_time is not None and self.on_time > self.done:
            errors["on_time"] = (f"Số đúng hạn ({self.on_time}) không thể lớn hơn số hoàn "
                                 f"thành ({self.done}).")
        if errors:
            raise ValidationError(errors)

    def figures(self):
        from thidua.kpi.scoring import TaskFigures

        return TaskFigures(self.name, self.assigned, self.done, self.meeting, self.on_time,
                           self.major_errors, self.late_deliveries, self.objective_cause)


class Adjustment(models.Model):
    """A change the leader made to a score or a figure of a sheet, with the reason."""

    sheet = models.ForeignKey(MonthSheet, on_delete=models.CASCADE, related_name="adjustments")
    field_label = models.CharField("nội dung", max_length=300)
    old_value = models.CharField("giá trị cũ", max_length=100, blank=True)
    new_value = models.CharField("giá trị mới", max_length=100, blank=True)
    reason = models.TextField("lý do")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    scope_path = "sheet__unit__path"

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "điều chỉnh của lãnh đạo"
        verbose_name_plural = "điều chỉnh của lãnh đạo"

    def __str__(self):
        return f"{self.field_label}: {self.old_value} → {self.new_value}"


class MissingReason(models.TextChoices):
    LEAVE = "nghi_phep", "Nghỉ phép, nghỉ ốm dài ngày"
    MATERNITY = "thai_san", "Nghỉ thai sản"
    TRAINING = "di_hoc", "Đi học, bồi dưỡng tập trung"
    SECONDED = "biet_phai", "Biệt phái, điều động"
    NEW = "moi_tiep_nhan", "Mới tiếp nhận trong tháng"
    OTHER = "khac", "Lý do khác"


class MissingSheet(models.Model):
    """A person of the unit who is not graded this month, and why (reported by the leader)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="kpi_missing")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    month = models.DateField("tháng")
    reason = models.CharField("lý do", max_length=20, choices=MissingReason.choices)
    note = models.CharField("ghi chú", max_length=300, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)

    scope_path = "unit__path"

    class Meta:
        verbose_name = "cán bộ không đánh giá trong tháng"
        verbose_name_plural = "cán bộ không đánh giá trong tháng"
        constraints = [
            models.UniqueConstraint(fields=["person", "month"], name="kpi_missing_person_month"),
        ]

    def __str__(self):
        return f"{self.person} — {self.month:%m/%Y}: {self.get_reason_display()}"


class YearResult(models.Model):
    """A person's year, computed from the finalised months (``thidua kpi year``).

    Awards read the grade from here.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="kpi_years")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    months = models.PositiveSmallIntegerField("số tháng được chốt")
    score = models.DecimalField("điểm năm", max_digits=5, decimal_places=2)
    grade = models.CharField("xếp loại năm", max_length=4, choices=Grade.CHOICES)
    note = models.CharField("ghi chú", max_length=300, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    scope_path = "unit__path"

    class Meta:
        verbose_name = "kết quả xếp loại năm"
        verbose_name_plural = "kết quả xếp loại năm"
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="kpi_year_person_year"),
        ]

    def __str__(self):
        return f"{self.person} — {self.year}: {self.get_grade_display()}"


__all__ = ["DEFAULT_POLICY", "Adjustment", "MissingSheet", "MonthSheet", "ScoringPolicy",
           "Task", "UnitMonth", "YearResult"]
