"""Every list screen of the movements app exports what it shows, and the statistics workbook.

Each export is reopened with openpyxl: Vietnamese headers, numbers as numbers and dates as
dates, the page's filters applied (a filtered export has the page's rows, fewer than the
whole list), text that looks like a formula kept as text, another ward's user answered
exactly like the page (404, 403 or an empty list), and a query count that does not grow
with the number of rows.
"""

import io
import time
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook
from openpyxl.workbook.child import INVALID_TITLE_REGEX

from tests.movements.conftest import as_user
from thidua.core.xlsx import NO_FILTER, XLSX_TYPE
from thidua.movements import domain, facts
from thidua.movements.models import (
    Commitment,
    Milestone,
    Movement,
    Practice,
    Registration,
    Target,
    UnitReport,
)

INJECTION = '=HYPERLINK("http://lua-dao.example","Bấm vào đây")'


def download(client, url):
    """The export at ``url`` as (sheet, response), after checking it is an .xlsx download."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Content-Disposition"].endswith(f'{timezone.localdate():%Y%m%d}.xlsx"')
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content)).active


def table(sheet, first_header):
    """The header row (the first row starting with ``first_header``) and the rows under it,
    as lists of cells."""
    rows = [list(row) for row in sheet.iter_rows()]
    start = next(i for i, row in enumerate(rows) if row[0].value == first_header)
    return [c.value for c in rows[start]], rows[start + 1:], start + 1


def values(rows):
    return [[c.value for c in row] for row in rows]


def column(header, rows, name):
    index = header.index(name)
    return [row[index] for row in rows]


def filters_line(sheet, header_row):
    return sheet.cell(row=header_row - 2, column=1).value


def flat_queries(client, url, grow, bound):
    """The export's query count before and after ``grow()`` adds rows: equal, within ``bound``."""
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        b"".join(client.get(url).streaming_content)
    grow()
    with CaptureQueriesContext(connection) as many:
        b"".join(client.get(url).streaming_content)
    assert len(many) == len(few) <= bound, (len(few), len(many))


def make_practice(unit, movement=None, name="Tổ dân phố xanh", **extra):
    return Practice.objects.create(unit=unit, movement=movement, name=name,
                                   started_on=extra.pop("started_on", timezone.localdate()),
                                   **extra)


# Movements --------------------------------------------------------------------------------

@pytest.fixture
def draft(tree, users, today):
    return Movement.objects.create(
        number="12", symbol="KH/ĐU", issued_on=today - timedelta(days=2),
        issuing_unit=tree.ward_a, scope_unit=tree.ward_a, title="Chuyển đổi số trong cơ quan",
        starts_on=today, ends_on=today + timedelta(days=300), created_by=users["secretariat"])


def test_movement_list_export_has_what_the_page_shows(client, launched, draft, users, tree,
                                                      today):
    accept = domain.start_registration(users["secretariat"], launched, tree.cell_a1)
    Commitment.objects.create(registration=accept, text="Hoàn thành tốt nhiệm vụ")
    c = as_user(client, users["secretariat"])
    sheet = download(c, reverse("movements:list_export"))
    assert sheet["A1"].value == "Danh sách phong trào thi đua" and sheet["A1"].font.b
    header, rows, row = table(sheet, "Số, ký hiệu")
    assert header == ["Số, ký hiệu", "Tên phong trào", "Đơn vị ban hành", "Ngày ban hành",
                      "Bắt đầu", "Kết thúc", "Trạng thái", "Số đơn vị đã đăng ký",
                      "Số đơn vị được chấp nhận"]
    assert filters_line(sheet, row) == NO_FILTER
    assert sheet.freeze_panes == f"A{row + 1}"
    assert column(header, values(rows), "Số, ký hiệu") == ["12-KH/ĐU", "167-KH/ĐU"]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Ngày ban hành"].value == datetime.combine(launched.issued_on, datetime.min.time())
    assert first["Ngày ban hành"].number_format == "DD/MM/YYYY"
    assert first["Trạng thái"].value == "Đang triển khai"
    assert first["Số đơn vị đã đăng ký"].value == 1 and first["Số đơn vị được chấp nhận"].value == 0
    assert first["Số đơn vị đã đăng ký"].data_type == "n"

    query = "?state=launched&q=can+bo"
    page = c.get(reverse("movements:list") + query)
    shown = [m.document_number for m in page.context["page_obj"]]
    assert f'href="{escape(reverse("movements:list_export") + query)}"' in page.content.decode()
    sheet = download(c, reverse("movements:list_export") + query)
    header, rows, row = table(sheet, "Số, ký hiệu")
    assert column(header, values(rows), "Số, ký hiệu") == shown == ["167-KH/ĐU"]
    assert filters_line(sheet, row) == ("Điều kiện lọc: Tìm: “can bo”; Trạng thái: Đang "
                                         "triển khai.")


