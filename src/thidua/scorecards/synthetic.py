""""Chi bộ bốn tốt" scorecards over the synthetic province, for benchmarks (``bench/measure.py``).

:func:`generate` lays over a province made by :mod:`thidua.org.synthetic` one
"Chi bộ bốn tốt" scorecard of the year for every party cell, in the states an
office sees late in the year:

- a few cells still writing their registration (draft), most registered in
  January (about one in twelve after the 15/01 deadline, marked late);
- the quarterly self-evaluations of the quarters ended (a few missing);
- about half not self-scored yet; the others self-scored per item and
  submitted, some returned for completion, appraised (a few items lowered with
  a reason), then recognised (decision number and date) or, for a few, not;
- each cell's party-organisation grading of the year: decided (band HTXS, HTT,
  a few HT) for the cells whose "bốn tốt" scorecard is decided or appraised —
  the recognised ones HTT or better, as the rule asks — registered for the others.

Points are not guessed: a few dozen sets of item points are drawn and totalled
by :mod:`thidua.scorecards.rules` (total ≥ 90 and every criterion ≥ 20 for the
recognised, short of it for the refused), and each cell takes one.

The province of the default scale has about 2,300 cells; ``Spec.cells`` adds
residential cells (``chi_bo``, codes ``<commune>-KDC###``) spread over the
communes up to that many, so that the benchmark can hold the 5,000 cells the
issue names. Everything is written in its final state with plain ``INSERT``
(``COPY`` on PostgreSQL), without workflow log or audit entries: the 5,000
cells take seconds. The same seed and the same ``today`` give the same data.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from auditlog.context import disable_auditlog
from django.db import connection, transaction
from django.utils import timezone

from thidua.core.bulk import insert_rows
from thidua.org.models import Unit, UnitKind
from thidua.org.tree import bulk_add
from thidua.scorecards import domain, rules
from thidua.scorecards.defaults import ensure_frameworks
from thidua.scorecards.demo import (
    AGENCY_COMMITMENTS,
    AGENCY_EXTRA,
    BON_TOT,
    GRADING,
    QUARTER_NOTES,
    RESIDENTIAL_COMMITMENTS,
    RESIDENTIAL_EXTRA,
    SELF_NOTES,
    TOPICS,
)
from thidua.scorecards.models import Commitment, Evaluation, Framework, Scorecard, ScoreLine

#: The states of the "bốn tốt" scorecards late in the year, with their weights.
STATES = {"draft": 2, "registered": 48, "submitted": 12, "returned": 3, "appraised": 8,
          "recognised": 24, "not_recognised": 3}
LATE_SHARE = 0.08
#: Chance that a cell has sent a quarter's self-evaluation (the last ended one; earlier).
LAST_QUARTER_SENT, EARLIER_QUARTER_SENT = 0.85, 0.97
TEMPLATES = 60
APPRAISAL_REASONS = (
    "Biên bản sinh hoạt chi bộ chưa ghi đủ ý kiến thảo luận của đảng viên.",
    "Chưa kết nạp được đảng viên mới theo chỉ tiêu được giao.",
    "Chưa có minh chứng về việc thực hiện chuyên đề sinh hoạt hằng quý.",
    "Còn đảng viên chưa hoàn thành nghĩa vụ đóng đảng phí đúng hạn.",
)
RETURN_REASON = "Bổ sung nghị quyết, biên bản sinh hoạt chi bộ làm minh chứng."
DECISION = "{number}-QĐ/ĐU"
#: Names of the cells of villages and residential groups (the others are agencies').
RESIDENTIAL = ("Chi bộ Thôn", "Chi bộ Tổ dân phố", "Chi bộ Khu dân cư")


class AlreadyExists(Exception):
    """The province's cells already have "bốn tốt" scorecards of that year."""


@dataclass(frozen=True)
class Spec:
    province_code: str = "SYN-TTN"
    seed: int = 1
    #: The day the data is "as of" (default: today); the year is its year unless given.
    today: date | None = None
    year: int | None = None
    #: Cells wanted: residential cells are added under the communes up to this many
    #: (0: the province's cells as they are).
    cells: int = 0


@dataclass
class Result:
    year: int
    cells: int
    added: int
    scorecards: int
    lines: int
    evaluations: int
    commitments: int
    states: Counter = field(default_factory=Counter)
    root: Unit | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Points:
    """One set of item points: the self-score, the appraisal (lowered items with reasons)."""

    own: dict
    appraised: dict
    reasons: dict
    self_total: Decimal
    appraised_total: Decimal


