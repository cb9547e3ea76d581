"""A synthetic province for benchmarks and demonstrations.

:func:`generate` builds, from a seed, the shape of a province after the 2025
reorganisation (DESIGN.md, "Scale it must hold")::

    Tỉnh Thử nghiệm (tinh_uy)
    └── Đảng bộ xã/phường … (dang_uy_xa)                  × communes
        ├── Ủy ban nhân dân … (ubnd)
        │   ├── Văn phòng HĐND và UBND, Phòng Kinh tế…,   3 × phong_ban
        │   │   Phòng Văn hóa - Xã hội
        │   └── Trung tâm Phục vụ hành chính công (mot_cua)
        ├── Ủy ban MTTQ Việt Nam … (uy_ban_mttq)
        │   └── Phụ nữ, Đoàn Thanh niên, Nông dân, Cựu chiến binh   4 × doan_the
        ├── Chi bộ … (chi_bo)              agency and village cells ┐ up to the
        └── Thôn …, Tổ dân phố số … (to_dan_pho)                    ┘ unit total

and spreads the people over those units with Vietnamese names (family names
at their real frequencies, tied to the ethnic group), birth dates, staff
categories, positions and party membership (about 40 %, each member in the
cell of his agency or village). The same seed gives the same province, codes and
names included; nothing drawn depends on database ids.

Every code starts with ``SYN-`` and the initials of the province's name
(``SYN-TTN`` for "Tỉnh Thử nghiệm"), which is how :func:`delete` recognises a
synthetic province. Units go in through :func:`thidua.org.tree.bulk_add`,
people through ``bulk_create``: the default province takes seconds.
"""

from __future__ import annotations

import random
import re
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate

from auditlog.context import disable_auditlog
from django.db import transaction
from django.db.models import Q

from thidua.core.text import fold, nfc
from thidua.org.choices import Gender, PersonStatus, StaffCategory
from thidua.org.models import Person, Unit, UnitKind
from thidua.org.tree import bulk_add

#: Fixed units of every commune: the commune itself, UBND with 3 offices and the
#: one-stop centre, the Front committee with its 4 mass organisations.
FIXED_UNITS_PER_COMMUNE = 11
#: Birth dates are drawn in this range (leaders born by LEADERS_BORN_BY); party
#: admission dates up to REFERENCE_DATE, a fixed date so that the output does not
#: depend on the day it runs.
BIRTH_FROM, BIRTH_TO = date(1965, 1, 1), date(2003, 12, 31)
LEADERS_BORN_BY = date(1992, 12, 31)
REFERENCE_DATE = date(2025, 6, 30)
PARTY_SHARE = 0.40
PEOPLE_BATCH = 2000


class SpecError(ValueError):
    """The requested sizes cannot make a province (message in Vietnamese)."""


class AlreadyExists(Exception):
    """A synthetic province with the same root code is already there."""


@dataclass(frozen=True)
class Spec:
    name: str = "Tỉnh Thử nghiệm"
    communes: int = 100
    units: int = 5000  # every unit, the root and the communes included
    people: int = 60000
    seed: int = 1

    @property
    def code(self) -> str:
        return root_code(self.name)

    def check(self) -> None:
        if not fold(self.name):
            raise SpecError("Tên tỉnh không được để trống.")
        if self.communes < 1:
            raise SpecError("Cần ít nhất 1 xã, phường.")
        least = 1 + self.communes * (FIXED_UNITS_PER_COMMUNE + 1)
        if self.units < least:
            raise SpecError(
                f"Với {self.communes} xã, phường cần ít nhất {least} đơn vị "
                f"(mỗi xã {FIXED_UNITS_PER_COMMUNE} đơn vị cố định và ít nhất 1 chi bộ)."
            )
        if self.people < 0:
            raise SpecError("Số cán bộ không được âm.")


def root_code(name: str) -> str:
    """``SYN-`` and the initials of the name: "Tỉnh Thử nghiệm" → "SYN-TTN"."""
    initials = "".join(word[0] for word in re.findall(r"[a-z0-9]+", fold(name)))
    return "SYN-" + (initials.upper()[:8] or "X")


