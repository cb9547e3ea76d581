"""The document engine: the two official formats, replaced templates, any Unicode."""

import io
import time
from datetime import date
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from thidua.documents import movement_docs, render
from thidua.documents.formats import frame_template
from thidua.documents.forms import validate_template
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
    doc.table(["STT", "Tên"], [("1", "Một"), ("2", "Hai")], centred=[0])


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


# Replaced templates: safe, and explained in Vietnamese ---------------------------------------
def replaced(old: str, new: str, doc_format: str = "state") -> bytes:
    """The built-in frame with the placeholder ``old`` written as ``new`` (in its own run)."""
    document = Document(io.BytesIO(frame_template(doc_format)))
    paragraphs = [*document.paragraphs, *(p for t in document.tables for r in t.rows
                                          for c in r.cells for p in c.paragraphs)]
    runs = [run for p in paragraphs for run in p.runs if old in run.text]
    assert runs, old
    for run in runs:
        run.text = run.text.replace(old, new)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def refusal(data: bytes) -> str:
    """The reason both the upload check and the renderer give for ``data``."""
    with pytest.raises(TemplateProblem) as at_upload:
        validate_template(data, "mau.docx", "state")
    TemplateFile.objects.all().delete()
    replace_template("quyet_dinh", "state", data)
    with pytest.raises(TemplateProblem) as at_render:
        render_document("quyet_dinh", frame(), write)
    assert "mau.docx" in str(at_upload.value)
    return str(at_render.value)


def test_a_template_cannot_reach_pythons_internals(settings, tmp_path):
    """A placeholder walking ``__class__`` to Python's classes is the way to run code on the
    server from a template (server-side template injection): the sandbox refuses it."""
    settings.MEDIA_ROOT = tmp_path
    walk = "{{ cap_tren.__class__.__mro__[1].__subclasses__() }}"
    message = refusal(replaced("{{ nguoi_ky }}", walk))
    assert "__class__" in message and "không được phép" in message


@pytest.mark.parametrize("expression", ["{{ 'x' * 100000000 }}", "{{ 10 ** 10 ** 8 }}",
                                        "{% for i in range(10 ** 9) %}{% endfor %}"])
def test_a_template_cannot_make_the_server_compute(settings, tmp_path, expression):
    settings.MEDIA_ROOT = tmp_path
    message = refusal(replaced("{{ nguoi_ky }}", expression))
    assert "không tạo được văn bản" in message and "hỏng" not in message


def test_the_body_placeholder_inside_a_line_is_refused_not_a_broken_file(settings, tmp_path):
    """``{{ noi_dung }}`` (not ``{{p …}}``) would put the body's paragraphs and tables inside
    a paragraph: Word refuses to open such a file."""
    settings.MEDIA_ROOT = tmp_path
    for written in ("{{ noi_dung }}", "Nội dung: {{ noi_dung }}", "{{r noi_dung }}"):
        message = refusal(replaced("{{p noi_dung }}", written))
        assert "{{p noi_dung }}" in message, written


@pytest.mark.parametrize(("broken", "expected"), [
    ("{{ nguoi_ky ", "chưa được đóng (thiếu “}}”"),
    ("{{ nguoi_ky }", "phải là hai dấu “}}”"),
    ("{{ nguoi ky }}", "chữ thừa “ky”"),
    ("{{ }}", "trống"),
    ("{% foo %}", "thẻ “{% foo %}” không được hỗ trợ"),
    ("{% if nguoi_ky %}x", "khối “{% if %}” chưa được đóng (thiếu “{% endif %}”)"),
    ("{% endfor %}", "thẻ “{% endfor %}” thừa"),
    ("{{ nguoi_ky|khong_co }}", "bộ lọc “khong_co” không có"),
    ("{{ nguoi_ky.ho_ten }}", "“.ho_ten”"),
    ("{{ nguoi_ky() }}", "chỉ dùng tên trường"),
])
def test_a_broken_tag_is_explained_in_vietnamese(settings, tmp_path, broken, expected):
    settings.MEDIA_ROOT = tmp_path
    message = refusal(replaced("{{ nguoi_ky }}", broken))
    assert expected in message
    for english in ("Encountered", "expected token", "Jinja", "unexpected", "object",
                    "tệp bị hỏng"):
        assert english not in message


# The formats on paper ----------------------------------------------------------------------
def all_runs(document):
    """Every run with text: paragraphs, table cells (nested too) and the page header."""
    parts = [document.element.body, *(s.header._element for s in document.sections)]
    for part in parts:
        for run in part.iter(qn("w:r")):
            if "".join(t.text or "" for t in run.iter(qn("w:t"))).strip():
                yield run


def run_font(run) -> tuple[str | None, float | None]:
    fonts = run.find(qn("w:rPr") + "/" + qn("w:rFonts"))
    size = run.find(qn("w:rPr") + "/" + qn("w:sz"))
    return (fonts.get(qn("w:ascii")) if fonts is not None else None,
            int(size.get(qn("w:val"))) / 2 if size is not None else None)