def add_cells(root: Unit, wanted: int) -> int:
    """Residential cells under the communes, in turn, until the province has ``wanted``."""
    have = Unit.objects.filter(path__startswith=root.path, kind__code="chi_bo").count()
    missing = wanted - have
    if missing <= 0:
        return 0
    kind = UnitKind.objects.get(code="chi_bo")
    communes = list(Unit.objects.filter(path__startswith=root.path, kind__code="dang_uy_xa")
                    .order_by("path"))
    if not communes:
        return 0
    numbers = Counter()
    pairs = []
    for index in range(missing):
        commune = communes[index % len(communes)]
        numbers[commune.pk] += 1
        number = numbers[commune.pk]
        pairs.append((Unit(name=f"Chi bộ Khu dân cư số {number}", code=f"{commune.code}-KDC{number:03d}",
                           kind=kind, sector=kind.sector), commune))
    bulk_add(pairs)
    return missing


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(7, 16),
                                                          rng.randint(0, 59))))


def _day(rng: random.Random, start: date, end: date) -> date:
    return start if end <= start else start + timedelta(days=rng.randint(0, (end - start).days))


def _templates(rng: random.Random, framework: Framework) -> dict[str, list[Points]]:
    """Point sets that meet the rule ("pass") and that miss it ("fail"), by the rules."""
    tree = domain.nodes(framework)
    items = rules.scorable(tree)
    rule = framework.rule
    found: dict[str, list[Points]] = {"pass": [], "fail": []}
    for _attempt in range(TEMPLATES * 100):
        if all(len(v) >= TEMPLATES for v in found.values()):
            break
        strong = rng.random() < 0.6
        own = {}
        for item in items:
            lost = rng.choices([0, 0.5, 1, 2, 3], [60, 10, 18, 8, 4] if strong else
                               [30, 10, 25, 20, 15])[0]
            own[item.pk] = max(Decimal(0), item.max_points - Decimal(str(lost)))
        appraised, reasons = dict(own), {}
        for item in rng.sample(items, rng.choice([0, 0, 0, 1, 1, 2])):
            cut = min(own[item.pk], Decimal(rng.choice([1, 1, 2])))
            if cut:
                appraised[item.pk] = own[item.pk] - cut
                reasons[item.pk] = rng.choice(APPRAISAL_REASONS)
        verdict = "fail" if rules.unmet_conditions(tree, appraised, rule) else "pass"
        if len(found[verdict]) < TEMPLATES:
            found[verdict].append(Points(own, appraised, reasons, rules.total(tree, own),
                                         rules.total(tree, appraised)))
    if not found["pass"] or not found["fail"]:
        raise RuntimeError("no point sets on both sides of the recognition rule")
    return found


class _Rows:
    """Values adapted for :func:`thidua.core.bulk.insert_rows` (``COPY`` on PostgreSQL,
    ``executemany`` on SQLite)."""

    def __init__(self):
        self.ops = connection.ops

    def when(self, value):
        return None if value is None else self.ops.adapt_datetimefield_value(value)

    def day(self, value):
        return None if value is None else self.ops.adapt_datefield_value(value)


CARD_FIELDS = ["framework", "unit", "year", "state", "registered_at", "is_late", "submitted_at",
               "self_total", "appraised_total", "band", "decision_number", "decision_date",
               "decided_at", "created_at", "updated_at"]
LINE_FIELDS = ["scorecard", "criterion", "self_points", "self_note", "evidence",
               "appraised_points", "appraisal_reason"]
EVALUATION_FIELDS = ["scorecard", "period", "note", "evidence", "submitted_at"]
COMMITMENT_FIELDS = ["scorecard", "criterion", "text"]


@dataclass
class _Card:
    """One cell's scorecard as drawn, before it has an id."""

    unit_id: int
    residential: bool
    state: str
    registered: date | None
    late: bool
    submitted: date | None = None
    appraised: date | None = None
    decided: date | None = None
    points: Points | None = None
    decision: str = ""
    quarters: list = field(default_factory=list)