# --------------------------------------------------------------------------
# Vocabulary. Weights are rough shares (per cent) from population studies of
# Vietnamese family names; the minority lists are the common names of each
# group in the northern mountain provinces.

def _weighted(text: str) -> tuple[list[str], list[int]]:
    """Parse "Nguyễn 38, Trần 11" into names and cumulative weights."""
    names, weights = [], []
    for item in text.split(","):
        name, weight = item.strip().rsplit(" ", 1)
        names.append(nfc(name))
        weights.append(int(weight))
    return names, list(accumulate(weights))


def _words(text: str) -> list[str]:
    return [nfc(word.strip()) for word in text.split(",")]


FAMILY_NAMES = {
    "Kinh": _weighted(
        "Nguyễn 380, Trần 110, Lê 95, Phạm 70, Hoàng 50, Phan 45, Vũ 40, Đặng 21, Bùi 20,"
        " Đỗ 14, Hồ 13, Ngô 13, Dương 10, Lý 5, Đào 8, Đinh 8, Trịnh 6, Mai 5, Đoàn 5,"
        " Lương 4, Tạ 3, Cao 3, Lưu 3, Chu 3, Nghiêm 1, Hà 4, Triệu 2, Tô 2"
    ),
    "Tày": _weighted(
        "Hoàng 25, Nông 20, Ma 10, Hà 8, Lục 6, Bế 6, Đàm 5, Lương 5, Triệu 4, Dương 4,"
        " Nguyễn 5, La 3, Lý 3, Mạc 2"
    ),
    "Nùng": _weighted(
        "Hoàng 22, Nông 18, Lục 10, Vi 8, Lương 6, Triệu 6, Mã 5, Chu 5, Bế 5, Hà 4, Lý 4"
    ),
    "Dao": _weighted("Triệu 30, Bàn 25, Đặng 15, Lý 12, Phùng 8, Chảo 6, Tẩn 4"),
    "Mông": _weighted("Giàng 22, Vàng 18, Sùng 14, Lý 12, Thào 10, Hầu 8, Lầu 6, Mùa 5, Ly 5"),
    "Sán Chay": _weighted("Hoàng 20, Lâm 15, La 12, Trần 10, Ninh 10, Nịnh 8, Lý 8, Đàm 6"),
}
ETHNICITIES = _weighted("Kinh 75, Tày 11, Nùng 5, Dao 4, Mông 2, Sán Chay 3")

MIDDLE_NAMES = {
    Gender.MALE: _weighted(
        "Văn 45, Đức 8, Minh 8, Hữu 6, Quang 5, Công 5, Xuân 4, Thành 4, Ngọc 3, Mạnh 3,"
        " Duy 3, Tiến 3, Trung 2, Anh 1"
    ),
    Gender.FEMALE: _weighted(
        "Thị 60, Ngọc 6, Thu 5, Thanh 5, Minh 4, Hồng 4, Phương 3, Kim 3, Thúy 3, Mai 2,"
        " Bích 2, Diệu 1, Hải 2"
    ),
}
GIVEN_NAMES = {
    Gender.MALE: _words(
        "Hùng, Dũng, Tuấn, Hải, Nam, Long, Thắng, Cường, Sơn, Trung, Hiếu, Quân, Hoàng,"
        " Phong, Tùng, Thành, Bình, An, Đức, Khánh, Huy, Tâm, Việt, Lâm, Hưng, Kiên, Linh,"
        " Toàn, Quang, Phúc, Vinh, Hòa, Lợi, Thịnh, Tiến, Trường, Đạt, Duy, Minh, Tú"
    ),
    Gender.FEMALE: _words(
        "Lan, Hương, Hoa, Hạnh, Thủy, Huyền, Linh, Trang, Ngọc, Nga, Hằng, Mai, Yến, Dung,"
        " Thảo, Phương, Hà, Loan, Nhung, Oanh, Vân, Thu, Hiền, Liên, Quỳnh, Tuyết, Anh,"
        " Nhàn, Thắm, Hồng, Chi, Giang, Ly, Duyên, Thơm, Xuân, Vui, Ánh, Hậu, Luyến"
    ),
}
# Hmong names: "Giàng A Páo", "Sùng Thị Mỷ".
MONG_MIDDLE = {Gender.MALE: _weighted("A 70, Seo 20, Văn 10"), Gender.FEMALE: _weighted("Thị 90, Y 10")}
MONG_GIVEN = {
    Gender.MALE: _words("Páo, Sử, Chứ, Dình, Lử, Vư, Tủa, Sình, Chinh, Pó, Dế, Mua"),
    Gender.FEMALE: _words("Mỷ, Dợ, Sua, Mai, Chở, Pà, Say, Dính, Mỉ, Xúa"),
}

