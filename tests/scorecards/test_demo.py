"""The scorecards demo: the ward's cells on "Chi bộ bốn tốt", idempotent, plan B measured."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from tests.scorecards.conftest import full_marks
from thidua.core.models import TransitionLog
from thidua.movements import demo as movements_demo
from thidua.movements.demo import CELLS
from thidua.movements.engine import Dashboard
from thidua.movements.models import Movement
from thidua.scorecards import demo, domain
from thidua.scorecards.models import Commitment, Evaluation, Scorecard, ScoreLine

pytestmark = pytest.mark.django_db

#: The demo tells the state of late 2026.
DEMO_TODAY = date(2026, 11, 22)


def on(monkeypatch, day):
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate",
                        lambda *a, **k: day if not a and not k else real(*a, **k))


@pytest.fixture
def loaded(monkeypatch):
    """The ward, plan B and the scorecards (the KPI months are not needed here)."""
    on(monkeypatch, DEMO_TODAY)
    movements_demo.load()
    assert demo.load() is True


def counts():
    return tuple(model.objects.count() for model in (
        Scorecard, ScoreLine, Commitment, Evaluation, TransitionLog))


def bon_tot(code):
    return Scorecard.objects.get(framework__code=demo.BON_TOT, year=2026, unit__code=code)


def plan_b_rows():
    movement = Movement.objects.get(number="98")
    dashboard = Dashboard(movement)
    return {target.params.get("framework"): dashboard.row(target)
            for target in dashboard.targets() if target.indicator == "scorecard_recognised"}


def test_loading_twice_changes_nothing(monkeypatch):
    on(monkeypatch, DEMO_TODAY)
    call_command("load_demo", stdout=StringIO())
    before = counts()
    assert before[0] > 2 * len(CELLS)
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == before
    assert "thidua.scorecards.demo" in out.getvalue()  # "already there, reused"
    assert demo.load() is False


def test_every_cell_registered_in_january_two_late(loaded):
    cards = Scorecard.objects.filter(framework__code=demo.BON_TOT, year=2026)
    assert sorted(cards.values_list("unit__code", flat=True)) == sorted(CELLS)
    assert set(cards.filter(is_late=True).values_list("unit__code", flat=True)) == {
        "BK-CB-TDP11", "BK-CB-TDP12"}
    for card in cards:
        assert timezone.localtime(card.registered_at).date().month == 1
        assert card.commitments.count() == 4
    # The workflow log says when it happened, not when the demo was loaded.
    log = Scorecard.workflow.history(bon_tot("BK-CB-TDP12")).first()
    assert (log.to_state, timezone.localtime(log.at).date()) == ("registered", date(2026, 1, 19))


def test_states_quarters_and_gradings(loaded):
    cards = Scorecard.objects.filter(framework__code=demo.BON_TOT, year=2026)
    states = Counter(cards.values_list("state", flat=True))
    assert states == {"recognised": 5, "submitted": 1, "registered": 12}
    # Three quarters ended by 22/11; three cells have not sent the third yet.
    per_card = Counter(Evaluation.objects.filter(scorecard__in=cards)
                       .values_list("scorecard__unit__code", flat=True))
    assert {code for code, n in per_card.items() if n == 2} == set(demo.MISSING_LAST_QUARTER)
    assert {n for code, n in per_card.items() if code not in demo.MISSING_LAST_QUARTER} == {3}
    # Every cell's party organisation graded: mostly HTT, three HTXS, one HT.
    gradings = Scorecard.objects.filter(framework__code=demo.GRADING, year=2026)
    assert set(gradings.values_list("state", flat=True)) == {"recognised"}
    bands = Counter(gradings.values_list("band", flat=True))
    assert bands == {"htt": 14, "htxs": 3, "ht": 1}
    assert set(gradings.values_list("decision_number", flat=True)) == {"52-QĐ/ĐU"}
    # The recognised cells: decided before today, two items lowered with a reason.
    recognised = cards.filter(state="recognised")
    assert set(recognised.values_list("decision_number", flat=True)) == {"58-QĐ/ĐU"}
    assert all(c.decision_date < DEMO_TODAY and c.appraised_total >= 90 for c in recognised)
    lowered = ScoreLine.objects.filter(scorecard__in=recognised).exclude(appraisal_reason="")
    assert lowered.count() == 2
    assert bon_tot("BK-CB-UB").appraised_total == bon_tot("BK-CB-UB").self_total - 2


def test_the_cell_of_chibo1_is_registered_not_scored(loaded):
    card = bon_tot(demo.OPEN_CELL)
    assert card.state == "registered" and not card.is_late
    assert card.commitments.count() == 4 and card.evaluations.count() == 3
    assert not card.lines.filter(self_points__isnull=False).exists()
    assert card.self_total is None
    chibo1 = get_user_model().objects.get(username=demo.OPEN_LOGIN)
    assert set(TransitionLog.objects.filter(object_id=card.pk, transition="register")
               .values_list("actor", flat=True)) == {chibo1.pk}
    grading = Scorecard.objects.get(framework__code=demo.GRADING, unit__code=demo.OPEN_CELL)
    assert (grading.state, grading.band) == ("recognised", "htt")


def test_plan_b_rises_when_chibo1s_cell_is_recognised(loaded, monkeypatch):
    rows = plan_b_rows()
    cells, committee = rows["chi_bo_bon_tot"], rows["dang_bo_co_so_bon_tot"]
    assert (cells.measure.numerator, cells.measure.denominator) == (5, 18)
    assert cells.status == "behind" and cells.value < 90
    assert (committee.measure.numerator, committee.measure.denominator, committee.status) == (
        0, 1, "behind")

    users = get_user_model().objects.in_bulk(["chibo1", "vanphong", "bithu"],
                                             field_name="username")
    card = bon_tot(demo.OPEN_CELL)
    domain.self_score(card, users["chibo1"], full_marks(card))
    domain.transition(card, "submit", users["chibo1"])
    line = card.lines.select_related("criterion").get(criterion__code="2.1")
    domain.appraise(card, users["vanphong"],
                    {line.criterion_id: ("11", "Một kỳ sinh hoạt chưa đủ nội dung")})
    domain.transition(card, "appraise", users["vanphong"])
    domain.transition(card, "recognise", users["bithu"], decision_number="59-QĐ/ĐU",
                      decision_date=DEMO_TODAY)
    card.refresh_from_db()
    assert (card.state, card.appraised_total) == ("recognised", 98)
    cells = plan_b_rows()["chi_bo_bon_tot"]
    assert (cells.measure.numerator, cells.measure.denominator) == (6, 18)
    assert cells.status == "behind"


def test_nothing_happens_after_today(monkeypatch):
    """Loaded in early July, the demo holds the registrations and the first quarter only."""
    on(monkeypatch, date(2026, 7, 1))
    call_command("load_demo", stdout=StringIO())
    cards = Scorecard.objects.filter(framework__code=demo.BON_TOT, year=2026)
    assert cards.count() == len(CELLS)
    assert set(cards.values_list("state", flat=True)) == {"registered"}
    assert set(Evaluation.objects.values_list("period", flat=True)) == {1}
    assert not Scorecard.objects.filter(decided_at__isnull=False).exists()
