"""The award documents page of a unit: the list from Excel, then the Tờ trình, the Quyết định
and the Giấy khen as Word or PDF.

Fixtures: tests/conftest.py (two wards, one user per role on ward A, ``other`` is the
secretariat of ward B). Ward A is a Party committee: its references read ``1-TTr/ĐU``.
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document

from tests.conftest import as_user  # noqa: F401 (shared helper)
from tests.documents.test_award_list import GOOD, HEADERS, filled_template, workbook_bytes
from tests.documents.test_render import texts, without
from thidua.documents import render
from thidua.documents.models import IssuedNumber, TemplateFile
from thidua.documents.views.awards import SESSION_KEY

pytestmark = pytest.mark.django_db
needs_office = pytest.mark.skipif(render.office_binary() is None,
                                  reason="LibreOffice (soffice) is not installed here")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NAMES = [GOOD[0][1], GOOD[1][1]]
#: Numbers are taken from this year's register only: the documents are dated this year.
YEAR = timezone.localdate().year


def url(name, unit, **kwargs):
    return reverse(f"documents:{name}", args=[unit.pk])




def send_list(client, unit, data: bytes, name="danh-sach.xlsx", **extra):
    return client.post(url("awards_upload", unit),
                       {"file": SimpleUploadedFile(name, data)}, **extra)


@pytest.fixture
def office(client, users, tree):
    """The ward's office with the two-row list uploaded."""
    c = as_user(client, users["secretariat"])
    response = send_list(c, tree.ward_a, filled_template(GOOD))
    assert response.status_code == 302
    return c


def proposal_data(**extra):
    return {"ttr-day": f"05/03/{YEAR}", "ttr-granting_body": "Ban Thường vụ Tỉnh ủy Thử nghiệm",
            "ttr-form_label": "Giấy khen", "format": "docx", **extra}


def decision_data(**extra):
    return {"qd-day": f"10/03/{YEAR}", "qd-form_label": "Giấy khen",
            "qd-achievement_text": "xuất sắc trong phong trào thi đua năm 2026",
            "format": "docx", **extra}


def certificates_data(**extra):
    return {"gk-decision_reference": "12-QĐ/ĐU", "gk-decision_day": "10/03/2026",
            "format": "docx", **extra}


POSTS = {"awards_upload": {}, "awards_clear": {}, "awards_proposal": proposal_data(),
         "awards_decision": decision_data(**{"qd-take_number": "on"}),
         "awards_certificates": certificates_data()}
ALL = ["awards", "awards_template", *POSTS]


