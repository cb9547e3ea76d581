"""Vietnam's administrative divisions as a starting unit tree.

Since 1 July 2025 the country has 34 provinces and centrally-run cities and
3,321 communes, wards and special zones (Nghị quyết 202/2025/QH15 and the
Standing Committee's resolutions on each province's communes). The
``vietnam-provinces`` package carries the official list with the codes of the
General Statistics Office; :func:`load` turns the chosen provinces into
units: one root of kind ``tinh`` per province, its communes as children of
kind ``xa_phuong``.

Units are matched on their GSO code (``division_code``: two digits for a
province, five for a commune), so loading twice adds nothing and a province
loaded once can be completed later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from vietnam_provinces import Province, Ward
from vietnam_provinces.base import VietNamDivisionType

from thidua.core.text import fold
from thidua.org.models import Unit, UnitKind
from thidua.org.tree import bulk_add

PROVINCE_KIND = "tinh"
COMMUNE_KIND = "xa_phuong"

# Prefixes a user may type before a province's name: "Tỉnh Thái Nguyên", "TP. Huế".
_NAME_PREFIXES = ("thanh pho ", "tinh ", "tp. ", "tp.", "tp ")


@dataclass
class LoadResult:
    provinces_created: int = 0
    provinces_existing: int = 0
    communes_created: int = 0
    communes_existing: int = 0


class CodeConflict(Exception):
    """Unit codes that the divisions would use already belong to other units."""

    def __init__(self, codes: list[str]):
        super().__init__(", ".join(codes))
        self.codes = codes


def province_division_code(province: Province) -> str:
    return f"{int(province.code):02d}"


def commune_division_code(ward: Ward) -> str:
    return f"{int(ward.code):05d}"


def province_unit_name(province: Province) -> str:
    """"Tỉnh Thái Nguyên"; cities already carry their title ("Thành phố Huế")."""
    if province.division_type == VietNamDivisionType.TINH and not province.name.startswith("Tỉnh"):
        return f"Tỉnh {province.name}"
    return province.name


def _bare(name: str) -> str:
    folded = fold(name)
    for prefix in _NAME_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix):].strip()
    return folded


def find_province(name: str) -> Province | None:
    """The province named ``name`` (accents, case and a "Tỉnh"/"Thành phố" prefix ignored)
    or given by its GSO code ("19")."""
    wanted = _bare(name)
    for province in Province.iter_all():
        if wanted == _bare(province.name) or (wanted.isdigit() and int(wanted) == int(province.code)):
            return province
    return None


def all_provinces() -> list[Province]:
    return list(Province.iter_all())


def _kind(code: str) -> UnitKind:
    try:
        return UnitKind.objects.get(code=code)
    except UnitKind.DoesNotExist as exc:
        raise LookupError(code) from exc


@transaction.atomic
def load(provinces: Iterable[Province]) -> LoadResult:
    """Add the provinces and their communes that are not in the tree yet.

    Raises :class:`LookupError` (with the kind code) when a unit kind is missing.
    """
    province_kind, commune_kind = _kind(PROVINCE_KIND), _kind(COMMUNE_KIND)
    existing_provinces = {
        unit.division_code: unit
        for unit in Unit.objects.filter(kind=province_kind).exclude(division_code="")
    }
    existing_communes = set(
        Unit.objects.filter(kind=commune_kind).values_list("division_code", flat=True)
    )

    result = LoadResult()
    pairs: list[tuple[Unit, Unit | None]] = []
    seen: set[str] = set()
    for province in provinces:
        code = province_division_code(province)
        if code in seen:
            continue
        seen.add(code)
        parent = existing_provinces.get(code)
        if parent is None:
            parent = Unit(name=province_unit_name(province), code=f"T{code}",
                          kind=province_kind, division_code=code)
            pairs.append((parent, None))
            result.provinces_created += 1
        else:
            result.provinces_existing += 1
        for ward in Ward.iter_by_province(province.code):
            ward_code = commune_division_code(ward)
            if ward_code in existing_communes:
                result.communes_existing += 1
                continue
            pairs.append((Unit(name=ward.name, code=f"X{ward_code}", kind=commune_kind,
                               division_code=ward_code), parent))
            result.communes_created += 1

    taken = _codes_in_use(node.code for node, _parent in pairs)
    if taken:
        raise CodeConflict(sorted(taken))
    bulk_add(pairs)
    return result


def _codes_in_use(codes: Iterable[str], chunk: int = 500) -> set[str]:
    codes = list(codes)
    taken: set[str] = set()
    for start in range(0, len(codes), chunk):
        taken.update(Unit.objects.filter(code__in=codes[start:start + chunk])
                     .values_list("code", flat=True))
    return taken
