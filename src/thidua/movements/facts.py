"""Facts a movement is measured on, besides registrations: practices (mô hình,
cách làm hay), exemplars (điển hình tiên tiến), unit reports (báo cáo sơ kết,
tổng kết) and hand-entered values.

The write operations here complete ``domain.py`` (which already has
``submit_report``, ``recognise_practice`` and ``enter_manual_value``): they
take the acting user, check authority through the scoping helper and raise
``ValidationError``/``PermissionDenied`` with Vietnamese messages, so that a
view, the API or a script get the same rules. The read helpers answer the
questions the screens ask in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from thidua.core import scoping
from thidua.core.roles import MANAGE_ROLES, READ_ROLES
from thidua.core.text import clean_text, fold, nfc
from thidua.movements import domain
from thidua.movements.models import (
    Exemplar,
    Milestone,
    Movement,
    Practice,
    PracticeState,
    UnitReport,
)
from thidua.movements.queries import visible_movements
from thidua.org.models import Person, Unit

# Uploads ---------------------------------------------------------------------------

#: Evidence and report files: extension → the first bytes such a file starts with.
#: Checking the content as well as the name stops a renamed executable or HTML
#: page from being served back to other users as "a PDF".
UPLOAD_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "webp": (b"RIFF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}
UPLOAD_HELP = "PDF, ảnh (JPG, PNG, WEBP), Word (.docx) hoặc Excel (.xlsx)"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")


def check_upload(upload) -> None:
    """Refuse a file whose type is not allowed, whose content does not match its
    extension, or which is larger than ``settings.UPLOAD_MAX_BYTES``."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in UPLOAD_SIGNATURES:
        raise ValidationError(f"Tệp “{name}” không đúng định dạng cho phép: {UPLOAD_HELP}.")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(f"Tệp “{name}” dung lượng {_megabytes(upload.size)} MB, vượt giới hạn "
                              f"{_megabytes(settings.UPLOAD_MAX_BYTES)} MB.")
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    signatures = UPLOAD_SIGNATURES[extension]
    if not head.startswith(signatures) or (extension == "webp" and head[8:12] != b"WEBP"):
        raise ValidationError(f"Nội dung tệp “{name}” không phải tệp .{extension} hợp lệ "
                              "(tệp hỏng hoặc bị đổi đuôi).")


# Accent-insensitive search ---------------------------------------------------------

def search_name(queryset: QuerySet, text: str) -> QuerySet:
    """Practices whose name contains ``text``, accents and case ignored (indexed folded copy)."""
    folded = fold(text)
    return queryset.filter(name_folded__contains=folded) if folded else queryset


# Who may do what on a movement -------------------------------------------------------

def manages(user, movement: Movement) -> bool:
    """The movement's secretariat (or an admin above it): recognises, marks exemplars."""
    return scoping.covers(user, movement.issuing_unit.path, MANAGE_ROLES)


def oversees(user, movement: Movement) -> bool:
    """Reads the whole movement (the issuing unit's secretariat, leaders, observers)."""
    return scoping.covers(user, movement.issuing_unit.path, READ_ROLES)


def in_scope(movement: Movement, unit: Unit) -> bool:
    return unit.path.startswith(movement.scope_unit.path)


def require_launched(movement: Movement) -> None:
    """Facts attach only to a movement being carried out: not a draft, not a closed one."""
    domain.require_editable(movement)
    if movement.state != "launched":
        raise ValidationError("Phong trào chưa được phát động.")


# Practices -------------------------------------------------------------------------

def register_practice(user, *, unit: Unit, movement: Movement | None = None, name: str,
                      field: str = "", description: str = "", started_on: date,
                      evidence=None) -> Practice:
    """A unit records a practice it runs, optionally under a movement it can see."""
    if not scoping.covers(user, unit.path, domain.REGISTER_ROLES):
        raise PermissionDenied("Bạn không có quyền đăng ký mô hình cho đơn vị này.")
    if not unit.is_active:
        raise ValidationError(f"{unit.name} đã ngừng hoạt động: không đăng ký mô hình mới.")
    if movement is not None:
        if not visible_movements(user).filter(pk=movement.pk).exists():
            raise ValidationError("Không tìm thấy phong trào đã chọn.")
        require_launched(movement)
        if not in_scope(movement, unit):
            raise ValidationError(f"{unit.name} không thuộc phạm vi của phong trào "
                                  f"“{movement.title}”.")
    name = clean_text(name)
    if not name:
        raise ValidationError("Hãy ghi tên mô hình.")
    same = (Practice.objects.filter(unit=unit, movement=movement)
            .filter(name_folded=fold(name)))
    if same.exists():
        raise ValidationError(f"{unit.name} đã đăng ký mô hình “{name}” rồi.")
    if evidence:
        check_upload(evidence)
    return Practice.objects.create(
        unit=unit, movement=movement, name=name, field=clean_text(field),
        description=nfc(description or "").strip(), started_on=started_on,
        evidence=evidence or "", created_by=user)


def recognise_refusal(user, practice: Practice) -> str | None:
    """Why ``user`` may not recognise ``practice`` now (for the button and the view)."""
    movement = practice.movement
    if movement is None:
        if not scoping.covers(user, practice.unit.path, MANAGE_ROLES):
            return "Bạn không có quyền công nhận mô hình này."
        return None
    if not manages(user, movement):
        return (f"Mô hình này thuộc phong trào “{movement.title}” ({movement.document_number}) "
                f"do {movement.issuing_unit.name} phát động: chỉ văn phòng, cán bộ thi đua của "
                "đơn vị đó mới công nhận được.")
    if not movement.is_editable:
        return "Phong trào đã kết thúc: không thể công nhận thêm mô hình."
    return None


