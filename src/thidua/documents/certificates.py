"""Certificates (Giấy khen) for a decision's awardees, ready to print on blank paper.

The paper is bought printed (border, national emblem, "GIẤY KHEN"); the
system prints only what changes: who grants, who is awarded, for what, the
place and date, the signer and the decision's number. Each line goes where
the unit's paper leaves room for it: a *layout* gives, per line, its top (in
millimetres from the top edge of the paper), its left and right indents (in
millimetres from the edges) and its font size. :data:`DEFAULT_LAYOUT` is
merged with the unit's own positions (``IssuerProfile.certificate_layout``)
and, last, with the caller's.

One landscape A4 page per awardee. Each certificate is a borderless,
one-column table whose rows start at the lines' tops: a row is at least the
distance to the next line high, so a long achievement wraps inside its room
and never moves the lines below unless it overflows it. Each certificate
follows a one-point paragraph, which starts the new page (but the first);
one more ends the document (it cannot end with a table) and fits on the last
page, so there is no blank page at the end. The first page is built with
python-docx and the others are copies of it with the awardee's lines
changed: 500 certificates take a fraction of a second.
"""

from __future__ import annotations

import copy
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from thidua.core import scoping
from thidua.core.roles import Role
from thidua.documents import formats
from thidua.documents.award_docs import authority_line
from thidua.documents.render import date_line, safe

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 297, 210
#: The strip along the paper's edges that printers do not print on.
EDGE_MM = 5
#: The height of the paragraph that separates two certificates (it starts the new page).
SEPARATOR_PT = 1
LINE_FACTOR = 1.15  # single line spacing of Times New Roman, in em
PT_TO_MM = 25.4 / 72
TOP_RANGE = (0, 200)
INDENT_RANGE = (0, 200)
SIZE_RANGE = (8, 40)
MIN_WIDTH_MM = 20
#: Who may change a unit's positions.
LAYOUT_EDITORS = frozenset({Role.ADMIN, Role.SECRETARIAT})


@dataclass(frozen=True)
class LineSpec:
    label: str
    bold: bool = False
    italic: bool = False
    align: int = WD_ALIGN_PARAGRAPH.CENTER


#: The lines of a certificate, in the order the layout page shows them.
LINES: dict[str, LineSpec] = {
    "issuer": LineSpec("Cơ quan khen thưởng", bold=True),
    "name": LineSpec("Tên cá nhân, tập thể", bold=True),
    "position": LineSpec("Chức vụ, đơn vị"),
    "achievement": LineSpec("Thành tích", italic=True),
    "place_date": LineSpec("Địa danh, ngày tháng", italic=True),
    "signer_title": LineSpec("Chức vụ người ký", bold=True),
    "signer": LineSpec("Người ký", bold=True),
    "decision": LineSpec("Số quyết định", align=WD_ALIGN_PARAGRAPH.LEFT),
}
FIELDS = ("top", "left", "right", "size")
FIELD_LABELS = {"top": "Cách mép trên (mm)", "left": "Lề trái (mm)",
                "right": "Lề phải (mm)", "size": "Cỡ chữ"}

#: Positions for the common blank Giấy khen (A4 landscape, printed title in the upper third).
DEFAULT_LAYOUT: dict[str, dict[str, float]] = {
    "issuer": {"top": 40, "left": 30, "right": 30, "size": 16},
    "name": {"top": 85, "left": 30, "right": 30, "size": 26},
    "position": {"top": 100, "left": 30, "right": 30, "size": 16},
    "achievement": {"top": 110, "left": 40, "right": 40, "size": 15},
    "place_date": {"top": 145, "left": 165, "right": 25, "size": 14},
    "signer_title": {"top": 153, "left": 165, "right": 25, "size": 14},
    "decision": {"top": 170, "left": 30, "right": 190, "size": 12},
    "signer": {"top": 185, "left": 165, "right": 25, "size": 15},
}


def line_mm(size: float) -> float:
    """The height of one line of ``size`` points, in millimetres."""
    return float(size) * LINE_FACTOR * PT_TO_MM


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not number.is_finite():
        return None
    number = number.quantize(Decimal("0.1"))
    return int(number) if number == number.to_integral_value() else float(number)


