"""Commendation (khen thưởng): the catalogue, the facts eligibility reads, award rounds,
council votes, decisions and every person's and unit's history of awards.

The catalogue is data with defaults (``defaults.py``): each ``AwardType`` is a
title (danh hiệu) or a form (hình thức) for individuals or collectives, with its
level, the unit kinds that may grant it (the authority table), its reward
coefficient, an optional quota and the name of its eligibility rule in
``rules.py`` with the rule's parameters (years in a row, initiatives…).

Eligibility is computed from the facts (``facts.py``): KPI year grades (kpi
``YearResult``, or ``PastGrade`` for years before the system), units' yearly
grades (``UnitGrade``), recognised initiatives by level, previous awards
(``Award``, revoked ones excluded), discipline (org ``DisciplineRecord``) and
the blocking flags (``Impediment``: under investigation, unresolved complaint).

A round (``AwardRound``) is one unit's year (or a movement's review): the
secretariat nominates (``Nomination``) from the candidates or by hand with a
justification for manual-criteria forms, the unit's council votes
(``Vote``; secret ballot for state-level forms keeps only ``VoteReceipt``s of
who voted), the leader signs the proposal letter, the granting level appraises
each nomination, and a signed ``Decision`` creates the ``Award``s. A signed
decision is never edited: an award is revoked, with reason and decision.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from thidua.core.models import NormalizedTextMixin
from thidua.core.roles import Role
from thidua.core.workflow import Transition, Workflow
from thidua.kpi.policy import Grade
from thidua.org.models import Person, Unit, UnitKind


class Kind(models.TextChoices):
    TITLE = "title", "Danh hiệu thi đua"
    FORM = "form", "Hình thức khen thưởng"


class Subject(models.TextChoices):
    PERSON = "person", "Cá nhân"
    COLLECTIVE = "collective", "Tập thể"


class AwardLevel(models.TextChoices):
    GRASSROOTS = "co_so", "Cấp cơ sở"
    PROVINCE = "tinh", "Cấp tỉnh, bộ, ngành"
    STATE = "nha_nuoc", "Cấp Nhà nước (Thủ tướng, Chủ tịch nước)"


class AwardType(NormalizedTextMixin, models.Model):
    """A title or form of the catalogue, with its rule and its parameters."""

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("tên", max_length=200)
    short_name = models.CharField("tên viết tắt", max_length=40, blank=True)
    kind = models.CharField("loại", max_length=10, choices=Kind.choices)
    subject = models.CharField("đối tượng", max_length=12, choices=Subject.choices)
    level = models.CharField("cấp", max_length=10, choices=AwardLevel.choices)
    #: The unit kinds that may grant it (the authority table, DOMAIN.md §2).
    granted_by = models.ManyToManyField(UnitKind, verbose_name="loại đơn vị có thẩm quyền",
                                        blank=True, related_name="+")
    coefficient = models.DecimalField("hệ số tiền thưởng", max_digits=5, decimal_places=2,
                                      default=Decimal(0))
    #: At most this share of the quota base's awards in the same round (CSTĐCS ≤ 15% of LĐTT).
    quota_share = models.DecimalField("tỷ lệ tối đa", max_digits=5, decimal_places=4,
                                      null=True, blank=True)
    quota_base = models.ForeignKey("self", verbose_name="tính trên số đạt", null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    #: The name of the eligibility function in ``rules.RULES``; "manual" for unit-set criteria.
    rule = models.CharField("quy tắc xét", max_length=40)
    params = models.JSONField("tham số của quy tắc", default=dict, blank=True)
    source = models.CharField("căn cứ", max_length=300, blank=True)
    #: State-level forms are voted by secret ballot in the unit's council.
    secret_ballot = models.BooleanField("bỏ phiếu kín", default=False)
    order = models.PositiveSmallIntegerField("thứ tự", default=100)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        ordering = ["subject", "order", "name"]
        verbose_name = "danh hiệu, hình thức khen thưởng"
        verbose_name_plural = "danh hiệu, hình thức khen thưởng"

    def __str__(self) -> str:
        return self.name

    @property
    def is_manual(self) -> bool:
        return self.rule == "manual"


class BaseSalary(models.Model):
    """The base salary (mức lương cơ sở) from a date; reward = coefficient × base salary."""

    effective_from = models.DateField("áp dụng từ ngày", unique=True)
    amount = models.DecimalField("mức lương cơ sở (đồng)", max_digits=12, decimal_places=0)
    source = models.CharField("căn cứ", max_length=200, blank=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = "mức lương cơ sở"
        verbose_name_plural = "mức lương cơ sở"

    def __str__(self) -> str:
        return f"{self.amount} từ {self.effective_from:%d/%m/%Y}"


class ImpedimentKind(models.TextChoices):
    INVESTIGATION = "investigation", "Đang bị điều tra, thanh tra, kiểm tra"
    COMPLAINT = "complaint", "Có đơn thư khiếu nại, tố cáo chưa giải quyết"
    DISCIPLINE_REVIEW = "discipline_review", "Đang xem xét kỷ luật"


class Impediment(NormalizedTextMixin, models.Model):
    """A flag that blocks consideration while it is open (person or unit)."""

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="award_impediments")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE,
                             related_name="award_impediments",
                             help_text="Đơn vị bị gắn cờ, hoặc đơn vị của cá nhân.")
    kind = models.CharField("loại", max_length=20, choices=ImpedimentKind.choices)
    note = models.TextField("nội dung")
    opened_on = models.DateField("từ ngày")
    resolved_on = models.DateField("đã giải quyết ngày", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    scope_path = "unit__path"

    class Meta:
        ordering = ["-opened_on", "pk"]
        verbose_name = "điều kiện tạm dừng xét khen"
        verbose_name_plural = "điều kiện tạm dừng xét khen"

    def __str__(self) -> str:
        return self.get_kind_display()


class PastGrade(models.Model):
    """A person's year grade from before the system (imported history)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="past_grades")
    year = models.PositiveSmallIntegerField("năm")
    grade = models.CharField("xếp loại", max_length=4, choices=Grade.CHOICES)
    source = models.CharField("nguồn", max_length=200, blank=True)

    scope_path = "person__unit__path"

    class Meta:
        verbose_name = "xếp loại năm (lưu trữ)"
        verbose_name_plural = "xếp loại năm (lưu trữ)"
        constraints = [models.UniqueConstraint(fields=["person", "year"],
                                               name="awards_past_grade_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}: {self.get_grade_display()}"


class UnitGrade(models.Model):
    """A collective's year result: completes its tasks excellently / well / … ."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="award_grades")
    year = models.PositiveSmallIntegerField("năm")
    grade = models.CharField("mức hoàn thành nhiệm vụ", max_length=4, choices=Grade.CHOICES)
    source = models.CharField("nguồn", max_length=200, blank=True)

    scope_path = "unit__path"

    class Meta:
        verbose_name = "kết quả hoàn thành nhiệm vụ của tập thể"
        verbose_name_plural = "kết quả hoàn thành nhiệm vụ của tập thể"
        constraints = [models.UniqueConstraint(fields=["unit", "year"],
                                               name="awards_unit_grade_once")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}: {self.get_grade_display()}"


OFFICE = {Role.ADMIN, Role.SECRETARIAT}
LEADERS = {Role.ADMIN, Role.LEADER}


def _at_granting_unit(roles, doing: str):
    """Guard: the step belongs to the granting unit's office or leaders, not the proposer's."""
    def guard(round_, user):
        from thidua.core import scoping

        if scoping.covers(user, round_.granting_unit.path, roles):
            return None
        return f"Chỉ {doing} của cấp quyết định ({round_.granting_unit.name}) mới thực hiện được."
    return guard


ROUND_WORKFLOW = Workflow(
    states={
        "open": "Đang lập danh sách đề nghị",
        "voting": "Hội đồng thi đua – khen thưởng đang xét",
        "voted": "Hội đồng đã xét",
        "signed": "Đã ký tờ trình, gửi cấp trên",
        "appraised": "Cấp trên đã thẩm định",
        "decided": "Đã có quyết định khen thưởng",
    },
    initial="open",
    transitions=[
        Transition("start_voting", "open", "voting", "Trình Hội đồng xét", roles=OFFICE),
        Transition("reopen", ["voting", "voted"], "open", "Mở lại danh sách", roles=OFFICE,
                   reason_required=True),
        Transition("close_voting", "voting", "voted", "Kết thúc biểu quyết", roles=OFFICE),
        Transition("sign", "voted", "signed", "Ký tờ trình", roles=LEADERS),
        Transition("appraise", "signed", "appraised", "Hoàn thành thẩm định", roles=OFFICE,
                   guard=_at_granting_unit(OFFICE, "văn phòng")),
        Transition("decide", "appraised", "decided", "Ban hành quyết định", roles=LEADERS,
                   guard=_at_granting_unit(LEADERS, "lãnh đạo")),
    ],
)


class AwardRound(NormalizedTextMixin, models.Model):
    """One unit's award round for a year, or for a movement's review (đợt xét)."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị đề nghị", on_delete=models.PROTECT,
                             related_name="award_rounds")
    year = models.PositiveSmallIntegerField("năm")
    movement = models.ForeignKey("movements.Movement", verbose_name="phong trào", null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="award_rounds")
    name = models.CharField("tên đợt xét", max_length=300)
    #: The unit that grants (appraises and decides): the unit itself or an ancestor.
    granting_unit = models.ForeignKey(Unit, verbose_name="cấp quyết định", on_delete=models.PROTECT,
                                      related_name="+")
    state = models.CharField("trạng thái", max_length=12, choices=ROUND_WORKFLOW.choices(),
                             default="open")
    #: Public disclosure: objections may be raised until this date.
    objections_until = models.DateField("hạn tiếp nhận ý kiến", null=True, blank=True)
    proposal_number = models.CharField("số tờ trình", max_length=60, blank=True)
    proposal_date = models.DateField("ngày tờ trình", null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    #: The minutes data of the council's meeting (attendance, votes per nomination).
    minutes = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "unit__path"
    workflow = ROUND_WORKFLOW

    class Meta:
        ordering = ["-year", "unit__path", "pk"]
        verbose_name = "đợt xét khen thưởng"
        verbose_name_plural = "đợt xét khen thưởng"

    def __str__(self) -> str:
        return self.name


class CouncilOutcome(models.TextChoices):
    AGREE = "agree", "Đồng ý đề nghị"
    DISAGREE = "disagree", "Không đồng ý"
    LOWER = "lower", "Đề nghị hình thức thấp hơn"


class AppraisalOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Đủ điều kiện"
    RETURNED = "returned", "Trả lại, không đủ điều kiện"
    LOWERED = "lowered", "Hạ mức hình thức"


class Nomination(NormalizedTextMixin, models.Model):
    """One candidate (person or collective) proposed for one title or form in a round."""

    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="nominations")
    award_type = models.ForeignKey(AwardType, verbose_name="danh hiệu, hình thức",
                                   on_delete=models.PROTECT, related_name="nominations")
    person = models.ForeignKey(Person, verbose_name="cá nhân", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="award_nominations")
    #: The collective nominated, or the person's unit.
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT,
                             related_name="award_nominations")
    #: What was achieved (one achievement, one form in a round).
    achievement = models.TextField("thành tích", blank=True)
    justification = models.TextField("lý do đề nghị (tiêu chí do đơn vị quy định)", blank=True)
    #: The eligibility answer when nominated: {"eligible": bool, "checks": [...]}.
    eligibility = models.JSONField(default=dict, blank=True)
    order = models.PositiveIntegerField("thứ tự", default=0)

    council_outcome = models.CharField("kết quả Hội đồng", max_length=10, blank=True,
                                       choices=CouncilOutcome.choices)
    council_lower_to = models.ForeignKey(AwardType, null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+",
                                         verbose_name="hình thức thấp hơn (Hội đồng)")
    votes_agree = models.PositiveSmallIntegerField(default=0)
    votes_disagree = models.PositiveSmallIntegerField(default=0)
    votes_lower = models.PositiveSmallIntegerField(default=0)

    appraisal = models.CharField("kết quả thẩm định", max_length=10, blank=True,
                                 choices=AppraisalOutcome.choices)
    appraisal_reason = models.TextField("ý kiến thẩm định", blank=True)
    appraised_to = models.ForeignKey(AwardType, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="hình thức sau thẩm định")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "unit__path"

    class Meta:
        ordering = ["round", "order", "pk"]
        verbose_name = "đề nghị khen thưởng"
        verbose_name_plural = "đề nghị khen thưởng"
        constraints = [
            models.UniqueConstraint(fields=["round", "award_type", "person"],
                                    condition=Q(person__isnull=False),
                                    name="awards_nominated_person_once"),
            models.UniqueConstraint(fields=["round", "award_type", "unit"],
                                    condition=Q(person__isnull=True),
                                    name="awards_nominated_unit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name}: {self.award_type}"

    @property
    def subject_name(self) -> str:
        return self.person.full_name if self.person_id else self.unit.name


class VoteChoice(models.TextChoices):
    AGREE = "agree", "Đồng ý"
    DISAGREE = "disagree", "Không đồng ý"
    LOWER = "lower", "Hình thức thấp hơn"


class Vote(models.Model):
    """A council member's vote on a nomination. For a secret ballot ``voter`` is empty
    and the fact that he voted is kept apart in a ``VoteReceipt``."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    choice = models.CharField("biểu quyết", max_length=10, choices=VoteChoice.choices)
    lower_to = models.ForeignKey(AwardType, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    scope_path = "nomination__unit__path"

    class Meta:
        verbose_name = "phiếu biểu quyết"
        verbose_name_plural = "phiếu biểu quyết"
        constraints = [models.UniqueConstraint(fields=["nomination", "voter"],
                                               condition=Q(voter__isnull=False),
                                               name="awards_one_open_vote")]

    def __str__(self) -> str:
        return self.get_choice_display()


class VoteReceipt(models.Model):
    """Who has voted on a secret-ballot nomination (not how)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="receipts")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    voted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["nomination", "voter"],
                                               name="awards_one_secret_vote")]

    def __str__(self) -> str:
        return f"{self.voter_id} → {self.nomination_id}"


