"""The ThiĐua API (django-ninja): /api/v1, token auth, OpenAPI at /api/v1/openapi.json.

Every endpoint needs ``Authorization: Bearer <token>`` (see :mod:`thidua.api.auth`);
each app adds its router here.
"""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from thidua.api.auth import INVALID_MESSAGE, MISSING_MESSAGE, InvalidToken, TokenAuth
from thidua.api.routers.org import router as org_router

api = NinjaAPI(
    title="ThiĐua API",
    version="1",
    description="API chỉ đọc của ThiĐua. Mỗi yêu cầu gửi tiêu đề "
                "`Authorization: Bearer <mã>`; dữ liệu trả về đúng phạm vi "
                "vai trò của tài khoản giữ mã.",
    urls_namespace="api",
    docs_url="/docs",
    auth=TokenAuth(),
)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    message = INVALID_MESSAGE if isinstance(exc, InvalidToken) else MISSING_MESSAGE
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Không tìm thấy."}, status=404)


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    """A Vietnamese ``detail`` like every other error, with pydantic's list under ``errors``."""
    return api.create_response(
        request, {"detail": "Tham số không hợp lệ.", "errors": exc.errors}, status=422
    )


api.add_router("/", org_router)
