"""Citizen ratings: service desks (bộ phận một cửa), the officials working at them,
and the ratings citizens leave by scanning a QR code.

The rating scale is data, not a model: :data:`SCALES` lists the levels of the
3-level (default) and 5-level scales and which of them count as satisfied; a
desk chooses its scale and may override the list of reasons offered for an
unsatisfied rating. A rating stores whether it was satisfied at the time it
was given, so that results never depend on a later change of scale.

Procedure dossiers (hồ sơ thủ tục) will be added to this app later; a rating
already carries the dossier code the citizen typed, unique per unit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from thidua.org.models import Person, Unit


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    satisfied: bool


SCALES: dict[str, tuple[Level, ...]] = {
    "3": (
        Level("hai_long", "Hài lòng", True),
        Level("binh_thuong", "Bình thường", False),
        Level("khong_hai_long", "Không hài lòng", False),
    ),
    "5": (
        Level("rat_hai_long", "Rất hài lòng", True),
        Level("hai_long", "Hài lòng", True),
        Level("binh_thuong", "Bình thường", False),
        Level("khong_hai_long", "Không hài lòng", False),
        Level("rat_khong_hai_long", "Rất không hài lòng", False),
    ),
}
SCALE_CHOICES = [("3", "3 mức (Hài lòng, Bình thường, Không hài lòng)"),
                 ("5", "5 mức (Rất hài lòng … Rất không hài lòng)")]
DEFAULT_SCALE = "3"
DEFAULT_REASONS = [
    "Thái độ chưa đúng mực",
    "Thời gian giải quyết lâu",
    "Hướng dẫn chưa rõ",
    "Yêu cầu bổ sung hồ sơ nhiều lần",
    "Khác",
]
COMMENT_MAX = 500
DOSSIER_MAX = 50
#: Every level label by code, over both scales.
LEVEL_LABELS = {level.code: level.label for scale in SCALES.values() for level in scale}


def new_token() -> str:
    return secrets.token_urlsafe(16)


def default_reasons() -> list[str]:
    return list(DEFAULT_REASONS)


class ServiceDesk(models.Model):
    """A place where citizens are served (the one-stop desk of a ward…)."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT,
                             related_name="service_desks")
    name = models.CharField("tên quầy, bộ phận", max_length=200)
    scale = models.CharField("thang đánh giá", max_length=1, choices=SCALE_CHOICES,
                             default=DEFAULT_SCALE)
    reasons = models.JSONField("lý do chưa hài lòng", default=default_reasons, blank=True)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    is_active = models.BooleanField("đang dùng", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "unit__path"

    class Meta:
        verbose_name = "quầy tiếp nhận"
        verbose_name_plural = "quầy tiếp nhận"
        ordering = ["unit", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def levels(self) -> tuple[Level, ...]:
        return SCALES.get(self.scale, SCALES[DEFAULT_SCALE])

    def reason_list(self) -> list[str]:
        return [str(reason) for reason in (self.reasons or DEFAULT_REASONS)]


class DeskOfficial(models.Model):
    """An official assigned to a desk, with his own QR code."""

    desk = models.ForeignKey(ServiceDesk, verbose_name="quầy", on_delete=models.CASCADE,
                             related_name="officials")
    person = models.ForeignKey(Person, verbose_name="cán bộ", on_delete=models.PROTECT,
                               related_name="desk_assignments")
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    is_active = models.BooleanField("đang làm việc tại quầy", default=True)

    scope_path = "desk__unit__path"

    class Meta:
        verbose_name = "cán bộ tại quầy"
        verbose_name_plural = "cán bộ tại quầy"
        constraints = [models.UniqueConstraint(fields=["desk", "person"],
                                               name="feedback_official_once_per_desk")]

    def __str__(self) -> str:
        return f"{self.person} – {self.desk}"


class Rating(models.Model):
    """One citizen's rating of a desk (and of an official when his code was scanned)."""

    desk = models.ForeignKey(ServiceDesk, verbose_name="quầy", on_delete=models.PROTECT,
                             related_name="ratings")
    official = models.ForeignKey(DeskOfficial, verbose_name="cán bộ", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="ratings")
    #: The desk's unit when rated (for the dossier code's uniqueness and for counting).
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT,
                             related_name="ratings")
    level = models.CharField("mức độ", max_length=20)
    satisfied = models.BooleanField("hài lòng")
    reasons = models.JSONField("lý do", default=list, blank=True)
    comment = models.TextField("góp ý", max_length=COMMENT_MAX, blank=True)
    dossier_code = models.CharField("mã hồ sơ", max_length=DOSSIER_MAX, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    #: sha256 of the client's address and user agent: rate limits without keeping the address.
    client_key = models.CharField(max_length=64, editable=False)

    scope_path = "unit__path"

    class Meta:
        verbose_name = "lượt đánh giá"
        verbose_name_plural = "lượt đánh giá"
        constraints = [models.UniqueConstraint(
            fields=["unit", "dossier_code"], condition=Q(dossier_code__isnull=False),
            name="feedback_rating_dossier_once_per_unit")]
        indexes = [models.Index(fields=["desk", "created_at"], name="feedback_rating_desk_time")]

    def __str__(self) -> str:
        return f"{self.desk_id}: {self.level_label}"

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)
