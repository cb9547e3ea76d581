"""What the dashboard needs from the engine beyond tests/movements/test_engine.py:
lagging order and batching, the series over time, and the edges of the counts."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from thidua.movements import domain, indicators
from thidua.movements.engine import Dashboard
from thidua.movements.models import (
    Commitment,
    Movement,
    Practice,
    Registration,
    Target,
    UnitReport,
)


def accept(user, movement, unit, when=None):
    registration = domain.start_registration(user, movement, unit)
    Commitment.objects.create(registration=registration, text="Hoàn thành tốt nhiệm vụ")
    domain.submit_registration(user, registration)
    domain.review_registration(user, registration, "accept")
    if when is not None:
        Registration.objects.filter(pk=registration.pk).update(submitted_at=when, accepted_at=when)
    return registration


def local(day, hour=9, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def ceiling(launched, tree, users, today):
    """A ≤ target: late dossiers per cell, 2 at most."""
    target = Target.objects.create(movement=launched, order=3, indicator="manual", goal=2,
                                   comparator="lte", wording="Số hồ sơ trễ hạn")
    for unit, value in ((tree.cell_a1, 5), (tree.cell_a2, 9)):
        domain.enter_manual_value(users["secretariat"], target, unit, value=Decimal(value),
                                  measured_on=today)
    return target


def test_lagging_under_a_ceiling_puts_the_highest_first(launched, tree, ceiling):
    rows, total = Dashboard(launched, tree.ward_a).lagging(ceiling)
    assert total == 2
    assert [(r.unit, r.value) for r in rows] == [(tree.cell_a2, Decimal("9.00")),
                                                 (tree.cell_a1, Decimal("5.00"))]


def test_lagging_to_reach_a_goal_puts_the_lowest_first_then_tree_order(launched, tree, users):
    target = launched.targets.get(indicator="units_registered")
    rows, total = Dashboard(launched, tree.ward_a).lagging(target)
    assert total == 2 and [r.unit for r in rows] == [tree.cell_a1, tree.cell_a2]
    rows, total = Dashboard(launched, tree.ward_a).lagging(target, limit=1)
    assert total == 2 and len(rows) == 1


def test_lagging_of_every_target_reads_the_units_once(launched, tree, ceiling):
    board = Dashboard(launched, tree.ward_a)
    targets = board.targets()
    for target in targets:
        board.cells(target)
    board.paths  # noqa: B018 - read before counting
    with CaptureQueriesContext(connection) as seen:
        result = board.lagging_many(targets)
    assert len(seen) == 1
    assert set(result) == {t.pk for t in targets}
    assert result[ceiling.pk][1] == 2


def test_participant_kinds_are_read_once_per_dashboard(launched, tree):
    board = Dashboard(launched, tree.ward_a)
    with CaptureQueriesContext(connection) as seen:
        for target in board.targets():
            board.row(target)
    kinds = [q for q in seen.captured_queries
             if "movements_movement_participant_kinds" in q["sql"]]
    assert len(kinds) == 1


def test_series_is_the_value_at_each_month_end(launched, tree, users, today):
    launched.starts_on = date(today.year - 1, 11, 10)
    launched.save()
    target = launched.targets.get(indicator="units_registered")
    accept(users["secretariat"], launched, tree.cell_a1, when=local(date(today.year - 1, 12, 31), 23, 30))
    accept(users["secretariat"], launched, tree.cell_a2, when=local(date(today.year, 1, 1), 0, 30))
    board = Dashboard(launched, tree.ward_a)
    series = board.series(target)
    assert len(series) == 12 and series[-1] == (today, board.row(target).value)
    by_day = dict(series)
    if date(today.year - 1, 12, 31) in by_day:  # the last 12 months include December
        assert by_day[date(today.year - 1, 12, 31)] == Decimal("50.00")
    assert by_day[date(today.year, 1, 31)] == Decimal("100.00")
    assert all(day.day >= 28 or day == today for day, _v in series)


def test_series_of_manual_values_is_the_mean_of_the_latest_at_each_month_end(
        launched, tree, users, today):
    launched.starts_on = today - timedelta(days=100)
    launched.save()
    target = Target.objects.create(movement=launched, order=3, indicator="manual", goal=95,
                                   wording="Tỷ lệ hồ sơ đúng hạn", params={"unit_label": "%"})
    early = launched.starts_on + timedelta(days=1)
    for unit, first, last in ((tree.cell_a1, 80, 96), (tree.cell_a2, 90, 100)):
        domain.enter_manual_value(users["secretariat"], target, unit, value=Decimal(first),
                                  measured_on=early)
        domain.enter_manual_value(users["secretariat"], target, unit, value=Decimal(last),
                                  measured_on=today)
    series = Dashboard(launched, tree.ward_a).series(target)
    assert series[0][1] == Decimal("85.00")
    assert series[-1] == (today, Decimal("98.00"))


def test_series_before_any_fact_and_before_the_start(launched, tree, today):
    launched.starts_on = today - timedelta(days=70)
    target = launched.targets.get(indicator="units_with_practices")
    series = Dashboard(launched, tree.ward_a).series(target)
    assert len(series) >= 3 and {value for _day, value in series} == {Decimal("0.00")}
    launched.starts_on = today + timedelta(days=5)  # not started: today's value only
    assert Dashboard(launched, tree.ward_a).series(target) == [(today, Decimal("0.00"))]


def test_series_of_practices_counts_a_unit_from_its_nth_practice(launched, tree, today):
    launched.starts_on = today - timedelta(days=70)
    target = launched.targets.get(indicator="units_with_practices")
    target.params = {"min_count": 2}
    target.save()
    first, second = today - timedelta(days=65), today - timedelta(days=2)
    for day in (first, second):
        Practice.objects.create(unit=tree.cell_a1, movement=launched, name="Dân vận khéo",
                                started_on=day)
    series = Dashboard(launched, tree.ward_a).series(target)
    assert series[0][1] == Decimal("0.00") and series[-1] == (today, Decimal("50.00"))
    month_of_second = [v for d, v in series if d >= second][0]
    assert month_of_second == Decimal("50.00")


def test_a_merged_unit_counts_neither_now_nor_in_the_past(launched, tree, users, today):
    target = launched.targets.get(indicator="units_registered")
    accept(users["secretariat"], launched, tree.cell_a1)
    tree.cell_a1.is_active = False
    tree.cell_a1.save()
    board = Dashboard(launched, tree.ward_a)
    measure = board.row(target).measure
    assert (measure.numerator, measure.denominator) == (0, 1)
    assert board.series(target)[-1][1] == Decimal("0.00")


def test_reports_on_time_up_to_the_last_minute_of_the_due_day(launched, tree, users):
    milestone = launched.milestones.get(requires_report=True)
    target = Target.objects.create(movement=launched, order=3, indicator="reports_on_time",
                                   wording="Báo cáo đúng hạn", goal=100,
                                   params={"milestone": milestone.pk})
    due = milestone.due_on
    UnitReport.objects.filter(milestone=milestone, unit=tree.cell_a1).update(
        submitted_at=local(due, 23, 59))
    UnitReport.objects.filter(milestone=milestone, unit=tree.cell_a2).update(
        submitted_at=local(due + timedelta(days=1), 0, 1))
    board = Dashboard(launched, tree.ward_a, as_of=due + timedelta(days=3))
    measure = board.row(target).measure
    assert (measure.numerator, measure.denominator) == (1, 2)
    indicator = indicators.get("reports_on_time")
    assert indicator.numerators_at(board.ctx, target, [due - timedelta(days=1), due]) == [0, 1]
    # Seen the day before the due date, nothing sent "by then" counts yet.
    early = Dashboard(launched, tree.ward_a, as_of=due - timedelta(days=1))
    assert early.row(target).measure.numerator == 0


def test_people_counted_once_with_their_history(launched, tree, users, people, today):
    target = Target.objects.create(movement=launched, order=3, indicator="people_registered",
                                   goal=90, wording="90% cán bộ, công chức đăng ký")
    for key, day in (("a1", today - timedelta(days=40)), ("a3", today)):
        person = people[key]
        registration = domain.start_registration(users["secretariat"], launched, person.unit,
                                                 person=person)
        Registration.objects.filter(pk=registration.pk).update(
            state="submitted", submitted_at=local(day))
    launched.starts_on = today - timedelta(days=70)
    launched.save()
    board = Dashboard(launched, tree.ward_a)
    measure = board.row(target).measure
    assert (measure.numerator, measure.denominator) == (2, 3)  # a1, a2, a3 (not b1, b2)
    with CaptureQueriesContext(connection) as seen:
        series = board.series(target)
    assert len(seen) == 0  # counted with the cells
    assert series[-1] == (today, Decimal("66.67"))
    # Other cut-off days than the chart's are counted by a query of their own.
    indicator = indicators.get("people_registered")
    assert indicator.numerators_at(board.ctx, target, [today - timedelta(days=41), today]) == [0, 2]


def test_who_to_remind_skips_disabled_accounts_and_names_each_person_once(
        launched, tree, make_user):
    both = make_user("bithu", "leader", tree.cell_a1, first_name="Lan", last_name="Vũ")
    from thidua.org.models import RoleAssignment

    RoleAssignment.objects.create(user=both, role="secretariat", unit=tree.cell_a1)
    make_user("cu", "leader", tree.cell_a1, is_active=False)
    make_user("nhanvien", "staff", tree.cell_a1)
    reminded = Dashboard(launched, tree.ward_a).who_to_remind([tree.cell_a1.pk, tree.cell_a2.pk])
    assert dict(reminded) == {tree.cell_a1.pk: ["Lan Vũ"]}


def test_a_unit_outside_the_scope_shows_the_scope(launched, tree):
    assert Dashboard(Movement.objects.get(pk=launched.pk), tree.ward_b).root == tree.ward_a


def test_the_chart_costs_no_query_after_the_values(launched, tree, users, people, today):
    """Every built-in kind counts its month ends along with its cells."""
    milestone = launched.milestones.get(requires_report=True)
    Target.objects.create(movement=launched, order=3, indicator="reports_on_time", goal=100,
                          wording="Báo cáo đúng hạn", params={"milestone": milestone.pk})
    Target.objects.create(movement=launched, order=4, indicator="people_registered", goal=90,
                          wording="Cán bộ đăng ký")
    Target.objects.create(movement=launched, order=5, indicator="manual", goal=95,
                          wording="Hồ sơ đúng hạn", params={"unit_label": "%"})
    board = Dashboard(launched, tree.ward_a)
    for target in board.targets():
        board.row(target)
    with CaptureQueriesContext(connection) as seen:
        for target in board.targets():
            assert board.series(target)[-1] == (today, board.row(target).value)
    assert len(seen) == 0
