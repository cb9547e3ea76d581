"""A movement of 10 targets over the synthetic province, for benchmarks and demonstrations.

:func:`generate` lays, over a province made by :mod:`thidua.org.synthetic`, a
province-wide plan that has been running for some months, with the facts its
targets are measured on at the rates an office sees in practice:

- unit registrations: most party cells registered and accepted in the first
  weeks, a few late, some still submitted or returned; nearly every commune;
- individual registrations of three staff in four;
- practices (mô hình): about two cells in three with at least one, a third of
  them recognised; communes with a few practices of their own;
- the interim reports (sơ kết) of cells and communes, most on time, some late,
  some missing; a few final reports already in;
- manual values each month: the on-time rate of administrative dossiers at
  every one-stop centre, the number of late dossiers at every people's committee;
- accounts (without passwords) for most cell secretaries and every commune's
  office, so that "who to remind" has names to give.

Ten targets use the five indicator kinds of the movements app, with
comparators ≥, > and ≤, deadlines past and to come: some met, some behind,
some overdue. The facts are written with ``bulk_create`` in their final state
(no workflow log: nobody acted), so the default province takes seconds. The
same seed and the same ``today`` give the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from thidua.core.periods import Period
from thidua.movements.models import (
    Commitment,
    Content,
    ManualValue,
    Milestone,
    Movement,
    Practice,
    Registration,
    Target,
    UnitReport,
)
from thidua.org.choices import PersonStatus
from thidua.org.models import Person, RoleAssignment, Unit, UnitKind

BATCH = 2000
#: The plan's number: what :func:`delete` recognises, with the synthetic root.
NUMBER = "99"
SYMBOL = "KH/TU"
CONTENTS = [
    "Nâng cao bản lĩnh chính trị, phẩm chất đạo đức của cán bộ, đảng viên",
    "Nâng cao năng lực tham mưu, tổ chức thực hiện nhiệm vụ",
    "Siết chặt kỷ luật, kỷ cương hành chính, đạo đức công vụ",
    "Nâng cao chất lượng phục vụ Nhân dân, doanh nghiệp",
    "Xây dựng, nhân rộng mô hình, điển hình tiên tiến",
]
#: How many dossiers a commune resolves late in a month: 0 to 8, mostly few.
LATE_DOSSIER_WEIGHTS = (30, 22, 15, 10, 8, 6, 4, 3, 2)
PRACTICE_NAMES = [
    "Dân vận khéo", "Tổ dân phố văn minh, sạch đẹp", "Chi bộ thông minh", "Một cửa thân thiện",
    "Ngày thứ bảy vì Nhân dân", "Con đường hoa", "Sổ tay đảng viên điện tử",
    "Nhà văn hóa xanh", "Camera an ninh thôn", "Tổ hòa giải giỏi",
]


@dataclass(frozen=True)
class Spec:
    province_code: str = "SYN-TTN"
    seed: int = 1
    #: The day the data is "as of"; the plan started ``months_running`` months before.
    today: date | None = None
    months_running: int = 8


@dataclass
class Result:
    movement: Movement
    targets: int
    unit_registrations: int
    people_registrations: int
    practices: int
    reports: int
    manual_values: int
    users: int


def _at(day: date, rng: random.Random) -> datetime:
    """An aware moment in office hours of ``day``."""
    moment = time(rng.randint(7, 16), rng.randint(0, 59), rng.randint(0, 59))
    return timezone.make_aware(datetime.combine(day, moment))


def _day_between(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _units(root: Unit, kind: str) -> list[Unit]:
    return list(Unit.objects.filter(path__startswith=root.path, is_active=True, kind__code=kind)
                .order_by("path"))


def _movement(root: Unit, kinds: dict[str, UnitKind], start: date, today: date) -> Movement:
    movement = Movement.objects.create(
        number=NUMBER, symbol=SYMBOL, issued_on=start, issuing_unit=root, scope_unit=root,
        title="Năm nâng cao chất lượng cán bộ cơ sở",
        theme="Trách nhiệm, kỷ cương, gần dân, sát dân, phục vụ Nhân dân",
        starts_on=start, ends_on=date(today.year + 1, 12, 31), state="launched",
        staff_categories=["can_bo", "cong_chuc"])
    movement.participant_kinds.set([kinds["chi_bo"]])
    Content.objects.bulk_create([Content(movement=movement, order=n, title=title)
                                 for n, title in enumerate(CONTENTS, start=1)])
    return movement


def _milestones(movement: Movement, kinds, start: date, today: date) -> dict[str, Milestone]:
    interim_due = min(start + timedelta(days=150), today - timedelta(days=20))
    made = {
        "registration": Milestone.objects.create(
            movement=movement, kind="registration", title="Hạn đăng ký thi đua",
            due_on=start + timedelta(days=30), actor="Các chi bộ, đảng bộ xã, phường"),
        "interim": Milestone.objects.create(
            movement=movement, kind="interim", title="Gửi báo cáo sơ kết",
            due_on=interim_due, actor="Các chi bộ, đảng bộ xã, phường", requires_report=True),
        "final": Milestone.objects.create(
            movement=movement, kind="final", title="Gửi báo cáo tổng kết",
            due_on=date(movement.ends_on.year, 12, 1), actor="Các chi bộ",
            requires_report=True),
        "review": Milestone.objects.create(
            movement=movement, kind="other", title="Ban Thường vụ tổng kết phong trào",
            due_on=date(movement.ends_on.year, 12, 10), actor="Ban Thường vụ Tỉnh ủy"),
    }
    made["interim"].actor_kinds.set([kinds["chi_bo"], kinds["dang_uy_xa"]])
    made["final"].actor_kinds.set([kinds["chi_bo"]])
    return made


def _targets(movement: Movement, milestones: dict[str, Milestone]) -> list[Target]:
    """The ten targets: every indicator kind, comparators ≥ > ≤, deadlines past and to come."""
    registration_due = milestones["registration"].due_on
    interim_due = milestones["interim"].due_on
    specs = [
        ("100% chi bộ đăng ký nội dung thi đua", "units_registered", {}, "gte", 100,
         registration_due),
        ("100% đảng bộ xã, phường đăng ký thi đua", "units_registered",
         {"unit_kinds": ["dang_uy_xa"]}, "gte", 100, registration_due),
        ("Trên 90% cán bộ, công chức đăng ký thi đua", "people_registered", {}, "gt", 90,
         movement.ends_on),
        ("Ít nhất 70% viên chức, người hoạt động không chuyên trách đăng ký thi đua",
         "people_registered", {"staff_categories": ["vien_chuc", "khong_chuyen_trach"]},
         "gte", 70, movement.ends_on),
        ("Mỗi chi bộ có ít nhất 01 mô hình, cách làm hay", "units_with_practices",
         {"min_count": 1}, "gte", 100, movement.ends_on),
        ("80% đảng bộ xã, phường có ít nhất 02 mô hình được công nhận hiệu quả",
         "units_with_practices",
         {"unit_kinds": ["dang_uy_xa"], "min_count": 2, "recognised_only": True},
         "gte", 80, movement.ends_on),
        ("100% chi bộ, đảng bộ gửi báo cáo sơ kết đúng hạn", "reports_on_time",
         {"milestone": milestones["interim"].pk}, "gte", 100, interim_due + timedelta(days=10)),
        ("100% chi bộ gửi báo cáo tổng kết đúng hạn", "reports_on_time",
         {"milestone": milestones["final"].pk}, "gte", 100, milestones["final"].due_on),
        ("Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng và trước hạn từ 95% trở lên",
         "manual", {"measure": "% hồ sơ đúng và trước hạn (trung bình các trung tâm)",
                    "unit_label": "%"}, "gte", 95, movement.ends_on),
        ("Số hồ sơ giải quyết trễ hạn mỗi tháng không quá 3 hồ sơ/xã", "manual",
         {"measure": "Số hồ sơ trễ hạn trong tháng (trung bình các xã)",
          "unit_label": " hồ sơ"}, "lte", 3, movement.ends_on),
    ]
    return Target.objects.bulk_create([
        Target(movement=movement, order=n, wording=wording, indicator=indicator, params=params,
               comparator=comparator, goal=Decimal(goal), deadline=deadline)
        for n, (wording, indicator, params, comparator, goal, deadline)
        in enumerate(specs, start=1)
    ])


def _unit_registrations(movement, units, rng, *, registered: float, accepted: float,
                        start: date, due: date, today: date) -> list[Registration]:
    """Most register in the first weeks, a few after the deadline (marked late)."""
    rows = []
    for unit in units:
        if rng.random() >= registered:
            continue
        submitted_on = _day_between(rng, start + timedelta(days=3),
                                    due + timedelta(days=25) if rng.random() < 0.1 else due)
        submitted_on = min(submitted_on, today)
        draw = rng.random()
        state = "accepted" if draw < accepted else ("submitted" if draw < accepted + 0.04
                                                    else "returned")
        accepted_at = (_at(min(submitted_on + timedelta(days=rng.randint(1, 10)), today), rng)
                       if state == "accepted" else None)
        rows.append(Registration(movement=movement, unit=unit, state=state,
                                 submitted_at=_at(submitted_on, rng), accepted_at=accepted_at,
                                 is_late=submitted_on > due))
    return rows


def _people_registrations(movement, root, rng, start: date, due: date, today: date) -> int:
    """Three in four active staff register; read and written in batches."""
    people = (Person.objects.filter(unit__path__startswith=root.path, status=PersonStatus.ACTIVE)
              .order_by("pk").values_list("pk", "unit_id"))
    batch, count = [], 0
    for person_id, unit_id in people.iterator(chunk_size=BATCH):
        if rng.random() >= 0.76:
            continue
        submitted_on = min(_day_between(rng, start + timedelta(days=2), due + timedelta(days=60)),
                           today)
        accepted = rng.random() < 0.8
        batch.append(Registration(
            movement=movement, unit_id=unit_id, person_id=person_id,
            state="accepted" if accepted else "submitted", submitted_at=_at(submitted_on, rng),
            accepted_at=_at(min(submitted_on + timedelta(days=3), today), rng) if accepted else None,
            is_late=submitted_on > due))
        if len(batch) == BATCH:
            Registration.objects.bulk_create(batch)
            count, batch = count + len(batch), []
    Registration.objects.bulk_create(batch)
    return count + len(batch)


def _practices(movement, cells, communes, rng, start: date, today: date) -> list[Practice]:
    """Cells: 0–3 practices (a third without any); communes: 0–4 of their own."""
    rows = []
    plan = [(cell, (33, 40, 19, 8, 0), 0.35) for cell in cells]
    plan += [(commune, (8, 17, 30, 30, 15), 0.6) for commune in communes]
    for unit, weights, recognised_share in plan:
        count = rng.choices(range(5), weights=weights)[0]
        for _ in range(count):
            started = _day_between(rng, start, today)
            recognised = started + timedelta(days=rng.randint(30, 120))
            is_recognised = rng.random() < recognised_share and recognised <= today
            rows.append(Practice(
                unit=unit, movement=movement, name=rng.choice(PRACTICE_NAMES),
                field=rng.choice(["Xây dựng Đảng", "Cải cách hành chính", "Dân vận", "Văn hóa"]),
                started_on=started, state="recognised" if is_recognised else "registered",
                recognised_on=recognised if is_recognised else None,
                for_replication=is_recognised and rng.random() < 0.3))
    return rows


def _reports(milestones, cells, communes, rng, today: date) -> list[UnitReport]:
    """Interim: nine in ten sent, most on time. Final (due later): a few sent early."""
    rows = []
    interim = milestones["interim"]
    for unit in cells + communes:
        submitted = None
        if rng.random() < 0.9:
            late = rng.random() < 0.12
            day = (_day_between(rng, interim.due_on + timedelta(days=1),
                                interim.due_on + timedelta(days=15)) if late
                   else _day_between(rng, interim.due_on - timedelta(days=20), interim.due_on))
            submitted = _at(min(day, today), rng)
        rows.append(UnitReport(milestone=interim, unit=unit, submitted_at=submitted,
                               text="Báo cáo sơ kết phong trào." if submitted else ""))
    final = milestones["final"]
    for unit in cells:
        submitted = _at(_day_between(rng, today - timedelta(days=20), today), rng) \
            if rng.random() < 0.05 else None
        rows.append(UnitReport(milestone=final, unit=unit, submitted_at=submitted,
                               text="Báo cáo tổng kết phong trào." if submitted else ""))
    return rows


def _manual_values(targets, desks, committees, rng, start: date, today: date
                   ) -> list[ManualValue]:
    """A value per unit at each month's end (today for the running month); a few skip."""
    on_time, late = targets[8], targets[9]
    days = [min(month.end, today) for month in Period.custom(start, today).months()]
    rows = []
    for unit in desks:
        level = rng.uniform(88, 97)
        for step, day in enumerate(days):
            if rng.random() < 0.08:
                continue
            value = min(100.0, level + step * rng.uniform(0, 0.8) + rng.gauss(0, 1.5))
            rows.append(ManualValue(target=on_time, unit=unit, measured_on=day,
                                    value=Decimal(f"{value:.2f}"), note="Số liệu Cổng dịch vụ công"))
    for unit in committees:
        for day in days:
            if rng.random() < 0.08:
                continue
            count = rng.choices(range(9), weights=LATE_DOSSIER_WEIGHTS)[0]
            rows.append(ManualValue(target=late, unit=unit, measured_on=day, value=Decimal(count),
                                    note="Báo cáo của Trung tâm Phục vụ hành chính công"))
    return rows


