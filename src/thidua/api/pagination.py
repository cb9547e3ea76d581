"""Limit/offset pagination of the API's lists, with the total count."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500


class Pagination(LimitOffsetPagination):
    """``?limit=&offset=``; a limit above ``MAX_LIMIT`` is refused (422), never cut silently.

    A silent cut would make a client that steps ``offset`` by its own ``limit``
    skip rows.
    """

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Số bản ghi mỗi trang (tối đa 500).")
        offset: int = Field(0, ge=0, description="Bỏ qua bao nhiêu bản ghi đầu.")

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
