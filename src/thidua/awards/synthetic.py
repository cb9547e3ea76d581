"""Three years of commendation history for the synthetic province (benchmarks only).

``generate(Spec(province_code=...))`` writes, over the province's active people and units:

- a kpi ``YearResult`` for each of the ``years`` years ending in ``year`` where there is none
  yet (``kpi.synthetic`` + ``thidua kpi year`` may have stored one year already): HTXS 15%,
  HTT 62%, HT 18%, KHT 5%, with a score in the band;
- for the years before ``year``: LĐTT awards (imported history) for those graded HTT or
  better, CSTĐCS for most of the HTXS ones (about 12% of LĐTT), a few revoked; Tập thể LĐTT
  for 60% of the units and Tập thể LĐXS for 10%;
- the units' grades (``UnitGrade``) of every year;
- discipline in ``year`` for 0.5% of the people, open impediments for 0.2%;
- recognised initiatives, through ``initiatives.synthetic`` (only when the province has none).

Rows go straight to the tables (``core.bulk.insert_rows``); it refuses to run twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from thidua.awards.defaults import ensure_catalogue
from thidua.awards.models import Award, AwardType, Impediment, UnitGrade
from thidua.core.bulk import insert_rows
from thidua.kpi.models import YearResult
from thidua.org.choices import PersonStatus
from thidua.org.models import DisciplineRecord, Person, Unit

GRADES = [("htxs", 0.15), ("htt", 0.62), ("ht", 0.18), ("kht", 0.05)]
BANDS = {"htxs": (90, 99), "htt": (70, 89), "ht": (50, 69), "kht": (30, 49)}
UNIT_GRADES = [("htxs", 0.25), ("htt", 0.6), ("ht", 0.15)]


@dataclass(frozen=True)
class Spec:
    province_code: str = "SYN-TTN"
    year: int = 2026
    years: int = 3
    seed: int = 8
    #: Initiatives written when the province has none (initiatives.synthetic); None: one
    #: for every four active people.
    initiatives: int | None = None


@dataclass
class Result:
    year_results: int
    awards: int
    unit_grades: int
    initiatives: int


class AlreadyExists(Exception):
    """The province already has an award history."""


def _draw(rng: random.Random, table) -> str:
    value = rng.random()
    for item, share in table:
        if value < share:
            return item
        value -= share
    return table[-1][0]


@transaction.atomic
def generate(spec: Spec) -> Result:
    root = Unit.objects.get(code=spec.province_code, depth=1)
    if Award.objects.filter(unit__path__startswith=root.path).exists():
        raise AlreadyExists(spec.province_code)
    ensure_catalogue()
    types = dict(AwardType.objects.values_list("code", "pk"))
    years = list(range(spec.year - spec.years + 1, spec.year + 1))
    rng = random.Random(spec.seed)
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    people = list(Person.objects.filter(unit__path__startswith=root.path,
                                        status=PersonStatus.ACTIVE)
                  .order_by("pk").values_list("pk", "unit_id"))
    units = list(Unit.objects.filter(path__startswith=root.path, is_active=True)
                 .order_by("path").values_list("pk", flat=True))

    grades = {(pid, yr): grade for pid, yr, grade in YearResult.objects.filter(
        person__unit__path__startswith=root.path, year__in=years)
        .values_list("person_id", "year", "grade")}
    scores = {}

    def score(grade):
        low, high = BANDS[grade]
        value = Decimal(rng.randint(low * 10, high * 10 + 9)) / 10
        if value not in scores:
            scores[value] = ops.adapt_decimalfield_value(value, 5, 2)
        return scores[value]

    def year_rows():
        for pid, unit_id in people:
            for yr in years:
                if (pid, yr) in grades:
                    continue
                grade = _draw(rng, GRADES)
                grades[pid, yr] = grade
                yield (pid, unit_id, yr, 12, score(grade), grade, "", now)

    written = insert_rows(YearResult, ["person", "unit", "year", "months", "score", "grade",
                                       "note", "computed_at"], year_rows())

    text = {yr: f"QĐ khen thưởng năm {yr}" for yr in years}
    revoked_reason = "Kê khai thành tích không đúng"

    def award_rows():
        # award_type, person, unit, year, decision_text, source, revoked, revocation_reason,
        # revocation_decision, achievement, created_at
        for yr in years[:-1]:
            for pid, unit_id in people:
                grade = grades.get((pid, yr))
                if grade not in ("htxs", "htt"):
                    continue
                yield (types["ldtt"], pid, unit_id, yr, text[yr], "import", False, "", "", "",
                       now)
                if grade == "htxs" and rng.random() < 0.8:
                    revoked = rng.random() < 0.003
                    yield (types["cstdcs"], pid, unit_id, yr, text[yr], "import", revoked,
                           revoked_reason if revoked else "", "", "", now)
            for unit_id in units:
                if rng.random() < 0.6:
                    yield (types["tt_ldtt"], None, unit_id, yr, text[yr], "import", False, "",
                           "", "", now)
                    if rng.random() < 0.17:
                        yield (types["tt_ldxs"], None, unit_id, yr, text[yr], "import", False,
                               "", "", "", now)

    awards = insert_rows(Award, ["award_type", "person", "unit", "year", "decision_text",
                                 "source", "revoked", "revocation_reason",
                                 "revocation_decision", "achievement", "created_at"],
                         award_rows())

    have = set(UnitGrade.objects.filter(unit__path__startswith=root.path, year__in=years)
               .values_list("unit_id", "year"))
    unit_grades = insert_rows(UnitGrade, ["unit", "year", "grade", "source"], (
        (unit_id, yr, _draw(rng, UNIT_GRADES), "Số liệu tổng hợp")
        for yr in years for unit_id in units if (unit_id, yr) not in have))

    day = ops.adapt_datefield_value(date(spec.year, 3, 15))
    sample = rng.sample(people, max(1, len(people) // 200))
    insert_rows(DisciplineRecord, ["person", "form", "decision_number", "effective_from",
                                   "under_review", "note"], (
        (pid, rng.choice(["khien_trach", "khien_trach", "canh_cao"]), "", day, False, "")
        for pid, _unit in sample))
    sample = rng.sample(people, max(1, len(people) // 500))
    insert_rows(Impediment, ["person", "unit", "kind", "note", "opened_on"], (
        (pid, unit_id, rng.choice(["investigation", "complaint"]), "Đang xác minh", day)
        for pid, unit_id in sample))

    initiatives = 0
    from thidua.initiatives import synthetic as initiatives_synthetic
    from thidua.initiatives.models import Initiative

    if not Initiative.objects.filter(unit__path__startswith=root.path).exists():
        initiatives = initiatives_synthetic.generate(initiatives_synthetic.Spec(
            province_code=spec.province_code,
            count=spec.initiatives or max(1, len(people) // 4))).initiatives
    return Result(written, awards, unit_grades, initiatives)
