"""Demo data: Đảng bộ phường Bắc Kạn (Thái Nguyên), its units and about 300 people.

Deterministic (a fixed seed), idempotent (a second run finds the ward and
stops), and written so that every later app can add its own demo records on
top of it. The demo logins and their password are listed in DEMO_LOGINS.
"""

from __future__ import annotations

import os
import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from thidua.core.roles import Role
from thidua.org.defaults import ensure_unit_kinds
from thidua.org.models import DisciplineRecord, Person, RoleAssignment, Unit, UnitKind
from thidua.org.tree import bulk_add

WARD_CODE = "BK"

# (code, name, short name, kind, parent code, division code)
UNITS = [
    ("TU-TN", "Tỉnh ủy Thái Nguyên", "Tỉnh ủy", "tinh_uy", None, "19"),
    ("BK", "Đảng bộ phường Bắc Kạn", "Đảng bộ phường", "dang_uy_xa", "TU-TN", "01843"),
    ("BK-VP", "Văn phòng Đảng ủy phường Bắc Kạn", "Văn phòng Đảng ủy", "ban_dang", "BK", ""),
    ("BK-UBKT", "Ủy ban Kiểm tra Đảng ủy phường Bắc Kạn", "UBKT Đảng ủy", "ban_dang", "BK", ""),
    ("BK-CB-DDT", "Chi bộ Cơ quan Đảng - Mặt trận - Đoàn thể phường", "Chi bộ Đảng - đoàn thể", "chi_bo", "BK", ""),
    ("BK-CB-UB", "Chi bộ Cơ quan Ủy ban nhân dân phường", "Chi bộ UBND", "chi_bo", "BK", ""),
    ("BK-CB-CA", "Chi bộ Công an phường", "Chi bộ Công an", "chi_bo", "BK", ""),
    ("BK-CB-QS", "Chi bộ Quân sự phường", "Chi bộ Quân sự", "chi_bo", "BK", ""),
    ("BK-CB-YT", "Chi bộ Trạm Y tế phường", "Chi bộ Trạm Y tế", "chi_bo", "BK", ""),
    ("BK-CB-TH", "Chi bộ Trường Tiểu học Đức Xuân", "Chi bộ Trường TH Đức Xuân", "chi_bo", "BK", ""),
    *[(f"BK-CB-TDP{i:02d}", f"Chi bộ Tổ dân phố số {i}", f"Chi bộ TDP {i}", "chi_bo", "BK", "")
      for i in range(1, 13)],
    ("BK-UBND", "Ủy ban nhân dân phường Bắc Kạn", "UBND phường", "ubnd", "BK", "01843"),
    ("BK-VPUB", "Văn phòng HĐND và UBND phường", "Văn phòng HĐND-UBND", "phong_ban", "BK-UBND", ""),
    ("BK-KT", "Phòng Kinh tế, Hạ tầng và Đô thị", "Phòng Kinh tế", "phong_ban", "BK-UBND", ""),
    ("BK-VHXH", "Phòng Văn hóa - Xã hội", "Phòng VH-XH", "phong_ban", "BK-UBND", ""),
    ("BK-HCC", "Trung tâm Phục vụ hành chính công phường", "Bộ phận một cửa", "mot_cua", "BK-UBND", ""),
    ("BK-YT", "Trạm Y tế phường Bắc Kạn", "Trạm Y tế", "don_vi_su_nghiep", "BK-UBND", ""),
    ("BK-TH", "Trường Tiểu học Đức Xuân", "Trường TH Đức Xuân", "don_vi_su_nghiep", "BK-UBND", ""),
    *[(f"BK-TDP{i:02d}", f"Tổ dân phố số {i}", f"TDP {i}", "to_dan_pho", "BK-UBND", "")
      for i in range(1, 13)],
    ("BK-CA", "Công an phường Bắc Kạn", "Công an phường", "vu_trang", "BK", ""),
    ("BK-QS", "Ban Chỉ huy Quân sự phường Bắc Kạn", "Ban CHQS phường", "vu_trang", "BK", ""),
    ("BK-MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam phường Bắc Kạn", "Ủy ban MTTQ phường", "uy_ban_mttq", "BK", ""),
    ("BK-PN", "Hội Liên hiệp Phụ nữ phường Bắc Kạn", "Hội Phụ nữ", "doan_the", "BK-MTTQ", ""),
    ("BK-CCB", "Hội Cựu chiến binh phường Bắc Kạn", "Hội Cựu chiến binh", "doan_the", "BK-MTTQ", ""),
    ("BK-DTN", "Đoàn Thanh niên Cộng sản Hồ Chí Minh phường Bắc Kạn", "Đoàn Thanh niên", "doan_the", "BK-MTTQ", ""),
    ("BK-ND", "Hội Nông dân phường Bắc Kạn", "Hội Nông dân", "doan_the", "BK-MTTQ", ""),
    ("PDP", "Đảng bộ phường Phan Đình Phùng", "Đảng bộ phường PĐP", "dang_uy_xa", "TU-TN", "05443"),
    ("PDP-VP", "Văn phòng Đảng ủy phường Phan Đình Phùng", "Văn phòng Đảng ủy", "ban_dang", "PDP", ""),
    ("PDP-CB01", "Chi bộ Tổ dân phố Quang Trung", "Chi bộ TDP Quang Trung", "chi_bo", "PDP", ""),
    ("PDP-CB02", "Chi bộ Tổ dân phố Đồng Quang", "Chi bộ TDP Đồng Quang", "chi_bo", "PDP", ""),
]

