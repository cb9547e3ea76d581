"""The demo initiatives: councils, applications in every state, plan D's target measured."""

from decimal import Decimal

import pytest
from django.utils import timezone

from thidua.initiatives import demo
from thidua.initiatives.models import Council, Initiative
from thidua.movements import demo as movements_demo
from thidua.movements.engine import Dashboard
from thidua.movements.models import Movement, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    movements_demo.load()
    assert demo.load() is True


def test_councils_and_applications(loaded):
    ward = Council.objects.get(unit__code="BK")
    assert sorted(ward.members.values_list("role", flat=True)) == [
        "chair", "member", "member", "secretary"]
    assert Council.objects.get(unit__code="TU-CB-VP").members.count() == 3
    states = list(Initiative.objects.filter(unit__path__startswith=ward.unit.path)
                  .values_list("state", flat=True))
    assert sorted(set(states)) == ["accepted", "draft", "recognised", "refused", "submitted"]
    for initiative in Initiative.objects.prefetch_related("authors"):
        assert sum(a.share for a in initiative.authors.all()) == 100
        assert initiative.search_text  # the bank finds them
    overdue = Initiative.objects.get(title__startswith="Quy trình tiếp nhận phản ánh")
    assert overdue.state == "accepted" and overdue.review_due_on < timezone.localdate()
    assert demo.load() is False  # idempotent
    assert Initiative.objects.count() == len(demo.WARD_SPECS) + len(demo.CAO_BANG_SPECS)


def test_plan_d_target_is_measured_from_recognised_initiatives(loaded):
    plan_d = Movement.objects.get(number="26", symbol="KH/TU")
    target = Target.objects.get(movement=plan_d, indicator="initiative_people_share")
    row = Dashboard(plan_d).row(target)
    assert (row.measure.numerator, row.measure.denominator) == (2, 15)
    assert row.measure.value == Decimal("13.33")
