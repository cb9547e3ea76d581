"""Dossier fixtures: CSV/xlsx files in memory, and a few dossiers of ward A."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tests.movements.conftest import launched, movement, today  # noqa: F401 (fixtures)

HEADER = ["Mã hồ sơ", "Thủ tục", "Lĩnh vực", "Ngày tiếp nhận", "Hạn trả", "Ngày trả kết quả",
          "Cán bộ xử lý", "Đơn vị", "Trạng thái"]


def url(name, *args):
    return reverse(f"dossiers:{name}", args=args)


def csv_file(rows, *, header=HEADER, sep=";", bom=True, name="hoso.csv"):
    lines = [sep.join(header)] + [sep.join(str(v) for v in row) for row in rows]
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def xlsx_file(rows, *, header=HEADER, name="hoso.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Hồ sơ"
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument"
                                           ".spreadsheetml.sheet")


def row(code="HS-001", procedure="Đăng ký khai sinh", field="Hộ tịch",
        received="04/05/2026 08:30", due="07/05/2026", resolved="06/05/2026 15:00",
        official="", unit="PAB", status=""):
    return [code, procedure, field, received, due, resolved, official, unit, status]


def make(unit, code, received, due, resolved=None, *, status=None, official=None):
    """A dossier with its timing classified as the import does (moments: local datetimes)."""
    from zoneinfo import ZoneInfo

    from thidua.dossiers.models import DossierStatus, ProcedureDossier
    from thidua.dossiers.rules import classify

    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    received, due = received.replace(tzinfo=hcm), due.replace(tzinfo=hcm)
    resolved = resolved.replace(tzinfo=hcm) if resolved else None
    status = status or (DossierStatus.RESOLVED if resolved else DossierStatus.PROCESSING)
    return ProcedureDossier.objects.create(
        unit=unit, code=code, procedure="Đăng ký khai sinh", field="Hộ tịch",
        received_at=received, due_at=due, resolved_at=resolved, status=status,
        timing=classify(due, resolved, status), official=official,
        official_name=official.full_name if official else "")


@pytest.fixture
def may_dossiers(tree, people):
    """Ward A, May 2026: 2 early, 1 on time, 2 late (one at cell 1), 1 open in time,
    1 open overdue (cell 2); one refused; May 2025 (baseline): 1 late of 4 returned;
    ward B: 1 late (outside ward A)."""
    from datetime import datetime as d

    made = [
        make(tree.ward_a, "A1", d(2026, 5, 4, 8), d(2026, 5, 8), d(2026, 5, 6, 9)),
        make(tree.ward_a, "A2", d(2026, 5, 4, 8), d(2026, 5, 8), d(2026, 5, 7, 16)),
        make(tree.ward_a, "A3", d(2026, 5, 4, 8), d(2026, 5, 8), d(2026, 5, 8, 16)),
        make(tree.ward_a, "A4", d(2026, 4, 20, 8), d(2026, 4, 28), d(2026, 5, 5, 10),
             official=people["a3"]),
        make(tree.cell_a1, "C1", d(2026, 5, 10, 8), d(2026, 5, 12), d(2026, 5, 20, 10),
             official=people["a1"]),
        make(tree.ward_a, "A5", d(2026, 5, 28, 8), d(2026, 6, 5)),
        make(tree.cell_a2, "C2", d(2026, 5, 2, 8), d(2026, 5, 15)),
        make(tree.ward_a, "A6", d(2026, 5, 3, 8), d(2026, 5, 9), d(2026, 5, 5, 8),
             status="tra_lai"),
        make(tree.ward_a, "B1", d(2025, 5, 3, 8), d(2025, 5, 9), d(2025, 5, 12, 8)),
        make(tree.ward_a, "B2", d(2025, 5, 3, 8), d(2025, 5, 9), d(2025, 5, 5, 8)),
        make(tree.ward_a, "B3", d(2025, 5, 3, 8), d(2025, 5, 9), d(2025, 5, 6, 8)),
        make(tree.ward_a, "B4", d(2025, 5, 3, 8), d(2025, 5, 9), d(2025, 5, 9, 8)),
        make(tree.ward_b, "X1", d(2026, 5, 3, 8), d(2026, 5, 9), d(2026, 5, 19, 8)),
    ]
    return {d.code: d for d in made}
