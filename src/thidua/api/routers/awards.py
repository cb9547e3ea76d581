"""API of commendation: eligibility of a unit's year (the same answer as
``thidua eligibility``).

The unit is reached through :func:`thidua.core.scoping.scope` with the read roles, so
another unit's id answers 404 like a missing one.
"""

from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from thidua.awards.eligibility import award_type_problems, evaluate
from thidua.core import scoping
from thidua.core.roles import READ_ROLES
from thidua.org.models import Unit

router = Router(tags=["Khen thưởng"])


class EligibilityFilters(Schema):
    year: int = Field(..., ge=2000, le=2100, description="Năm xét.")
    unit: int = Field(..., description="Mã số (id) của đơn vị.")
    subtree: bool = Field(True, description="Xét cả các đơn vị cấp dưới (mặc định có).")
    award_type: list[str] | None = Field(
        None, description="Chỉ xét các danh hiệu, hình thức có mã này (lặp lại được).")
    near_misses: bool = Field(True, description="Kèm danh sách gần đạt (mặc định có).")


class CheckOut(Schema):
    label: str
    met: bool
    detail: str
    url: str


class CandidateOut(Schema):
    subject: str
    person_id: int | None
    unit_id: int
    name: str
    unit_name: str
    award_type: str
    award_name: str
    eligible: bool
    manual: bool
    checks: list[CheckOut]
    missing: list[str]
    blocked: str
    grade: str
    score: Decimal | None
    rank: int | None
    within_quota: bool | None


class QuotaOut(Schema):
    limit: int
    used: int
    base_count: int
    share: Decimal
    base: str


class EligibilityOut(Schema):
    unit_id: int
    year: int
    award_types: list[str]
    candidates: list[CandidateOut]
    near_misses: list[CandidateOut]
    quotas: dict[str, QuotaOut]
    problems: list[str]


@router.get("/eligibility", response=EligibilityOut, summary="Danh sách đủ điều kiện khen thưởng",
            description="Cá nhân, tập thể đủ điều kiện (và gần đạt: thiếu đúng một điều kiện) "
                        "các danh hiệu, hình thức trong năm, kèm căn cứ từng điều kiện và hạn "
                        "mức (CSTĐCS không quá 15% số đạt LĐTT).")
def eligibility(request, filters: Query[EligibilityFilters]):
    unit = scoping.scope(Unit, request.auth, READ_ROLES).filter(pk=filters.unit).first()
    if unit is None:
        raise Http404("Không tìm thấy.")
    problems = award_type_problems(filters.award_type or [])
    if problems:
        raise HttpError(422, " ".join(problems))
    result = evaluate(unit, filters.year, award_types=filters.award_type,
                      subtree=filters.subtree)
    if not filters.near_misses:
        result.near_misses = []
    return result.as_json()