def test_movement_list_export_of_another_ward_is_empty(client, launched, draft, users):
    c = as_user(client, users["other"])
    assert c.get(reverse("movements:list")).context["page_obj"].paginator.count == 0
    _header, rows, _row = table(download(c, reverse("movements:list_export")), "Số, ký hiệu")
    assert rows == []


def test_movement_list_export_queries_do_not_grow(client, launched, users, tree, today):
    def grow():
        for i in range(15):
            Movement.objects.create(
                number=str(200 + i), symbol="KH/ĐU", issued_on=today, issuing_unit=tree.ward_a,
                scope_unit=tree.ward_a, title=f"Phong trào {i}", starts_on=today,
                ends_on=today + timedelta(days=30))

    flat_queries(as_user(client, users["secretariat"]), reverse("movements:list_export"),
                 grow, 4)


# Registration board ----------------------------------------------------------------------

def board_export(movement, query=""):
    return reverse("movements:registration_board_export", args=[movement.pk]) + query


def test_registration_board_export_units_with_filters(client, launched, users, tree):
    registration = domain.start_registration(users["secretariat"], launched, tree.cell_a1)
    Commitment.objects.create(registration=registration, text="Hoàn thành tốt nhiệm vụ")
    domain.submit_registration(users["secretariat"], registration)
    c = as_user(client, users["secretariat"])
    sheet = download(c, board_export(launched))
    assert sheet["A1"].value == "Tình hình đăng ký thi đua — đơn vị"
    assert "167-KH/ĐU" in sheet["A2"].value
    header, rows, _row = table(sheet, "Mã đơn vị")
    assert header == ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Tình trạng", "Đăng ký muộn",
                      "Gửi lúc"]
    assert values(rows)[1][:5] == ["PAB-CB2", "Chi bộ Tổ dân phố 2", "Chi bộ",
                                   "Chưa đăng ký", None]
    sent = dict(zip(header, rows[0], strict=True))
    assert sent["Tình trạng"].value == "Đã gửi"
    assert isinstance(sent["Gửi lúc"].value, datetime)
    assert sent["Gửi lúc"].number_format == "DD/MM/YYYY HH:MM"
    local = timezone.localtime(Registration.objects.get(pk=registration.pk).submitted_at)
    assert abs(sent["Gửi lúc"].value - local.replace(tzinfo=None)) < timedelta(seconds=1)

    query = "?status=none"
    page = c.get(reverse("movements:registration_board", args=[launched.pk]) + query)
    assert f'href="{board_export(launched, query)}"' in page.content.decode()
    sheet = download(c, board_export(launched, query))
    header, rows, row = table(sheet, "Mã đơn vị")
    assert column(header, values(rows), "Mã đơn vị") == [
        u["code"] for u in page.context["page_obj"]] == ["PAB-CB2"]
    assert filters_line(sheet, row) == "Điều kiện lọc: Tình trạng: Chưa đăng ký."


