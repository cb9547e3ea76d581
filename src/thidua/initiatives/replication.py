"""Recording that a unit applied (nhân rộng) a recognised initiative of the bank.

A user holding a secretariat, admin or leader role on a unit records it for that unit
(``queries.replication_units``): once per unit and initiative, with the date the unit
started applying it (not in the future) and the results (not empty). The owner unit does
not record its own initiative.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from thidua.core.text import clean_text
from thidua.initiatives import queries
from thidua.initiatives.models import Replication

REFUSED = "Bạn không có quyền ghi nhận việc áp dụng sáng kiến cho đơn vị này."


def already_recorded_message(existing: Replication) -> str:
    return (f"{existing.unit.name} đã ghi nhận áp dụng sáng kiến này từ ngày "
            f"{existing.applied_on:%d/%m/%Y}; mỗi đơn vị chỉ ghi nhận một lần.")


def record(user, initiative, unit, applied_on: date, results: str) -> Replication:
    """Record that ``unit`` applied ``initiative`` from ``applied_on`` with ``results``."""
    if initiative.state != "recognised":
        raise ValidationError("Chỉ ghi nhận áp dụng đối với sáng kiến đã được công nhận.")
    if unit.pk not in {u.pk for u in queries.replication_units(user, initiative)}:
        raise PermissionDenied(REFUSED)
    errors = {}
    if unit.pk == initiative.unit_id:
        errors["unit"] = "Đây là đơn vị chủ quản của sáng kiến, không cần ghi nhận áp dụng."
    if applied_on is None:
        errors["applied_on"] = "Hãy nhập ngày bắt đầu áp dụng."
    elif applied_on > timezone.localdate():
        errors["applied_on"] = "Ngày bắt đầu áp dụng không được sau ngày hôm nay."
    text = clean_text(results)
    if not text:
        errors["results"] = "Hãy mô tả kết quả áp dụng tại đơn vị."
    existing = (Replication.objects.filter(initiative=initiative, unit=unit)
                .select_related("unit").first())
    if existing is not None:
        errors["unit"] = already_recorded_message(existing)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Replication.objects.create(initiative=initiative, unit=unit,
                                              applied_on=applied_on, results=results.strip(),
                                              recorded_by=user)
    except IntegrityError as exc:  # recorded by someone else a moment ago
        existing = Replication.objects.select_related("unit").get(initiative=initiative,
                                                                  unit=unit)
        raise ValidationError({"unit": already_recorded_message(existing)}) from exc
