"""``thidua create-api-token USERNAME --name "..."``: issue an API token, print it once.

The token alone goes to stdout (``TOKEN=$(thidua create-api-token ...)``
works); the notice goes to stderr. Only its hash is stored: a lost token is
revoked in the admin and a new one issued.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from thidua.api.models import ApiToken


class Command(BaseCommand):
    help = "Tạo mã truy cập API cho một tài khoản và in mã ra một lần duy nhất."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Tên đăng nhập của tài khoản giữ mã.")
        parser.add_argument("--name", required=True, help="Mã dùng cho việc gì, ở hệ thống nào.")
        parser.add_argument("--days", type=int, default=None,
                            help="Hết hạn sau bấy nhiêu ngày (mặc định: không hết hạn).")

    def handle(self, *args, username, name, days, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as exc:
            raise CommandError(f"Không có tài khoản «{username}».") from exc
        if not user.is_active:
            raise CommandError(f"Tài khoản «{username}» đang bị khóa.")
        if not name.strip():
            raise CommandError("Cần đặt tên cho mã (--name).")
        if days is not None and days < 1:
            raise CommandError("--days phải là số ngày dương.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        token, plain = ApiToken.issue(user, name=name, expires_at=expires_at)
        self.stderr.write(
            f"Đã tạo mã «{token.name}» ({token.prefix}…) cho {username}. "
            "Mã chỉ hiện một lần dưới đây, hãy lưu ngay:"
        )
        self.stdout.write(plain)
