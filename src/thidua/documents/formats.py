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
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
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


def rule(container, width_mm: float, available_mm: float, *, space_after: float = 0):
    """A short horizontal line, centred, as a paragraph of its own under the text it marks
    (the issuing body, the motto, the summary): its length is the rule's, not the width
    of the text above, which keeps its whole line."""
    para = container.add_paragraph()
    fmt = para.paragraph_format
    side = Mm(max((available_mm - width_mm) / 2, 0))
    fmt.left_indent = fmt.right_indent = side
    fmt.first_line_indent = 0
    fmt.space_before, fmt.space_after = Pt(0), Pt(space_after)
    # An empty line 5 pt high whose bottom border is the rule: clear of the letters above.
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(5)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    para._p.get_or_add_pPr().append(borders)
    return para


def column_widths(table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths, in the grid (LibreOffice reads it) and on the first row's cells
    (Word); the rows below follow the grid (going through every row's cells with python-docx
    is slow for a long table)."""
    table.autofit = False
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=False):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for cell, width in zip(table.rows[0].cells, widths_mm, strict=False):
        cell.width = Mm(width)


def keep_row_on_one_page(row) -> None:
    """A table row that moves to the next page whole instead of breaking (the signature)."""
    flag = OxmlElement("w:cantSplit")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


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
    # No spacing of its own: python-docx's default adds 10 pt after every paragraph,
    # which pads each table cell and splits the signature block's lines apart.
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    r_pr = normal.element.get_or_add_rPr()
    r_pr.get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


#: The header's two columns (mm): the issuing body on the left, the national title (12 pt
#: bold, 88 mm on paper) or the Party's title and the date on the right; 165 mm in all.
HEADER_COLUMNS = {DocFormat.STATE: (72, 93), DocFormat.PARTY: (75, 90)}
SIGNATURE_COLUMNS = (80, 85)
#: The text width of a cell: its width less the cells' default margins (1.9 mm each side).
CELL_MARGINS_MM = 3.8
#: Tên loại văn bản: 13–14 (Nghị định 30/2020), 15–16 (Hướng dẫn 36-HD/VPTW); bold capitals.
KIND_SIZE = {DocFormat.STATE: 14, DocFormat.PARTY: 15}
#: The printed text width of both formats: A4 less the left and right margins.
TEXT_WIDTH_MM = 210 - MARGINS[DocFormat.STATE][2] - MARGINS[DocFormat.STATE][3]


def _first(cell, text: str, size: float, **style):
    """The cell's first paragraph (a cell always has one) with ``text``."""
    para = cell.paragraphs[0]
    set_font(para.add_run(text), size, **style)
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return para


def _header(document, doc_format: str) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(table)
    widths = HEADER_COLUMNS[doc_format]
    column_widths(table, widths)
    left, right = table.rows[0].cells
    centre = WD_ALIGN_PARAGRAPH.CENTER
    if doc_format == DocFormat.PARTY:
        _first(left, "{{ cap_tren }}", 14)
        paragraph(left, "{{ co_quan }}", size=14, bold=True, align=centre)
        paragraph(left, "*", size=14, align=centre)
        paragraph(left, "Số {{ so_ky_hieu }}", size=14, align=centre)
        _first(right, "ĐẢNG CỘNG SẢN VIỆT NAM", 15, bold=True, underline=True)
        paragraph(right, "", size=14)
        paragraph(right, "", size=14)
        paragraph(right, "{{ dia_danh_ngay }}", size=14, italic=True, align=centre)
    else:
        _first(left, "{{ cap_tren }}", 13)
        paragraph(left, "{{ co_quan }}", size=13, bold=True, align=centre)
        rule(left, 22, widths[0] - CELL_MARGINS_MM)
        paragraph(left, "Số: {{ so_ky_hieu }}", size=13, align=centre, space_before=6)
        _first(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
        paragraph(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True, align=centre)
        rule(right, 57, widths[1] - CELL_MARGINS_MM)
        paragraph(right, "{{ dia_danh_ngay }}", size=14, italic=True, align=centre,
                  space_before=6)


def _signature(document, doc_format: str) -> None:
    table = document.add_table(rows=1, cols=2)
    no_borders(table)
    column_widths(table, SIGNATURE_COLUMNS)
    keep_row_on_one_page(table.rows[0])
    left, right = table.rows[0].cells
    first = left.paragraphs[0]
    set_font(first.add_run("Nơi nhận:"), 12, bold=True, italic=doc_format == DocFormat.STATE,
             underline=doc_format == DocFormat.PARTY)
    paragraph(left, "{%p for n in noi_nhan %}", size=11)
    paragraph(left, "- {{ n }}", size=11)
    paragraph(left, "{%p endfor %}", size=11)
    _first(right, "{{ tham_quyen }}", 14, bold=True)
    paragraph(right, "{{ chuc_vu }}", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(4):
        paragraph(right, "", size=14)
    paragraph(right, "{{ nguoi_ky }}", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def frame_template(doc_format: str) -> bytes:
    """The built-in frame of every document in ``doc_format``, as .docx bytes."""
    document = Document()
    setup_page(document, doc_format)
    body = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
    body._p.getparent().remove(body._p)
    _header(document, doc_format)
    paragraph(document, "", size=14)
    paragraph(document, "{{ loai_van_ban }}", size=KIND_SIZE[doc_format], bold=True,
              align=WD_ALIGN_PARAGRAPH.CENTER, space_before=6)
    paragraph(document, "{{ trich_yeu }}", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
              space_after=0 if doc_format == DocFormat.STATE else 6)
    if doc_format == DocFormat.PARTY:
        paragraph(document, "-----", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    else:
        rule(document, 40, TEXT_WIDTH_MM, space_after=6)
    paragraph(document, "{{p noi_dung }}", size=14)
    paragraph(document, "", size=14)
    _signature(document, doc_format)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
