"""Results of citizen ratings, each in a fixed few queries: a unit's desks in a month
(per desk and per official), a unit's subtree over a month or a range of months
(per child unit, per official, the reasons, the comments its leaders read) and
one official's month for his KPI sheet.

Counts come from one grouped query; the reasons tally from the unsatisfied
ratings' reason lists; the comments are read as text (shown escaped).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q
from django.db.models.functions import Substr
from django.utils import timezone

from thidua.core import scoping
from thidua.core.roles import Role
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


def month_results(unit: Unit, month: date, *, comments: bool = True) -> list[DeskResult]:
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
    noted_filter = Q(satisfied=False) | ~Q(comment="") if comments else Q(satisfied=False)
    noted = (ratings.filter(noted_filter)
             .order_by("created_at", "pk")
             .values_list("desk_id", "official_id", "reasons", "comment", "level", "created_at"))
    for desk_id, official_id, reasons, comment, level, created_at in noted:
        for tally in tallies(desk_id, official_id):
            tally.reasons.update(str(reason) for reason in (reasons or []))
            if comment and comments:
                tally.comments.append((timezone.localtime(created_at), LEVEL_LABELS.get(level, level),
                                       comment))
    by_desk: dict[int, list] = {desk.pk: [] for desk in desks}
    for official in officials:
        by_desk[official.desk_id].append((official, official_tally[official.pk]))
    return [DeskResult(desk, desk_tally[desk.pk], by_desk[desk.pk], loose[desk.pk])
            for desk in desks]


# Results over a unit's subtree, for a month or a range of months ---------------------------
#: Who reads the citizens' comments: the official's leaders and the office (not observers).
COMMENT_ROLES = frozenset({Role.ADMIN, Role.SECRETARIAT, Role.LEADER})
#: Comments listed on the page (the newest); the export holds them all.
COMMENTS_SHOWN = 200


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def range_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[start of ``first``, start of the month after ``last``) as aware moments."""
    start, _ = month_bounds(first)
    _, end = month_bounds(last)
    return start, end


def period_text(first: date, last: date) -> str:
    if first == last:
        return f"tháng {first:%m/%Y}"
    return f"từ tháng {first:%m/%Y} đến tháng {last:%m/%Y}"


@dataclass
class OfficialRow:
    official: DeskOfficial
    tally: Tally


@dataclass
class CommentRow:
    moment: datetime
    level: str
    comment: str
    unit_name: str
    desk_name: str
    official_name: str


@dataclass
class SubtreeResults:
    unit: Unit
    first: date
    last: date
    total: Tally
    #: (child unit or None for the unit's own desks, its subtree's tally)
    branches: list[tuple[Unit | None, Tally]]
    officials: list[OfficialRow]
    comments: list[CommentRow] | None  # None: the reader may not see comments
    more_comments: bool = False

    @property
    def period(self) -> str:
        return period_text(self.first, self.last)


def _comment_filter(user, unit: Unit) -> Q | None:
    """Which ratings' comments ``user`` reads under ``unit``: None for none, Q() for all.

    A comment is the leader's to read when his leading (or office, admin) role
    covers the rated desk's unit or the official's own unit.
    """
    paths = scoping.covered_paths(user, COMMENT_ROLES)
    if paths is scoping.EVERYTHING or any(unit.path.startswith(p) for p in paths):
        return Q()
    inside = [p for p in paths if p.startswith(unit.path)]
    if not inside:
        return None
    condition = Q(pk__in=[])
    for path in inside:
        condition |= Q(unit__path__startswith=path)
        condition |= Q(official__person__unit__path__startswith=path)
    return condition


