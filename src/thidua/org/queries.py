"""Read-side queries of the organisation, shared by views, API, exports and benchmarks."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from thidua.core.periods import birth_range_for_age
from thidua.core.text import fold
from thidua.org.choices import AGE_BANDS
from thidua.org.models import Person, Unit


def search_people(queryset: QuerySet[Person], text: str) -> QuerySet[Person]:
    """People whose name (accents and case ignored) or staff code contains ``text``."""
    folded = fold(text)
    if not folded:
        return queryset
    condition = Q(name_folded__contains=folded)
    if " " not in folded:
        condition |= Q(staff_code__iexact=text.strip())
    return queryset.filter(condition)


def search_units(queryset: QuerySet[Unit], text: str) -> QuerySet[Unit]:
    folded = fold(text)
    if not folded:
        return queryset
    return queryset.filter(Q(name_folded__contains=folded) | Q(code__iexact=text.strip()))


def in_subtree(queryset: QuerySet, unit: Unit, field: str = "unit__path") -> QuerySet:
    return queryset.filter(**{f"{field}__startswith": unit.path})


def filter_people(queryset: QuerySet[Person], *, unit: Unit | None = None, q: str = "",
                  category: str = "", party: str = "", gender: str = "", ethnicity: str = "",
                  age_band: str = "", status: str = "", today: date | None = None) -> QuerySet[Person]:
    """Apply the people-list filters; empty values mean "no filter"."""
    if unit is not None:
        queryset = in_subtree(queryset, unit)
    if q:
        queryset = search_people(queryset, q)
    if category:
        queryset = queryset.filter(staff_category=category)
    if party in {"1", "0"}:
        queryset = queryset.filter(is_party_member=party == "1")
    if gender:
        queryset = queryset.filter(gender=gender)
    if ethnicity:
        queryset = queryset.filter(ethnicity=ethnicity)
    if status:
        queryset = queryset.filter(status=status)
    if age_band in AGE_BANDS:
        _label, low, high = AGE_BANDS[age_band]
        earliest, latest = birth_range_for_age(low, high, today or date.today())
        if earliest:
            queryset = queryset.filter(date_of_birth__gte=earliest)
        if latest:
            queryset = queryset.filter(date_of_birth__lte=latest)
    return queryset


def subtree_counts(parent: Unit, queryset: QuerySet, field: str = "unit__path") -> dict[str, int]:
    """Count ``queryset`` rows under each child of ``parent``, keyed by child path.

    One grouped query whatever the number of children: rows are grouped by the
    prefix of their unit's path at the children's depth.
    """
    child_len = (parent.depth + 1) * Unit.steplen
    rows = (
        queryset.filter(**{f"{field}__startswith": parent.path})
        .exclude(**{field: parent.path})
        .annotate(child_path=Substr(field, 1, child_len))
        .values("child_path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["child_path"]: row["n"] for row in rows}