def test_registration_board_export_people_tab(client, launched, users, tree, people):
    Registration.objects.create(movement=launched, unit=tree.cell_a1, person=people["a1"],
                                state="submitted", submitted_at=timezone.now(), is_late=True)
    Registration.objects.create(movement=launched, unit=tree.cell_a2, person=people["a2"])
    c = as_user(client, users["secretariat"])
    sheet = download(c, board_export(launched, "?xem=ca-nhan"))
    assert sheet["A1"].value == "Tình hình đăng ký thi đua — cá nhân"
    header, rows, _row = table(sheet, "Mã cán bộ")
    assert header == ["Mã cán bộ", "Họ và tên", "Mã đơn vị", "Đơn vị", "Tình trạng",
                      "Đăng ký muộn", "Gửi lúc"]
    assert [r[:6] for r in values(rows)] == [
        [people["a1"].staff_code, "Nguyễn Văn An", "PAB-CB1", "Chi bộ Tổ dân phố 1", "Đã gửi",
         "Có"],
        [people["a2"].staff_code, "Trần Thị Bình", "PAB-CB2", "Chi bộ Tổ dân phố 2",
         "Đang soạn", None],
    ]
    sheet = download(c, board_export(launched, "?xem=ca-nhan&late=on"))
    assert len(table(sheet, "Mã cán bộ")[1]) == 1


def test_registration_board_export_answers_like_the_page(client, launched, users, cell_leader,
                                                         make_user, tree):
    for user in (users["other"], users["norole"]):
        c = as_user(client, user)
        assert c.get(reverse("movements:registration_board", args=[launched.pk])
                     ).status_code == 404
        assert c.get(board_export(launched)).status_code == 404
    # A cell's leader reads his cell only, on the page and in the file.
    c = as_user(client, cell_leader)
    page = c.get(reverse("movements:registration_board", args=[launched.pk]))
    _header, rows, _row = table(download(c, board_export(launched)), "Mã đơn vị")
    assert [r[0].value for r in rows] == [u["code"] for u in page.context["page_obj"]] == [
        "PAB-CB1"]


def test_registration_board_export_queries_do_not_grow(client, launched, users, tree,
                                                       make_unit):
    def grow():
        for i in range(15):
            unit = make_unit(f"Chi bộ mới {i}", tree.ward_a, code=f"PAB-N{i}")
            if i % 2:
                Registration.objects.create(movement=launched, unit=unit, state="submitted",
                                            submitted_at=timezone.now())

    flat_queries(as_user(client, users["secretariat"]), board_export(launched), grow, 6)


# Practices --------------------------------------------------------------------------------

@pytest.fixture
def practices(launched, tree, today):
    return [
        make_practice(tree.cell_a1, launched, name="Dân vận khéo", field="Dân vận",
                      started_on=today - timedelta(days=40), state="recognised",
                      recognised_on=today - timedelta(days=3), for_replication=True),
        make_practice(tree.cell_a2, launched, name=INJECTION, started_on=today),
        make_practice(tree.cell_a2, None, name="Ngày thứ Bảy xanh",
                      started_on=today - timedelta(days=5)),
        make_practice(tree.cell_b1, None, name="Thôn không rác"),
    ]


def test_practice_export_of_a_movement(client, practices, launched, users, today):
    c = as_user(client, users["secretariat"])
    url = reverse("movements:movement_practices_export", args=[launched.pk])
    sheet = download(c, url)
    assert sheet["A1"].value == "Mô hình, cách làm hay" and "167-KH/ĐU" in sheet["A2"].value
    header, rows, _row = table(sheet, "Tên mô hình")
    assert header == ["Tên mô hình", "Lĩnh vực", "Mã đơn vị", "Đơn vị", "Bắt đầu thực hiện",
                      "Trạng thái", "Ngày công nhận", "Nhân rộng", "Có minh chứng"]
    injected, recognised = rows
    assert injected[0].value == INJECTION and injected[0].data_type == "s"
    assert recognised[0].value == "Dân vận khéo"
    assert recognised[4].value.date() == today - timedelta(days=40)
    assert recognised[4].number_format == "DD/MM/YYYY"
    assert [recognised[5].value, recognised[7].value, recognised[8].value] == [
        "Được công nhận hiệu quả", "Có", None]
    assert recognised[6].value.date() == today - timedelta(days=3)


