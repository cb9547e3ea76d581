"""Read side of the bank (ngân hàng sáng kiến): who sees which recognised initiatives.

The bank is a deliberate exception to role scoping (DOMAIN.md §1 D, issue 6 "The bank"):
every logged-in user of a province reads every RECOGNISED initiative of that province,
whatever his roles, with the confidential part never shown. :func:`bank_for` is the one
place that rule is written; every bank view starts from it.

"The province of a user" is the depth-1 ancestor (the tree's root, ``Unit.path[:steplen]``)
of every unit he holds a role on (active units only, like ``core.scoping``) and of the unit
his own person record (``Person.user``) works in. A user with neither has no province and
an empty bank; a superuser reads every province's bank.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from thidua.core.roles import Role
from thidua.core.scoping import EVERYTHING, path_filter
from thidua.initiatives import search as fulltext
from thidua.initiatives.models import Author, Initiative, Replication
from thidua.org.models import Person, RoleAssignment, Unit

_CACHE_ATTR = "_thidua_bank_provinces"
#: Roles that let a user record, for a unit he holds them on, that the unit replicated an
#: initiative of the bank.
REPLICATION_ROLES = frozenset({Role.SECRETARIAT, Role.ADMIN, Role.LEADER})


def province_paths(user):
    """The paths of the provinces whose bank ``user`` reads, or ``EVERYTHING``.

    One query per request (roles and own person), cached on the user object.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return EVERYTHING
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    step = Unit.steplen
    roles = (RoleAssignment.objects.filter(user_id=user.pk, unit__is_active=True).order_by()
             .values_list("unit__path", flat=True))
    own = Person.objects.filter(user_id=user.pk).order_by().values_list("unit__path", flat=True)
    result = sorted({path[:step] for path in roles.union(own)})
    setattr(user, _CACHE_ATTR, result)
    return result


def bank_for(user) -> QuerySet:
    """Every recognised initiative of the user's province(s) — THE bank rule."""
    queryset = Initiative.objects.filter(state="recognised")
    paths = province_paths(user)
    if paths is EVERYTHING:
        return queryset
    return queryset.filter(path_filter(paths, "unit__path"))


def in_bank(user, initiative) -> bool:
    """:func:`bank_for` for one loaded initiative (with its unit), checked in Python.

    The list page reads ids from the index and then rows by id: filtering them again
    through ``bank_for`` in SQL makes SQLite's planner walk the state index instead."""
    if initiative.state != "recognised":
        return False
    paths = province_paths(user)
    return paths is EVERYTHING or any(initiative.unit.path.startswith(p) for p in paths)


@dataclass
class BankFilters:
    """What the bank page filters by (all optional)."""

    q: str = ""
    field: int | None = None
    unit: Unit | None = None
    level: str = ""
    year: int | None = None
    author: str = ""

    @property
    def any(self) -> bool:
        return bool(self.q or self.field or self.unit or self.level or self.year or self.author)


def bank_query(user, filters: BankFilters) -> fulltext.BankQuery:
    """The index query of ``filters`` within the bank of ``user`` (same rule as
    :func:`bank_for`: recognised, in the user's provinces)."""
    paths = province_paths(user)
    return fulltext.BankQuery(
        words=list(dict.fromkeys(fulltext.words(filters.q))),
        provinces=None if paths is EVERYTHING else list(paths),
        unit_path=filters.unit.path if filters.unit is not None else "",
        year=filters.year, level=filters.level, field_id=filters.field,
        author=fulltext.words(filters.author))


#: What a list of the bank shows (never the content, let alone the confidential part).
LIST_FIELDS = ("pk", "title", "state", "level", "year", "decided_on", "certificate_number",
               "certificate_date", "unit__name", "unit__path", "field__name")


class BankResults:
    """The filtered bank as a sequence for ``Paginator``: its length is the (capped)
    count, a slice reads that page's initiatives — through :func:`bank_for` again, with
    unit and field — in the index's order (best match first, or newest first)."""

    def __init__(self, user, filters: BankFilters, window: tuple[int, int] | None = None):
        """``window``: (offset, limit) of the page the caller will read, if known."""
        self.user = user
        self.result = fulltext.BankResult(bank_query(user, filters), window=window)

    @property
    def capped(self) -> bool:
        return self.result.capped

    @property
    def ranked(self) -> bool:
        return self.result.ranked

    def count(self) -> int:
        return min(self.result.total, fulltext.RANK_LIMIT)

    def __len__(self) -> int:
        return self.count()

    def rows(self, ids: list[int]) -> list[Initiative]:
        """The initiatives ``ids`` in that order, each checked against the bank rule
        (:func:`in_bank`: the index's tokens could lag behind a unit moved in the tree)."""
        found = (Initiative.objects.filter(pk__in=ids).select_related("unit", "field")
                 .only(*LIST_FIELDS))
        by_id = {item.pk: item for item in found if in_bank(self.user, item)}
        return [by_id[pk] for pk in ids if pk in by_id]

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("BankResults is read by slices")
        start = index.start or 0
        return self.rows(self.result.ids(start, (index.stop or start) - start))

    def every_id(self) -> list[int]:
        """Every matching id in page order (no cap), for the export."""
        return self.result.ids(0, None)


def bank_units(user) -> QuerySet:
    """Units a bank filter may name: the active units of the user's province(s)."""
    units = Unit.objects.filter(is_active=True)
    paths = province_paths(user)
    if paths is EVERYTHING:
        return units
    return units.filter(path_filter(paths, "path"))


def authors_of(initiatives) -> dict[int, list[Author]]:
    """Authors of each initiative (one query), in their order."""
    ids = [i.pk for i in initiatives]
    result: dict[int, list[Author]] = {pk: [] for pk in ids}
    for author in (Author.objects.filter(initiative_id__in=ids).select_related("person")
                   .order_by("initiative_id", "order", "pk")):
        result[author.initiative_id].append(author)
    return result


def replications(initiative) -> QuerySet:
    return (Replication.objects.filter(initiative=initiative).select_related("unit")
            .order_by("-applied_on", "pk"))


def replication_units(user, initiative) -> list[Unit]:
    """Units for which ``user`` may record that they applied ``initiative``: those he holds
    a secretariat, admin or leader role on, in the initiative's province."""
    if user is None or not user.is_authenticated:
        return []
    province = initiative.unit.path[:Unit.steplen]
    assignments = RoleAssignment.objects.filter(
        user_id=user.pk, role__in=REPLICATION_ROLES, unit__is_active=True,
        unit__path__startswith=province)
    return list(Unit.objects.filter(pk__in=assignments.values("unit_id")).order_by("path"))

