"""Demo scorecards: the Bắc Kạn ward's cells on "Chi bộ bốn tốt" in the year of plan B.

For the demo year (the year of plan B, "Chi bộ bốn tốt, Đảng bộ cơ sở bốn
tốt" — 2026, from the plan's dates, never from today) and the ward's 18 party
cells, as of late November:

- every cell registered its "Chi bộ bốn tốt" commitments in January, two of
  them after the 15/01 deadline (marked late);
- quarterly self-evaluations for the quarters ended by today, a few cells
  missing the last one;
- each cell's party-organisation grading of the year ("xep_loai_to_chuc_dang",
  Quy định 366-QĐ/TW) decided by the ward in one decision: mostly HTT, three
  HTXS, one HT;
- five cells through the whole "bốn tốt" cycle — self-scored, submitted,
  appraised by the ward's office (two items lowered with a reason), recognised
  by the standing committee — and one cell submitted, awaiting appraisal; the
  others have not self-scored yet (due 10/12). Plan B's "> 90% of cells
  recognised" target therefore stands at 5/18, "Chưa đạt";
- the ward itself registered for "Đảng bộ cơ sở bốn tốt" with its quarterly
  self-evaluations (plan B's second target: 0 of 1).

The cell of the ``chibo1`` login (BK-CB-TDP01) is left for the end-to-end
story: registered with its commitments and quarterly evaluations, its
party-organisation grading decided HTT, but not self-scored.

Written through :mod:`thidua.scorecards.domain` — a few dozen scorecards —
with the demo logins as actors (``chibo1`` for its own cell, the ward's office
``vanphong`` entering the other cells' forms, ``bithu`` deciding), then the
timestamps and the workflow log put at the dates of the facts: historic data
entry. Facts dated after today (``timezone.localdate()``) are left out.
Deterministic (no randomness) and idempotent (a "bốn tốt" scorecard of a ward
cell for the year present → nothing is done).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from thidua.core.models import TransitionLog
from thidua.movements.demo import CELLS, PLAN_B, moment
from thidua.org import demo as org_demo
from thidua.org.models import Unit
from thidua.scorecards import domain
from thidua.scorecards.defaults import ensure_frameworks
from thidua.scorecards.models import Evaluation, Framework, Scorecard

BON_TOT = "chi_bo_bon_tot"
COMMITTEE_BON_TOT = "dang_bo_co_so_bon_tot"
GRADING = "xep_loai_to_chuc_dang"
#: The login of the cell left for the end-to-end story, and its cell.
OPEN_LOGIN, OPEN_CELL = "chibo1", "BK-CB-TDP01"
OFFICE_LOGIN, LEADER_LOGIN = "vanphong", "bithu"


def demo_year() -> int:
    return PLAN_B.ends_on.year


#: Cells that sent their form after the deadline.
LATE_CELLS = {"BK-CB-TDP11": date(2026, 1, 21), "BK-CB-TDP12": date(2026, 1, 19)}
#: Cells that have not sent the self-evaluation of the last ended quarter yet.
MISSING_LAST_QUARTER = ("BK-CB-TDP10", "BK-CB-TDP11", "BK-CB-TDP12")


def _registered_on(index: int, code: str, year: int) -> date:
    """The day each cell sent its registration form (15/01 is the deadline)."""
    return LATE_CELLS.get(code, date(year, 1, 8 + index % 7))


#: Party-organisation grading of the year: each cell's total (100 points); bands of
#: Quy định 366-QĐ/TW (≥ 90 HTXS, ≥ 70 HTT, ≥ 50 HT). Cells not listed: HTT.
GRADING_TOTALS = {"BK-CB-DDT": 93, "BK-CB-UB": 92, "BK-CB-CA": 91, "BK-CB-TDP11": 64}
HTT_TOTALS = (86, 84, 81, 88, 79, 83, 85, 77, 82, 80)
GRADING_DECISION = ("52-QĐ/ĐU", date(2026, 11, 10))
GRADING_SUBMITTED, GRADING_APPRAISED = date(2026, 11, 3), date(2026, 11, 6)

#: "Bốn tốt" self-scores: points below the item's maximum, by item code.
RECOGNISED = {
    "BK-CB-DDT": {"1.2": 1, "2.2": 1},
    "BK-CB-UB": {"1.6": 1, "3.4": 1, "4.3": 1},
    "BK-CB-CA": {"1.1": 1, "2.2": 2},
    "BK-CB-YT": {"1.6": 2, "2.1": 1, "4.5": 1},
    "BK-CB-TDP03": {"1.2": 1, "1.4": 1, "2.2": 2, "3.5": 1},
}
AWAITING = {"BK-CB-TDP02": {"1.6": 2, "2.1": 2, "2.2": 1, "4.4": 1}}
#: The ward's office lowers an item (points taken off, reason).
APPRAISAL_CUTS = {
    "BK-CB-UB": {"2.1": (2, "Biên bản sinh hoạt chi bộ tháng 5 và tháng 8 chưa ghi đủ ý kiến "
                           "thảo luận của đảng viên; trừ 02 điểm.")},
    "BK-CB-YT": {"1.6": (1, "Chưa kết nạp được đảng viên mới theo chỉ tiêu năm 2026 (đã có "
                           "01 quần chúng ưu tú được cử đi học lớp cảm tình Đảng); trừ 01 điểm.")},
}
BON_TOT_SUBMITTED, BON_TOT_APPRAISED = date(2026, 11, 12), date(2026, 11, 16)
BON_TOT_DECISION = ("58-QĐ/ĐU", date(2026, 11, 18))
AWAITING_SUBMITTED = date(2026, 11, 20)

AGENCY_COMMITMENTS = {
    "1": "Lãnh đạo cơ quan, đơn vị hoàn thành 100% chỉ tiêu, nhiệm vụ chính trị được giao năm "
         "{year}; cụ thể hóa kịp thời nghị quyết của Đảng ủy phường; kết nạp ít nhất 01 đảng "
         "viên mới.",
    "2": "Sinh hoạt chi bộ thường kỳ hằng tháng đúng quy định, sinh hoạt chuyên đề ít nhất 01 "
         "lần/quý; 100% đảng viên tham gia sinh hoạt đầy đủ, phát biểu ý kiến xây dựng.",
    "3": "Giữ vững đoàn kết nội bộ; thực hiện nghiêm quy chế làm việc, nguyên tắc tập trung "
         "dân chủ; không có đảng viên vi phạm kỷ luật Đảng, pháp luật của Nhà nước.",
    "4": "100% đảng viên được xếp loại hoàn thành nhiệm vụ trở lên, trong đó ít nhất 20% hoàn "
         "thành xuất sắc nhiệm vụ; đảng viên là lãnh đạo gương mẫu, đi đầu.",
}
RESIDENTIAL_COMMITMENTS = {
    "1": "Lãnh đạo tổ dân phố hoàn thành các chỉ tiêu kinh tế - xã hội năm {year}; không có "
         "điểm nóng về an ninh trật tự; vận động Nhân dân thực hiện tốt phong trào “Toàn dân "
         "đoàn kết xây dựng đời sống văn hóa”.",
    "2": "Sinh hoạt chi bộ thường kỳ vào ngày 05 hằng tháng; đổi mới nội dung sinh hoạt, gắn "
         "với những việc cụ thể của tổ dân phố; tỷ lệ đảng viên dự sinh hoạt đạt trên 95%.",
    "3": "Giữ vững đoàn kết trong chi bộ và khu dân cư; thực hiện tốt quy chế dân chủ ở cơ sở; "
         "không có đảng viên vi phạm kỷ luật.",
    "4": "Mỗi đảng viên đăng ký và thực hiện ít nhất 01 việc làm cụ thể vì cộng đồng; đảng "
         "viên cao tuổi gương mẫu, tích cực tham gia công tác ở khu dân cư.",
}
COMMITTEE_COMMITMENTS = {
    "1": "Lãnh đạo hoàn thành và hoàn thành vượt các chỉ tiêu Nghị quyết Đại hội Đảng bộ "
         "phường năm {year}; kết nạp ít nhất 15 đảng viên mới.",
    "2": "Ban Chấp hành, Ban Thường vụ họp thường kỳ đúng quy chế; 100% chi bộ trực thuộc "
         "sinh hoạt chuyên đề ít nhất 01 lần/quý.",
    "3": "Giữ vững đoàn kết trong Đảng bộ; thực hiện nghiêm kế hoạch kiểm tra, giám sát năm "
         "{year}; không có tổ chức đảng bị xử lý kỷ luật.",
    "4": "100% cấp ủy viên, đảng viên được xếp loại hoàn thành nhiệm vụ trở lên; trên 90% "
         "chi bộ đạt “Chi bộ bốn tốt”.",
}
GRADING_COMMITMENT = "Hoàn thành tốt các nhiệm vụ năm {year} theo nghị quyết của chi bộ."
QUARTER_NOTES = {
    1: "Quý I/{year}: sinh hoạt chi bộ đủ 03 kỳ; quán triệt nghị quyết, chương trình công tác "
       "năm của Đảng ủy phường; {extra}",
    2: "Quý II/{year}: sinh hoạt chuyên đề “{topic}”; kiểm điểm giữa năm việc thực hiện các "
       "nội dung đã đăng ký; {extra}",
    3: "Quý III/{year}: hoàn thành các chỉ tiêu 9 tháng; {extra}",
    4: "Quý IV/{year}: tổng kết việc thực hiện nghị quyết năm; {extra}",
}
AGENCY_EXTRA = ("cơ quan hoàn thành đúng tiến độ các nhiệm vụ được giao.",
                "không có đảng viên vi phạm kỷ luật, kỷ cương hành chính.",
                "đảng viên tích cực ứng dụng công nghệ số trong công việc.")
RESIDENTIAL_EXTRA = ("vận động Nhân dân giữ gìn vệ sinh môi trường, an ninh trật tự tổ dân "
                     "phố.",
                     "đảng viên tham gia hòa giải thành 02 vụ việc ở khu dân cư.",
                     "vận động ủng hộ Quỹ “Vì người nghèo” đạt kế hoạch.")
TOPICS = ("Nâng cao chất lượng sinh hoạt chi bộ", "Học tập và làm theo tư tưởng, đạo đức, "
          "phong cách Hồ Chí Minh", "Đảng viên nêu gương nơi cư trú")
SELF_NOTES = ("Có nghị quyết, biên bản sinh hoạt chi bộ kèm theo.",
              "Có báo cáo kết quả thực hiện và số liệu minh chứng.",
              "Đối chiếu sổ theo dõi đảng viên, danh sách kèm theo.")


@dataclass
class _Actors:
    office: object  # the ward's office ("vanphong"): enters the cells' forms, appraises
    leader: object  # the ward's leader ("bithu"): decides
    cell_logins: dict = field(default_factory=dict)  # cell code → its leader's login

    def of(self, code: str):
        return self.cell_logins.get(code, self.office)


@dataclass
class _Clock:
    today: date
    #: Scorecard pk → the moment of its last fact (its ``updated_at``).
    last: dict = field(default_factory=dict)

    def happened(self, day: date) -> bool:
        return day <= self.today

    def stamp(self, card: Scorecard, at: datetime) -> None:
        self.last[card.pk] = max(self.last.get(card.pk, at), at)


def is_loaded() -> bool:
    ward = Unit.objects.filter(code=org_demo.WARD_CODE).first()
    return ward is not None and Scorecard.objects.filter(
        framework__code=BON_TOT, year=demo_year(), unit__path__startswith=ward.path).exists()


def _at(log, day: date, hour: int, clock: _Clock, card: Scorecard) -> None:
    """Put a workflow log entry at the date of the fact."""
    when = moment(day, hour)
    TransitionLog.objects.filter(pk=log.pk).update(at=when)
    clock.stamp(card, when)


def _register(framework: Framework, unit: Unit, year: int, day: date, user, texts: dict,
              clock: _Clock) -> Scorecard:
    card = domain.start(framework, unit, year, user)
    domain.save_commitments(card, user, {g.pk: texts[g.code].format(year=year)
                                         for g in framework.groups()})
    log = domain.register(card, user)
    when = moment(day, 9)
    Scorecard.objects.filter(pk=card.pk).update(
        registered_at=when, is_late=day > domain.registration_due(card),
        created_at=moment(day, 8))
    _at(log, day, 9, clock, card)
    card.refresh_from_db()
    return card


def _quarters(year: int, today: date) -> list[tuple[int, date]]:
    """The quarters ended by ``today`` with the day their evaluation is sent."""
    ends = [(1, date(year, 3, 31)), (2, date(year, 6, 30)), (3, date(year, 9, 30)),
            (4, date(year, 12, 31))]
    return [(quarter, end) for quarter, end in ends if end < today]


def _evaluations(card: Scorecard, index: int, residential: bool, user, clock: _Clock,
                 *, skip_last: bool) -> None:
    quarters = _quarters(card.year, clock.today)
    if skip_last and quarters:
        quarters = quarters[:-1]
    extras = RESIDENTIAL_EXTRA if residential else AGENCY_EXTRA
    for quarter, end in quarters:
        # Sent in the first days of the next month.
        sent = date(end.year + (quarter == 4), end.month % 12 + 1, 2 + (index + quarter) % 8)
        if not clock.happened(sent):
            continue
        note = QUARTER_NOTES[quarter].format(year=card.year,
                                             extra=extras[(index + quarter) % len(extras)],
                                             topic=TOPICS[index % len(TOPICS)])
        evaluation = domain.evaluate(card, user, quarter, note)
        when = moment(sent, 10)
        Evaluation.objects.filter(pk=evaluation.pk).update(submitted_at=when)
        clock.stamp(card, when)


def _self_score(card: Scorecard, user, less: dict, day: date, clock: _Clock) -> None:
    lines = list(card.lines.select_related("criterion").order_by("criterion__code"))
    scores = {line.criterion_id: (str(line.criterion.max_points
                                      - Decimal(less.get(line.criterion.code, 0))),
                                  SELF_NOTES[n % len(SELF_NOTES)])
              for n, line in enumerate(lines)}
    domain.self_score(card, user, scores)
    log = domain.transition(card, "submit", user)
    Scorecard.objects.filter(pk=card.pk).update(submitted_at=moment(day, 16))
    _at(log, day, 16, clock, card)


def _appraise(card: Scorecard, actors: _Actors, cuts: dict, day: date, clock: _Clock) -> None:
    if cuts:
        lines = {line.criterion.code: line
                 for line in card.lines.select_related("criterion")}
        domain.appraise(card, actors.office, {
            lines[code].criterion_id: (str(lines[code].self_points - Decimal(less)), reason)
            for code, (less, reason) in cuts.items()})
    _at(domain.transition(card, "appraise", actors.office), day, 15, clock, card)


def _decide(card: Scorecard, actors: _Actors, decision: tuple[str, date], clock: _Clock
            ) -> None:
    number, day = decision
    log = domain.transition(card, "recognise", actors.leader, decision_number=number,
                            decision_date=day)
    Scorecard.objects.filter(pk=card.pk).update(decided_at=moment(day, 14))
    _at(log, day, 14, clock, card)


def _grading_points(card: Scorecard, total: int) -> dict[int, Decimal]:
    """The grading's groups scored to make ``total``: the shortfall spread over the groups
    in proportion to their weight, the rest on the first group."""
    lines = list(card.lines.select_related("criterion").order_by("criterion__order"))
    shortfall = Decimal(100 - total)
    points, given = {}, Decimal(0)
    for line in lines[1:]:
        cut = (shortfall * line.criterion.max_points / 100).quantize(Decimal("0.5"))
        points[line.criterion_id] = line.criterion.max_points - cut
        given += cut
    first = lines[0]
    points[first.criterion_id] = first.criterion.max_points - (shortfall - given)
    return points


def _grading(framework: Framework, unit: Unit, index: int, registered: date, actors: _Actors,
             clock: _Clock) -> Scorecard | None:
    """The cell's party-organisation grading of the year, decided by the ward."""
    user = actors.of(unit.code)
    card = _register(framework, unit, registered.year, registered, user,
                     {g.code: GRADING_COMMITMENT for g in framework.groups()}, clock)
    if not clock.happened(GRADING_SUBMITTED):
        return card
    total = GRADING_TOTALS.get(unit.code, HTT_TOTALS[index % len(HTT_TOTALS)])
    domain.self_score(card, user, {pk: (str(points), "") for pk, points in
                                   _grading_points(card, total).items()})
    log = domain.transition(card, "submit", user)
    Scorecard.objects.filter(pk=card.pk).update(submitted_at=moment(GRADING_SUBMITTED, 16))
    _at(log, GRADING_SUBMITTED, 16, clock, card)
    if not clock.happened(GRADING_APPRAISED):
        return card
    _appraise(card, actors, {}, GRADING_APPRAISED, clock)
    if clock.happened(GRADING_DECISION[1]):
        _decide(card, actors, GRADING_DECISION, clock)
    return card


