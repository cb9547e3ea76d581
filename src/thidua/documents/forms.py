"""Forms of the document screens: the review report, template uploads, the issuer's header
details and taking a number.

Forms parse and check input; taking a number is :func:`numbering.issue_number`'s
(authority, type), rendering is :mod:`render`'s. A replaced template is checked
here before anything is stored: it must be a real .docx, carry every required
placeholder and no unknown one, and render a sample document.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import PurePosixPath

from django import forms

from thidua.core.text import clean_text
from thidua.documents import movement_docs, numbering, render
from thidua.documents.models import DocFormat, IssuerProfile
from thidua.movements.forms import DATE_WIDGET, style

#: Every kind of document whose template an admin may replace, with its name.
DOCUMENT_KINDS = {
    **movement_docs.KINDS,
    "to_trinh": "Tờ trình",
    "quyet_dinh": "Quyết định",
}
#: The stages of a review report (báo cáo sơ kết / tổng kết).
REPORT_STAGES = [(key, f"Báo cáo {word}") for key, word in movement_docs.REPORT_KINDS.items()]
#: A template is a small file; a bigger upload is refused before it is opened.
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024
#: The parts of a .docx, uncompressed, may not exceed this (a zip bomb is refused).
TEMPLATE_MAX_UNPACKED = 60 * 1024 * 1024
#: A symbol is written inside the reference ("167-KH/ĐU"): no space, no slash.
SYMBOL = re.compile(r"^[0-9A-Za-zĐđÀ-ỹ-]{1,20}$")


# The review report ---------------------------------------------------------------------------
class ReportForm(forms.Form):
    """Which report to produce: the unit, sơ kết or tổng kết, the date, and whether the
    document takes a real number from the unit's register."""

    unit = forms.TypedChoiceField(label="Đơn vị báo cáo", coerce=int,
                                  error_messages={"required": "Hãy chọn đơn vị báo cáo.",
                                                  "invalid_choice": "Hãy chọn đơn vị báo cáo."})
    stage = forms.ChoiceField(label="Loại báo cáo", choices=REPORT_STAGES,
                              widget=forms.RadioSelect)
    report_date = forms.DateField(
        label="Ngày báo cáo", widget=forms.DateInput(attrs=DATE_WIDGET),
        help_text="Kết quả các chỉ tiêu được tính đến ngày này (dd/mm/yyyy).",
        error_messages={"required": "Hãy nhập ngày báo cáo.",
                        "invalid": "Ngày không hợp lệ; hãy nhập theo dạng dd/mm/yyyy."})
    take_number = forms.BooleanField(
        label="Lấy số văn bản từ sổ đăng ký của đơn vị", required=False,
        help_text="Số được cấp ngay và ghi vào sổ (không trả lại được). Không chọn: để trống "
                  "số để ghi tay khi ban hành.")

    def __init__(self, *args, movement, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.movement = movement
        top = min((unit.depth for unit in units), default=1)
        self.fields["unit"].choices = [(unit.pk, unit_label(unit, top)) for unit in units]
        self.fields["stage"].widget.attrs["class"] = "form-check-input"
        style(self)

    def clean_report_date(self):
        day = self.cleaned_data["report_date"]
        issued = self.movement.issued_on
        if issued and day < issued:
            raise forms.ValidationError(
                f"Ngày báo cáo không được trước ngày ban hành kế hoạch ({issued:%d/%m/%Y}).")
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("take_number") and cleaned.get("report_date"):
            problem = numbering.year_problem(cleaned["report_date"])
            if problem:
                self.add_error("report_date", problem)
        return cleaned


def unit_label(unit, top_depth: int = 1) -> str:
    """A unit in a list of choices, indented under the units above it in the list."""
    return f"{'— ' * max(unit.depth - top_depth, 0)}{unit.name}"


def default_stage(movement, today: date) -> str:
    """Tổng kết once the movement is over (closed or past its end), else sơ kết."""
    if movement.state == "closed" or (movement.ends_on and today >= movement.ends_on):
        return "final"
    return "interim"


# Templates -----------------------------------------------------------------------------------
class TemplateUploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp mẫu (.docx)",
        widget=forms.FileInput(attrs={
            "accept": ".docx,application/vnd.openxmlformats-officedocument."
                      "wordprocessingml.document"}),
        error_messages={"required": "Hãy chọn tệp mẫu (.docx) cần tải lên.",
                        "empty": "Tệp tải lên rỗng (0 byte).",
                        "invalid": "Không đọc được tệp tải lên; hãy chọn lại tệp."})

    def __init__(self, *args, doc_format: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.doc_format = doc_format
        style(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = PurePosixPath(upload.name or "").name
        if not name.lower().endswith(".docx"):
            raise forms.ValidationError(
                "Chỉ nhận tệp Word dạng .docx (tệp .doc cũ hãy mở bằng Word rồi lưu lại "
                "dưới dạng .docx).")
        if upload.size > TEMPLATE_MAX_BYTES:
            raise forms.ValidationError(
                f"Tệp quá lớn ({upload.size / 1048576:.1f} MB); mẫu văn bản không được quá "
                f"{TEMPLATE_MAX_BYTES // 1048576} MB.")
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        try:
            validate_template(data, name, self.doc_format)
        except render.TemplateProblem as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.data_bytes = data
        return upload


def _is_word_package(data: bytes) -> bool:
    """A .docx is a zip holding ``word/document.xml``; the bytes say so, not the name."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    if sum(info.file_size for info in infos) > TEMPLATE_MAX_UNPACKED:
        return False
    return any(info.filename == "word/document.xml" for info in infos)


#: A part of a template that Word would fetch from elsewhere when a document made from it
#: is opened (an attached template, a linked picture or object on another server): every
#: document the system makes would call that address. Hyperlinks are only followed when
#: clicked.
_EXTERNAL = re.compile(rb'<Relationship\b[^>]*TargetMode="External"[^>]*>')


def _external_links(data: bytes) -> list[str]:
    """The addresses of the template's parts that Word would load from outside."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for info in package.infolist():
            if not info.filename.endswith(".rels") or info.file_size > 1024 * 1024:
                continue
            for relation in _EXTERNAL.findall(package.read(info)):
                if b"/relationships/hyperlink" in relation:
                    continue
                target = re.search(rb'Target="([^"]*)"', relation)
                found.append(target.group(1).decode(errors="replace") if target else "?")
    return found


def validate_template(data: bytes, filename: str, doc_format: str) -> None:
    """Refuse (``TemplateProblem``, naming the cause) a file that cannot serve as a frame:
    not a Word package, a placeholder missing or unknown, or a sample that does not render."""
    name = f"mẫu “{filename}”"
    if not _is_word_package(data):
        raise render.TemplateProblem(f"Tệp “{filename}” không phải tệp Word (.docx) hợp lệ.")
    outside = _external_links(data)
    if outside:
        raise render.TemplateProblem(
            f"{name[:1].upper() + name[1:]} lấy nội dung từ địa chỉ bên ngoài "
            f"(“{outside[0][:100]}”): mọi văn bản tạo từ mẫu sẽ mở địa chỉ này khi được mở. "
            "Hãy gỡ mẫu đính kèm, ảnh hay đối tượng liên kết đó (chèn trực tiếp vào tệp) rồi "
            "tải lên lại.")
    template = render.check_template(data, name)
    sample = render.Frame(
        doc_format=doc_format, parent_body="Cơ quan cấp trên", body_name="Cơ quan ban hành",
        reference=numbering.reference(1, "KH", "VP", doc_format), place="Hà Nội",
        day=date.today(), kind_label="Kế hoạch", summary="Thử mẫu văn bản",
        recipients=["Như trên", "Lưu"], on_behalf="T/M", signer_title="Chức vụ",
        signer_name="Họ và tên")

    def body(doc: render.Body) -> None:
        doc.heading("I.", "Mục thử")
        doc.text("Đoạn văn thử.")
        doc.table(["STT", "Nội dung"], [("1", "Dòng thử")], centred=[0])

    render.fill(template, sample, body, name)


# The issuer's header details -----------------------------------------------------------------
class IssuerProfileForm(forms.ModelForm):
    class Meta:
        model = IssuerProfile
        fields = ["doc_format", "parent_body", "body_name", "symbol", "place",
                  "signer_on_behalf", "signer_title", "signer_name"]
        labels = {"doc_format": "Thể thức văn bản"}
        help_texts = {
            "doc_format": "Văn bản của Đảng (Hướng dẫn 36-HD/VPTW) hoặc văn bản hành chính "
                          "(Nghị định 30/2020/NĐ-CP).",
            "signer_title": "Ví dụ “Bí thư”, “Chủ tịch”, “Phó Bí thư”.",
        }
        error_messages = {
            "body_name": {"required": "Hãy nhập tên cơ quan ban hành."},
            "symbol": {"required": "Hãy nhập chữ viết tắt dùng trong ký hiệu văn bản."},
            "place": {"required": "Hãy nhập địa danh ghi ở dòng ngày tháng."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean_symbol(self):
        symbol = clean_text(self.cleaned_data["symbol"]).upper()
        if not SYMBOL.match(symbol):
            raise forms.ValidationError(
                "Chữ viết tắt chỉ gồm chữ cái, chữ số và dấu gạch ngang, không có dấu cách hay "
                "dấu “/”, ví dụ “ĐU”, “UBND”.")
        return symbol

    def clean(self):
        cleaned = super().clean()
        for name in ("parent_body", "body_name", "place", "signer_on_behalf", "signer_title",
                     "signer_name"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = clean_text(cleaned[name])
        return cleaned


# Taking a number -----------------------------------------------------------------------------
class TakeNumberForm(forms.Form):
    doc_type = forms.ChoiceField(
        label="Loại văn bản",
        choices=[("", "— Chọn loại văn bản —")]
        + [(code, f"{name} ({code})") for code, name in numbering.DOC_TYPES.items()],
        error_messages={"required": "Hãy chọn loại văn bản.",
                        "invalid_choice": "Loại văn bản không hợp lệ."})
    subject = forms.CharField(
        label="Trích yếu nội dung", max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ghi vào sổ cùng với số, ví dụ “Về việc khen thưởng…”.",
        error_messages={"required": "Hãy ghi trích yếu nội dung của văn bản.",
                        "max_length": "Trích yếu không quá 500 ký tự."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean_subject(self):
        subject = clean_text(self.cleaned_data["subject"])
        if not subject:
            raise forms.ValidationError("Hãy ghi trích yếu nội dung của văn bản.")
        return subject


__all__ = ["DOCUMENT_KINDS", "DocFormat", "IssuerProfileForm", "ReportForm", "TakeNumberForm",
           "TemplateUploadForm", "validate_template"]
