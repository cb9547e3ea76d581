"""Dossier measures for movement targets ("tỷ lệ hồ sơ giải quyết đúng hạn, trước hạn").

Both kinds count the dossiers returned with a result (status “Đã trả kết quả”)
during the target's period — ``period_from`` / ``period_to`` as YYYY-MM, default
the movement's period — up to the report date, at the receiving unit:

- ``dossier_on_time``: the early and on-time ones over all returned ones;
- ``dossier_late_share``: the late ones over all returned ones. With a baseline
  (``baseline_from`` / ``baseline_to``, YYYY-MM) the value is the period's late
  share as a percentage of the baseline's late share in the dashboard's
  subtree — each unit's denominator is its returned dossiers times the
  baseline share, so 100 means "as late as the baseline" and a target
  "< 100" reads "fewer late dossiers than the baseline"; without a baseline
  it is the plain late share, to compare with a fixed goal (≤ 5%).

Numerator and denominator are dossiers; the engine's ``people`` arithmetic
(shares summed up the tree) is the one that fits. One grouped statement per
dashboard (plus one for the baseline) gives the cells and, through a month
bucket read with each group, the chart's history.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

from django.db.models import Count, Q
from django.utils import timezone

from thidua.movements import indicators
from thidua.movements.indicators import Context, Indicator, end_of_day, month_bucket


def _month(text, fallback: date) -> date:
    if not text:
        return fallback.replace(day=1)
    year, month = str(text).split("-")
    result = date(int(year), int(month), 1)
    if not 2000 <= result.year <= 2100:
        raise ValueError(text)
    return result


def _next(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def period_bounds(params: dict, movement) -> tuple[datetime, datetime]:
    first = _month(params.get("period_from"), movement.starts_on)
    last = _month(params.get("period_to"), movement.ends_on)
    return _moment(first), _moment(_next(last))


def baseline_bounds(params: dict) -> tuple[datetime, datetime] | None:
    if not params.get("baseline_from") and not params.get("baseline_to"):
        return None
    first = _month(params.get("baseline_from") or params.get("baseline_to"), date.today())
    last = _month(params.get("baseline_to") or params.get("baseline_from"), date.today())
    return _moment(first), _moment(_next(last))


class _DossierShare(Indicator):
    counted = "people"
    noun = "hồ sơ"  # what numerator and denominator count, for a dashboard that names it
    #: Timings counted in the numerator.
    counted_timings: tuple[str, ...] = ()

    def check(self, params, movement):
        errors = []
        try:
            start, end = period_bounds(params, movement)
            if start >= end:
                errors.append("Tháng đầu của kỳ phải trước hoặc trùng tháng cuối.")
        except (ValueError, AttributeError, TypeError):
            errors.append("Tháng đầu, tháng cuối của kỳ phải ghi theo dạng NĂM-THÁNG, "
                          "ví dụ 2026-01.")
        return errors

    def _resolved(self, ctx: Context, start, end):
        from thidua.dossiers.models import ProcedureDossier

        return (ProcedureDossier.objects
                .filter(ctx.unit_filter(), unit__is_active=True, resolved_at__gte=start,
                        resolved_at__lt=end, resolved_at__lte=end_of_day(ctx.as_of))
                .exclude(timing=""))

    def _rows(self, ctx: Context, params: dict) -> list[tuple[int, str, int, int]]:
        """(unit_id, timing, month bucket, dossiers) of the subtree, read once per period."""
        start, end = period_bounds(params, ctx.movement)
        key = ("dossier_rows", start, end)
        if key not in ctx.memo:
            rows = (self._resolved(ctx, start, end).order_by()
                    .annotate(bucket=month_bucket("resolved_at", ctx.month_ends))
                    .values("unit_id", "timing", "bucket").annotate(n=Count("pk"))
                    .values_list("unit_id", "timing", "bucket", "n"))
            ctx.memo[key] = [(u, t, int(b), int(n)) for u, t, b, n in rows]
        return ctx.memo[key]

    def _factor(self, ctx: Context, params: dict) -> float:
        return 1.0

    def cells(self, ctx, target):
        params = target.params or {}
        factor = self._factor(ctx, params)
        cells = defaultdict(lambda: [0.0, 0.0])
        for unit_id, timing, _bucket, n in self._rows(ctx, params):
            cell = cells[unit_id]
            cell[1] += n * factor
            if timing in self.counted_timings:
                cell[0] += n
        return {unit_id: (num, den) for unit_id, (num, den) in cells.items()}

    def history(self, ctx, target, cutoffs):
        params = target.params or {}
        factor = self._factor(ctx, params)
        if list(cutoffs) == list(ctx.month_ends):
            rows = self._rows(ctx, params)
            return [(float(sum(n for _u, t, b, n in rows
                               if t in self.counted_timings and b <= index)),
                     float(sum(n for _u, _t, b, n in rows if b <= index)) * factor)
                    for index in range(len(cutoffs))]
        start, end = period_bounds(params, ctx.movement)
        resolved = self._resolved(ctx, start, end)
        totals = indicators.counts_at(resolved, "resolved_at", list(cutoffs))
        counted = indicators.counts_at(resolved.filter(timing__in=self.counted_timings),
                                       "resolved_at", list(cutoffs))
        return [(num, den * factor) for num, den in zip(counted, totals, strict=True)]

    def numerators_at(self, ctx, target, cutoffs):
        return [num for num, _den in self.history(ctx, target, cutoffs)]


class DossierOnTime(_DossierShare):
    key = "dossier_on_time"
    label = "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn, trước hạn"
    counted_timings = ("truoc_han", "dung_han")


class DossierLateShare(_DossierShare):
    key = "dossier_late_share"
    label = "Tỷ lệ hồ sơ thủ tục hành chính giải quyết quá hạn"
    counted_timings = ("qua_han",)

    def check(self, params, movement):
        errors = super().check(params, movement)
        try:
            bounds = baseline_bounds(params)
        except (ValueError, AttributeError, TypeError):
            errors.append("Tháng đầu, tháng cuối của kỳ gốc phải ghi theo dạng NĂM-THÁNG, "
                          "ví dụ 2025-01.")
        else:
            if bounds and bounds[0] >= bounds[1]:
                errors.append("Tháng đầu của kỳ gốc phải trước hoặc trùng tháng cuối.")
        return errors

    def describe(self, params):
        if params.get("baseline_from") or params.get("baseline_to"):
            return f"{self.label} so với kỳ gốc (100 = bằng kỳ gốc)"
        return self.label

    def unit_label_for(self, params):
        if params.get("baseline_from") or params.get("baseline_to"):
            return params.get("unit_label", "% của kỳ gốc")
        return super().unit_label_for(params)

    def baseline_share(self, ctx: Context, params: dict) -> float | None:
        """The late share (a fraction) of the baseline months in the dashboard's subtree."""
        bounds = baseline_bounds(params)
        if bounds is None:
            return None
        key = ("dossier_baseline", bounds)
        if key not in ctx.memo:
            from thidua.dossiers.models import ProcedureDossier

            totals = (ProcedureDossier.objects
                      .filter(ctx.unit_filter(), resolved_at__gte=bounds[0],
                              resolved_at__lt=bounds[1])
                      .exclude(timing="")
                      .aggregate(all=Count("pk"), late=Count("pk", filter=Q(timing="qua_han"))))
            ctx.memo[key] = totals["late"] / totals["all"] if totals["all"] else None
        return ctx.memo[key]

    def _factor(self, ctx, params):
        if baseline_bounds(params) is None:
            return 1.0
        return self.baseline_share(ctx, params) or 0.0


def register() -> None:
    indicators.register(DossierOnTime())
    indicators.register(DossierLateShare())