def test_practice_export_everywhere_with_filters(client, practices, users):
    c = as_user(client, users["secretariat"])
    url = reverse("movements:practice_export")
    header, rows, row = table(download(c, url), "Tên mô hình")
    assert "Phong trào" in header
    assert column(header, values(rows), "Tên mô hình") == [INJECTION, "Ngày thứ Bảy xanh",
                                                            "Dân vận khéo"]
    assert column(header, values(rows), "Phong trào") == ["167-KH/ĐU", None, "167-KH/ĐU"]

    query = "?state=recognised&unit=pab"
    page = c.get(reverse("movements:practice_list") + query)
    assert f'href="{escape(url + query)}"' in page.content.decode()
    sheet = download(c, url + query)
    header, rows, row = table(sheet, "Tên mô hình")
    assert column(header, values(rows), "Tên mô hình") == [
        p.name for p in page.context["page_obj"]] == ["Dân vận khéo"]
    assert filters_line(sheet, row) == ("Điều kiện lọc: Trạng thái: Được công nhận hiệu quả; Đơn vị (gồm "
                                        "cấp dưới): Đảng bộ phường An Bình.")


def test_practice_export_answers_like_the_page(client, practices, launched, users):
    c = as_user(client, users["other"])
    movement_url = reverse("movements:movement_practices_export", args=[launched.pk])
    assert c.get(reverse("movements:movement_practices", args=[launched.pk])).status_code == 404
    assert c.get(movement_url).status_code == 404
    header, rows, _row = table(download(c, reverse("movements:practice_export")), "Tên mô hình")
    assert column(header, values(rows), "Tên mô hình") == ["Thôn không rác"]
    c = as_user(client, users["norole"])
    assert c.get(reverse("movements:practice_list")).status_code == 403
    assert c.get(reverse("movements:practice_export")).status_code == 403


def test_practice_export_queries_do_not_grow(client, practices, launched, users, tree):
    def grow():
        for i in range(20):
            make_practice(tree.cell_a1, launched if i % 2 else None, name=f"Mô hình {i}")

    c = as_user(client, users["secretariat"])
    flat_queries(c, reverse("movements:practice_export"), grow, 4)
    flat_queries(c, reverse("movements:movement_practices_export", args=[launched.pk]),
                 lambda: make_practice(tree.cell_a2, launched, name="Thêm"), 5)


# Exemplars --------------------------------------------------------------------------------

def test_exemplar_export(client, launched, users, tree, people, today):
    secretariat = users["secretariat"]
    facts.mark_exemplar(secretariat, launched, unit=tree.cell_a1, citation=INJECTION,
                        marked_on=today - timedelta(days=1))
    facts.mark_exemplar(secretariat, launched, person=people["a2"],
                        citation="Gương mẫu, tận tụy.\nGần dân.", marked_on=today)
    c = as_user(client, secretariat)
    url = reverse("movements:exemplar_export", args=[launched.pk])
    page = c.get(reverse("movements:exemplar_list", args=[launched.pk]))
    assert f'href="{url}"' in page.content.decode()
    sheet = download(c, url)
    assert sheet["A1"].value == "Điển hình tiên tiến"
    header, rows, _row = table(sheet, "Điển hình")
    assert header == ["Điển hình", "Loại", "Mã cán bộ", "Mã đơn vị", "Đơn vị",
                      "Thành tích tiêu biểu", "Ngày ghi nhận"]
    person, unit = rows
    assert [c.value for c in person[:5]] == ["Trần Thị Bình", "Cá nhân", people["a2"].staff_code,
                                             "PAB-CB2", "Chi bộ Tổ dân phố 2"]
    assert person[5].alignment.wrap_text and person[6].value.date() == today
    assert [c.value for c in unit[:4]] == ["Chi bộ Tổ dân phố 1", "Tập thể", None, "PAB-CB1"]
    assert unit[5].value == INJECTION and unit[5].data_type == "s"

    assert as_user(client, users["other"]).get(url).status_code == 404
    leader = as_user(client, users["leader"])
    assert len(table(download(leader, url), "Điển hình")[1]) == 2


