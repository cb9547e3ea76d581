"""Read-side queries of movements."""

from django.db.models import Count, Q, QuerySet

from thidua.core import scoping
from thidua.core.roles import ALL_ROLES, READ_ROLES
from thidua.core.text import fold
from thidua.movements.models import Movement


def visible_movements(user) -> QuerySet[Movement]:
    """Movements ``user`` may read.

    - issued inside a subtree the user reads (drafts included: the issuers prepare them);
    - launched or closed, and their scope reaches one of the user's units (a cell
      sees the ward's plan) or lies inside one of the user's subtrees.
    """
    if user is None or not user.is_authenticated:
        return Movement.objects.none()
    issued = scoping.subtree_q(user, READ_ROLES, field="issuing_unit__path")
    reaching = (scoping.reaching_q(user, ALL_ROLES, field="scope_unit__path")
                | scoping.subtree_q(user, ALL_ROLES, field="scope_unit__path"))
    return Movement.objects.filter(issued | (reaching & ~Q(state="draft")))


def search_movements(movements: QuerySet[Movement], text: str) -> QuerySet[Movement]:
    """Movements whose number or title contains ``text``, accents and case ignored."""
    folded = fold(text)
    return movements.filter(search_text__contains=folded) if folded else movements


def with_registration_counts(movements: QuerySet[Movement]) -> QuerySet[Movement]:
    unit_regs = Q(registrations__person__isnull=True)
    return movements.annotate(
        registration_count=Count("registrations", filter=unit_regs),
        accepted_count=Count("registrations", filter=unit_regs & Q(registrations__state="accepted")),
    )
