from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from thidua.movements import domain
from thidua.movements.engine import Dashboard, meets, status_of
from thidua.movements.models import Commitment, Practice, Target, UnitReport


def register_and_accept(users, movement, unit):
    registration = domain.start_registration(users["secretariat"], movement, unit)
    Commitment.objects.create(registration=registration, text="Hoàn thành xuất sắc nhiệm vụ")
    domain.submit_registration(users["secretariat"], registration)
    domain.review_registration(users["secretariat"], registration, "accept")
    return registration


def test_registration_target_moves_when_a_cell_is_accepted(launched, tree, users):
    target = launched.targets.get(indicator="units_registered")
    row = Dashboard(launched, tree.ward_a).row(target)
    assert (row.measure.numerator, row.measure.denominator) == (0, 2)
    assert row.value == Decimal("0.00") and row.status == "behind"

    register_and_accept(users, launched, tree.cell_a1)
    dashboard = Dashboard(launched, tree.ward_a)
    assert dashboard.row(target).value == Decimal("50.00")
    by_child = {r.unit.code: r.value for r in dashboard.child_rows(target)}
    assert by_child == {"PAB-CB1": Decimal("100.00"), "PAB-CB2": Decimal("0.00")}
    lagging, count = dashboard.lagging(target)
    assert count == 1 and lagging[0].unit == tree.cell_a2

    register_and_accept(users, launched, tree.cell_a2)
    assert Dashboard(launched, tree.ward_a).row(target).status == "met"


def test_submitted_but_not_accepted_does_not_count_by_default(launched, tree, users):
    target = launched.targets.get(indicator="units_registered")
    registration = domain.start_registration(users["secretariat"], launched, tree.cell_a1)
    Commitment.objects.create(registration=registration, text="x")
    domain.submit_registration(users["secretariat"], registration)
    assert Dashboard(launched, tree.ward_a).row(target).value == Decimal("0.00")


def test_practices_indicator_with_minimum_count(launched, tree, today):
    target = launched.targets.get(indicator="units_with_practices")
    target.params = {"min_count": 2}
    target.save()
    for name in ("Dân vận khéo", "Tổ dân phố xanh"):
        Practice.objects.create(unit=tree.cell_a1, movement=launched, name=name, started_on=today)
    Practice.objects.create(unit=tree.cell_a2, movement=launched, name="Một mô hình", started_on=today)
    assert Dashboard(launched, tree.ward_a).row(target).value == Decimal("50.00")


def test_query_count_does_not_grow_with_units(launched, tree, users, make_unit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run():
        dashboard = Dashboard(launched, tree.ward_a)
        for target in dashboard.targets():
            dashboard.row(target)
            dashboard.child_rows(target)
            dashboard.lagging(target)

    run()  # warm caches (content types, kinds)
    with CaptureQueriesContext(connection) as small:
        run()
    for i in range(20):
        make_unit(f"Chi bộ mới {i}", tree.ward_a, code=f"PAB-N{i}")
    with CaptureQueriesContext(connection) as big:
        run()
    assert len(big) == len(small) <= 12


def test_reports_on_time(launched, tree, users, today):
    milestone = launched.milestones.get(requires_report=True)
    assert UnitReport.objects.filter(milestone=milestone).count() == 2  # one per cell
    target = Target.objects.create(movement=launched, indicator="reports_on_time", wording="Báo cáo đúng hạn",
                                   params={"milestone": milestone.pk}, goal=100)
    report = UnitReport.objects.get(milestone=milestone, unit=tree.cell_a1)
    domain.submit_report(users["secretariat"], report, text="Báo cáo tổng kết năm")
    assert Dashboard(launched, tree.ward_a).row(target).value == Decimal("50.00")


def test_manual_values_average_over_units(launched, tree, users, today):
    target = Target.objects.create(movement=launched, indicator="manual", wording="Tỷ lệ hồ sơ đúng hạn",
                                   goal=95, params={"measure": "% hồ sơ đúng hạn"})
    domain.enter_manual_value(users["secretariat"], target, tree.cell_a1, value=Decimal(90),
                              measured_on=today - timedelta(days=3))
    domain.enter_manual_value(users["secretariat"], target, tree.cell_a1, value=Decimal(98),
                              measured_on=today)
    domain.enter_manual_value(users["secretariat"], target, tree.cell_a2, value=Decimal(96),
                              measured_on=today)
    assert Dashboard(launched, tree.ward_a).row(target).value == Decimal("97.00")
    assert Dashboard(launched, tree.ward_a, as_of=today - timedelta(days=1)).row(target).value == Decimal("90.00")


def test_launch_refuses_past_deadlines(movement, users, today):
    milestone = movement.milestones.first()
    milestone.due_on = today - timedelta(days=1)
    milestone.save()
    with pytest.raises(ValidationError) as err:
        domain.launch(users["secretariat"], movement)
    assert "đã qua" in " ".join(err.value.messages)
    movement.refresh_from_db()
    assert movement.state == "draft"


def test_target_without_denominator_is_refused(movement, users):
    movement.participant_kinds.clear()
    target = Target(movement=movement, indicator="units_registered", wording="x", goal=100)
    with pytest.raises(ValidationError) as err:
        domain.save_target(users["secretariat"], target)
    assert "mẫu số" in " ".join(err.value.messages)


def test_registering_twice_is_refused_by_the_database(launched, tree, users):
    domain.start_registration(users["secretariat"], launched, tree.cell_a1)
    with pytest.raises(ValidationError, match="đã đăng ký"):
        domain.start_registration(users["secretariat"], launched, tree.cell_a1)


def test_comparators_and_status(movement, today):
    assert meets(Decimal("90.01"), "gt", Decimal(90)) and not meets(Decimal(90), "gt", Decimal(90))
    assert meets(Decimal(5), "lte", Decimal(5)) and meets(None, "gte", Decimal(1)) is None
    target = Target(goal=100, comparator="gte", deadline=today - timedelta(days=1))
    assert status_of(Decimal(50), target, today) == "overdue"
    target.deadline = today
    assert status_of(Decimal(50), target, today) == "behind"
    assert status_of(Decimal(100), target, today) == "met"
