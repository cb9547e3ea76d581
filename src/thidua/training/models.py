"""Training records: the courses a person attended (bồi dưỡng cán bộ, công chức)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from thidua.core.models import NormalizedTextMixin
from thidua.org.models import Person


class Topic(models.TextChoices):
    PROFESSIONAL = "chuyen_mon", "Chuyên môn, nghiệp vụ"
    SKILLS = "ky_nang", "Kỹ năng"
    ETHICS = "dao_duc", "Đạo đức công vụ"
    OFFICE_CULTURE = "van_hoa", "Văn hóa công sở"
    IT = "cntt", "Công nghệ thông tin"
    DIGITAL = "chuyen_doi_so", "Chuyển đổi số"
    POLITICS = "ly_luan", "Lý luận chính trị"
    STATE_MANAGEMENT = "qlnn", "Quản lý nhà nước"
    DEFENCE = "qp_an", "Quốc phòng – an ninh"
    OTHER = "khac", "Khác"


#: More hours than this in one record is a typing slip (a year of full-time study).
MAX_HOURS = Decimal("2000")


class TrainingRecord(NormalizedTextMixin, models.Model):
    person = models.ForeignKey(Person, verbose_name="cán bộ", on_delete=models.CASCADE,
                               related_name="training_records")
    course = models.CharField("khóa học", max_length=300)
    topic = models.CharField("chủ đề", max_length=20, choices=Topic.choices)
    provider = models.CharField("cơ sở đào tạo", max_length=200, blank=True)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    hours = models.DecimalField("số giờ", max_digits=7, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.1"))])
    certificate = models.CharField("số chứng chỉ", max_length=100, blank=True)
    certificate_file = models.FileField("tệp chứng chỉ", upload_to="training/%Y/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người nhập",
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField("ngày nhập", auto_now_add=True)

    scope_path = "person__unit__path"

    class Meta:
        verbose_name = "khóa bồi dưỡng"
        verbose_name_plural = "quá trình bồi dưỡng"
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["person", "starts_on"], name="training_person_start")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="training_ends_after_start"),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="training_hours_positive"),
        ]

    def __str__(self):
        return f"{self.course} ({self.starts_on:%d/%m/%Y})"

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = (f"Đến ngày ({self.ends_on:%d/%m/%Y}) không được trước từ ngày "
                                 f"({self.starts_on:%d/%m/%Y}).")
        if self.hours is not None:
            if self.hours <= 0:
                errors["hours"] = "Số giờ phải lớn hơn 0."
            elif self.hours > MAX_HOURS:
                errors["hours"] = f"Số giờ {self.hours} quá lớn (tối đa {MAX_HOURS} giờ)."
        if errors:
            raise ValidationError(errors)
