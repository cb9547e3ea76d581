"""What the API shows of units and people: codes with their Vietnamese labels."""

from datetime import date, datetime

from ninja import Field, Schema

from thidua.org.choices import Gender, PersonStatus, Sector, StaffCategory


class UnitOut(Schema):
    id: int
    code: str = Field(description="Mã đơn vị.")
    name: str
    short_name: str
    kind: str = Field(alias="kind.code", description="Mã loại đơn vị.")
    kind_label: str = Field(alias="kind.name")
    sector: Sector
    sector_label: str = Field(alias="get_sector_display")
    parent_id: int | None = Field(
        None, description="Đơn vị cấp trên; null nếu là gốc hoặc nằm ngoài phạm vi được xem.")
    depth: int = Field(description="Cấp trong cây tổ chức, gốc là 1.")
    is_active: bool
    division_code: str = Field(description="Mã địa bàn hành chính.")
    merged_into_id: int | None = Field(
        None, alias="visible_successor_id",
        description="Đơn vị tiếp nhận khi sáp nhập; null nếu nằm ngoài phạm vi được xem.")
    merged_on: date | None = None


class UnitDetail(UnitOut):
    children_count: int = Field(alias="numchild", description="Số đơn vị trực thuộc trực tiếp.")
    people_count: int = Field(description="Số cán bộ trong cả cây con.")
    active_people_count: int = Field(description="Số cán bộ đang công tác trong cả cây con.")


class UnitFilters(Schema):
    root: int | None = Field(None, description="Chỉ lấy cây con của đơn vị có id này.")
    q: str = Field("", description="Tìm theo tên (không phân biệt dấu, hoa thường) hoặc mã.")
    kind: str = Field("", description="Mã loại đơn vị, ví dụ chi_bo.")
    active: bool | None = Field(None, description="true: đang hoạt động; false: đã thôi.")


class PersonOut(Schema):
    id: int
    staff_code: str
    full_name: str
    gender: Gender
    gender_label: str = Field(alias="get_gender_display")
    date_of_birth: date | None = None
    ethnicity: str
    staff_category: StaffCategory
    staff_category_label: str = Field(alias="get_staff_category_display")
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    is_party_member: bool
    party_joined_on: date | None = None
    position: str
    job_position: str
    is_leader: bool
    status: PersonStatus
    status_label: str = Field(alias="get_status_display")


class PersonDetail(PersonOut):
    party_cell_id: int | None = Field(
        None, alias="visible_cell_id",
        description="Chi bộ sinh hoạt; null nếu nằm ngoài phạm vi được xem.")
    party_cell_name: str | None = Field(None, alias="visible_cell_name")
    email: str
    phone: str
    created_at: datetime
    updated_at: datetime


class PeopleFilters(Schema):
    unit: int | None = Field(None, description="Chỉ lấy cán bộ trong cây con của đơn vị này.")
    q: str = Field("", description="Tìm theo họ tên (không phân biệt dấu, hoa thường) "
                                   "hoặc mã cán bộ.")
    category: StaffCategory | None = Field(None, description="Loại cán bộ.")
    party: bool | None = Field(None, description="true: đảng viên; false: chưa là đảng viên.")
    gender: Gender | None = None
    status: PersonStatus | None = None