def _reminder_accounts(cells, communes, rng) -> int:
    """Accounts, with no usable password, for cell secretaries and commune offices."""
    User = get_user_model()
    secretaries = dict(Person.objects.filter(unit__in=cells, position="Bí thư Chi bộ")
                       .order_by("pk").values_list("unit_id", "full_name"))
    planned = []
    for cell in cells:
        if cell.pk in secretaries and rng.random() < 0.7:
            planned.append((f"{cell.code}-bt".lower(), secretaries[cell.pk], "leader", cell))
    for commune in communes:
        planned.append((f"{commune.code}-vp".lower(), f"Văn phòng {commune.name}",
                        "secretariat", commune))
    users = []
    for username, name, _role, _unit in planned:
        user = User(username=username, first_name=name[:150])
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=BATCH)
    by_name = User.objects.in_bulk([u.username for u in users], field_name="username")
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=by_name[username], role=role, unit=unit)
         for username, _name, role, unit in planned], batch_size=BATCH)
    return len(users)


@transaction.atomic
def generate(spec: Spec | None = None) -> Result:
    """Create the movement over the synthetic province ``spec.province_code`` (replacing
    an earlier one). Raises ``Unit.DoesNotExist`` when the province is not there."""
    spec = spec or Spec()
    today = spec.today or timezone.localdate()
    root = Unit.objects.get(code=spec.province_code, depth=1)
    delete(spec.province_code)
    rng = random.Random(spec.seed)
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    start = _months_before(today, spec.months_running)
    cells, communes = _units(root, "chi_bo"), _units(root, "dang_uy_xa")
    with disable_auditlog():
        movement = _movement(root, kinds, start, today)
        milestones = _milestones(movement, kinds, start, today)
        targets = _targets(movement, milestones)
        due = milestones["registration"].due_on
        registrations = (
            _unit_registrations(movement, cells, rng, registered=0.9, accepted=0.9,
                                start=start, due=due, today=today)
            + _unit_registrations(movement, communes, rng, registered=0.99, accepted=0.97,
                                  start=start, due=due, today=today))
        Registration.objects.bulk_create(registrations, batch_size=BATCH)
        Commitment.objects.bulk_create(
            [Commitment(registration=r, text="Hoàn thành xuất sắc nhiệm vụ được giao")
             for r in registrations], batch_size=BATCH)
        people = _people_registrations(movement, root, rng, start, due, today)
        practices = _practices(movement, cells, communes, rng, start, today)
        Practice.objects.bulk_create(practices, batch_size=BATCH)
        reports = _reports(milestones, cells, communes, rng, today)
        UnitReport.objects.bulk_create(reports, batch_size=BATCH)
        values = _manual_values(targets, _units(root, "mot_cua"), _units(root, "ubnd"), rng,
                                start, today)
        ManualValue.objects.bulk_create(values, batch_size=BATCH)
        users = _reminder_accounts(cells, communes, rng)
    return Result(movement=movement, targets=len(targets), unit_registrations=len(registrations),
                  people_registrations=people, practices=len(practices), reports=len(reports),
                  manual_values=len(values), users=users)


def delete(province_code: str) -> int:
    """Remove the synthetic movements of the province and the accounts made for them;
    return how many movements went. Afterwards the province itself can be deleted."""
    if not province_code.startswith("SYN-"):
        raise ValueError(f"{province_code} is not the code of a synthetic province")
    movements = Movement.objects.filter(issuing_unit__code=province_code,
                                        issuing_unit__depth=1, number=NUMBER)
    ids = list(movements.values_list("pk", flat=True))
    with transaction.atomic(), disable_auditlog():
        Registration.objects.filter(movement_id__in=ids).delete()
        Practice.objects.filter(movement_id__in=ids).delete()
        prefix = province_code.lower() + "-"
        get_user_model().objects.filter(username__startswith=prefix,
                                        role_assignments__unit__code__startswith=province_code
                                        ).delete()
        Movement.objects.filter(pk__in=ids).delete()
    return len(ids)