# Who reaches what -----------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["admin", "secretariat", "leader"])
def test_the_units_office_leader_and_admin_open_the_page(client, tree, users, role):
    c = as_user(client, users[role])
    response = c.get(url("awards", tree.ward_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Văn bản khen thưởng" in page and tree.ward_a.name in page
    assert url("awards_template", tree.ward_a) in page
    assert 'enctype="multipart/form-data"' in page
    assert "Hãy tải lên danh sách trước" in page
    assert as_user(client, users[role]).get(url("awards", tree.cell_a1)).status_code == 200


def test_the_other_wards_user_gets_404_on_every_url(client, tree, users):
    c = as_user(client, users["other"])
    assert c.get(url("awards", tree.ward_b)).status_code == 200  # his own ward works
    for unit in (tree.ward_a, tree.cell_a1):
        for name in ALL:
            assert c.get(url(name, unit)).status_code == 404, name
            data = {**POSTS.get(name, {}), "file": SimpleUploadedFile(
                "danh-sach.xlsx", filled_template(GOOD))} if name == "awards_upload" else \
                POSTS.get(name, {})
            assert c.post(url(name, unit), data).status_code == 404, name
    assert SESSION_KEY not in c.session
    assert not IssuedNumber.objects.exists()


@pytest.mark.parametrize(("role", "unit"), [("observer", "ward_a"), ("staff", "cell_a1")])
def test_a_user_in_scope_without_the_role_is_refused(client, tree, users, role, unit):
    c = as_user(client, users[role])
    unit = getattr(tree, unit)
    for name in ALL:
        assert c.get(url(name, unit)).status_code == 403, name
        assert c.post(url(name, unit), POSTS.get(name, {})).status_code == 403, name
    response = send_list(c, unit, filled_template(GOOD))
    assert response.status_code == 403 and SESSION_KEY not in c.session
    assert not IssuedNumber.objects.exists()


def test_anonymous_is_sent_to_log_in(client, tree):
    for name in ALL:
        response = client.get(url(name, tree.ward_a))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_get_on_an_action_goes_back_to_the_page(office, tree):
    response = office.get(url("awards_decision", tree.ward_a))
    assert response.status_code == 302
    assert response["Location"].startswith(url("awards", tree.ward_a))


# The list -------------------------------------------------------------------------------------
def test_the_template_downloads_and_comes_back_with_its_two_rows(client, tree, users):
    c = as_user(client, users["leader"])
    response = c.get(url("awards_template", tree.ward_a))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument"
                                               ".spreadsheetml")
    assert "danh-sach-khen-thuong.xlsx" in response["Content-Disposition"]
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Danh sách"]
    assert [c.value for c in sheet[1]][:3] == ["STT", "Họ và tên / Tên tập thể (*)",
                                              "Là tập thể (Có/Không)"]
    for row in GOOD:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = send_list(c, tree.ward_a, buffer.getvalue(), follow=True)
    assert response.redirect_chain[-1][0].startswith(url("awards", tree.ward_a))
    page = response.content.decode()
    assert "Đã nhận danh sách “danh-sach.xlsx”: 2 dòng (1 tập thể và 1 cá nhân)" in page
    assert all(name in page for name in NAMES)
    assert "1.500.000" in page and "1.000.000" in page  # the total, a line's amount
    assert len(c.session[SESSION_KEY]["list"]["rows"]) == 2
    assert 'action="' + url("awards_proposal", tree.ward_a) in page


def test_bad_rows_are_refused_naming_row_and_column_and_nothing_is_kept(office, tree):
    assert SESSION_KEY in office.session  # the good list uploaded first
    rows = [GOOD[0],
            [2, "", "Không", "Chuyên viên", "", "", "", ""],
            [3, "Trần Văn Bình", "Có lẽ", "", "", "", "", ""],
            [4, "Đặng Thị Dung", "", "", "", "", "", -500000],
            [5, "Phạm Văn Em", "", "", "", "", "", "năm trăm nghìn"]]
    response = send_list(office, tree.ward_a, workbook_bytes(rows))
    assert response.status_code == 200
    errors = [(e.row, e.column) for e in response.context["row_errors"]]
    assert errors == [(3, "Họ và tên / Tên tập thể"), (4, "Là tập thể (Có/Không)"),
                      (5, "Số tiền thưởng (đồng)"), (6, "Số tiền thưởng (đồng)")]
    page = response.content.decode()
    assert "Có <strong>4</strong> dòng sai trên tổng số 5 dòng" in page
    assert "<td>5</td><td>Số tiền thưởng (đồng)</td><td>Không được là số âm" in page
    assert "không được nhận" in page
    assert SESSION_KEY not in office.session  # nothing kept, the earlier list dropped too
    assert "Danh sách tải lên trước đó đã được bỏ" in page
    response = office.post(url("awards_proposal", tree.ward_a), proposal_data(), follow=True)
    assert "Chưa có danh sách" in response.content.decode()


def test_a_file_that_is_not_excel_is_explained(client, tree, users):
    c = as_user(client, users["secretariat"])
    response = send_list(c, tree.ward_a, b"not a workbook")
    assert response.status_code == 200
    assert "không phải là tệp Excel" in response.content.decode()
    response = c.post(url("awards_upload", tree.ward_a), {})
    assert "Hãy chọn tệp Excel danh sách khen thưởng." in response.content.decode()
    assert SESSION_KEY not in c.session


def test_the_list_belongs_to_its_unit_and_can_be_dropped(office, tree):
    page = office.get(url("awards", tree.cell_a1)).content.decode()
    assert NAMES[1] not in page and "Hãy tải lên danh sách trước" in page
    response = office.post(url("awards_clear", tree.ward_a), follow=True)
    assert "Đã bỏ danh sách khen thưởng" in response.content.decode()
    assert SESSION_KEY not in office.session


# The documents --------------------------------------------------------------------------------
def test_the_proposal_downloads_with_the_list(office, tree):
    response = office.post(url("awards_proposal", tree.ward_a), proposal_data(
        **{"ttr-reasons_text": "Đơn vị dẫn đầu cụm thi đua năm 2026."}))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    text = texts(response.content)
    assert "TỜ TRÌNH" in text and "Kính gửi: Ban Thường vụ Tỉnh ủy Thử nghiệm" in text
    assert all(name in text for name in NAMES)
    assert "Đơn vị dẫn đầu cụm thi đua năm 2026." in text
    assert "-TTr/ĐU" in text and "1-TTr/ĐU" not in text  # no number taken: left blank
    assert not IssuedNumber.objects.exists()
    assert f'filename="to-trinh-dang-bo-phuong-an-binh-05-03-{YEAR}.docx"' in \
        response["Content-Disposition"]


def test_the_decision_downloads_with_the_amounts_and_their_total(office, tree):
    response = office.post(url("awards_decision", tree.ward_a), decision_data())
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    document = Document(io.BytesIO(response.content))
    text = texts(response.content)
    assert "QUYẾT ĐỊNH" in text and all(name in text for name in NAMES)
    assert "tổng số tiền thưởng: 1.500.000 đồng" in text
    annex = [[cell.text for cell in row.cells] for row in document.tables[-1].rows]
    assert annex[-1][1:] == ["Tổng cộng", "", "", "1.500.000"]
    assert ["1", "Nguyễn Thị Hoa", "Chuyên viên, Văn phòng Đảng ủy", "Giấy khen",
            "500.000"] in annex


def test_certificates_one_page_per_line(office, tree):
    response = office.post(url("awards_certificates", tree.ward_a), certificates_data(
        **{"gk-achievement": "Đã có thành tích xuất sắc năm 2026"}))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    document = Document(io.BytesIO(response.content))
    assert len(document.tables) == len(GOOD)
    breaks = [p for p in document.paragraphs if p.paragraph_format.page_break_before]
    assert len(breaks) + 1 == len(GOOD)
    pages = [[row.cells[0].text for row in table.rows] for table in document.tables]
    assert NAMES[0] in pages[0] and NAMES[1] in pages[1]
    assert "Hoàn thành xuất sắc nhiệm vụ năm 2026" in pages[0]  # the line's own
    assert "Đã có thành tích xuất sắc năm 2026" in pages[1]  # the form's, for the others
    assert "Quyết định số 12-QĐ/ĐU ngày 10/03/2026" in pages[0]


def test_taking_numbers_gives_1_then_2_and_offers_the_decision_to_the_certificates(office, tree):
    first = office.post(url("awards_proposal", tree.ward_a), proposal_data(**{
        "ttr-take_number": "on"}))
    second = office.post(url("awards_proposal", tree.ward_a), proposal_data(**{
        "ttr-take_number": "on"}))
    assert "Số 1-TTr/ĐU" in texts(first.content)
    assert "Số 2-TTr/ĐU" in texts(second.content)
    decision = office.post(url("awards_decision", tree.ward_a), decision_data(**{
        "qd-take_number": "on"}))
    assert "Số 1-QĐ/ĐU" in texts(decision.content)
    issued = list(IssuedNumber.objects.order_by("register__doc_type", "number").values_list(
        "register__doc_type", "number", "subject", "register__unit", "register__year"))
    assert issued == [("QĐ", 1, "Về việc tặng Giấy khen", tree.ward_a.pk, YEAR),
                      ("TTr", 1, "Về việc đề nghị tặng Giấy khen", tree.ward_a.pk, YEAR),
                      ("TTr", 2, "Về việc đề nghị tặng Giấy khen", tree.ward_a.pk, YEAR)]
    form = office.get(url("awards", tree.ward_a)).context["certificates_form"]
    assert form.initial["decision_reference"] == "1-QĐ/ĐU"
    assert form.initial["decision_day"].strftime("%d/%m/%Y") == f"10/03/{YEAR}"


def test_a_form_error_keeps_the_input_and_takes_no_number(office, tree):
    response = office.post(url("awards_proposal", tree.ward_a), proposal_data(**{
        "ttr-granting_body": "", "ttr-day": "31/02/2026", "ttr-summary": "Về việc khen",
        "ttr-take_number": "on"}))
    assert response.status_code == 200
    form = response.context["proposal_form"]
    assert form.errors["granting_body"] == ["Hãy ghi nơi nhận tờ trình (cấp xét khen thưởng)."]
    assert "dd/mm/yyyy" in form.errors["day"][0]
    assert 'value="Về việc khen"' in response.content.decode()
    assert not IssuedNumber.objects.exists()


def test_a_broken_template_names_the_placeholder_and_uses_no_number(office, tree, settings,
                                                                   tmp_path):
    settings.MEDIA_ROOT = tmp_path
    TemplateFile.objects.create(kind="quyet_dinh", doc_format="party",
                                file=ContentFile(without("{{ so_ky_hieu }}"), name="hong.docx"))
    response = office.post(url("awards_decision", tree.ward_a), decision_data(**{
        "qd-take_number": "on"}))
    assert response.status_code == 200 and "text/html" in response["Content-Type"]
    assert "{{ so_ky_hieu }}" in response.content.decode()
    assert not IssuedNumber.objects.exists()


def test_a_decision_that_fails_after_its_number_gives_the_number_back(office, tree,
                                                                       monkeypatch):
    from thidua.documents import award_docs

    def broken(*args, **kwargs):
        raise render.TemplateProblem("Mẫu “x.docx” không tạo được văn bản: lỗi thử.")

    monkeypatch.setattr(award_docs, "decision_docx", broken)
    response = office.post(url("awards_decision", tree.ward_a),
                           decision_data(**{"qd-take_number": "on"}))
    assert response.status_code == 200 and "lỗi thử" in response.content.decode()
    assert not IssuedNumber.objects.exists()
    form = office.get(url("awards", tree.ward_a)).context["certificates_form"]
    assert form.initial["decision_reference"] == ""  # no number to offer


def test_a_number_for_a_document_dated_another_year_is_refused(office, tree):
    response = office.post(url("awards_decision", tree.ward_a), decision_data(**{
        "qd-day": f"31/12/{YEAR - 1}", "qd-take_number": "on"}))
    assert response.status_code == 200
    assert "Chỉ lấy được số trong sổ năm" in response.context["decision_form"].errors["day"][0]
    assert not IssuedNumber.objects.exists()


@needs_office
@pytest.mark.slow
def test_the_certificates_and_the_decision_as_pdf(office, tree):
    from pypdf import PdfReader

    page = office.get(url("awards", tree.ward_a)).content.decode()
    assert 'value="pdf"' in page
    response = office.post(url("awards_certificates", tree.ward_a),
                           certificates_data(format="pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == len(GOOD)
    assert NAMES[1] in reader.pages[1].extract_text()
    response = office.post(url("awards_decision", tree.ward_a), decision_data(format="pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert ".pdf" in response["Content-Disposition"]


def test_without_libreoffice_only_word(office, tree, monkeypatch):
    monkeypatch.setattr(render, "office_binary", lambda: None)
    page = office.get(url("awards", tree.ward_a)).content.decode()
    assert "Máy chủ chưa cài LibreOffice nên chỉ tải được tệp Word" in page
    assert 'value="pdf"' not in page and 'value="docx"' in page
    response = office.post(url("awards_decision", tree.ward_a),
                           decision_data(format="pdf", **{"qd-take_number": "on"}))
    assert response.status_code == 200 and "chỉ tải được tệp Word" in response.content.decode()
    assert not IssuedNumber.objects.exists()  # nothing taken for a file that cannot be made
    response = office.post(url("awards_certificates", tree.ward_a),
                           certificates_data(format="pdf"))
    assert response.status_code == 200 and "chỉ tải được tệp Word" in response.content.decode()


def test_a_failed_pdf_hands_over_the_word_file_bearing_the_number(office, tree, monkeypatch):
    """The number was given with its document: the PDF failing cannot lose that document."""
    monkeypatch.setattr(render, "office_binary", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(render, "to_pdf", lambda data: None)
    response = office.post(url("awards_proposal", tree.ward_a),
                           proposal_data(format="pdf", **{"ttr-take_number": "on"}))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "Số 1-TTr/ĐU" in texts(response.content)
    assert list(IssuedNumber.objects.values_list("reference", flat=True)) == ["1-TTr/ĐU"]
    page = office.get(url("awards", tree.ward_a)).content.decode()
    assert "Không chuyển được văn bản số 1-TTr/ĐU sang PDF" in page


def test_a_failed_pdf_without_a_number_says_so_on_the_form(office, tree, monkeypatch):
    monkeypatch.setattr(render, "office_binary", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(render, "to_pdf", lambda data: None)
    response = office.post(url("awards_proposal", tree.ward_a), proposal_data(format="pdf"))
    assert response.status_code == 200
    assert "Không chuyển được văn bản sang PDF" in response.content.decode()


# Queries --------------------------------------------------------------------------------------
def test_the_page_reads_in_a_fixed_number_of_queries(client, tree, users,
                                                     django_assert_max_num_queries):
    c = as_user(client, users["secretariat"])
    address = url("awards", tree.ward_a)

    def count():
        c.get(address)
        with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as seen:
            assert c.get(address).status_code == 200
        return len(seen)

    send_list(c, tree.ward_a, workbook_bytes([[1, "Một người"]], headers=HEADERS[:2]))
    small = count()
    rows = [[n, f"Người thứ {n}", "", "Chuyên viên", "Văn phòng", "", "", 100000]
            for n in range(1, 401)]
    send_list(c, tree.ward_a, workbook_bytes(rows))
    assert len(c.session[SESSION_KEY]["list"]["rows"]) == 400
    assert count() == small
