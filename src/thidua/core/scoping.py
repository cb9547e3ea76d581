"""The one way to reach scoped data.

A user's role assignments name units; each covers the unit's subtree (a
materialised-path prefix). :func:`scope` restricts any queryset of scoped data
to the subtrees that the given roles cover. Models say how they reach their
unit with a ``scope_path`` attribute: ``"path"`` for the unit itself,
``"unit__path"`` for a person, ``"person__unit__path"`` for a discipline record.

Views fetch single objects with :func:`get_scoped_or_404`, so that an id of
another unit's record answers 404 and leaks nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from thidua.core.roles import ALL_ROLES, READ_ROLES

_CACHE_ATTR = "_thidua_role_paths"


class _Everything:
    """Marker: the user is not restricted (a superuser)."""

    def __repr__(self) -> str:
        return "EVERYTHING"


EVERYTHING = _Everything()


def _role_paths(user) -> dict[str, list[str]]:
    """Map role → unit paths for ``user``, one query per request and user."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from thidua.org.models import RoleAssignment

    paths: dict[str, list[str]] = {}
    rows = RoleAssignment.objects.filter(user_id=user.pk, unit__is_active=True).values_list(
        "role", "unit__path"
    )
    for role, path in rows:
        paths.setdefault(role, []).append(path)
    setattr(user, _CACHE_ATTR, paths)
    return paths


def forget_roles(user) -> None:
    """Drop the cached role paths (after the user's roles changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def collapse(paths: Iterable[str]) -> list[str]:
    """Drop paths inside another path of the list: their subtree is covered."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not result or not path.startswith(result[-1]):
            result.append(path)
    return result


def covered_paths(user, roles: Iterable[str] = READ_ROLES):
    """The unit paths whose subtrees ``roles`` give ``user``, or ``EVERYTHING``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return EVERYTHING
    by_role = _role_paths(user)
    return collapse(path for role in roles for path in by_role.get(role, ()))


def roles_of(user) -> set[str]:
    """Every role the user holds somewhere."""
    if user is None or not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(ALL_ROLES)
    return set(_role_paths(user))


def path_filter(paths: list[str], field: str) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def subtree_q(user, roles: Iterable[str] = READ_ROLES, *, field: str) -> Q:
    """Condition: the unit at ``field`` (a path) is inside a subtree ``roles`` give ``user``."""
    paths = covered_paths(user, roles)
    if paths is EVERYTHING:
        return Q()
    return path_filter(paths, field)


def reaching_q(user, roles: Iterable[str] = ALL_ROLES, *, field: str) -> Q:
    """Condition: the unit at ``field`` (a path) is above or at one of the user's units.

    A plan issued by the ward reaches every cell of the ward: the cell's
    secretary must see it although the ward is outside the cell's subtree.
    """
    paths = covered_paths(user, roles)
    if paths is EVERYTHING:
        return Q()
    if not paths:
        return Q(pk__in=[])
    return Q(**{f"{field}__in": sorted(ancestor_paths(paths))})


def scope(queryset: QuerySet | type[Model], user, roles: Iterable[str] = READ_ROLES) -> QuerySet:
    """Restrict ``queryset`` to the subtrees where ``user`` holds one of ``roles``.

    A user without any such role gets an empty queryset; a superuser gets it whole.
    """
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    field = getattr(queryset.model, "scope_path", None)
    if field is None:
        raise TypeError(f"{queryset.model.__name__} has no scope_path: it is not scoped data.")
    if user is None or not user.is_authenticated:
        return queryset.none()
    return queryset.filter(subtree_q(user, roles, field=field))


def scope_or_own(queryset, user, roles: Iterable[str] = READ_ROLES, *, owner_field: str) -> QuerySet:
    """Like :func:`scope`, plus the records that belong to ``user`` himself
    (``owner_field`` names the user link), e.g. a staff member's own person page."""
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    if user is None or not user.is_authenticated:
        return queryset.none()
    return scope(queryset, user, roles) | queryset.filter(**{owner_field: user.pk})


def ancestor_paths(paths: Iterable[str], steplen: int | None = None) -> set[str]:
    """Every path on the way from a root to each of ``paths`` (themselves included)."""
    if steplen is None:
        from thidua.org.models import Unit

        steplen = Unit.steplen
    return {path[:i] for path in paths for i in range(steplen, len(path) + 1, steplen)}


def covers(user, path: str, roles: Iterable[str] = READ_ROLES) -> bool:
    """Whether ``roles`` give ``user`` the unit with materialised path ``path``."""
    paths = covered_paths(user, roles)
    if paths is EVERYTHING:
        return True
    return any(path.startswith(p) for p in paths)


def unit_path_of(obj: Model) -> str:
    """Follow ``obj``'s ``scope_path`` to the materialised path of its unit."""
    value = obj
    for part in type(obj).scope_path.split("__"):
        value = getattr(value, part)
        if value is None:
            return ""
    return value


def get_scoped_or_404(queryset, user, roles: Iterable[str] = READ_ROLES, **lookup):
    """One object of scoped data, or 404 — the same answer whether it exists or not."""
    scoped = scope(queryset, user, roles)
    try:
        return scoped.get(**lookup)
    except scoped.model.DoesNotExist as exc:
        raise Http404("Không tìm thấy.") from exc