def subtree_results(unit: Unit, first: date, last: date, user, *,
                    comment_limit: int | None = COMMENTS_SHOWN) -> SubtreeResults:
    """Every desk under ``unit`` (itself included) from ``first`` to ``last`` (months).

    Six statements whatever the size of the subtree: the child units, counts
    per child branch (the rated desk's path cut at the child's depth), counts
    per official, the officials, the reasons tally per official and the
    comments the user may read (newest first, ``comment_limit`` of them; None
    for all — the export).
    """
    start, end = range_bounds(first, last)
    ratings = Rating.objects.filter(unit__path__startswith=unit.path, created_at__gte=start,
                                    created_at__lt=end).order_by()
    child_len = len(unit.path) + Unit.steplen
    children = list(Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
                    .order_by("path"))
    branch = {unit.path: Tally(), **{child.path: Tally() for child in children}}
    total = Tally()
    counts = (ratings.annotate(branch=Substr("unit__path", 1, child_len)).values("branch")
              .annotate(n=Count("pk"), ok=Count("pk", filter=Q(satisfied=True))))
    for row in counts:
        tally = branch.setdefault(row["branch"], Tally())
        for item in (tally, total):
            item.count += row["n"]
            item.satisfied += row["ok"]
    per_official: dict[int, Tally] = {}
    for row in (ratings.filter(official__isnull=False).values("official_id")
                .annotate(n=Count("pk"), ok=Count("pk", filter=Q(satisfied=True)))):
        per_official[row["official_id"]] = Tally(count=row["n"], satisfied=row["ok"])
    rated = ratings.filter(official_id=OuterRef("pk"))
    officials = list(
        DeskOfficial.objects.filter(desk__unit__path__startswith=unit.path)
        .filter(Q(is_active=True, desk__is_active=True) | Exists(rated))
        .select_related("person__unit", "desk__unit")
        .order_by("person__unit__path", "person__full_name", "desk__name", "pk"))
    for row in (ratings.filter(satisfied=False).values("official_id", "reasons")
                .annotate(n=Count("pk"))):
        for reason in row["reasons"] or []:
            total.reasons[str(reason)] += row["n"]
            if row["official_id"] in per_official:
                per_official[row["official_id"]].reasons[str(reason)] += row["n"]
    rows = [OfficialRow(official, per_official.get(official.pk, Tally()))
            for official in officials]
    comments, more = None, False
    allowed = _comment_filter(user, unit)
    if allowed is not None:
        noted = (ratings.filter(allowed).exclude(comment="").order_by("-created_at", "-pk")
                 .values_list("created_at", "level", "comment", "unit__name", "desk__name",
                              "official__person__full_name"))
        if comment_limit is not None:
            noted = noted[:comment_limit + 1]
        comments = [CommentRow(timezone.localtime(moment), LEVEL_LABELS.get(level, level),
                               comment, unit_name, desk_name, official_name or "")
                    for moment, level, comment, unit_name, desk_name, official_name in noted]
        if comment_limit is not None and len(comments) > comment_limit:
            comments, more = comments[:comment_limit], True
    branches = [(None, branch[unit.path])] + [(child, branch[child.path]) for child in children]
    return SubtreeResults(unit, first, last, total, branches, rows, comments, more)


# The official's month, for his KPI sheet -----------------------------------------------------
@dataclass
class OfficialMonth:
    """What citizens said of a desk official in a month (information for the
    "service attitude" criterion of his sheet; it does not change the score)."""

    tally: Tally
    desks: list[str]


def is_desk_official(person_ref: str = "pk") -> Exists:
    """An expression: whether the person at ``person_ref`` has ever worked at a desk (for
    the KPI sheet page to read along with the sheet)."""
    return Exists(DeskOfficial.objects.filter(person_id=OuterRef(person_ref)))


def official_month_summary(person, month: date) -> OfficialMonth | None:
    """The person's ratings at every desk he works or worked at, in ``month``; None when
    he has never been a desk official. One statement: his desk assignments joined
    with that month's ratings, grouped by satisfaction and reasons."""
    start, end = month_bounds(month)
    rows = (DeskOfficial.objects.filter(person_id=person.pk)
            .annotate(month_ratings=FilteredRelation(
                "ratings", condition=Q(ratings__created_at__gte=start,
                                       ratings__created_at__lt=end)))
            .values("desk__name", "month_ratings__satisfied", "month_ratings__reasons")
            .annotate(n=Count("month_ratings__pk")).order_by("desk__name"))
    rows = list(rows)
    if not rows:
        return None
    tally, desks = Tally(), []
    for row in rows:
        if row["desk__name"] not in desks:
            desks.append(row["desk__name"])
        n = row["n"]
        if not n:
            continue
        tally.count += n
        if row["month_ratings__satisfied"]:
            tally.satisfied += n
        else:
            for reason in row["month_ratings__reasons"] or []:
                tally.reasons[str(reason)] += n
    return OfficialMonth(tally, desks)
