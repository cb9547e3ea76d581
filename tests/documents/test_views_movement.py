"""Documents of a movement: the plan, a registration, the review report (Word and PDF).

Fixtures: tests/conftest.py (two wards, one user per role on ward A, ``other`` is the
secretariat of ward B) and tests/movements/conftest.py (``launched``: plan 167-KH/ĐU of
ward A).
"""

import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import as_user  # noqa: F401 (shared helper)
from tests.documents.test_render import texts, without
from thidua.documents import render
from thidua.documents.models import IssuedNumber, TemplateFile
from thidua.movements import domain

pytestmark = pytest.mark.django_db
needs_office = pytest.mark.skipif(render.office_binary() is None,
                                  reason="LibreOffice (soffice) is not installed here")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def url(name, *args):
    return reverse(f"documents:{name}", args=args)




@pytest.fixture
def registration(launched, users, tree):
    registration = domain.start_registration(users["secretariat"], launched, tree.cell_a1)
    content = launched.contents.get()
    domain.save_commitments(users["secretariat"], registration, [
        {"content": content, "target": None, "text": "Mỗi đảng viên học tập đủ chuyên đề",
         "number": None}])
    return registration


def report_data(unit, day, **extra):
    return {"unit": str(unit.pk), "stage": "interim", "report_date": day.strftime("%d/%m/%Y"),
            "format": "docx", **extra}


# Who reaches what -----------------------------------------------------------------------------
def addresses(launched, registration):
    return [url("movement", launched.pk), url("plan_docx", launched.pk),
            url("plan_pdf", launched.pk), url("report", launched.pk),
            url("registration_docx", registration.pk), url("registration_pdf", registration.pk)]


def test_anonymous_users_are_sent_to_the_login_page(client, launched, registration):
    for address in addresses(launched, registration):
        for method in (client.get, client.post):
            response = method(address)
            assert response.status_code == 302, address
            assert response["Location"].startswith(reverse("login")), address


def test_the_other_wards_user_gets_404_everywhere(client, launched, registration, users, tree,
                                                  today):
    """GET answers 404; POST answers 404 where the URL takes a POST, and 405 (the same for
    every id, so nothing leaks) on the read-only downloads."""
    c = as_user(client, users["other"])
    takes_post = {url("report", launched.pk)}
    for address in addresses(launched, registration):
        assert c.get(address).status_code == 404, address
        expected = 404 if address in takes_post else 405
        assert c.post(address, report_data(tree.ward_b, today)).status_code == expected, address
    assert not IssuedNumber.objects.exists()


def test_a_report_unit_outside_the_users_roles_is_404(client, launched, users, tree, today):
    c = as_user(client, users["admin"])
    assert c.get(url("movement", launched.pk), {"don-vi": tree.cell_b1.pk}).status_code == 404
    assert c.get(url("movement", launched.pk), {"don-vi": "abc"}).status_code == 404
    response = c.post(url("report", launched.pk),
                      report_data(tree.cell_b1, today, take_number="on"))
    assert response.status_code == 404
    assert not IssuedNumber.objects.exists()


def test_the_form_offers_the_users_units_inside_the_scope(client, launched, users, tree):
    form = as_user(client, users["admin"]).get(url("movement", launched.pk)).context["form"]
    assert form.initial["unit"] == tree.ward_a.pk
    offered = [pk for pk, _label in form.fields["unit"].choices]
    assert offered == [tree.ward_a.pk, tree.cell_a1.pk, tree.cell_a2.pk]
    # A cell's staff member: the scope is above his roles, his own cell is the default.
    form = as_user(client, users["staff"]).get(url("movement", launched.pk)).context["form"]
    assert form.initial["unit"] == tree.cell_a1.pk
    assert [pk for pk, _label in form.fields["unit"].choices] == [tree.cell_a1.pk]


