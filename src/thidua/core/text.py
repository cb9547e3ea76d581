"""Vietnamese text: NFC normalisation on the way in, accent folding for search.

Text from Word, Excel on a Mac or a phone keyboard often arrives decomposed
(NFD: "e" + combining marks). Stored text is always NFC so that equal names
compare equal. Searches compare a *folded* copy: lower case, no diacritics,
"đ" as "d", single spaces — so "nguyen van a" finds "Nguyễn Văn A".
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(value: str | None) -> str | None:
    """Return ``value`` in Unicode NFC; ``None`` stays ``None``."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", value)


def clean_text(value: str | None) -> str:
    """NFC, trimmed, with runs of whitespace (tabs, newlines, NBSP) as one space."""
    if not value:
        return ""
    return _SPACES.sub(" ", nfc(str(value))).strip()


def fold(value: str | None) -> str:
    """Accent- and case-free form used for searching and matching.

    >>> fold("  Nguyễn   Văn Đức ")
    'nguyen van duc'
    """
    if not value:
        return ""
    text = str(value).translate(_D_MAP)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.casefold()).strip()


def normalize_model_text(instance) -> None:
    """NFC-normalise every char/text field of a model instance in place."""
    for field in instance._meta.concrete_fields:
        if field.get_internal_type() in {"CharField", "TextField", "SlugField", "EmailField"}:
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, nfc(value).strip())