def _draw(rng, cells, year: int, today: date, templates) -> list[_Card]:
    due = date(year, 1, 15)
    states, weights = list(STATES), list(STATES.values())
    ended = [q for q in range(1, 5) if date(year + (q == 4), 3 * q % 12 + 1, 1) <= today]
    submit_from = max(date(year, 1, 20), today - timedelta(days=45))
    drawn = []
    for unit_id, name in cells:
        state = rng.choices(states, weights)[0]
        residential = name.startswith(RESIDENTIAL)
        late = rng.random() < LATE_SHARE
        registered = (None if state == "draft" else
                      _day(rng, date(year, 1, 16), date(year, 2, 28)) if late else
                      _day(rng, date(year, 1, 5), due))
        if registered is not None and registered > today:
            registered, state = None, "draft"
        card = _Card(unit_id, residential, state, registered, late and registered is not None)
        if state != "draft":
            last = len(ended)
            card.quarters = [(q, _day(rng, date(year + (q == 4), 3 * q % 12 + 1, 1),
                                      date(year + (q == 4), 3 * q % 12 + 1, 12)))
                             for q in ended
                             if rng.random() < (LAST_QUARTER_SENT if q == last
                                                else EARLIER_QUARTER_SENT)]
            card.quarters = [(q, min(day, today)) for q, day in card.quarters]
        if state not in ("draft", "registered"):
            card.submitted = min(today, max(registered, _day(rng, submit_from,
                                                             today - timedelta(days=3))))
            pool = templates["fail" if state == "not_recognised" else "pass"]
            card.points = rng.choice(pool)
        if state in ("appraised", "recognised", "not_recognised"):
            card.appraised = _day(rng, card.submitted, min(today, card.submitted
                                                             + timedelta(days=10)))
        if state in ("recognised", "not_recognised"):
            card.decided = _day(rng, card.appraised, min(today, card.appraised
                                                          + timedelta(days=7)))
        drawn.append(card)
    # One decision per commune and day would be closer to life; one number per day will do.
    numbers = {}
    for card in sorted((c for c in drawn if c.decided), key=lambda c: c.decided):
        numbers.setdefault(card.decided, 40 + len(numbers))
        card.decision = DECISION.format(number=numbers[card.decided])
    return drawn


@transaction.atomic
def generate(spec: Spec | None = None) -> Result:
    """Write the "bốn tốt" scorecards (and party-organisation gradings) of the province."""
    spec = spec or Spec()
    today = spec.today or timezone.localdate()
    year = spec.year or today.year
    root = Unit.objects.get(code=spec.province_code, depth=1)
    ensure_frameworks()
    frameworks = {f.code: f for f in Framework.objects.filter(code__in=[BON_TOT, GRADING],
                                                              is_active=True)}
    bon_tot, grading = frameworks[BON_TOT], frameworks[GRADING]
    if Scorecard.objects.filter(framework__code=BON_TOT, year=year,
                                unit__path__startswith=root.path).exists():
        raise AlreadyExists(f"{spec.province_code} {year}")
    rng = random.Random(spec.seed)
    with disable_auditlog():
        added = add_cells(root, spec.cells) if spec.cells else 0
        cells = list(Unit.objects.filter(path__startswith=root.path, kind__code="chi_bo",
                                         is_active=True).order_by("path")
                     .values_list("pk", "name"))
        drawn = _draw(rng, cells, year, today, _templates(rng, bon_tot))
        writer = _Rows()
        stamp = writer.when(timezone.now())
        insert_rows(Scorecard, CARD_FIELDS, (_card_row(writer, bon_tot, year, card, rng, stamp)
                                               for card in drawn))
        ids = dict(Scorecard.objects.filter(framework=bon_tot, year=year,
                                            unit__path__startswith=root.path)
                   .values_list("unit_id", "pk"))
        items = [node.pk for node in rules.scorable(domain.nodes(bon_tot))]
        groups = {g.code: g.pk for g in bon_tot.groups()}
        lines = insert_rows(ScoreLine, LINE_FIELDS, (
            row for card in drawn for row in _line_rows(ids[card.unit_id], card, items, rng)))
        evaluations = insert_rows(Evaluation, EVALUATION_FIELDS, (
            (ids[card.unit_id], quarter, _note(rng, quarter, year, card.residential), "",
             writer.when(_moment(day, rng)))
            for card in drawn for quarter, day in card.quarters))
        commitments = insert_rows(Commitment, COMMITMENT_FIELDS, (
            (ids[card.unit_id], pk, (RESIDENTIAL_COMMITMENTS if card.residential
                                     else AGENCY_COMMITMENTS)[code].format(year=year))
            for card in drawn if card.state != "draft" for code, pk in groups.items()))
        gradings, grading_lines = _gradings(writer, grading, year, drawn, rng, stamp, root)
    return Result(year=year, cells=len(cells), added=added, scorecards=len(drawn) + gradings,
                  lines=lines + grading_lines, evaluations=evaluations, commitments=commitments,
                  states=Counter(card.state for card in drawn), root=root)


