from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from thidua.core.text import normalize_model_text


class NormalizedTextMixin:
    """Stores every char/text field in NFC, whatever the input path (form, API, admin)."""

    def save(self, *args, **kwargs):
        normalize_model_text(self)
        return super().save(*args, **kwargs)


class TransitionLogQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        ).order_by("at", "pk")


class TransitionLog(models.Model):
    """Who moved which record from which state to which, when, and why."""

    content_type = models.ForeignKey(ContentType, verbose_name="loại hồ sơ",
                                     on_delete=models.CASCADE)
    object_id = models.BigIntegerField("mã hồ sơ")
    transition = models.CharField("thao tác", max_length=50)
    from_state = models.CharField("từ trạng thái", max_length=30)
    to_state = models.CharField("sang trạng thái", max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thực hiện", null=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    at = models.DateTimeField("thời điểm", auto_now_add=True)
    reason = models.TextField("lý do", blank=True)

    objects = TransitionLogQuerySet.as_manager()

    class Meta:
        verbose_name = "lịch sử chuyển trạng thái"
        verbose_name_plural = "lịch sử chuyển trạng thái"
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.transition}: {self.from_state} → {self.to_state}"


class Notification(models.Model):
    """An in-app notice for one user (reminders, returned records…).

    ``key`` makes sending idempotent: the same reminder for the same user on the
    same day is one row, however often the reminder command runs.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    key = models.CharField(max_length=200)
    title = models.CharField("tiêu đề", max_length=300)
    body = models.TextField("nội dung", blank=True)
    url = models.CharField("đường dẫn", max_length=300, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_notification_once")]
        indexes = [models.Index(fields=["user", "read_at"], name="core_notification_unread")]

    def __str__(self):
        return self.title
