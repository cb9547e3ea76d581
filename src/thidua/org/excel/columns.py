"""The columns of the units and people sheets, in one place.

The import templates, the importers and the people export all read these
specifications, so a header typed in the template is the header the importer
looks for and the header the export writes: an exported file imports back.
Headers are matched by :func:`header_key` — without accents, case, spaces,
punctuation or the "(*)" that marks a required column — in any column order.
"""

from __future__ import annotations

from dataclasses import dataclass

from thidua.org.choices import ETHNIC_GROUPS, Gender, PersonStatus, Sector, StaffCategory
from thidua.org.excel.cells import choice_key

REQUIRED_MARK = " (*)"

#: Names of the drop-down lists (columns of the hidden "Danh mục" sheet).
LIST_GENDER = "gender"
LIST_CATEGORY = "staff_category"
LIST_SECTOR = "sector"
LIST_YES_NO = "yes_no"
LIST_ETHNICITY = "ethnicity"
LIST_UNIT_KIND = "unit_kind"

YES, NO = "Có", "Không"
FOREIGN_LABEL = "Người nước ngoài"

GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, whether it is required, how to fill it."""

    key: str
    header: str
    required: bool = False
    width: int = 16
    guide: str = ""
    example: str = ""
    choices: str | None = None
    is_text: bool = False  # formatted as text so Excel keeps leading zeros of codes
    is_date: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def template_header(self) -> str:
        """The header written in the template: required columns carry "(*)"."""
        return self.header + (REQUIRED_MARK if self.required else "")

    def match_keys(self) -> set[str]:
        """Matching keys of the header and its accepted aliases."""
        return {header_key(name) for name in (self.header, *self.aliases)}


@dataclass(frozen=True)
class SheetSpec:
    """A kind of import: its data sheet, columns, and the words used about it."""

    slug: str  # the ``kind`` of the template URL
    title: str  # the data sheet's name
    noun: str  # what one row is, for messages ("đơn vị", "cán bộ")
    columns: tuple[Column, ...]
    purpose: str
    #: Headers accepted and ignored: the extra columns of the export, a serial number.
    ignored: tuple[str, ...] = ("STT", "Số thứ tự")

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def header_key(text) -> str:
    """Matching key of a header cell: "Mã đơn vị (*)" and "ma don vi" are equal."""
    return choice_key(str(text or "").replace("(*)", "").replace("*", ""))


def list_values(name: str, unit_kinds=()) -> list[str]:
    """The values of a drop-down list, as the user sees and types them."""
    if name == LIST_UNIT_KIND:
        return [kind.name for kind in unit_kinds]
    return {
        LIST_GENDER: [label for _value, label in Gender.choices],
        LIST_CATEGORY: [label for _value, label in StaffCategory.choices],
        LIST_SECTOR: [label for _value, label in Sector.choices],
        LIST_YES_NO: [YES, NO],
        LIST_ETHNICITY: [*ETHNIC_GROUPS, FOREIGN_LABEL],
    }[name]


def _labels(choices) -> str:
    return ", ".join(f"“{label}”" for _value, label in choices)


UNITS = SheetSpec(
    slug="don-vi",
    title="Đơn vị",
    noun="đơn vị",
    purpose=(
        "Mỗi dòng của trang “Đơn vị” là một đơn vị mới, được thêm vào cây tổ chức dưới "
        "đơn vị cấp trên của nó. Đơn vị cấp trên phải thuộc phạm vi bạn quản lý, hoặc là "
        "một dòng khác trong cùng tệp (các dòng có thể theo thứ tự bất kỳ)."
    ),
    columns=(
        Column("code", "Mã đơn vị", required=True, width=16, is_text=True, example="PAB-CB3",
               guide="Mã riêng của đơn vị, tối đa 40 ký tự; không được trùng với mã đã có "
                     "trong hệ thống hoặc với dòng khác trong tệp."),
        Column("name", "Tên đơn vị", required=True, width=40,
               example="Chi bộ Tổ dân phố 3", guide="Tên đầy đủ, tối đa 255 ký tự."),
        Column("short_name", "Tên viết tắt", width=18, example="CB TDP 3",
               guide="Không bắt buộc, tối đa 60 ký tự."),
        Column("kind", "Loại đơn vị", required=True, width=30, choices=LIST_UNIT_KIND,
               example="Chi bộ",
               guide="Tên (hoặc mã) một loại đơn vị trong danh mục của hệ thống; chọn trong "
                     "danh sách thả xuống. Không phân biệt chữ hoa, chữ thường, có dấu hay "
                     "không dấu."),
        Column("sector", "Khối", width=22, choices=LIST_SECTOR, example="Đảng",
               guide=f"Một trong: {_labels(Sector.choices)}. Để trống thì lấy theo loại "
                     "đơn vị."),
        Column("parent_code", "Mã đơn vị cấp trên", required=True, width=20, is_text=True,
               example="PAB",
               guide="Mã của đơn vị cấp trên trực tiếp: một đơn vị đã có trong phạm vi bạn "
                     "quản lý, hoặc mã của một dòng khác trong tệp này."),
        Column("division_code", "Mã địa bàn hành chính", width=22, is_text=True,
               example="26734",
               guide="Không bắt buộc. Mã đơn vị hành chính (tỉnh, xã, phường) theo danh mục "
                     "của cơ quan thống kê; chỉ gồm chữ số, tối đa 10 ký tự."),
    ),
)

PEOPLE = SheetSpec(
    slug="can-bo",
    title="Cán bộ",
    noun="cán bộ",
    purpose=(
        "Mỗi dòng của trang “Cán bộ” là một cán bộ, công chức, viên chức, người lao động "
        "mới. Đơn vị công tác và chi bộ phải thuộc phạm vi bạn quản lý."
    ),
    ignored=("STT", "Số thứ tự", "Đơn vị", "Tên đơn vị", "Trạng thái"),
    columns=(
        Column("staff_code", "Mã cán bộ", required=True, width=14, is_text=True,
               example="CB000123",
               guide="Mã riêng của người này, tối đa 30 ký tự; không được trùng với mã đã có "
                     "trong hệ thống hoặc với dòng khác trong tệp."),
        Column("full_name", "Họ và tên", required=True, width=28, example="Nguyễn Thị Hoa",
               guide="Họ, tên đệm và tên, có dấu; tối đa 120 ký tự."),
        Column("gender", "Giới tính", required=True, width=11, choices=LIST_GENDER,
               example="Nữ", guide=f"Một trong: {_labels(Gender.choices)}."),
        Column("date_of_birth", "Ngày sinh", width=13, is_date=True, example="15/03/1985",
               aliases=("Ngày tháng năm sinh", "Ngày, tháng, năm sinh"),
               guide="Không bắt buộc. Ghi theo dạng ngày/tháng/năm (15/03/1985 hoặc "
                     "5/3/1985), hoặc nhập ô kiểu ngày của Excel."),
        Column("ethnicity", "Dân tộc", width=14, choices=LIST_ETHNICITY, example="Kinh",
               guide="Không bắt buộc, để trống là “Kinh”. Một trong 54 dân tộc Việt Nam "
                     f"(xem danh sách thả xuống) hoặc “{FOREIGN_LABEL}”."),
        Column("staff_category", "Loại cán bộ", required=True, width=24,
               choices=LIST_CATEGORY, example="Công chức",
               guide=f"Một trong: {_labels(StaffCategory.choices)}."),
        Column("unit_code", "Mã đơn vị", required=True, width=14, is_text=True,
               example="PAB",
               guide="Mã của đơn vị công tác; đơn vị phải thuộc phạm vi bạn quản lý."),
        Column("is_party_member", "Đảng viên", width=11, choices=LIST_YES_NO, example=YES,
               guide="“Có” hoặc “Không”; để trống là “Không”."),
        Column("party_cell_code", "Mã chi bộ", width=14, is_text=True, example="PAB-CB1",
               guide="Chỉ ghi với đảng viên: mã của chi bộ nơi sinh hoạt (đơn vị loại "
                     "“Chi bộ”), thuộc phạm vi bạn quản lý."),
        Column("party_joined_on", "Ngày vào Đảng", width=15, is_date=True,
               example="03/02/2010",
               guide="Chỉ ghi với đảng viên; ngày/tháng/năm, phải sau ngày sinh."),
        Column("position", "Chức vụ", width=24, example="Phó Chủ tịch",
               guide="Không bắt buộc, tối đa 120 ký tự."),
        Column("job_position", "Vị trí việc làm", width=24, example="Văn phòng - thống kê",
               guide="Không bắt buộc, tối đa 120 ký tự."),
        Column("is_leader", "Lãnh đạo", width=11, choices=LIST_YES_NO, example=YES,
               guide="“Có” nếu giữ chức vụ lãnh đạo, quản lý; để trống là “Không”."),
        Column("email", "Thư điện tử", width=28, example="hoa.nt@example.com",
               aliases=("Email", "E-mail", "Địa chỉ thư điện tử"),
               guide="Không bắt buộc; một địa chỉ thư điện tử hợp lệ."),
        Column("phone", "Điện thoại", width=14, is_text=True, example="0912345678",
               aliases=("Số điện thoại",),
               guide="Không bắt buộc; chữ số và các dấu + ( ) . -, tối đa 20 ký tự."),
    ),
)

SPECS = {spec.slug: spec for spec in (UNITS, PEOPLE)}

#: Extra columns of the people export (besides the import columns).
EXPORT_UNIT_NAME = Column("unit_name", "Đơn vị", width=36)
EXPORT_STATUS = Column("status", "Trạng thái", width=18,
                       guide=f"Một trong: {_labels(PersonStatus.choices)}.")
