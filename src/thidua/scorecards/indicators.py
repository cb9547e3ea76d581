"""Scorecard measures for movement targets ("more than 90% of cells recognised 'bốn tốt'").

Three kinds over the units of the subtree that the framework applies to (the
target's unit kinds, else the framework's): the share recognised in the year,
the share registered, the share that self-evaluated in the period of the
report date (the quarter, by default). Each reads the scorecards of the
subtree once, with the month each fact happened in, so the chart costs no
second query.
"""

from __future__ import annotations

from datetime import date

from thidua.movements import indicators
from thidua.movements.indicators import (
    Indicator,
    cumulative,
    end_of_day,
    month_bucket,
    plain_rows,
    remember,
    remembered,
)
from thidua.org.models import UnitKind


def _framework_kinds(ctx, code: str) -> list[str]:
    key = ("scorecard_kinds", code)
    if key not in ctx.memo:
        ctx.memo[key] = list(UnitKind.objects.filter(
            pk__in=_framework_kind_ids(code)).values_list("code", flat=True))
    return ctx.memo[key]


def _framework_kind_ids(code: str):
    from thidua.scorecards.models import Framework

    return Framework.unit_kinds.through.objects.filter(
        framework__code=code, framework__is_active=True).values("unitkind_id")


class ScorecardIndicator(Indicator):
    #: The moment a unit counts from, and the states it counts in.
    stamp = "decided_at"
    states: tuple[str, ...] = ("recognised",)

    def check(self, params, movement):
        from thidua.scorecards.models import Framework

        errors = []
        code = params.get("framework")
        if not code or not Framework.objects.filter(code=code).exists():
            errors.append("Hãy chọn bộ tiêu chí (ví dụ “chi_bo_bon_tot”).")
        year = params.get("year")
        if year is not None and not (2000 <= int(year) <= 2100):
            errors.append("Năm không hợp lệ.")
        return errors

    def _params(self, ctx, target):
        params = dict(target.params or {})
        params.setdefault("unit_kinds", _framework_kinds(ctx, params.get("framework", "")))
        return params

    def _year(self, ctx, params) -> int:
        return int(params.get("year") or ctx.as_of.year)

    def _cards(self, ctx, params):
        from thidua.scorecards.models import Scorecard

        return Scorecard.objects.filter(
            ctx.participant_q(params), framework__code=params.get("framework"),
            person__isnull=True, year=self._year(ctx, params), state__in=self.states,
            **{f"{self.stamp}__lte": end_of_day(ctx.as_of)})

    def cells(self, ctx, target):
        params = self._params(ctx, target)
        participants = ctx.participants(params)
        rows = (self._cards(ctx, params).order_by()
                .annotate(bucket=month_bucket(self.stamp, ctx.month_ends))
                .values_list("unit_id", "bucket"))
        done, buckets = set(), []
        for unit_id, bucket in plain_rows(rows):
            done.add(unit_id)
            buckets.append(bucket)
        remember(ctx, target, cumulative(buckets, len(ctx.month_ends)))
        return {pk: (1.0 if pk in done else 0.0, 1.0) for pk in participants}

    def numerators_at(self, ctx, target, cutoffs):
        known = remembered(ctx, target, cutoffs)
        if known is not None:
            return known
        params = self._params(ctx, target)
        rows = self._cards(ctx, params).order_by().values_list(self.stamp, flat=True)
        moments = list(rows)
        return [float(sum(1 for m in moments if m and m <= end_of_day(day))) for day in cutoffs]


class Recognised(ScorecardIndicator):
    key = "scorecard_recognised"
    label = "Tỷ lệ tổ chức được công nhận theo bộ tiêu chí (ví dụ “Chi bộ bốn tốt”)"


class Registered(ScorecardIndicator):
    key = "scorecard_registered"
    label = "Tỷ lệ tổ chức đã đăng ký theo bộ tiêu chí"
    stamp = "registered_at"
    states = ("registered", "submitted", "returned", "appraised", "recognised",
              "not_recognised")


class SelfEvaluated(ScorecardIndicator):
    """Units with a self-evaluation for the period that contains the report date."""

    key = "scorecard_self_evaluated"
    label = "Tỷ lệ tổ chức đã tự đánh giá định kỳ trong kỳ (quý) hiện tại"

    def _period(self, ctx, params) -> tuple[int, date]:
        every = int(params.get("every", 3))
        period = (ctx.as_of.month - 1) // every + 1
        return period, date(ctx.as_of.year, (period - 1) * every + 1, 1)

    def cells(self, ctx, target):
        from thidua.scorecards.models import Evaluation

        params = self._params(ctx, target)
        participants = ctx.participants(params)
        period, _start = self._period(ctx, params)
        rows = (Evaluation.objects.filter(
            ctx.participant_q(params, prefix="scorecard__unit__"),
            scorecard__framework__code=params.get("framework"),
            scorecard__person__isnull=True, scorecard__year=ctx.as_of.year, period=period,
            submitted_at__lte=end_of_day(ctx.as_of))
            .order_by().values_list("scorecard__unit_id", flat=True))
        done = set(rows)
        return {pk: (1.0 if pk in done else 0.0, 1.0) for pk in participants}

    def numerators_at(self, ctx, target, cutoffs):
        return None  # a share of the current period: no running history


def register() -> None:
    for indicator in (Recognised(), Registered(), SelfEvaluated()):
        indicators.register(indicator)
