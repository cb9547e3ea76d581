"""The KPI demo: the ward's monthly sheets, idempotent, and plan A's KPI target moving."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.kpi.conftest import FULL_MARKS, GOOD_TASK
from thidua.core.models import TransitionLog
from thidua.kpi import demo, domain
from thidua.kpi.models import MonthSheet, Task, UnitMonth
from thidua.kpi.policy import Grade
from thidua.movements.engine import Dashboard
from thidua.movements.models import ManualValue, Movement
from thidua.org.models import Person, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_demo", stdout=StringIO())
    months = demo.demo_months()
    if not months:
        pytest.skip("the demo year has no ended month yet")
    return months


def counts():
    return (MonthSheet.objects.count(), Task.objects.count(), UnitMonth.objects.count(),
            TransitionLog.objects.count())


def test_loading_twice_changes_nothing(loaded):
    before = counts()
    assert before[0] > 0
    call_command("load_demo", stdout=StringIO())
    assert counts() == before
    assert demo.load() is False


def test_the_months_follow_today():
    assert demo.demo_months(date(2026, 11, 22)) == [date(2026, m, 1) for m in range(1, 11)]
    # Loaded in 2027 the demo holds 2026 (plan A ends with it), December left open.
    assert demo.demo_months(date(2027, 3, 2))[-1] == date(2026, 12, 1)
    assert demo.open_month(date(2027, 3, 2)) == date(2026, 12, 1)
    assert demo.demo_months(date(2026, 1, 20)) == []


def test_everyone_is_graded_but_congchuc_in_the_last_month(loaded):
    last = loaded[-1]
    people = list(demo.graded_people())
    congchuc = Person.objects.get(user__username="congchuc")
    assert congchuc in people and Person.objects.get(user__username="bithu") in people
    assert len(people) > 50
    sheets = MonthSheet.objects.filter(person__in=people)
    assert sheets.count() == len(people) * len(loaded) - 1
    # Her office's head carries the office's result: his sheet waits for hers, sent.
    waiting = sheets.exclude(state="finalised").get()
    assert (waiting.state, waiting.month, waiting.unit_id, waiting.is_leader) == (
        "submitted", last, congchuc.unit_id, True)
    assert waiting.finalised_at is None
    assert not MonthSheet.objects.filter(person=congchuc, month=last).exists()
    assert MonthSheet.objects.filter(person=congchuc).count() == len(loaded) - 1
    # Each sheet holds 3 to 8 tasks.
    per_sheet = Counter(Task.objects.filter(sheet__in=sheets).values_list("sheet", flat=True))
    assert len(per_sheet) == sheets.count() and set(per_sheet.values()) <= set(range(3, 9))
    # Every unit's months are closed, but congchuc's unit in the last month.
    units = {p.unit_id for p in people}
    closed = set(UnitMonth.objects.filter(state="closed").values_list("unit_id", "month"))
    expected = {(u, m) for u in units for m in loaded} - {(congchuc.unit_id, last)}
    assert closed == expected
    assert not UnitMonth.objects.filter(unit=congchuc.unit, month=last, state="closed").exists()


def test_grades_are_spread_within_the_cap(loaded):
    grades = Counter(MonthSheet.objects.values_list("grade", flat=True))
    total = sum(grades.values())
    assert grades[Grade.HTT] > total * 0.6
    assert 0 < grades[Grade.HTXS] <= total * 0.2
    assert 0 < grades[Grade.HT] < total * 0.1
    kht = MonthSheet.objects.filter(grade=Grade.KHT)
    assert kht.exists() and {s.person_id for s in kht} == {kht[0].person_id}
    assert all("Khiển trách" in s.grade_note for s in kht)
    units = list(Unit.objects.filter(pk__in=MonthSheet.objects.values("unit")))
    for month in loaded:
        for check in domain.close_checks(units, month).values():
            assert not check.over_cap, (month, check.unit.code)


def kpi_row(movement, unit=None):
    board = Dashboard(movement, unit)
    target = next(t for t in board.targets() if t.indicator == "kpi_coverage")
    return board.row(target)


def test_plan_a_kpi_target_reaches_100_once_congchuc_and_her_head_are_finalised(loaded):
    plan_a = Movement.objects.get(number="167", symbol="KH/ĐU")
    target = plan_a.targets.get(indicator="kpi_coverage")
    assert target.params == {"mode": "latest_month", "staff_categories": ["can_bo", "cong_chuc"]}
    assert not ManualValue.objects.filter(target=target).exists()
    people = len(demo.graded_people())
    row = kpi_row(plan_a)
    assert (row.measure.numerator, row.measure.denominator) == (people - 2, people)
    assert row.value < 100

    users = get_user_model().objects.in_bulk(["congchuc", "bithu"], field_name="username")
    person = Person.objects.select_related("unit").get(user=users["congchuc"])
    sheet = domain.sheet_for(person, loaded[-1], users["congchuc"])
    domain.save_task(sheet, users["congchuc"], dict(GOOD_TASK))
    domain.assess_general(sheet, users["congchuc"], dict(FULL_MARKS))
    domain.transition(sheet, "submit", users["congchuc"])
    assert kpi_row(plan_a).value < 100  # submitted is not finalised
    domain.transition(sheet, "finalise", users["bithu"])
    assert kpi_row(plan_a).measure.numerator == people - 1
    head = MonthSheet.objects.get(unit=person.unit, month=loaded[-1], is_leader=True)
    domain.transition(head, "finalise", users["bithu"])  # last: he carries the office's result
    assert kpi_row(plan_a).value == 100
    office = kpi_row(plan_a, person.unit)
    assert office.value == 100 and office.measure.denominator > 1
    # The unit's month can now close, within the HTXS cap.
    domain.close_month(person.unit, loaded[-1], users["bithu"])
