"""What the API shows of movements: the plan, its targets with their live values, registrations.

Codes come with their Vietnamese labels, like the org schemas. Decimal
quantities (goals, values, numbers) are JSON numbers: they are percentages
and counts rounded to two places, not money, and clients chart them.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from ninja import Field, Schema

from thidua.movements import indicators
from thidua.movements.models import (
    MOVEMENT_WORKFLOW,
    REGISTRATION_WORKFLOW,
    Comparator,
    MilestoneKind,
)


def _states(name: str, workflow) -> type[Enum]:
    """An enum of a workflow's states, so that the states are declared once (in the model)."""
    return Enum(name, {state: state for state in workflow.states}, type=str)


MovementState = _states("MovementState", MOVEMENT_WORKFLOW)
RegistrationState = _states("RegistrationState", REGISTRATION_WORKFLOW)


def _indicator_label(target) -> str:
    """What the target measures, as the indicator words it (a manual target says its measure)."""
    try:
        return indicators.get(target.indicator).describe(target.params or {})
    except KeyError:  # an indicator whose app is not installed: show its key, do not fail
        return target.indicator


def _unit_label(target) -> str:
    """"%" for shares; a manual target may name its own unit in its parameters."""
    try:
        return indicators.get(target.indicator).unit_label_for(target.params or {})
    except KeyError:
        return ""


class UnitRef(Schema):
    id: int
    code: str
    name: str


class ContentOut(Schema):
    id: int
    order: int
    title: str
    text: str


class MilestoneOut(Schema):
    id: int
    kind: MilestoneKind
    kind_label: str = Field(alias="get_kind_display")
    title: str
    due_on: date
    actor: str = Field(description="Đơn vị, người phải thực hiện, như kế hoạch ghi.")
    actor_kinds: list[str] = Field(
        description="Mã các loại đơn vị phải thực hiện; rỗng: các loại đơn vị tham gia.")
    requires_report: bool

    @staticmethod
    def resolve_actor_kinds(obj) -> list[str]:
        return [kind.code for kind in obj.actor_kinds.all()]


class TargetOut(Schema):
    id: int
    order: int
    wording: str = Field(description="Chỉ tiêu như kế hoạch ghi.")
    indicator: str = Field(description="Mã cách đo.")
    measure: str = Field(description="Đại lượng được đo.")
    unit_label: str = Field(description="Đơn vị của giá trị và mức phải đạt, ví dụ %.")
    comparator: Comparator
    comparator_label: str = Field(alias="get_comparator_display")
    goal: float = Field(description="Mức phải đạt.")
    deadline: date | None = Field(None, description="Hạn đạt; quá hạn mà chưa đạt là “Quá hạn”.")
    params: dict = Field(description="Tham số của cách đo.")

    @staticmethod
    def resolve_measure(obj) -> str:
        return _indicator_label(obj)

    @staticmethod
    def resolve_unit_label(obj) -> str:
        return _unit_label(obj)


class MovementOut(Schema):
    id: int
    document_number: str = Field(description="Số và ký hiệu như trên văn bản, ví dụ 167-KH/ĐU.")
    number: str
    symbol: str
    issued_on: date
    title: str
    state: MovementState
    state_label: str = Field(alias="get_state_display")
    issuing_unit_id: int
    issuing_unit_name: str = Field(alias="issuing_unit.name")
    scope_unit_id: int = Field(description="Phong trào áp dụng cho đơn vị này và cả cây con.")
    scope_unit_name: str = Field(alias="scope_unit.name")
    starts_on: date
    ends_on: date
    registration_count: int = Field(description="Số đơn vị đã đăng ký (mọi trạng thái).")
    accepted_count: int = Field(description="Số đăng ký đơn vị đã được chấp nhận.")


class MovementDetail(MovementOut):
    theme: str
    participant_kinds: list[str] = Field(description="Mã các loại đơn vị tham gia.")
    staff_categories: list[str] = Field(description="Mã các đối tượng cán bộ tham gia.")
    contents: list[ContentOut]
    milestones: list[MilestoneOut]
    targets: list[TargetOut]
    created_at: datetime

    @staticmethod
    def resolve_participant_kinds(obj) -> list[str]:
        return [kind.code for kind in obj.participant_kinds.all()]


class MovementFilters(Schema):
    state: MovementState | None = Field(None, description="draft, launched hoặc closed.")
    q: str = Field("", description="Tìm theo tên phong trào (không phân biệt dấu, hoa thường) "
                                   "hoặc số, ký hiệu văn bản.")


class TargetValueOut(TargetOut):
    value: float | None = Field(description="Giá trị tại đơn vị; null khi chưa có mẫu số.")
    numerator: float
    denominator: float
    status: str = Field(description="met, behind, overdue hoặc no_data.")
    status_label: str


class TargetValuesOut(Schema):
    movement_id: int
    unit: UnitRef = Field(description="Đơn vị được tính (cả cây con của nó).")
    today: date = Field(description="Ngày dùng để xét quá hạn.")
    targets: list[TargetValueOut]


class TargetValuesFilters(Schema):
    unit: int | None = Field(None, description="Đơn vị cần xem; mặc định phạm vi phong trào "
                                               "(hoặc đơn vị cao nhất của bạn trong phạm vi).")


class CommitmentOut(Schema):
    id: int
    content_id: int | None = None
    target_id: int | None = None
    text: str
    number: float | None = None


class RegistrationOut(Schema):
    id: int
    movement_id: int
    unit_id: int
    unit_code: str = Field(alias="unit.code")
    unit_name: str = Field(alias="unit.name")
    person_id: int | None = Field(None, description="Có giá trị khi là đăng ký của cá nhân.")
    person_name: str | None = Field(None, alias="person.full_name")
    state: RegistrationState
    state_label: str = Field(alias="get_state_display")
    is_late: bool = Field(description="Gửi sau hạn đăng ký.")
    note: str
    submitted_at: datetime | None = None
    accepted_at: datetime | None = None
    created_at: datetime
    commitments: list[CommitmentOut]


class RegistrationFilters(Schema):
    state: RegistrationState | None = None
    unit: int | None = Field(None, description="Chỉ lấy đăng ký trong cây con của đơn vị này.")


class ReturnIn(Schema):
    reason: str = Field(description="Lý do trả lại (bắt buộc), đơn vị sẽ thấy lý do này.")


class ManualValueIn(Schema):
    target: int = Field(description="Chỉ tiêu nhập tay của phong trào.")
    unit: int
    value: Decimal = Field(max_digits=12, decimal_places=2)
    measured_on: date = Field(description="Ngày của số liệu; nhập lại cùng ngày thì thay số cũ.")
    note: str = Field("", description="Ghi chú, nguồn số liệu.")


class ManualValueOut(Schema):
    id: int
    target_id: int
    unit_id: int
    value: float
    measured_on: date
    note: str


class ErrorOut(Schema):
    detail: str
