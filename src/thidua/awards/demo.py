"""Demo commendation: the Bắc Kạn ward's 2026 award round, open, with its council.

On top of the org and KPI demos: the shipped catalogue and base salary; the KPI year of
2026 computed from the months already finalised (``kpi.domain.store_year``, as ``thidua
kpi year`` would) so that the candidates have their grade; two years of history before
the system (grades and LĐTT titles of 2024 and 2025, imported) so the checklists show
previous titles; two more members of the ward's TĐKT council beside ``hoidong``
(``hoidong2``, ``hoidong3``, the demo password); and the round "Xét khen thưởng năm 2026"
of the ward, granted by the ward itself (its kind grants LĐTT, CSTĐCS, Giấy khen, Tập thể
LĐTT), left open for the end-to-end story. Deterministic and idempotent (the round
present → nothing is done).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from thidua.awards import rounds
from thidua.awards.defaults import ensure_catalogue
from thidua.awards.models import Award, AwardRound, AwardSource, AwardType, PastGrade
from thidua.core.roles import Role
from thidua.kpi.models import YearResult
from thidua.org import demo as org_demo
from thidua.org.models import Person, RoleAssignment, Unit

YEAR = 2026
ROUND_NAME = "Xét khen thưởng năm 2026 — Đảng bộ phường Bắc Kạn"
#: (username, the position of the ward's person who holds the account).
MORE_COUNCIL = [("hoidong2", "Phó Bí thư Thường trực Đảng ủy"),
                ("hoidong3", "Chủ tịch Ủy ban MTTQ phường")]
#: The office login that opens the round, the admin that computes the KPI year.
OFFICE_LOGIN, ADMIN_LOGIN = "vanphong", "quantri"


def is_loaded() -> bool:
    return AwardRound.objects.filter(unit__code=org_demo.WARD_CODE, year=YEAR).exists()


def _council(ward, password: str) -> list:
    User = get_user_model()
    made = []
    for username, position in MORE_COUNCIL:
        if User.objects.filter(username=username).exists():
            continue
        person = (Person.objects.filter(unit__path__startswith=ward.path, user=None,
                                        position=position)
                  .order_by("staff_code").first())
        user = User.objects.create_user(username=username, password=password,
                                        first_name=person.full_name if person else username)
        RoleAssignment.objects.create(user=user, role=Role.COUNCIL, unit=ward)
        if person is not None:
            person.user = user
            person.save(update_fields=["user"])
        made.append(user)
    return made


def _history(ward, types: dict[str, AwardType]) -> int:
    """Grades and LĐTT titles of 2024 and 2025 for those graded HTT or better in 2026."""
    graded = list(YearResult.objects.filter(year=YEAR, unit__path__startswith=ward.path,
                                            grade__in=["htxs", "htt"])
                  .select_related("person").order_by("person__staff_code"))
    grades, awards = [], []
    for index, result in enumerate(graded):
        for year in (2024, 2025):
            good = (index + year) % 5 != 0
            grades.append(PastGrade(person=result.person, year=year,
                                    grade="htt" if good else "ht", source="Hồ sơ lưu trữ"))
            if good:
                awards.append(Award(award_type=types["ldtt"], person=result.person,
                                    unit=result.person.unit, year=year,
                                    source=AwardSource.IMPORT,
                                    decision_text=f"Quyết định khen thưởng năm {year} của "
                                                  "Đảng ủy phường (hồ sơ lưu trữ)"))
    PastGrade.objects.bulk_create(grades, ignore_conflicts=True)
    Award.objects.bulk_create(awards)
    return len(awards)


@transaction.atomic
def load(stdout=None) -> bool:
    """Write the demo's award round; return False when it is already there."""
    if is_loaded():
        return False
    org_demo.load(stdout)
    ensure_catalogue()
    ward = Unit.objects.get(code=org_demo.WARD_CODE)
    users = get_user_model().objects.in_bulk([OFFICE_LOGIN, ADMIN_LOGIN], field_name="username")
    office, admin = users.get(OFFICE_LOGIN), users.get(ADMIN_LOGIN)
    if office is None or admin is None:
        return False
    if not YearResult.objects.filter(year=YEAR, unit__path__startswith=ward.path).exists():
        from thidua.kpi.domain import store_year

        store_year(Unit.objects.filter(path__startswith=ward.path, is_active=True), YEAR, admin)
    types = {t.code: t for t in AwardType.objects.all()}
    titles = _history(ward, types)
    members = _council(ward, org_demo.demo_password())
    round_ = rounds.open_round(office, ward, YEAR, granting_unit=ward, name=ROUND_NAME)
    if stdout is not None:
        stdout.write(f"Đã mở đợt “{round_.name}” (Hội đồng thêm {len(members)} thành viên; "
                     f"{titles} danh hiệu LĐTT 2024–2025 từ hồ sơ lưu trữ).")
    return True
