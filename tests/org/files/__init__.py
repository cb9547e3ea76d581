"""Build the .xlsx files of the import tests in code (no binary files in the repository)."""

from __future__ import annotations

import io
import re
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from thidua.org.excel.columns import PEOPLE, UNITS, SheetSpec

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(rows, *, title: str = "Dữ liệu", before=None) -> bytes:
    """A workbook with one sheet holding ``rows`` (lists of cell values) from row 1.

    ``before`` may change the sheet after the rows are written (formulas,
    number formats…).
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    if before is not None:
        before(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_rows(spec: SheetSpec, records, headers=None) -> list[list]:
    """Header plus one list per record (a dict by column key; missing keys are blank)."""
    keys = [column.key for column in spec.columns]
    header = headers or [column.template_header for column in spec.columns]
    return [header, *([record.get(key) for key in keys] for record in records)]


def people_xlsx(*records, headers=None, before=None) -> bytes:
    return xlsx(sheet_rows(PEOPLE, records, headers), title=PEOPLE.title, before=before)


def units_xlsx(*records, headers=None, before=None) -> bytes:
    return xlsx(sheet_rows(UNITS, records, headers), title=UNITS.title, before=before)


def upload(content: bytes, name: str = "du-lieu.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_TYPE)


def person(**fields) -> dict:
    """A valid people row of ward A (tree fixture), by column key; ``fields`` override."""
    return {
        "staff_code": "NV0001", "full_name": "Phạm Thị Lan", "gender": "Nữ",
        "date_of_birth": "15/03/1985", "ethnicity": "Kinh", "staff_category": "Công chức",
        "unit_code": "PAB", "is_party_member": "Có", "party_cell_code": "PAB-CB1",
        "party_joined_on": "03/02/2010", "position": "Chuyên viên",
        "job_position": "Văn phòng - thống kê", "is_leader": "Không",
        "email": "lan.pt@example.com", "phone": "0912345678", **fields,
    }


def unit(**fields) -> dict:
    """A valid units row under ward A (tree fixture), by column key; ``fields`` override."""
    return {"code": "PAB-CB3", "name": "Chi bộ Tổ dân phố 3", "short_name": "CB TDP 3",
            "kind": "Chi bộ", "sector": "", "parent_code": "PAB", "division_code": "",
            **fields}


def open_xlsx(content: bytes):
    return load_workbook(io.BytesIO(content))


_INLINE = re.compile(r'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="inlineStr"><is>(<t[^>]*>.*?</t>)</is></c>',
                     re.S)
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def with_shared_strings(content: bytes) -> bytes:
    """Rewrite openpyxl's inline strings as a shared-string table, like Excel saves them.

    openpyxl writes every text cell inline; files from Excel or LibreOffice
    keep text in ``xl/sharedStrings.xml``. Tests of speed and of real-world
    files should read the latter.
    """
    strings: dict[str, int] = {}

    def shared(match) -> str:
        index = strings.setdefault(match.group(3), len(strings))
        return f'<c r="{match.group(1)}"{match.group(2)} t="s"><v>{index}</v></c>'

    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = _INLINE.sub(shared, data.decode()).encode()
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" '
                                                 f'ContentType="{_SST_TYPE}"/></Types>'.encode())
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", f'<Relationship Id="rIdShared" '
                                    f'Type="{_SST_REL}" Target="sharedStrings.xml"/>'
                                    "</Relationships>".encode())
            target.writestr(item, data)
        table = "".join(f"<si>{text}</si>" for text in strings)
        target.writestr("xl/sharedStrings.xml", (
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{table}</sst>'))
    return buffer.getvalue()
