"""Read side of the unit's KPI screens: a unit's month and year in a few queries each.

The unit month page lists every person the unit grades (``domain.expected_people``)
with the month's sheet and the absence reported for the month, joined in one
statement (a person has at most one of each per month: two unique constraints),
so the page costs the same number of queries for 3 people as for 500. Ranking,
filters and the search by name run in Python over those rows: the rank is the
place among everyone of the unit, whatever the filter shows.

The unit year page reads the finalised months through
:func:`thidua.kpi.domain.period_results` (the year and each quarter), so the
numbers shown are the ones awards will read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import FilteredRelation, Q

from thidua.core.text import fold
from thidua.kpi import domain
from thidua.kpi.models import SHEET_WORKFLOW, MissingReason, MonthSheet, UnitMonth
from thidua.kpi.policy import Grade, Policy, YearMethod
from thidua.movements.charts import format_number
from thidua.org.choices import StaffCategory
from thidua.org.models import Unit

#: Sheets that take part in the ranking: complete ones (sent to the leader or finalised).
RANKED_STATES = ("submitted", "finalised")
NO_SHEET = "chua_lap"
MISSING = "khong_danh_gia"
STATE_FILTERS = [
    (NO_SHEET, "Chưa lập phiếu"),
    *SHEET_WORKFLOW.choices(),
    (MISSING, "Báo không đánh giá"),
]
STATE_BADGES = {NO_SHEET: "text-bg-light border", "draft": "text-bg-secondary",
                "submitted": "text-bg-primary", "returned": "text-bg-warning",
                "finalised": "text-bg-success", MISSING: "text-bg-info"}
GRADE_BADGES = {Grade.HTXS: "text-bg-success", Grade.HTT: "text-bg-primary",
                Grade.HT: "text-bg-warning", Grade.KHT: "text-bg-danger"}
GRADE_FILTERS = [(code, f"{Grade.SHORT[code]} — {Grade.LABELS[code]}") for code in Grade.ORDER]
REASON_LABELS = dict(MissingReason.choices)
CATEGORY_LABELS = dict(StaffCategory.choices)


def group_label(code: str) -> str:
    """The task group as the cap counts it: leaders apart, staff by category."""
    if code == domain.LEADER_GROUP:
        return "Lãnh đạo, quản lý"
    return CATEGORY_LABELS.get(code, code or "Chung")


def score_text(score: Decimal | None) -> str:
    return format_number(score) if score is not None else "—"


class Graded:
    """The texts of a ``score`` and ``grade`` (both None when nothing is graded), for the
    rows of the month and the cells of the year alike."""

    __slots__ = ()
    score: Decimal | None
    grade: str | None

    @property
    def score_text(self) -> str:
        return score_text(self.score)

    @property
    def grade_short(self) -> str:
        return Grade.SHORT[self.grade] if self.grade else ""

    @property
    def grade_label(self) -> str:
        return Grade.LABELS[self.grade] if self.grade else ""

    @property
    def grade_badge(self) -> str:
        return GRADE_BADGES.get(self.grade, "")


# A unit's month -------------------------------------------------------------------------------
@dataclass(slots=True)
class MonthRow(Graded):
    """One person of the unit's month, with every text the page prints worked out."""

    person_id: int
    staff_code: str
    name: str
    name_folded: str
    position: str
    is_leader: bool
    task_group: str
    sheet_id: int | None
    state: str  # a sheet state, NO_SHEET or MISSING
    score: Decimal | None
    grade: str | None
    computed_grade: str | None
    grade_note: str
    lowered_for_cap: bool
    missing_id: int | None
    missing_reason: str
    missing_note: str
    rank: int | None = None

    @property
    def state_label(self) -> str:
        if self.state == MISSING:
            return "Không đánh giá"
        if self.state == NO_SHEET:
            return "Chưa lập phiếu"
        return SHEET_WORKFLOW.label(self.state)

    @property
    def state_badge(self) -> str:
        return STATE_BADGES[self.state]

    @property
    def group_label(self) -> str:
        return group_label(self.task_group)

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.missing_reason, "")

    @property
    def note(self) -> str:
        """What the export's "Ghi chú" says: why not graded, or why the grade differs."""
        if self.missing_id is not None:
            return "; ".join(t for t in (f"Không đánh giá: {self.reason_label}",
                                         self.missing_note) if t)
        return self.grade_note

    @property
    def finalisable(self) -> bool:
        return self.state == "submitted"

    @property
    def settled(self) -> bool:
        """Finalised, or reported as not graded: nothing stands in the close's way."""
        return self.state == "finalised" or self.missing_id is not None


