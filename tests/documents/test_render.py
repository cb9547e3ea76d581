"""The document engine: the two official formats, replaced templates, any Unicode."""

import io
from datetime import date

import pytest
from django.core.files.base import ContentFile
from docx import Document

from thidua.documents import movement_docs
from thidua.documents.formats import frame_template
from thidua.documents.models import IssuerProfile, TemplateFile
from thidua.documents.render import Frame, TemplateProblem, date_line, render_document

pytestmark = pytest.mark.django_db


def texts(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def frame(doc_format="state", **extra):
    values = {"doc_format": doc_format, "parent_body": "UBND tỉnh Thái Nguyên",
                  "body_name": "Sở Nội vụ", "reference": "05/QĐ-SNV", "place": "Thái Nguyên",
                  "day": date(2026, 3, 5), "kind_label": "Quyết định",
                  "summary": "Về việc khen thưởng", "signer_title": "Giám đốc",
                  "signer_name": "Nguyễn Văn A", "on_behalf": ""}
    values.update(extra)
    return Frame(**values)


def write(doc):
    doc.heading("I.", "Mục đích, yêu cầu")
    doc.text("Nội dung.")
    doc.table(["STT", "Tên"], [("1", "Một"), ("2", "Hai")], numeric=[0])


def test_state_document_header_fonts_and_margins():
    data = render_document("quyet_dinh", frame(), write)
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert round(section.top_margin.mm) == 20 and round(section.bottom_margin.mm) == 20
    header = document.tables[0].rows[0].cells
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1].text
    assert "Độc lập - Tự do - Hạnh phúc" in header[1].text
    assert "UBND TỈNH THÁI NGUYÊN" in header[0].text and "SỞ NỘI VỤ" in header[0].text
    assert "Số: 05/QĐ-SNV" in header[0].text
    place = next(p for p in header[1].paragraphs if "Thái Nguyên" in p.text)
    assert place.text == "Thái Nguyên, ngày 05 tháng 3 năm 2026"
    assert all(run.italic for run in place.runs)
    fonts = {run.font.name for p in document.paragraphs for run in p.runs if run.text.strip()}
    assert fonts == {"Times New Roman"}
    assert "QUYẾT ĐỊNH" in texts(data) and "I. MỤC ĐÍCH, YÊU CẦU" in texts(data)
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert "PAGE" in section.header._element.xml


def test_party_document_header():
    data = render_document("ke_hoach", frame("party", reference="167-KH/ĐU",
                                              parent_body="Đảng bộ tỉnh Thái Nguyên",
                                              body_name="Đảng ủy phường Bắc Kạn"), write)
    header = Document(io.BytesIO(data)).tables[0].rows[0].cells
    title = header[1].paragraphs[0].runs[0]
    assert title.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert title.bold and title.underline and title.font.size.pt == 15
    left = [p.text for p in header[0].paragraphs]
    assert left[:4] == ["ĐẢNG BỘ TỈNH THÁI NGUYÊN", "ĐẢNG ỦY PHƯỜNG BẮC KẠN", "*",
                        "Số 167-KH/ĐU"]


def test_date_line_pads_days_and_the_first_two_months():
    assert date_line("Bắc Kạn", date(2026, 2, 1)) == "Bắc Kạn, ngày 01 tháng 02 năm 2026"
    assert date_line("Bắc Kạn", date(2026, 11, 22)) == "Bắc Kạn, ngày 22 tháng 11 năm 2026"


def test_any_unicode_renders():
    nasty = "Nguye\u0302\u0303n 🎉 <b>&amp;</b> \x00\x07 \ufffe “ngoặc” ‘đơn’ 😀"
    data = render_document("bao_cao", frame(summary=nasty), lambda doc: doc.text(nasty))
    text = texts(data)
    assert "Nguyễn 🎉 <b>&amp;</b>" in text  # NFC, escaped, kept
    assert "\x00" not in text and "\x07" not in text


def replace_template(kind, doc_format, data):
    return TemplateFile.objects.create(kind=kind, doc_format=doc_format,
                                       file=ContentFile(data, name="mau.docx"))


def test_a_replaced_template_is_used(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = Document(io.BytesIO(frame_template("state")))
    document.add_paragraph("Mẫu riêng của tỉnh")
    buffer = io.BytesIO()
    document.save(buffer)
    replace_template("quyet_dinh", "state", buffer.getvalue())
    assert "Mẫu riêng của tỉnh" in texts(render_document("quyet_dinh", frame(), write))
    assert "Mẫu riêng của tỉnh" not in texts(render_document("bao_cao", frame(), write))


def without(placeholder: str, replacement: str = "") -> bytes:
    document = Document(io.BytesIO(frame_template("state")))
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for para in cell.paragraphs:
                    for run in para.runs:
                        run.text = run.text.replace(placeholder, replacement)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_template_missing_a_placeholder_is_refused_naming_it(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    replace_template("quyet_dinh", "state", without("{{ so_ky_hieu }}"))
    with pytest.raises(TemplateProblem, match=r"thiếu trường bắt buộc: \{\{ so_ky_hieu \}\}"):
        render_document("quyet_dinh", frame(), write)


def test_a_template_with_an_unknown_placeholder_is_refused_naming_it(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    replace_template("quyet_dinh", "state", without("{{ nguoi_ky }}", "{{ ten_nguoi_ky }}"))
    with pytest.raises(TemplateProblem, match=r"\{\{ ten_nguoi_ky \}\}"):
        render_document("quyet_dinh", frame(), write)


def test_a_file_that_is_not_a_template(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    replace_template("quyet_dinh", "state", b"not a docx")
    with pytest.raises(TemplateProblem, match="không phải tệp Word"):
        render_document("quyet_dinh", frame(), write)


def test_the_plan_from_the_movement(launched, tree):
    IssuerProfile.objects.create(unit=tree.ward_a, doc_format="party",
                                 parent_body="ĐẢNG BỘ TỈNH THỬ NGHIỆM",
                                 body_name="ĐẢNG ỦY PHƯỜNG AN BÌNH", symbol="ĐU", place="An Bình",
                                 signer_on_behalf="T/M ĐẢNG ỦY", signer_title="Bí thư",
                                 signer_name="Trần Văn B")
    text = texts(movement_docs.plan_docx(launched))
    assert "Số 167-KH/ĐU" in text and "KẾ HOẠCH" in text
    assert launched.title in text
    assert "100% chi bộ đăng ký thi đua" in text and "≥ 100%" in text
    assert "Hạn đăng ký thi đua" in text and "Trần Văn B" in text


def test_the_review_report_from_the_data(launched, tree):
    data = movement_docs.review_report_docx(launched, tree.ward_a, date.today(), "interim")
    text = texts(data)
    assert "Sơ kết " + launched.title in text
    assert "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU" in text
    assert "100% chi bộ đăng ký thi đua" in text and "Chưa đạt" in text
    assert "Chi bộ Tổ dân phố 1" in text  # a unit that missed it, by name
    assert "[Ưu điểm (do đơn vị viết)]" in text
