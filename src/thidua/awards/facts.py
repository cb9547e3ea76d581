"""Every fact eligibility reads, loaded for a scope and a year in a fixed number of queries.

``load(unit=..., year=...)`` reads, one set-based query per fact table (never one per
person or unit), for the people and units of a unit's subtree:

- the units and their active people (the members of a collective are the active people of
  the unit's whole subtree);
- the year grades: kpi ``YearResult`` (the system's years) and ``PastGrade`` (imported years
  before the system; a ``YearResult`` of the same year wins);
- the award history (``Award``), revoked ones included but flagged: they never count, and a
  revoked year breaks a run of consecutive years;
- the recognised initiatives of each author with their level and the year of recognition:
  the year of the certificate date, else of the decision date, else the initiative's
  ``year`` (the year it was filed) — a title counts the initiatives *recognised* in its years;
- discipline records (in the year, or under review; those of people no longer active count
  against their former collectives), open impediments of people and units,
  the units' own grades (``UnitGrade``) of the year, else the party organisation's grading
  recognised in scorecards (framework ``xep_loai_to_chuc_dang``) for party units.

The result (``Facts``) only holds plain values; the rules (``rules.py``) read it and never
touch the database. ``computed`` holds the answers of titles already evaluated in the same
run (LĐTT before CSTĐCS, …), keyed by award type code.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from thidua.awards.models import Award, Impediment, ImpedimentKind, PastGrade, UnitGrade
from thidua.initiatives.models import Author
from thidua.kpi.models import YearResult
from thidua.kpi.policy import Grade
from thidua.org.choices import DISCIPLINE_SEVERITY, DisciplineForm, PersonStatus
from thidua.org.models import DisciplineRecord, Person, Unit
from thidua.scorecards.models import Scorecard

#: The scorecards framework whose decided band stands for a collective's grade when it has
#: no ``UnitGrade`` of the year (party organisations).
PARTY_ORG_FRAMEWORK = "xep_loai_to_chuc_dang"
#: Initiative levels, lowest first: a higher level also satisfies a lower requirement.
LEVEL_RANK = {"co_so": 1, "tinh": 2, "toan_quoc": 3}
LEVEL_LABEL = {"co_so": "cấp cơ sở", "tinh": "cấp tỉnh", "toan_quoc": "toàn quốc"}
IMPEDIMENT_LABEL = dict(ImpedimentKind.choices)
DISCIPLINE_LABEL = dict(DisciplineForm.choices)
SEVERITY = {str(form.value): rank for form, rank in DISCIPLINE_SEVERITY.items()}


@dataclass(slots=True)
class PersonInfo:
    id: int
    name: str
    unit_id: int
    unit_name: str


@dataclass(slots=True)
class UnitInfo:
    id: int
    name: str
    path: str


@dataclass(slots=True)
class YearGrade:
    grade: str
    #: Decimal on PostgreSQL, float on SQLite (read raw: see ``_raw``).
    score: Decimal | float | None
    #: "kpi" (YearResult) or "past" (PastGrade).
    source: str
    #: The unit of the KPI year page (YearResult.unit).
    unit_id: int | None = None


@dataclass(slots=True)
class AwardFact:
    id: int
    code: str
    year: int
    revoked: bool
    label: str


@dataclass(slots=True)
class InitiativeFact:
    id: int
    title: str
    level: str
    year: int


@dataclass(slots=True)
class DisciplineFact:
    id: int
    form: str
    effective_from: datetime.date
    under_review: bool

    @property
    def severity(self) -> int:
        return SEVERITY.get(self.form, 0)

    @property
    def label(self) -> str:
        return DISCIPLINE_LABEL.get(self.form, self.form)


@dataclass(slots=True)
class ImpedimentFact:
    id: int
    kind: str
    opened_on: datetime.date

    @property
    def label(self) -> str:
        return IMPEDIMENT_LABEL.get(self.kind, self.kind)


class Links:
    """URLs of the facts, built from one ``reverse`` per kind of page (not one per fact)."""

    KPI_YEAR = ("kpi:unit_year",)
    PERSON = ("awards:person_history", "org:person_detail")
    UNIT = ("awards:unit_history", "org:unit_detail")
    INITIATIVE = ("initiatives:initiative", "initiatives:detail", "initiatives:bank_detail")

    def __init__(self):
        self._kpi_year = self._template(self.KPI_YEAR, 2)
        self._person = self._template(self.PERSON, 1)
        self._unit = self._template(self.UNIT, 1)
        self._initiative = self._template(self.INITIATIVE, 1)

    @staticmethod
    def _template(names, arity) -> str | None:
        """A format string of the first URL name that exists ("/kpi/don-vi/{}/nam/{}/")."""
        marks = [str(987650001 + i) for i in range(arity)]
        for name in names:
            try:
                url = reverse(name, args=[int(m) for m in marks])
            except NoReverseMatch:
                continue
            url = url.replace("{", "{{").replace("}", "}}")
            for mark in marks:
                url = url.replace(mark, "{}", 1)
            return url
        return None

    @staticmethod
    def _fill(template, *args) -> str:
        return "" if template is None else template.format(*args)

    def kpi_year(self, unit_id, year) -> str:
        return self._fill(self._kpi_year, unit_id, year) if unit_id else ""

    def person(self, person_id) -> str:
        return self._fill(self._person, person_id)

    def unit(self, unit_id) -> str:
        return self._fill(self._unit, unit_id)

    def initiative(self, initiative_id) -> str:
        return self._fill(self._initiative, initiative_id)


@dataclass
class Facts:
    year: int
    first_year: int
    #: The people to evaluate, and the units (collectives) to evaluate.
    people: dict[int, PersonInfo] = field(default_factory=dict)
    units: dict[int, UnitInfo] = field(default_factory=dict)
    #: Every active person of the loaded subtree (the members of the collectives).
    all_people: dict[int, PersonInfo] = field(default_factory=dict)
    #: unit id → ids of the active people of its subtree.
    members: dict[int, list[int]] = field(default_factory=dict)
    #: unit id → ids of the people of its subtree no longer active (retired, dismissed,
    #: transferred) who were disciplined in the year: a collective's "nobody disciplined"
    #: still reads them; their names are in ``former_people``.
    former_members: dict[int, list[int]] = field(default_factory=dict)
    former_people: dict[int, PersonInfo] = field(default_factory=dict)
    grades: dict[int, dict[int, YearGrade]] = field(default_factory=dict)
    awards: dict[int, list[AwardFact]] = field(default_factory=dict)
    unit_awards: dict[int, list[AwardFact]] = field(default_factory=dict)
    initiatives: dict[int, list[InitiativeFact]] = field(default_factory=dict)
    discipline: dict[int, list[DisciplineFact]] = field(default_factory=dict)
    impediments: dict[int, list[ImpedimentFact]] = field(default_factory=dict)
    unit_impediments: dict[int, list[ImpedimentFact]] = field(default_factory=dict)
    unit_grades: dict[int, YearGrade] = field(default_factory=dict)
    #: award type code → ids (people or units) found eligible earlier in the same run.
    computed: dict[str, set[int]] = field(default_factory=dict)
    #: A batch run (``evaluate``): the rules may skip the details of a subject failing two
    #: conditions or more, since such an answer is neither listed nor shown.
    brief: bool = False
    #: Values the rules compute once per run (shared checklists of far misses).
    memo: dict = field(default_factory=dict)
    #: award type code → short name, for the checks' labels.
    type_names: dict[str, str] = field(default_factory=dict)
    links: Links = field(default_factory=Links)

    # --- readers the rules use -------------------------------------------------------------

    def grade(self, person_id: int, year: int) -> YearGrade | None:
        found = self.grades.get(person_id)
        return found.get(year) if found else None

    def award_years(self, subject_id: int, code: str, *, collective: bool = False):
        """{year: AwardFact} of the non-revoked awards of ``code``, and the set of years where
        the only award of ``code`` was revoked."""
        rows = (self.unit_awards if collective else self.awards).get(subject_id)
        if not rows:
            return {}, set()
        kept, revoked = {}, set()
        for row in rows:
            if row.code != code:
                continue
            if row.revoked:
                revoked.add(row.year)
            else:
                kept[row.year] = row
        return kept, revoked - set(kept)

    def initiatives_of(self, person_id: int, first: int, last: int, level: str):
        """Recognised initiatives of the person at ``level`` or higher, recognised in
        ``first``…``last``."""
        found = self.initiatives.get(person_id)
        if not found:
            return []
        floor = LEVEL_RANK.get(level, 1)
        return [i for i in found
                if first <= i.year <= last and LEVEL_RANK.get(i.level, 0) >= floor]

    def disciplined_in_year(self, person_id: int, from_form: str, year: int | None = None):
        """Decided discipline taking effect in the year at ``from_form`` or heavier."""
        records = self.discipline.get(person_id)
        if not records:
            return []
        year = year or self.year
        floor = SEVERITY.get(from_form, 1)
        return [d for d in records
                if not d.under_review and d.effective_from.year == year and d.severity >= floor]

    def under_review(self, person_id: int):
        records = self.discipline.get(person_id)
        return [d for d in records if d.under_review] if records else []

    def has_title(self, subject_id: int, code: str, year: int, *, collective=False) -> bool:
        """Cheap: the subject holds ``code`` in ``year`` (computed in this run, or awarded and
        not revoked)."""
        computed = self.computed.get(code)
        if computed and subject_id in computed:
            return True
        rows = (self.unit_awards if collective else self.awards).get(subject_id)
        return bool(rows) and any(r.code == code and r.year == year and not r.revoked
                                  for r in rows)


def _raw(queryset) -> list[tuple]:
    """The rows of a ``values_list`` queryset without Django's per-row converters (the big
    tables: people, year grades, awards). Only for columns whose raw value is usable as is:
    ids, text, integers, booleans (0/1 on SQLite), scores (float on SQLite)."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def recognition_year(initiative_year, decided_on, certificate_date) -> int:
    """The year an initiative counts for: the certificate's, else the decision's, else the
    year it was filed."""
    for day in (certificate_date, decided_on):
        if day is not None:
            return day.year
    return initiative_year


