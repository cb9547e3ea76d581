"""Document numbers without gaps or duplicates.

Numbers run per (issuing unit, document type, year) and restart at 1 each
year (Nghị định 30/2020/NĐ-CP Điều 15; Hướng dẫn 36-HD/VPTW). The next
number is taken with one ``UPDATE … SET last_number = last_number + 1`` in
the caller's transaction: the database serialises concurrent requests on the
register's row (a row lock on PostgreSQL, the write lock on SQLite), and a
rolled-back request gives its number back, so the numbers handed out stay
consecutive.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from thidua.core import scoping
from thidua.core.roles import Role
from thidua.core.text import clean_text
from thidua.documents.models import DocFormat, IssuedNumber, NumberRegister

#: Who may take a number for a unit's document.
ISSUERS = {Role.ADMIN, Role.SECRETARIAT, Role.LEADER}
DOC_TYPE = re.compile(r"^[A-ZĐ][A-Za-zĐđ]{0,9}$")

#: Abbreviations of the document types (Nghị định 30/2020/NĐ-CP Phụ lục III).
DOC_TYPES = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế",
    "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch",
    "BC": "Báo cáo", "TTr": "Tờ trình", "CV": "Công văn", "GK": "Giấy khen",
}


def reference(number: int, doc_type: str, symbol: str, doc_format: str) -> str:
    """The number as written on the document: ``05/QĐ-UBND`` (state), ``167-KH/ĐU`` (Party)."""
    if doc_format == DocFormat.PARTY:
        return f"{number}-{doc_type}/{symbol}"
    return f"{number:02d}/{doc_type}-{symbol}"


def _register(unit, doc_type: str, year: int) -> NumberRegister:
    register = NumberRegister.objects.filter(unit=unit, doc_type=doc_type, year=year).first()
    if register is not None:
        return register
    try:
        with transaction.atomic():
            return NumberRegister.objects.create(unit=unit, doc_type=doc_type, year=year)
    except IntegrityError:  # created by a concurrent request
        return NumberRegister.objects.get(unit=unit, doc_type=doc_type, year=year)


def issue_number(unit, doc_type: str, user, *, subject: str = "", year: int | None = None,
                 symbol: str | None = None, doc_format: str | None = None) -> IssuedNumber:
    """Take the next number of the unit's register for ``doc_type`` this year."""
    if not scoping.covers(user, unit.path, ISSUERS):
        raise PermissionDenied("Bạn không có quyền lấy số văn bản của đơn vị này.")
    if not DOC_TYPE.match(doc_type or ""):
        raise ValidationError({"doc_type": f"Loại văn bản “{doc_type}” không hợp lệ."})
    from thidua.documents.issuers import profile_for

    profile = profile_for(unit)
    year = year or date.today().year
    with transaction.atomic():
        register = _register(unit, doc_type, year)
        NumberRegister.objects.filter(pk=register.pk).update(last_number=F("last_number") + 1)
        number = NumberRegister.objects.values_list("last_number", flat=True).get(pk=register.pk)
        return IssuedNumber.objects.create(
            register=register, number=number, issued_by=user, subject=clean_text(subject)[:500],
            reference=reference(number, doc_type, symbol or profile.symbol,
                                doc_format or profile.doc_format))
