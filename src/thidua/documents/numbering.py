"""Document numbers without gaps or duplicates.

Numbers run per (issuing unit, document type, year) and restart at 1 each
year (Nghị định 30/2020/NĐ-CP Điều 15; Hướng dẫn 36-HD/VPTW). The next
number is taken with one ``UPDATE … SET last_number = last_number + 1`` in
the caller's transaction: the database serialises concurrent requests on the
register's row (a row lock on PostgreSQL, the write lock on SQLite), and a
rolled-back request gives its number back, so the numbers handed out stay
consecutive.

A number the system writes on a document is handed out only with that
document (:func:`numbered`): the number is taken and the .docx bearing it is
made in one transaction, so a document that cannot be made (a broken
template, any error) gives its number back, and the register never shows a
number no document carries. The register's row stays locked while the .docx
is made: well under a second even for the province's final report
(``final_report_docx_s`` in bench/README.md). What comes after the commit
(the PDF copy) cannot take the number back: the screens then hand over the
Word file that bears it. A number taken on the register page is for a
document written elsewhere, taken on purpose after a confirmation, with its
summary in the register.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

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


#: What stands for the number in a document whose number is written by hand.
BLANK = " " * 6
T = TypeVar("T")


def reference(number: int | None, doc_type: str, symbol: str, doc_format: str) -> str:
    """The number as written on the document: ``05/QĐ-UBND`` (state), ``167-KH/ĐU`` (Party);
    without a number, the blank left to write it by hand (``      /BC-UBND``)."""
    if doc_format == DocFormat.PARTY:
        return f"{BLANK if number is None else number}-{doc_type}/{symbol}"
    return f"{BLANK if number is None else f'{number:02d}'}/{doc_type}-{symbol}"


def year_problem(day) -> str:
    """Why a document dated ``day`` cannot take a number now ("" when it can): numbers are
    given from this year's register only (the number page offers no other), so a date in
    another year — a slip, or a document of a closed year — would open or reopen another
    year's register."""
    this_year = timezone.localdate().year
    if day.year == this_year:
        return ""
    return (f"Chỉ lấy được số trong sổ năm {this_year}: ngày văn bản phải thuộc năm "
            f"{this_year}. Nếu văn bản mang ngày năm {day.year}, hãy bỏ chọn lấy số và ghi "
            "số bằng tay.")


def blank_reference(doc_type: str, profile) -> str:
    """The reference of ``profile``'s unit with the number left blank."""
    return reference(None, doc_type, profile.symbol, profile.doc_format)


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
    year = year or timezone.localdate().year
    with transaction.atomic():
        register = _register(unit, doc_type, year)
        NumberRegister.objects.filter(pk=register.pk).update(last_number=F("last_number") + 1)
        number = NumberRegister.objects.values_list("last_number", flat=True).get(pk=register.pk)
        return IssuedNumber.objects.create(
            register=register, number=number, issued_by=user, subject=clean_text(subject)[:500],
            reference=reference(number, doc_type, symbol or profile.symbol,
                                doc_format or profile.doc_format))


def numbered(unit, doc_type: str, user, make: Callable[[str], T], *, subject: str = "",
             year: int | None = None) -> tuple[T, IssuedNumber]:
    """Take the next number and ``make(reference)`` the document bearing it, in one
    transaction: when ``make`` raises, the number is given back (never handed out)."""
    with transaction.atomic():
        issued = issue_number(unit, doc_type, user, subject=subject, year=year)
        return make(issued.reference), issued
