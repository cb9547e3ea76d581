"""The one way to produce a .docx: a frame template, the header details, a body.

``render_document`` fills a frame (the built-in one of :mod:`formats`, or the
.docx an admin uploaded in its place) with the issuer's header details and a
body that the calling module writes with :class:`Body` — headings numbered
the way Vietnamese documents number them (I., 1., a)), justified paragraphs,
tables with borders, and marked places for the text people write. Every
string goes in as NFC with the characters XML cannot hold removed, and is
escaped by the template engine, so any input renders.

A replaced template is checked before use: a required placeholder it lacks,
or one it uses that the system does not provide, stops the rendering with a
message naming the placeholder (:class:`TemplateProblem`), never a broken file.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateSyntaxError, UndefinedError

from thidua.core.text import nfc
from thidua.documents import formats
from thidua.documents.models import DocFormat, TemplateFile

logger = logging.getLogger(__name__)

#: Characters XML 1.0 cannot carry (C0 controls but tab/newline/CR, surrogates, U+FFFE/F).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
         "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX"]
PDF_TIMEOUT_S = 180


class TemplateProblem(Exception):
    """A template cannot produce the document; ``str()`` is the Vietnamese reason."""


def safe(value) -> str:
    """Text as it may go into a document: NFC, without characters XML forbids."""
    if value is None:
        return ""
    return XML_ILLEGAL.sub("", nfc(str(value)))


def roman(number: int) -> str:
    return ROMAN[number - 1] if 1 <= number <= len(ROMAN) else str(number)


def date_line(place: str, day: date) -> str:
    """"Bắc Kạn, ngày 05 tháng 3 năm 2026" — day and month 1–9 padded as the rule says
    for day 1–9 and months 1–2 (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass
class Frame:
    """The header and signature details of one document."""

    doc_format: str
    parent_body: str
    body_name: str
    reference: str
    place: str
    day: date
    kind_label: str
    summary: str
    recipients: list[str] = field(default_factory=list)
    on_behalf: str = ""
    signer_title: str = ""
    signer_name: str = ""

    def context(self) -> dict:
        return {
            "cap_tren": safe(self.parent_body).upper(),
            "co_quan": safe(self.body_name).upper(),
            "so_ky_hieu": safe(self.reference),
            "dia_danh_ngay": safe(date_line(self.place, self.day)),
            "loai_van_ban": safe(self.kind_label).upper(),
            "trich_yeu": safe(self.summary),
            "noi_nhan": [safe(r) for r in self.recipients],
            "tham_quyen": safe(self.on_behalf).upper(),
            "chuc_vu": safe(self.signer_title).upper(),
            "nguoi_ky": safe(self.signer_name),
        }


def frame_for(unit, *, kind_label: str, summary: str, reference: str, day: date,
              recipients: Sequence[str] = ()) -> Frame:
    """The frame of a document the unit issues, from its issuer profile."""
    from thidua.documents.issuers import profile_for

    profile = profile_for(unit)
    return Frame(profile.doc_format, profile.parent_body, profile.body_name, reference,
                 profile.place, day, kind_label, summary,
                 list(recipients) or ["Như trên", "Lưu Văn phòng"],
                 profile.signer_on_behalf, profile.signer_title, profile.signer_name)


class Body:
    """What a document module writes into ``{{p noi_dung }}``: python-docx calls on a
    sub-document, with the formatting of the official rules."""

    def __init__(self, subdoc, doc_format: str):
        self.doc = subdoc
        self.size = formats.BODY_SIZE.get(doc_format, 14)

    def _para(self, *, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True,
              before: float = 0, after: float = 6):
        para = self.doc.add_paragraph()
        para.alignment = align
        fmt = para.paragraph_format
        fmt.first_line_indent = Mm(10) if indent else None
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.line_spacing = 1.15
        return para

    def _run(self, para, text, **style):
        run = para.add_run(safe(text))
        formats.set_font(run, style.pop("size", self.size), **style)
        return run

    def heading(self, number: str, text: str, level: int = 1):
        """A numbered heading ("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "a) …"), bold, with the
        outline level Word's navigation pane and table of contents read."""
        para = self._para(indent=True, before=6, after=6)
        label = f"{number} {text}".strip() if number else text
        self._run(para, label.upper() if level == 1 else label, bold=level <= 2,
                  italic=level >= 3)
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(level - 1))
        para._p.get_or_add_pPr().append(outline)
        return para

    def text(self, text: str, *, bold: bool = False, italic: bool = False,
             indent: bool = True, align=WD_ALIGN_PARAGRAPH.JUSTIFY):
        para = self._para(indent=indent, align=align)
        self._run(para, text, bold=bold, italic=italic)
        return para

    def bullet(self, text: str, mark: str = "-"):
        return self.text(f"{mark} {safe(text)}")

    def labelled(self, label: str, text: str):
        """"Label: text" with the label in bold."""
        para = self._para()
        self._run(para, f"{label}: ", bold=True)
        self._run(para, text)
        return para

    def to_write(self, hint: str):
        """A clearly marked place for text people write (highlighted, in brackets)."""
        para = self._para()
        run = self._run(para, f"[{safe(hint)}]", italic=True)
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return para

    def table(self, headers: Sequence[str], rows: Iterable[Sequence], *,
              widths_mm: Sequence[float] | None = None, numeric: Iterable[int] = (),
              size: float | None = None):
        """A bordered table with a bold repeated header row; ``numeric`` columns right-aligned.

        Rows are written with lxml directly: python-docx's ``add_row`` re-reads
        the whole table each time, which is quadratic for a province's list.
        """
        size = size or self.size - 2
        numeric = set(numeric)
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        formats.grid_borders(table)
        header = table.rows[0]
        tr_pr = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        for index, title in enumerate(headers):
            cell = header.cells[index]
            para = cell.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._run(para, title, bold=True, size=size)
        template_row = header._tr
        body_rows = []
        for values in rows:
            body_rows.append(self._row_xml(template_row, values, numeric, size))
        table._tbl.extend(body_rows)
        if widths_mm:
            for row in table.rows[:1]:
                for cell, width in zip(row.cells, widths_mm, strict=False):
                    cell.width = Mm(width)
            grid = table._tbl.tblGrid
            for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=False):
                col.set(qn("w:w"), str(int(Mm(width).twips)))
        self.doc.add_paragraph()
        return table

    def _row_xml(self, template_row, values, numeric, size):
        tr = OxmlElement("w:tr")
        half_points = str(int(size * 2))
        for index, _cell in enumerate(template_row.findall(qn("w:tc"))):
            value = values[index] if index < len(values) else ""
            tc = OxmlElement("w:tc")
            p = OxmlElement("w:p")
            p_pr = OxmlElement("w:pPr")
            jc = OxmlElement("w:jc")
            jc.set(qn("w:val"), "right" if index in numeric else "left")
            p_pr.append(jc)
            p.append(p_pr)
            r = OxmlElement("w:r")
            r_pr = OxmlElement("w:rPr")
            fonts = OxmlElement("w:rFonts")
            for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(qn(attribute), formats.FONT)
            sz = OxmlElement("w:sz")
            sz.set(qn("w:val"), half_points)
            r_pr.extend([fonts, sz])
            r.append(r_pr)
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = safe(value)
            r.append(t)
            p.append(r)
            tc.append(p)
            tr.append(tc)
        return tr


