"""The indicator registry: how a target is measured over the organisation tree.

An indicator kind is registered by the app that owns the facts (this module
ships the kinds of the movements app; KPI, scorecards, initiatives, feedback
and training add theirs with :func:`register`). A kind answers, for every
unit of a subtree at once, a numerator and a denominator — in a few
set-based queries whatever the number of units — and the dated numerator
events from which the dashboard draws its chart.

Parameters live in ``Target.params`` (JSON); :meth:`Indicator.check` refuses
a target whose parameters leave no computable denominator.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, OuterRef, Q, Subquery
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


@dataclass
class Context:
    """What every computation of one dashboard shares: the movement, the root of
    the subtree, the date, and the units of the subtree (read once)."""

    movement: object
    root: Unit
    as_of: date
    _participants: dict = field(default_factory=dict)

    def unit_filter(self, prefix: str = "unit__") -> Q:
        return Q(**{f"{prefix}path__startswith": self.root.path})

    def participant_kinds(self, params: dict) -> list[str]:
        kinds = params.get("unit_kinds")
        if kinds:
            return list(kinds)
        return list(self.movement.participant_kinds.values_list("code", flat=True))

    def participants(self, params: dict) -> list[int]:
        """Ids of the active units of the subtree that take part (by kind)."""
        kinds = tuple(sorted(self.participant_kinds(params)))
        if kinds not in self._participants:
            units = Unit.objects.filter(path__startswith=self.root.path, is_active=True)
            if kinds:
                units = units.filter(kind__code__in=kinds)
            self._participants[kinds] = list(units.values_list("pk", flat=True))
        return self._participants[kinds]


Cells = dict[int, tuple[float, float]]


class Indicator:
    key: str = ""
    label: str = ""
    #: Multiplier from numerator/denominator to the value shown (100 for a percentage).
    scale: int = 100
    unit_label: str = "%"

    def check(self, params: dict, movement) -> list[str]:
        """Vietnamese reasons why ``params`` cannot be measured (empty when fine)."""
        return []

    def cells(self, ctx: Context, target) -> Cells:
        """``{unit_id: (numerator, denominator)}`` for the units of ``ctx.root``'s subtree."""
        raise NotImplementedError

    def events(self, ctx: Context, target) -> list[tuple[date, float]]:
        """Dated numerator increments in the subtree, for the chart over time."""
        return []

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
        params = target.params
        participants = ctx.participants(params)
        registrations, _stamp = self._registrations(ctx, params)
        done = set(registrations.filter(unit_id__in=participants).values_list("unit_id", flat=True))
        return {pk: (1.0 if pk in done else 0.0, 1.0) for pk in participants}

    def events(self, ctx, target):
        params = target.params
        registrations, stamp = self._registrations(ctx, params)
        rows = (registrations.filter(unit__kind__code__in=ctx.participant_kinds(params))
                .annotate(day=TruncDate(stamp)).values("day").annotate(n=Count("pk")))
        return [(row["day"], float(row["n"])) for row in rows]


class PeopleRegistered(Indicator):
    key = "people_registered"
    label = "Tỷ lệ cá nhân đã đăng ký thi đua"

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

    def _people(self, ctx, params):
        return Person.objects.filter(ctx.unit_filter(), status=PersonStatus.ACTIVE,
                                     staff_category__in=self._categories(ctx, params))

    def _registrations(self, ctx, params):
        from thidua.movements.models import Registration

        return Registration.objects.filter(
            movement=ctx.movement, person__in=self._people(ctx, params),
            state__in=["submitted", "accepted"], submitted_at__lte=end_of_day(ctx.as_of))

    def cells(self, ctx, target):
        params = target.params
        totals = dict(self._people(ctx, params).values("unit_id").annotate(n=Count("pk"))
                      .values_list("unit_id", "n"))
        done = dict(self._registrations(ctx, params).values("person__unit_id")
                    .annotate(n=Count("pk")).values_list("person__unit_id", "n"))
        return {pk: (float(done.get(pk, 0)), float(n)) for pk, n in totals.items()}

    def events(self, ctx, target):
        params = target.params
        rows = (self._registrations(ctx, params).annotate(day=TruncDate("submitted_at"))
                .values("day").annotate(n=Count("pk")))
        return [(row["day"], float(row["n"])) for row in rows]


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
        params = target.params
        participants = ctx.participants(params)
        practices, _day = self._practices(ctx, params)
        counts = dict(practices.filter(unit_id__in=participants).values("unit_id")
                      .annotate(n=Count("pk")).values_list("unit_id", "n"))
        need = int(params.get("min_count", 1))
        return {pk: (1.0 if counts.get(pk, 0) >= need else 0.0, 1.0) for pk in participants}

    def events(self, ctx, target):
        params = target.params
        # A unit counts from the day its N-th practice started (or was recognised).
        practices, day = self._practices(ctx, params)
        need = int(params.get("min_count", 1))
        dates_by_unit = defaultdict(list)
        for unit_id, when in practices.filter(unit__kind__code__in=ctx.participant_kinds(params)) \
                .values_list("unit_id", day):
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

    def _reports(self, ctx, params):
        from thidua.movements.models import UnitReport

        return UnitReport.objects.filter(ctx.unit_filter(), milestone_id=params.get("milestone"))

    def cells(self, ctx, target):
        params = target.params
        rows = self._reports(ctx, params).values_list(
            "unit_id", "submitted_at", "milestone__due_on")
        cells = {}
        for unit_id, submitted, due in rows:
            on_time = (submitted is not None
                       and timezone.localtime(submitted).date() <= min(due, ctx.as_of))
            cells[unit_id] = (1.0 if on_time else 0.0, 1.0)
        return cells

    def events(self, ctx, target):
        params = target.params
        rows = self._reports(ctx, params).filter(submitted_at__isnull=False).values_list(
            "submitted_at", "milestone__due_on")
        days = [timezone.localtime(s).date() for s, due in rows
                if timezone.localtime(s).date() <= due]
        return [(day, 1.0) for day in days]


class ManualEntry(Indicator):
    """A value entered by each unit with evidence; the subtree's value is the mean."""

    key = "manual"
    label = "Số liệu do đơn vị nhập (kèm minh chứng)"
    scale = 1
    unit_label = ""

    def describe(self, params):
        return params.get("measure") or self.label

    def _latest(self, ctx, target_id):
        from thidua.movements.models import ManualValue

        values = ManualValue.objects.filter(ctx.unit_filter(), target_id=target_id,
                                            measured_on__lte=ctx.as_of)
        latest = values.filter(unit=OuterRef("unit")).order_by("-measured_on").values("pk")[:1]
        return values.filter(pk=Subquery(latest))

    def cells(self, ctx, target):
        rows = self._latest(ctx, target.pk).values_list("unit_id", "value")
        return {unit_id: (float(value), 1.0) for unit_id, value in rows}

    def events(self, ctx, target):
        return []


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


