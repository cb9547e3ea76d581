"""The history of awards: a person's and a unit's titles and forms by year.

A person's (or a collective's) page lists every award year by year — the
decision (a ``Decision`` of the system, or the decision as written on paper
for imported history), the amount, where it came from — with revoked awards
kept and shown struck through with the reason and the revocation decision.
The "consecutive" counts that eligibility reads are made visible: each award
carries the number of years in a row of its type ending that year, and the
page sums them up per type ("CSTĐCS: 3 năm liên tục (2024–2026)"). A revoked
award never counts: it breaks the run (DOMAIN.md §2, Luật TĐKT 2022 Điều 93).

Every function reads in a fixed number of queries, whatever the number of
years or awards: ``person_history`` three (awards, KPI year results, past
grades), ``unit_history`` two (awards, unit grades).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from thidua.awards.models import Award, AwardType, PastGrade, UnitGrade
from thidua.kpi.policy import Grade


@dataclass
class AwardLine:
    """One award of a year, with the years in a row of its type ending that year."""

    award: Award
    #: Years in a row of this type ending this year (this one included); 0 when revoked.
    streak: int = 0

    @property
    def type_label(self) -> str:
        return self.award.award_type.short_name or self.award.award_type.name

    @property
    def decision_label(self) -> str:
        return decision_label(self.award)

    @property
    def streak_label(self) -> str:
        if self.streak < 2:
            return ""
        return f"năm thứ {self.streak} liên tục"


@dataclass
class YearRow:
    """One year of the history: its awards and the year's grade when known."""

    year: int
    lines: list[AwardLine] = field(default_factory=list)
    #: The grade's label ("Hoàn thành xuất sắc nhiệm vụ"), "" when unknown.
    grade: str = ""
    #: Where the grade comes from ("Đánh giá trên hệ thống", "Hồ sơ lưu trữ").
    grade_source: str = ""


@dataclass(frozen=True)
class Run:
    """The latest run of consecutive years of one title or form."""

    label: str
    code: str
    length: int
    first: int
    last: int
    order: int = 100

    def __str__(self) -> str:
        if self.length == 1:
            return f"{self.label}: 1 năm ({self.last})"
        return f"{self.label}: {self.length} năm liên tục ({self.first}–{self.last})"


def decision_label(award: Award) -> str:
    """The decision of an award as a sentence: the system's decision, or the paper one."""
    decision = award.decision
    if decision is None:
        return award.decision_text
    return (f"Quyết định số {decision.number} ngày {decision.date:%d/%m/%Y} của "
            f"{decision.granting_unit.name}")


def _award_rows(queryset: QuerySet) -> list[Award]:
    return list(queryset.select_related("award_type", "unit", "decision__granting_unit")
                .order_by("-year", "award_type__order", "pk"))


def streaks(awards: Iterable[Award]) -> dict[int, int]:
    """Award pk → the years in a row of its type (same subject) ending at its year.

    ``awards`` must hold every award of the subject(s) the caller shows (the earlier
    years too); revoked awards count 0 and break the run.
    """
    years: dict[tuple, set[int]] = defaultdict(set)
    awards = list(awards)
    for award in awards:
        if not award.revoked:
            years[(award.person_id, award.unit_id if award.person_id is None else None,
                   award.award_type_id)].add(award.year)
    result = {}
    for award in awards:
        if award.revoked:
            result[award.pk] = 0
            continue
        held = years[(award.person_id, award.unit_id if award.person_id is None else None,
                      award.award_type_id)]
        length, year = 0, award.year
        while year in held:
            length, year = length + 1, year - 1
        result[award.pk] = length
    return result


def _rows(awards: list[Award], grades: dict[int, tuple[str, str]]) -> list[YearRow]:
    counts = streaks(awards)
    by_year: dict[int, YearRow] = {}
    for year in {a.year for a in awards} | set(grades):
        label, source = grades.get(year, ("", ""))
        by_year[year] = YearRow(year, grade=label, grade_source=source)
    for award in awards:
        by_year[award.year].lines.append(AwardLine(award, counts[award.pk]))
    return [by_year[year] for year in sorted(by_year, reverse=True)]


SYSTEM_GRADE = "Đánh giá trên hệ thống"
ARCHIVE_GRADE = "Hồ sơ lưu trữ"


