"""The indicator registry: how a target is measured over the organisation tree.

An indicator kind is registered by the app that owns the facts (this module
ships the kinds of the movements app; KPI, scorecards, initiatives, feedback
and training add theirs with :func:`register`). A kind answers, for every
unit of a subtree at once, a numerator and a denominator — in a few
set-based queries whatever the number of units — and the numerator at each
month end from which the dashboard draws its chart (:meth:`Indicator.events`,
:meth:`Indicator.numerators_at`, :meth:`Indicator.history`). The built-in
kinds read their facts once per dashboard: the cells and the month-end counts
come from the same rows (``Context.month_ends``, ``Context.memo``).

Parameters live in ``Target.params`` (JSON); :meth:`Indicator.check` refuses
a target whose parameters leave no computable denominator.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import connections
from django.db.models import (
    Case,
    Count,
    FilteredRelation,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from thidua.org.choices import PersonStatus, StaffCategory
from thidua.org.models import Person, Unit, UnitKind

REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    """Make ``indicator`` available to targets under its ``key``."""
    REGISTRY[indicator.key] = indicator
    return indicator


def get(key: str) -> Indicator:
    try:
        return REGISTRY[key]
    except KeyError as exc:
        raise KeyError(f"Không có cách đo “{key}”.") from exc


def choices() -> list[tuple[str, str]]:
    return [(key, ind.label) for key, ind in sorted(REGISTRY.items(), key=lambda kv: kv[1].label)]


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def counts_at(queryset, field: str, cutoffs: list[date], count: str = "pk") -> list[float]:
    """How many rows of ``queryset`` have ``field`` (a moment) by the end of each cutoff
    day — one query of conditional counts, whatever the number of rows."""
    if not cutoffs:
        return []
    totals = queryset.aggregate(**{
        f"by_{index}": Count(count, filter=Q(**{f"{field}__lte": end_of_day(cutoff)}))
        for index, cutoff in enumerate(cutoffs)})
    return [float(totals[f"by_{index}"]) for index in range(len(cutoffs))]


def plain_rows(queryset) -> list[tuple]:
    """The rows of a ``values_list`` queryset of ids, codes, counts and numbers as the
    database driver returns them, without Django's per-value converters.

    Those converters only re-cast what the drivers already return as ``int``
    and ``str``, one call per value: 70,000 calls for the people counts of a
    province's root, a tenth of the page. Callers cast the rest themselves
    (``float()`` of a value that one driver gives as ``Decimal``, the other as
    ``float``); dates and times must not be read this way.
    """
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def month_bucket(field: str, cutoffs: list[date], *, moments: bool = True,
                 caps: list | None = None) -> Case:
    """The index of the first cutoff day by whose end ``field`` had happened, or
    ``len(cutoffs)`` (also for NULL): an integer read with each fact.

    Reading this small number instead of the date lets a kind count its
    history (how many facts by each month end) from the same rows as its
    cells, without a second query and without converting thousands of dates.
    ``moments`` compares with the end of each day (a datetime field), else with
    the day itself; ``caps`` gives a bound per cutoff instead (already computed).
    """
    bounds = caps if caps is not None else [end_of_day(day) if moments else day
                                           for day in cutoffs]
    return Case(*[When(**{f"{field}__lte": bound}, then=Value(index))
                  for index, bound in enumerate(bounds)],
                default=Value(len(cutoffs)), output_field=IntegerField())


def cumulative(buckets: Iterable[int], size: int) -> list[float]:
    """How many buckets are at or below each index below ``size`` (facts by each cutoff)."""
    counts = [0] * (size + 1)
    for bucket in buckets:
        counts[bucket] += 1
    running, result = 0, []
    for index in range(size):
        running += counts[index]
        result.append(float(running))
    return result


def remember(ctx: Context, target, numerators: list[float]) -> None:
    """Keep the numerators by the chart's month ends, counted along with the cells."""
    ctx.memo[("numerators_at", target.pk)] = dict(zip(ctx.month_ends, numerators, strict=True))


def remembered(ctx: Context, target, cutoffs: list[date]) -> list[float] | None:
    known = ctx.memo.get(("numerators_at", target.pk))
    if known is None or not all(day in known for day in cutoffs):
        return None
    return [float(known[day]) for day in cutoffs]


