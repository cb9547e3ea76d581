"""``dossier_on_time`` and ``dossier_late_share`` through the movements dashboard."""

from datetime import date
from decimal import Decimal

import pytest

from thidua.movements import indicators
from thidua.movements.engine import Dashboard
from thidua.movements.models import Target

pytestmark = pytest.mark.django_db
MAY = {"period_from": "2026-05", "period_to": "2026-05"}


def target(movement, key, comparator="gte", goal=95, **params):
    return Target.objects.create(movement=movement, order=9, indicator=key,
                                 comparator=comparator, goal=goal, params=params,
                                 wording="Hồ sơ giải quyết đúng hạn")


def measure(dashboard, goal):
    m = dashboard.row(goal).measure
    return m.numerator, m.denominator, m.value


def test_on_time_share(launched, tree, may_dossiers):
    goal = target(launched, "dossier_on_time", **MAY)
    dashboard = Dashboard(launched, tree.ward_a)
    # A1, A2 early, A3 on time of 5 returned; refused A6 and ward B's X1 are not counted.
    assert measure(dashboard, goal) == (3.0, 5.0, Decimal("60.00"))
    children = {row.unit.code: row.measure for row in dashboard.child_rows(goal)}
    assert (children["PAB-CB1"].numerator, children["PAB-CB1"].denominator) == (0.0, 1.0)


def test_late_share_plain_and_against_the_baseline(launched, tree, may_dossiers):
    plain = target(launched, "dossier_late_share", "lte", 5, **MAY)
    against = target(launched, "dossier_late_share", "lt", 100, **MAY,
                     baseline_from="2025-05", baseline_to="2025-05")
    dashboard = Dashboard(launched, tree.ward_a)
    assert measure(dashboard, plain) == (2.0, 5.0, Decimal("40.00"))
    # 40% late against 25% in May 2025: 160% of the baseline, the target "< 100" missed.
    assert measure(dashboard, against)[2] == Decimal("160.00")
    assert dashboard.row(against).status != "met"
    kind = indicators.get("dossier_late_share")
    assert kind.unit_label_for(against.params) == "% của kỳ gốc"


def test_history_and_one_query(launched, tree, may_dossiers, django_assert_max_num_queries):
    goal = target(launched, "dossier_on_time", **MAY)
    dashboard = Dashboard(launched, tree.ward_a)
    dashboard.ctx.memo.clear()
    kind = indicators.get("dossier_on_time")
    with django_assert_max_num_queries(1):
        kind.cells(dashboard.ctx, goal)
    history = kind.history(dashboard.ctx, goal, [date(2026, 5, 6), date(2026, 6, 30)])
    assert history == [(1.0, 2.0), (3.0, 5.0)]  # by 6 May: A4 (late), A1 (early)


def test_bad_parameters(launched):
    on_time = indicators.get("dossier_on_time")
    late = indicators.get("dossier_late_share")
    assert on_time.check({}, launched) == []
    assert on_time.check({"period_from": "tháng 5"}, launched)
    assert on_time.check({"period_from": "2026-06", "period_to": "2026-01"}, launched)
    assert late.check({"baseline_from": "2025"}, launched)
    assert late.check({"baseline_from": "2025-06", "baseline_to": "2025-01"}, launched)
    assert late.check({"baseline_from": "2025-01", "baseline_to": "2025-12"}, launched) == []


def test_dashboard_page_shows_the_share(client, users, launched, tree, may_dossiers):
    from django.urls import reverse

    target(launched, "dossier_on_time", **MAY)
    client.force_login(users["secretariat"])
    response = client.get(reverse("movements:dashboard", args=[launched.pk]))
    assert response.status_code == 200
    assert "Hồ sơ giải quyết đúng hạn" in response.content.decode()
    assert "3/5" in response.content.decode()
