"""Read side of procedure dossiers: monthly statistics of a subtree, the late ones.

:func:`month_stats` answers a whole subtree in one grouped statement of
conditional counts (per unit path, summed per child unit in Python), plus one
query for the child units — whatever the number of dossiers or units.

For the month M (``start`` ≤ t < ``end``) and the moment ``cut`` = the end of M,
or now while M runs:

- received: received during M;
- early / on time / late: returned during M, by their stored timing
  (``rules.classify``);
- still open: received before ``cut`` and not finished by then (returned
  later, or still received / being processed);
- open and overdue: still open with the due day ended before ``cut``'s day
  (``rules.is_overdue``);
- baseline: the returned ones and the late ones of the baseline months, for the
  change of the late share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from thidua.dossiers.models import OPEN_STATUSES, ProcedureDossier, Timing
from thidua.org.models import Unit


def first_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def parse_month(text: str | None) -> date | None:
    """"2026-05" → 1 May 2026; None when blank or malformed."""
    if not text:
        return None
    try:
        year, month = (int(part) for part in str(text).split("-"))
        if not 2000 <= year <= 2100:
            return None
        return date(year, month, 1)
    except (TypeError, ValueError):
        return None


@dataclass
class Baseline:
    first: date  # first month
    last: date  # last month (inclusive)

    @property
    def label(self) -> str:
        if self.first == self.last:
            return f"tháng {self.first:%m/%Y}"
        return f"từ tháng {self.first:%m/%Y} đến tháng {self.last:%m/%Y}"


def default_baseline(month: date) -> Baseline:
    """The same month of the previous year."""
    same = date(month.year - 1, month.month, 1)
    return Baseline(same, same)


def _share(part: int, whole: int) -> float | None:
    return part * 100 / whole if whole else None


@dataclass
class Counts:
    received: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0
    overdue: int = 0
    base_resolved: int = 0
    base_late: int = 0

    FIELDS = ("received", "early", "on_time", "late", "open", "overdue", "base_resolved",
              "base_late")

    def add(self, values) -> None:
        for name, value in zip(self.FIELDS, values, strict=True):
            setattr(self, name, getattr(self, name) + int(value or 0))

    @property
    def resolved(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def on_time_share(self) -> float | None:
        return _share(self.early + self.on_time, self.resolved)

    @property
    def late_share(self) -> float | None:
        return _share(self.late, self.resolved)

    @property
    def base_late_share(self) -> float | None:
        return _share(self.base_late, self.base_resolved)

    @property
    def late_change(self) -> float | None:
        """Change of the late share against the baseline, in percentage points."""
        if self.late_share is None or self.base_late_share is None:
            return None
        return self.late_share - self.base_late_share

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in self.FIELDS)


@dataclass
class ChildRow:
    unit: Unit | None  # None: dossiers received at the unit itself
    counts: Counts


@dataclass
class MonthStats:
    root: Unit
    month: date
    baseline: Baseline
    cut: datetime
    total: Counts
    rows: list[ChildRow] = field(default_factory=list)


def in_subtree(root: Unit) -> QuerySet[ProcedureDossier]:
    return ProcedureDossier.objects.filter(unit__path__startswith=root.path)


def _bounds(month: date, now: datetime):
    start, end = moment(month), moment(next_month(month))
    cut = min(end, now)
    overdue_before = moment(timezone.localtime(cut).date()) if cut < end else end
    return start, end, cut, overdue_before


def _conditions(month: date, baseline: Baseline, now: datetime) -> dict[str, Q]:
    start, end, cut, overdue_before = _bounds(month, now)
    base_start, base_end = moment(baseline.first), moment(next_month(baseline.last))
    resolved_in = Q(resolved_at__gte=start, resolved_at__lt=end)
    open_at = Q(received_at__lt=cut) & (
        Q(resolved_at__gte=cut) | Q(resolved_at__isnull=True, status__in=OPEN_STATUSES))
    base = Q(resolved_at__gte=base_start, resolved_at__lt=base_end) & ~Q(timing="")
    return {
        "received": Q(received_at__gte=start, received_at__lt=end),
        "early": resolved_in & Q(timing=Timing.EARLY),
        "on_time": resolved_in & Q(timing=Timing.ON_TIME),
        "late": resolved_in & Q(timing=Timing.LATE),
        "open": open_at,
        "overdue": open_at & Q(due_at__lt=overdue_before),
        "base_resolved": base,
        "base_late": base & Q(timing=Timing.LATE),
    }


def month_stats(root: Unit, month: date, baseline: Baseline | None = None,
                now: datetime | None = None) -> MonthStats:
    """Counts of ``root``'s subtree for ``month``, in total and per child unit (2 queries)."""
    now = now or timezone.now()
    baseline = baseline or default_baseline(month)
    conditions = _conditions(month, baseline, now)
    any_of = Q()
    for name in ("received", "early", "on_time", "late", "open", "base_resolved"):
        any_of |= conditions[name]
    grouped = (in_subtree(root).filter(any_of).order_by().values("unit__path")
               .annotate(**{f"n_{name}": Count("pk", filter=condition)
                            for name, condition in conditions.items()})
               .values_list("unit__path", *(f"n_{name}" for name in Counts.FIELDS)))
    children = list(Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1)
                    .order_by("path"))
    width = len(root.path) + Unit.steplen
    per_child: dict[str, Counts] = {child.path: Counts() for child in children}
    own = Counts()
    total = Counts()
    for path, *values in grouped:
        total.add(values)
        (per_child.get(path[:width], own) if len(path) > len(root.path) else own).add(values)
    rows = [ChildRow(child, per_child[child.path]) for child in children]
    if not own.empty:
        rows.insert(0, ChildRow(None, own))
    return MonthStats(root, month, baseline, _bounds(month, now)[2], total, rows)


def late_dossiers(root: Unit, month: date, now: datetime | None = None):
    """The late dossiers of the month: returned late during it, or still open and overdue
    at its end — the most overdue first."""
    now = now or timezone.now()
    start, end, cut, overdue_before = _bounds(month, now)
    late = Q(resolved_at__gte=start, resolved_at__lt=end, timing=Timing.LATE)
    overdue = (Q(received_at__lt=cut, due_at__lt=overdue_before)
               & (Q(resolved_at__gte=cut) | Q(resolved_at__isnull=True,
                                                status__in=OPEN_STATUSES)))
    return (in_subtree(root).filter(late | overdue)
            .select_related("unit", "official").order_by("due_at", "pk"))
