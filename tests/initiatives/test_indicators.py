"""The initiative indicators on ward A's fixtures, through the movements dashboard."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.movements.conftest import launched, movement, today  # noqa: F401 (fixtures)
from thidua.initiatives import domain
from thidua.movements.engine import Dashboard
from thidua.movements.indicators import REGISTRY
from thidua.movements.models import Movement, Target

pytestmark = pytest.mark.django_db


def target(plan, indicator, **params):
    return Target.objects.create(movement=plan, order=9, indicator=indicator,
                                 comparator="gte", goal=100, params=params,
                                 wording="Chỉ tiêu sáng kiến")


def measure(dashboard, t):
    m = dashboard.row(t).measure
    return m.numerator, m.denominator


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def as_of(year):
    return date(year, 11, 30)


@pytest.fixture
def recognised(initiative_factory, people, tree, year):
    """a1 co-authors one recognised this year (cell A1); a3 one recognised last year (ward
    A); a2 one only accepted; b1 one recognised this year in ward B (outside the scope)."""
    return [
        initiative_factory(state="recognised", unit=tree.cell_a1, decided_on=date(year, 3, 1),
                           authors=[(people["a1"], Decimal(60)), (people["b2"], Decimal(40))]),
        initiative_factory(state="recognised", unit=tree.ward_a, year=year - 1,
                           decided_on=date(year - 1, 6, 1), author=people["a3"]),
        initiative_factory(state="accepted", unit=tree.cell_a2, author=people["a2"]),
        initiative_factory(state="recognised", unit=tree.cell_b1, reviewing_unit=tree.ward_b,
                           decided_on=date(year, 2, 1), author=people["b1"]),
    ]


def test_kinds_are_registered():
    assert {"initiative_people_share", "initiative_recognised_count",
            "initiative_on_time_share"} <= set(REGISTRY)


def test_people_share(launched, tree, recognised, as_of, year):  # noqa: F811
    every = target(launched, "initiative_people_share")
    last_year = target(launched, "initiative_people_share", year=year - 1)
    civil = target(launched, "initiative_people_share", staff_categories=["cong_chuc"])
    dashboard = Dashboard(launched, tree.ward_a, as_of=as_of)
    assert measure(dashboard, every) == (1.0, 3.0)  # a1 of a1, a2, a3
    assert measure(dashboard, last_year) == (1.0, 3.0)  # a3
    assert measure(dashboard, civil) == (1.0, 2.0)
    children = {row.unit.code: row.measure for row in dashboard.child_rows(every)}
    assert (children["PAB-CB1"].numerator, children["PAB-CB1"].denominator) == (1, 1)
    assert (children["PAB-CB2"].numerator, children["PAB-CB2"].denominator) == (0, 1)


def test_people_share_counts_a_recognition_only_once_decided(launched, tree, recognised,  # noqa: F811
                                                            as_of, year):
    every = target(launched, "initiative_people_share")
    before = Dashboard(launched, tree.ward_a, as_of=date(year, 2, 27))
    assert measure(before, every) == (0.0, 3.0)
    series = Dashboard(launched, tree.ward_a, as_of=as_of).series(every)
    assert series[-1][1] == Decimal("33.33")


def test_people_share_needs_categories(launched):  # noqa: F811
    Movement.objects.filter(pk=launched.pk).update(staff_categories=[])
    launched.refresh_from_db()
    assert REGISTRY["initiative_people_share"].check({}, launched)
    assert REGISTRY["initiative_people_share"].check({"year": "abc"}, launched)
    assert not REGISTRY["initiative_people_share"].check({"staff_categories": ["cong_chuc"]},
                                                         launched)


def test_people_share_is_one_grouped_query(launched, tree, recognised, make_person, as_of,  # noqa: F811
                                           initiative_factory, django_assert_num_queries):
    for i in range(8):
        person = make_person(f"Người thứ {i}", tree.cell_a2)
        initiative_factory(state="recognised", decided_on=date(as_of.year, 4, 1), author=person)
    every = target(launched, "initiative_people_share")
    dashboard = Dashboard(launched, tree.ward_a, as_of=as_of)
    dashboard.targets(), dashboard.paths  # read once per dashboard, whatever the targets
    with django_assert_num_queries(1):
        assert measure(dashboard, every) == (9.0, 11.0)


def test_recognised_count_per_taking_part_unit(launched, tree, recognised, initiative_factory,  # noqa: F811
                                               people, as_of, year):
    initiative_factory(state="recognised", unit=tree.ward_a, decided_on=date(year, 5, 1),
                       author=people["a3"])
    count = target(launched, "initiative_recognised_count")
    dashboard = Dashboard(launched, tree.ward_a, as_of=as_of)
    # Two recognised this year in the ward's subtree, over its two cells.
    assert measure(dashboard, count) == (2.0, 2.0)
    assert dashboard.row(count).measure.value == Decimal("1.00")
    children = {row.unit.code: row.measure for row in dashboard.child_rows(count)}
    assert (children["PAB-CB1"].numerator, children["PAB-CB1"].denominator) == (1, 1)
    ward_total = target(launched, "initiative_recognised_count", unit_kinds=["dang_uy_xa"])
    assert measure(dashboard, ward_total) == (2.0, 1.0)
    series = dashboard.series(count)
    assert series[-1][1] == Decimal("1.00")
    assert REGISTRY["initiative_recognised_count"].unit_label == " sáng kiến"


def test_on_time_share(launched, tree, initiative_factory, as_of, year):  # noqa: F811
    def accepted(on, **extra):
        return initiative_factory(accepted_on=on, review_due_on=domain.review_deadline(on),
                                  **extra)

    accepted(date(year, 1, 5), state="recognised", decided_on=date(year, 3, 1))  # on time
    accepted(date(year, 1, 5), state="refused", decided_on=date(year, 5, 1))  # late
    accepted(date(year, 6, 1), state="in_review")  # undecided, overdue by November
    accepted(date(year, 10, 1), state="accepted")  # still within its three months
    accepted(date(year - 1, 1, 5), state="recognised", decided_on=date(year - 1, 2, 1))
    accepted(date(year, 1, 5), state="recognised", decided_on=date(year, 2, 1),
             unit=tree.cell_b1, reviewing_unit=tree.ward_b)  # outside the scope
    on_time = target(launched, "initiative_on_time_share")
    dashboard = Dashboard(launched, tree.ward_a, as_of=as_of)
    assert measure(dashboard, on_time) == (1.0, 3.0)
    assert dashboard.row(on_time).measure.value == Decimal("33.33")
    assert dashboard.series(on_time)[-1][1] == Decimal("33.33")


# Review findings ------------------------------------------------------------------------------

def test_on_time_share_of_a_past_year_keeps_to_that_year(launched, tree, initiative_factory,  # noqa: F811
                                                         as_of, year):
    def accepted(on, **extra):
        return initiative_factory(accepted_on=on, review_due_on=domain.review_deadline(on),
                                  **extra)

    accepted(date(year - 1, 1, 5), state="recognised", decided_on=date(year - 1, 3, 1))
    # Overdue at the end of last year, decided late in January: late in last year's figure.
    accepted(date(year - 1, 8, 1), state="recognised", decided_on=date(year, 1, 10))
    # Accepted and overdue this year: none of last year's business.
    accepted(date(year, 6, 1), state="in_review")
    accepted(date(year, 7, 1), state="accepted")
    last_year = target(launched, "initiative_on_time_share", year=year - 1)
    this_year = target(launched, "initiative_on_time_share")
    dashboard = Dashboard(launched, tree.ward_a, as_of=as_of)
    assert measure(dashboard, last_year) == (1.0, 2.0)
    assert dashboard.series(last_year)[-1][1] == Decimal("50.00")
    # This year: the January decision (late) and the two overdue ones.
    assert measure(dashboard, this_year) == (0.0, 3.0)
    assert dashboard.series(this_year)[-1][1] == Decimal("0.00")


def test_people_share_counts_an_author_of_several_initiatives_once(launched, tree, people,  # noqa: F811
                                                                   initiative_factory, as_of):
    for month in (2, 3, 4):
        initiative_factory(state="recognised", decided_on=date(as_of.year, month, 1),
                           authors=[(people["a1"], Decimal(50)), (people["a2"], Decimal(50))])
    every = target(launched, "initiative_people_share")
    assert measure(Dashboard(launched, tree.ward_a, as_of=as_of), every) == (2.0, 3.0)


def test_recognised_count_counts_an_initiative_recognised_at_two_levels_once(
        launched, tree, initiative_factory, people, as_of, year):  # noqa: F811
    grassroots = initiative_factory(state="recognised", unit=tree.cell_a1,
                                    decided_on=date(year, 3, 1), author=people["a1"])
    initiative_factory(state="recognised", unit=tree.cell_a1, level="tinh",
                       reviewing_unit=tree.province, previous=grassroots,
                       decided_on=date(year, 9, 1), author=people["a1"])
    every = target(launched, "initiative_recognised_count")
    province = target(launched, "initiative_recognised_count", level="tinh")
    dashboard = Dashboard(launched, tree.ward_a, as_of=as_of)
    assert measure(dashboard, every) == (1.0, 2.0)
    assert dashboard.series(every)[-1][1] == Decimal("0.50")
    assert measure(dashboard, province) == (1.0, 2.0)


def test_on_time_share_of_a_year_not_begun_counts_nothing(launched, tree, initiative_factory,  # noqa: F811
                                                         as_of, year):
    initiative_factory(state="in_review", accepted_on=date(year, 6, 1),
                       review_due_on=date(year, 9, 1))
    next_year = target(launched, "initiative_on_time_share", year=year + 1)
    dashboard = Dashboard(launched, tree.ward_a, as_of=as_of)
    assert measure(dashboard, next_year)[0] == 0
    assert not measure(dashboard, next_year)[1]
    dashboard.series(next_year)
