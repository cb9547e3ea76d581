"""The one way to produce a .docx: a frame template, the header details, a body.

``render_document`` fills a frame (the built-in one of :mod:`formats`, or the
.docx an admin uploaded in its place) with the issuer's header details and a
body that the calling module writes with :class:`Body` — headings numbered
the way Vietnamese documents number them (I., 1., a)), justified paragraphs,
tables with borders, and marked places for the text people write. Every
string goes in as NFC with the characters XML cannot hold removed, and is
escaped by the template engine, so any input renders.

A replaced template is checked before use: a required placeholder it lacks,
one it uses that the system does not provide, a tag written wrong, or the
body placeholder inside a line (``{{ noi_dung }}`` instead of
``{{p noi_dung }}``, which gives a file Word cannot open) stops the rendering
with a Vietnamese message naming it (:class:`TemplateProblem`), never a
broken file. Templates are filled by a sandboxed Jinja
(:class:`TemplateEnvironment`): an uploaded .docx cannot reach Python's
internals (``{{ cap_tren.__class__… }}``) nor make the server compute.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from thidua.core.text import nfc
from thidua.documents import formats
from thidua.documents.models import DocFormat, TemplateFile

logger = logging.getLogger(__name__)

#: Characters XML 1.0 cannot carry (C0 controls but tab/newline/CR, surrogates, U+FFFE/F).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
         "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX"]
#: Below the web server's worker timeout (gunicorn's default is 30 s): a conversion that
#: hangs is ended and answered with the reason, before the worker itself is killed.
PDF_TIMEOUT_S = 25
#: Space above and below the text of a table cell (points).
CELL_SPACING_PT = 2


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
              centred: Iterable[int] = (), size: float | None = None):
        """A bordered table with a bold repeated header row; ``numeric`` columns
        right-aligned, ``centred`` ones (STT) centred. Widths wider in all than the
        printed text are scaled down to it.

        Rows are written with lxml directly: python-docx's ``add_row`` re-reads
        the whole table each time, which is quadratic for a province's list.
        """
        size = size or self.size - 2
        aligns = {**dict.fromkeys(numeric, "right"),
                  **dict.fromkeys(centred, "center")}
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        formats.grid_borders(table)
        header = table.rows[0]
        tr_pr = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        for index, title in enumerate(headers):
            para = header.cells[index].paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.paragraph_format.space_before = para.paragraph_format.space_after = \
                Pt(CELL_SPACING_PT)
            self._run(para, title, bold=True, size=size)
        width = len(headers)
        table._tbl.extend(self._row_xml(values, width, aligns, size) for values in rows)
        if widths_mm:
            total = sum(widths_mm)
            scale = min(1.0, formats.TEXT_WIDTH_MM / total) if total else 1.0
            formats.column_widths(table, [w * scale for w in widths_mm])
        self.doc.add_paragraph()
        return table

    @staticmethod
    def _row_xml(values, width: int, aligns: dict[int, str], size: float):
        tr = OxmlElement("w:tr")
        half_points = str(int(size * 2))
        spacing = str(int(CELL_SPACING_PT * 20))
        for index in range(width):
            value = values[index] if index < len(values) else ""
            tc = OxmlElement("w:tc")
            p = OxmlElement("w:p")
            p_pr = OxmlElement("w:pPr")
            space = OxmlElement("w:spacing")
            for key, setting in (("w:before", spacing), ("w:after", spacing)):
                space.set(qn(key), setting)
            jc = OxmlElement("w:jc")
            jc.set(qn("w:val"), aligns.get(index, "left"))
            p_pr.extend([space, jc])
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


class TemplateEnvironment(ImmutableSandboxedEnvironment):
    """Jinja for templates an admin uploads: sandboxed (no ``__class__`` walk to Python's
    internals, ranges capped), placeholders escaped, an unknown one an error, and no
    arithmetic — a frame only places the values the system gives it."""

    intercepted_binops = frozenset({"*", "**", "//", "/", "%", "+", "-"})

    def __init__(self):
        super().__init__(autoescape=True, undefined=StrictUndefined)

    def call_binop(self, context, operator, left, right):
        raise SecurityError(f"phép tính “{operator}” không được dùng trong mẫu")


@functools.cache
def environment() -> TemplateEnvironment:
    return TemplateEnvironment()


#: Jinja's syntax errors, in Vietnamese (the English detail means nothing to an office).
SYNTAX_MESSAGES = (
    (re.compile(r"unknown tag '(\w+)'.*innermost block that needs to be closed is '(\w+)'",
                re.S),
     "thẻ “{{% {0} %}}” không đúng chỗ: khối “{{% {1} %}}” phía trước chưa được đóng"),
    (re.compile(r"unknown tag '(end\w+)'"),
     "thẻ “{{% {0} %}}” thừa (không có thẻ mở tương ứng)"),
    (re.compile(r"unknown tag '(\w+)'"), "thẻ “{{% {0} %}}” không được hỗ trợ"),
    (re.compile(r"innermost block that needs to be closed is '(\w+)'", re.S),
     "khối “{{% {0} %}}” chưa được đóng (thiếu “{{% end{0} %}}”)"),
    (re.compile(r"No filter named '([^']+)'"), "bộ lọc “{0}” không có"),
    (re.compile(r"No test named '([^']+)'"), "phép thử “{0}” không có"),
    # An unclosed tag runs into the Word markup that follows it ("</w:t>").
    (re.compile(r"unexpected '[</>]'|unexpected end of template", re.I),
     "một trường “{{{{ … }}}}” hoặc thẻ “{{% … %}}” chưa được đóng (thiếu “}}}}” hoặc “%}}” "
     "trên cùng dòng)"),
    (re.compile(r"unexpected '\}'"),
     "một trường kết thúc bằng một dấu “}}” (phải là hai dấu “}}}}”)"),
    (re.compile(r"expected token 'end of print statement', got '([^']*)'"),
     "một trường “{{{{ … }}}}” có chữ thừa “{0}”: tên trường viết liền, không có dấu cách, "
     "ví dụ {{{{ nguoi_ky }}}}"),
    (re.compile(r"Expected an expression, got 'end of print statement'"),
     "có một trường “{{{{ }}}}” trống (thiếu tên trường)"),
    (re.compile(r"Expected an expression, got 'end of statement block'"),
     "có một thẻ “{{% … %}}” thiếu nội dung"),
    (re.compile(r"unexpected char '(.)'|unexpected char \"(.)\""),
     "một trường có ký tự không dùng được (một dấu nháy chưa đóng hoặc ký tự lạ)"),
)


def syntax_message(detail: str) -> str:
    for pattern, text in SYNTAX_MESSAGES:
        found = pattern.search(detail or "")
        if found:
            return text.format(*(group or "" for group in found.groups()))
    return "một trường “{{ … }}” hoặc thẻ “{% … %}” viết sai"


def runtime_message(exc: Exception) -> str:
    """Why a checked template could not be filled, naming the placeholder where Jinja does."""
    detail = str(getattr(exc, "message", None) or exc)
    found = re.search(r"has no attribute '([^']+)'", detail)
    if found:
        return f"một trường dùng “.{found.group(1)}”, là thuộc tính mà hệ thống không cung cấp"
    found = re.search(r"access to attribute '([^']+)'", detail)
    if found:
        return f"một trường dùng “.{found.group(1)}”, là thuộc tính không được phép"
    found = re.search(r"'([^']+)' is undefined", detail)
    if found:
        return f"trường {{{{ {found.group(1)} }}}} không có dữ liệu"
    if isinstance(exc, SecurityError) and "phép tính" in detail:
        return detail
    return ("một trường có biểu thức hệ thống không tính được; chỉ dùng tên trường, ví dụ "
            "{{ co_quan }}")


_TAG = re.compile(r"<(/?)(w:[A-Za-z]+)\b[^>]*?(/?)>")
_BODY_PLACEHOLDER = re.compile(r"\{\{[^}]*\bnoi_dung\b[^}]*\}\}")


def _enclosing(xml: str) -> str:
    """The element that the end of ``xml`` (an opening fragment) is inside."""
    stack: list[str] = []
    for closing, name, empty in _TAG.findall(xml):
        if empty:
            continue
        if closing:
            if stack and stack[-1] == name:
                stack.pop()
        else:
            stack.append(name)
    return stack[-1] if stack else ""


def _body_placement_problem(body_xml: str) -> bool:
    """True when ``{{ noi_dung }}`` sits inside a paragraph (it must be ``{{p noi_dung }}``:
    the body's paragraphs and tables cannot go inside another paragraph)."""
    return any(_enclosing(body_xml[:found.start()]) not in ("w:body", "w:tc")
               for found in _BODY_PLACEHOLDER.finditer(body_xml))


def check_template(data: bytes, name: str = "mẫu") -> DocxTemplate:
    """Open a frame template and check its placeholders; :class:`TemplateProblem` if wrong."""
    label = name[:1].upper() + name[1:]
    try:
        document = Document(io.BytesIO(data))
        template = DocxTemplate(io.BytesIO(data))
        body = template.patch_xml(template.xml_to_string(document.element.body))
        parts = [body]
        for relation in document.part.rels.values():
            if relation.reltype in (template.HEADER_URI, template.FOOTER_URI):
                parts.append(template.patch_xml(template.xml_to_string(
                    parse_xml(relation.target_part.blob))))
    except Exception as exc:  # not a .docx at all, or damaged
        raise TemplateProblem(f"{label} không phải tệp Word (.docx) hợp lệ.") from exc
    try:
        used = meta.find_undeclared_variables(environment().parse("".join(parts)))
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"{label} có lỗi cú pháp trường trộn: "
                              f"{syntax_message(exc.message)}. Hãy sửa tệp mẫu hoặc dùng lại "
                              "mẫu có sẵn.") from exc
    missing = [key for key in formats.REQUIRED if key not in used]
    if missing:
        listed = ", ".join(f"{{{{ {key} }}}} ({formats.PLACEHOLDERS[key]})" for key in missing)
        raise TemplateProblem(f"{label} thiếu trường bắt buộc: {listed}.")
    unknown = sorted(used - set(formats.PLACEHOLDERS))
    if unknown:
        listed = ", ".join(f"{{{{ {key} }}}}" for key in unknown)
        raise TemplateProblem(f"{label} dùng trường mà hệ thống không cung cấp: "
                              f"{listed}. Các trường có thể dùng: "
                              f"{', '.join(sorted(formats.PLACEHOLDERS))}.")
    if not _BODY_PLACEHOLDER.search(body) or _body_placement_problem(body):
        raise TemplateProblem(f"{label} phải có trường nội dung viết là {{{{p noi_dung }}}}, "
                              "đứng một mình trên một đoạn riêng trong thân văn bản (không "
                              "phải {{ noi_dung }} giữa dòng chữ, trong tiêu đề trang hay "
                              "chân trang).")
    return template