def recognise(user, practice: Practice, *, on: date, replicate: bool) -> Practice:
    """Recognise ``practice`` as effective (and for replication) after the checks the
    domain function leaves to its callers: a closed movement, dates out of order."""
    refusal = recognise_refusal(user, practice)
    if refusal:
        raise PermissionDenied(refusal)
    if on < practice.started_on:
        raise ValidationError(f"Ngày công nhận không được trước ngày bắt đầu thực hiện "
                              f"({practice.started_on:%d/%m/%Y}).")
    if on > timezone.localdate():
        raise ValidationError("Ngày công nhận không được sau hôm nay.")
    return domain.recognise_practice(user, practice, on=on, replicate=replicate)


def filter_practices(queryset: QuerySet[Practice], *, q: str = "", state: str = "",
                     replication: str = "", unit: Unit | None = None) -> QuerySet[Practice]:
    """Apply the filters of the practice list; empty values mean "no filter"."""
    if unit is not None:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    if state in PracticeState.values:
        queryset = queryset.filter(state=state)
    if replication in {"1", "0"}:
        queryset = queryset.filter(for_replication=replication == "1")
    return search_name(queryset, q)


# Exemplars -------------------------------------------------------------------------

def mark_exemplar(user, movement: Movement, *, unit: Unit | None = None,
                  person: Person | None = None, citation: str,
                  marked_on: date | None = None) -> Exemplar:
    """The movement's secretariat records an exemplary collective (``unit``) or
    individual (``person``, counted with his unit) of the movement's scope."""
    domain.require_manager(user, movement)
    require_launched(movement)
    if person is not None:
        unit = person.unit
    if unit is None:
        raise ValidationError("Hãy chọn tập thể hoặc cá nhân được ghi nhận.")
    who = person.full_name if person is not None else unit.name
    if not in_scope(movement, unit):
        raise ValidationError(f"{who} không thuộc phạm vi của phong trào.")
    citation = nfc(citation or "").strip()
    if not citation:
        raise ValidationError("Hãy ghi ngắn gọn thành tích tiêu biểu.")
    marked_on = marked_on or timezone.localdate()
    if marked_on > timezone.localdate():
        raise ValidationError("Ngày ghi nhận không được sau hôm nay.")
    duplicate = Exemplar.objects.filter(movement=movement, person=person)
    if person is None:
        duplicate = duplicate.filter(unit=unit)
    if duplicate.exists():
        raise ValidationError(f"{who} đã được ghi nhận là điển hình của phong trào này.")
    return Exemplar.objects.create(movement=movement, unit=unit, person=person,
                                   citation=citation, marked_on=marked_on, created_by=user)


# Unit reports ------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportStatus:
    key: str
    label: str
    css: str


PENDING = ReportStatus("chua_nop", "Chưa nộp", "text-bg-light")
OVERDUE = ReportStatus("qua_han", "Quá hạn, chưa nộp", "text-bg-danger")
ON_TIME = ReportStatus("dung_han", "Nộp đúng hạn", "text-bg-success")
LATE = ReportStatus("muon", "Nộp muộn", "text-bg-warning")
REPORT_STATUSES = (PENDING, OVERDUE, ON_TIME, LATE)


def report_status(report: UnitReport, today: date) -> ReportStatus:
    """What the board shows for one report; ``UnitReport.on_time`` decides on time."""
    if report.submitted_at is None:
        return OVERDUE if today > report.milestone.due_on else PENDING
    return ON_TIME if report.on_time else LATE


def end_of_due_day(due_on: date) -> datetime:
    """The first instant after the due day, in local time: submitted before it = on time
    (the same rule as ``UnitReport.on_time``, written as a range the database can use)."""
    return timezone.make_aware(datetime.combine(due_on + timedelta(days=1), time.min))


def status_q(status: str, milestone: Milestone, today: date) -> Q:
    """The condition for one board filter, so filtering happens in SQL."""
    limit = end_of_due_day(milestone.due_on)
    pending = Q(submitted_at__isnull=True)
    return {
        PENDING.key: pending,
        OVERDUE.key: pending if today > milestone.due_on else Q(pk__in=[]),
        ON_TIME.key: Q(submitted_at__lt=limit),
        LATE.key: Q(submitted_at__gte=limit),
    }.get(status, Q())


def report_counts(reports: QuerySet[UnitReport], milestone: Milestone) -> dict[str, int]:
    """How many units have not submitted, submitted on time, submitted late: one query."""
    limit = end_of_due_day(milestone.due_on)
    return reports.aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(submitted_at__isnull=True)),
        on_time=Count("pk", filter=Q(submitted_at__lt=limit)),
        late=Count("pk", filter=Q(submitted_at__gte=limit)),
    )


def days_late(report: UnitReport, today: date) -> int:
    """Days past the due date: of the submission, or of today while still missing."""
    if report.submitted_at is not None:
        day = timezone.localtime(report.submitted_at).date()
    else:
        day = today
    return max((day - report.milestone.due_on).days, 0)
