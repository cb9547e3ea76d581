"""``training_coverage`` on ward A's fixtures, through the movements dashboard."""

from datetime import date

import pytest

from tests.training.conftest import values
from thidua.movements.engine import Dashboard
from thidua.movements.indicators import get
from thidua.movements.models import Target
from thidua.training import domain

pytestmark = pytest.mark.django_db


def target(movement, **params):
    return Target.objects.create(movement=movement, order=9, indicator="training_coverage",
                                 comparator="gte", goal=100, params=params,
                                 wording="100% cán bộ, công chức được bồi dưỡng trong năm")


def measure(dashboard, t):
    m = dashboard.row(t).measure
    return m.numerator, m.denominator


@pytest.fixture
def trained(people, users, today):
    """a1: 24 h of digital skills this year; a3: 8 h of ethics this year; a2 nothing;
    b1 (ward B) trained too."""
    day = date(today.year, 1, 1)
    domain.add_record(users["secretariat"], people["a1"],
                      values(starts_on=day, ends_on=day, hours=24, topic="chuyen_doi_so"))
    domain.add_record(users["secretariat"], people["a3"],
                      values(starts_on=day, ends_on=day, hours=8, topic="dao_duc"))
    domain.add_record(users["secretariat"], people["a2"],
                      values(starts_on=date(today.year - 1, 5, 1),
                             ends_on=date(today.year - 1, 5, 2)))
    domain.add_record(users["other"], people["b1"], values(starts_on=day, ends_on=day))


def test_coverage_numbers(launched, tree, people, trained, today):
    every = target(launched)
    digital = target(launched, topics=["chuyen_doi_so", "cntt"])
    long = target(launched, min_hours=10)
    last_year = target(launched, year=today.year - 1)
    civil = target(launched, staff_categories=["cong_chuc"])
    dashboard = Dashboard(launched, tree.ward_a)
    assert measure(dashboard, every) == (2.0, 3.0)  # a1, a3 of a1, a2, a3
    assert measure(dashboard, digital) == (1.0, 3.0)
    assert measure(dashboard, long) == (1.0, 3.0)
    assert measure(dashboard, last_year) == (1.0, 3.0)
    assert measure(dashboard, civil) == (1.0, 2.0)  # a3 is a cán bộ
    children = {row.unit.code: row.measure for row in dashboard.child_rows(every)}
    assert (children["PAB-CB2"].numerator, children["PAB-CB2"].denominator) == (0, 1)


def test_one_grouped_query(launched, tree, trained, make_person, django_assert_max_num_queries):
    t = target(launched, min_hours=5)
    for i in range(10):
        make_person(f"Người {i}", tree.cell_a1)
    dashboard = Dashboard(launched, tree.ward_a)
    dashboard.ctx.memo.clear()
    indicator = get("training_coverage")
    with django_assert_max_num_queries(1):
        cells = indicator.cells(dashboard.ctx, t)
    assert sum(den for _num, den in cells.values()) == 13.0


def test_bad_parameters(movement):
    kind = get("training_coverage")
    assert kind.check({}, movement) == []
    assert kind.check({"topics": ["bay"]}, movement)
    assert kind.check({"year": "abc"}, movement)
    assert kind.check({"min_hours": "-1"}, movement)
    assert kind.check({"staff_categories": ["xyz"]}, movement)


def test_chart_counts_people_covered_by_each_cutoff(launched, tree, people, users, today,
                                                    django_assert_max_num_queries):
    jan, mar = date(today.year, 1, 31), date(today.year, 3, 31)
    domain.add_record(users["secretariat"], people["a1"],
                      values(starts_on=date(today.year, 1, 5), ends_on=date(today.year, 1, 6),
                             hours=6))
    domain.add_record(users["secretariat"], people["a1"],
                      values(starts_on=date(today.year, 3, 5), ends_on=date(today.year, 3, 6),
                             hours=6))
    domain.add_record(users["secretariat"], people["a2"],
                      values(starts_on=date(today.year, 2, 5), ends_on=date(today.year, 2, 6),
                             hours=6))
    any_course, ten_hours = target(launched), target(launched, min_hours=10)
    dashboard = Dashboard(launched, tree.ward_a)
    indicator = get("training_coverage")
    with django_assert_max_num_queries(1):
        assert indicator.numerators_at(dashboard.ctx, any_course, [jan, mar]) == [1.0, 2.0]
    assert indicator.numerators_at(dashboard.ctx, ten_hours, [jan, mar]) == [0.0, 1.0]