FAMILY = (["Hoàng"] * 12 + ["Nông"] * 9 + ["Nguyễn"] * 10 + ["Triệu"] * 5 + ["Ma"] * 4
          + ["Lý"] * 4 + ["Hà"] * 5 + ["Trần"] * 4 + ["Lương"] * 3 + ["Đàm"] * 2 + ["Lục"] * 3
          + ["Bế"] * 2 + ["Phạm"] * 3 + ["Đinh"] * 2 + ["Dương"] * 2 + ["Lê"] * 3 + ["Vi"]
          + ["Đặng"] * 2 + ["Lường"])
MALE_MIDDLE = ["Văn", "Đức", "Minh", "Hữu", "Quang", "Thanh", "Tiến", "Xuân", "Công"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Phương"]
MALE_GIVEN = ["An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hải", "Hùng", "Huy", "Khánh",
              "Lâm", "Long", "Mạnh", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Toàn", "Trung",
              "Tuấn", "Việt", "Vinh", "Hiếu", "Kiên", "Thành", "Chiến", "Nghĩa"]
FEMALE_GIVEN = ["Anh", "Chi", "Dung", "Duyên", "Hà", "Hằng", "Hiền", "Hoa", "Hương", "Huyền",
                "Lan", "Liên", "Linh", "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phượng", "Quyên",
                "Thảo", "Thúy", "Trang", "Vân", "Yến", "Ánh", "Thủy", "Loan"]
ETHNIC = ["Tày"] * 9 + ["Kinh"] * 6 + ["Nùng"] * 3 + ["Dao"] * 2 + ["Sán Chay", "Mông"]

# (username, role, unit code, person: (name, gender, unit code, category, position, leader))
DEMO_LOGINS = [
    ("quantri", Role.ADMIN, "TU-TN",
     ("Lương Văn Thái", "nam", "BK-VP", "cong_chuc", "Chuyên viên công nghệ thông tin", False)),
    ("vanphong", Role.SECRETARIAT, "BK",
     ("Nông Thị Hồng Nhung", "nu", "BK-VP", "can_bo", "Chánh Văn phòng Đảng ủy", True)),
    ("bithu", Role.LEADER, "BK",
     ("Hoàng Văn Quang", "nam", "BK", "can_bo", "Bí thư Đảng ủy phường", True)),
    ("hoidong", Role.COUNCIL, "BK",
     ("Triệu Thị Mai", "nu", "BK-VHXH", "cong_chuc", "Trưởng phòng Văn hóa - Xã hội", True)),
    ("kiemtra", Role.OBSERVER, "BK",
     ("Ma Đức Thắng", "nam", "BK-UBKT", "can_bo", "Chủ nhiệm Ủy ban Kiểm tra Đảng ủy", True)),
    ("congchuc", Role.STAFF, "BK-VPUB",
     ("Hà Thị Thu Trang", "nu", "BK-VPUB", "cong_chuc", "Chuyên viên Văn phòng HĐND và UBND", False)),
    ("chibo1", Role.LEADER, "BK-CB-TDP01",
     ("Lục Văn Sơn", "nam", "BK-TDP01", "khong_chuyen_trach", "Bí thư Chi bộ, Tổ trưởng tổ dân phố", True)),
    ("vanphong_pdp", Role.SECRETARIAT, "PDP",
     ("Nguyễn Thị Lan", "nu", "PDP-VP", "can_bo", "Chánh Văn phòng Đảng ủy", True)),
]

# Work units and how many people of which category (and positions) work there.
STAFFING = [
    ("BK", "can_bo", ["Phó Bí thư Thường trực Đảng ủy", "Phó Bí thư Đảng ủy, Chủ tịch UBND phường"]),
    ("BK-VP", "cong_chuc", ["Phó Chánh Văn phòng Đảng ủy"] + ["Chuyên viên"] * 4),
    ("BK-UBKT", "cong_chuc", ["Phó Chủ nhiệm Ủy ban Kiểm tra"] + ["Kiểm tra viên"] * 2),
    ("BK-UBND", "can_bo", ["Phó Chủ tịch UBND phường"] * 2),
    ("BK-VPUB", "cong_chuc", ["Chánh Văn phòng HĐND và UBND"] + ["Chuyên viên"] * 9),
    ("BK-KT", "cong_chuc", ["Trưởng phòng", "Phó Trưởng phòng"] + ["Chuyên viên"] * 8),
    ("BK-VHXH", "cong_chuc", ["Phó Trưởng phòng"] + ["Chuyên viên"] * 7),
    ("BK-HCC", "cong_chuc", ["Giám đốc Trung tâm"] + ["Công chức tiếp nhận và trả kết quả"] * 7),
    ("BK-YT", "vien_chuc", ["Trưởng Trạm Y tế"] + ["Y sĩ", "Điều dưỡng", "Dược sĩ"] * 3),
    ("BK-TH", "vien_chuc", ["Hiệu trưởng", "Phó Hiệu trưởng"] + ["Giáo viên"] * 18),
    ("BK-CA", "chien_si", ["Trưởng Công an phường", "Phó Trưởng Công an phường"] + ["Cán bộ Công an"] * 12),
    ("BK-QS", "chien_si", ["Chỉ huy trưởng", "Chỉ huy phó"] + ["Chiến sĩ dân quân thường trực"] * 6),
    ("BK-MTTQ", "can_bo", ["Chủ tịch Ủy ban MTTQ phường", "Phó Chủ tịch Ủy ban MTTQ phường"]),
    ("BK-PN", "can_bo", ["Chủ tịch Hội Liên hiệp Phụ nữ", "Phó Chủ tịch Hội"]),
    ("BK-CCB", "can_bo", ["Chủ tịch Hội Cựu chiến binh"]),
    ("BK-DTN", "can_bo", ["Bí thư Đoàn phường", "Phó Bí thư Đoàn phường"]),
    ("BK-ND", "can_bo", ["Chủ tịch Hội Nông dân"]),
    *[(f"BK-TDP{i:02d}", "khong_chuyen_trach", ["Tổ trưởng tổ dân phố", "Tổ phó tổ dân phố",
                                                 "Trưởng ban công tác Mặt trận"]) for i in range(1, 13)],
    ("PDP-VP", "cong_chuc", ["Chuyên viên"] * 5),
]
#: Retired party members living in each residential-group cell.
RETIREES_PER_CELL = 12
#: Cells that the people of each work unit belong to.
CELL_OF = {"BK": "BK-CB-DDT", "BK-VP": "BK-CB-DDT", "BK-UBKT": "BK-CB-DDT", "BK-MTTQ": "BK-CB-DDT",
           "BK-PN": "BK-CB-DDT", "BK-CCB": "BK-CB-DDT", "BK-DTN": "BK-CB-DDT", "BK-ND": "BK-CB-DDT",
           "BK-UBND": "BK-CB-UB", "BK-VPUB": "BK-CB-UB", "BK-KT": "BK-CB-UB", "BK-VHXH": "BK-CB-UB",
           "BK-HCC": "BK-CB-UB", "BK-YT": "BK-CB-YT", "BK-TH": "BK-CB-TH", "BK-CA": "BK-CB-CA",
           "BK-QS": "BK-CB-QS", "PDP-VP": "PDP-CB01",
           **{f"BK-TDP{i:02d}": f"BK-CB-TDP{i:02d}" for i in range(1, 13)}}


def demo_password() -> str:
    return os.environ.get("THIDUA_DEMO_PASSWORD", "ThiDua@2026")


def is_loaded() -> bool:
    return Unit.objects.filter(code=WARD_CODE).exists()


class _Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def make(self, gender: str) -> str:
        for _ in range(50):
            middle = FEMALE_MIDDLE if gender == "nu" else MALE_MIDDLE
            given = FEMALE_GIVEN if gender == "nu" else MALE_GIVEN
            name = f"{self.rng.choice(FAMILY)} {self.rng.choice(middle)} {self.rng.choice(given)}"
            if name not in self.used:
                self.used.add(name)
                return name
        return name


def _person(rng, code_seq, unit, cells, *, name, gender, category, position="", leader=False,
            born=None, retired=False):
    is_member = retired or leader or rng.random() < 0.55
    born = born or date(rng.randint(1968, 2000), rng.randint(1, 12), rng.randint(1, 28))
    joined = born + timedelta(days=365 * rng.randint(22, 30)) if is_member else None
    if joined and joined > date(2026, 6, 1):
        joined = date(2025, rng.randint(1, 12), rng.randint(1, 28))
    return Person(
        staff_code=f"BK{next(code_seq):05d}" if unit.code.startswith("BK") or unit.code == "TU-TN"
        else f"PDP{next(code_seq):05d}",
        full_name=name, gender=gender, date_of_birth=born, ethnicity=rng.choice(ETHNIC),
        staff_category=category, unit=unit, is_party_member=is_member,
        party_cell=cells.get(unit.code) if is_member else None, party_joined_on=joined,
        position=position, job_position=position if category != "khong_chuyen_trach" else "",
        is_leader=leader, status="nghi_huu" if retired else "dang_cong_tac",
    )


@transaction.atomic
def load(stdout=None) -> bool:
    """Create the demo ward; return False when it is already there."""
    if is_loaded():
        return False
    rng = random.Random(2026)
    ensure_unit_kinds()
    kinds = {k.code: k for k in UnitKind.objects.all()}
    by_code: dict[str, Unit] = {}
    pairs = []
    for code, name, short, kind, parent, division in UNITS:
        unit = Unit(code=code, name=name, short_name=short, kind=kinds[kind],
                    sector=kinds[kind].sector, division_code=division)
        by_code[code] = unit
        pairs.append((unit, by_code[parent] if parent else None))
    bulk_add(pairs)
    cells = {work: by_code[cell] for work, cell in CELL_OF.items()}

    names = _Names(rng)
    for login in DEMO_LOGINS:
        names.used.add(login[3][0])
    seq = iter(range(1, 100000))
    people: list[Person] = []
    for unit_code, category, positions in STAFFING:
        for index, position in enumerate(positions):
            gender = "nu" if rng.random() < 0.45 else "nam"
            leader = index == 0 and position not in {"Chuyên viên", "Giáo viên"}
            people.append(_person(rng, seq, by_code[unit_code], cells, name=names.make(gender),
                                  gender=gender, category=category, position=position,
                                  leader=leader))
    for i in range(1, 13):
        unit = by_code[f"BK-TDP{i:02d}"]
        for _ in range(RETIREES_PER_CELL):
            gender = "nu" if rng.random() < 0.4 else "nam"
            person = _person(rng, seq, unit, cells, name=names.make(gender), gender=gender,
                             category="nguoi_lao_dong", retired=True,
                             born=date(rng.randint(1948, 1965), rng.randint(1, 12), rng.randint(1, 28)))
            person.party_cell = by_code[f"BK-CB-TDP{i:02d}"]
            people.append(person)

    User = get_user_model()
    password = demo_password()
    for username, role, scope_code, (name, gender, unit_code, category, position, leader) in DEMO_LOGINS:
        # Vietnamese names put the family name first: keep the whole name in
        # first_name so that get_full_name() reads naturally.
        user = User.objects.create_user(
            username=username, password=password, first_name=name,
            is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN,
        )
        RoleAssignment.objects.create(user=user, role=role, unit=by_code[scope_code])
        person = _person(rng, seq, by_code[unit_code], cells, name=name, gender=gender,
                         category=category, position=position, leader=leader)
        person.user = user
        people.append(person)

    for person in people:
        person.save()  # one by one: the audit log records each creation

    _discipline(rng, people)
    if stdout is not None:
        stdout.write(f"Đã tạo {len(UNITS)} đơn vị và {len(people)} cán bộ của phường Bắc Kạn.")
    return True


def _discipline(rng, people):
    """Two records that later rules must respect: one reprimand, one under review."""
    candidates = [p for p in people if p.status == "dang_cong_tac" and p.user_id is None
                  and p.staff_category == "cong_chuc"]
    first, second = rng.sample(candidates, 2)
    DisciplineRecord.objects.create(
        person=first, form="khien_trach", decision_number="15-QĐ/UBKT",
        decision_date=date(2026, 3, 12), effective_from=date(2026, 3, 12),
        effective_to=date(2027, 3, 11),
        note="Vi phạm quy định về thời hạn giải quyết hồ sơ thủ tục hành chính.")
    DisciplineRecord.objects.create(
        person=second, form="canh_cao", effective_from=date(2026, 10, 1), under_review=True,
        note="Đang xem xét trách nhiệm liên quan đến phản ánh của công dân.")