PLACE_FIRST = _words(
    "An, Bình, Hòa, Tân, Phú, Thịnh, Hưng, Quang, Minh, Đồng, Yên, Phúc, Thanh, Vĩnh,"
    " Nghĩa, Đại, Trung, Hồng, Kim, Tiên, Lạc, Văn, Cẩm, Xuân, Hợp, Thái, Định, Hà, Sơn, Long"
)
PLACE_SECOND = _words(
    "Thành, Lợi, Tiến, Hải, Lâm, Khánh, Sơn, Hòa, Phong, Xuân, Thịnh, Lộc, Quang, Tân,"
    " Bình, Minh, Trung, Đức, Hưng, Phú, Thượng, Châu, Cường, Kỳ, Lương, Nam, Bắc, Đông,"
    " Tây, Yên"
)
VILLAGES = _words(
    "Đồng Tâm, Làng Mới, Bản Chang, Nà Rẻo, Khuổi Mạ, Tân Lập, Đoàn Kết, Thống Nhất,"
    " Quyết Tiến, Na Hấu, Pác Bó, Cốc Lùng, Bản Vèn, Nà Làng, Phiêng Tạc, Đèo Khế,"
    " Trung Tâm, Hợp Thành, Lũng Vài, Nà Pài, Khuôn Vạc, Bản Giềng, Cầu Đá, Đồng Chằm,"
    " Làng Cả, Gốc Gạo, Nà Mò, Khau Cưởm, Bản Pjạc, Nà Hin"
)
AGENCY_CELLS = _words(
    "Cơ quan Đảng - Mặt trận - Đoàn thể, Cơ quan chính quyền, Công an, Quân sự,"
    " Trường Mầm non, Trường Tiểu học, Trường THCS, Trạm Y tế"
)
OFFICES = {
    "xã": _words("Văn phòng HĐND và UBND, Phòng Kinh tế, Phòng Văn hóa - Xã hội"),
    "phường": _words(
        "Văn phòng HĐND và UBND, Phòng Kinh tế - Hạ tầng và Đô thị, Phòng Văn hóa - Xã hội"
    ),
}
MASS_ORGANISATIONS = [
    ("Hội Liên hiệp Phụ nữ", ("Chủ tịch Hội Liên hiệp Phụ nữ", "Phó Chủ tịch Hội Liên hiệp Phụ nữ")),
    ("Đoàn Thanh niên Cộng sản Hồ Chí Minh", ("Bí thư Đoàn Thanh niên", "Phó Bí thư Đoàn Thanh niên")),
    ("Hội Nông dân", ("Chủ tịch Hội Nông dân", "Phó Chủ tịch Hội Nông dân")),
    ("Hội Cựu chiến binh", ("Chủ tịch Hội Cựu chiến binh", "Phó Chủ tịch Hội Cựu chiến binh")),
]
CIVIL_SERVANT_JOBS = _words(
    "Văn phòng - Thống kê, Tư pháp - Hộ tịch, Tài chính - Kế toán, Địa chính - Xây dựng,"
    " Nông nghiệp - Môi trường, Văn hóa - Xã hội, Chỉ huy trưởng Quân sự, Một cửa liên thông"
)


@dataclass(frozen=True)
class Staffing:
    """Who works in a unit of some kind: the leading posts, then everybody else."""

    weight: int  # expected people per unit, relative
    heads: tuple[str, ...]
    rest: str
    head_category: str
    rest_category: str


