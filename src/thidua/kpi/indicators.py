"""KPI measures for movement targets ("100% of civil servants graded monthly by KPI").

Two kinds, both over the active staff of the chosen categories working in the
subtree (the denominator), both from one read per dashboard:

- ``kpi_coverage``: staff with a finalised sheet for every month of the
  period that has ended by the report date (or, in ``latest_month`` mode,
  for the last such month);
- ``kpi_htt``: staff graded HTT or better in every such month (or in the
  last one).

The read groups people by unit and by two bit masks — bit *i* set when month
*i* of the period has a finalised sheet, resp. one graded HTT or better — so a
province's root is one statement of a few thousand rows whatever the number of
sheets, and the chart's month ends are answered from the same rows. The
chart counts a month as it stands now (a sheet finalised late counts for its
month).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import BigIntegerField, Case, Count, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from thidua.kpi.policy import Grade
from thidua.movements import indicators
from thidua.movements.indicators import Context, Indicator, plain_rows, remember, remembered
from thidua.org.choices import PersonStatus, StaffCategory
from thidua.org.models import Person, Unit

#: Months a period may span in the masks (a five-year plan); older months are dropped.
MAX_MONTHS = 60
PERIOD, LATEST = "period", "latest_month"
MODES = {PERIOD: "mọi tháng của kỳ", LATEST: "tháng gần nhất đã kết thúc"}


def _month(text: str | None, fallback: date) -> date:
    if not text:
        return fallback.replace(day=1)
    year, month = str(text).split("-")
    return date(int(year), int(month), 1)


def _next(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def period_months(params: dict, movement) -> list[date]:
    """The months of the target's period (default: the movement's), oldest first."""
    first = _month(params.get("period_from"), movement.starts_on)
    last = _month(params.get("period_to"), movement.ends_on)
    months, month = [], first
    while month <= last:
        months.append(month)
        month = _next(month)
    return months[-MAX_MONTHS:]


def ended_by(months: list[date], day: date) -> int:
    """How many of ``months`` have ended by ``day`` (a month ends on its last day)."""
    return sum(1 for month in months if _next(month) <= date.fromordinal(day.toordinal() + 1))


def _full(count: int) -> int:
    return (1 << count) - 1


class KpiIndicator(Indicator):
    counted = "people"
    #: Which mask the numerator reads: "final" (finalised) or "good" (HTT or better).
    mask = "final"

    def _categories(self, ctx, params):
        return params.get("staff_categories") or list(ctx.movement.staff_categories or [])

    def check(self, params, movement):
        errors = []
        categories = params.get("staff_categories") or movement.staff_categories or []
        unknown = set(categories) - set(StaffCategory.values)
        if unknown:
            errors.append(f"Đối tượng cán bộ không hợp lệ: {', '.join(sorted(unknown))}.")
        elif not categories:
            errors.append("Chưa xác định được mẫu số: hãy chọn đối tượng cán bộ được đánh giá.")
        if params.get("mode", PERIOD) not in MODES:
            errors.append("Cách tính không hợp lệ: chọn “mọi tháng của kỳ” hoặc “tháng gần "
                          "nhất”.")
        try:
            months = period_months(params, movement)
        except (ValueError, AttributeError, TypeError):
            return [*errors, "Tháng đầu, tháng cuối của kỳ phải ghi theo dạng NĂM-THÁNG, ví dụ "
                             "2026-01."]
        if not months:
            errors.append("Tháng đầu của kỳ phải trước hoặc trùng tháng cuối.")
        return errors

    def describe(self, params):
        mode = params.get("mode", PERIOD)
        return f"{self.label} ({MODES.get(mode, '')})"

    def _rows(self, ctx: Context, categories: tuple[str, ...], months: tuple[date, ...]):
        """(unit_id, final mask, good mask, people) for the subtree: one statement, kept
        for every KPI target of the dashboard with the same people and months."""
        key = ("kpi_masks", categories, months)
        if key not in ctx.memo:
            from thidua.kpi.models import MonthSheet

            def mask(extra):
                bits = Case(*[When(month=month, then=Value(1 << index))
                              for index, month in enumerate(months)],
                            default=Value(0), output_field=BigIntegerField())
                sheets = (MonthSheet.objects.filter(person=OuterRef("pk"), month__in=months,
                                                    state="finalised", **extra)
                          .order_by().values("person").annotate(bits=Sum(bits)).values("bits"))
                return Coalesce(Subquery(sheets, output_field=BigIntegerField()), Value(0))

            units = Unit.objects.filter(ctx.unit_filter(prefix="")).values("pk")
            people = Person.objects.filter(unit__in=units, status=PersonStatus.ACTIVE,
                                           staff_category__in=categories)
            rows = (people.annotate(final=mask({}),
                                    good=mask({"grade__in": [Grade.HTXS, Grade.HTT]}))
                    .order_by().values("unit_id", "final", "good").annotate(n=Count("pk"))
                    .values_list("unit_id", "final", "good", "n"))
            ctx.memo[key] = [(unit_id, int(final), int(good), n)
                             for unit_id, final, good, n in plain_rows(rows)]
        return ctx.memo[key]

    @staticmethod
    def _reaches(mask: int, count: int, mode: str) -> bool:
        """Whether ``mask`` covers the first ``count`` months (or the ``count``-th)."""
        if count == 0:
            return False
        if mode == LATEST:
            return bool(mask >> (count - 1) & 1)
        return mask & _full(count) == _full(count)

    def cells(self, ctx, target):
        params = target.params or {}
        mode = params.get("mode", PERIOD)
        months = tuple(period_months(params, ctx.movement))
        count = ended_by(list(months), ctx.as_of)
        if count == 0:
            return {}
        rows = self._rows(ctx, tuple(sorted(self._categories(ctx, params))), months)
        cells = defaultdict(lambda: [0.0, 0.0])
        by_month_end = [ended_by(list(months), day) for day in ctx.month_ends]
        totals = [0.0] * len(ctx.month_ends)
        index = 1 if self.mask == "good" else 0
        for row in rows:
            unit_id, n = row[0], row[3]
            mask = row[1 + index]
            cell = cells[unit_id]
            cell[1] += n
            if self._reaches(mask, count, mode):
                cell[0] += n
            for position, ended in enumerate(by_month_end):
                if self._reaches(mask, ended, mode):
                    totals[position] += n
        remember(ctx, target, totals)
        return {unit_id: (num, den) for unit_id, (num, den) in cells.items()}

    def numerators_at(self, ctx, target, cutoffs):
        known = remembered(ctx, target, cutoffs)
        if known is not None:
            return known
        params = target.params or {}
        mode = params.get("mode", PERIOD)
        months = tuple(period_months(params, ctx.movement))
        rows = self._rows(ctx, tuple(sorted(self._categories(ctx, params))), months)
        index = 1 if self.mask == "good" else 0
        return [float(sum(row[3] for row in rows
                          if self._reaches(row[1 + index], ended_by(list(months), day), mode)))
                for day in cutoffs]


class SheetCoverage(KpiIndicator):
    key = "kpi_coverage"
    label = "Tỷ lệ cán bộ, công chức được đánh giá, xếp loại hằng tháng (phiếu KPI đã chốt)"
    mask = "final"


class GradedWell(KpiIndicator):
    key = "kpi_htt"
    label = "Tỷ lệ cán bộ, công chức xếp loại Hoàn thành tốt nhiệm vụ trở lên (KPI tháng)"
    mask = "good"


def register() -> None:
    for indicator in (SheetCoverage(), GradedWell()):
        indicators.register(indicator)
