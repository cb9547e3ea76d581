"""The two official formats, as built-in .docx templates with placeholders.

State documents follow Nghị định 30/2020/NĐ-CP (Phụ lục I): A4, Times New
Roman, margins top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm; the
national title (size 12–13, bold, capitals) and motto (13–14, bold, a line
below) on the right; the issuing body (12–13, bold, capitals, a line below)
under its parent body on the left, then ``Số: 05/QĐ-UBND``; place and date
in italics; page numbers at the top centre from the second page.

Party documents follow Hướng dẫn 36-HD/VPTW: "ĐẢNG CỘNG SẢN VIỆT NAM" top
right (size 15, bold, underlined), the issuing body in capitals with an
asterisk below, ``Số 167-KH/ĐU``, place and date in italics.

A template is the frame of the document: header, title, a ``{{p noi_dung }}``
placeholder for the body the system writes, the recipients and the signature.
An admin may replace it with his own .docx using the same placeholders
(``PLACEHOLDERS``); :mod:`thidua.documents.render` checks them.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from thidua.documents.models import DocFormat

FONT = "Times New Roman"

#: Margins in millimetres (top, bottom, left, right), within the ranges of both rules.
MARGINS = {DocFormat.STATE: (20, 20, 30, 15), DocFormat.PARTY: (20, 20, 30, 15)}
#: Body text size (13–14 in both rules).
BODY_SIZE = {DocFormat.STATE: 14, DocFormat.PARTY: 14}

#: The placeholders of the frame, with what the system puts in them.
PLACEHOLDERS = {
    "cap_tren": "Cơ quan, tổ chức cấp trên (chữ in hoa)",
    "co_quan": "Tên cơ quan ban hành (chữ in hoa)",
    "so_ky_hieu": "Số, ký hiệu văn bản (ví dụ 05/QĐ-UBND hoặc 167-KH/ĐU)",
    "dia_danh_ngay": "Địa danh và ngày tháng năm",
    "loai_van_ban": "Tên loại văn bản (KẾ HOẠCH, BÁO CÁO…)",
    "trich_yeu": "Trích yếu nội dung",
    "noi_dung": "Nội dung văn bản do hệ thống soạn ({{p noi_dung }})",
    "noi_nhan": "Danh sách nơi nhận (vòng lặp)",
    "tham_quyen": "Thẩm quyền ký (T/M…, TM.…)",
    "chuc_vu": "Chức vụ người ký",
    "nguoi_ky": "Họ tên người ký",
}
#: Placeholders without which the document would be wrong.
REQUIRED = ("co_quan", "so_ky_hieu", "dia_danh_ngay", "loai_van_ban", "noi_dung")



def set_font(run, size: float | None = None, bold: bool | None = None,
             italic: bool | None = None, underline: bool | None = None) -> None:
    """Times New Roman on every script (East Asian too, else Word falls back for Vietnamese)."""
    run.font.name = FONT
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if underline is not None:
        run.underline = underline


def paragraph(container, text: str = "", *, size: float = 14, bold: bool = False,
              italic: bool = False, underline: bool = False, align=None,
              space_after: float = 0, space_before: float = 0, line_spacing: float | None = None):
    para = container.add_paragraph()
    if text:
        set_font(para.add_run(text), size, bold, italic, underline)
    if align is not None:
        para.alignment = align
    fmt = para.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(space_before)
    if line_spacing:
        fmt.line_spacing = line_spacing
    return para


def short_rule(para, width_mm: float = 25) -> None:
    """A short horizontal line under a centred paragraph (below the issuing body, the motto)."""
    p_pr = para._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)
    # The line spans the paragraph: indent both sides to shorten it around the centre.
    para.paragraph_format.left_indent = Mm(width_mm)
    para.paragraph_format.right_indent = Mm(width_mm)


def no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def grid_borders(table) -> None:
    """Single lines around every cell, without relying on a "Table Grid" style."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"),
                           ("w:color", "000000")):
            element.set(qn(key), value)
        borders.append(element)
    tbl_pr.append(borders)


