"""The ThiĐua API (django-ninja): /api/v1, token auth, OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="ThiĐua API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
)