@pytest.mark.parametrize("doc_format", ["state", "party"])
def test_times_new_roman_with_a_size_on_every_run(doc_format):
    data = render_document("bao_cao", frame(doc_format), write)
    document = Document(io.BytesIO(data))
    assert {run_font(run)[0] for run in all_runs(document)} == {"Times New Roman"}
    assert all(run_font(run)[1] for run in all_runs(document))
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_state_header_sizes_and_the_rules_under_body_motto_and_summary():
    """Nghị định 30/2020: national title 12–13 bold, motto 13–14 bold with a line as long
    as it, issuing body 12–13 bold with a short line, the type 13–14 bold."""
    document = Document(io.BytesIO(render_document("quyet_dinh", frame(), write)))
    left, right = document.tables[0].rows[0].cells
    title, motto = right.paragraphs[0].runs[0], right.paragraphs[1].runs[0]
    assert title.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert title.bold and 12 <= title.font.size.pt <= 13
    assert motto.bold and 13 <= motto.font.size.pt <= 14
    kind = next(p for p in document.paragraphs if p.text == "QUYẾT ĐỊNH").runs[0]
    assert kind.bold and 13 <= kind.font.size.pt <= 14
    # The rules are paragraphs of their own: the text above keeps its whole width.
    body_name = next(p for p in left.paragraphs if p.text == "SỞ NỘI VỤ")
    assert not body_name.paragraph_format.left_indent
    assert "w:pBdr" not in body_name._p.xml and "w:pBdr" not in right.paragraphs[1]._p.xml
    rules = [p for p in (*left.paragraphs, *right.paragraphs, *document.paragraphs)
             if "w:pBdr" in p._p.xml]
    assert len(rules) == 3 and all(not p.text for p in rules)


def test_party_type_size():
    data = render_document("ke_hoach", frame("party", reference="167-KH/ĐU"), write)
    kind = next(p for p in Document(io.BytesIO(data)).paragraphs if p.text == "QUYẾT ĐỊNH")
    assert kind.runs[0].bold and kind.runs[0].font.size.pt == 15


def test_the_signature_block_is_never_split_across_pages():
    document = Document(io.BytesIO(render_document("quyet_dinh", frame(), write)))
    signature = next(t for t in document.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    assert signature.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None


def test_table_cells_have_no_paragraph_spacing_of_the_default_style():
    """python-docx's default style adds 10 pt after every paragraph, which padded each
    table row; the frame sets none and the cells their own small spacing."""
    document = Document(io.BytesIO(render_document("bao_cao", frame(), write)))
    normal = document.styles["Normal"].paragraph_format
    assert normal.space_after == 0 and normal.space_before == 0
    body_table = document.tables[1]
    for row in body_table.rows:
        assert row.cells[0].paragraphs[0].paragraph_format.space_after.pt <= 3


def test_tables_fit_the_text_width_and_serial_numbers_are_centred():
    def body(doc):
        doc.table(["STT", "Tên", "Ghi chú"], [("1", "Một", "x")], widths_mm=[20, 150, 60],
                  centred=[0])

    document = Document(io.BytesIO(render_document("bao_cao", frame(), body)))
    table = document.tables[1]
    widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(widths) <= Mm(165).twips + 3
    assert table.rows[1].cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER


@pytest.mark.parametrize(("doc_format", "symbol", "expected"), [
    ("party", "CB", "Số       -ĐK/CB"), ("state", "UBND", "Số:       /ĐK-UBND")])
def test_a_registration_leaves_its_number_blank_in_its_units_format(
        launched, tree, users, doc_format, symbol, expected):
    from tests.documents.test_pdf import registration

    IssuerProfile.objects.create(unit=tree.cell_a1, doc_format=doc_format, body_name="Chi bộ 1",
                                 symbol=symbol, place="An Bình")
    text = texts(movement_docs.registration_docx(registration(launched, tree, users)))
    assert expected in text


# PDF: failures and hangs ---------------------------------------------------------------------
def fake_office(tmp_path, script: str) -> str:
    """A stand-in for ``soffice``: a shell script that starts a child like ``oosplash`` does."""
    path = tmp_path / "soffice"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return str(path)


def test_a_conversion_that_hangs_is_ended_with_every_process_it_started(tmp_path, monkeypatch):
    pid_file = tmp_path / "child.pid"
    binary = fake_office(tmp_path, f"sleep 60 &\necho $! > {pid_file}\nwait\n")
    monkeypatch.setattr(render, "office_binary", lambda: binary)
    monkeypatch.setattr(render, "PDF_TIMEOUT_S", 1)
    started = time.monotonic()
    assert render.to_pdf(b"docx") is None
    assert time.monotonic() - started < 10
    child = int(pid_file.read_text())
    time.sleep(0.2)
    assert not running(child)  # the grandchild is gone too, not left behind


def running(pid: int) -> bool:
    """The process exists and has not ended (a dead child not yet reaped is a zombie, "Z")."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_conversion_that_fails_answers_none(tmp_path, monkeypatch):
    binary = fake_office(tmp_path, "echo 'Error: source file could not be loaded' >&2\nexit 1\n")
    monkeypatch.setattr(render, "office_binary", lambda: binary)
    assert render.to_pdf(b"not a document") is None
    monkeypatch.setattr(render, "office_binary", lambda: str(tmp_path / "missing"))
    assert render.to_pdf(b"docx") is None
