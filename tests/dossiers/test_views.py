"""Dossier pages: statistics, export, import — scoped, with pinned query counts."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.conftest import as_user
from tests.dossiers.conftest import csv_file, row, url, xlsx_file
from thidua.dossiers.models import ProcedureDossier

pytestmark = pytest.mark.django_db


def test_stats_page(client, users, tree, may_dossiers, django_assert_max_num_queries):
    as_user(client, users["leader"])
    with django_assert_max_num_queries(10):
        response = client.get(url("unit", tree.ward_a.pk), {"thang": "2026-05"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hồ sơ thủ tục hành chính tháng 05/2026" in html
    assert 'data-so="qua-han">2<' in html and "Tỷ lệ quá hạn tăng 15,0 điểm phần trăm" in html
    assert "Chi bộ Tổ dân phố 1" in html and "C2" in html
    assert "Nhập từ tệp" not in html  # a leader reads, does not import


def test_query_count_does_not_grow(client, users, tree, may_dossiers, make_unit,
                                   django_assert_max_num_queries):
    from datetime import datetime as d

    from tests.dossiers.conftest import make

    for i in range(30):
        cell = make_unit(f"Chi bộ thêm {i}", tree.ward_a, code=f"PAB-X{i}")
        make(cell, f"X{i}", d(2026, 5, 2, 8), d(2026, 5, 3), d(2026, 5, 9, 8))
    as_user(client, users["secretariat"])
    with django_assert_max_num_queries(10):
        response = client.get(url("unit", tree.ward_a.pk), {"thang": "2026-05"})
    assert response.status_code == 200 and "Chi bộ thêm 29" in response.content.decode()


def test_other_units_user_gets_404(client, users, tree, may_dossiers):
    as_user(client, users["other"])
    for name in ("unit", "export", "import", "import_template"):
        assert client.get(url(name, tree.ward_a.pk)).status_code == 404, name
    as_user(client, users["norole"])
    assert client.get(url("unit", tree.ward_a.pk)).status_code == 404


def test_bad_month_is_404(client, users, tree):
    as_user(client, users["leader"])
    assert client.get(url("unit", tree.ward_a.pk), {"thang": "tháng 5"}).status_code == 404
    assert client.get(url("unit", tree.ward_a.pk),
                      {"goc_tu": "2026-05", "goc_den": "2026-01"}).status_code == 404


def test_export(client, users, tree, may_dossiers):
    as_user(client, users["leader"])
    response = client.get(url("export", tree.ward_a.pk), {"thang": "2026-05"})
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Thống kê", "Hồ sơ quá hạn"]
    values = [[c.value for c in r] for r in book["Thống kê"].iter_rows()]
    total = next(v for v in values if v[0] and "(toàn bộ)" in str(v[0]))
    assert total[1:7] == [7, 2, 1, 2, 2, 1]
    late = [r[0].value for r in book["Hồ sơ quá hạn"].iter_rows(min_row=4)]
    assert late == ["A4", "C1", "C2"]


def test_import_page_reports_the_bad_row_then_imports(client, users, tree):
    as_user(client, users["secretariat"])
    assert client.get(url("import", tree.ward_a.pk)).status_code == 200
    bad = xlsx_file([row("HS-1"), row("HS-2", received="32/05/2026")])
    response = client.post(url("import", tree.ward_a.pk), {"file": bad})
    html = response.content.decode()
    assert response.status_code == 200 and "Ngày tiếp nhận" in html and "32/05/2026" in html
    assert ProcedureDossier.objects.count() == 0
    response = client.post(url("import", tree.ward_a.pk),
                           {"file": csv_file([row("HS-1"), row("HS-2")])}, follow=True)
    assert "2 hồ sơ mới" in response.content.decode()
    assert ProcedureDossier.objects.count() == 2


def test_import_refused_to_readers(client, users, tree):
    as_user(client, users["leader"])
    assert client.get(url("import", tree.ward_a.pk)).status_code == 403
    assert client.post(url("import", tree.ward_a.pk),
                       {"file": csv_file([row()])}).status_code == 403
    assert ProcedureDossier.objects.count() == 0


def test_template_download(client, users, tree):
    as_user(client, users["secretariat"])
    response = client.get(url("import_template", tree.ward_a.pk))
    assert response.status_code == 200
    assert load_workbook(BytesIO(response.content)).sheetnames == ["Hồ sơ", "Hướng dẫn"]


def test_current_month_says_open_counts_are_as_of_now(client, users, tree):
    """The running month counts open dossiers up to now, and the page must say so."""
    from django.utils import timezone

    as_user(client, users["leader"])
    html = client.get(url("unit", tree.ward_a.pk),
                      {"thang": f"{timezone.localdate():%Y-%m}"}).content.decode()
    assert "tính đến thời điểm xem" in html
    past = client.get(url("unit", tree.ward_a.pk), {"thang": "2025-01"}).content.decode()
    assert "tính đến hết tháng" in past
