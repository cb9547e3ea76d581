"""What the API shows of KPI sheets, and what it takes to change them.

A sheet comes with its tasks, its score and grade, and the computation line
by line (the same lines the sheet page shows). Scores and points are JSON
numbers rounded to two places. Codes come with their Vietnamese labels.
"""

from datetime import datetime
from enum import Enum

from ninja import Field, Schema

from thidua.kpi.models import SHEET_WORKFLOW
from thidua.kpi.policy import Grade

#: Figures are whole numbers; beyond this they are typing slips (and overflow the column).
MAX_COUNT = 1_000_000

SheetState = Enum("SheetState", {state: state for state in SHEET_WORKFLOW.states}, type=str)
TransitionName = Enum("TransitionName", {name: name for name in SHEET_WORKFLOW.transitions},
                      type=str)
GradeCode = Enum("GradeCode", {code: code for code in Grade.ORDER}, type=str)


class SheetOut(Schema):
    id: int
    person_id: int
    staff_code: str = Field(alias="person.staff_code")
    full_name: str = Field(alias="person.full_name")
    unit_id: int = Field(description="Đơn vị chấm phiếu (nơi cán bộ công tác khi được đánh giá).")
    month: str = Field(description="Tháng đánh giá, dạng YYYY-MM.")
    state: SheetState
    state_label: str = Field(alias="get_state_display")
    is_leader: bool = Field(description="Phiếu của lãnh đạo, quản lý (mang kết quả của đơn vị).")
    task_group: str = Field(description="Nhóm nhiệm vụ (tỷ lệ HTXS tính theo đơn vị và nhóm).")
    score: float = Field(description="Điểm (0–100).")
    grade: GradeCode = Field(description="Xếp loại: htxs, htt, ht hoặc kht.")
    grade_short: str = Field(description="HTXS, HTT, HT hoặc KHT.")
    grade_label: str = Field(alias="get_grade_display")
    computed_grade: GradeCode = Field(description="Xếp loại theo điểm (trước khi hạ theo quy "
                                                  "định hoặc theo tỷ lệ HTXS).")
    grade_note: str = Field(description="Lý do xếp loại khác với điểm, nếu có.")
    updated_at: datetime
    finalised_at: datetime | None = None

    @staticmethod
    def resolve_month(obj) -> str:
        return f"{obj.month:%Y-%m}"

    @staticmethod
    def resolve_grade_short(obj) -> str:
        return Grade.SHORT[obj.grade]


class TaskOut(Schema):
    id: int
    order: int
    name: str
    assigned: int
    done: int
    meeting: int
    on_time: int
    major_errors: int
    late_deliveries: int
    objective_cause: bool


class LineOut(Schema):
    label: str
    detail: str
    value: float


class TaskResultOut(Schema):
    task_id: int | None = None
    name: str
    quantity: float = Field(description="Tỷ lệ số lượng (%).")
    quality: float = Field(description="Tỷ lệ chất lượng sau khi trừ lỗi lớn (%).")
    timeliness: float = Field(description="Tỷ lệ tiến độ sau khi trừ lần chậm (%).")
    share: float = Field(description="Tỷ lệ điểm của nhiệm vụ đạt được (%).")
    lines: list[LineOut]


class BreakdownOut(Schema):
    policy: str = Field(description="Chính sách chấm điểm áp dụng cho tháng.")
    general: float = Field(description="Điểm các tiêu chí chung.")
    tasks: float = Field(description="Điểm kết quả thực hiện nhiệm vụ.")
    score: float
    grade: GradeCode
    override: str = Field(description="Lý do quy định buộc xếp loại KHT, nếu có.")
    lines: list[LineOut]
    task_results: list[TaskResultOut]


class CriterionOut(Schema):
    code: str
    label: str
    max_points: float


class TransitionOut(Schema):
    name: TransitionName
    label: str
    reason_required: bool


class SheetDetail(SheetOut):
    locked: bool = Field(description="Tháng của đơn vị đã khóa sổ: mọi thay đổi bị từ chối.")
    self_general: dict[str, float] = Field(description="Điểm tự đánh giá các tiêu chí chung.")
    review_general: dict[str, float] = Field(description="Điểm lãnh đạo đánh giá lại.")
    self_comment: str
    review_comment: str
    criteria: list[CriterionOut] = Field(description="Các tiêu chí chung và điểm tối đa.")
    tasks: list[TaskOut]
    breakdown: BreakdownOut
    transitions: list[TransitionOut] = Field(
        description="Các thao tác bạn được thực hiện trên phiếu lúc này.")


class SheetFilters(Schema):
    state: SheetState | None = Field(None, description="draft, submitted, returned hoặc "
                                                       "finalised.")


class SheetIn(Schema):
    person: int = Field(description="Cán bộ cần lập phiếu (đang công tác tại đơn vị).")


class TaskIn(Schema):
    name: str = Field(max_length=500, description="Nhiệm vụ, sản phẩm.")
    assigned: int = Field(le=MAX_COUNT, description="Số lượng giao (từ 1).")
    done: int = Field(0, le=MAX_COUNT, description="Số hoàn thành (không quá số giao).")
    meeting: int = Field(0, le=MAX_COUNT, description="Số đạt yêu cầu (không quá số hoàn thành).")
    on_time: int = Field(0, le=MAX_COUNT, description="Số đúng hạn (không quá số hoàn thành).")
    major_errors: int = Field(0, le=MAX_COUNT, description="Số lỗi lớn.")
    late_deliveries: int = Field(0, le=MAX_COUNT, description="Số lần chậm.")
    objective_cause: bool = Field(False, description="Lỗi, chậm có nguyên nhân khách quan "
                                                     "được xác nhận (không trừ điểm).")
    reason: str = Field("", description="Lý do (bắt buộc khi lãnh đạo sửa phiếu đã gửi).")


class GeneralIn(Schema):
    scores: dict[str, float | str] = Field(
        description="Mã tiêu chí → điểm, ví dụ {\"chinh_tri\": 6}; xem `criteria` của phiếu.")
    comment: str = Field("", description="Nhận xét.")
    reason: str = Field("", description="Lý do (bắt buộc khi lãnh đạo sửa phiếu đã gửi).")


class TransitionIn(Schema):
    transition: TransitionName = Field(description="submit (gửi), return (trả lại), finalise "
                                                   "(chốt) hoặc reopen (mở lại).")
    reason: str = Field("", description="Lý do (bắt buộc khi trả lại và mở lại).")


class KpiErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = Field(
        None, description="Lỗi theo từng trường, khi có.")