def _bon_tot(framework: Framework, unit: Unit, index: int, registered: date, actors: _Actors,
             clock: _Clock) -> Scorecard:
    user = actors.of(unit.code)
    residential = "TDP" in unit.code
    texts = RESIDENTIAL_COMMITMENTS if residential else AGENCY_COMMITMENTS
    card = _register(framework, unit, registered.year, registered, user, texts, clock)
    _evaluations(card, index, residential, user, clock,
                 skip_last=unit.code in MISSING_LAST_QUARTER)
    less = RECOGNISED.get(unit.code) or AWAITING.get(unit.code)
    submitted = BON_TOT_SUBMITTED if unit.code in RECOGNISED else AWAITING_SUBMITTED
    if less is None or not clock.happened(submitted):
        return card
    _self_score(card, user, less, submitted, clock)
    if unit.code in RECOGNISED and clock.happened(BON_TOT_APPRAISED):
        _appraise(card, actors, APPRAISAL_CUTS.get(unit.code, {}), BON_TOT_APPRAISED, clock)
        if clock.happened(BON_TOT_DECISION[1]):
            _decide(card, actors, BON_TOT_DECISION, clock)
    return card


@transaction.atomic
def load(stdout=None, today: date | None = None) -> bool:
    """Write the demo ward's scorecards of the year; return False when they are there."""
    if is_loaded():
        return False
    org_demo.load(stdout)  # the ward and its logins come first (a no-op when present)
    ensure_frameworks()
    clock = _Clock(today or timezone.localdate())
    year = demo_year()
    frameworks = {f.code: f for f in Framework.objects.filter(is_active=True)}
    users = get_user_model().objects.in_bulk([OFFICE_LOGIN, LEADER_LOGIN, OPEN_LOGIN],
                                             field_name="username")
    actors = _Actors(office=users[OFFICE_LOGIN], leader=users[LEADER_LOGIN])
    if OPEN_LOGIN in users:
        actors.cell_logins[OPEN_CELL] = users[OPEN_LOGIN]
    units = Unit.objects.in_bulk([*CELLS, org_demo.WARD_CODE], field_name="code")
    made = 0
    for index, code in enumerate(CELLS):
        registered = _registered_on(index, code, year)
        if not clock.happened(registered):
            continue
        _grading(frameworks[GRADING], units[code], index, registered, actors, clock)
        _bon_tot(frameworks[BON_TOT], units[code], index, registered, actors, clock)
        made += 1
    committee_day = date(year, 1, 12)
    if clock.happened(committee_day):
        ward = units[org_demo.WARD_CODE]
        card = _register(frameworks[COMMITTEE_BON_TOT], ward, year, committee_day,
                         actors.office, COMMITTEE_COMMITMENTS, clock)
        _evaluations(card, 0, False, actors.office, clock, skip_last=False)
    for pk, when in clock.last.items():
        Scorecard.objects.filter(pk=pk).update(updated_at=when)
    if stdout is not None:
        recognised = Scorecard.objects.filter(framework__code=BON_TOT, year=year,
                                              state="recognised").count()
        stdout.write(f"Đã tạo phiếu “Chi bộ bốn tốt” năm {year} của {made} chi bộ phường Bắc "
                     f"Kạn ({recognised} chi bộ đã được công nhận) và phiếu xếp loại tổ chức "
                     "đảng của từng chi bộ.")
    return True