@dataclass
class Context:
    """What every computation of one dashboard shares: the movement, the root of
    the subtree, the date, and the units of the subtree (read once)."""

    movement: object
    root: Unit
    as_of: date
    #: The days the dashboard's chart is drawn at (month ends), known before any
    #: computation so that a kind may count its history in the same pass as its cells.
    month_ends: list[date] = field(default_factory=list)
    #: What the kinds of one dashboard share or carry from ``cells`` to the chart.
    memo: dict = field(default_factory=dict)
    #: Every target of the dashboard, when known: kinds may serve several in one pass.
    targets: list | None = None
    _participants: dict = field(default_factory=dict)
    _movement_kinds: list | None = None

    def unit_filter(self, prefix: str = "unit__") -> Q:
        return Q(**{f"{prefix}path__startswith": self.root.path})

    def participant_kinds(self, params: dict) -> list[str]:
        """Kind codes of the units that take part: the target's, else the movement's.

        The movement's kinds are read once per dashboard: every unit-based
        target asks for them, and a query each time added up to one per target.
        """
        kinds = params.get("unit_kinds")
        if kinds:
            return list(kinds)
        if self._movement_kinds is None:
            self._movement_kinds = list(
                self.movement.participant_kinds.values_list("code", flat=True))
        return list(self._movement_kinds)

    def participant_q(self, params: dict, prefix: str = "unit__") -> Q:
        """Condition on a unit (at ``prefix``): active, in the subtree, of a taking-part kind.

        A join condition rather than ``unit_id IN (<every participant id>)``:
        the statement stays the same size at 5,000 units, and the facts and
        their dated events are counted over exactly the same units.
        """
        condition = self.unit_filter(prefix) & Q(**{f"{prefix}is_active": True})
        kinds = self.participant_kinds(params)
        if kinds:
            condition &= Q(**{f"{prefix}kind__code__in": kinds})
        return condition

    def participants(self, params: dict) -> list[int]:
        """Ids of the active units of the subtree that take part (by kind)."""
        kinds = tuple(sorted(self.participant_kinds(params)))
        if kinds not in self._participants:
            units = Unit.objects.filter(self.participant_q(params, prefix=""))
            self._participants[kinds] = list(units.order_by().values_list("pk", flat=True))
        return self._participants[kinds]


Cells = dict[int, tuple[float, float]]


class Indicator:
    key: str = ""
    label: str = ""
    #: Multiplier from numerator/denominator to the value shown (100 for a percentage).
    scale: int = 100
    unit_label: str = "%"
    #: What numerator and denominator count, for "12/15 chi bộ": ``units`` (of the
    #: participating kinds), ``people``, or ``mean`` (a sum of values over the number
    #: of units that gave one — the ratio is an average, not a share).
    counted: str = "units"
    #: The word for what is counted when it is neither units nor people ("hồ sơ",
    #: "đơn sáng kiến"); empty to let ``counted`` decide.
    noun: str = ""

    def check(self, params: dict, movement) -> list[str]:
        """Vietnamese reasons why ``params`` cannot be measured (empty when fine)."""
        return []

    def cells(self, ctx: Context, target) -> Cells:
        """``{unit_id: (numerator, denominator)}`` for the units of ``ctx.root``'s subtree."""
        raise NotImplementedError

    def events(self, ctx: Context, target) -> list[tuple[date, float]]:
        """Dated numerator increments in the subtree, for the chart over time."""
        return []

    def numerators_at(self, ctx: Context, target, cutoffs: list[date]) -> list[float] | None:
        """The subtree's numerator at the end of each cutoff day (None: no dated facts).

        By default summed from :meth:`events`. The built-in kinds count their
        facts by month end along with their cells (:func:`month_bucket`, kept in
        ``ctx.memo``) and, for other cutoffs, with one conditional count per
        cutoff (:func:`counts_at`): neither reads back (nor, on SQLite, converts
        the time zone of) every fact.
        """
        events = self.events(ctx, target)
        if not events:
            return None
        return [sum(weight for day, weight in events if day and day <= cutoff)
                for cutoff in cutoffs]

    def history(self, ctx: Context, target, cutoffs: list[date]) -> list[tuple[float, float]] | None:
        """``(numerator, denominator)`` of the whole subtree at each cutoff, or None.

        None (the default) lets the dashboard count :meth:`events` cumulatively
        over today's denominator; a kind whose value is not a running count
        (an average of entered values) answers itself.
        """
        return None

    def unit_label_for(self, params: dict) -> str:
        """The unit the value is shown in ("%", or what the target's parameters say)."""
        return params.get("unit_label", self.unit_label)

    def counted_kinds(self, ctx: Context, params: dict) -> list[str]:
        """Kind codes of the units the denominator counts, to name them ("12/15 chi bộ").

        Empty when the units are of any kind or the kind counts people or values.
        """
        return ctx.participant_kinds(params) if self.counted == "units" else []

    def describe(self, params: dict) -> str:
        return self.label


