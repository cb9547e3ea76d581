"""Training measure for movement targets ("100% cán bộ, công chức được bồi dưỡng hằng năm").

``training_coverage``: the share of the active staff of the chosen categories
(the target's, else the movement's) working in the subtree who have at least
one training record ending in the year (param ``year``, default the report
date's year) and by the report date — optionally only records of given
``topics``, optionally at least ``min_hours`` hours in total. One grouped
statement per dashboard and set of parameters.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

from thidua.movements import indicators
from thidua.movements.indicators import Context, Indicator, plain_rows
from thidua.org.choices import PersonStatus, StaffCategory
from thidua.org.models import Person, Unit


def _year(params: dict, ctx_or_none) -> int:
    year = params.get("year")
    if year in (None, ""):
        return ctx_or_none.as_of.year
    return int(year)


def _min_hours(params: dict) -> Decimal:
    value = params.get("min_hours")
    if value in (None, ""):
        return Decimal(0)
    return Decimal(str(value).replace(",", "."))


class TrainingCoverage(Indicator):
    key = "training_coverage"
    label = "Tỷ lệ cán bộ, công chức được bồi dưỡng trong năm"
    counted = "people"

    def _categories(self, ctx, params):
        return params.get("staff_categories") or list(ctx.movement.staff_categories or [])

    def check(self, params, movement):
        from thidua.training.models import Topic

        errors = []
        categories = params.get("staff_categories") or movement.staff_categories or []
        unknown = set(categories) - set(StaffCategory.values)
        if unknown:
            errors.append(f"Đối tượng cán bộ không hợp lệ: {', '.join(sorted(unknown))}.")
        elif not categories:
            errors.append("Chưa xác định được mẫu số: hãy chọn đối tượng cán bộ.")
        topics = params.get("topics") or []
        if set(topics) - set(Topic.values):
            errors.append("Chủ đề bồi dưỡng không hợp lệ: "
                          f"{', '.join(sorted(set(topics) - set(Topic.values)))}.")
        year = params.get("year")
        if year not in (None, ""):
            try:
                if not 2000 <= int(year) <= 2100:
                    raise ValueError
            except (TypeError, ValueError):
                errors.append("Năm phải là số từ 2000 đến 2100.")
        try:
            if _min_hours(params) < 0:
                errors.append("Số giờ tối thiểu không được âm.")
        except (InvalidOperation, ValueError):
            errors.append("Số giờ tối thiểu phải là số.")
        return errors

    def describe(self, params):
        parts = []
        if params.get("year"):
            parts.append(f"năm {params['year']}")
        if params.get("min_hours"):
            parts.append(f"tối thiểu {params['min_hours']} giờ")
        return f"{self.label} ({', '.join(parts)})" if parts else self.label

    def _covered(self, params: dict, year: int, until):
        """1 for a person (the outer row) with records of ``year`` ending by ``until`` that
        meet the target (topics, minimum hours), else 0."""
        from thidua.training.models import TrainingRecord

        topics = params.get("topics") or []
        minimum = _min_hours(params)
        records = TrainingRecord.objects.filter(person=OuterRef("pk"), ends_on__year=year,
                                                ends_on__lte=until)
        if topics:
            records = records.filter(topic__in=topics)
        if minimum > 0:
            total = Subquery(
                records.order_by().values("person").annotate(h=Sum("hours")).values("h"),
                output_field=DecimalField())
            condition = When(GreaterThanOrEqual(Coalesce(total, Value(Decimal(0))),
                                                Value(minimum)), then=Value(1))
        else:
            condition = When(Exists(records), then=Value(1))
        return Case(condition, default=Value(0), output_field=IntegerField())

    def _people(self, ctx: Context, params: dict):
        categories = sorted(self._categories(ctx, params))
        units = Unit.objects.filter(ctx.unit_filter(prefix="")).values("pk")
        return Person.objects.filter(unit__in=units, status=PersonStatus.ACTIVE,
                                     staff_category__in=categories)

    def _rows(self, ctx: Context, params: dict):
        categories = tuple(sorted(self._categories(ctx, params)))
        topics = tuple(sorted(params.get("topics") or []))
        year, minimum = _year(params, ctx), _min_hours(params)
        key = ("training_coverage", categories, topics, year, minimum, ctx.as_of)
        if key not in ctx.memo:
            rows = (self._people(ctx, params)
                    .annotate(covered=self._covered(params, year, ctx.as_of))
                    .order_by().values("unit_id", "covered").annotate(n=Count("pk"))
                    .values_list("unit_id", "covered", "n"))
            ctx.memo[key] = [(unit_id, int(ok), n) for unit_id, ok, n in plain_rows(rows)]
        return ctx.memo[key]

    def numerators_at(self, ctx, target, cutoffs):
        """People covered at each cutoff (records of the year ended by then): one query."""
        if not cutoffs:
            return []
        params = target.params or {}
        year = _year(params, ctx)
        totals = self._people(ctx, params).aggregate(**{
            f"at_{index}": Sum(self._covered(params, year, cutoff))
            for index, cutoff in enumerate(cutoffs)})
        return [float(totals[f"at_{index}"] or 0) for index in range(len(cutoffs))]

    def cells(self, ctx, target):
        cells = defaultdict(lambda: [0.0, 0.0])
        for unit_id, ok, n in self._rows(ctx, target.params or {}):
            cell = cells[unit_id]
            cell[1] += n
            if ok:
                cell[0] += n
        return {unit_id: (num, den) for unit_id, (num, den) in cells.items()}


def register() -> None:
    indicators.register(TrainingCoverage())
