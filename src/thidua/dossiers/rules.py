"""The rules of dossier timing, one pure function each, naming their source.

Nghị định 61/2018/NĐ-CP về thực hiện cơ chế một cửa, một cửa liên thông
(sửa đổi, bổ sung bởi Nghị định 107/2021/NĐ-CP) and its guidance (Thông tư
01/2018/TT-VPCP) count a returned dossier as resolved before the due date
(trước hạn), on the due date (đúng hạn) or after it (quá hạn), and a dossier
still being handled as within its time or overdue. The appointment slip
(phiếu hẹn trả kết quả) names a day, so the comparison is by calendar day in
the local time zone.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from django.utils import timezone

from thidua.dossiers.models import DossierStatus, Timing


@lru_cache(maxsize=1 << 16)
def local_day(moment: datetime) -> date:
    """The calendar day of ``moment`` in the local time zone (moments repeat in a file)."""
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def classify(due_at: datetime, resolved_at: datetime | None, status: str) -> str:
    """Timing of a returned dossier (Nghị định 61/2018/NĐ-CP, sửa đổi 107/2021/NĐ-CP):
    early if returned on a day before the due day, on time on the due day, late after
    it; "" for a dossier not (or not yet) resolved — returned refused or withdrawn
    dossiers are neither."""
    if status != DossierStatus.RESOLVED or resolved_at is None:
        return ""
    returned, due = local_day(resolved_at), local_day(due_at)
    if returned < due:
        return Timing.EARLY
    if returned == due:
        return Timing.ON_TIME
    return Timing.LATE


def is_overdue(due_at: datetime, now: datetime) -> bool:
    """An unresolved dossier is overdue once its due day has ended (same source)."""
    return local_day(now) > local_day(due_at)
