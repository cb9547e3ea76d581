"""The ThiĐua API (django-ninja): /api/v1, token auth, OpenAPI at /api/v1/openapi.json.

Every endpoint needs ``Authorization: Bearer <token>`` (see :mod:`thidua.api.auth`);
each app adds its router here.
"""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from thidua.api.auth import INVALID_MESSAGE, MISSING_MESSAGE, InvalidToken, TokenAuth
from thidua.api.routers.awards import router as awards_router
from thidua.api.routers.dossiers import router as dossiers_router
from thidua.api.routers.kpi import router as kpi_router
from thidua.api.routers.movements import router as movements_router
from thidua.api.routers.org import router as org_router

api = NinjaAPI(
    title="ThiĐua API",
    version="1",
    description="API của ThiĐua: đọc theo phạm vi vai trò; văn phòng, cán bộ thi đua duyệt "
                "đăng ký và nhập số liệu. Mỗi yêu cầu gửi tiêu đề "
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


#: Vietnamese wording of pydantic's error types (its own messages are English).
ERROR_WORDS = {
    "missing": "Thiếu giá trị.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "bool_parsing": "Phải là true hoặc false.",
    "date_from_datetime_parsing": "Ngày phải có dạng YYYY-MM-DD.",
    "date_parsing": "Ngày phải có dạng YYYY-MM-DD.",
    "decimal_parsing": "Phải là số.",
    "less_than_equal": "Giá trị quá lớn.",
    "greater_than_equal": "Giá trị quá nhỏ.",
    "greater_than": "Giá trị quá nhỏ.",
    "string_too_long": "Chuỗi quá dài.",
    "enum": "Giá trị không nằm trong danh sách cho phép.",
    "literal_error": "Giá trị không nằm trong danh sách cho phép.",
}


def _vietnamese(error: dict) -> dict:
    """One pydantic error with its message in Vietnamese (the limit kept when there is one)."""
    message = ERROR_WORDS.get(error.get("type"), "Giá trị không hợp lệ.")
    limit = (error.get("ctx") or {}).get("le") or (error.get("ctx") or {}).get("ge")
    if limit is not None:
        message = f"{message[:-1]} (giới hạn {limit})."
    return {"loc": error.get("loc"), "type": error.get("type"), "msg": message}


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    """A Vietnamese ``detail`` like every other error, and each field's error in Vietnamese."""
    errors = [_vietnamese(e) for e in exc.errors]
    return api.create_response(
        request, {"detail": "Tham số không hợp lệ.", "errors": errors}, status=422
    )


api.add_router("/", org_router)
api.add_router("/", movements_router)
api.add_router("/kpi", kpi_router)
api.add_router("/", dossiers_router)
api.add_router("/awards", awards_router)
