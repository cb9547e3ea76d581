"""Document numbers, issuers' header details and replaceable templates.

A number register hands out numbers per (issuing unit, document type, year)
(Nghị định 30/2020/NĐ-CP Điều 15; Hướng dẫn 36-HD/VPTW): each number given is
kept (``IssuedNumber``) so that the register shows there is no gap and no
duplicate.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from thidua.core.models import NormalizedTextMixin
from thidua.org.models import Unit


class DocFormat(models.TextChoices):
    STATE = "state", "Văn bản hành chính (Nghị định 30/2020/NĐ-CP)"
    PARTY = "party", "Văn bản của Đảng (Hướng dẫn 36-HD/VPTW)"


class IssuerProfile(NormalizedTextMixin, models.Model):
    """How a unit writes its documents' header: names, symbol, place, signer."""

    unit = models.OneToOneField(Unit, verbose_name="đơn vị", on_delete=models.CASCADE,
                                related_name="issuer_profile")
    doc_format = models.CharField("thể thức", max_length=10, choices=DocFormat.choices)
    parent_body = models.CharField(
        "cơ quan, tổ chức cấp trên", max_length=200, blank=True,
        help_text="Dòng trên tên cơ quan ban hành, ví dụ “ĐẢNG BỘ TỈNH THÁI NGUYÊN”, "
                  "“UBND TỈNH THÁI NGUYÊN”.")
    body_name = models.CharField("tên cơ quan ban hành", max_length=200,
                                 help_text="Ví dụ “ĐẢNG ỦY PHƯỜNG BẮC KẠN”.")
    symbol = models.CharField("chữ viết tắt trong ký hiệu", max_length=20,
                              help_text="Ví dụ “ĐU” (167-KH/ĐU), “UBND” (05/QĐ-UBND).")
    place = models.CharField("địa danh", max_length=100,
                             help_text="Ghi ở dòng ngày tháng, ví dụ “Bắc Kạn”.")
    signer_on_behalf = models.CharField("thẩm quyền ký", max_length=100, blank=True,
                                        help_text="Ví dụ “T/M ĐẢNG ỦY”, “TM. ỦY BAN NHÂN DÂN”.")
    signer_title = models.CharField("chức vụ người ký", max_length=100, blank=True)
    signer_name = models.CharField("họ tên người ký", max_length=100, blank=True)
    #: Where each line of a Giấy khen goes on the blank certificate paper (millimetres
    #: from the top of the page, font sizes); see ``documents.certificates.DEFAULT_LAYOUT``.
    certificate_layout = models.JSONField("vị trí in giấy khen", default=dict, blank=True)

    scope_path = "unit__path"

    class Meta:
        verbose_name = "thể thức văn bản của đơn vị"
        verbose_name_plural = "thể thức văn bản của đơn vị"

    def __str__(self):
        return self.body_name


class NumberRegister(models.Model):
    """The last number given for one (issuing unit, document type, year)."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị ban hành", on_delete=models.PROTECT,
                             related_name="number_registers")
    doc_type = models.CharField("loại văn bản", max_length=10)
    year = models.PositiveSmallIntegerField("năm")
    last_number = models.PositiveIntegerField("số cuối đã cấp", default=0)

    scope_path = "unit__path"

    class Meta:
        verbose_name = "sổ đăng ký số văn bản"
        verbose_name_plural = "sổ đăng ký số văn bản"
        constraints = [
            models.UniqueConstraint(fields=["unit", "doc_type", "year"],
                                    name="documents_one_register"),
        ]

    def __str__(self):
        return f"{self.unit} — {self.doc_type} — {self.year}"


class IssuedNumber(NormalizedTextMixin, models.Model):
    register = models.ForeignKey(NumberRegister, on_delete=models.PROTECT, related_name="issued")
    number = models.PositiveIntegerField("số")
    reference = models.CharField("số, ký hiệu", max_length=60)
    subject = models.CharField("trích yếu", max_length=500, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    scope_path = "register__unit__path"

    class Meta:
        ordering = ["register", "number"]
        verbose_name = "số văn bản đã cấp"
        verbose_name_plural = "số văn bản đã cấp"
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="documents_number_once"),
        ]

    def __str__(self):
        return self.reference


def template_upload_to(instance, filename):
    return f"document-templates/{instance.kind}/{filename}"


class TemplateFile(models.Model):
    """A .docx an admin put in place of the built-in template of a document kind."""

    kind = models.CharField("loại văn bản", max_length=40)
    doc_format = models.CharField("thể thức", max_length=10, choices=DocFormat.choices)
    file = models.FileField("tệp mẫu (.docx)", upload_to=template_upload_to)
    is_active = models.BooleanField("đang dùng", default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-uploaded_at"]
        verbose_name = "mẫu văn bản"
        verbose_name_plural = "mẫu văn bản"
        constraints = [
            models.UniqueConstraint(fields=["kind", "doc_format"],
                                    condition=models.Q(is_active=True),
                                    name="documents_one_active_template"),
        ]

    def __str__(self):
        return f"{self.kind} ({self.get_doc_format_display()})"