def merge_layout(*layers: Mapping | None) -> dict[str, dict[str, float]]:
    """:data:`DEFAULT_LAYOUT` overlaid by each layer in turn (unknown keys and values
    that are not numbers are ignored)."""
    merged = {key: dict(values) for key, values in DEFAULT_LAYOUT.items()}
    for layer in layers:
        if not isinstance(layer, Mapping):
            continue
        for key, values in layer.items():
            if key not in merged or not isinstance(values, Mapping):
                continue
            for field in FIELDS:
                number = _number(values.get(field))
                if number is not None:
                    merged[key][field] = number
    return merged


def _mm(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def validate_layout(layout: Mapping) -> dict[str, dict[str, float]]:
    """A complete, printable layout, or :class:`ValidationError` with every problem.

    Each value in its range (tops 0–200 mm, indents 0–200 mm, sizes 8–40);
    every line leaves at least 20 mm of width; a line starts at least one of
    its own lines below the line above; the last fits on the paper.
    """
    errors: list[str] = []
    clean = merge_layout(layout)
    for key, spec in LINES.items():
        values = clean[key]
        for field, (low, high) in (("top", TOP_RANGE), ("left", INDENT_RANGE),
                                   ("right", INDENT_RANGE), ("size", SIZE_RANGE)):
            if not low <= values[field] <= high:
                unit = "" if field == "size" else " mm"
                errors.append(f"Dòng “{spec.label}”: {FIELD_LABELS[field].split(' (')[0].lower()} "
                              f"phải từ {low} đến {high}{unit}.")
        width = PAGE_WIDTH_MM - max(values["left"], EDGE_MM) - max(values["right"], EDGE_MM)
        if width < MIN_WIDTH_MM:
            errors.append(f"Dòng “{spec.label}”: lề trái và lề phải để lại quá ít chỗ "
                          f"(còn {_mm(max(width, 0))} mm, cần ít nhất {MIN_WIDTH_MM} mm).")
    if errors:
        raise ValidationError(errors)
    ordered = sorted(LINES, key=lambda k: (clean[k]["top"], list(LINES).index(k)))
    for upper, lower in zip(ordered, ordered[1:], strict=False):
        need = line_mm(clean[upper]["size"])
        gap = clean[lower]["top"] - clean[upper]["top"]
        if gap < need:
            errors.append(f"Dòng “{LINES[lower].label}” phải thấp hơn dòng "
                          f"“{LINES[upper].label}” ít nhất {_mm(round(need + 0.05, 1))} mm "
                          f"(cỡ chữ {_mm(clean[upper]['size'])}); hiện cách {_mm(round(gap, 1))} mm.")
    last = ordered[-1]
    bottom = clean[last]["top"] + line_mm(clean[last]["size"])
    if bottom > PAGE_HEIGHT_MM - EDGE_MM:
        errors.append(f"Dòng “{LINES[last].label}” vượt quá mép dưới tờ giấy: hãy đặt cao hơn "
                      f"{_mm(round(PAGE_HEIGHT_MM - EDGE_MM - line_mm(clean[last]['size']), 1))} mm.")
    if errors:
        raise ValidationError(errors)
    return clean


def layout_for(unit, layout: Mapping | None = None) -> dict[str, dict[str, float]]:
    """The positions for ``unit``'s certificates: defaults, the unit's, then ``layout``."""
    from thidua.documents.issuers import profile_for

    return merge_layout(profile_for(unit).certificate_layout, layout)


def save_layout(user, unit, layout: Mapping) -> dict[str, dict[str, float]]:
    """Keep ``layout`` as the unit's positions (its office or admin only)."""
    from thidua.documents.issuers import profile_for

    if not scoping.covers(user, unit.path, LAYOUT_EDITORS):
        raise PermissionDenied("Bạn không có quyền sửa vị trí in giấy khen của đơn vị này.")
    clean = validate_layout(layout)
    profile = profile_for(unit)
    profile.certificate_layout = clean
    profile.save()
    return clean


# The document -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Texts:
    """What one certificate says, line by line (several paragraphs for a line when it has
    several parts, e.g. "TM. ỦY BAN NHÂN DÂN" over "CHỦ TỊCH")."""

    lines: dict[str, list[str]]


def _texts(awardee, *, issuer: str, place_date: str, signer_lines: list[str], signer: str,
           decision: str, achievement: str) -> Texts:
    position = getattr(awardee, "position_unit", None)
    if position is None:
        position = ", ".join(p for p in (getattr(awardee, "position", ""),
                                         getattr(awardee, "unit_name", "")) if p)
    return Texts({
        "issuer": [issuer],
        "name": [safe(awardee.name)],
        "position": [safe(position)],
        "achievement": [safe(getattr(awardee, "achievements", "") or achievement)],
        "place_date": [place_date],
        "signer_title": signer_lines,
        "signer": [signer],
        "decision": [decision],
    })


def _page_setup(document, top_mm: float) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin = max(Mm(top_mm) - Pt(SEPARATOR_PT), 0)
    section.bottom_margin = Mm(EDGE_MM)
    section.left_margin = section.right_margin = Mm(EDGE_MM)
    section.header_distance = section.footer_distance = 0
    normal = document.styles["Normal"]
    normal.font.name = formats.FONT
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), formats.FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)