def page_number_field(para) -> None:
    """A PAGE field: Word and LibreOffice fill in the page number."""
    run = para.add_run()
    set_font(run, 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"),
                       ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text.strip() == "PAGE" else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def setup_page(document, doc_format: str, *, landscape: bool = False) -> None:
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    top, bottom, left, right = MARGINS[doc_format]
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance = Mm(10)
    # Page numbers at the top centre, not on the first page.
    section.different_first_page_header_footer = True
    header_para = section.header.paragraphs[0]
    header_para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_number_field(header_para)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_SIZE[doc_format])
    r_pr = normal.element.get_or_add_rPr()
    r_pr.get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _header(document, doc_format: str) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(75), Mm(90)
    left.paragraphs[0].text = ""
    centre = WD_ALIGN_PARAGRAPH.CENTER
    if doc_format == DocFormat.PARTY:
        first = left.paragraphs[0]
        set_font(first.add_run("{{ cap_tren }}"), 14)
        first.alignment = centre
        paragraph(left, "{{ co_quan }}", size=14, bold=True, align=centre)
        paragraph(left, "*", size=14, align=centre)
        paragraph(left, "Số {{ so_ky_hieu }}", size=14, align=centre)
        top = right.paragraphs[0]
        set_font(top.add_run("ĐẢNG CỘNG SẢN VIỆT NAM"), 15, bold=True, underline=True)
        top.alignment = centre
        paragraph(right, "", size=14)
        paragraph(right, "", size=14)
        paragraph(right, "{{ dia_danh_ngay }}", size=14, italic=True, align=centre)
    else:
        first = left.paragraphs[0]
        set_font(first.add_run("{{ cap_tren }}"), 13)
        first.alignment = centre
        body = paragraph(left, "{{ co_quan }}", size=13, bold=True, align=centre)
        short_rule(body, 22)
        paragraph(left, "Số: {{ so_ky_hieu }}", size=13, align=centre, space_before=6)
        top = right.paragraphs[0]
        set_font(top.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 13, bold=True)
        top.alignment = centre
        motto = paragraph(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True,
                          align=centre)
        short_rule(motto, 18)
        paragraph(right, "{{ dia_danh_ngay }}", size=14, italic=True, align=centre,
                  space_before=6)


def _signature(document, doc_format: str) -> None:
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(80), Mm(85)
    first = left.paragraphs[0]
    set_font(first.add_run("Nơi nhận:"), 12, bold=True, italic=doc_format == DocFormat.STATE,
             underline=doc_format == DocFormat.PARTY)
    paragraph(left, "{%p for n in noi_nhan %}", size=11)
    paragraph(left, "- {{ n }}", size=11)
    paragraph(left, "{%p endfor %}", size=11)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    top = right.paragraphs[0]
    set_font(top.add_run("{{ tham_quyen }}"), 14, bold=True)
    top.alignment = centre
    paragraph(right, "{{ chuc_vu }}", size=14, bold=True, align=centre)
    for _ in range(4):
        paragraph(right, "", size=14)
    paragraph(right, "{{ nguoi_ky }}", size=14, bold=True, align=centre)


def frame_template(doc_format: str) -> bytes:
    """The built-in frame of every document in ``doc_format``, as .docx bytes."""
    document = Document()
    setup_page(document, doc_format)
    body = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
    body._p.getparent().remove(body._p)
    _header(document, doc_format)
    paragraph(document, "", size=14)
    paragraph(document, "{{ loai_van_ban }}", size=15, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
              space_before=6)
    summary = paragraph(document, "{{ trich_yeu }}", size=14, bold=True,
                        align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    if doc_format == DocFormat.PARTY:
        paragraph(document, "-----", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    else:
        short_rule(summary, 60)
    paragraph(document, "{{p noi_dung }}", size=14)
    paragraph(document, "", size=14)
    _signature(document, doc_format)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
