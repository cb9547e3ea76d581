"""Demo KPI sheets: the Bắc Kạn ward's cadres and civil servants, month by month.

Every active cadre and civil servant (``can_bo``, ``cong_chuc``) working in
the ward's units (the party committee and its bodies, the people's committee
and its offices, the Front and the mass organisations) has a finalised sheet
for each month from January of the demo year — the year of plan A, "Năm nâng
cao chất lượng cán bộ cơ sở" — up to the last month ended before today, and
never past the end of plan A. Each sheet holds 3 to 8 tasks of the person's
office (one-stop dossiers, reports, draft documents…), the general criteria,
and the score and grade the default policy gives them: mostly HTT, some
HTXS within the 20 % cap of each unit and task group, a few HT, and KHT for
the civil servant the org demo disciplined (“khiển trách”, 12/03) from that
month on. The units' months are closed.

The last month is left for the end-to-end story: everyone is finalised
except the ``congchuc`` login's person, who has no sheet yet, and the head
of her office, whose sheet carries the office's result and so waits (sent,
not finalised) for hers; that unit (BK-VPUB) has not closed the month. Plan
A's KPI target (``kpi_coverage``, last ended month) therefore stands just
below 100 % until both sheets are finalised.

Dates come from today (``timezone.localdate()``): loaded in 2027 the demo
holds the twelve months of 2026, with December left open. Deterministic (a
fixed seed; people read in staff-code order) and idempotent (sheets of the
ward present → nothing is done). Written in bulk, final states only, with
the workflow log backdated as historic data entry.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from thidua.core.models import TransitionLog
from thidua.kpi import domain, scoring
from thidua.kpi.models import Adjustment, MonthSheet, Task, UnitMonth
from thidua.kpi.policy import Grade
from thidua.org import demo as org_demo
from thidua.org.choices import PersonStatus
from thidua.org.models import Person, Unit

#: The staff graded by KPI in the demo (plan A's target counts the same).
CATEGORIES = ("can_bo", "cong_chuc")
#: The login whose sheet of the last month is left to be filled.
OPEN_LOGIN = "congchuc"
#: The leader login that reviews and closes; the administrator finalises his own sheet.
REVIEWER_LOGIN, ADMIN_LOGIN = "bithu", "quantri"
SEED = 335

# Tasks by office: (name, fewest, most assigned). Dossiers come in dozens, documents by few.
ONE_STOP = [
    ("Tiếp nhận, giải quyết hồ sơ thủ tục hành chính lĩnh vực hộ tịch", 25, 70),
    ("Chứng thực bản sao từ bản chính, chứng thực chữ ký", 60, 160),
    ("Tiếp nhận hồ sơ đất đai, chuyển Văn phòng đăng ký đất đai", 8, 25),
    ("Hướng dẫn người dân nộp hồ sơ trực tuyến trên Cổng dịch vụ công quốc gia", 20, 60),
    ("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", 30, 90),
    ("Trả kết quả giải quyết thủ tục hành chính qua dịch vụ bưu chính công ích", 10, 30),
    ("Báo cáo tình hình tiếp nhận, giải quyết thủ tục hành chính tháng", 1, 1),
]
OFFICE = [
    ("Dự thảo báo cáo tình hình kinh tế - xã hội, quốc phòng - an ninh tháng", 1, 1),
    ("Chuẩn bị tài liệu phiên họp thường kỳ Ủy ban nhân dân phường", 1, 2),
    ("Dự thảo văn bản chỉ đạo, điều hành của Ủy ban nhân dân phường", 4, 12),
    ("Xử lý văn bản đến trên Hệ thống quản lý văn bản và điều hành", 40, 120),
    ("Theo dõi, đôn đốc thực hiện nhiệm vụ Chủ tịch UBND phường giao", 5, 15),
    ("Biên tập tin, bài đăng Trang thông tin điện tử phường", 4, 10),
    ("Phục vụ tiếp công dân định kỳ của Chủ tịch UBND phường", 1, 2),
    ("Văn bản tham mưu trả lời kiến nghị của cử tri", 2, 6),
]
ECONOMY = [
    ("Thẩm định hồ sơ đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ", 3, 10),
    ("Kiểm tra trật tự xây dựng, lập biên bản vi phạm trên địa bàn", 4, 12),
    ("Báo cáo tiến độ giải ngân vốn đầu tư công", 1, 1),
    ("Tham mưu xử lý vi phạm hành chính lĩnh vực đất đai, môi trường", 1, 4),
    ("Rà soát, chỉnh lý biến động hồ sơ địa chính", 10, 30),
    ("Kiểm tra công tác thu gom, vận chuyển rác thải sinh hoạt", 2, 6),
    ("Văn bản tham mưu về quản lý hạ tầng, đô thị", 2, 6),
]
SOCIAL = [
    ("Thẩm định hồ sơ hưởng trợ cấp xã hội, chế độ người có công", 5, 18),
    ("Cập nhật cơ sở dữ liệu an sinh xã hội, hộ nghèo, cận nghèo", 20, 60),
    ("Tổ chức hoạt động văn hóa, văn nghệ, thể thao trên địa bàn", 1, 3),
    ("Kiểm tra hoạt động kinh doanh dịch vụ văn hóa, quảng cáo", 2, 6),
    ("Báo cáo công tác giảm nghèo, giải quyết việc làm tháng", 1, 1),
    ("Văn bản tham mưu về giáo dục, y tế, dân số trên địa bàn", 2, 5),
]
PARTY_OFFICE = [
    ("Dự thảo nghị quyết, kết luận của Ban Thường vụ Đảng ủy", 2, 5),
    ("Chuẩn bị nội dung hội nghị Ban Chấp hành Đảng bộ phường", 1, 1),
    ("Báo cáo công tác xây dựng Đảng tháng", 1, 1),
    ("Quản lý hồ sơ đảng viên, thủ tục chuyển sinh hoạt đảng", 4, 15),
    ("Thẩm định hồ sơ đề nghị kết nạp đảng viên", 1, 4),
    ("Văn bản tham mưu triển khai chỉ thị, nghị quyết của cấp trên", 2, 6),
]
INSPECTION = [
    ("Kiểm tra, giám sát chuyên đề tại chi bộ trực thuộc", 1, 3),
    ("Tham mưu giải quyết đơn thư khiếu nại, tố cáo đối với đảng viên", 1, 4),
    ("Báo cáo công tác kiểm tra, giám sát và thi hành kỷ luật đảng tháng", 1, 1),
    ("Thẩm tra hồ sơ đề nghị thi hành kỷ luật đảng viên", 1, 2),
    ("Theo dõi việc kê khai tài sản, thu nhập của cán bộ thuộc diện quản lý", 3, 10),
]
LEADERSHIP = [
    ("Chủ trì giao ban, chỉ đạo triển khai nhiệm vụ trọng tâm tháng", 2, 4),
    ("Kiểm tra, đôn đốc tiến độ các nhiệm vụ được phân công phụ trách", 3, 8),
    ("Tiếp công dân, đối thoại giải quyết kiến nghị của người dân", 1, 3),
    ("Chỉ đạo xây dựng, ký ban hành văn bản thuộc lĩnh vực phụ trách", 5, 15),
    ("Dự, chỉ đạo sinh hoạt chi bộ, tổ dân phố được phân công phụ trách", 2, 4),
    ("Báo cáo kết quả thực hiện nhiệm vụ lĩnh vực phụ trách", 1, 1),
]
FRONT = [
    ("Tổ chức giám sát, phản biện xã hội theo kế hoạch", 1, 2),
    ("Vận động ủng hộ Quỹ “Vì người nghèo”, an sinh xã hội", 1, 3),
    ("Tổ chức sinh hoạt hội viên, đoàn viên theo chủ đề", 2, 6),
    ("Nắm, báo cáo tình hình tư tưởng, dư luận trong Nhân dân", 1, 1),
    ("Tập huấn nghiệp vụ cho chi hội trưởng, bí thư chi đoàn", 1, 2),
    ("Tham gia hòa giải ở cơ sở, giải quyết kiến nghị của hội viên", 1, 4),
]
TASKS_BY_UNIT = {
    "BK-HCC": ONE_STOP, "BK-VPUB": OFFICE, "BK-KT": ECONOMY, "BK-VHXH": SOCIAL,
    "BK-VP": PARTY_OFFICE, "BK-UBKT": INSPECTION, "BK": LEADERSHIP, "BK-UBND": LEADERSHIP,
    "BK-MTTQ": FRONT, "BK-PN": FRONT, "BK-CCB": FRONT, "BK-DTN": FRONT, "BK-ND": FRONT,
}

SELF_COMMENTS = [
    "Hoàn thành đầy đủ các nhiệm vụ được giao trong tháng, bảo đảm tiến độ.",
    "Chấp hành tốt nội quy, quy chế làm việc; chủ động phối hợp với đồng nghiệp.",
    "Hoàn thành nhiệm vụ; một số việc còn chậm do khối lượng hồ sơ tăng.",
    "Tích cực ứng dụng công nghệ thông tin trong giải quyết công việc.",
]
REVIEW_COMMENTS = {
    Grade.HTXS: "Hoàn thành xuất sắc, có sản phẩm nổi bật trong tháng.",
    Grade.HTT: "Đồng ý với kết quả tự đánh giá.",
    Grade.HT: "Còn chậm tiến độ một số việc; cần chủ động hơn trong tháng tới.",
    Grade.KHT: "Bị kỷ luật trong năm: xếp loại theo quy định.",
}
ADJUSTMENT = ("phuc_vu", "Có phản ánh của người dân về thái độ giao tiếp khi tiếp nhận hồ sơ.")


def _next(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def demo_year() -> int:
    from thidua.movements.demo import PLAN_A

    return PLAN_A.ends_on.year


def demo_months(today: date | None = None) -> list[date]:
    """January of the demo year up to the last month ended before ``today``, never past
    the end of plan A."""
    from thidua.movements.demo import PLAN_A

    today = today or timezone.localdate()
    last = min(_previous(today.replace(day=1)), PLAN_A.ends_on.replace(day=1))
    months, month = [], date(demo_year(), 1, 1)
    while month <= last:
        months.append(month)
        month = _next(month)
    return months


def open_month(today: date | None = None) -> date | None:
    """The month the ``congchuc`` login still has to fill (the demo's last month)."""
    months = demo_months(today)
    return months[-1] if months else None


def _previous(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def graded_people():
    """The people the demo grades: the ward's active cadres and civil servants."""
    ward = Unit.objects.get(code=org_demo.WARD_CODE)
    return (Person.objects.filter(unit__path__startswith=ward.path, status=PersonStatus.ACTIVE,
                                  staff_category__in=CATEGORIES)
            .select_related("unit", "user").order_by("staff_code"))


def is_loaded() -> bool:
    return MonthSheet.objects.filter(month__year=demo_year(),
                                     unit__code__startswith=org_demo.WARD_CODE).exists()


@dataclass
class _Plan:
    """One person's month as drawn: the band aimed at, then the sheet and its tasks."""

    person: Person
    band: str
    sheet: MonthSheet | None = None
    tasks: list[Task] | None = None
    adjusted: bool = False


def _moment(day: date, hour: int, today: date) -> datetime:
    """An office-hours instant of ``day`` (never after today) in local time."""
    return timezone.make_aware(datetime.combine(min(day, today), time(hour)))


#: The share of the task points each band aims at (drawn per sheet), for staff and for
#: leaders (half of whose task points follow the unit's result, usually in full).
SHARES = {
    (Grade.HTXS, False): (0.96, 1.0), (Grade.HTT, False): (0.66, 0.86),
    (Grade.HT, False): (0.42, 0.62),
    (Grade.HTXS, True): (0.92, 1.0), (Grade.HTT, True): (0.40, 0.72),
    (Grade.HT, True): (0.10, 0.30),
}
GENERAL = {Grade.HTXS: ["6", "6", "6", "5.5"], Grade.HTT: ["6", "5.5", "5.5", "5", "5"],
           Grade.HT: ["5", "4.5", "4.5", "4", "3.5"]}


def task_figures(rng: random.Random, low: int, high: int,
                 share: float) -> tuple[int, int, int, int, int, int]:
    """(assigned, done, meeting, on time, major errors, late deliveries) of a task whose
    three measures come near ``share``: counts first, then the major errors and late
    deliveries (25 % each) make up what rounding the counts left over."""
    assigned = rng.randint(low, high)

    def near() -> float:
        return min(1.0, max(0.0, share + rng.uniform(-0.08, 0.08)))

    done = max(0, min(assigned, round(assigned * min(1.0, near() + 0.1))))
    meeting = min(done, round(assigned * near()))
    on_time = min(done, round(assigned * near()))
    errors = max(0, round((meeting / assigned - near()) / 0.25))
    late = max(0, round((on_time / assigned - near()) / 0.25))
    return assigned, done, meeting, on_time, errors, late


def _task(rng: random.Random, name: str, low: int, high: int, share: float) -> Task:
    """A task near ``share`` (:func:`task_figures`); an objective cause now and then."""
    assigned, done, meeting, on_time, errors, late = task_figures(rng, low, high, share)
    cause = bool(late) and rng.random() < 0.1
    return Task(name=name, assigned=assigned, done=done, meeting=meeting, on_time=on_time,
                major_errors=errors, late_deliveries=late, objective_cause=cause)


def _general(rng: random.Random, policy, band: str) -> dict[str, str]:
    return {c.code: rng.choice(GENERAL[band]) for c in policy.general_criteria}


def _in_band(score: Decimal, band: str, policy) -> bool:
    return scoring.grade_for(score, policy) == band


def _draw(rng, plan: _Plan, month: date, policy, forms, subordinate_grades, catalogue):
    """Tasks and general points that land the person in ``plan.band`` (a few tries)."""
    sheet = MonthSheet(person=plan.person, unit=plan.person.unit, month=month,
                       is_leader=plan.person.is_leader,
                       task_group=domain.task_group_of(plan.person), state="finalised")
    low, high = SHARES[(plan.band, plan.person.is_leader)]
    for _attempt in range(40):
        count = min(len(catalogue), rng.randint(3, 8))
        share = rng.uniform(low, high)
        tasks = [_task(rng, name, fewest, most, share)
                 for name, fewest, most in rng.sample(catalogue, count)]
        sheet.self_general = _general(rng, policy, plan.band)
        result = domain.compute(sheet, policy, tasks=tasks, subordinate_grades=subordinate_grades,
                                forms=[])
        if _in_band(result.score, plan.band, policy):
            break  # else the last draw stays: the grade is what the rules give
    result = domain.compute(sheet, policy, tasks=tasks, subordinate_grades=subordinate_grades,
                            forms=forms)
    if plan.band == Grade.HTT and rng.random() < 0.06 and result.grade == Grade.HTT:
        code, _reason = ADJUSTMENT
        lowered = str(Decimal(sheet.self_general[code]) - 1)
        sheet.review_general = {code: lowered}
        adjusted = domain.compute(sheet, policy, tasks=tasks,
                                  subordinate_grades=subordinate_grades, forms=forms)
        if adjusted.grade == result.grade:
            result, plan.adjusted = adjusted, True
        else:
            sheet.review_general = {}
    sheet.score, sheet.computed_grade, sheet.grade = result.score, result.grade, result.grade
    if result.override:  # the law's KHT (a discipline decision in the year)
        sheet.grade, sheet.grade_note = Grade.KHT, result.override
    sheet.self_comment = rng.choice(SELF_COMMENTS)
    sheet.review_comment = REVIEW_COMMENTS[sheet.grade]
    for order, task in enumerate(tasks, start=1):
        task.order = order
    plan.sheet, plan.tasks = sheet, tasks


def _bands(rng, people: list[Person], strength: dict[int, float], disciplined: set[int],
           policy, *, room_for: int = 0) -> dict[int, str]:
    """The band of each person of one unit's task group: a few HT, HTXS within the cap.

    ``room_for`` people still to be graded later (the open sheet) are counted as
    HTXS, so that their sheet can still be finalised within the cap.
    """
    bands = {}
    for person in people:
        weak = strength[person.pk] < 0.15
        if person.pk not in disciplined and not person.is_leader and \
                rng.random() < (0.3 if weak else 0.03):
            bands[person.pk] = Grade.HT
    base = [p for p in people if p.pk not in bands and p.pk not in disciplined]
    allowance = scoring.htxs_allowance(len(base) + room_for, policy) - room_for
    if allowance > 0 and rng.random() < 0.2:
        allowance -= 1
    strongest = sorted(base, key=lambda p: -strength[p.pk])
    for person in strongest[:max(0, allowance)]:
        if strength[person.pk] > 0.5:
            bands[person.pk] = Grade.HTXS
    for person in people:
        bands.setdefault(person.pk, Grade.HTT)
    return bands


def _keep_within_cap(plans: list[_Plan], policy) -> None:
    """Should a draw have landed above its band, the leader lowers the excess HTXS to HTT
    (as the close check asks him to), never the other way round."""
    groups = defaultdict(list)
    for plan in plans:
        groups[plan.sheet.task_group].append(plan.sheet)
    for sheets in groups.values():
        base = sum(1 for s in sheets if Grade.at_least(s.grade, Grade.HTT))
        excess = [s for s in sheets if s.grade == Grade.HTXS][scoring.htxs_allowance(base,
                                                                                      policy):]
        for sheet in excess:
            sheet.grade, sheet.lowered_for_cap = Grade.HTT, True
            sheet.grade_note = ("Lãnh đạo hạ xuống HTT do vượt tỷ lệ HTXS: cân nhắc mức độ "
                                "đóng góp trong tháng.")


@transaction.atomic
def load(stdout=None, today: date | None = None) -> bool:
    """Write the demo's monthly sheets; return False when they are already there."""
    if is_loaded():
        return False
    org_demo.load(stdout)  # the ward and its logins come first (a no-op when present)
    today = today or timezone.localdate()
    months = demo_months(today)
    users = get_user_model().objects.in_bulk([REVIEWER_LOGIN, ADMIN_LOGIN, OPEN_LOGIN],
                                             field_name="username")
    reviewer, admin = users[REVIEWER_LOGIN], users[ADMIN_LOGIN]
    open_user = users.get(OPEN_LOGIN)
    people = list(graded_people())
    if not months or not people:
        return False
    rng = random.Random(SEED)
    strength = {p.pk: rng.random() for p in people}
    units = {p.unit_id: p.unit for p in people}
    policies = {pk: value[0] for pk, value in domain.policies_for_units(units.values()).items()}
    discipline = domain.discipline_rows([p.pk for p in people], demo_year())
    by_unit = defaultdict(list)
    for person in people:
        by_unit[person.unit_id].append(person)
    sheet_type = ContentType.objects.get_for_model(MonthSheet)
    month_type = ContentType.objects.get_for_model(UnitMonth)
    made = 0
    for month in months:
        last = month == months[-1]
        end = domain.month_end(month)
        plans: list[_Plan] = []
        open_units = set()
        for unit_id, members in by_unit.items():
            policy = policies[unit_id]
            catalogue = TASKS_BY_UNIT.get(units[unit_id].code, OFFICE)
            disciplined = {p.pk for p in members if any(
                day <= end for day, _form in discipline.get(p.pk, []))}
            skipped = {p.pk for p in members
                       if last and open_user is not None and p.user_id == open_user.pk}
            if skipped:
                open_units.add(unit_id)
            groups = defaultdict(list)
            for person in members:
                if person.pk not in skipped:
                    groups[domain.task_group_of(person)].append(person)
            bands = {}
            for group_people in groups.values():
                room = sum(1 for p in members if p.pk in skipped
                           and domain.task_group_of(p) == domain.task_group_of(group_people[0]))
                bands.update(_bands(rng, group_people, strength, disciplined, policy,
                                    room_for=room))
            staff = [_Plan(p, bands[p.pk]) for p in members if p.pk in bands and not p.is_leader]
            for plan in staff:
                forms = [f for day, f in discipline.get(plan.person.pk, []) if day <= end]
                _draw(rng, plan, month, policy, forms, [], catalogue)
            grades = [plan.sheet.grade for plan in staff]
            leaders = [_Plan(p, bands[p.pk]) for p in members if p.pk in bands and p.is_leader]
            for plan in leaders:
                forms = [f for day, f in discipline.get(plan.person.pk, []) if day <= end]
                _draw(rng, plan, month, policy, forms, grades, LEADERSHIP + catalogue[:3])
            _keep_within_cap(staff + leaders, policy)
            plans += staff + leaders
        made += _write(month, plans, open_units, units, policies, reviewer, admin, today,
                       sheet_type, month_type)
    if stdout is not None:
        stdout.write(f"Đã tạo {made} phiếu đánh giá KPI của {len(people)} cán bộ, công chức "
                     f"phường Bắc Kạn ({len(months)} tháng, từ {months[0]:%m/%Y} đến "
                     f"{months[-1]:%m/%Y}).")
    return True


def _write(month, plans, open_units, units, policies, reviewer, admin, today, sheet_type,
           month_type) -> int:
    """The month's sheets, tasks, adjustments, closes and their backdated workflow log."""
    following = _next(month)
    submitted_on = following - timedelta(days=2)  # the last days of the month
    finalised_on = following + timedelta(days=4)
    closed_on = following + timedelta(days=7)
    for plan in plans:
        if plan.person.is_leader and plan.sheet.unit_id in open_units:
            # The head of the open office carries its result: his sheet waits for hers.
            plan.sheet.state = "submitted"
            continue
        plan.sheet.finalised_by = admin if plan.person.user_id == reviewer.pk else reviewer
        plan.sheet.finalised_at = _moment(finalised_on, 15, today)
    finalised = [plan for plan in plans if plan.sheet.state == "finalised"]
    sheets = MonthSheet.objects.bulk_create([plan.sheet for plan in plans])
    for plan, sheet in zip(plans, sheets, strict=True):
        for task in plan.tasks:
            task.sheet = sheet
    Task.objects.bulk_create([task for plan in plans for task in plan.tasks])
    code, reason = ADJUSTMENT
    Adjustment.objects.bulk_create([
        Adjustment(sheet=plan.sheet, field_label=policies[plan.sheet.unit_id].criterion(code).label,
                   old_value=plan.sheet.self_general[code],
                   new_value=plan.sheet.review_general[code], reason=reason, actor=reviewer)
        for plan in plans if plan.adjusted])
    logs = TransitionLog.objects.bulk_create(
        [TransitionLog(content_type=sheet_type, object_id=plan.sheet.pk, transition="submit",
                       from_state="draft", to_state="submitted",
                       actor_id=plan.person.user_id or reviewer.pk) for plan in plans]
        + [TransitionLog(content_type=sheet_type, object_id=plan.sheet.pk, transition="finalise",
                         from_state="submitted", to_state="finalised",
                         actor=plan.sheet.finalised_by) for plan in finalised])
    closing = [unit_id for unit_id in sorted({plan.sheet.unit_id for plan in plans})
               if unit_id not in open_units]
    rows = UnitMonth.objects.bulk_create([
        UnitMonth(unit_id=unit_id, month=month, state="closed",
                  policy=policies[unit_id].to_json(), closed_at=_moment(closed_on, 10, today),
                  closed_by=reviewer) for unit_id in closing])
    closes = TransitionLog.objects.bulk_create([
        TransitionLog(content_type=month_type, object_id=row.pk, transition="close",
                      from_state="open", to_state="closed", actor=reviewer) for row in rows])
    # auto_now(_add) stamps "now" on insert: put the history at its dates.
    half = len(plans)
    TransitionLog.objects.filter(pk__in=[log.pk for log in logs[:half]]).update(
        at=_moment(submitted_on, 16, today))
    TransitionLog.objects.filter(pk__in=[log.pk for log in logs[half:]]).update(
        at=_moment(finalised_on, 15, today))
    TransitionLog.objects.filter(pk__in=[log.pk for log in closes]).update(
        at=_moment(closed_on, 10, today))
    for done, on, hour in ((True, finalised_on, 15), (False, submitted_on, 16)):
        MonthSheet.objects.filter(pk__in=[p.sheet.pk for p in plans
                                          if (p.sheet.state == "finalised") == done]).update(
            created_at=_moment(month + timedelta(days=24), 8, today),
            updated_at=_moment(on, hour, today))
    Adjustment.objects.filter(sheet__in=[p.sheet.pk for p in plans if p.adjusted]).update(
        at=_moment(finalised_on, 14, today))
    return len(sheets)
