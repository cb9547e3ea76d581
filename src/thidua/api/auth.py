"""Token authentication of the API: ``Authorization: Bearer <token>``, nothing else.

No session authentication: a browser's login cookie opens no API endpoint,
so the API needs no CSRF protection.
"""

from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from thidua.api.models import ApiToken, hash_token

MISSING_MESSAGE = "Cần mã truy cập API: gửi tiêu đề Authorization: Bearer <mã>."
INVALID_MESSAGE = "Mã truy cập API không hợp lệ, đã bị thu hồi hoặc đã hết hạn."


class InvalidToken(AuthenticationError):
    """A bearer token was sent but opens nothing (unknown, revoked, expired, user inactive)."""

    def __init__(self) -> None:
        super().__init__(message=INVALID_MESSAGE)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        """The token's user, who then stands for ``request.user`` in the API."""
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token.strip()))
            .first()
        )
        now = timezone.now()
        if found is None or not found.is_usable(now):
            raise InvalidToken()
        found.touch(now)
        request.user = found.user
        request.api_token = found
        return found.user
