"""The printable registration and scorecard: Word documents that open, with the data in them."""

import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.urls import reverse
from docx import Document

from tests.scorecards.conftest import YEAR
from thidua.documents import render as docs
from thidua.documents.issuers import profile_for
from thidua.documents.models import TemplateFile
from thidua.scorecards import domain, printing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def text_of(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, in order."""
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def table_rows(data: bytes) -> list[list[str]]:
    """The rows of the body's table (the one headed “Mã”; the frame's own tables aside)."""
    document = Document(io.BytesIO(data))
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0][0] == "Mã":
            return rows
    raise AssertionError("no table of criteria")


@pytest.fixture
def appraised(submitted, users):
    line = submitted.lines.select_related("criterion").get(criterion__code="2.1")
    domain.appraise(submitted, users["secretariat"],
                    {line.criterion_id: ("8", "Hai kỳ sinh hoạt chưa đủ nội dung")})
    domain.transition(submitted, "appraise", users["secretariat"])
    submitted.refresh_from_db()
    return submitted


def test_registration_document_has_the_commitments(registered):
    text = text_of(printing.registration_docx(registered))
    assert "BẢN ĐĂNG KÝ" in text
    assert f"Thực hiện mô hình “Chi bộ bốn tốt” năm {YEAR}" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text  # a cell writes in the Party format
    assert "CHI BỘ TỔ DÂN PHỐ 1" in text
    for group in registered.framework.groups():
        assert f"{group.code}. {group.title}" in text
        assert f"Đăng ký thực hiện tốt: {group.title}" in text
    assert "Chi bộ Tổ dân phố 1 cam kết phấn đấu thực hiện đầy đủ" in text
    rows = table_rows(printing.registration_docx(registered))
    assert rows[-1] == ["", "Tổng cộng", "100"]


def test_registration_marks_a_missing_commitment(bon_tot, tree, cell_leader):
    card = domain.start(bon_tot, tree.cell_a1, YEAR, cell_leader)
    text = text_of(printing.registration_docx(card))
    assert "[Nội dung đăng ký theo tiêu chí 1]" in text


def test_scorecard_document_has_the_points_and_reasons(appraised, users):
    rows = table_rows(printing.scorecard_docx(appraised))
    assert rows[0] == ["Mã", "Tiêu chí", "Điểm tối đa", "Tự chấm", "Thẩm định",
                       "Lý do điều chỉnh"]
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["2"][2:5] == ["25", "25", "20"]  # the group: max, self, appraised
    assert by_code["2.1"][2:] == ["13", "13", "8", "Hai kỳ sinh hoạt chưa đủ nội dung"]
    assert by_code["1.1"][2:5] == ["5", "5", "5"]
    assert rows[-1][1:5] == ["TỔNG CỘNG", "100", "100", "95"]
    text = text_of(printing.scorecard_docx(appraised))
    assert "Tổng điểm thẩm định: 95" in text
    assert "Chưa có quyết định công nhận" in text
    domain.transition(appraised, "refuse", users["leader"], "Chưa xếp loại tổ chức đảng",
                      decision_number="16-QĐ/ĐU", decision_date=appraised.updated_at.date())
    appraised.refresh_from_db()
    text = text_of(printing.scorecard_docx(appraised))
    assert (f"Không được công nhận “Chi bộ bốn tốt” năm {YEAR} theo Quyết định số 16-QĐ/ĐU"
            in text)


def test_a_grading_prints_its_band(frameworks, tree, cell_leader, users):
    from tests.scorecards.test_domain import grade_party_org

    card = grade_party_org(tree.cell_a1, 85, users, cell_leader, frameworks)
    text = text_of(printing.scorecard_docx(card))
    assert "Xếp loại theo điểm: Hoàn thành tốt nhiệm vụ" in text
    assert f"Xếp loại “Hoàn thành tốt nhiệm vụ” năm {YEAR} theo Quyết định số 12-QĐ/ĐU" in text
    assert card.self_total == Decimal(85)


# Through the views ----------------------------------------------------------------------------
def test_documents_download_as_word(client, appraised, cell_leader):
    client.force_login(cell_leader)
    response = client.get(reverse("scorecards:card_registration_doc", args=[appraised.pk,
                                                                            "docx"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "ban-dang-ky" in response["Content-Disposition"]
    assert "Đăng ký thực hiện tốt: Chất lượng sinh hoạt tốt" in text_of(response.content)
    response = client.get(reverse("scorecards:card_scorecard_doc", args=[appraised.pk, "docx"]))
    assert response.status_code == 200
    assert "Hai kỳ sinh hoạt chưa đủ nội dung" in text_of(response.content)


def test_pdf_without_libreoffice_says_word_only(client, appraised, cell_leader, monkeypatch):
    monkeypatch.setattr(docs, "office_binary", lambda: None)
    client.force_login(cell_leader)
    html = client.get(reverse("scorecards:card", args=[appraised.pk])).content.decode()
    assert "chỉ tải được tệp Word (.docx)" in html and "Bản đăng ký (PDF)" not in html
    response = client.get(reverse("scorecards:card_scorecard_doc", args=[appraised.pk, "pdf"]))
    assert response.status_code == 302
    assert any("chỉ tải được tệp Word" in str(m) for m in get_messages(response.wsgi_request))


def test_pdf_when_libreoffice_converts(client, appraised, cell_leader, monkeypatch):
    monkeypatch.setattr(docs, "office_binary", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(docs, "to_pdf", lambda data: b"%PDF-1.7 converted")
    client.force_login(cell_leader)
    html = client.get(reverse("scorecards:card", args=[appraised.pk])).content.decode()
    assert "Phiếu chấm điểm (PDF)" in html
    response = client.get(reverse("scorecards:card_scorecard_doc", args=[appraised.pk, "pdf"]))
    assert response.status_code == 200 and response.content == b"%PDF-1.7 converted"
    assert response["Content-Type"] == "application/pdf"


def test_a_broken_template_is_shown_not_a_500(client, registered, cell_leader, users):
    plain = Document()
    plain.add_paragraph("Mẫu không có trường trộn")
    buffer = io.BytesIO()
    plain.save(buffer)
    doc_format = profile_for(registered.unit).doc_format
    TemplateFile.objects.create(kind=printing.REGISTRATION_KIND, doc_format=doc_format,
                                file=ContentFile(buffer.getvalue(), name="hong.docx"),
                                uploaded_by=users["admin"])
    client.force_login(cell_leader)
    response = client.get(reverse("scorecards:card_registration_doc",
                                  args=[registered.pk, "docx"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Không tạo được bản đăng ký" in html and "thiếu trường bắt buộc" in html
    assert "Hãy báo quản trị hệ thống sửa mẫu văn bản." in html
    back = reverse("scorecards:card", args=[registered.pk]) + "#in-an"
    assert f'href="{back}">Quay lại phiếu</a>' in html
    assert registered.subject_name in html  # the card's breadcrumbs
