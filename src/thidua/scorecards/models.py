"""Criteria frameworks and the scorecards of the units (or people) scored on them.

A framework ("Chi bộ bốn tốt", party-organisation grading, "Nụ cười công sở")
is data: groups of criteria and their items with maximum points, a minimum per
group, the recognition rule and, for gradings, the bands. Once a scorecard
uses a version, that version is frozen: a change makes a new version, and every
scorecard keeps the version it was scored with.

A scorecard is one subject's year: the registration (commitments per group),
the periodic self-evaluations, the year-end self-score per item with evidence,
the parent's appraisal per item with reasons, and the standing committee's
decision — through the core workflow, every change logged.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from thidua.core.models import NormalizedTextMixin
from thidua.core.roles import Role
from thidua.core.workflow import OWNER, Transition, Workflow
from thidua.org.models import Person, Unit, UnitKind


class Subject(models.TextChoices):
    UNITS = "units", "Tổ chức, đơn vị"
    PEOPLE = "people", "Cá nhân"


class Framework(NormalizedTextMixin, models.Model):
    """One version of a criteria framework."""

    code = models.SlugField("mã bộ tiêu chí", max_length=60)
    version = models.PositiveSmallIntegerField("phiên bản", default=1)
    name = models.CharField("tên bộ tiêu chí", max_length=300)
    source = models.CharField("căn cứ", max_length=500, blank=True,
                              help_text="Văn bản quy định bộ tiêu chí, ví dụ “Quy định 18-QĐ/TU”.")
    subject = models.CharField("đối tượng", max_length=10, choices=Subject.choices,
                               default=Subject.UNITS)
    unit_kinds = models.ManyToManyField(UnitKind, verbose_name="loại đơn vị áp dụng",
                                        blank=True, related_name="+")
    #: The recognition rule: {"min_total": 90, "min_per_group": 20,
    #: "conditions": [{"kind": "framework_band", "framework": "xep_loai_to_chuc_dang",
    #: "min_band": "htt"} | {"kind": "kpi_year", "min_grade": "htt"}]}.
    rule = models.JSONField("điều kiện công nhận", default=dict, blank=True)
    #: Grade bands for a grading framework, best first: [["htxs", "Hoàn thành xuất sắc…", 90], …].
    bands = models.JSONField("các mức xếp loại", default=list, blank=True)
    recognition_label = models.CharField(
        "tên danh hiệu công nhận", max_length=200, blank=True,
        help_text="Ví dụ “Chi bộ bốn tốt”; để trống với bộ tiêu chí chỉ để xếp loại.")
    registration_due = models.CharField(
        "hạn đăng ký (ngày/tháng)", max_length=5, default="15/01",
        help_text="Ngày, tháng trong năm phải đăng ký, ví dụ 15/01.")
    evaluation_every = models.PositiveSmallIntegerField(
        "tự đánh giá định kỳ (số tháng)", default=3, help_text="3: hằng quý.")
    is_active = models.BooleanField("đang áp dụng", default=True)
    previous = models.ForeignKey("self", verbose_name="phiên bản trước", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = "bộ tiêu chí"
        verbose_name_plural = "bộ tiêu chí"
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="scorecards_code_version"),
            models.UniqueConstraint(fields=["code"], condition=Q(is_active=True),
                                    name="scorecards_one_active_version"),
        ]

    def __str__(self):
        return f"{self.name} (phiên bản {self.version})"

    @property
    def is_frozen(self) -> bool:
        """A version that a scorecard uses cannot change: a new version is made."""
        return self.scorecards.exists()

    def groups(self):
        return [c for c in self.criteria.all() if c.parent_id is None]


class Criterion(NormalizedTextMixin, models.Model):
    """A group of criteria (no parent) or an item of a group, with its points."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="items")
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    code = models.CharField("mã", max_length=20)
    title = models.TextField("tiêu chí")
    max_points = models.DecimalField("điểm tối đa", max_digits=6, decimal_places=2)
    #: For a group: the least it must reach for recognition (None: the framework's rule).
    min_points = models.DecimalField("điểm tối thiểu", max_digits=6, decimal_places=2,
                                     null=True, blank=True)
    guidance = models.TextField("hướng dẫn chấm, minh chứng", blank=True)

    class Meta:
        ordering = ["framework", "order", "pk"]
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="scorecards_criterion_code"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="scorecards_max_positive"),
        ]

    def __str__(self):
        return f"{self.code}. {self.title[:80]}"