#: Kinds whose party members meet in the cell of the government offices.
GOVERNMENT_KINDS = {"ubnd", "phong_ban", "mot_cua"}

_CADRE, _CIVIL = StaffCategory.CADRE, StaffCategory.CIVIL_SERVANT
_PUBLIC, _PART_TIME = StaffCategory.PUBLIC_EMPLOYEE, StaffCategory.PART_TIME
STAFFING = {
    "dang_uy_xa": Staffing(
        8, ("Bí thư Đảng ủy", "Phó Bí thư Thường trực Đảng ủy", "Phó Bí thư Đảng ủy"),
        "Chuyên viên Văn phòng Đảng ủy", _CADRE, _CIVIL),
    "ubnd": Staffing(
        6, ("Chủ tịch UBND", "Phó Chủ tịch UBND", "Phó Chủ tịch UBND"),
        "Công chức", _CADRE, _CIVIL),
    "phong_ban": Staffing(
        10, ("Trưởng phòng", "Phó Trưởng phòng"), "Chuyên viên", _CIVIL, _CIVIL),
    "mot_cua": Staffing(
        8, ("Giám đốc Trung tâm", "Phó Giám đốc Trung tâm"),
        "Công chức tiếp nhận và trả kết quả", _CIVIL, _CIVIL),
    "uy_ban_mttq": Staffing(
        5, ("Chủ tịch Ủy ban MTTQ", "Phó Chủ tịch Ủy ban MTTQ"), "Ủy viên Ủy ban MTTQ",
        _CADRE, _PART_TIME),
    "doan_the": Staffing(4, ("Chủ tịch", "Phó Chủ tịch"), "Cán bộ hội", _CADRE, _PART_TIME),
    "chi_bo": Staffing(
        20, ("Bí thư Chi bộ", "Phó Bí thư Chi bộ"), "Viên chức", _PUBLIC, _PUBLIC),
    "to_dan_pho": Staffing(
        6, ("Trưởng thôn", "Phó Trưởng thôn"), "Người hoạt động không chuyên trách",
        _PART_TIME, _PART_TIME),
}


@dataclass
class _Planned:
    """A unit to create, with what the people generator needs to know about it."""

    unit: Unit
    parent: Unit | None
    staffing: Staffing | None
    heads: tuple[str, ...] = ()
    home_cell: Unit | None = None  # the party cell of its party members


@dataclass
class Result:
    code: str
    units: int
    communes: int
    people: int
    party_members: int
    root: Unit = field(repr=False)


# --------------------------------------------------------------------------
# Units

def _commune_names(rng: random.Random, count: int) -> list[str]:
    pairs = [f"{a} {b}" for a in PLACE_FIRST for b in PLACE_SECOND if a != b]
    rng.shuffle(pairs)
    return [pairs[i % len(pairs)] + ("" if i < len(pairs) else f" {i // len(pairs) + 1}")
            for i in range(count)]