def _kinds_check(params: dict, movement) -> list[str]:
    kinds = params.get("unit_kinds") or []
    unknown = set(kinds) - set(UnitKind.objects.filter(code__in=kinds).values_list("code", flat=True))
    if unknown:
        return [f"Loại đơn vị không tồn tại: {', '.join(sorted(unknown))}."]
    if not kinds and (movement.pk is None or not movement.participant_kinds.exists()):
        return ["Chưa xác định được mẫu số: hãy chọn loại đơn vị tham gia của phong trào "
                "hoặc loại đơn vị cho chỉ tiêu này."]
    return []


class UnitsRegistered(Indicator):
    key = "units_registered"
    label = "Tỷ lệ đơn vị đã đăng ký thi đua"

    def check(self, params, movement):
        return _kinds_check(params, movement)

    def _registrations(self, ctx, params):
        from thidua.movements.models import Registration

        states = ["accepted"] if params.get("accepted_only", True) else ["submitted", "accepted"]
        stamp = "accepted_at" if params.get("accepted_only", True) else "submitted_at"
        return Registration.objects.filter(
            ctx.unit_filter(), movement=ctx.movement, person__isnull=True, state__in=states,
            **{f"{stamp}__lte": end_of_day(ctx.as_of)},
        ), stamp

    def cells(self, ctx, target):
        """Registered participants, and with the same rows the count by each month end."""
        params = target.params
        participants = ctx.participants(params)
        registrations, stamp = self._registrations(ctx, params)
        rows = (registrations.filter(ctx.participant_q(params)).order_by()
                .annotate(bucket=month_bucket(stamp, ctx.month_ends))
                .values_list("unit_id", "bucket"))
        done, buckets = set(), []
        for unit_id, bucket in plain_rows(rows):
            done.add(unit_id)
            buckets.append(bucket)
        remember(ctx, target, cumulative(buckets, len(ctx.month_ends)))
        return {pk: (1.0 if pk in done else 0.0, 1.0) for pk in participants}

    def events(self, ctx, target):
        params = target.params
        registrations, stamp = self._registrations(ctx, params)
        rows = (registrations.filter(ctx.participant_q(params))
                .annotate(day=TruncDate(stamp)).values("day").annotate(n=Count("pk")))
        return [(row["day"], float(row["n"])) for row in rows]

    def numerators_at(self, ctx, target, cutoffs):
        known = remembered(ctx, target, cutoffs)
        if known is not None:
            return known
        params = target.params
        registrations, stamp = self._registrations(ctx, params)
        return counts_at(registrations.filter(ctx.participant_q(params)), stamp, cutoffs)