def person_history(person) -> list[YearRow]:
    """Every award of ``person`` by year (latest first), with each year's grade: the KPI
    year result, or the past grade imported for a year before the system."""
    from thidua.kpi.models import YearResult

    awards = _award_rows(Award.objects.filter(person=person))
    grades: dict[int, tuple[str, str]] = {}
    for year, grade in PastGrade.objects.filter(person=person).values_list("year", "grade"):
        grades[year] = (Grade.LABELS.get(grade, grade), ARCHIVE_GRADE)
    for year, grade in YearResult.objects.filter(person=person).values_list("year", "grade"):
        grades[year] = (Grade.LABELS.get(grade, grade), SYSTEM_GRADE)
    return _rows(awards, grades)


def unit_history(unit) -> list[YearRow]:
    """Every award of ``unit`` as a collective by year, with its yearly grade."""
    awards = _award_rows(Award.objects.filter(person__isnull=True, unit=unit))
    grades = {year: (Grade.LABELS.get(grade, grade), ARCHIVE_GRADE)
              for year, grade in UnitGrade.objects.filter(unit=unit)
              .values_list("year", "grade")}
    return _rows(awards, grades)


def runs(rows: list[YearRow]) -> list[Run]:
    """For each title or form held, the latest run of consecutive years (no query).

    ``rows`` is a whole history (``person_history`` or ``unit_history``); revoked awards
    are left out, so a revoked year ends a run.
    """
    years: dict[int, set[int]] = defaultdict(set)
    types: dict[int, AwardType] = {}
    for row in rows:
        for line in row.lines:
            if not line.award.revoked:
                years[line.award.award_type_id].add(row.year)
                types[line.award.award_type_id] = line.award.award_type
    result = []
    for type_id, held in years.items():
        last = max(held)
        first = last
        while first - 1 in held:
            first -= 1
        award_type = types[type_id]
        result.append(Run(award_type.short_name or award_type.name, award_type.code,
                          last - first + 1, first, last, award_type.order))
    return sorted(result, key=lambda run: (run.order, run.label))


def people_awards(unit, year: int | None = None) -> QuerySet:
    """The awards of the people of ``unit``'s subtree (the unit they were in when awarded),
    latest year first — the unit's history table and its export read this."""
    queryset = Award.objects.filter(person__isnull=False, unit__path__startswith=unit.path)
    if year is not None:
        queryset = queryset.filter(year=year)
    return (queryset.select_related("award_type", "person", "unit", "decision__granting_unit")
            .order_by("-year", "unit__path", "person__name_folded", "award_type__order", "pk"))


def people_award_years(unit) -> list[int]:
    """The years in which people of ``unit``'s subtree received an award (one query)."""
    return list(Award.objects.filter(person__isnull=False, unit__path__startswith=unit.path)
                .order_by("-year").values_list("year", flat=True).distinct())


def streaks_of_page(awards: list[Award]) -> dict[int, int]:
    """``streaks`` for a page of awards of many people: one query reads those people's
    earlier awards of the same types."""
    if not awards:
        return {}
    earlier = Award.objects.filter(
        person_id__in={a.person_id for a in awards},
        award_type_id__in={a.award_type_id for a in awards},
        year__lte=max(a.year for a in awards)).only(
        "pk", "person_id", "unit_id", "award_type_id", "year", "revoked")
    counts = streaks(earlier)
    return {a.pk: counts.get(a.pk, 0) for a in awards}


def movement_awards(movement, unit) -> list[tuple[str, str, str]]:
    """The awards decided in the rounds of ``movement`` inside ``unit``'s subtree, revoked
    ones left out, as the review report's rows: (who, title or form, decision)."""
    awards = (Award.objects.filter(unit__path__startswith=unit.path, revoked=False)
              .filter(Q(decision__round__movement=movement)
                      | Q(nomination__round__movement=movement))
              .select_related("award_type", "person", "unit", "decision__granting_unit")
              .order_by("award_type__order", "unit__path", "person__name_folded", "pk"))
    return [(a.person.full_name if a.person_id else a.unit.name, a.award_type.name,
             _short_decision(a)) for a in awards]


def _short_decision(award: Award) -> str:
    decision = award.decision
    if decision is None:
        return award.decision_text
    return f"Số {decision.number} ngày {decision.date:%d/%m/%Y}"