def month_rows(unit: Unit, month: date) -> list[MonthRow]:
    """Everyone the unit grades in ``month``, by name, ranked: one query."""
    people = (domain.expected_people(unit, month)
              .annotate(sheet=FilteredRelation("kpi_sheets",
                                               condition=Q(kpi_sheets__month=month)),
                        miss=FilteredRelation("kpi_missing",
                                              condition=Q(kpi_missing__month=month)))
              .order_by("name_folded", "pk")
              .values_list("pk", "staff_code", "full_name", "name_folded", "position",
                           "is_leader", "staff_category", "sheet__pk", "sheet__state",
                           "sheet__score", "sheet__grade", "sheet__computed_grade",
                           "sheet__grade_note", "sheet__lowered_for_cap", "sheet__task_group",
                           "sheet__is_leader", "miss__pk", "miss__reason", "miss__note"))
    rows = []
    for (pk, code, name, folded, position, leader, category, sheet_id, state, score, grade,
         computed, note, lowered, group, sheet_leader, missing_id, reason, missing_note) in people:
        if sheet_id is None:
            group = domain.LEADER_GROUP if leader else category
        else:
            leader = sheet_leader
        if state is None:
            state = MISSING if missing_id is not None else NO_SHEET
        elif missing_id is not None and state != "finalised":
            state = MISSING  # the leader's report stands for an unfinished sheet
        rows.append(MonthRow(
            person_id=pk, staff_code=code, name=name, name_folded=folded, position=position,
            is_leader=leader, task_group=group, sheet_id=sheet_id, state=state,
            score=Decimal(score) if score is not None else None,
            grade=grade, computed_grade=computed, grade_note=note or "",
            lowered_for_cap=bool(lowered), missing_id=missing_id, missing_reason=reason or "",
            missing_note=missing_note or ""))
    rank(rows)
    return rows


def rank(rows: list[MonthRow]) -> None:
    """Competition ranking by score among complete sheets: equal scores share a place,
    the next place skips (1, 2, 2, 4)."""
    ranked = sorted((r for r in rows if r.sheet_id is not None and r.state in RANKED_STATES),
                    key=lambda r: -r.score)
    previous, place = None, 0
    for index, row in enumerate(ranked, start=1):
        if row.score != previous:
            place, previous = index, row.score
        row.rank = place


def filter_rows(rows: list[MonthRow], *, q: str = "", state: str = "", grade: str = "",
                group: str = "") -> list[MonthRow]:
    """The rows the filters keep; the name is compared accent-free (``Person.name_folded``)."""
    folded = fold(q)
    return [r for r in rows
            if (not folded or folded in r.name_folded)
            and (not state or r.state == state)
            and (not grade or (r.grade == grade and r.state != MISSING))
            and (not group or r.task_group == group)]


@dataclass
class MonthSummary:
    total: int
    states: list[tuple[str, str, int]]  # (code, label, count)
    grades: list[tuple[str, str, int]]  # finalised sheets by grade
    settled: int
    submitted: int
    without_sheet: list[MonthRow] = field(default_factory=list)

    @property
    def unsettled(self) -> int:
        return self.total - self.settled


def summary(rows: list[MonthRow]) -> MonthSummary:
    states = Counter(r.state for r in rows)
    grades = Counter(r.grade for r in rows if r.state == "finalised")
    return MonthSummary(
        total=len(rows),
        states=[(code, label, states[code]) for code, label in STATE_FILTERS],
        grades=[(code, Grade.SHORT[code], grades[code]) for code in Grade.ORDER],
        settled=sum(1 for r in rows if r.settled),
        submitted=states["submitted"],
        without_sheet=[r for r in rows if r.sheet_id is None and r.missing_id is None],
    )