class PeopleRegistered(Indicator):
    key = "people_registered"
    label = "Tỷ lệ cá nhân đã đăng ký thi đua"
    counted = "people"

    def _categories(self, ctx, params):
        return params.get("staff_categories") or list(ctx.movement.staff_categories or [])

    def check(self, params, movement):
        categories = params.get("staff_categories") or movement.staff_categories or []
        unknown = set(categories) - set(StaffCategory.values)
        if unknown:
            return [f"Đối tượng cán bộ không hợp lệ: {', '.join(sorted(unknown))}."]
        if not categories:
            return ["Chưa xác định được mẫu số: hãy chọn đối tượng cán bộ tham gia."]
        return []

    def _people(self, ctx, params, categories=None):
        """Active people of the categories working in the subtree.

        ``unit_id IN (units of the subtree)`` rather than a join on the unit's
        path: both databases then start from the subtree — a commune costs its
        own people, not the province's — and group by ``unit_id`` without a sort.
        """
        units = Unit.objects.filter(ctx.unit_filter(prefix="")).values("pk")
        return Person.objects.filter(
            unit__in=units, status=PersonStatus.ACTIVE,
            staff_category__in=categories or self._categories(ctx, params))

    def _registrations(self, ctx, params):
        from thidua.movements.models import Registration

        return Registration.objects.filter(
            movement=ctx.movement, person__in=self._people(ctx, params),
            state__in=["submitted", "accepted"], submitted_at__lte=end_of_day(ctx.as_of))

    def _people_and_registrations(self, ctx, params, categories=None):
        """The people of the denominator, each joined to his registration (if any).

        One pass over the people, the registration found through the unique
        (movement, person) index: half the time of counting people and
        registrations in two statements (``person_id IN (…)``) at a province's root.
        """
        registered = FilteredRelation("registrations", condition=Q(
            registrations__movement=ctx.movement,
            registrations__state__in=["submitted", "accepted"],
            registrations__submitted_at__lte=end_of_day(ctx.as_of)))
        return self._people(ctx, params, categories).annotate(registration=registered)

    def _shared_categories(self, ctx, own: set[str]) -> tuple[str, ...]:
        """The categories of every people target of the dashboard, when they include
        this target's: one pass over the people then serves them all."""
        shared = set(own)
        for other in ctx.targets or ():
            if other.indicator == self.key:
                shared.update(self._categories(ctx, other.params or {}))
        return tuple(sorted(shared))

    def _per_category(self, ctx, categories: tuple[str, ...]) -> dict[str, tuple[dict, list]]:
        """Category → ({unit: (registered, people)}, registered by each month end), from
        one pass over the people of ``categories``, read once per dashboard.

        The rows are folded at once and dropped, rather than kept for the page:
        thousands of long-lived rows made the garbage collector's full passes
        twice as frequent. (Not ``iterator()``: on PostgreSQL its server-side
        cursor is planned for the first rows and took twice as long.)
        """
        key = ("people_per_category", categories)
        if key not in ctx.memo:
            by_month = {f"by_{index}": Count("registration", filter=Q(
                registration__submitted_at__lte=end_of_day(day)))
                for index, day in enumerate(ctx.month_ends)}
            rows = (self._people_and_registrations(ctx, {}, categories)
                    .values("unit_id", "staff_category")
                    .annotate(done=Count("registration"), n=Count("pk"), **by_month)
                    .values_list("unit_id", "staff_category", "done", "n", *by_month))
            units: dict[str, dict] = defaultdict(dict)
            monthly: dict[str, list] = defaultdict(list)
            for unit_id, category, done, n, *by_month_end in plain_rows(rows):
                units[category][unit_id] = (done, n)
                monthly[category].append(by_month_end)
            ctx.memo[key] = {
                category: (units[category],
                           [sum(column) for column in zip(*monthly[category], strict=True)]
                           or [0] * len(by_month))
                for category in units}
        return ctx.memo[key]

    def cells(self, ctx, target):
        """People and registrations per unit, and in the same pass the registrations
        by each of the chart's month ends (kept for :meth:`numerators_at`).

        At a province's root the pass over 50,000 people is the dearest part of
        the page, so it is made once for all the people targets of the
        dashboard (grouped by category too), each target keeping its categories.
        """
        own = set(self._categories(ctx, target.params))
        folded = self._per_category(ctx, self._shared_categories(ctx, own))
        cells: dict[int, tuple[float, float]] = {}
        totals = [0] * len(ctx.month_ends)
        for category in sorted(own & set(folded)):
            units, monthly = folded[category]
            for unit_id, (done, n) in units.items():
                before = cells.get(unit_id)
                cells[unit_id] = ((float(done), float(n)) if before is None
                                  else (before[0] + done, before[1] + n))
            totals = [a + b for a, b in zip(totals, monthly, strict=True)]
        remember(ctx, target, totals)
        return cells

    def events(self, ctx, target):
        params = target.params
        rows = (self._registrations(ctx, params).annotate(day=TruncDate("submitted_at"))
                .values("day").annotate(n=Count("pk")))
        return [(row["day"], float(row["n"])) for row in rows]

    def numerators_at(self, ctx, target, cutoffs):
        known = remembered(ctx, target, cutoffs)
        if known is not None:
            return known
        return counts_at(self._people_and_registrations(ctx, target.params),
                         "registration__submitted_at", cutoffs, count="registration")


