"""Public disclosure of award rounds (công khai khen thưởng).

Awards must be "công khai, minh bạch" (Luật Thi đua, khen thưởng 2022, Điều 5
khoản 2): once the unit's council has voted, everyone in the unit sees who is
proposed for what, until when objections may be raised, and the decision when
it is made. This widens the scoping rule on purpose: a round is disclosed to
every logged-in user whose units — his work unit (``Person.unit``) or any unit
where he holds a role, whatever the role — lie inside the round's unit's
subtree, and, as usual, to the users who read that subtree (READ roles above).
``visible_rounds_for_disclosure`` is the only place this rule is written.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from thidua.awards.models import Award, AwardRound, CouncilOutcome, Nomination
from thidua.core import scoping
from thidua.core.roles import READ_ROLES
from thidua.org.models import Person, RoleAssignment

#: Rounds are disclosed once the council has voted (the list is then the proposal).
DISCLOSED_STATES = ("voted", "signed", "appraised", "decided")


def member_paths(user) -> set[str]:
    """The paths of the units ``user`` belongs to: his work unit and the units of all his
    roles (active units only). One query."""
    roles = RoleAssignment.objects.filter(user_id=user.pk, unit__is_active=True).values_list(
        "unit__path", flat=True).order_by()
    work = Person.objects.filter(user_id=user.pk, unit__is_active=True).values_list(
        "unit__path", flat=True).order_by()
    return set(roles.union(work))


def visible_rounds_for_disclosure(user) -> QuerySet:
    """The rounds whose disclosure page ``user`` may read (see the module's docstring)."""
    rounds = AwardRound.objects.filter(state__in=DISCLOSED_STATES)
    if user is None or not user.is_authenticated or not user.is_active:
        return rounds.none()
    if user.is_superuser:
        return rounds
    ancestors = scoping.ancestor_paths(member_paths(user))
    inside = Q(unit__path__in=sorted(ancestors)) if ancestors else Q(pk__in=[])
    return rounds.filter(inside | scoping.subtree_q(user, READ_ROLES, field="unit__path"))


def proposed(award_round: AwardRound) -> list[Nomination]:
    """The nominations the council carried (agreed, or lowered to another form), in the
    round's order; the form shown is the one proposed after the vote."""
    return list(award_round.nominations.exclude(council_outcome=CouncilOutcome.DISAGREE)
                .select_related("award_type", "council_lower_to", "person", "unit")
                .order_by("order", "pk"))


def proposed_form(nomination: Nomination):
    if nomination.council_outcome == CouncilOutcome.LOWER and nomination.council_lower_to_id:
        return nomination.council_lower_to
    return nomination.award_type


def decisions(award_round: AwardRound) -> list:
    """The signed decisions of the round with their awards (two queries)."""
    awards = Award.objects.select_related("award_type", "person", "unit").order_by(
        "award_type__order", "unit__path", "person__name_folded", "pk")
    return list(award_round.decisions.filter(is_signed=True).select_related("granting_unit")
                .prefetch_related(Prefetch("awards", queryset=awards)).order_by("date", "pk"))