@functools.lru_cache(maxsize=8)
def builtin_frame(doc_format: str) -> bytes:
    return formats.frame_template(doc_format)


def template_bytes(kind: str, doc_format: str) -> tuple[bytes, str]:
    """The template for ``kind`` in ``doc_format`` and its name for messages."""
    replaced = TemplateFile.objects.filter(kind=kind, doc_format=doc_format,
                                           is_active=True).first()
    if replaced is not None:
        with replaced.file.open("rb") as handle:
            return handle.read(), f"mẫu “{Path(replaced.file.name).name}”"
    return builtin_frame(doc_format), "mẫu có sẵn"


def _environment() -> Environment:
    return Environment(autoescape=True, undefined=StrictUndefined)  # noqa: S701 (XML, escaped)


def check_template(data: bytes, name: str = "mẫu") -> DocxTemplate:
    """Open a frame template and check its placeholders; :class:`TemplateProblem` if wrong."""
    try:
        template = DocxTemplate(io.BytesIO(data))
        used = template.get_undeclared_template_variables(_environment())
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"{name.capitalize()} có lỗi cú pháp trường trộn: {exc.message}. "
                              "Hãy sửa tệp mẫu hoặc dùng lại mẫu có sẵn.") from exc
    except Exception as exc:  # not a .docx at all, or damaged
        raise TemplateProblem(f"{name.capitalize()} không phải tệp Word (.docx) hợp lệ.") from exc
    missing = [key for key in formats.REQUIRED if key not in used]
    if missing:
        listed = ", ".join(f"{{{{ {key} }}}} ({formats.PLACEHOLDERS[key]})" for key in missing)
        raise TemplateProblem(f"{name.capitalize()} thiếu trường bắt buộc: {listed}.")
    unknown = sorted(used - set(formats.PLACEHOLDERS))
    if unknown:
        listed = ", ".join(f"{{{{ {key} }}}}" for key in unknown)
        raise TemplateProblem(f"{name.capitalize()} dùng trường mà hệ thống không cung cấp: "
                              f"{listed}. Các trường có thể dùng: "
                              f"{', '.join(sorted(formats.PLACEHOLDERS))}.")
    return template


def render_document(kind: str, frame: Frame, write_body: Callable[[Body], None]) -> bytes:
    """The .docx of one document: the kind's template, ``frame``'s details, the body."""
    data, name = template_bytes(kind, frame.doc_format)
    template = check_template(data, name)
    subdoc = template.new_subdoc()
    write_body(Body(subdoc, frame.doc_format))
    context = {**frame.context(), "noi_dung": subdoc}
    try:
        template.render(context, jinja_env=_environment())
    except UndefinedError as exc:
        raise TemplateProblem(f"{name.capitalize()} dùng trường không có dữ liệu: "
                              f"{exc.message}.") from exc
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


# PDF --------------------------------------------------------------------------------------
def office_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes) -> bytes | None:
    """A PDF copy made by LibreOffice, or None when it is not installed (or fails).

    Each conversion runs with its own LibreOffice profile, so two at once do
    not wait for each other's lock.
    """
    binary = office_binary()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="thidua-pdf-") as folder:
        source = Path(folder) / "van-ban.docx"
        source.write_bytes(docx)
        profile = Path(folder) / "profile"
        command = [binary, f"-env:UserInstallation=file://{profile}", "--headless",
                   "--convert-to", "pdf", "--outdir", folder, str(source)]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=PDF_TIMEOUT_S)  # noqa: S603
        except (subprocess.SubprocessError, OSError):
            logger.exception("LibreOffice could not convert a document to PDF")
            return None
        target = source.with_suffix(".pdf")
        return target.read_bytes() if target.exists() else None


__all__ = ["Body", "DocFormat", "Frame", "TemplateProblem", "frame_for", "render_document",
           "roman", "safe", "to_pdf"]
