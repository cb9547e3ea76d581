"""Turn one raw Excel cell value into a Python value, or say in Vietnamese why not.

Every function takes what openpyxl gives for a cell (``None``, ``str``,
``int``, ``float``, ``bool``, ``datetime``) and either returns the clean value
or raises :class:`CellError` with a reason the user can act on. They never
look at the database; the importers do the set-based lookups afterwards.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel

from thidua.core.text import clean_text, fold


class CellError(ValueError):
    """A cell whose content cannot be used; ``str(error)`` is the reason shown to the user."""


#: d/m/yyyy, with "/", "-" or "." between the parts (how Vietnamese users type dates).
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
#: yyyy-mm-dd, what other software exports.
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
#: Dates before this are certainly typing mistakes in a staff record.
EARLIEST_DATE = dt.date(1900, 1, 1)

_NOT_ALNUM = re.compile(r"[^0-9a-z]")
_TRUE = frozenset({"co", "x", "1", "true", "dung"})
_FALSE = frozenset({"khong", "0", "false", "sai"})


def is_blank(value) -> bool:
    """Whether a cell counts as empty (``None`` or only whitespace)."""
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value) -> str:
    """Cell as clean NFC text ("" when blank).

    Whole numbers lose Excel's ``.0`` so that a code typed as a number
    (``12345`` stored as ``12345.0``) reads as ``"12345"``.
    """
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return clean_text(str(value))


def as_phone(value) -> str:
    """Phone number as text, putting back the leading zero Excel drops from numbers.

    A Vietnamese number has 10 digits (mobile) or 11 (landline) and starts
    with 0; typed into a number cell it becomes 9 or 10 digits without it.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = as_text(value)
        if digits.isdigit() and len(digits) in (9, 10):
            return "0" + digits
        return digits
    text = as_text(value)
    if text and not re.fullmatch(r"[0-9 +().-]+", text):
        raise CellError("chỉ được gồm chữ số và các dấu + ( ) . -")
    return text


def _make_date(year: int, month: int, day: int, typed: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(f"ngày “{typed}” không tồn tại") from exc


def _date_from_text(text: str) -> dt.date:
    match = _DMY.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return _make_date(year, month, day, text)
    match = _ISO.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return _make_date(year, month, day, text)
    raise CellError(f"“{text}” không phải ngày hợp lệ; hãy ghi theo dạng ngày/tháng/năm, "
                    "ví dụ 05/09/1985")


def _date_from_serial(number: float, epoch: dt.datetime) -> dt.date:
    """An Excel serial day number (a date cell whose format was lost)."""
    if float(number).is_integer() and 1900 <= number <= 2100:
        raise CellError(f"chỉ ghi năm {int(number)}; hãy ghi đủ ngày/tháng/năm")
    try:
        value = from_excel(number, epoch=epoch)
    except (ValueError, OverflowError) as exc:
        raise CellError(f"số {number} không phải ngày hợp lệ") from exc
    if not isinstance(value, dt.datetime):  # a fraction of a day reads as a time
        raise CellError(f"số {number} không phải ngày hợp lệ")
    return value.date()


def as_date(value, epoch: dt.datetime = WINDOWS_EPOCH) -> dt.date | None:
    """Cell as a date, whether Excel stored a date, a serial number or text.

    Accepts real date cells, serial numbers (``epoch`` is the workbook's, 1900
    or 1904 system), and text ``d/m/yyyy`` or ``yyyy-mm-dd``. Blank is ``None``.
    The result must lie between 1900 and today: every date in these sheets
    (birth, joining the Party) is in the past.
    """
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, bool):
        raise CellError("không phải ngày hợp lệ")
    elif isinstance(value, int | float):
        result = _date_from_serial(value, epoch)
    elif isinstance(value, str):
        result = _date_from_text(clean_text(value))
    else:
        raise CellError("không phải ngày hợp lệ; hãy ghi theo dạng ngày/tháng/năm")
    if result < EARLIEST_DATE:
        raise CellError(f"ngày {result:%d/%m/%Y} quá sớm (trước năm 1900)")
    if result > dt.date.today():
        raise CellError(f"ngày {result:%d/%m/%Y} ở tương lai")
    return result


def as_bool(value) -> bool | None:
    """Cell as yes/no: "Có"/"Không" (also x, 1/0, TRUE/FALSE); blank is ``None``."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    key = choice_key(as_text(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(f"“{as_text(value)}” không hợp lệ; chỉ ghi “Có” hoặc “Không”")


@lru_cache(maxsize=4096)
def choice_key(text: str) -> str:
    """Matching key of an enumeration value: folded, without spaces and punctuation.

    "Ê Đê", "ede" and "E-De" are the same ethnic group; "Nữ" is "nu". Cached:
    a sheet repeats the same few values ("Nam", "Có", "Công chức") on every row.
    """
    return _NOT_ALNUM.sub("", fold(text))


def choice_lookup(pairs: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """Build a matching-key → stored-value map from (value, spellings) pairs."""
    lookup: dict[str, str] = {}
    for value, spellings in pairs:
        for spelling in spellings:
            lookup.setdefault(choice_key(spelling), value)
    return lookup


def as_choice(value, lookup: dict[str, str], allowed: Iterable[str] | None = None) -> str | None:
    """Cell as one value of an enumeration, matched without accents; blank is ``None``.

    ``allowed`` are the labels listed in the error message; a long list (54
    ethnic groups) is not repeated there but pointed to.
    """
    text = as_text(value)
    if not text:
        return None
    try:
        return lookup[choice_key(text)]
    except KeyError:
        if allowed is None:
            raise CellError(f"“{text}” không có trong danh mục (xem danh sách thả xuống và "
                            "trang “Hướng dẫn” của tệp mẫu)") from None
        listed = ", ".join(f"“{label}”" for label in allowed)
        raise CellError(f"“{text}” không có trong danh sách: {listed}") from None


def as_digits(value) -> str:
    """Cell as a code made only of digits (an administrative division code)."""
    text = as_text(value)
    if text and not text.isdigit():
        raise CellError(f"“{text}” không hợp lệ; chỉ gồm chữ số")
    return text


def as_email(value) -> str:
    """Cell as an e-mail address, checked like a form would."""
    text = as_text(value)
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(f"“{text}” không phải địa chỉ thư điện tử hợp lệ") from None
    return text


def check_length(text: str, max_length: int) -> str:
    """Refuse text longer than the database column."""
    if len(text) > max_length:
        raise CellError(f"dài quá {max_length} ký tự (hiện có {len(text)} ký tự)")
    return text
