"""What the API takes and shows of procedure dossiers."""

from datetime import datetime

from ninja import Field, Schema


class DossierIn(Schema):
    code: str = Field(description="Mã hồ sơ (duy nhất trong đơn vị tiếp nhận).")
    procedure: str = Field(description="Tên thủ tục hành chính.")
    field: str = Field("", description="Lĩnh vực.")
    received_at: str = Field(description="Ngày tiếp nhận: ISO 8601 (2026-05-04T08:30:00+07:00), "
                                         "2026-05-04 08:30 hoặc 04/05/2026 08:30.")
    due_at: str = Field(description="Hạn trả kết quả; chỉ ghi ngày thì là hết ngày đó.")
    resolved_at: str | None = Field(None, description="Ngày trả kết quả; null nếu chưa trả.")
    official: str = Field("", description="Mã cán bộ hoặc họ và tên cán bộ xử lý.")
    unit_code: str = Field("", description="Mã đơn vị tiếp nhận trong cây của unit_id; trống "
                                           "là chính unit_id.")
    status: str = Field("", description="tiep_nhan, dang_xu_ly, da_tra, tra_lai, rut (hoặc tên "
                                        "tiếng Việt); trống thì suy từ ngày trả kết quả.")


class DossierBatchIn(Schema):
    unit_id: int = Field(description="Đơn vị gửi (phải thuộc phạm vi quản lý của tài khoản).")
    dossiers: list[DossierIn] = Field(description="Tối đa 1000 hồ sơ mỗi lần gửi.")


class DossierItemError(Schema):
    index: int = Field(description="Vị trí của hồ sơ trong danh sách gửi, bắt đầu từ 0.")
    field: str
    column: str
    message: str


class DossierBatchOut(Schema):
    created: int
    updated: int


class DossierErrorOut(Schema):
    detail: str
    errors: list[DossierItemError] = []


class DossierOut(Schema):
    id: int
    unit_id: int
    unit_code: str = Field(alias="unit.code")
    code: str
    procedure: str
    field: str
    received_at: datetime
    due_at: datetime
    resolved_at: datetime | None = None
    official_id: int | None = None
    official_name: str
    status: str
    status_label: str = Field(alias="get_status_display")
    timing: str = Field(description="truoc_han, dung_han, qua_han; trống nếu chưa trả kết quả.")
    source: str
    updated_at: datetime


class DossierFilters(Schema):
    unit_id: int | None = Field(None, description="Chỉ lấy cây con của đơn vị có id này.")
    month: str = Field("", description="Chỉ lấy hồ sơ tiếp nhận trong tháng (YYYY-MM).")
