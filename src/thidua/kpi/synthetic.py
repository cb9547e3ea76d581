"""KPI sheets over the synthetic province, for benchmarks (``bench/measure.py``).

:func:`generate` lays over a province made by :mod:`thidua.org.synthetic`:

- one unit of about 500 people (``Văn phòng Tỉnh ủy`` under the root, its own
  people added), the size the unit month page must serve;
- one month — the last ended before ``today`` — of finalised sheets for every
  active person, with about 8 tasks each (6 to 10), the general criteria and
  the score and grade the policy in force gives them. In each unit and task
  group a few are HT, HTXS stay within the cap (20 % of those HTT or better)
  and nobody is KHT, so every unit is ready to close;
- optionally (``year_months``) the twelve months of the previous year, finalised
  sheets without tasks, for the yearly computation.

Scores are not guessed: a few hundred sheet templates (tasks and general
points) are scored once by :func:`thidua.kpi.domain.compute` with the policy in
force, and each person gets a template of the band drawn for him. Leaders'
templates are scored with their unit's full result (none of their staff is
KHT). Everything is written with ``bulk_create`` in its final state (no
workflow log): the default province takes a minute. The same seed and the same
``today`` give the same data.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from auditlog.context import disable_auditlog
from django.db import connection, transaction
from django.utils import timezone

from thidua.core.bulk import insert_rows
from thidua.core.text import fold
from thidua.kpi import domain, scoring
from thidua.kpi.demo import (
    ECONOMY,
    FRONT,
    INSPECTION,
    LEADERSHIP,
    OFFICE,
    ONE_STOP,
    PARTY_OFFICE,
    SOCIAL,
    task_figures,
)
from thidua.kpi.models import MonthSheet, Task
from thidua.kpi.policy import Grade
from thidua.org.choices import Gender, PersonStatus, StaffCategory
from thidua.org.models import Person, Unit, UnitKind

BATCH = 2000
CATALOGUE = ONE_STOP + OFFICE + ECONOMY + SOCIAL + PARTY_OFFICE + INSPECTION + FRONT
#: Share of each task's points aimed at, per band (drawn per template).
SHARES = {Grade.HTXS: (0.97, 1.0), Grade.HTT: (0.66, 0.86), Grade.HT: (0.42, 0.60)}
LEADER_SHARES = {Grade.HTXS: (0.95, 1.0), Grade.HTT: (0.40, 0.72)}
GENERAL = {Grade.HTXS: ["6", "6", "6", "5.5"], Grade.HTT: ["6", "5.5", "5.5", "5", "5"],
           Grade.HT: ["5", "4.5", "4", "4"]}
TEMPLATES_PER_BAND = 60
#: Chance that a staff member is HT in a month; HTXS are drawn up to the cap.
HT_RATE = 0.05
BIG_UNIT_NAME = "Văn phòng Tỉnh ủy"


class AlreadyExists(Exception):
    """The province already has KPI sheets for that month."""


@dataclass(frozen=True)
class Spec:
    province_code: str = "SYN-TTN"
    seed: int = 1
    #: The month graded is the last one ended before ``today``.
    today: date | None = None
    #: Tasks per sheet: drawn between ``tasks - 2`` and ``tasks + 2``.
    tasks: int = 8
    #: Also the twelve months of the previous year (sheets without tasks).
    year_months: bool = False
    #: People of the one large unit added under the root (0: none).
    big_unit_people: int = 500


@dataclass
class Result:
    month: date
    year: int
    sheets: int
    tasks: int
    year_sheets: int
    big_unit: Unit | None
    root: Unit = field(repr=False)


@dataclass(frozen=True)
class Template:
    general: dict
    tasks: tuple[tuple, ...]  # (name, assigned, done, meeting, on_time, errors, late)
    score: Decimal
    grade: str


def _task(rng: random.Random, share: float, catalogue) -> tuple:
    name, low, high = rng.choice(catalogue)
    return (name, *task_figures(rng, low, high, share))


def _templates(rng: random.Random, policy, *, leader: bool, tasks: int) -> dict[str, list]:
    """Sheet templates of each band, scored by the rules (``domain.compute``)."""
    shares = LEADER_SHARES if leader else SHARES
    found: dict[str, list[Template]] = {band: [] for band in shares}
    probe = MonthSheet(is_leader=leader)
    for band, (low, high) in shares.items():
        for _attempt in range(TEMPLATES_PER_BAND * 50):
            if len(found[band]) >= TEMPLATES_PER_BAND:
                break
            share = rng.uniform(low, high)
            figures = tuple(_task(rng, share, LEADERSHIP if leader else CATALOGUE)
                            for _ in range(rng.randint(tasks - 2, tasks + 2)))
            probe.self_general = {c.code: rng.choice(GENERAL[band])
                                  for c in policy.general_criteria}
            result = domain.compute(
                probe, policy, forms=[], subordinate_grades=[Grade.HTT] if leader else [],
                tasks=[Task(name=f[0], assigned=f[1], done=f[2], meeting=f[3], on_time=f[4],
                            major_errors=f[5], late_deliveries=f[6]) for f in figures])
            if result.grade == band:
                found[band].append(Template(dict(probe.self_general), figures, result.score,
                                            result.grade))
        if not found[band]:
            raise RuntimeError(f"no template lands in band {band} with this policy")
    return found


def _bands(rng: random.Random, people: list[tuple], policy) -> list[str]:
    """The band of each person of one unit's task group: a few HT, HTXS within the cap."""
    bands = [Grade.HT if not leader and rng.random() < HT_RATE else Grade.HTT
             for _pk, leader, _category in people]
    base = sum(1 for band in bands if band == Grade.HTT)
    allowance = scoring.htxs_allowance(base, policy)
    chosen = rng.sample([i for i, band in enumerate(bands) if band == Grade.HTT],
                        round(allowance * rng.uniform(0.5, 1.0)))
    for index in chosen:
        bands[index] = Grade.HTXS
    return bands