# Manual values ----------------------------------------------------------------------------

@pytest.fixture
def manual(launched, users, tree, today):
    target = Target.objects.create(movement=launched, order=3, indicator="manual", goal=95,
                                   wording="Tỷ lệ hồ sơ giải quyết đúng hạn",
                                   params={"unit_label": "%"}, deadline=today)
    secretariat = users["secretariat"]
    domain.enter_manual_value(secretariat, target, tree.cell_a1, value=Decimal("96.50"),
                              measured_on=today - timedelta(days=1), note=INJECTION)
    domain.enter_manual_value(secretariat, target, tree.cell_a2, value=Decimal("1234.25"),
                              measured_on=today)
    return target


def test_manual_values_export(client, manual, users, cell_leader, today):
    c = as_user(client, users["secretariat"])
    url = reverse("movements:manual_export", args=[manual.pk])
    page = c.get(reverse("movements:manual_list", args=[manual.pk]))
    assert f'href="{url}"' in page.content.decode()
    sheet = download(c, url)
    assert sheet["A3"].value.startswith("Chỉ tiêu: Tỷ lệ hồ sơ giải quyết đúng hạn — mức phải "
                                        "đạt ≥ 95")
    header, rows, _row = table(sheet, "Mã đơn vị")
    assert header == ["Mã đơn vị", "Đơn vị", "Ngày số liệu", "Giá trị",
                      "Ghi chú, nguồn số liệu", "Có minh chứng", "Người nhập"]
    newest, older = rows
    assert newest[0].value == "PAB-CB2" and newest[2].value.date() == today
    assert newest[3].value == 1234.25 and newest[3].number_format == "#,##0.00"
    assert newest[3].data_type == "n" and newest[6].value == "vanphong_a"
    assert older[4].value == INJECTION and older[4].data_type == "s"

    # A cell's leader reads his cell's value only; another ward's user gets 404.
    leader = as_user(client, cell_leader)
    header, rows, _row = table(download(leader, url), "Mã đơn vị")
    assert column(header, values(rows), "Mã đơn vị") == ["PAB-CB1"]
    other = as_user(client, users["other"])
    assert other.get(reverse("movements:manual_list", args=[manual.pk])).status_code == 404
    assert other.get(url).status_code == 404


def test_manual_values_export_queries_do_not_grow(client, manual, users, tree, today):
    def grow():
        for i in range(2, 20):
            domain.enter_manual_value(users["secretariat"], manual, tree.cell_a1,
                                      value=Decimal(i), measured_on=today - timedelta(days=i))

    flat_queries(as_user(client, users["secretariat"]),
                 reverse("movements:manual_export", args=[manual.pk]), grow, 5)


# Reports ----------------------------------------------------------------------------------

@pytest.fixture
def milestone(launched):
    return launched.milestones.get(requires_report=True)


def report_board_export(milestone, query=""):
    return reverse("movements:report_board_export",
                   args=[milestone.movement_id, milestone.pk]) + query