def _note(rng, quarter: int, year: int, residential: bool) -> str:
    extras = RESIDENTIAL_EXTRA if residential else AGENCY_EXTRA
    return QUARTER_NOTES[quarter].format(year=year, extra=rng.choice(extras),
                                         topic=rng.choice(TOPICS))


def _card_row(writer: _Rows, framework, year: int, card: _Card, rng, stamp):
    points = card.points
    appraised = card.state in ("appraised", "recognised", "not_recognised")
    registered = _moment(card.registered, rng) if card.registered else None
    last = max([d for d in (card.registered, card.submitted, card.appraised, card.decided) if d],
               default=None)
    return (framework.pk, card.unit_id, year, card.state, writer.when(registered), card.late,
            writer.when(_moment(card.submitted, rng)) if card.submitted else None,
            points.self_total if points else None,
            points.appraised_total if points and appraised else None, "", card.decision,
            writer.day(card.decided), writer.when(_moment(card.decided, rng))
            if card.decided else None,
            writer.when(registered) if registered else stamp,
            writer.when(_moment(last, rng)) if last else stamp)


def _line_rows(card_id: int, card: _Card, items: list[int], rng):
    points = card.points
    appraised = card.state in ("appraised", "recognised", "not_recognised")
    for n, pk in enumerate(items):
        if points is None:
            yield (card_id, pk, None, "", "", None, "")
            continue
        yield (card_id, pk, points.own[pk], SELF_NOTES[n % len(SELF_NOTES)], "",
               points.appraised[pk] if appraised else None,
               points.reasons.get(pk, "") if appraised else "")


def _gradings(writer: _Rows, framework, year: int, drawn: list[_Card], rng, stamp, root
              ) -> tuple[int, int]:
    """Each registered cell's party-organisation grading: decided where "bốn tốt" went
    through appraisal (HTT or better for the recognised), registered elsewhere."""
    tree = domain.nodes(framework)
    groups = rules.scorable(tree)
    rows, plans = [], []
    for card in drawn:
        if card.registered is None:
            continue
        decided = card.appraised is not None
        total = None
        if decided:
            low = 50 if card.state == "not_recognised" else 70
            total = Decimal(rng.choice(range(low, 98)))
        day = card.appraised - timedelta(days=3) if decided else None
        rows.append((framework.pk, card.unit_id, year, "recognised" if decided else "registered",
                     writer.when(_moment(card.registered, rng)), False,
                     writer.when(_moment(day, rng)) if day else None, total, total,
                     rules.band_for(total, framework.bands) if decided else "",
                     "35-QĐ/ĐU" if decided else "", writer.day(day),
                     writer.when(_moment(day, rng)) if day else None, stamp, stamp))
        plans.append((card.unit_id, total))
    insert_rows(Scorecard, CARD_FIELDS, rows)
    ids = dict(Scorecard.objects.filter(framework=framework, year=year,
                                        unit__path__startswith=root.path)
               .values_list("unit_id", "pk"))

    def line_rows():
        for unit_id, total in plans:
            share = None if total is None else total / 100
            for group in groups:
                value = None if share is None else (group.max_points * share).quantize(
                    Decimal("0.01"))
                yield (ids[unit_id], group.pk, value, "", "", value, "")

    lines = insert_rows(ScoreLine, LINE_FIELDS, line_rows())
    return len(rows), lines


def delete(province_code: str) -> int:
    """Remove the scorecards of the synthetic province (with their lines, evaluations and
    commitments), so that the province itself can be deleted; return how many."""
    if not province_code.startswith("SYN-"):
        raise ValueError(f"{province_code} is not the code of a synthetic province")
    root = Unit.objects.filter(code=province_code, depth=1).first()
    if root is None:
        return 0
    with transaction.atomic(), disable_auditlog():
        cards = Scorecard.objects.filter(unit__path__startswith=root.path)
        count = cards.count()
        cards.delete()
    return count