def _big_unit(spec: Spec, root: Unit, rng: random.Random) -> Unit | None:
    """One unit of ``spec.big_unit_people`` people under the root."""
    if spec.big_unit_people <= 0:
        return None
    code = f"{root.code}-VPTU"
    unit = Unit.objects.filter(code=code).first()
    if unit is not None:
        return unit
    kind = UnitKind.objects.get(code="ban_dang")
    unit = Unit.objects.get(pk=root.pk).add_child(
        instance=Unit(name=BIG_UNIT_NAME, code=code, kind=kind, sector=kind.sector))
    from thidua.org import synthetic as org_synthetic

    people = []
    for number in range(1, spec.big_unit_people + 1):
        gender = Gender.MALE if rng.random() < 0.5 else Gender.FEMALE
        name = org_synthetic._full_name(rng, "Kinh", gender)
        leader = number <= 3
        people.append(Person(
            staff_code=f"{code}-{number:04d}", full_name=name, name_folded=fold(name),
            gender=gender, staff_category=StaffCategory.CIVIL_SERVANT, unit=unit,
            position=("Chánh Văn phòng" if number == 1 else "Phó Chánh Văn phòng") if leader
            else "Chuyên viên", is_leader=leader, status=PersonStatus.ACTIVE))
    Person.objects.bulk_create(people, batch_size=BATCH)
    return unit