class UnitsWithPractices(Indicator):
    key = "units_with_practices"
    label = "Tỷ lệ đơn vị có mô hình, cách làm hay"

    def check(self, params, movement):
        errors = _kinds_check(params, movement)
        if int(params.get("min_count", 1)) < 1:
            errors.append("Số mô hình tối thiểu phải từ 1 trở lên.")
        return errors

    def _practices(self, ctx, params):
        from thidua.movements.models import Practice

        practices = Practice.objects.filter(ctx.unit_filter())
        if params.get("this_movement_only", True):
            practices = practices.filter(movement=ctx.movement)
        if params.get("recognised_only"):
            return practices.filter(state="recognised", recognised_on__lte=ctx.as_of), "recognised_on"
        return practices.filter(started_on__lte=ctx.as_of), "started_on"

    def cells(self, ctx, target):
        """Units with at least N practices; a unit counts in the history from the month
        its N-th practice started (or was recognised) — both from one read."""
        params = target.params
        participants = ctx.participants(params)
        practices, day = self._practices(ctx, params)
        rows = (practices.filter(ctx.participant_q(params)).order_by()
                .annotate(bucket=month_bucket(day, ctx.month_ends, moments=False))
                .values_list("unit_id", "bucket"))
        buckets_by_unit = defaultdict(list)
        for unit_id, bucket in plain_rows(rows):
            buckets_by_unit[unit_id].append(bucket)
        need = int(params.get("min_count", 1))
        reached = {unit_id: sorted(buckets)[need - 1]
                   for unit_id, buckets in buckets_by_unit.items() if len(buckets) >= need}
        remember(ctx, target, cumulative(reached.values(), len(ctx.month_ends)))
        return {pk: (1.0 if pk in reached else 0.0, 1.0) for pk in participants}

    def numerators_at(self, ctx, target, cutoffs):
        known = remembered(ctx, target, cutoffs)
        return known if known is not None else super().numerators_at(ctx, target, cutoffs)

    def events(self, ctx, target):
        params = target.params
        # A unit counts from the day its N-th practice started (or was recognised).
        practices, day = self._practices(ctx, params)
        need = int(params.get("min_count", 1))
        dates_by_unit = defaultdict(list)
        for unit_id, when in (practices.filter(ctx.participant_q(params)).order_by()
                              .values_list("unit_id", day)):
            dates_by_unit[unit_id].append(when)
        return [(sorted(days)[need - 1], 1.0) for days in dates_by_unit.values() if len(days) >= need]


