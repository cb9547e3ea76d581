"""Read side: a person's history, a unit's year, who had no training in a year.

A record counts for the year in which it ends (the course is completed then).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from thidua.org.choices import PersonStatus
from thidua.org.models import Person, Unit
from thidua.training.models import TrainingRecord


def history(person: Person) -> QuerySet:
    """Every record of ``person``, latest first."""
    return TrainingRecord.objects.filter(person=person).order_by("-starts_on", "-pk")


def unit_records(unit: Unit, year: int) -> QuerySet:
    """The year's records of the people working in ``unit``'s subtree."""
    return (TrainingRecord.objects
            .filter(person__unit__path__startswith=unit.path, ends_on__year=year)
            .select_related("person", "person__unit")
            .order_by("person__unit__path", "person__full_name", "starts_on", "pk"))


def untrained(unit: Unit, year: int, categories=None) -> QuerySet:
    """Active people of ``unit``'s subtree (of ``categories`` if given) with no record ending
    in ``year`` — one query."""
    people = Person.objects.filter(unit__path__startswith=unit.path, status=PersonStatus.ACTIVE)
    if categories:
        people = people.filter(staff_category__in=list(categories))
    trained = TrainingRecord.objects.filter(person=OuterRef("pk"), ends_on__year=year)
    return (people.filter(~Exists(trained)).select_related("unit")
            .order_by("unit__path", "full_name", "pk"))
