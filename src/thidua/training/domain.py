"""Changing training records: who may, and what a valid record is.

Only the office (admin, secretariat) of a unit covering the person's unit may
add, edit or delete a record; every refusal is a Vietnamese message naming
the field at fault.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from thidua.core import scoping
from thidua.core.roles import MANAGE_ROLES
from thidua.core.text import clean_text
from thidua.movements.facts import check_upload
from thidua.training.models import MAX_HOURS, Topic, TrainingRecord

FIELDS = ("course", "topic", "provider", "starts_on", "ends_on", "hours", "certificate")
LABELS = {"course": "Khóa học", "topic": "Chủ đề", "provider": "Cơ sở đào tạo",
          "starts_on": "Từ ngày", "ends_on": "Đến ngày", "hours": "Số giờ",
          "certificate": "Số chứng chỉ", "certificate_file": "Tệp chứng chỉ"}
REQUIRED = ("course", "topic", "starts_on", "ends_on", "hours")


REFUSED = ("Chỉ văn phòng, cán bộ thi đua hoặc quản trị của đơn vị quản lý cán bộ mới được "
           "cập nhật quá trình bồi dưỡng.")


def may_manage_unit(user, unit) -> bool:
    return scoping.covers(user, unit.path, MANAGE_ROLES)


def may_manage(user, person) -> bool:
    return may_manage_unit(user, person.unit)


def require_manager(user, person) -> None:
    if not may_manage(user, person):
        raise PermissionDenied(REFUSED)


def _max_length(name: str) -> int:
    return TrainingRecord._meta.get_field(name).max_length


def check_values(values: dict) -> dict:
    """The cleaned values of a record, or ValidationError {field: message} naming the field."""
    errors: dict[str, str] = {}
    cleaned: dict = {}
    for name in ("course", "provider", "certificate"):
        text = clean_text(str(values.get(name) or ""))
        if len(text) > _max_length(name):
            errors[name] = f"{LABELS[name]} dài quá {_max_length(name)} ký tự."
        cleaned[name] = text
    topic = values.get("topic") or ""
    if topic and topic not in Topic.values:
        errors["topic"] = f"Chủ đề “{topic}” không có trong danh mục."
    cleaned["topic"] = topic
    for name in ("starts_on", "ends_on"):
        day = values.get(name)
        if day is not None and not isinstance(day, date):
            errors[name] = f"{LABELS[name]} không phải ngày hợp lệ (ngày/tháng/năm)."
            day = None
        cleaned[name] = day
    hours = values.get("hours")
    if hours is not None and hours != "":
        try:
            hours = Decimal(str(hours).replace(",", "."))
        except InvalidOperation:
            errors["hours"] = f"Số giờ “{hours}” không phải số."
            hours = None
        else:
            if not hours.is_finite() or hours <= 0:
                errors["hours"] = "Số giờ phải lớn hơn 0."
            elif hours > MAX_HOURS:
                errors["hours"] = f"Số giờ quá lớn (tối đa {MAX_HOURS} giờ)."
            elif hours != hours.quantize(Decimal("0.1")):
                errors["hours"] = "Số giờ ghi tối đa một chữ số thập phân."
    else:
        hours = None
    cleaned["hours"] = hours
    for name in REQUIRED:
        if name not in errors and cleaned.get(name) in (None, ""):
            errors[name] = f"Chưa nhập {LABELS[name].lower()}."
    start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
    if start and end and end < start:
        errors["ends_on"] = (f"Đến ngày ({end:%d/%m/%Y}) không được trước từ ngày "
                             f"({start:%d/%m/%Y}).")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_file(upload) -> None:
    if upload:
        try:
            check_upload(upload)
        except ValidationError as exc:
            raise ValidationError({"certificate_file": exc.messages}) from exc


@transaction.atomic
def add_record(user, person, values: dict, certificate_file=None) -> TrainingRecord:
    require_manager(user, person)
    cleaned = check_values(values)
    _check_file(certificate_file)
    record = TrainingRecord(person=person, created_by=user, **cleaned)
    if certificate_file:
        record.certificate_file = certificate_file
    record.save()
    return record


@transaction.atomic
def edit_record(user, record: TrainingRecord, values: dict, certificate_file=None,
                remove_file: bool = False) -> TrainingRecord:
    require_manager(user, record.person)
    cleaned = check_values(values)
    _check_file(certificate_file)
    for name, value in cleaned.items():
        setattr(record, name, value)
    if certificate_file:
        record.certificate_file = certificate_file
    elif remove_file:
        record.certificate_file = ""
    record.save()
    return record


@transaction.atomic
def delete_record(user, record: TrainingRecord) -> None:
    require_manager(user, record.person)
    record.delete()
