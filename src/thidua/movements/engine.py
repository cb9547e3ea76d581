"""Targets measured live over the tree.

:class:`Dashboard` answers, for one movement and one unit, every target's
value, goal and status at the unit, per child unit, the lagging units, and
the value over time. Each target costs one indicator computation (a few
set-based queries over the whole subtree), cached for the dashboard's
lifetime; the per-child sums are done in Python over the unit ids, so the
number of queries does not depend on the number of units.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from thidua.core.periods import Period
from thidua.movements import indicators
from thidua.movements.models import Comparator, Target
from thidua.org.models import RoleAssignment, Unit

STATUS_LABELS = {
    "met": "Đạt",
    "behind": "Chưa đạt",
    "overdue": "Quá hạn",
    "no_data": "Chưa có số liệu",
}
REMIND_ROLES = ("leader", "secretariat")


@dataclass(frozen=True, slots=True)
class Measure:
    """A numerator over a denominator, and the value shown (scaled, two decimals).

    The value is worked out once, at creation; with ``slots`` a measure is a
    single small object — a province's dashboard holds thousands of them, and
    fewer long-lived objects mean fewer full passes of the garbage collector.
    """

    numerator: float
    denominator: float
    scale: int
    value: Decimal | None = field(init=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "value", _value(self.numerator, self.denominator, self.scale))


def _value(numerator: float, denominator: float, scale: int) -> Decimal | None:
    if not denominator:
        return None
    raw = Decimal(scale) * Decimal(str(numerator)) / Decimal(str(denominator))
    return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def meets(value: Decimal | None, comparator: str, goal: Decimal) -> bool | None:
    """Whether ``value`` reaches ``goal`` under ``comparator``; None without a value."""
    if value is None:
        return None
    return {
        Comparator.GTE: value >= goal,
        Comparator.GT: value > goal,
        Comparator.LTE: value <= goal,
        Comparator.LT: value < goal,
    }[Comparator(comparator)]


def status_of(value: Decimal | None, target: Target, today: date) -> str:
    """Met, behind, overdue (not met after the target's deadline) or no data yet."""
    reached = meets(value, target.comparator, target.goal)
    if reached:
        return "met"
    if target.deadline and today > target.deadline:
        return "overdue"
    return "no_data" if reached is None else "behind"


def _first(item: tuple):
    return item[0]


@dataclass(slots=True)
class Row:
    unit: Unit | None
    measure: Measure
    status: str

    @property
    def value(self):
        return self.measure.value

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


class Dashboard:
    def __init__(self, movement, unit: Unit | None = None, as_of: date | None = None):
        self.movement = movement
        self.today = timezone.localdate()
        self.as_of = as_of or self.today
        scope = movement.scope_unit
        # The dashboard is about the movement's scope: a unit above it shows the scope.
        self.root = unit if unit is not None and unit.path.startswith(scope.path) else scope
        self.ctx = indicators.Context(movement=movement, root=self.root, as_of=self.as_of,
                                      month_ends=self.month_ends())
        self._cells: dict[int, indicators.Cells] = {}
        self._paths: dict[int, str] | None = None
        self._children: list[Unit] | None = None
        self._targets: list[Target] | None = None
        self._child_of: dict[int, str] | None = None
        self._sum_cache: dict[int, tuple] = {}

    # Shared reads ----------------------------------------------------------------
    @property
    def paths(self) -> dict[int, str]:
        """Unit id → path for the whole subtree, read once."""
        if self._paths is None:
            self._paths = dict(Unit.objects.filter(path__startswith=self.root.path)
                               .values_list("pk", "path"))
        return self._paths

    @property
    def children(self) -> list[Unit]:
        if self._children is None:
            self._children = list(
                Unit.objects.filter(path__startswith=self.root.path, depth=self.root.depth + 1,
                                    is_active=True).select_related("kind").order_by("path"))
        return self._children

    def targets(self) -> list[Target]:
        """The movement's targets in the plan's order, read once per dashboard."""
        if self._targets is None:
            self._targets = list(self.movement.targets.all())
        return self._targets

    def cells(self, target: Target) -> indicators.Cells:
        if self.ctx.targets is None:
            self.ctx.targets = self.targets()
        if target.pk not in self._cells:
            self._cells[target.pk] = indicators.get(target.indicator).cells(self.ctx, target)
        return self._cells[target.pk]

    # Values -------------------------------------------------------------------------
    def _sums(self, target: Target) -> tuple[tuple[float, float], dict, dict]:
        """The subtree's (numerator, denominator), and numerators and denominators per
        child path, in one pass over the target's cells (cached: the row and the child
        rows share it)."""
        if target.pk not in self._sum_cache:
            numerator = denominator = 0.0
            numerators: dict[str, float] = defaultdict(float)
            denominators: dict[str, float] = defaultdict(float)
            child_of = self.child_of
            for unit_id, (num, den) in self.cells(target).items():
                numerator += num
                denominator += den
                path = child_of.get(unit_id)
                if path is not None:
                    numerators[path] += num
                    denominators[path] += den
            self._sum_cache[target.pk] = ((numerator, denominator), numerators, denominators)
        return self._sum_cache[target.pk]

    def row(self, target: Target) -> Row:
        (numerator, denominator), _numerators, _denominators = self._sums(target)
        measure = Measure(numerator, denominator, indicators.get(target.indicator).scale)
        return Row(self.root, measure, status_of(measure.value, target, self.today))

    @property
    def child_of(self) -> dict[int, str]:
        """Unit id → path of the root's child it lies under (the child itself included),
        worked out once for every target."""
        if self._child_of is None:
            length = (self.root.depth + 1) * Unit.steplen
            self._child_of = {unit_id: path[:length] for unit_id, path in self.paths.items()
                              if len(path) >= length}
        return self._child_of

    def child_rows(self, target: Target) -> list[Row]:
        """One row per active child of the root, summing its whole subtree."""
        _total, numerators, denominators = self._sums(target)
        scale = indicators.get(target.indicator).scale
        rows = []
        for child in self.children:
            measure = Measure(numerators.get(child.path, 0.0),
                              denominators.get(child.path, 0.0), scale)
            rows.append(Row(child, measure, status_of(measure.value, target, self.today)))
        return rows

    def lagging(self, target: Target, limit: int = 50) -> tuple[list[Row], int]:
        """Units (where the facts are counted) that do not reach the goal, worst first."""
        return self.lagging_many([target], limit)[target.pk]

    def lagging_many(self, targets: list[Target], limit: int = 50
                     ) -> dict[int, tuple[list[Row], int]]:
        """:meth:`lagging` of several targets, their units read in one ``in_bulk``.

        "Worst" follows the comparator: the lowest values first for a goal to
        reach (≥, >), the highest first for a ceiling not to pass (≤, <).
        """
        shown_by_target, units_needed = {}, set()
        for target in targets:
            behind = self._behind(target)
            shown_by_target[target.pk] = (behind[:limit], len(behind))
            units_needed.update(unit_id for unit_id, _measure in behind[:limit])
        units = Unit.objects.in_bulk(list(units_needed))
        result = {}
        for target in targets:
            shown, count = shown_by_target[target.pk]
            rows = [Row(units[unit_id], measure, status_of(measure.value, target, self.today))
                    for unit_id, measure in shown if unit_id in units]
            result[target.pk] = (rows, count)
        return result

    def _behind(self, target: Target) -> list[tuple[int, Measure]]:
        """Every (unit id, measure) not reaching the goal, worst first, then by tree order.

        Cells repeat the same few (numerator, denominator) pairs — (1, 1) and
        (0, 1) for a share of units — so the units are grouped by pair first and
        each pair's value and verdict is worked out once: at a province's root
        that is thousands of decimal divisions and comparisons fewer per target.
        """
        scale = indicators.get(target.indicator).scale
        lower_is_better = Comparator(target.comparator) in (Comparator.LTE, Comparator.LT)
        units_by_cell: dict[tuple[float, float], list[int]] = defaultdict(list)
        for unit_id, cell in self.cells(target).items():
            units_by_cell[cell].append(unit_id)
        groups = []
        for (numerator, denominator), unit_ids in units_by_cell.items():
            if not denominator:
                continue
            measure = Measure(numerator, denominator, scale)
            if meets(measure.value, target.comparator, target.goal):
                continue
            # A float sorts like the two-decimal value it comes from, and much faster.
            groups.append((float(-measure.value if lower_is_better else measure.value),
                           measure, unit_ids))
        groups.sort(key=_first)
        paths = self.paths
        behind = []
        for _key, measure, unit_ids in groups:
            unit_ids.sort(key=lambda unit_id: paths.get(unit_id, ""))
            behind.extend((unit_id, measure) for unit_id in unit_ids)
        return behind

    def series(self, target: Target, points: int = 12) -> list[tuple[date, Decimal | None]]:
        """The value at the end of each month from the movement's start to today.

        The indicator's numerator at each month end (its dated events counted
        cumulatively, or one conditional count per month) over today's
        denominator; an indicator that knows its own history (a mean of entered
        values) gives numerator and denominator at each month end. Indicators
        with neither give only today's value.
        """
        current = self.row(target).measure
        indicator = indicators.get(target.indicator)
        cutoffs = self.month_ends(points)
        if not cutoffs:
            return [(self.as_of, current.value)]
        history = indicator.history(self.ctx, target, cutoffs)
        if history is None:
            numerators = indicator.numerators_at(self.ctx, target, cutoffs)
            if numerators is None:
                return [(self.as_of, current.value)]
            history = [(numerator, current.denominator) for numerator in numerators]
        return [(cutoff, Measure(num, den, current.scale).value)
                for cutoff, (num, den) in zip(cutoffs, history, strict=True)]

    def month_ends(self, points: int = 12) -> list[date]:
        """The last ``points`` month ends from the movement's start, the last one being
        today (or the movement's end); empty before the movement starts."""
        end = min(self.as_of, self.movement.ends_on)
        start = self.movement.starts_on
        if end < start:
            return []
        return [min(month.end, end) for month in Period.custom(start, end).months()][-points:]

    def who_to_remind(self, unit_ids) -> dict[int, list[str]]:
        """Names of the leaders and secretariat holding a role directly on each unit.

        One query for any number of units (the dashboard asks once for the
        lagging units of every target). Disabled accounts are left out — a
        reminder to them reaches nobody — and a person holding both roles on
        a unit is named once.
        """
        people = defaultdict(list)
        rows = (RoleAssignment.objects.filter(unit_id__in=list(unit_ids), role__in=REMIND_ROLES,
                                              user__is_active=True)
                .select_related("user").order_by("unit_id", "role", "user_id"))
        for assignment in rows:
            user = assignment.user
            name = user.get_full_name() or user.get_username()
            if name not in people[assignment.unit_id]:
                people[assignment.unit_id].append(name)
        return people