def load(*, year: int, first_year: int, unit: Unit | None = None, subtree: bool = True,
         person_ids: list[int] | None = None, collectives: bool = True) -> Facts:
    """Load the facts of ``unit`` (and its subtree) or of the given people, for the years
    ``first_year``…``year``: ten queries whatever the number of people or units."""
    facts = Facts(year=year, first_year=first_year)

    # Units of the subtree (query 1) and their active people (query 2).
    if unit is not None:
        unit_rows = list(Unit.objects.filter(path__startswith=unit.path, is_active=True)
                         .values_list("id", "name", "path"))
        units = {pk: UnitInfo(pk, name, path) for pk, name, path in unit_rows}
        people_qs = Person.objects.filter(unit__path__startswith=unit.path,
                                          status=PersonStatus.ACTIVE)
        person_filter = {"person__unit__path__startswith": unit.path}
        unit_filter = {"unit__path__startswith": unit.path}
    else:
        units = {}
        people_qs = Person.objects.filter(pk__in=person_ids or [])
        person_filter = {"person_id__in": person_ids or []}
        unit_filter = None
    for pk, name, unit_id, unit_name in _raw(people_qs.values_list("id", "full_name", "unit_id",
                                                                   "unit__name")):
        facts.all_people[pk] = PersonInfo(pk, name, unit_id, unit_name)

    if unit is not None:
        facts.people = (facts.all_people if subtree else
                        {pk: p for pk, p in facts.all_people.items() if p.unit_id == unit.pk})
        if collectives:
            facts.units = units if subtree else (
                {unit.pk: units[unit.pk]} if unit.pk in units else {})
        by_path = {u.path: u.id for u in units.values()}
        unit_path = {u.id: u.path for u in units.values()}
        steplen = Unit.steplen
        floor = len(unit.path)

        def holders(unit_id):
            """The collectives (active units of the subtree) a person of ``unit_id`` is in."""
            path = unit_path.get(unit_id)
            if path is None:
                return
            for end in range(floor, len(path) + 1, steplen):
                holder = by_path.get(path[:end])  # None: an inactive (merged) unit
                if holder is not None:
                    yield holder

        members = defaultdict(list)
        for person in facts.all_people.values():
            for holder in holders(person.unit_id):
                members[holder].append(person.id)
        facts.members = dict(members)
    else:
        facts.people = facts.all_people

    # Year grades (queries 3 and 4): PastGrade first, the system's YearResult overrides it.
    grades = defaultdict(dict)
    for pid, yr, grade in (PastGrade.objects.filter(year__gte=first_year, year__lte=year,
                                                    **person_filter)
                           .values_list("person_id", "year", "grade")):
        grades[pid][yr] = YearGrade(grade, None, "past")
    for pid, yr, grade, score, unit_id in _raw(
            YearResult.objects.filter(year__gte=first_year, year__lte=year, **person_filter)
            .values_list("person_id", "year", "grade", "score", "unit_id")):
        grades[pid][yr] = YearGrade(grade, score, "kpi", unit_id)
    facts.grades = dict(grades)

    # Award history (query 5): people's and, for a unit scope, collectives' (all years: the
    # rules that look back further than the grades need it).
    award_q = Q(person__isnull=False, **person_filter)
    if unit_filter is not None and collectives:
        award_q |= Q(person__isnull=True, **unit_filter)
    awards, unit_awards = defaultdict(list), defaultdict(list)
    for pk, pid, unit_id, code, yr, revoked, text, number in _raw(
            Award.objects.filter(award_q, year__lte=year)
            .values_list("id", "person_id", "unit_id", "award_type__code", "year", "revoked",
                         "decision_text", "decision__number")):
        fact = AwardFact(pk, code, yr, bool(revoked), number or text)
        (awards[pid] if pid is not None else unit_awards[unit_id]).append(fact)
    facts.awards, facts.unit_awards = dict(awards), dict(unit_awards)

    # Recognised initiatives per author (query 6), selected by the year of recognition
    # (``recognition_year``), however long before it they were filed.
    days = (datetime.date(first_year, 1, 1), datetime.date(year, 12, 31))
    recognised_in = (
        Q(initiative__certificate_date__range=days)
        | Q(initiative__certificate_date__isnull=True, initiative__decided_on__range=days)
        | Q(initiative__certificate_date__isnull=True, initiative__decided_on__isnull=True,
            initiative__year__gte=first_year, initiative__year__lte=year))
    initiatives = defaultdict(list)
    for pid, iid, title, level, filed, decided, certified in (
            Author.objects.filter(recognised_in, initiative__state="recognised",
                                  **person_filter)
            .values_list("person_id", "initiative_id", "initiative__title", "initiative__level",
                         "initiative__year", "initiative__decided_on",
                         "initiative__certificate_date")):
        counted = recognition_year(filed, decided, certified)
        if first_year <= counted <= year:
            initiatives[pid].append(InitiativeFact(iid, title, level, counted))
    facts.initiatives = dict(initiatives)

    # Discipline (query 7): taking effect in the year, or under review.
    # The people no longer active are kept apart (former_members): only the collectives'
    # "nobody disciplined in the year" reads them.
    discipline = defaultdict(list)
    former = defaultdict(list)
    for pk, pid, form, since, review, name, unit_id, unit_name in (
            DisciplineRecord.objects.filter(
                Q(under_review=True) | Q(effective_from__year=year), **person_filter)
            .values_list("id", "person_id", "form", "effective_from", "under_review",
                         "person__full_name", "person__unit_id", "person__unit__name")):
        discipline[pid].append(DisciplineFact(pk, form, since, review))
        if (unit is not None and pid not in facts.all_people and pid not in facts.former_people
                and not review and since.year == year):
            facts.former_people[pid] = PersonInfo(pid, name, unit_id, unit_name)
            for holder in holders(unit_id):
                former[holder].append(pid)
    facts.discipline = dict(discipline)
    facts.former_members = dict(former)

    # Open impediments (query 8): on people, and on collectives (no person).
    imp_q = Q(person__isnull=False, **person_filter)
    if unit_filter is not None and collectives:
        imp_q |= Q(person__isnull=True, **unit_filter)
    people_imp, unit_imp = defaultdict(list), defaultdict(list)
    for pk, pid, unit_id, kind, opened in (
            Impediment.objects.filter(imp_q, resolved_on__isnull=True)
            .values_list("id", "person_id", "unit_id", "kind", "opened_on")):
        fact = ImpedimentFact(pk, kind, opened)
        (people_imp[pid] if pid is not None else unit_imp[unit_id]).append(fact)
    facts.impediments, facts.unit_impediments = dict(people_imp), dict(unit_imp)

    # The collectives' own grades of the year (query 10), else the party organisation's
    # grading decided in scorecards (query 9; Quy định 366-QĐ/TW bands, same codes).
    if unit_filter is not None and collectives:
        party = {uid: YearGrade(band, None, "scorecard")
                 for uid, band in Scorecard.objects.filter(
                     framework__code=PARTY_ORG_FRAMEWORK, person__isnull=True, year=year,
                     state="recognised", band__in=Grade.ORDER, **unit_filter)
                 .values_list("unit_id", "band")}
        facts.unit_grades = {
            **party,
            **{uid: YearGrade(grade, None, "unit")
               for uid, grade in UnitGrade.objects.filter(year=year, **unit_filter)
               .values_list("unit_id", "grade")}}
    return facts