def test_report_board_export(client, milestone, users, tree):
    UnitReport.objects.filter(milestone=milestone, unit=tree.cell_a1).update(
        submitted_at=timezone.now(), submitted_by=users["secretariat"], text="Đã làm")
    c = as_user(client, users["secretariat"])
    sheet = download(c, report_board_export(milestone))
    assert sheet["A1"].value == "Báo cáo: Gửi báo cáo tổng kết"
    assert sheet["A3"].value == f"Hạn nộp: {milestone.due_on:%d/%m/%Y}"
    header, rows, row = table(sheet, "Mã đơn vị")
    assert header == ["Mã đơn vị", "Đơn vị", "Trạng thái", "Số ngày muộn", "Nộp lúc",
                      "Người nộp"]
    sent, missing = rows
    assert [c.value for c in sent[:4]] == ["PAB-CB1", "Chi bộ Tổ dân phố 1", "Nộp đúng hạn", 0]
    assert sent[3].data_type == "n" and isinstance(sent[4].value, datetime)
    assert sent[5].value == "vanphong_a"
    assert [c.value for c in missing] == ["PAB-CB2", "Chi bộ Tổ dân phố 2", "Chưa nộp", 0,
                                          None, None]
    assert filters_line(sheet, row) == NO_FILTER

    query = "?status=chua_nop"
    page = c.get(reverse("movements:report_board", args=[milestone.movement_id, milestone.pk])
                 + query)
    assert f'href="{report_board_export(milestone, query)}"' in page.content.decode()
    sheet = download(c, report_board_export(milestone, query))
    header, rows, row = table(sheet, "Mã đơn vị")
    assert column(header, values(rows), "Mã đơn vị") == [
        r.unit.code for r in page.context["page_obj"]] == ["PAB-CB2"]
    assert filters_line(sheet, row) == "Điều kiện lọc: Hiển thị: Chưa nộp."


def test_report_board_export_answers_like_the_page(client, milestone, users, cell_leader):
    for user in (users["other"], cell_leader, users["norole"]):
        c = as_user(client, user)
        assert c.get(reverse("movements:report_board",
                             args=[milestone.movement_id, milestone.pk])).status_code == 404
        assert c.get(report_board_export(milestone)).status_code == 404


def test_report_board_export_queries_do_not_grow(client, milestone, users, tree, make_unit):
    def grow():
        for i in range(15):
            unit = make_unit(f"Chi bộ mới {i}", tree.ward_a, code=f"PAB-N{i}")
            UnitReport.objects.create(milestone=milestone, unit=unit,
                                      submitted_at=timezone.now() if i % 2 else None,
                                      submitted_by=users["leader"] if i % 2 else None)

    flat_queries(as_user(client, users["secretariat"]), report_board_export(milestone), grow, 6)


def test_reports_owed_export(client, milestone, users, cell_leader, tree):
    UnitReport.objects.filter(milestone=milestone, unit=tree.cell_a1).update(
        submitted_at=timezone.now())
    url = reverse("movements:report_owed_export")
    c = as_user(client, users["secretariat"])
    page = c.get(reverse("movements:report_owed"))
    assert f'href="{url}"' in page.content.decode()
    sheet = download(c, url)
    assert sheet["A1"].value == "Báo cáo phải nộp"
    header, rows, row = table(sheet, "Số, ký hiệu")
    assert header == ["Số, ký hiệu", "Phong trào", "Báo cáo", "Mã đơn vị", "Đơn vị", "Hạn nộp",
                      "Trạng thái", "Số ngày muộn", "Nộp lúc"]
    assert filters_line(sheet, row) == "Điều kiện lọc: Trạng thái: Chưa nộp."
    assert column(header, values(rows), "Mã đơn vị") == [
        r.unit.code for r in page.context["page_obj"]] == ["PAB-CB2"]
    (owed,) = rows
    assert owed[5].value.date() == milestone.due_on and owed[5].number_format == "DD/MM/YYYY"
    assert owed[6].value == "Chưa nộp" and owed[7].value == 0

    query = f"?status=tat_ca&moc={milestone.pk}"
    sheet = download(c, url + query)
    header, rows, row = table(sheet, "Số, ký hiệu")
    assert column(header, values(rows), "Mã đơn vị") == ["PAB-CB1", "PAB-CB2"]
    assert filters_line(sheet, row) == ("Điều kiện lọc: Trạng thái: Tất cả; Mốc: Gửi báo cáo "
                                        "tổng kết.")

    leader = as_user(client, cell_leader)
    header, rows, _row = table(download(leader, url + "?status=tat_ca"), "Số, ký hiệu")
    assert column(header, values(rows), "Mã đơn vị") == ["PAB-CB1"]
    other = as_user(client, users["other"])
    assert table(download(other, url + "?status=tat_ca"), "Số, ký hiệu")[1] == []
    norole = as_user(client, users["norole"])
    assert norole.get(reverse("movements:report_owed")).status_code == 403
    assert norole.get(url).status_code == 403


