"""Monthly results of a unit's desks: per desk and per official, in a fixed few queries.

Counts come from one grouped query; the reasons tally from the unsatisfied
ratings' reason lists; the comments are read as text (shown escaped).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Q
from django.utils import timezone

from thidua.feedback.models import LEVEL_LABELS, DeskOfficial, Rating, ServiceDesk
from thidua.org.models import Unit


@dataclass
class Tally:
    count: int = 0
    satisfied: int = 0
    reasons: Counter = field(default_factory=Counter)
    comments: list = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return self.satisfied * 100 / self.count if self.count else None

    @property
    def rate_text(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{rate:.1f}".replace(".", ",") + "%"

    def reason_rows(self) -> list[tuple[str, int]]:
        return self.reasons.most_common()


@dataclass
class DeskResult:
    desk: ServiceDesk
    total: Tally
    officials: list[tuple[DeskOfficial, Tally]]
    unattributed: Tally


def month_bounds(month: date) -> tuple[datetime, datetime]:
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    start = timezone.make_aware(datetime.combine(month, time.min))
    end = timezone.make_aware(datetime.combine(following, time.min))
    return start, end


def month_results(unit: Unit, month: date) -> list[DeskResult]:
    desks = list(ServiceDesk.objects.filter(unit=unit).order_by("name"))
    officials = list(DeskOfficial.objects.filter(desk__unit=unit).select_related("person")
                     .order_by("person__full_name", "pk"))
    start, end = month_bounds(month)
    ratings = Rating.objects.filter(desk__unit=unit, created_at__gte=start, created_at__lt=end)
    desk_tally = {desk.pk: Tally() for desk in desks}
    official_tally = {official.pk: Tally() for official in officials}
    loose = {desk.pk: Tally() for desk in desks}

    def tallies(desk_id, official_id):
        yield desk_tally[desk_id]
        yield official_tally[official_id] if official_id else loose[desk_id]

    counts = (ratings.order_by().values("desk_id", "official_id")
              .annotate(n=Count("pk"), ok=Count("pk", filter=Q(satisfied=True))))
    for row in counts:
        for tally in tallies(row["desk_id"], row["official_id"]):
            tally.count += row["n"]
            tally.satisfied += row["ok"]
    noted = (ratings.filter(Q(satisfied=False) | ~Q(comment=""))
             .order_by("created_at", "pk")
             .values_list("desk_id", "official_id", "reasons", "comment", "level", "created_at"))
    for desk_id, official_id, reasons, comment, level, created_at in noted:
        for tally in tallies(desk_id, official_id):
            tally.reasons.update(str(reason) for reason in (reasons or []))
            if comment:
                tally.comments.append((timezone.localtime(created_at), LEVEL_LABELS.get(level, level),
                                       comment))
    by_desk: dict[int, list] = {desk.pk: [] for desk in desks}
    for official in officials:
        by_desk[official.desk_id].append((official, official_tally[official.pk]))
    return [DeskResult(desk, desk_tally[desk.pk], by_desk[desk.pk], loose[desk.pk])
            for desk in desks]
