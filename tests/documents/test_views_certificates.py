"""The page where a unit's office sets where each line of its Giấy khen is printed."""

import io

import pytest
from django.urls import reverse
from docx import Document

from thidua.documents import certificates
from thidua.documents import render as rendering
from thidua.documents.certificates import DEFAULT_LAYOUT, FIELDS, LINES
from thidua.documents.models import IssuerProfile

pytestmark = pytest.mark.django_db


def url(unit) -> str:
    return reverse("documents:certificate_layout", kwargs={"unit_pk": unit.pk})


def posted(layout=None, **changes) -> dict:
    layout = layout or DEFAULT_LAYOUT
    data = {f"{key}__{field}": str(layout[key][field]) for key in LINES for field in FIELDS}
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ["admin", "secretariat"])
def test_the_units_office_sees_the_positions(client, tree, users, role):
    client.force_login(users[role])
    response = client.get(url(tree.ward_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vị trí in giấy khen" in page and tree.ward_a.name in page
    assert 'name="name__top"' in page and 'value="85"' in page
    assert 'type="number"' in page
    assert "<svg" in page and "Tên cá nhân, tập thể" in page
    assert "Tải bản in thử (.docx)" in page


@pytest.mark.parametrize("role", ["leader", "observer", "staff", "other", "norole"])
def test_others_get_404(client, tree, users, role):
    client.force_login(users[role])
    assert client.get(url(tree.ward_a)).status_code == 404
    assert client.post(url(tree.ward_a), posted(**{"action": "save"})).status_code == 404
    assert not IssuerProfile.objects.filter(unit=tree.ward_a).exists()


def test_another_wards_office_gets_404_for_our_unit_and_its_cells(client, tree, users):
    client.force_login(users["other"])
    for unit in (tree.ward_a, tree.cell_a1):
        assert client.get(url(unit)).status_code == 404
    assert client.get(url(tree.ward_b)).status_code == 200


def test_the_ward_office_sets_a_cells_positions(client, tree, users):
    client.force_login(users["secretariat"])
    assert client.get(url(tree.cell_a1)).status_code == 200


def test_anonymous_is_sent_to_log_in(client, tree):
    response = client.get(url(tree.ward_a))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_saving_keeps_the_positions(client, tree, users):
    client.force_login(users["secretariat"])
    response = client.post(url(tree.ward_a), posted(name__top="88.5", name__size="24",
                                                    action="save"), follow=True)
    assert response.redirect_chain[-1][0] == url(tree.ward_a)
    assert "Đã lưu vị trí in giấy khen." in response.content.decode()
    saved = IssuerProfile.objects.get(unit=tree.ward_a).certificate_layout
    assert saved["name"] == {"top": 88.5, "left": 30, "right": 30, "size": 24}
    page = client.get(url(tree.ward_a)).content.decode()
    assert 'value="88.5"' in page
    defaults = client.get(url(tree.ward_a) + "?mac-dinh=1").content.decode()
    assert 'value="88.5"' not in defaults and 'value="85"' in defaults


def test_bad_positions_are_refused_keeping_the_input(client, tree, users):
    client.force_login(users["secretariat"])
    response = client.post(url(tree.ward_a), posted(name__top="250", issuer__size="7",
                                                    position__left="abc", action="save"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nhập số từ 0 đến 200 mm." in page and "Nhập số từ 8 đến 40." in page
    assert "Hãy nhập một số." in page
    assert 'value="250"' in page
    assert not IssuerProfile.objects.filter(unit=tree.ward_a).exists()


def test_overlapping_lines_are_refused(client, tree, users):
    client.force_login(users["admin"])
    response = client.post(url(tree.ward_a), posted(position__top="86", action="save"))
    assert response.status_code == 200
    assert "phải thấp hơn dòng" in response.content.decode()
    assert not IssuerProfile.objects.filter(unit=tree.ward_a).exists()


def test_a_test_print_uses_the_typed_positions_without_saving(client, tree, users):
    client.force_login(users["secretariat"])
    response = client.post(url(tree.ward_a), posted(name__size="20", action="docx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "giay-khen-in-thu.docx" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    assert len(document.tables) == 2  # two example awardees, one page each
    sizes = {run.font.size.pt for row in document.tables[0].rows
             for para in row.cells[0].paragraphs for run in para.runs
             if run.text == certificates.sample_awardees()[0].name}
    assert sizes == {20}
    assert not IssuerProfile.objects.filter(unit=tree.ward_a).exists()


def test_the_pdf_test_print(client, tree, users, monkeypatch):
    client.force_login(users["secretariat"])
    monkeypatch.setattr(rendering, "office_binary", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(rendering, "to_pdf", lambda data: b"%PDF-1.7 test")
    assert "Tải bản in thử (.pdf)" in client.get(url(tree.ward_a)).content.decode()
    response = client.post(url(tree.ward_a), posted(action="pdf"))
    assert response["Content-Type"] == "application/pdf" and response.content == b"%PDF-1.7 test"
    monkeypatch.setattr(rendering, "to_pdf", lambda data: None)
    response = client.post(url(tree.ward_a), posted(action="pdf"))
    assert response.status_code == 200
    assert "Không tạo được bản PDF lúc này" in response.content.decode()


def test_without_libreoffice_only_the_docx(client, tree, users, monkeypatch):
    client.force_login(users["secretariat"])
    monkeypatch.setattr(rendering, "office_binary", lambda: None)
    page = client.get(url(tree.ward_a)).content.decode()
    assert "Tải bản in thử (.pdf)" not in page and "chưa cài LibreOffice" in page
    response = client.post(url(tree.ward_a), posted(action="pdf"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_page_is_read_in_few_queries(client, tree, users, django_assert_max_num_queries):
    client.force_login(users["secretariat"])
    client.get(url(tree.ward_a))
    with django_assert_max_num_queries(8):
        assert client.get(url(tree.ward_a)).status_code == 200