def _separator(document, new_page: bool):
    """A one-point paragraph: the start of each certificate (a new page but the first)."""
    para = document.add_paragraph()
    fmt = para.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(SEPARATOR_PT)
    if new_page:
        fmt.page_break_before = True
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    mark.append(size)
    para._p.get_or_add_pPr().append(mark)
    return para


def _table_frame(table, width_mm: float) -> None:
    formats.no_borders(table)
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for edge in ("top", "left", "bottom", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
    grid[0].set(qn("w:w"), str(int(Mm(width_mm).twips)))


#: The lines that change from one awardee to the next (the others are the same on every page).
PER_AWARDEE = ("name", "position", "achievement")


def _certificate(document, texts: Texts, order: list[str], layout, width_mm: float):
    table = document.add_table(rows=len(order), cols=1)
    _table_frame(table, width_mm)
    for index, (key, row) in enumerate(zip(order, table.rows, strict=True)):
        values = layout[key]
        spec = LINES[key]
        if index + 1 < len(order):
            height = layout[order[index + 1]]["top"] - values["top"]
        else:
            height = line_mm(values["size"])
        row.height = Mm(height)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        cell = row.cells[0]
        cell.width = Mm(width_mm)
        for number, text in enumerate(texts.lines[key]):
            para = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
            para.alignment = spec.align
            fmt = para.paragraph_format
            fmt.left_indent = Mm(max(values["left"] - EDGE_MM, 0))
            fmt.right_indent = Mm(max(values["right"] - EDGE_MM, 0))
            fmt.space_before = fmt.space_after = Pt(0)
            fmt.line_spacing = 1.0
            if text or key in PER_AWARDEE:
                run = para.add_run()
                run._r.add_t(text)  # even empty: it holds the next awardees' text
                formats.set_font(run, values["size"], bold=spec.bold, italic=spec.italic)
    return table


def _texts_of(table, order: list[str]) -> dict:
    """The ``w:t`` of each per-awardee line of a certificate's table."""
    rows = table.findall(qn("w:tr"))
    return {key: rows[order.index(key)].find(".//" + qn("w:t")) for key in PER_AWARDEE}


#: A line too long for its room is printed smaller, down to this size.
MIN_FITTED_SIZE = 9
#: The average width of a Times New Roman character, in em (bold is wider); a little more
#: than measured on Vietnamese text, and a line is taken as 90 % full, as words wrap.
CHAR_EM = {False: 0.45, True: 0.5}
LINE_FILL = 0.9


def _room(key: str, order: list[str], positions) -> float:
    """The height (mm) from the line's top to the next line's top (or the paper's edge)."""
    index = order.index(key)
    below = (positions[order[index + 1]]["top"] if index + 1 < len(order)
             else PAGE_HEIGHT_MM - EDGE_MM)
    return below - positions[key]["top"]


def fitted_size(text: str, key: str, order: list[str], positions) -> float:
    """The size at which ``text`` fits the room of line ``key`` — its own size if it does —,
    so that a long name or achievement never pushes the lines below off their printed
    places (nor the certificate onto a second sheet). :class:`ValidationError` when it does
    not fit even at :data:`MIN_FITTED_SIZE`."""
    values = positions[key]
    width = (PAGE_WIDTH_MM - max(values["left"], EDGE_MM) - max(values["right"], EDGE_MM))
    room, em = _room(key, order, positions), CHAR_EM[LINES[key].bold]
    size = float(values["size"])
    while True:
        lines = max(1, math.ceil(len(text) * em * size * PT_TO_MM / (width * LINE_FILL)))
        if lines * line_mm(size) <= room + 0.01 or lines == 1:
            return size
        if size <= MIN_FITTED_SIZE:
            raise ValidationError(
                f"Dòng “{LINES[key].label}” quá dài để in trên giấy khen ({len(text):,} ký tự: "
                f"“{text[:60]}…”): hãy rút gọn, hoặc để dòng này nhiều chỗ hơn trong vị trí "
                "in giấy khen.".replace(",", "."))
        size = max(MIN_FITTED_SIZE, size - 0.5)


def _fit(table, order: list[str], positions, lines: dict) -> None:
    """Each per-awardee line of ``table`` with its text, at the size that fits its room."""
    for key, text_element in _texts_of(table, order).items():
        text = lines[key][0]
        text_element.text = text
        text_element.set(qn("xml:space"), "preserve")
        size = fitted_size(text, key, order, positions)
        if size != positions[key]["size"]:
            r_pr = text_element.getparent().find(qn("w:rPr"))
            for tag in ("w:sz", "w:szCs"):
                element = r_pr.find(qn(tag))
                if element is None:
                    element = OxmlElement(tag)
                    r_pr.append(element)
                element.set(qn("w:val"), str(int(size * 2)))


def certificates_docx(awardees: Sequence, *, issuer_unit, decision_reference: str, day: date,
                      layout: Mapping | None = None, achievement: str = "") -> bytes:
    """One landscape A4 page per awardee (anything with ``name``, ``position``,
    ``unit_name`` and ``achievements``, e.g. :class:`~thidua.documents.award_docs.AwardLine`).

    ``layout`` overrides the unit's positions; ``achievement`` is printed for
    awardees without their own. :class:`ValidationError` if the positions
    cannot be printed or there is nobody to print for.
    """
    from thidua.documents.issuers import profile_for

    awardees = list(awardees)
    if not awardees:
        raise ValidationError("Chưa có tập thể, cá nhân nào để in giấy khen.")
    profile = profile_for(issuer_unit)
    positions = validate_layout(merge_layout(profile.certificate_layout, layout))
    order = sorted(LINES, key=lambda k: (positions[k]["top"], list(LINES).index(k)))
    width_mm = PAGE_WIDTH_MM - 2 * EDGE_MM
    common = {
        "issuer": authority_line(profile),
        "place_date": safe(date_line(profile.place, day)),
        "signer_lines": [safe(part).upper() for part in (profile.signer_on_behalf,
                                                         profile.signer_title) if part] or [""],
        "signer": safe(profile.signer_name),
        "decision": safe(f"Quyết định số {decision_reference} ngày {day:%d/%m/%Y}"),
        "achievement": safe(achievement),
    }
    document = Document()
    _page_setup(document, positions[order[0]]["top"])
    _separator(document, new_page=False)
    first_lines = _texts(awardees[0], **common).lines
    first = _certificate(document, Texts(first_lines), order, positions, width_mm)
    template = copy.deepcopy(first._tbl)  # the sizes of the layout, for the copies
    _fit(first._tbl, order, positions, first_lines)
    end = _separator(document, new_page=False)  # a document cannot end with a table
    if len(awardees) > 1:
        # The next pages are copies of the first with the awardee's lines changed:
        # much faster than building each table through python-docx.
        page_break = copy.deepcopy(end._p)
        page_break.get_or_add_pPr().pageBreakBefore_val = True
        for awardee in awardees[1:]:
            table = copy.deepcopy(template)
            _fit(table, order, positions, _texts(awardee, **common).lines)
            end._p.addprevious(copy.deepcopy(page_break))
            end._p.addprevious(table)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def sample_awardees():
    """Two example awardees for a test print."""
    from thidua.documents.award_docs import AwardLine

    return [
        AwardLine("Nguyễn Thị Minh Nguyệt", "Phó Chủ tịch Ủy ban nhân dân",
                  "phường Bắc Kạn, tỉnh Thái Nguyên", "Giấy khen",
                  "Đã có thành tích xuất sắc trong phong trào thi đua “Năm nâng cao chất lượng "
                  "cán bộ cơ sở” năm 2026"),
        AwardLine("Chi bộ Tổ dân phố 1", "", "Đảng bộ phường Bắc Kạn", "Giấy khen",
                  "Đã có thành tích tiêu biểu trong xây dựng mô hình “Dân vận khéo” năm 2026",
                  collective=True),
    ]


__all__ = ["DEFAULT_LAYOUT", "LINES", "certificates_docx", "layout_for", "merge_layout",
           "sample_awardees", "save_layout", "validate_layout"]