@transaction.atomic
def generate(spec: Spec) -> Result:
    """Write the month's sheets (and optionally the previous year's) over the province."""
    root = Unit.objects.get(code=spec.province_code, depth=1)
    today = spec.today or timezone.localdate()
    month = domain.shift_month(today.replace(day=1), -1)
    rng = random.Random(spec.seed)
    with disable_auditlog():
        big = _big_unit(spec, root, rng)
        units = list(Unit.objects.filter(path__startswith=root.path))
        unit_ids = [u.pk for u in units]
        if MonthSheet.objects.filter(unit__in=unit_ids, month=month).exists():
            raise AlreadyExists(f"{spec.province_code} {month:%m/%Y}")
        policies = {pk: value[0] for pk, value in domain.policies_for_units(units).items()}
        people = list(Person.objects.filter(unit__in=unit_ids, status=PersonStatus.ACTIVE)
                      .order_by("unit_id", "pk")
                      .values_list("pk", "unit_id", "is_leader", "staff_category"))
        templates = {}  # policy → (staff templates, leader templates)
        groups = defaultdict(list)
        for pk, unit_id, leader, category in people:
            group = domain.LEADER_GROUP if leader else category
            groups[(unit_id, group)].append((pk, leader, category))
        writer = _Writer()
        chosen: dict[int, Template] = {}
        rows = []
        for (unit_id, group), members in groups.items():
            policy = policies[unit_id]
            if policy not in templates:
                templates[policy] = (_templates(rng, policy, leader=False, tasks=spec.tasks),
                                     _templates(rng, policy, leader=True, tasks=spec.tasks))
            for (pk, leader, _category), band in zip(members, _bands(rng, members, policy),
                                                     strict=True):
                template = chosen[pk] = rng.choice(templates[policy][leader][band])
                rows.append(writer.sheet(pk, unit_id, month, group, leader, template,
                                         with_general=True))
        insert_rows(MonthSheet, SHEET_FIELDS, rows)
        ids = dict(MonthSheet.objects.filter(unit__in=unit_ids, month=month)
                   .values_list("person_id", "pk"))
        tasks = insert_rows(Task, TASK_FIELDS, (
            (ids[pk], order, *figures[:7], False)
            for pk, template in chosen.items()
            for order, figures in enumerate(template.tasks, start=1)))
        year_sheets = 0
        if spec.year_months:
            year_sheets = insert_rows(MonthSheet, SHEET_FIELDS,
                                      _year(rng, writer, people, month.year - 1, templates,
                                            policies))
    return Result(month=month, year=month.year - 1, sheets=len(rows), tasks=tasks,
                  year_sheets=year_sheets, big_unit=big, root=root)


SHEET_FIELDS = ["person", "unit", "month", "task_group", "is_leader", "state", "self_general",
                "review_general", "self_comment", "review_comment", "score", "computed_grade",
                "grade", "grade_note", "lowered_for_cap", "created_at", "updated_at",
                "finalised_at", "finalised_by"]
TASK_FIELDS = ["sheet", "order", "name", "assigned", "done", "meeting", "on_time",
               "major_errors", "late_deliveries", "objective_cause"]


class _Writer:
    """Sheet rows for :func:`thidua.core.bulk.insert_rows` (``COPY`` on PostgreSQL,
    ``executemany`` on SQLite).

    ``bulk_create`` prepares every value through its field (about 15 µs each): for
    the 1.2 million rows of the default province that is minutes. Values here are
    adapted once per distinct value (the templates' JSON and scores, one date per
    month, one moment) and the rows are plain tuples.
    """

    def __init__(self):
        self.ops = connection.ops
        self.now = self.ops.adapt_datetimefield_value(timezone.now())
        self.months: dict[date, object] = {}
        self.adapted: dict[int, tuple] = {}
        json_field = MonthSheet._meta.get_field("self_general")
        self.json = lambda value: json_field.get_db_prep_save(value, connection)
        self.empty = self.json({})

    def _template(self, template: Template) -> tuple:
        key = id(template)
        if key not in self.adapted:
            self.adapted[key] = (self.json(template.general),
                                 self.ops.adapt_decimalfield_value(template.score, 5, 2))
        return self.adapted[key]

    def sheet(self, person_id, unit_id, month, group, leader, template, *, with_general):
        if month not in self.months:
            self.months[month] = self.ops.adapt_datefield_value(month)
        general, score = self._template(template)
        return (person_id, unit_id, self.months[month], group, leader, "finalised",
                general if with_general else self.empty, self.empty, "", "", score,
                template.grade, template.grade, "", False, self.now, self.now, self.now, None)


def _year(rng: random.Random, writer: _Writer, people, year: int, templates, policies):
    """Twelve finalised months without tasks: each person's band drawn month by month
    around his own level (most HTT, some HTXS, a few HT)."""
    months = [date(year, number, 1) for number in range(1, 13)]
    for pk, unit_id, leader, category in people:
        staff, leaders = templates[policies[unit_id]]
        pool = leaders if leader else staff
        group = domain.LEADER_GROUP if leader else category
        level = rng.random()
        for month in months:
            draw = rng.random()
            band = (Grade.HTXS if draw < 0.15 * level else
                    Grade.HT if not leader and draw > 1 - 0.08 * (1 - level) else Grade.HTT)
            yield writer.sheet(pk, unit_id, month, group, leader, rng.choice(pool[band]),
                               with_general=False)
