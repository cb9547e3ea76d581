"""The header details of a unit's documents, with defaults from the unit itself."""

from __future__ import annotations

import re

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
#: A chi bộ signs on behalf of itself (Hướng dẫn 36-HD/VPTW), not of an executive committee.
SIGNERS_BY_KIND = {"chi_bo": ("T/M CHI BỘ", "BÍ THƯ")}
#: The place of the date line is the name after the administrative word in a unit's name:
#: "Đảng ủy phường An Bình" → "An Bình", "Tỉnh ủy Thái Nguyên" → "Thái Nguyên".
PLACE = re.compile(r"(?:^|\s)(?:thành phố|thị trấn|thị xã|đặc khu|tỉnh|huyện|quận|xã|phường)"
                   r"(?:\s+ủy)?\s+([^,;()]+)", re.IGNORECASE)


def upper(text: str) -> str:
    return nfc(text).upper()


def place_in(name: str) -> str:
    """The place a unit's name gives ("" when it names none)."""
    found = PLACE.search(nfc(name or ""))
    return found.group(1).strip() if found else ""


def profile_for(unit) -> IssuerProfile:
    """The unit's saved profile, else one made from the unit (not saved): its parent as
    the body above, the place from its name — else from the nearest unit above that has
    a saved profile or names a place —, the usual signer of its kind."""
    saved = IssuerProfile.objects.filter(unit=unit).first()
    if saved is not None:
        return saved
    doc_format = DocFormat.PARTY if unit.sector == Sector.PARTY else DocFormat.STATE
    above = list(type(unit).objects.get_ancestors(unit)) if unit.depth > 1 else []
    on_behalf, title = SIGNERS_BY_KIND.get(unit.kind.code, SIGNERS[doc_format])
    return IssuerProfile(
        unit=unit, doc_format=doc_format,
        parent_body=upper(above[-1].name) if above else "",
        body_name=upper(unit.name), symbol=DEFAULT_SYMBOLS.get(unit.kind.code, "VP"),
        place=_place(unit, above), signer_on_behalf=on_behalf, signer_title=title)


def _place(unit, above: list) -> str:
    own = place_in(unit.name)
    if own or not above:
        return own or " ".join((unit.name or "").split(" ")[-2:])
    saved = dict(IssuerProfile.objects.filter(unit__in=above).values_list("unit_id", "place"))
    for ancestor in reversed(above):
        place = saved.get(ancestor.pk) or place_in(ancestor.name)
        if place:
            return place
    return " ".join((unit.name or "").split(" ")[-2:])