def _from_above(card, user):
    """The subject's own roles do not appraise or decide its scorecard: the parent does."""
    from thidua.core import scoping

    if card.person_id:  # a person's card: his unit's office, never the person himself
        if card.person.user_id is not None and card.person.user_id == user.pk:
            return "Không tự thẩm định, công nhận phiếu của chính mình."
        if scoping.covers(user, card.unit.path, {Role.ADMIN, Role.SECRETARIAT, Role.LEADER}):
            return None
        return "Việc thẩm định, công nhận do lãnh đạo, văn phòng đơn vị của cán bộ thực hiện."
    path = card.unit.path
    parent = path[: -Unit.steplen]
    if parent and scoping.covers(user, parent, {Role.ADMIN, Role.SECRETARIAT, Role.LEADER}):
        return None
    if not parent and user.is_superuser:
        return None
    return "Việc thẩm định, công nhận do cấp trên của đơn vị thực hiện."


def _guard(*checks):
    def guard(card, user):
        for check in checks:
            refusal = check(card, user)
            if refusal:
                return refusal
        return None
    return guard


def _all_scored(card, user):
    from thidua.scorecards import domain

    return domain.unscored_refusal(card)


def _all_appraised(card, user):
    from thidua.scorecards import domain

    return domain.unappraised_refusal(card)


def _rule_met(card, user):
    from thidua.scorecards import domain

    return domain.recognition_refusal(card)


OFFICE = {Role.ADMIN, Role.SECRETARIAT, Role.LEADER}
DECIDERS = {Role.ADMIN, Role.LEADER}

SCORECARD_WORKFLOW = Workflow(
    states={"draft": "Đang đăng ký", "registered": "Đã đăng ký",
            "submitted": "Đã đề nghị công nhận", "returned": "Bị trả lại",
            "appraised": "Đã thẩm định", "recognised": "Được công nhận",
            "not_recognised": "Không công nhận"},
    initial="draft",
    transitions=[
        Transition("register", "draft", "registered", "Gửi đăng ký", roles=OFFICE | {OWNER}),
        Transition("submit", ["registered", "returned"], "submitted", "Đề nghị công nhận",
                   roles=OFFICE | {OWNER}, guard=_all_scored),
        Transition("return", "submitted", "returned", "Trả lại bổ sung", roles=OFFICE,
                   reason_required=True, guard=_from_above),
        Transition("appraise", "submitted", "appraised", "Hoàn thành thẩm định", roles=OFFICE,
                   guard=_guard(_from_above, _all_appraised)),
        Transition("recognise", "appraised", "recognised", "Công nhận", roles=DECIDERS,
                   guard=_guard(_from_above, _rule_met)),
        Transition("refuse", "appraised", "not_recognised", "Không công nhận", roles=DECIDERS,
                   reason_required=True, guard=_from_above),
        Transition("reopen", ["recognised", "not_recognised"], "appraised", "Mở lại",
                   roles={Role.ADMIN}, reason_required=True, guard=_from_above),
    ],
)
#: States in which the subject still writes its own scorecard.
SUBJECT_EDITS = ("draft", "registered", "returned")
LOCKED = ("recognised", "not_recognised")


