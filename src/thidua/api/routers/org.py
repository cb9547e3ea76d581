"""Read API of the organisation: units and people, scoped like the UI.

Every queryset goes through :func:`thidua.core.scoping.scope` and every single
object through :func:`get_scoped_or_404`, so an id outside the caller's
subtrees answers 404 — the same as an id that does not exist.
"""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from ninja import Query, Router
from ninja.pagination import paginate

from thidua.api.pagination import Pagination
from thidua.api.schemas.org import (
    PeopleFilters,
    PersonDetail,
    PersonOut,
    UnitDetail,
    UnitFilters,
    UnitOut,
)
from thidua.core.roles import READ_ROLES
from thidua.core.scoping import get_scoped_or_404, scope
from thidua.org.choices import PersonStatus
from thidua.org.models import Person, Unit
from thidua.org.queries import filter_people, in_subtree, search_units

router = Router(tags=["Đơn vị và cán bộ"])

UNIT_FIELDS = ("id", "path", "depth", "numchild", "name", "short_name", "code", "kind__code",
               "kind__name", "sector", "division_code", "is_active", "merged_into", "merged_on")
PERSON_FIELDS = ("id", "staff_code", "full_name", "gender", "date_of_birth", "ethnicity",
                 "staff_category", "unit__name", "is_party_member", "party_joined_on",
                 "position", "job_position", "is_leader", "status")
PERSON_DETAIL_FIELDS = (*PERSON_FIELDS, "email", "phone", "created_at",
                        "updated_at")


def _units(queryset: QuerySet[Unit], user) -> QuerySet[Unit]:
    """Units with what :class:`UnitOut` shows, in one query, in tree order.

    ``parent_id`` comes from a subquery that is itself scoped: a parent outside
    the caller's subtrees shows as null.
    """
    parent = scope(Unit, user, READ_ROLES).filter(
        path=Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * Unit.steplen)
    )
    successor = scope(Unit, user, READ_ROLES).filter(pk=OuterRef("merged_into_id"))
    return (
        queryset.select_related("kind")
        .only(*UNIT_FIELDS)
        .annotate(parent_id=Subquery(parent.values("pk")[:1]),
                  visible_successor_id=Subquery(successor.values("pk")[:1]))
        .order_by("path")
    )


@router.get("/units", response=list[UnitOut], summary="Danh sách đơn vị")
@paginate(Pagination)
def list_units(request, filters: Query[UnitFilters]):
    user = request.auth
    units = scope(Unit, user, READ_ROLES)
    if filters.root is not None:
        root = get_scoped_or_404(Unit, user, READ_ROLES, pk=filters.root)
        units = in_subtree(units, root, field="path")
    if filters.q:
        units = search_units(units, filters.q)
    if filters.kind:
        units = units.filter(kind__code=filters.kind)
    if filters.active is not None:
        units = units.filter(is_active=filters.active)
    return _units(units, user)


@router.get("/units/{id}", response=UnitDetail, summary="Một đơn vị")
def get_unit(request, id: int):
    user = request.auth
    unit = get_scoped_or_404(_units(Unit.objects.all(), user), user, READ_ROLES, pk=id)
    counts = in_subtree(scope(Person, user, READ_ROLES), unit).aggregate(
        people_count=Count("pk"),
        active_people_count=Count("pk", filter=Q(status=PersonStatus.ACTIVE)),
    )
    for name, value in counts.items():
        setattr(unit, name, value)
    return unit


@router.get("/units/{id}/children", response=list[UnitOut], summary="Các đơn vị trực thuộc")
def list_children(request, id: int):
    user = request.auth
    unit = get_scoped_or_404(Unit, user, READ_ROLES, pk=id)
    children = scope(Unit, user, READ_ROLES).filter(
        path__startswith=unit.path, depth=unit.depth + 1
    )
    return _units(children, user)


@router.get("/people", response=list[PersonOut], summary="Danh sách cán bộ")
@paginate(Pagination)
def list_people(request, filters: Query[PeopleFilters]):
    user = request.auth
    unit = None
    if filters.unit is not None:
        unit = get_scoped_or_404(Unit, user, READ_ROLES, pk=filters.unit)
    party = "" if filters.party is None else ("1" if filters.party else "0")
    people = filter_people(
        scope(Person, user, READ_ROLES), unit=unit, q=filters.q, category=filters.category or "",
        party=party, gender=filters.gender or "", status=filters.status or "",
    )
    return people.select_related("unit").only(*PERSON_FIELDS)


@router.get("/people/{id}", response=PersonDetail, summary="Một cán bộ")
def get_person(request, id: int):
    # The party cell may lie outside the caller's subtrees: name it only when visible.
    cell = scope(Unit, request.auth, READ_ROLES).filter(pk=OuterRef("party_cell_id"))
    people = (Person.objects.select_related("unit").only(*PERSON_DETAIL_FIELDS)
              .annotate(visible_cell_id=Subquery(cell.values("pk")[:1]),
                        visible_cell_name=Subquery(cell.values("name")[:1])))
    return get_scoped_or_404(people, request.auth, READ_ROLES, pk=id)