# The plan -------------------------------------------------------------------------------------
def test_the_plan_downloads_as_word_with_a_vietnamese_file_name(client, launched, users):
    response = as_user(client, users["observer"]).get(url("plan_docx", launched.pk))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    disposition = response["Content-Disposition"]
    assert 'filename="ke-hoach-167-kh-du.docx"' in disposition
    assert "filename*=UTF-8''" + quote("Kế hoạch 167-KH-ĐU.docx", safe="") in disposition
    text = texts(response.content)
    assert "Số 167-KH/ĐU" in text and "KẾ HOẠCH" in text and launched.title in text
    assert "100% chi bộ đăng ký thi đua" in text


def test_a_cell_sees_the_wards_plan(client, launched, users):
    response = as_user(client, users["staff"]).get(url("plan_docx", launched.pk))
    assert response.status_code == 200 and launched.title in texts(response.content)


def test_a_draft_plan_is_for_its_issuers_only(client, movement, users, make_user, tree):
    assert as_user(client, users["secretariat"]).get(url("plan_docx", movement.pk)).status_code == 200
    assert as_user(client, users["staff"]).get(url("plan_docx", movement.pk)).status_code == 404


@needs_office
@pytest.mark.slow
def test_the_plan_downloads_as_pdf_when_libreoffice_is_installed(client, launched, users):
    from pypdf import PdfReader

    c = as_user(client, users["secretariat"])
    page = c.get(url("movement", launched.pk)).content.decode()
    assert url("plan_pdf", launched.pk) in page
    response = c.get(url("plan_pdf", launched.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="ke-hoach-167-kh-du.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    assert "167-KH" in reader.pages[0].extract_text()


def test_without_libreoffice_only_word_is_offered(client, launched, users, tree, today,
                                                  monkeypatch):
    monkeypatch.setattr(render, "office_binary", lambda: None)
    c = as_user(client, users["secretariat"])
    page = c.get(url("movement", launched.pk)).content.decode()
    assert "Máy chủ chưa cài LibreOffice nên chỉ tải được tệp Word" in page
    assert url("plan_pdf", launched.pk) not in page and 'value="pdf"' not in page
    response = c.get(url("plan_pdf", launched.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("movement", launched.pk)
    assert "chỉ tải được tệp Word" in response.content.decode()
    response = c.post(url("report", launched.pk),
                      report_data(tree.ward_a, today, format="pdf", take_number="on"))
    assert response.status_code == 200
    assert "chỉ tải được tệp Word" in response.content.decode()
    assert not IssuedNumber.objects.exists()  # nothing taken for a file that cannot be made


# A registration -------------------------------------------------------------------------------
def test_a_registration_downloads_as_word(client, registration, users, tree):
    for user in ("secretariat", "staff"):  # the ward's office, the cell's own staff
        response = as_user(client, users[user]).get(url("registration_docx", registration.pk))
        assert response.status_code == 200 and response["Content-Type"] == DOCX
        text = texts(response.content)
        assert "BẢN ĐĂNG KÝ THI ĐUA" in text and tree.cell_a1.name.upper() in text
        assert "Mỗi đảng viên học tập đủ chuyên đề" in text
        assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_a_registration_pdf_without_libreoffice_goes_back_with_the_reason(
        client, registration, users, monkeypatch):
    monkeypatch.setattr(render, "office_binary", lambda: None)
    response = as_user(client, users["secretariat"]).get(
        url("registration_pdf", registration.pk), follow=True)
    assert response.redirect_chain[-1][0] == reverse("movements:registration_detail",
                                                     args=[registration.pk])
    assert "chỉ tải được tệp Word" in response.content.decode()


def test_another_cells_registration_is_404(client, registration, make_user, tree):
    neighbour = make_user("bithu_cb2", "secretariat", tree.cell_a2)
    assert as_user(client, neighbour).get(
        url("registration_docx", registration.pk)).status_code == 404


def test_the_registration_page_links_to_the_download(client, registration, users):
    page = as_user(client, users["secretariat"]).get(
        reverse("movements:registration_detail", args=[registration.pk])).content.decode()
    assert url("registration_docx", registration.pk) in page


# The review report ----------------------------------------------------------------------------
def test_the_report_without_a_number_leaves_it_blank(client, launched, users, tree, today):
    response = as_user(client, users["secretariat"]).post(
        url("report", launched.pk), report_data(tree.ward_a, today))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    text = texts(response.content)
    assert "BÁO CÁO" in text and "Sơ kết " + launched.title in text
    assert "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU" in text and "Chi bộ Tổ dân phố 1" in text
    assert "-BC/ĐU" in text and "1-BC/ĐU" not in text
    assert not IssuedNumber.objects.exists()
    assert 'filename="bao-cao-so-ket-dang-bo-phuong-an-binh-' in response["Content-Disposition"]


def test_the_report_takes_the_next_number_of_the_register(client, launched, users, tree, today):
    c = as_user(client, users["secretariat"])
    data = report_data(tree.ward_a, today, stage="final", take_number="on")
    first, second = (c.post(url("report", launched.pk), data) for _ in range(2))
    assert "Số 1-BC/ĐU" in texts(first.content)
    assert "Tổng kết " + launched.title in texts(second.content)
    assert "Số 2-BC/ĐU" in texts(second.content)
    issued = list(IssuedNumber.objects.order_by("number").values_list(
        "number", "reference", "subject", "register__unit"))
    assert issued == [(n, f"{n}-BC/ĐU", f"Báo cáo tổng kết {launched.title}", tree.ward_a.pk)
                      for n in (1, 2)]


def test_a_cell_reports_for_itself(client, launched, users, tree, today):
    response = as_user(client, users["staff"]).post(
        url("report", launched.pk), report_data(tree.cell_a1, today))
    assert response.status_code == 200
    assert "CHI BỘ TỔ DÂN PHỐ 1" in texts(response.content)


def test_a_number_needs_an_issuing_role(client, launched, users, tree, today):
    response = as_user(client, users["staff"]).post(
        url("report", launched.pk), report_data(tree.cell_a1, today, take_number="on"))
    assert response.status_code == 200 and "text/html" in response["Content-Type"]
    assert "không có quyền lấy số văn bản" in response.content.decode()
    assert not IssuedNumber.objects.exists()


def test_the_report_date_is_checked_and_the_input_kept(client, launched, users, tree):
    early = launched.issued_on - timedelta(days=1)
    response = as_user(client, users["secretariat"]).post(
        url("report", launched.pk), report_data(tree.cell_a2, early, stage="final"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "không được trước ngày ban hành" in form.errors["report_date"][0]
    assert form.data["unit"] == str(tree.cell_a2.pk) and form.data["stage"] == "final"
    response = as_user(client, users["secretariat"]).post(
        url("report", launched.pk), report_data(tree.ward_a, early) | {"report_date": "31/02/2026"})
    assert "dd/mm/yyyy" in response.context["form"].errors["report_date"][0]


@needs_office
@pytest.mark.slow
def test_the_report_downloads_as_pdf(client, launched, users, tree, today):
    response = as_user(client, users["secretariat"]).post(
        url("report", launched.pk), report_data(tree.ward_a, today, format="pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert ".pdf" in response["Content-Disposition"]


# A number is handed out with its document, or not at all ------------------------------------
def test_a_report_that_cannot_be_made_gives_its_number_back(client, launched, users, tree,
                                                           today, monkeypatch):
    """The template passed its check but the document still fails (here: a problem only the
    filling finds, then any error): the number taken for it goes back to the register."""
    from thidua.documents import movement_docs

    c = as_user(client, users["secretariat"])
    data = report_data(tree.ward_a, today, take_number="on")

    def broken(*args, **kwargs):
        raise render.TemplateProblem("Mẫu “x.docx” không tạo được văn bản: lỗi thử.")

    monkeypatch.setattr(movement_docs, "review_report_docx", broken)
    response = c.post(url("report", launched.pk), data)
    assert response.status_code == 200 and "lỗi thử" in response.content.decode()
    assert not IssuedNumber.objects.exists()

    def crash(*args, **kwargs):
        raise RuntimeError("a bug while writing the body")

    monkeypatch.setattr(movement_docs, "review_report_docx", crash)
    with pytest.raises(RuntimeError):
        c.post(url("report", launched.pk), data)
    assert not IssuedNumber.objects.exists()

    monkeypatch.undo()
    assert "Số 1-BC/ĐU" in texts(c.post(url("report", launched.pk), data).content)


def test_a_report_pdf_that_fails_after_the_number_hands_over_the_word_file(
        client, launched, users, tree, today, monkeypatch):
    monkeypatch.setattr(render, "office_binary", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(render, "to_pdf", lambda data: None)
    c = as_user(client, users["secretariat"])
    response = c.post(url("report", launched.pk),
                      report_data(tree.ward_a, today, take_number="on", format="pdf"))
    assert response["Content-Type"] == DOCX and "Số 1-BC/ĐU" in texts(response.content)
    assert IssuedNumber.objects.get().reference == "1-BC/ĐU"
    assert ".docx" in response["Content-Disposition"]


def test_a_number_is_taken_only_for_a_date_of_this_year(client, launched, users, tree, today):
    """Numbers restart each year; the register of another year is not reopened (nor a
    future one started) by a document's date."""
    c = as_user(client, users["secretariat"])
    for day in (today.replace(year=today.year + 1, month=1, day=2),):
        response = c.post(url("report", launched.pk),
                          report_data(tree.ward_a, day, take_number="on"))
        assert response.status_code == 200 and "text/html" in response["Content-Type"]
        assert f"Chỉ lấy được số trong sổ năm {today.year}" in \
            response.context["form"].errors["report_date"][0]
    assert not IssuedNumber.objects.exists()
    response = c.post(url("report", launched.pk),
                      report_data(tree.ward_a, today.replace(year=today.year + 1, month=1,
                                                             day=2)))
    assert response["Content-Type"] == DOCX  # without a number, any date


# A replaced template that cannot work ------------------------------------------------------------
def test_a_broken_template_is_explained_not_a_500(client, launched, users, tree, today, media):
    for kind in ("ke_hoach", "bao_cao"):
        TemplateFile.objects.create(kind=kind, doc_format="party",
                                    file=ContentFile(without("{{ so_ky_hieu }}"), name="hong.docx"))
    c = as_user(client, users["secretariat"])
    response = c.get(url("plan_docx", launched.pk))
    assert response.status_code == 200 and "text/html" in response["Content-Type"]
    page = response.content.decode()
    assert "Không tạo được kế hoạch" in page and "{{ so_ky_hieu }}" in page
    response = c.post(url("report", launched.pk),
                      report_data(tree.ward_a, today, take_number="on"))
    assert response.status_code == 200 and "{{ so_ky_hieu }}" in response.content.decode()
    assert not IssuedNumber.objects.exists()  # given back with the failed document


# Links and queries ------------------------------------------------------------------------------
def test_the_movement_page_links_to_its_documents(client, launched, users):
    page = as_user(client, users["observer"]).get(
        reverse("movements:detail", args=[launched.pk])).content.decode()
    assert url("movement", launched.pk) in page


def test_the_documents_page_queries_do_not_grow_with_the_units(
        client, launched, users, tree, make_unit, django_assert_max_num_queries):
    c = as_user(client, users["admin"])
    address = url("movement", launched.pk)
    c.get(address)

    def count():
        with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as seen:
            assert c.get(address).status_code == 200
        return len(seen)

    before = count()
    for index in range(8):
        make_unit(f"Chi bộ Tổ dân phố {index + 3}", tree.ward_a, code=f"PAB-CB{index + 3}")
    assert len(c.get(address).context["form"].fields["unit"].choices) == 11
    assert count() == before

