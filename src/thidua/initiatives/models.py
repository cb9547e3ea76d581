"""Initiatives (sáng kiến): applications, the councils that review them, and the bank.

An application (``Initiative``) carries the fields of Luật Thi đua, khen thưởng
2022 Điều 3 and Nghị định 13/2012/NĐ-CP (Điều lệ sáng kiến): authors with their
share, owner unit, field, first (trial) application, problem, solution and what
is new, confidential parts, conditions, benefits, who trialled it. It moves
through the core workflow: draft → submitted → accepted for review (the
three-month clock starts) or returned for completion → on a council's agenda →
recognised (certificate number and date) or refused (written reasons). A
recognised initiative may be proposed to the next level: a new application of
that level is made from it (``previous``) and the cycle repeats.

A council belongs to a unit, a level and a year; its members score each
criterion and vote on the applications put on a session's agenda
(``Ballot``, one per member and item). Closing the session computes each
item's result with the council's rule (``policy.CouncilRule``, data with
defaults) and freezes the ballots.

The bank is every recognised initiative of the province: ``search_text``
holds the folded (accent- and case-free) words of the title and content for
full-text search and the duplicate warning; confidential parts are never in it.
Units record where they replicated an initiative (``Replication``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from thidua.core.models import NormalizedTextMixin
from thidua.core.roles import Role
from thidua.core.workflow import OWNER, Transition, Workflow
from thidua.org.models import Person, Unit


class Level(models.TextChoices):
    """Levels of recognition (DOMAIN.md §4); each feeds a different title (§2)."""

    GRASSROOTS = "co_so", "Cấp cơ sở"
    PROVINCE = "tinh", "Cấp tỉnh, bộ, ngành"
    NATIONAL = "toan_quoc", "Toàn quốc"


#: The level an initiative recognised at one level may be proposed to.
NEXT_LEVEL = {Level.GRASSROOTS: Level.PROVINCE, Level.PROVINCE: Level.NATIONAL}


class ApplicationField(NormalizedTextMixin, models.Model):
    """A field of application (lĩnh vực áp dụng): a configurable list."""

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("tên lĩnh vực", max_length=200)
    order = models.PositiveSmallIntegerField("thứ tự", default=100)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "lĩnh vực áp dụng"
        verbose_name_plural = "lĩnh vực áp dụng"

    def __str__(self) -> str:
        return self.name


SECRETARIAT = {Role.ADMIN, Role.SECRETARIAT}

INITIATIVE_WORKFLOW = Workflow(
    states={
        "draft": "Đang soạn",
        "submitted": "Đã nộp",
        "returned": "Trả lại để bổ sung",
        "accepted": "Đã tiếp nhận, chờ hội đồng",
        "in_review": "Hội đồng đang xét",
        "recognised": "Được công nhận",
        "refused": "Không công nhận",
    },
    initial="draft",
    transitions=[
        Transition("submit", ["draft", "returned"], "submitted", "Nộp đơn",
                   roles=SECRETARIAT | {OWNER}),
        Transition("accept", "submitted", "accepted", "Tiếp nhận", roles=SECRETARIAT),
        Transition("return", "submitted", "returned", "Trả lại để bổ sung", roles=SECRETARIAT,
                   reason_required=True),
        # The council's steps carry no role: membership of the council gives that authority,
        # and initiatives.councils checks it before applying them (``_BY_COUNCIL``); no role
        # holder can apply them directly.
        Transition("schedule", "accepted", "in_review", "Đưa vào phiên họp hội đồng"),
        Transition("unschedule", "in_review", "accepted", "Rút khỏi phiên họp",
                   reason_required=True),
        Transition("recognise", "in_review", "recognised", "Công nhận sáng kiến"),
        Transition("refuse", "in_review", "refused", "Không công nhận", reason_required=True),
    ],
)
#: States in which the authors may still change the application.
AUTHOR_EDITS = ("draft", "returned")
DECIDED = ("recognised", "refused")


class Initiative(NormalizedTextMixin, models.Model):
    """An initiative application at one level; recognised ones form the bank."""

    title = models.CharField("tên sáng kiến", max_length=500)
    unit = models.ForeignKey(Unit, verbose_name="đơn vị chủ quản", on_delete=models.PROTECT,
                             related_name="initiatives")
    #: The unit whose council reviews it (the owner unit or an ancestor of it).
    reviewing_unit = models.ForeignKey(Unit, verbose_name="đơn vị xét công nhận",
                                       on_delete=models.PROTECT, related_name="+")
    field = models.ForeignKey(ApplicationField, verbose_name="lĩnh vực áp dụng",
                              on_delete=models.PROTECT, related_name="initiatives")
    level = models.CharField("cấp đề nghị công nhận", max_length=10, choices=Level.choices,
                             default=Level.GRASSROOTS)
    year = models.PositiveSmallIntegerField("năm")
    first_applied_on = models.DateField("ngày áp dụng lần đầu (hoặc áp dụng thử)")
    problem = models.TextField("thực trạng, vấn đề cần giải quyết")
    solution = models.TextField("nội dung giải pháp")
    novelty = models.TextField("tính mới, điểm khác biệt")
    confidential = models.TextField("nội dung cần bảo mật", blank=True,
                                    help_text="Không hiển thị trong ngân hàng sáng kiến.")
    conditions = models.TextField("điều kiện cần thiết để áp dụng", blank=True)
    benefits = models.TextField("hiệu quả, lợi ích thu được")
    benefit_amount = models.DecimalField("giá trị làm lợi ước tính (đồng)", max_digits=16,
                                         decimal_places=0, null=True, blank=True)
    trial_people = models.TextField("những người đã tham gia áp dụng thử", blank=True)

    state = models.CharField("trạng thái", max_length=20, choices=INITIATIVE_WORKFLOW.choices(),
                             default="draft")
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    #: Acceptance starts the three months the council has to decide (Nghị định 13/2012 Điều 8).
    accepted_on = models.DateField("ngày tiếp nhận", null=True, blank=True)
    review_due_on = models.DateField("hạn xét công nhận", null=True, blank=True)
    decided_on = models.DateField("ngày quyết định", null=True, blank=True)
    certificate_number = models.CharField("số giấy chứng nhận / quyết định", max_length=60,
                                          blank=True)
    certificate_date = models.DateField("ngày cấp", null=True, blank=True)
    refusal_reasons = models.TextField("lý do không công nhận", blank=True)
    #: The lower-level recognised initiative this application proposes to a higher level.
    previous = models.ForeignKey("self", verbose_name="sáng kiến cấp dưới", null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="proposals")

    #: Folded words of title, field, problem, solution, novelty, benefits, authors (never
    #: the confidential part): the full-text index and the duplicate check read this.
    search_text = models.TextField(editable=False, blank=True, default="")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path = "unit__path"
    workflow = INITIATIVE_WORKFLOW

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = "sáng kiến"
        verbose_name_plural = "sáng kiến"
        indexes = [
            models.Index(fields=["state", "year"], name="initiative_state_year"),
            models.Index(fields=["reviewing_unit", "state"], name="initiative_review_state"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def workflow_owner_id(self):
        return self.created_by_id

    @property
    def is_editable_by_authors(self) -> bool:
        return self.state in AUTHOR_EDITS

    @property
    def is_decided(self) -> bool:
        return self.state in DECIDED


class Author(models.Model):
    """An author and his share of the initiative (the shares sum to 100)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="authors")
    person = models.ForeignKey(Person, verbose_name="tác giả", on_delete=models.PROTECT,
                               related_name="initiative_authorships")
    share = models.DecimalField("tỷ lệ đóng góp (%)", max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField("thứ tự", default=1)

    scope_path = "initiative__unit__path"

    class Meta:
        ordering = ["initiative", "order", "pk"]
        verbose_name = "tác giả sáng kiến"
        verbose_name_plural = "tác giả sáng kiến"
        constraints = [models.UniqueConstraint(fields=["initiative", "person"],
                                               name="initiative_author_once")]

    def __str__(self) -> str:
        return f"{self.person} ({self.share}%)"


class Attachment(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE,
                                   related_name="attachments")
    file = models.FileField("tệp", upload_to="initiatives/%Y/")
    name = models.CharField("tên tệp", max_length=255)
    size = models.PositiveIntegerField("dung lượng (byte)", default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_path = "initiative__unit__path"

    class Meta:
        ordering = ["initiative", "pk"]
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"

    def __str__(self) -> str:
        return self.name


def default_rule() -> dict:
    from thidua.initiatives.policy import DEFAULT_RULE

    return DEFAULT_RULE.to_dict()


class Council(NormalizedTextMixin, models.Model):
    """The initiative council (hội đồng sáng kiến) of a unit, level and year."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT,
                             related_name="initiative_councils")
    level = models.CharField("cấp", max_length=10, choices=Level.choices,
                             default=Level.GRASSROOTS)
    year = models.PositiveSmallIntegerField("năm")
    name = models.CharField("tên hội đồng", max_length=300)
    decision_number = models.CharField("quyết định thành lập", max_length=60, blank=True)
    #: The scoring rule (criteria with maximum points, pass mark, yes-vote share):
    #: a copy of ``policy.DEFAULT_RULE`` unless the unit changes it.
    rule = models.JSONField("quy tắc chấm điểm", default=default_rule)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "unit__path"

    class Meta:
        ordering = ["-year", "unit__path", "level"]
        verbose_name = "hội đồng sáng kiến"
        verbose_name_plural = "hội đồng sáng kiến"
        constraints = [models.UniqueConstraint(fields=["unit", "level", "year"],
                                               name="initiative_council_once")]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    CHAIR = "chair", "Chủ tịch hội đồng"
    SECRETARY = "secretary", "Thư ký hội đồng"
    MEMBER = "member", "Ủy viên"


class CouncilMember(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="tài khoản",
                             on_delete=models.PROTECT, related_name="initiative_councils")
    role = models.CharField("vai trò", max_length=10, choices=MemberRole.choices,
                            default=MemberRole.MEMBER)
    title = models.CharField("chức vụ", max_length=200, blank=True)

    scope_path = "council__unit__path"

    class Meta:
        ordering = ["council", "role", "pk"]
        verbose_name = "thành viên hội đồng"
        verbose_name_plural = "thành viên hội đồng"
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="initiative_member_once"),
            models.UniqueConstraint(fields=["council", "role"],
                                    condition=Q(role__in=["chair", "secretary"]),
                                    name="initiative_one_chair_one_secretary"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class Session(models.Model):
    """A meeting of a council; closing it computes the results and freezes the ballots."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField("ngày họp")
    place = models.CharField("địa điểm", max_length=200, blank=True)
    is_closed = models.BooleanField("đã kết thúc", default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    #: The rule used at the close and the minutes data (attendance, per-item results).
    rule = models.JSONField(default=dict, blank=True)
    minutes = models.JSONField(default=dict, blank=True)

    scope_path = "council__unit__path"

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = "phiên họp hội đồng"
        verbose_name_plural = "phiên họp hội đồng"

    def __str__(self) -> str:
        return f"{self.council} – {self.held_on:%d/%m/%Y}"


class AgendaItem(models.Model):
    """An application on a session's agenda, with its result once the session closes."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="items")
    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT,
                                   related_name="agenda_items")
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    mean_score = models.DecimalField("điểm trung bình", max_digits=6, decimal_places=2,
                                     null=True, blank=True)
    yes_votes = models.PositiveSmallIntegerField("phiếu đồng ý", null=True, blank=True)
    no_votes = models.PositiveSmallIntegerField("phiếu không đồng ý", null=True, blank=True)
    members_count = models.PositiveSmallIntegerField("số thành viên", null=True, blank=True)
    passed = models.BooleanField("đạt", null=True, blank=True)

    scope_path = "session__council__unit__path"

    class Meta:
        ordering = ["session", "order", "pk"]
        verbose_name = "sáng kiến trong phiên họp"
        verbose_name_plural = "sáng kiến trong phiên họp"
        constraints = [models.UniqueConstraint(fields=["session", "initiative"],
                                               name="initiative_agenda_once")]

    def __str__(self) -> str:
        return f"{self.session}: {self.initiative}"


class Ballot(models.Model):
    """One member's scores (per criterion of the rule) and vote on one agenda item."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="ballots")
    #: {criterion code: points}
    scores = models.JSONField("điểm theo tiêu chí", default=dict)
    total = models.DecimalField("tổng điểm", max_digits=6, decimal_places=2)
    vote_yes = models.BooleanField("đồng ý công nhận")
    comment = models.TextField("ý kiến", blank=True, max_length=2000)
    cast_at = models.DateTimeField(auto_now_add=True)

    scope_path = "item__session__council__unit__path"

    class Meta:
        verbose_name = "phiếu chấm của thành viên"
        verbose_name_plural = "phiếu chấm của thành viên"
        constraints = [models.UniqueConstraint(fields=["item", "member"],
                                               name="initiative_one_ballot")]

    def __str__(self) -> str:
        # Never the scores: the ballot stays secret until the session closes.
        return f"Phiếu chấm của {self.member}"


class Replication(NormalizedTextMixin, models.Model):
    """A unit records that it applied a recognised initiative, with the results."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE,
                                   related_name="replications")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị áp dụng", on_delete=models.PROTECT,
                             related_name="initiative_replications")
    applied_on = models.DateField("áp dụng từ ngày")
    results = models.TextField("kết quả áp dụng")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope_path = "unit__path"

    class Meta:
        ordering = ["-applied_on", "pk"]
        verbose_name = "nơi nhân rộng"
        verbose_name_plural = "nơi nhân rộng"
        constraints = [models.UniqueConstraint(fields=["initiative", "unit"],
                                               name="initiative_replicated_once")]

    def __str__(self) -> str:
        return f"{self.initiative} @ {self.unit}"
