"""KPI measures of movement targets: coverage and HTT-or-better, over the tree."""

from datetime import date

import pytest

from tests.kpi.test_domain import finalise_all
from thidua.kpi import domain
from thidua.kpi.indicators import ended_by, period_months
from thidua.movements.engine import Dashboard
from thidua.movements.models import Target

pytestmark = pytest.mark.django_db


def kpi_target(movement, indicator, **params):
    return Target.objects.create(
        movement=movement, order=9, indicator=indicator, comparator="gte", goal=100,
        wording="100% cán bộ, công chức được đánh giá, xếp loại hằng tháng theo KPI",
        params={"staff_categories": ["cong_chuc", "can_bo"], **params})


def test_months_of_the_period(movement):
    months = period_months({"period_from": "2026-01", "period_to": "2026-03"}, movement)
    assert months == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert ended_by(months, date(2026, 2, 27)) == 1
    assert ended_by(months, date(2026, 2, 28)) == 2


def test_coverage_counts_people_with_every_month_finalised(launched, staff, users, month, fill,
                                                           tree, people):
    previous = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    period = {"period_from": domain.month_key(previous), "period_to": domain.month_key(month)}
    every = kpi_target(launched, "kpi_coverage", **period)
    latest = kpi_target(launched, "kpi_coverage", mode="latest_month", **period)
    good = kpi_target(launched, "kpi_htt", **period)
    # ward A: the staff member, the clerk and the chief (ward), plus a1, a2 (cells), a3 (ward)
    finalise_all([staff.staff, staff.clerk], month, users, fill, general={"chinh_tri": "1"})
    finalise_all([staff.staff], previous, users, fill)
    dashboard = Dashboard(launched, tree.ward_a)
    assert (dashboard.row(every).measure.numerator, dashboard.row(every).measure.denominator) \
        == (1.0, 6.0)
    assert dashboard.row(latest).measure.numerator == 2.0
    assert dashboard.row(good).measure.numerator == 1.0  # both months HTT or better
    children = {row.unit.code: row.measure for row in dashboard.child_rows(latest)}
    assert children["PAB-CB1"].numerator == 0 and children["PAB-CB1"].denominator == 1
    # the chart: the latest month counted at its end
    history = Dashboard(launched, tree.ward_a).ctx  # fresh context
    indicator = __import__("thidua.movements.indicators", fromlist=["get"]).get("kpi_coverage")
    ends = [domain.month_end(previous), domain.month_end(month)]
    assert indicator.numerators_at(history, latest, ends) == [1.0, 2.0]


def test_no_month_ended_yet_means_no_data(launched, tree):
    target = kpi_target(launched, "kpi_coverage", period_from="2099-01", period_to="2099-12")
    assert Dashboard(launched, tree.ward_a).row(target).status == "no_data"


def test_bad_parameters_are_refused(movement):
    from thidua.movements.indicators import get

    kind = get("kpi_coverage")
    assert kind.check({"staff_categories": ["cong_chuc"]}, movement) == []
    assert kind.check({"staff_categories": ["xyz"]}, movement)
    assert kind.check({"staff_categories": ["cong_chuc"], "period_from": "2026-13"}, movement)
    assert kind.check({"staff_categories": ["cong_chuc"], "mode": "x"}, movement)


def test_dashboard_query_count_does_not_grow(launched, tree, staff, users, month, fill,
                                             django_assert_max_num_queries, make_person):
    target = kpi_target(launched, "kpi_coverage")
    finalise_all([staff.staff], month, users, fill)
    for i in range(20):
        make_person(f"Người {i}", tree.cell_a1)

    def measure():
        dashboard = Dashboard(launched, tree.ward_a)
        dashboard.row(target)
        dashboard.child_rows(target)

    with django_assert_max_num_queries(4):
        measure()