class ReportsOnTime(Indicator):
    key = "reports_on_time"
    label = "Tỷ lệ đơn vị nộp báo cáo đúng hạn"

    def check(self, params, movement):
        milestone = params.get("milestone")
        if not milestone:
            return ["Hãy chọn mốc báo cáo để đo tỷ lệ nộp đúng hạn."]
        if movement.pk and not movement.milestones.filter(pk=milestone, requires_report=True).exists():
            return ["Mốc đã chọn không thuộc phong trào này hoặc không yêu cầu báo cáo."]
        return []

    def counted_kinds(self, ctx, params):
        return []  # the units that owe the report, whatever their kind

    def _reports(self, ctx, params):
        from thidua.movements.models import UnitReport

        return UnitReport.objects.filter(ctx.unit_filter(), milestone_id=params.get("milestone"))

    def _due(self, ctx, params) -> date | None:
        """The milestone's due date, read once per dashboard (None if it is gone)."""
        from thidua.movements.models import Milestone

        key = ("milestone_due", params.get("milestone"))
        if key not in ctx.memo:
            ctx.memo[key] = (Milestone.objects.filter(pk=params.get("milestone"))
                             .values_list("due_on", flat=True).first())
        return ctx.memo[key]

    def cells(self, ctx, target):
        """On time: submitted by the end of the due day (or of ``as_of`` if earlier).

        The comparison runs in SQL against one precomputed moment, so no
        submission time is read back and converted (thousands at a root).
        """
        params = target.params
        due = self._due(ctx, params)
        if due is None:
            return {}
        on_time = Case(When(submitted_at__lte=end_of_day(min(due, ctx.as_of)), then=Value(1)),
                       default=Value(0), output_field=IntegerField())
        # By a month end, a report counts if it came in by then and by its due day.
        bucket = month_bucket("submitted_at", ctx.month_ends,
                              caps=[end_of_day(min(due, day)) for day in ctx.month_ends])
        rows = (self._reports(ctx, params).order_by().annotate(on_time=on_time, bucket=bucket)
                .values_list("unit_id", "on_time", "bucket"))
        cells, buckets = {}, []
        for unit_id, done, month in plain_rows(rows):
            cells[unit_id] = (float(done), 1.0)
            buckets.append(month)
        remember(ctx, target, cumulative(buckets, len(ctx.month_ends)))
        return cells

    def events(self, ctx, target):
        params = target.params
        due = self._due(ctx, params)
        if due is None:
            return []
        rows = (self._reports(ctx, params).filter(submitted_at__lte=end_of_day(due)).order_by()
                .values_list("submitted_at", flat=True))
        return [(timezone.localtime(submitted).date(), 1.0) for submitted in rows]

    def numerators_at(self, ctx, target, cutoffs):
        known = remembered(ctx, target, cutoffs)
        if known is not None:
            return known
        params = target.params
        due = self._due(ctx, params)
        if due is None:
            return None
        on_time = self._reports(ctx, params).filter(submitted_at__lte=end_of_day(due))
        return counts_at(on_time, "submitted_at", cutoffs)


class ManualEntry(Indicator):
    """A value entered by each unit with evidence; the subtree's value is the mean."""

    key = "manual"
    label = "Số liệu do đơn vị nhập (kèm minh chứng)"
    scale = 1
    unit_label = ""
    counted = "mean"

    def describe(self, params):
        return params.get("measure") or self.label

    def _values(self, ctx, target_id, cutoffs):
        """Every value up to ``as_of`` in date order, with the month it falls in."""
        from thidua.movements.models import ManualValue

        return (ManualValue.objects.filter(ctx.unit_filter(), target_id=target_id,
                                           measured_on__lte=ctx.as_of)
                .annotate(bucket=month_bucket("measured_on", cutoffs, moments=False))
                .order_by("measured_on", "pk").values_list("unit_id", "bucket", "value"))

    def cells(self, ctx, target):
        """Each unit's latest value, and the mean of the latest at each month end (kept for
        :meth:`history`): one read of the values, a few hundred per month."""
        latest: dict[int, float] = {}
        history = []
        month = 0
        for unit_id, bucket, value in plain_rows(self._values(ctx, target.pk, ctx.month_ends)):
            while month < bucket and month < len(ctx.month_ends):
                history.append((float(sum(latest.values())), float(len(latest))))
                month += 1
            latest[unit_id] = float(value)
        while month < len(ctx.month_ends):
            history.append((float(sum(latest.values())), float(len(latest))))
            month += 1
        ctx.memo[("history", target.pk)] = dict(zip(ctx.month_ends, history, strict=True))
        return {unit_id: (value, 1.0) for unit_id, value in latest.items()}

    def events(self, ctx, target):
        return []

    def history(self, ctx, target, cutoffs):
        """The mean of each unit's latest value at each cutoff, from one read of the values."""
        known = ctx.memo.get(("history", target.pk), {})
        if all(day in known for day in cutoffs):
            return [known[day] for day in cutoffs]
        rows = list(self._values(ctx, target.pk, cutoffs))
        result = []
        for index in range(len(cutoffs)):
            latest = {unit_id: value for unit_id, bucket, value in rows if bucket <= index}
            result.append((float(sum(latest.values())), float(len(latest))))
        return result


def register_builtin() -> None:
    for indicator in (UnitsRegistered(), PeopleRegistered(), UnitsWithPractices(),
                      ReportsOnTime(), ManualEntry()):
        register(indicator)


def total(cells: Iterable[tuple[float, float]]) -> tuple[float, float]:
    numerator = denominator = 0.0
    for num, den in cells:
        numerator += num
        denominator += den
    return numerator, denominator