def test_reports_owed_export_queries_do_not_grow(client, milestone, users, tree, make_unit):
    def grow():
        for i in range(15):
            unit = make_unit(f"Chi bộ mới {i}", tree.ward_a, code=f"PAB-N{i}")
            UnitReport.objects.create(milestone=milestone, unit=unit)

    flat_queries(as_user(client, users["secretariat"]), reverse("movements:report_owed_export"),
                 grow, 4)


def test_a_late_report_counts_its_days(client, launched, users, tree, today):
    late = Milestone.objects.create(movement=launched, kind="interim", title="Sơ kết quý",
                                    due_on=today - timedelta(days=4), requires_report=True)
    UnitReport.objects.create(milestone=late, unit=tree.cell_a1)
    c = as_user(client, users["secretariat"])
    header, rows, _row = table(download(c, reverse("movements:report_owed_export")),
                               "Số, ký hiệu")
    overdue = dict(zip(header, values(rows)[0], strict=True))
    assert overdue["Trạng thái"] == "Quá hạn, chưa nộp" and overdue["Số ngày muộn"] == 4


# The statistics workbook -------------------------------------------------------------------

def stats_url(movement, unit=None):
    url = reverse("movements:dashboard_export", args=[movement.pk])
    return f"{url}?don-vi={unit.pk}" if unit is not None else url


