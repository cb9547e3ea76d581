"""The ratings demo: the ward's one-stop centre, its desks and officials, a few hundred
ratings over recent months (never in the future), idempotent and deterministic."""

from datetime import date
from io import StringIO

import pytest
from django.utils import timezone

from thidua.feedback import demo
from thidua.feedback.models import DeskOfficial, Rating, ServiceDesk
from thidua.feedback.results import official_month_summary, subtree_results
from thidua.org import demo as org_demo
from thidua.org.models import Unit

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(Rating.objects.values_list("desk__name", "official__person__staff_code",
                                             "level", "satisfied", "comment", "dossier_code",
                                             "created_at"),
                  key=lambda row: tuple(str(value) for value in row))


def test_demo_desks_officials_and_ratings():
    assert demo.load(StringIO(), today=date(2026, 11, 20)) is True
    centre = Unit.objects.get(code=demo.CENTRE)
    assert ServiceDesk.objects.filter(unit=centre).count() == 2
    officials = DeskOfficial.objects.filter(desk__unit=centre).select_related("person")
    assert officials.count() == 7
    assert all(o.person.unit_id == centre.pk for o in officials)
    assert Rating.objects.count() == demo.RATINGS
    assert Rating.objects.filter(satisfied=False).exclude(reasons=[]).exists()
    assert Rating.objects.exclude(comment="").count() > 10
    assert Rating.objects.filter(created_at__gt=timezone.now()).count() == 0
    first = Rating.objects.order_by("created_at").first().created_at
    assert timezone.localtime(first).date() >= date(2026, 8, 1)
    codes = list(Rating.objects.exclude(dossier_code=None).values_list("dossier_code", flat=True))
    assert len(codes) == len(set(codes)) > 50
    leader = org_demo.DEMO_LOGINS[2][0]
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=leader)
    found = subtree_results(Unit.objects.get(code="BK"), date(2026, 8, 1), date(2026, 11, 1), user)
    assert found.total.count == demo.RATINGS and 0.6 < found.total.satisfied / found.total.count < 1
    assert found.comments and found.total.reasons
    person = officials.first().person
    assert official_month_summary(person, date(2026, 10, 1)).tally.count > 0


def test_demo_is_idempotent_and_deterministic():
    demo.load(StringIO(), today=date(2026, 11, 20))
    before = snapshot()
    assert demo.load(StringIO(), today=date(2026, 11, 20)) is False
    assert snapshot() == before
    Rating.objects.all().delete()
    DeskOfficial.objects.all().delete()
    ServiceDesk.objects.all().delete()
    demo.load(StringIO(), today=date(2026, 11, 20))
    assert snapshot() == before
