"""Procedure dossiers (hồ sơ thủ tục hành chính) received at one-stop desks.

A ``ProcedureDossier`` is one dossier as the one-stop system (hệ thống một cửa
điện tử) exports it: the receiving unit, the dossier code (unique per unit),
the procedure and its field, when it was received, when the result is due and
when it was returned, the handling official (matched to a ``Person`` when the
file names one of the unit's staff, the text kept as imported) and the status.
Dossiers arrive by file import (.xlsx or .csv, ``excel.py``: every row is
checked, then all are written or none) or by the push API
(``api/routers/dossiers.py``); both upsert on (unit, code), so a re-import
updates a dossier and never duplicates it. Whether a returned dossier was
early, on time or late is decided once, when it is written, by
``rules.classify`` (Nghị định 61/2018/NĐ-CP, amended by 107/2021/NĐ-CP) and
kept in ``timing``: the monthly statistics (``queries.py``) and the movement
indicators ``dossier_on_time`` and ``dossier_late_share`` (``indicators.py``)
count that column with conditional counts, in one grouped statement.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from thidua.org.models import Person, Unit


class DossierStatus(models.TextChoices):
    RECEIVED = "tiep_nhan", "Mới tiếp nhận"
    PROCESSING = "dang_xu_ly", "Đang giải quyết"
    RESOLVED = "da_tra", "Đã trả kết quả"
    RETURNED = "tra_lai", "Trả lại, từ chối giải quyết"
    WITHDRAWN = "rut", "Công dân rút hồ sơ"


#: Statuses of a dossier still being worked on.
OPEN_STATUSES = (DossierStatus.RECEIVED, DossierStatus.PROCESSING)


class Timing(models.TextChoices):
    EARLY = "truoc_han", "Trước hạn"
    ON_TIME = "dung_han", "Đúng hạn"
    LATE = "qua_han", "Quá hạn"


class Source(models.TextChoices):
    IMPORT = "import", "Nhập từ tệp"
    API = "api", "Hệ thống một cửa gửi qua API"


class ProcedureDossier(models.Model):
    # No index of its own: (unit, code) and (unit, received_at) lead with it.
    unit = models.ForeignKey(Unit, verbose_name="đơn vị tiếp nhận", on_delete=models.PROTECT,
                             related_name="dossiers", db_index=False)
    code = models.CharField("mã hồ sơ", max_length=60)
    procedure = models.CharField("thủ tục", max_length=500)
    field = models.CharField("lĩnh vực", max_length=200, blank=True)
    received_at = models.DateTimeField("ngày tiếp nhận")
    due_at = models.DateTimeField("hạn trả kết quả")
    resolved_at = models.DateTimeField("ngày trả kết quả", null=True, blank=True)
    official = models.ForeignKey(Person, verbose_name="cán bộ xử lý", on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")
    official_name = models.CharField("cán bộ xử lý (như trong tệp)", max_length=120, blank=True)
    status = models.CharField("trạng thái", max_length=12, choices=DossierStatus.choices)
    timing = models.CharField("kết quả giải quyết", max_length=10, choices=Timing.choices,
                              blank=True)
    source = models.CharField("nguồn", max_length=10, choices=Source.choices,
                              default=Source.IMPORT)
    imported_at = models.DateTimeField("ngày nhập", default=timezone.now)
    updated_at = models.DateTimeField("cập nhật lần cuối", default=timezone.now)

    scope_path = "unit__path"

    class Meta:
        verbose_name = "hồ sơ thủ tục hành chính"
        verbose_name_plural = "hồ sơ thủ tục hành chính"
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="dossier_unit_code"),
            models.CheckConstraint(condition=models.Q(due_at__gte=models.F("received_at")),
                                   name="dossier_due_after_received"),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True)
                | models.Q(resolved_at__gte=models.F("received_at")),
                name="dossier_resolved_after_received"),
        ]
        indexes = [
            models.Index(fields=["unit", "received_at"], name="dossier_unit_received"),
            models.Index(fields=["received_at"], name="dossier_received"),
            # Returned in a month; still open at a month's end (returned after it, received
            # before it): both ranges are read from this index.
            models.Index(fields=["resolved_at", "received_at"], name="dossier_resolved_received"),
        ]

    def __str__(self):
        return f"{self.code} — {self.procedure}"