def fill(template: DocxTemplate, frame: Frame, write_body: Callable[[Body], None],
         name: str = "mẫu") -> bytes:
    """``template`` (checked) filled with ``frame`` and the body ``write_body`` writes."""
    subdoc = template.new_subdoc()
    write_body(Body(subdoc, frame.doc_format))
    context = {**frame.context(), "noi_dung": subdoc}
    buffer = io.BytesIO()
    try:
        template.render(context, jinja_env=environment())
        template.save(buffer)
    except Exception as exc:  # noqa: BLE001 — whatever the template makes Jinja or docx do
        raise TemplateProblem(f"{name[:1].upper() + name[1:]} không tạo được văn bản: "
                              f"{runtime_message(exc)}.") from exc
    return buffer.getvalue()


def render_document(kind: str, frame: Frame, write_body: Callable[[Body], None]) -> bytes:
    """The .docx of one document: the kind's template, ``frame``'s details, the body."""
    data, name = template_bytes(kind, frame.doc_format)
    return fill(check_template(data, name), frame, write_body, name)


# PDF --------------------------------------------------------------------------------------
def office_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes) -> bytes | None:
    """A PDF copy made by LibreOffice, or None when it is not installed, fails or takes
    longer than :data:`PDF_TIMEOUT_S` seconds.

    Each conversion runs with its own LibreOffice profile, so two at once do
    not wait for each other's lock, and in its own process group: ``soffice``
    is a script whose ``oosplash`` starts ``soffice.bin``, so on a timeout the
    whole group is killed, not only the script (else a hung ``soffice.bin``
    would stay behind, holding memory, for every timed-out request).
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
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL,  # noqa: S603
                                       stderr=subprocess.PIPE, start_new_session=True)
        except OSError:
            logger.exception("LibreOffice could not be started to convert a document to PDF")
            return None
        try:
            _out, errors = process.communicate(timeout=PDF_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            logger.error("LibreOffice took more than %s s to convert a document to PDF",
                         PDF_TIMEOUT_S)
            return None
        finally:
            _kill_group(process)  # what the converter left running, if anything
        target = source.with_suffix(".pdf")
        if process.returncode != 0 or not target.exists():
            logger.error("LibreOffice could not convert a document to PDF (exit %s): %s",
                         process.returncode, (errors or b"")[-2000:].decode(errors="replace"))
            return None
        return target.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group has ended
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


__all__ = ["Body", "DocFormat", "Frame", "TemplateProblem", "frame_for", "render_document",
           "roman", "safe", "to_pdf"]
