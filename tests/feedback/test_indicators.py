"""``rating_satisfaction``: satisfied / all ratings of the period, at the desk's unit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from thidua.feedback import domain
from thidua.feedback.models import Rating, ServiceDesk
from thidua.movements import indicators
from thidua.movements.engine import Dashboard
from thidua.movements.models import Target

pytestmark = pytest.mark.django_db


def rate(desk, level, **extra):
    return domain.submit_rating(desk, None, level=level, reasons=[], comment="",
                                dossier_code=None, client_key="k" * 64, **extra)


def target(movement, **params):
    return Target.objects.create(movement=movement, order=9, indicator="rating_satisfaction",
                                 comparator="gte", goal=90, params=params,
                                 wording="Trên 90% người dân hài lòng")


def test_satisfaction_share_per_unit(launched, tree, desks):
    cell_desk = ServiceDesk.objects.create(unit=tree.cell_a1, name="Tổ một cửa")
    other = ServiceDesk.objects.create(unit=tree.ward_b, name="Một cửa xã Bình Minh")
    for level in ("hai_long", "hai_long", "binh_thuong"):
        rate(desks.desk, level)
    rate(desks.five, "rat_hai_long")
    rate(cell_desk, "khong_hai_long")
    rate(other, "hai_long")
    before = rate(desks.desk, "khong_hai_long")  # before the movement's period
    Rating.objects.filter(pk=before.pk).update(created_at=timezone.now() - timedelta(days=400))
    goal = target(launched)
    dashboard = Dashboard(launched, tree.ward_a)
    measure = dashboard.row(goal).measure
    assert (measure.numerator, measure.denominator) == (3.0, 5.0)
    children = {row.unit.code: row.measure for row in dashboard.child_rows(goal)}
    assert (children["PAB-CB1"].numerator, children["PAB-CB1"].denominator) == (0.0, 1.0)


def test_history_counts_both_terms(launched, tree, desks, today):
    rate(desks.desk, "hai_long")
    rate(desks.desk, "khong_hai_long")
    goal = target(launched)
    ctx = Dashboard(launched, tree.ward_a).ctx
    indicator = indicators.get("rating_satisfaction")
    history = indicator.history(ctx, goal, [today - timedelta(days=1), today])
    assert history == [(0.0, 0.0), (1.0, 2.0)]


def test_explicit_period_and_bad_parameters(launched, tree, desks):
    rate(desks.desk, "hai_long")
    goal = target(launched, period_from="2000-01", period_to="2000-12")
    assert Dashboard(launched, tree.ward_a).row(goal).measure.denominator == 0
    indicator = indicators.get("rating_satisfaction")
    assert indicator.check({"period_from": "tháng 1"}, launched)
    assert indicator.check({"period_from": "2027-05", "period_to": "2027-01"}, launched)
    assert indicator.check({}, launched) == []


def test_dashboard_page_shows_the_share(client, users, launched, tree, desks):
    from django.urls import reverse

    for level in ("hai_long", "hai_long", "hai_long", "khong_hai_long"):
        rate(desks.desk, level)
    target(launched)
    client.force_login(users["secretariat"])
    response = client.get(reverse("movements:dashboard", args=[launched.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trên 90% người dân hài lòng" in html and "3/4 người" in html