def month_state(unit: Unit, month: date) -> UnitMonth | None:
    return (UnitMonth.objects.filter(unit=unit, month=month)
            .select_related("closed_by").first())


def submitted_sheets(unit: Unit, month: date):
    """The unit's sheets waiting for the leader; staff before leaders (a leader's sheet
    carries the unit's result, so it is finalised last)."""
    return (MonthSheet.objects.filter(unit=unit, month=month, state="submitted")
            .select_related("person", "unit", "person__user")
            .order_by("is_leader", "person__name_folded", "pk"))


# A unit's year -------------------------------------------------------------------------------
QUARTERS = ((1, 2, 3), (4, 5, 6), (7, 8, 9), (10, 11, 12))


@dataclass(slots=True)
class Cell(Graded):
    """A score and grade (of a month, a quarter or the year); empty when nothing graded."""

    score: Decimal | None
    grade: str | None


EMPTY = Cell(None, None)


@dataclass(slots=True)
class YearRow:
    person_id: int
    staff_code: str
    name: str
    position: str
    months: list[Cell]
    quarters: list[Cell]
    year: Cell
    graded_months: int
    note: str


@dataclass
class YearTable:
    unit: Unit
    year: int
    months: list[date]
    rows: list[YearRow]
    #: month → grade → number of people graded so (finalised sheets)
    distribution: list[tuple[date, dict[str, int]]]
    policy: Policy

    @property
    def method_label(self) -> str:
        """How the quarters and the year come from the months, in words."""
        return dict(YearMethod.CHOICES).get(self.policy.year_method, self.policy.year_method)

    @property
    def distribution_rows(self) -> list[tuple[str, str, list[int]]]:
        """Per grade, the number of people so graded each month (the chart as a table)."""
        return [(code, Grade.SHORT[code], [counts[code] for _m, counts in self.distribution])
                for code in Grade.ORDER]

    @property
    def grade_totals(self) -> list[tuple[str, str, int]]:
        totals = Counter(r.year.grade for r in self.rows if r.year.grade)
        return [(code, Grade.SHORT[code], totals[code]) for code in Grade.ORDER]


def _cell(result) -> Cell:
    return Cell(result.score, result.grade) if result is not None else EMPTY


def year_table(unit: Unit, year: int) -> YearTable:
    """Every active person of the unit with the 12 months, the quarters and the year.

    Each period is one :func:`domain.period_results` call (two queries each: the
    finalised sheets and the discipline decisions), plus one for the people and
    one for the policy: eleven queries whatever the number of people.
    """
    months = domain.months_of(year)
    people = list(domain.expected_people(unit, months[-1]).order_by("name_folded", "pk")
                  .values_list("pk", "staff_code", "full_name", "position"))
    pairs = [(pk, unit.pk) for pk, *_rest in people]
    policies = {unit.pk: domain.policy_for(unit)}
    whole = domain.period_results(pairs, months, policies) if pairs else {}
    quarters = [domain.period_results(pairs, [date(year, m, 1) for m in q], policies)
                if pairs else {} for q in QUARTERS]
    rows = []
    distribution = [(m, dict.fromkeys(Grade.ORDER, 0)) for m in months]
    for pk, code, name, position in people:
        result = whole[pk]
        cells = []
        for index, month in enumerate(months):
            graded = result.months.get(month)
            if graded is None:
                cells.append(EMPTY)
            else:
                cells.append(Cell(graded[0], graded[1]))
                distribution[index][1][graded[1]] += 1
        notes = []
        if result.note:
            notes.append(result.note)
        rows.append(YearRow(
            person_id=pk, staff_code=code, name=name, position=position, months=cells,
            quarters=[_cell(q.get(pk)) for q in quarters], year=_cell(result),
            graded_months=len(result.months), note="; ".join(notes)))
    return YearTable(unit, year, months, rows, distribution, policies[unit.pk])