def _plan_units(spec: Spec, kinds: dict[str, UnitKind], rng: random.Random) -> list[_Planned]:
    code = spec.code
    root = Unit(name=nfc(spec.name.strip()), code=code, kind=kinds["tinh_uy"])
    plan = [_Planned(root, None, None)]
    extra = spec.units - 1 - spec.communes * FIXED_UNITS_PER_COMMUNE
    names = _commune_names(rng, spec.communes)

    def add(name, unit_code, kind, parent, heads=None, short_name=""):
        unit = Unit(name=name, short_name=short_name, code=unit_code, kind=kinds[kind])
        staffing = STAFFING[kind]
        plan.append(_Planned(unit, parent, staffing, heads or staffing.heads))
        return unit

    for index, place in enumerate(names):
        level = "phường" if rng.random() < 0.25 else "xã"
        where = f"{level} {place}"
        prefix = f"{code}-X{index + 1:03d}"
        first = len(plan)
        commune = add(f"Đảng bộ {where}", prefix, "dang_uy_xa", root)
        ubnd = add(f"Ủy ban nhân dân {where}", f"{prefix}-UB", "ubnd", commune,
                   short_name=f"UBND {where}")
        for number, office in enumerate(OFFICES[level], start=1):
            add(office, f"{prefix}-UB-P{number}", "phong_ban", ubnd)
        add("Trung tâm Phục vụ hành chính công", f"{prefix}-UB-MC", "mot_cua", ubnd)
        front = add(f"Ủy ban MTTQ Việt Nam {where}", f"{prefix}-MT", "uy_ban_mttq", commune)
        for number, (organisation, heads) in enumerate(MASS_ORGANISATIONS, start=1):
            add(f"{organisation} {where}", f"{prefix}-MT-D{number}", "doan_the", front,
                heads=heads)

        # The rest of the unit budget: a few agency cells, then one cell per
        # village with the village (thôn, tổ dân phố) itself beside it.
        budget = extra // spec.communes + (1 if index < extra % spec.communes else 0)
        agencies = min(len(AGENCY_CELLS), -(-budget // 5))
        village_cells = -(-(budget - agencies) // 2)
        villages_only = budget - agencies - village_cells
        if level == "phường":
            villages = [f"Tổ dân phố số {n}" for n in range(1, village_cells + 1)]
        else:
            picked = rng.sample(VILLAGES, min(len(VILLAGES), village_cells))
            villages = [f"Thôn {name}" for name in picked]
            villages += [f"Thôn số {n}" for n in range(len(picked) + 1, village_cells + 1)]
        cell_names = [f"Chi bộ {agency} {where}" for agency in AGENCY_CELLS[:agencies]]
        cell_names += [f"Chi bộ {village}" for village in villages]
        cells = [add(name, f"{prefix}-CB{number:03d}", "chi_bo", commune)
                 for number, name in enumerate(cell_names, start=1)]
        heads = ("Tổ trưởng tổ dân phố", "Tổ phó tổ dân phố") if level == "phường" else None
        for number, name in enumerate(villages[:villages_only], start=1):
            add(name, f"{prefix}-TDP{number:03d}", "to_dan_pho", commune, heads=heads)
            plan[-1].home_cell = cells[agencies + number - 1]

        # Party members hold their meetings in the cell of their agency or village.
        party_cell, government_cell = cells[0], cells[min(1, agencies - 1)]
        for item in plan[first:]:
            if item.home_cell is None:
                kind = item.unit.kind.code
                item.home_cell = (item.unit if kind == "chi_bo" else
                                  government_cell if kind in GOVERNMENT_KINDS else party_cell)
    return plan


# --------------------------------------------------------------------------
# People

def pick(rng: random.Random, weighted: tuple[list[str], list[int]]) -> str:
    """One name of a weighted list (names, cumulative weights), by its weight."""
    names, cumulative = weighted
    return names[bisect(cumulative, rng.random() * cumulative[-1])]


def _full_name(rng: random.Random, ethnicity: str, gender: str) -> str:
    family = pick(rng, FAMILY_NAMES[ethnicity])
    if ethnicity == "Mông":
        return f"{family} {pick(rng, MONG_MIDDLE[gender])} {rng.choice(MONG_GIVEN[gender])}"
    middle = pick(rng, MIDDLE_NAMES[gender])
    given = rng.choice(GIVEN_NAMES[gender])
    if middle == given:
        middle = "Văn" if gender == Gender.MALE else "Thị"
    return f"{family} {middle} {given}"


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def _people(spec: Spec, plan: list[_Planned], rng: random.Random):
    """Yield unsaved people, unit by unit, ``spec.people`` of them in all."""
    staffed = [item for item in plan if item.staffing is not None]
    cumulative = list(accumulate(item.staffing.weight for item in staffed))
    per_unit = [0] * len(staffed)
    for _ in range(spec.people):
        per_unit[bisect(cumulative, rng.random() * cumulative[-1])] += 1

    leaders = sum(min(n, len(item.heads)) for item, n in zip(staffed, per_unit, strict=True))
    others = spec.people - leaders
    party_rate = max(0.0, min(1.0, (PARTY_SHARE * spec.people - leaders) / others)) if others else 0

    width = max(6, len(str(spec.people)))
    folded: dict[str, str] = {}
    number = 0
    for item, count in zip(staffed, per_unit, strict=True):
        staffing, unit = item.staffing, item.unit
        for rank in range(count):
            number += 1
            is_leader = rank < len(item.heads)
            gender = Gender.MALE if rng.random() < 0.53 else Gender.FEMALE
            ethnicity = pick(rng, ETHNICITIES)
            full_name = _full_name(rng, ethnicity, gender)
            born = _random_date(rng, BIRTH_FROM, LEADERS_BORN_BY if is_leader else BIRTH_TO)
            category = staffing.head_category if is_leader else staffing.rest_category
            if category == StaffCategory.PUBLIC_EMPLOYEE and rng.random() < 0.15:
                category = StaffCategory.WORKER
            member = is_leader or rng.random() < party_rate
            cell = joined = None
            if member:
                cell = item.home_cell
                adult = date(born.year + 18, born.month, min(born.day, 28))
                joined = _random_date(rng, adult, REFERENCE_DATE)
            status = PersonStatus.ACTIVE
            if not is_leader and rng.random() < 0.02:
                status = PersonStatus.TRANSFERRED
            if full_name not in folded:
                folded[full_name] = fold(full_name)
            yield Person(
                staff_code=f"{spec.code}-{number:0{width}d}",
                full_name=full_name,
                name_folded=folded[full_name],
                gender=gender,
                date_of_birth=born,
                ethnicity=ethnicity,
                staff_category=category,
                unit=unit,
                is_party_member=member,
                party_cell=cell,
                party_joined_on=joined,
                position=item.heads[rank] if is_leader else staffing.rest,
                job_position=(rng.choice(CIVIL_SERVANT_JOBS)
                              if category == StaffCategory.CIVIL_SERVANT and not is_leader else ""),
                is_leader=is_leader,
                status=status,
                phone=f"09{rng.randrange(10**8):08d}",
            )


# --------------------------------------------------------------------------
# Entry points

def exists(code: str) -> bool:
    return Unit.objects.filter(code=code, depth=1).exists()


def delete(code: str) -> tuple[int, int]:
    """Remove the synthetic province with root ``code``; return (units, people) removed.

    Synthetic data is not worth an audit trail: the audit log is off meanwhile.
    Raises ``ProtectedError`` when other records (a unit merged into one of its
    units, a registration…) still point at its units or people.
    """
    if not code.startswith("SYN-"):
        raise ValueError(f"{code} is not the code of a synthetic province")
    root = Unit.objects.filter(code=code, depth=1).first()
    if root is None:
        return 0, 0
    with transaction.atomic(), disable_auditlog():
        people, _ = Person.objects.filter(
            Q(unit__path__startswith=root.path) | Q(party_cell__path__startswith=root.path)
        ).delete()
        units = Unit.objects.filter(path__startswith=root.path).count()
        Unit.objects.filter(pk=root.pk).delete()
    return units, people


@transaction.atomic
def generate(spec: Spec, *, replace: bool = False) -> Result:
    """Create the synthetic province of ``spec``.

    Raises :class:`SpecError` for impossible sizes and :class:`AlreadyExists`
    when the root code is taken and ``replace`` is false.
    """
    spec.check()
    if exists(spec.code):
        if not replace:
            raise AlreadyExists(spec.code)
        delete(spec.code)
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    missing = {"tinh_uy", *STAFFING} - set(kinds)
    if missing:
        raise SpecError("Thiếu loại đơn vị: " + ", ".join(sorted(missing)) + ".")

    rng = random.Random(spec.seed)
    plan = _plan_units(spec, kinds, rng)
    bulk_add((item.unit, item.parent) for item in plan)

    party_members = 0
    batch: list[Person] = []
    for person in _people(spec, plan, rng):
        party_members += person.is_party_member
        batch.append(person)
        if len(batch) == PEOPLE_BATCH:
            Person.objects.bulk_create(batch, batch_size=PEOPLE_BATCH)
            batch = []
    Person.objects.bulk_create(batch, batch_size=PEOPLE_BATCH)
    return Result(code=spec.code, units=len(plan), communes=spec.communes, people=spec.people,
                  party_members=party_members, root=plan[0].unit)
