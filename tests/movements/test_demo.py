"""The demo movements: the four plans of DOMAIN.md §1, idempotent, with a telling dashboard."""

import unicodedata
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from thidua.movements import demo
from thidua.movements.engine import Dashboard
from thidua.movements.models import (
    ManualValue,
    Milestone,
    Movement,
    Practice,
    Registration,
    Target,
    UnitReport,
)
from thidua.org.models import Person, Unit

pytestmark = pytest.mark.django_db

#: The demo tells the state of late 2026; the dashboards judge deadlines against this day.
DEMO_TODAY = date(2026, 11, 22)


@pytest.fixture
def late_2026(monkeypatch):
    real = timezone.localdate

    def localdate(*args, **kwargs):
        return DEMO_TODAY if not args and not kwargs else real(*args, **kwargs)

    monkeypatch.setattr(timezone, "localdate", localdate)


@pytest.fixture
def loaded(late_2026):
    call_command("load_demo", stdout=StringIO())
    return {m.number: m for m in Movement.objects.select_related("issuing_unit")}


def counts():
    return tuple(model.objects.count() for model in (
        Movement, Target, Milestone, Registration, Practice, UnitReport, ManualValue, Unit,
        Person))


def test_loading_twice_changes_nothing(loaded):
    before = counts()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == before
    assert "thidua.movements.demo" in out.getvalue()  # "already there, reused"
    assert demo.load() is False


def test_the_four_plans(loaded):
    assert set(loaded) == {"167", "98", "95", "26"}
    a, b, c, d = loaded["167"], loaded["98"], loaded["95"], loaded["26"]
    assert (a.document_number, a.issued_on, a.ends_on) == (
        "167-KH/ĐU", date(2026, 6, 19), date(2026, 12, 31))
    assert a.title == "Năm nâng cao chất lượng cán bộ cơ sở"
    assert a.issuing_unit.code == b.issuing_unit.code == "BK"
    assert c.issuing_unit.name == "Ủy ban nhân dân tỉnh Bắc Giang"
    assert (d.document_number, d.issuing_unit.name) == ("26-KH/TU", "Tỉnh ủy Cao Bằng")
    assert [m.state for m in (a, b, c, d)] == ["launched", "launched", "closed", "launched"]
    assert a.contents.count() == 5 and a.targets.count() >= 10
    for movement in (b, c, d):
        assert movement.targets.exists() and movement.contents.exists()
    # Milestones as the plans state them.
    assert list(a.milestones.filter(kind__in=["report", "final"]).values_list(
        "due_on", "requires_report")) == [(date(2026, 11, 30), True), (date(2026, 12, 9), False)]
    assert set(c.milestones.values_list("kind", flat=True)) >= {"interim", "final"}
    assert d.milestones.get(kind="interim").due_on == date(2027, 12, 31)
    assert d.milestones.get(kind="final").due_on == date(2030, 12, 31)


def test_text_is_proper_vietnamese(loaded):
    for movement in loaded.values():
        texts = [movement.title, movement.theme,
                 *movement.contents.values_list("title", flat=True),
                 *movement.targets.values_list("wording", flat=True)]
        for text in texts:
            assert text == unicodedata.normalize("NFC", text)
        assert any(ch in movement.title + movement.theme for ch in "ăâđêôơư")


def statuses(movement):
    dashboard = Dashboard(movement)
    return {target.params.get("measure") or target.indicator: dashboard.row(target)
            for target in dashboard.targets()}


def test_plan_a_has_targets_met_behind_and_overdue(loaded):
    rows = statuses(loaded["167"])
    assert {"met", "behind", "overdue"} <= {row.status for row in rows.values()}
    registered = rows["units_registered"]
    assert (registered.status, registered.value) == ("overdue", Decimal("83.33"))
    assert (rows["units_with_practices"].status, rows["units_with_practices"].value) == (
        "behind", Decimal("66.67"))
    reports = rows["reports_on_time"]
    assert (reports.measure.numerator, reports.measure.denominator, reports.status) == (
        7, 18, "behind")


def test_plan_a_facts_tell_their_story(loaded):
    a = loaded["167"]
    by_state = dict(Registration.objects.filter(movement=a).values_list("unit__code", "state"))
    assert by_state["BK-CB-TDP10"] == "submitted"
    assert by_state["BK-CB-TDP11"] == "returned"
    assert "BK-CB-TDP12" not in by_state
    late = Registration.objects.get(movement=a, unit__code="BK-CB-TDP09")
    assert late.is_late and late.state == "accepted"
    assert timezone.localtime(late.accepted_at).date() == date(2026, 7, 24)
    # The workflow log says when it happened, not when the demo was loaded.
    log = Registration.workflow.history(late).last()
    assert (log.to_state, timezone.localtime(log.at).date()) == ("accepted", date(2026, 7, 24))


def test_the_other_plans(loaded):
    b = statuses(loaded["98"])
    assert b["units_registered"].status == "met"
    d = statuses(loaded["26"])
    assert (d["people_registered"].measure.numerator, d["people_registered"].measure.denominator,
            d["people_registered"].status) == (11, 15, "behind")
    c = statuses(loaded["95"])
    assert {row.status for row in c.values()} == {"met"}


def test_nothing_happens_after_today(monkeypatch):
    """Loaded on an earlier day, the demo holds only what had happened by then."""
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate",
                        lambda *a, **k: date(2026, 7, 1) if not a and not k else real(*a, **k))
    call_command("load_demo", stdout=StringIO())
    a = Movement.objects.get(number="167")
    assert Registration.objects.filter(movement=a).count() == 3  # sent by 30/06 or 01/07
    assert not UnitReport.objects.filter(milestone__movement=a, submitted_at__isnull=False).exists()
    assert not ManualValue.objects.filter(measured_on__gt=date(2026, 7, 1)).exists()