class Decision(NormalizedTextMixin, models.Model):
    """The award decision of the granting level; never edited once signed."""

    round = models.ForeignKey(AwardRound, on_delete=models.PROTECT, related_name="decisions",
                              null=True, blank=True)
    granting_unit = models.ForeignKey(Unit, verbose_name="cơ quan quyết định",
                                      on_delete=models.PROTECT, related_name="award_decisions")
    number = models.CharField("số quyết định", max_length=60)
    date = models.DateField("ngày quyết định")
    signer = models.CharField("người ký", max_length=200)
    signer_title = models.CharField("chức vụ người ký", max_length=200, blank=True)
    is_signed = models.BooleanField("đã ký ban hành", default=False)
    signed_at = models.DateTimeField(null=True, blank=True)
    base_salary = models.DecimalField("mức lương cơ sở áp dụng", max_digits=12,
                                      decimal_places=0, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    scope_path = "granting_unit__path"

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = "quyết định khen thưởng"
        verbose_name_plural = "quyết định khen thưởng"

    def __str__(self) -> str:
        return f"{self.number} ngày {self.date:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        # A signed decision is never edited, whatever the path (a stale copy included):
        # the signature itself is written with a conditional update, not through save().
        if self.pk is not None and type(self)._default_manager.filter(
                pk=self.pk, is_signed=True).exists():
            from django.core.exceptions import ValidationError

            raise ValidationError(SIGNED_DECISION)
        super().save(*args, **kwargs)


SIGNED_DECISION = ("Quyết định đã ký ban hành nên không sửa được; muốn thay đổi khen thưởng "
                   "phải thu hồi bằng một quyết định khác.")


class AwardSource(models.TextChoices):
    SYSTEM = "system", "Xét trên hệ thống"
    IMPORT = "import", "Nhập từ hồ sơ lưu trữ"


class Award(NormalizedTextMixin, models.Model):
    """A title or form received: the history that "consecutive" counts read."""

    award_type = models.ForeignKey(AwardType, verbose_name="danh hiệu, hình thức",
                                   on_delete=models.PROTECT, related_name="awards")
    person = models.ForeignKey(Person, verbose_name="cá nhân", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="awards")
    #: The collective awarded, or the person's unit at the time.
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT,
                             related_name="awards")
    year = models.PositiveSmallIntegerField("năm")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="awards")
    nomination = models.OneToOneField(Nomination, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="award")
    #: For imported history (no Decision row): the decision as written on paper.
    decision_text = models.CharField("quyết định (ghi theo hồ sơ)", max_length=200, blank=True)
    achievement = models.TextField("thành tích", blank=True)
    amount = models.DecimalField("tiền thưởng (đồng)", max_digits=14, decimal_places=0,
                                 null=True, blank=True)
    source = models.CharField("nguồn", max_length=10, choices=AwardSource.choices,
                              default=AwardSource.SYSTEM)
    revoked = models.BooleanField("đã thu hồi", default=False)
    revoked_on = models.DateField("ngày thu hồi", null=True, blank=True)
    revocation_reason = models.TextField("lý do thu hồi", blank=True)
    revocation_decision = models.CharField("quyết định thu hồi", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "unit__path"

    class Meta:
        ordering = ["-year", "award_type__order", "pk"]
        verbose_name = "khen thưởng đã nhận"
        verbose_name_plural = "khen thưởng đã nhận"
        indexes = [
            models.Index(fields=["person", "year"], name="awards_person_year"),
            models.Index(fields=["unit", "year"], name="awards_unit_year"),
        ]

    def __str__(self) -> str:
        who = self.person.full_name if self.person_id else self.unit.name
        return f"{self.award_type} {self.year} — {who}"
