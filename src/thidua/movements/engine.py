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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Measure:
    numerator: float
    denominator: float
    scale: int

    @property
    def value(self) -> Decimal | None:
        if not self.denominator:
            return None
        raw = Decimal(self.scale) * Decimal(str(self.numerator)) / Decimal(str(self.denominator))
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


@dataclass
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
        self.ctx = indicators.Context(movement=movement, root=self.root, as_of=self.as_of)
        self._cells: dict[int, indicators.Cells] = {}
        self._paths: dict[int, str] | None = None
        self._children: list[Unit] | None = None

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
        return list(self.movement.targets.all())

    def cells(self, target: Target) -> indicators.Cells:
        if target.pk not in self._cells:
            self._cells[target.pk] = indicators.get(target.indicator).cells(self.ctx, target)
        return self._cells[target.pk]

    # Values -------------------------------------------------------------------------
    def _measure(self, target, cells) -> Measure:
        numerator, denominator = indicators.total(cells)
        return Measure(numerator, denominator, indicators.get(target.indicator).scale)

    def row(self, target: Target) -> Row:
        measure = self._measure(target, self.cells(target).values())
        return Row(self.root, measure, status_of(measure.value, target, self.today))

    def child_rows(self, target: Target) -> list[Row]:
        """One row per active child of the root, summing its whole subtree."""
        length = (self.root.depth + 1) * Unit.steplen
        grouped = defaultdict(list)
        paths = self.paths
        for unit_id, cell in self.cells(target).items():
            path = paths.get(unit_id)
            if path and len(path) >= length:
                grouped[path[:length]].append(cell)
        rows = []
        for child in self.children:
            measure = self._measure(target, grouped.get(child.path, ()))
            rows.append(Row(child, measure, status_of(measure.value, target, self.today)))
        return rows

    def lagging(self, target: Target, limit: int = 50) -> tuple[list[Row], int]:
        """Units (where the facts are counted) that do not reach the goal, worst first."""
        scale = indicators.get(target.indicator).scale
        behind = []
        for unit_id, (num, den) in self.cells(target).items():
            measure = Measure(num, den, scale)
            if den and not meets(measure.value, target.comparator, target.goal):
                behind.append((measure.value, unit_id, measure))
        behind.sort(key=lambda item: (item[0], self.paths.get(item[1], "")))
        shown = behind[:limit]
        units = Unit.objects.in_bulk([unit_id for _v, unit_id, _m in shown])
        rows = [Row(units[unit_id], measure, status_of(measure.value, target, self.today))
                for _v, unit_id, measure in shown if unit_id in units]
        return rows, len(behind)

    def series(self, target: Target, points: int = 12) -> list[tuple[date, Decimal | None]]:
        """The value at the end of each month from the movement's start to today.

        Numerator events are counted cumulatively; the denominator is today's.
        Indicators without dated events give only today's value.
        """
        current = self.row(target).measure
        events = indicators.get(target.indicator).events(self.ctx, target)
        end = min(self.as_of, self.movement.ends_on)
        start = self.movement.starts_on
        if not events or end < start:
            return [(self.as_of, current.value)]
        months = list(Period.custom(start, end).months())[-points:]
        result = []
        for month in months:
            cutoff = min(month.end, end)
            numerator = sum(weight for day, weight in events if day and day <= cutoff)
            result.append((cutoff, Measure(numerator, current.denominator, current.scale).value))
        return result

    def who_to_remind(self, unit_ids) -> dict[int, list[str]]:
        """Names of the leaders and secretariat holding a role directly on each unit."""
        people = defaultdict(list)
        rows = (RoleAssignment.objects.filter(unit_id__in=list(unit_ids), role__in=REMIND_ROLES)
                .select_related("user").order_by("unit_id", "role"))
        for assignment in rows:
            user = assignment.user
            people[assignment.unit_id].append(user.get_full_name() or user.get_username())
        return people
