"""API tokens: a secret shown once, stored only as its SHA-256.

A token acts as its user: it reads exactly what the user's roles let the user
read. The plain token (``td_`` + 43 url-safe characters, 256 random bits) is
given once when it is issued; the database keeps its hash, so a leaked
database or backup holds no usable token, and a short prefix to tell tokens
apart in the admin.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from thidua.core.models import NormalizedTextMixin

TOKEN_PREFIX = "td_"  # noqa: S105 - the public start of every token, not a secret
#: Characters of the plain token kept for display ("td_" and 8 more).
DISPLAY_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
#: ``last_used_at`` is written at most once per this interval, not once per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


class ApiToken(NormalizedTextMixin, models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="tài khoản",
                             on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("tên mã", max_length=100,
                            help_text="Dùng cho việc gì, ở hệ thống nào.")
    key_hash = models.CharField("băm SHA-256", max_length=64, unique=True, editable=False)
    prefix = models.CharField("tiền tố", max_length=16, editable=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    last_used_at = models.DateTimeField("dùng lần cuối", null=True, blank=True, editable=False)
    expires_at = models.DateTimeField("hết hạn lúc", null=True, blank=True,
                                      help_text="Để trống nếu không hết hạn.")
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "mã truy cập API"
        verbose_name_plural = "mã truy cập API"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
        """Create a token for ``user``; return it with the plain token, which is not stored."""
        token = cls(user=user, name=name, expires_at=expires_at)
        plain = token.set_new_key()
        token.save()
        return token, plain

    def set_new_key(self) -> str:
        """Give the (unsaved) token a fresh secret; return the plain token."""
        plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.key_hash = hash_token(plain)
        self.prefix = plain[:DISPLAY_PREFIX_LENGTH]
        return plain

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_usable(self, now: datetime) -> bool:
        """Not revoked, not expired, and its user may still log in."""
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
            and self.user.is_active
        )

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def touch(self, now: datetime) -> None:
        """Record a use, writing at most once per ``LAST_USED_RESOLUTION``.

        A queryset update: no signals, so no audit-log entry per use.
        """
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
