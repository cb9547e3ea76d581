"""The movements' measure of citizen ratings: ``rating_satisfaction``.

Satisfied ratings over all ratings given in the period (``period_from`` /
``period_to`` as YYYY-MM, default the movement's period) up to the report
date, counted at the unit of the rated desk. Numerator and denominator are
ratings, not units: the engine knows ``units``, ``people`` and ``mean``;
``people`` is the one whose arithmetic fits (shares of counted things, summed
up the tree, "12/15 người" — each rating is one citizen's voice), so it is used.

One grouped statement per dashboard gives the cells and, through a month
bucket read with each group, the chart's history (both numerator and
denominator change over time, so the kind answers :meth:`history` itself).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

from django.db.models import Count
from django.utils import timezone

from thidua.movements import indicators
from thidua.movements.indicators import Context, Indicator, end_of_day, month_bucket


def _month(text, fallback: date) -> date:
    if not text:
        return fallback.replace(day=1)
    year, month = str(text).split("-")
    return date(int(year), int(month), 1)


def _next(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def period_bounds(params: dict, movement) -> tuple[datetime, datetime]:
    """[start, end) of the target's period as aware moments."""
    first = _month(params.get("period_from"), movement.starts_on)
    last = _month(params.get("period_to"), movement.ends_on)
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(_next(last), time.min))
    return start, end


class RatingSatisfaction(Indicator):
    key = "rating_satisfaction"
    label = "Tỷ lệ lượt đánh giá hài lòng của người dân tại quầy tiếp nhận"
    counted = "people"

    def check(self, params, movement):
        try:
            start, end = period_bounds(params, movement)
        except (ValueError, AttributeError, TypeError):
            return ["Tháng đầu, tháng cuối của kỳ phải ghi theo dạng NĂM-THÁNG, ví dụ 2026-01."]
        if start >= end:
            return ["Tháng đầu của kỳ phải trước hoặc trùng tháng cuối."]
        return []

    def _rows(self, ctx: Context, params: dict) -> list[tuple[int, bool, int, int]]:
        """(unit_id, satisfied, month bucket, ratings) of the subtree, read once."""
        start, end = period_bounds(params, ctx.movement)
        key = ("rating_rows", start, end)
        if key not in ctx.memo:
            from thidua.feedback.models import Rating

            rows = (Rating.objects
                    .filter(ctx.unit_filter(), unit__is_active=True, created_at__gte=start,
                            created_at__lt=end, created_at__lte=end_of_day(ctx.as_of))
                    .order_by()
                    .annotate(bucket=month_bucket("created_at", ctx.month_ends))
                    .values("unit_id", "satisfied", "bucket").annotate(n=Count("pk"))
                    .values_list("unit_id", "satisfied", "bucket", "n"))
            ctx.memo[key] = [(unit_id, bool(ok), int(bucket), int(n))
                             for unit_id, ok, bucket, n in rows]
        return ctx.memo[key]

    def cells(self, ctx, target):
        cells = defaultdict(lambda: [0.0, 0.0])
        for unit_id, ok, _bucket, n in self._rows(ctx, target.params or {}):
            cell = cells[unit_id]
            cell[1] += n
            if ok:
                cell[0] += n
        return {unit_id: (num, den) for unit_id, (num, den) in cells.items()}

    def history(self, ctx, target, cutoffs):
        params = target.params or {}
        if list(cutoffs) == list(ctx.month_ends):
            rows = self._rows(ctx, params)
            return [(float(sum(n for _u, ok, bucket, n in rows if ok and bucket <= index)),
                     float(sum(n for _u, _ok, bucket, n in rows if bucket <= index)))
                    for index in range(len(cutoffs))]
        from thidua.feedback.models import Rating

        start, end = period_bounds(params, ctx.movement)
        ratings = Rating.objects.filter(ctx.unit_filter(), unit__is_active=True,
                                        created_at__gte=start, created_at__lt=end)
        totals = indicators.counts_at(ratings, "created_at", list(cutoffs))
        satisfied = indicators.counts_at(ratings.filter(satisfied=True), "created_at",
                                         list(cutoffs))
        return list(zip(satisfied, totals, strict=True))

    def numerators_at(self, ctx, target, cutoffs):
        return [num for num, _den in self.history(ctx, target, cutoffs)]


def register() -> None:
    indicators.register(RatingSatisfaction())
