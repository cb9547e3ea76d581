"""Initiative measures for movement targets (registered in ``apps.ready``).

- ``initiative_people_share``: the share of the active staff of the chosen categories
  (the target's ``staff_categories``, else the movement's) working in the subtree who are
  an author of at least one initiative recognised in the year (``year``, default the year
  of the report date, or of the movement's end when it ended earlier) — "100% cán bộ có ít
  nhất 01 sáng kiến được công nhận". One grouped statement per dashboard.
- ``initiative_recognised_count``: initiatives recognised in the year, owned by units of
  the subtree, per taking-part unit (the target's ``unit_kinds``, else the movement's): the
  mean number per unit; a target on the ward itself (``unit_kinds`` = its kind) reads as
  the ward's total. Optional ``level`` (co_so, tinh, toan_quoc); without it an initiative
  recognised at two levels in the year counts once.
- ``initiative_on_time_share``: of the applications accepted for review and reviewed by a
  unit of the subtree, those decided within the three months (``decided_on`` ≤
  ``review_due_on``), over those decided in the year plus those undecided whose deadline
  had passed by the report date (or by the year's end, for a past year): they are late
  already. Counted at the reviewing unit.

The day an initiative was recognised is its decision day (``decided_on``, else the
certificate's date); one recognised without either counts in its application year.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from thidua.movements import indicators
from thidua.movements.indicators import (
    Context,
    Indicator,
    _kinds_check,
    month_bucket,
    plain_rows,
    remember,
    remembered,
)
from thidua.org.choices import PersonStatus, StaffCategory
from thidua.org.models import Person, Unit

RUNNING = ("accepted", "in_review")


def _year(params: dict, ctx: Context) -> int:
    year = params.get("year")
    if year not in (None, ""):
        return int(year)
    return min(ctx.as_of, ctx.movement.ends_on).year


def _check_year(params: dict) -> list[str]:
    year = params.get("year")
    if year in (None, ""):
        return []
    try:
        if 2000 <= int(year) <= 2100:
            return []
    except (TypeError, ValueError):
        pass
    return ["Năm phải là số từ 2000 đến 2100."]


def _check_level(params: dict) -> list[str]:
    from thidua.initiatives.models import Level

    level = params.get("level")
    if level and level not in Level.values:
        return [f"Cấp công nhận “{level}” không hợp lệ."]
    return []


def recognised_in(year: int, until: date, prefix: str = "") -> Q:
    """Condition on an initiative (at ``prefix``): recognised in ``year`` by ``until``."""
    day = f"{prefix}recognised_day"
    return (Q(**{f"{prefix}state": "recognised"})
            & (Q(**{f"{day}__year": year, f"{day}__lte": until})
               | Q(**{f"{day}__isnull": True, f"{prefix}year": year})))


def _recognised(year: int, until: date, level: str | None = None):
    from thidua.initiatives.models import Initiative

    rows = (Initiative.objects.annotate(recognised_day=Coalesce("decided_on", "certificate_date"))
            .filter(recognised_in(year, until)))
    return rows.filter(level=level) if level else rows


class PeopleWithInitiative(Indicator):
    key = "initiative_people_share"
    label = "Tỷ lệ cán bộ có ít nhất 01 sáng kiến được công nhận trong năm"
    counted = "people"

    def _categories(self, ctx, params):
        return params.get("staff_categories") or list(ctx.movement.staff_categories or [])

    def check(self, params, movement):
        errors = []
        categories = params.get("staff_categories") or movement.staff_categories or []
        unknown = set(categories) - set(StaffCategory.values)
        if unknown:
            errors.append(f"Đối tượng cán bộ không hợp lệ: {', '.join(sorted(unknown))}.")
        elif not categories:
            errors.append("Chưa xác định được mẫu số: hãy chọn đối tượng cán bộ.")
        return errors + _check_year(params) + _check_level(params)

    def describe(self, params):
        return f"{self.label} ({params['year']})" if params.get("year") else self.label

    def _author(self, params, year, until):
        """1 for a person (the outer row) who is an author of an initiative recognised in
        ``year`` by ``until``, else 0."""
        from thidua.initiatives.models import Author

        authored = Author.objects.filter(
            person=OuterRef("pk"),
            initiative__in=_recognised(year, until, params.get("level")).values("pk"))
        return Case(When(Exists(authored), then=Value(1)), default=Value(0),
                    output_field=IntegerField())

    def _people(self, ctx, params):
        units = Unit.objects.filter(ctx.unit_filter(prefix="")).values("pk")
        return Person.objects.filter(unit__in=units, status=PersonStatus.ACTIVE,
                                     staff_category__in=sorted(self._categories(ctx, params)))

    def cells(self, ctx, target):
        params = target.params or {}
        rows = (self._people(ctx, params)
                .annotate(covered=self._author(params, _year(params, ctx), ctx.as_of))
                .order_by().values("unit_id", "covered").annotate(n=Count("pk"))
                .values_list("unit_id", "covered", "n"))
        cells = defaultdict(lambda: [0.0, 0.0])
        for unit_id, covered, n in plain_rows(rows):
            cell = cells[unit_id]
            cell[1] += n
            if int(covered):
                cell[0] += n
        return {unit_id: (num, den) for unit_id, (num, den) in cells.items()}

    def numerators_at(self, ctx, target, cutoffs):
        """Authors counted at each cutoff (initiatives recognised by then): one query."""
        if not cutoffs:
            return []
        params = target.params or {}
        year = _year(params, ctx)
        totals = self._people(ctx, params).aggregate(**{
            f"at_{index}": Sum(self._author(params, year, min(cutoff, ctx.as_of)))
            for index, cutoff in enumerate(cutoffs)})
        return [float(totals[f"at_{index}"] or 0) for index in range(len(cutoffs))]


def _distinct_recognised(year: int, until: date, level: str | None = None):
    """Initiatives recognised in ``year`` by ``until``, each counted once: without a level,
    one recognised at two levels in the year (the proposal's ``previous`` recognised too)
    counts at its first recognition only."""
    rows = _recognised(year, until, level)
    if level:
        return rows
    return rows.exclude(previous__in=_recognised(year, until).values("pk"))


class RecognisedCount(Indicator):
    key = "initiative_recognised_count"
    label = "Số sáng kiến được công nhận trong năm (bình quân mỗi đơn vị)"
    scale = 1
    unit_label = " sáng kiến"
    counted = "mean"

    def check(self, params, movement):
        return _kinds_check(params, movement) + _check_year(params) + _check_level(params)

    def describe(self, params):
        return f"{self.label} ({params['year']})" if params.get("year") else self.label

    def cells(self, ctx, target):
        """Each taking-part unit counts 1 in the denominator; each recognised initiative
        counts 1 at its owner unit — and, in the same read, by the month it was recognised
        (for the chart)."""
        params = target.params or {}
        cells: dict[int, tuple[float, float]] = dict.fromkeys(ctx.participants(params),
                                                              (0.0, 1.0))
        rows = (_distinct_recognised(_year(params, ctx), ctx.as_of, params.get("level"))
                .filter(ctx.unit_filter()).order_by()
                .annotate(bucket=month_bucket("recognised_day", ctx.month_ends, moments=False))
                .values("unit_id", "bucket").annotate(n=Count("pk"))
                .values_list("unit_id", "bucket", "n"))
        per_bucket = [0] * (len(ctx.month_ends) + 1)
        for unit_id, bucket, n in plain_rows(rows):
            num, den = cells.get(unit_id, (0.0, 0.0))
            cells[unit_id] = (num + n, den)
            per_bucket[bucket] += n
        running, history = 0, []
        for index in range(len(ctx.month_ends)):
            running += per_bucket[index]
            history.append(float(running))
        remember(ctx, target, history)
        return cells

    def numerators_at(self, ctx, target, cutoffs):
        known = remembered(ctx, target, cutoffs)
        if known is not None:
            return known
        params = target.params or {}
        rows = (_distinct_recognised(_year(params, ctx), ctx.as_of, params.get("level"))
                .filter(ctx.unit_filter()))
        totals = rows.aggregate(**{
            f"at_{index}": Count("pk", filter=Q(recognised_day__lte=cutoff)
                                 | Q(recognised_day__isnull=True))
            for index, cutoff in enumerate(cutoffs)})
        return [float(totals[f"at_{index}"]) for index in range(len(cutoffs))]

    def history(self, ctx, target, cutoffs):
        """The mean at each cutoff: the numerators by then over today's units."""
        numerators = self.numerators_at(ctx, target, cutoffs)
        units = float(len(ctx.participants(target.params or {})))
        return [(numerator, units) for numerator in numerators]


class DecidedOnTime(Indicator):
    key = "initiative_on_time_share"
    label = "Tỷ lệ đơn sáng kiến được xét trong 3 tháng kể từ khi tiếp nhận"
    counted = "initiatives"
    #: What the figure counts, in words ("3/4 đơn").
    noun = "đơn sáng kiến"

    def check(self, params, movement):
        return _check_year(params) + _check_level(params)

    def counted_kinds(self, ctx, params):
        return []

    @staticmethod
    def counted_by(year: int, day: date) -> tuple[Q, Q]:
        """(decided, late) at the end of ``day`` for ``year``'s figure, ``day`` being the
        report date but never after the year's last day: decided in the year by then, or
        past the deadline by then and not yet decided then (its decision, if any, came
        later) — an application accepted next year is none of this year's business."""
        day = min(day, date(year, 12, 31))
        if day < date(year, 1, 1):
            nothing = Q(pk__isnull=True)  # compiles, unlike an empty IN, inside an aggregate
            return nothing, nothing
        decided = Q(decided_on__gte=date(year, 1, 1), decided_on__lte=day)
        late = Q(review_due_on__lt=day) & (Q(decided_on__isnull=True, state__in=RUNNING)
                                           | Q(decided_on__gt=day))
        return decided, late

    def _base(self, ctx, params):
        from thidua.initiatives.models import Initiative

        rows = Initiative.objects.filter(
            ctx.unit_filter("reviewing_unit__"), accepted_on__isnull=False,
            review_due_on__isnull=False)
        if params.get("level"):
            rows = rows.filter(level=params["level"])
        return rows

    def _rows(self, ctx, params):
        """Applications of the reviewing units of the subtree that count: decided in the
        year by ``as_of``, or undecided by then with the deadline passed (see ``counted_by``)."""
        decided, late = self.counted_by(_year(params, ctx), ctx.as_of)
        return self._base(ctx, params).filter(decided | late)

    def cells(self, ctx, target):
        params = target.params or {}
        decided, _late = self.counted_by(_year(params, ctx), ctx.as_of)
        on_time = Case(When(decided & Q(decided_on__lte=F("review_due_on")), then=Value(1)),
                       default=Value(0), output_field=IntegerField())
        rows = (self._rows(ctx, params).order_by().annotate(on_time=on_time)
                .values("reviewing_unit_id").annotate(n=Count("pk"), ok=Sum("on_time"))
                .values_list("reviewing_unit_id", "ok", "n"))
        return {unit_id: (float(ok or 0), float(n)) for unit_id, ok, n in plain_rows(rows)}

    def history(self, ctx, target, cutoffs):
        """At each cutoff: decided on time by then over decided by then plus late by then."""
        params = target.params or {}
        year = _year(params, ctx)
        aggregates = {}
        for index, cutoff in enumerate(cutoffs):
            decided, late = self.counted_by(year, min(cutoff, ctx.as_of))
            aggregates[f"ok_{index}"] = Count("pk", filter=decided & Q(
                decided_on__lte=F("review_due_on")))
            aggregates[f"all_{index}"] = Count("pk", filter=decided | late)
        totals = self._base(ctx, params).aggregate(**aggregates) if aggregates else {}
        return [(float(totals[f"ok_{i}"]), float(totals[f"all_{i}"]))
                for i in range(len(cutoffs))]


def register() -> None:
    for indicator in (PeopleWithInitiative(), RecognisedCount(), DecidedOnTime()):
        indicators.register(indicator)
