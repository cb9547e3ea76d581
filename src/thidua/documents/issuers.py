"""The header details of a unit's documents, with defaults from the unit itself."""

from __future__ import annotations

from thidua.core.text import nfc
from thidua.documents.models import DocFormat, IssuerProfile
from thidua.org.choices import Sector

#: The abbreviation of an issuing body by unit kind, when the unit has not set its own.
DEFAULT_SYMBOLS = {
    "tinh_uy": "TU", "dang_uy_xa": "ĐU", "dang_bo_co_so": "ĐU", "chi_bo": "CB",
    "ban_dang": "VPTU", "ubnd": "UBND", "xa_phuong": "UBND", "tinh": "UBND",
    "co_quan_chuyen_mon": "UBND", "phong_ban": "UBND", "uy_ban_mttq": "MTTQ",
}
SIGNERS = {DocFormat.PARTY: ("T/M BAN CHẤP HÀNH", "BÍ THƯ"),
           DocFormat.STATE: ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")}


def upper(text: str) -> str:
    return nfc(text).upper()


def profile_for(unit) -> IssuerProfile:
    """The unit's saved profile, else one made from the unit (not saved)."""
    saved = IssuerProfile.objects.filter(unit=unit).first()
    if saved is not None:
        return saved
    doc_format = DocFormat.PARTY if unit.sector == Sector.PARTY else DocFormat.STATE
    parent = (type(unit).objects.filter(path=unit.path[:-unit.steplen]).first()
              if unit.depth > 1 else None)
    on_behalf, title = SIGNERS[doc_format]
    place = unit.name.split(" ")[-2:] if unit.name else []
    return IssuerProfile(
        unit=unit, doc_format=doc_format,
        parent_body=upper(parent.name) if parent is not None else "",
        body_name=upper(unit.name), symbol=DEFAULT_SYMBOLS.get(unit.kind.code, "VP"),
        place=" ".join(place), signer_on_behalf=on_behalf, signer_title=title)