def stats(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == XLSX_TYPE
    return load_workbook(io.BytesIO(response.content))


def test_statistics_workbook_one_valid_sheet_per_target(client, launched, users, tree, today):
    for order in range(3, 13):
        Target.objects.create(movement=launched, order=order, indicator="manual", goal=order,
                              wording=f"Chỉ tiêu nhập tay số {order}: [a/b]*?")
    c = as_user(client, users["secretariat"])
    page = c.get(reverse("movements:dashboard", args=[launched.pk]) + f"?don-vi={tree.ward_a.pk}")
    assert f'href="{stats_url(launched, tree.ward_a)}"' in page.content.decode()
    assert "Xuất Excel thống kê" in page.content.decode()
    workbook = stats(c, stats_url(launched))
    names = workbook.sheetnames
    assert names == ["Tổng hợp", *[f"Chỉ tiêu {n}" for n in range(1, 13)]]
    assert len({n.casefold() for n in names}) == len(names)
    assert all(len(n) <= 31 and not INVALID_TITLE_REGEX.search(n) for n in names)


def test_statistics_sheet_has_the_unit_its_children_goal_and_lagging_units(
        client, launched, users, tree, make_user):
    make_user("lanhdao_cb2", "leader", tree.cell_a2, first_name="Bình", last_name="Trần")
    registration = domain.start_registration(users["secretariat"], launched, tree.cell_a1)
    Commitment.objects.create(registration=registration, text="Hoàn thành tốt nhiệm vụ")
    domain.submit_registration(users["secretariat"], registration)
    domain.review_registration(users["secretariat"], registration, "accept")
    sheet = stats(as_user(client, users["secretariat"]), stats_url(launched))["Chỉ tiêu 1"]
    header, rows, _row = table(sheet, "STT")
    assert header[:8] == ["STT", "Mã đơn vị", "Tên đơn vị", "Giá trị", "Trạng thái", "Tử số",
                          "Mẫu số", "Mức phải đạt"]
    assert [r[:8] for r in values(rows[:3])] == [
        [1, "PAB-CB1", "Chi bộ Tổ dân phố 1", 1, "Đạt", 1, 1, 1],
        [2, "PAB-CB2", "Chi bộ Tổ dân phố 2", 0, "Chưa đạt", 0, 1, 1],
        [None, "PAB", "Cộng: Đảng bộ phường An Bình", 0.5, "Chưa đạt", 1, 2, 1],
    ]
    assert rows[0][3].number_format == "0.00%" and rows[0][7].number_format == "0.00%"
    assert rows[0][5].data_type == "n"
    title = rows[4][0]
    assert title.value == "Đơn vị chưa đạt: 1 đơn vị (kém nhất trước)."
    assert [c.value for c in rows[5]] == ["STT", "Mã đơn vị", "Tên đơn vị", "Giá trị",
                                          "Trạng thái", "Tử số", "Mẫu số", "Mức phải đạt",
                                          "Thuộc đơn vị", "Người phụ trách"]
    assert [c.value for c in rows[6]] == [1, "PAB-CB2", "Chi bộ Tổ dân phố 2", 0, "Chưa đạt", 0,
                                          1, 1, None, "Bình Trần"]
    # A target every unit meets says so instead of listing.
    summary = stats(as_user(client, users["secretariat"]), stats_url(launched, tree.cell_a1))
    cell = table(summary["Chỉ tiêu 1"], "STT")[1]
    assert any(r[0].value == "Đơn vị chưa đạt: không có (mọi đơn vị có số liệu đều đạt)."
               for r in cell)


def test_statistics_lagging_units_name_the_child_they_lie_under(client, launched, users, tree,
                                                                make_unit, kinds):
    group = make_unit("Tổ đảng 1", tree.cell_a2, kind="chi_bo", code="PAB-CB2-T1")
    Target.objects.filter(movement=launched, order=1).update(params={"accepted_only": True})
    launched.participant_kinds.set([kinds["chi_bo"]])
    sheet = stats(as_user(client, users["secretariat"]), stats_url(launched))["Chỉ tiêu 1"]
    rows = values(table(sheet, "STT")[1])
    start = next(i for i, row in enumerate(rows) if row[0] == "STT")  # the lagging table
    under = {row[1]: row[8] for row in rows[start + 1:]}
    assert under == {"PAB-CB1": None, "PAB-CB2": None, group.code: "Chi bộ Tổ dân phố 2"}


def test_statistics_workbook_for_another_ward_is_404(client, launched, users, tree):
    c = as_user(client, users["other"])
    assert c.get(stats_url(launched)).status_code == 404
    assert c.get(stats_url(launched, tree.ward_a)).status_code == 404
    # The ward's own user asking for a unit of another ward: 404 too.
    c = as_user(client, users["secretariat"])
    assert c.get(stats_url(launched, tree.cell_b1)).status_code == 404


def test_statistics_workbook_queries_do_not_grow_with_units(client, launched, users, tree,
                                                            make_unit):
    c = as_user(client, users["secretariat"])
    c.get(stats_url(launched))
    with CaptureQueriesContext(connection) as few:
        c.get(stats_url(launched))
    for i in range(15):
        make_unit(f"Chi bộ mới {i}", tree.ward_a, code=f"PAB-N{i}")
    with CaptureQueriesContext(connection) as many:
        workbook = stats(c, stats_url(launched))
    assert len(table(workbook["Chỉ tiêu 1"], "STT")[1]) > 17
    assert len(many) == len(few) <= 14


@pytest.mark.slow
def test_twenty_thousand_practices_stream_in_flat_queries(client, launched, users, tree, capsys):
    Practice.objects.bulk_create([
        Practice(unit=tree.cell_a1 if n % 2 else tree.cell_a2, movement=launched,
                 name=f"Mô hình số {n}", name_folded=f"mo hinh so {n}", field="Dân vận",
                 started_on=timezone.localdate() - timedelta(days=n % 300))
        for n in range(20_000)], batch_size=2000)
    c = as_user(client, users["secretariat"])
    url = reverse("movements:practice_export")
    c.get(reverse("movements:practice_list"))
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = c.get(url)
        content = b"".join(response.streaming_content)
    elapsed = time.perf_counter() - start
    assert len(queries) <= 4
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    assert sum(1 for _row in sheet.iter_rows(values_only=True)) == 20_000 + 4
    with capsys.disabled():
        print(f"\n20000 practices exported on {connection.vendor} in {elapsed:.1f} s, "
              f"{len(content) // 1024} KiB, {len(queries)} queries")