class Scorecard(models.Model):
    """One subject's year under one framework version."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="scorecards")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT,
                             related_name="scorecards")
    #: For a framework about people: the person (``unit`` is then his unit).
    person = models.ForeignKey(Person, verbose_name="cá nhân", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="scorecards")
    year = models.PositiveSmallIntegerField("năm")
    state = models.CharField("trạng thái", max_length=20,
                             choices=SCORECARD_WORKFLOW.choices(), default="draft")
    registered_at = models.DateTimeField("đăng ký lúc", null=True, blank=True)
    is_late = models.BooleanField("đăng ký muộn", default=False)
    submitted_at = models.DateTimeField("đề nghị lúc", null=True, blank=True)
    self_total = models.DecimalField("tự chấm", max_digits=6, decimal_places=2, null=True,
                                     blank=True)
    appraised_total = models.DecimalField("điểm thẩm định", max_digits=6, decimal_places=2,
                                          null=True, blank=True)
    band = models.CharField("xếp loại", max_length=10, blank=True)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path = "unit__path"
    workflow = SCORECARD_WORKFLOW

    class Meta:
        ordering = ["year", "unit__path"]
        verbose_name = "phiếu chấm điểm"
        verbose_name_plural = "phiếu chấm điểm"
        constraints = [
            models.UniqueConstraint(fields=["framework", "unit", "year"],
                                    condition=Q(person__isnull=True),
                                    name="scorecards_one_per_unit_year"),
            models.UniqueConstraint(fields=["framework", "person", "year"],
                                    condition=Q(person__isnull=False),
                                    name="scorecards_one_per_person_year"),
        ]
        indexes = [models.Index(fields=["year", "state"], name="scorecards_year_state")]

    def __str__(self):
        who = self.person.full_name if self.person_id else self.unit.name
        return f"{self.framework.name} {self.year} — {who}"

    @property
    def workflow_owner_id(self):
        """A person's card is sent by the person himself (his unit's office may too)."""
        return self.person.user_id if self.person_id else None

    @property
    def subject_name(self) -> str:
        return self.person.full_name if self.person_id else self.unit.name

    @property
    def is_locked(self) -> bool:
        return self.state in LOCKED


class Commitment(NormalizedTextMixin, models.Model):
    """What the subject registers to do under a group of criteria."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="commitments")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("nội dung đăng ký")

    scope_path = "scorecard__unit__path"

    class Meta:
        verbose_name = "nội dung đăng ký"
        verbose_name_plural = "nội dung đăng ký"
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "criterion"],
                                    name="scorecards_one_commitment"),
        ]

    def __str__(self):
        return self.text[:80]


class Evaluation(NormalizedTextMixin, models.Model):
    """A periodic self-evaluation (quarterly by default) with notes and evidence."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="evaluations")
    period = models.PositiveSmallIntegerField("kỳ")  # 1..4 for quarters
    note = models.TextField("kết quả, nhận xét")
    evidence = models.FileField("minh chứng", upload_to="scorecards/%Y/", blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    scope_path = "scorecard__unit__path"

    class Meta:
        ordering = ["scorecard", "period"]
        verbose_name = "tự đánh giá định kỳ"
        verbose_name_plural = "tự đánh giá định kỳ"
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "period"], name="scorecards_one_per_period"),
        ]

    def __str__(self):
        return f"{self.scorecard} — kỳ {self.period}"


class ScoreLine(NormalizedTextMixin, models.Model):
    """An item's points: the subject's self-score, then the appraisal."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="lines")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    self_points = models.DecimalField("tự chấm", max_digits=6, decimal_places=2, null=True,
                                      blank=True)
    self_note = models.TextField("giải trình, minh chứng", blank=True)
    evidence = models.FileField("tệp minh chứng", upload_to="scorecards/%Y/", blank=True)
    appraised_points = models.DecimalField("điểm thẩm định", max_digits=6, decimal_places=2,
                                           null=True, blank=True)
    appraisal_reason = models.TextField("lý do điều chỉnh", blank=True)

    scope_path = "scorecard__unit__path"

    class Meta:
        verbose_name = "điểm tiêu chí"
        verbose_name_plural = "điểm tiêu chí"
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "criterion"], name="scorecards_one_line"),
            models.CheckConstraint(condition=Q(self_points__gte=0) | Q(self_points__isnull=True),
                                   name="scorecards_self_not_negative"),
            models.CheckConstraint(condition=Q(appraised_points__gte=0)
                                   | Q(appraised_points__isnull=True),
                                   name="scorecards_appraised_not_negative"),
        ]

    def __str__(self):
        return f"{self.criterion.code}: {self.self_points}"

    def clean(self):
        top = self.criterion.max_points
        for name in ("self_points", "appraised_points"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= top:
                raise ValidationError({name: f"Điểm tiêu chí {self.criterion.code} phải từ 0 "
                                             f"đến {top.normalize():f}."})
