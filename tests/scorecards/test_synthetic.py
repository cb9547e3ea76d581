"""The synthetic scorecards of the benchmarks: every cell, realistic states, the rule kept."""

from collections import Counter
from datetime import date

import pytest

from thidua.movements.indicators import Context, get
from thidua.movements.models import Target
from thidua.org import synthetic as org_synthetic
from thidua.org.models import Unit
from thidua.scorecards import domain, synthetic
from thidua.scorecards.models import Evaluation, Scorecard, ScoreLine

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


@pytest.fixture
def province(kinds):
    return org_synthetic.generate(org_synthetic.Spec(communes=3, units=60, people=300,
                                                     seed=7)).root


@pytest.fixture
def made(province):
    return synthetic.generate(synthetic.Spec(province_code=province.code, today=TODAY,
                                             cells=80))


def test_every_cell_has_a_scorecard_in_realistic_states(made, province):
    cells = Unit.objects.filter(path__startswith=province.path, kind__code="chi_bo")
    assert made.cells == cells.count() == 80 and made.added > 0
    cards = Scorecard.objects.filter(framework__code="chi_bo_bon_tot", year=2026)
    assert cards.count() == 80
    states = Counter(cards.values_list("state", flat=True))
    assert {"registered", "submitted", "recognised"} <= set(states)
    assert states["registered"] > states["recognised"] > 0
    assert ScoreLine.objects.filter(scorecard__in=cards).count() == 80 * 18
    assert not cards.filter(state="registered", self_total__isnull=False).exists()
    assert Evaluation.objects.filter(scorecard__in=cards, period=3).exists()
    assert not Evaluation.objects.filter(period=4).exists()  # Q4 has not ended by 22/11


def test_decided_scorecards_follow_the_rules(made):
    recognised = Scorecard.objects.filter(framework__code="chi_bo_bon_tot", state="recognised")
    for card in recognised.select_related("framework"):
        assert domain.unmet(card) == []  # total, each criterion, the grading HTT or better
        assert card.decision_number and card.decision_date <= TODAY
        assert card.appraised_total == sum(domain.final_points(card).values())
    refused = Scorecard.objects.filter(framework__code="chi_bo_bon_tot", state="not_recognised")
    for card in refused.select_related("framework"):
        assert domain.unmet(card)


def test_the_recognition_indicator_counts_them(made, province):
    from thidua.movements.models import Movement

    movement = Movement.objects.create(
        number="1", symbol="KH/TU", issued_on=date(2026, 1, 5), issuing_unit=province,
        scope_unit=province, title="Bốn tốt", starts_on=date(2026, 1, 5),
        ends_on=date(2026, 12, 31))
    target = Target(movement=movement, indicator="scorecard_recognised",
                    params={"framework": "chi_bo_bon_tot", "unit_kinds": ["chi_bo"],
                            "year": 2026})
    cells = get("scorecard_recognised").cells(Context(movement=movement, root=province,
                                                      as_of=TODAY), target)
    assert len(cells) == 80
    assert sum(num for num, _den in cells.values()) == made.states["recognised"]


def test_the_same_seed_gives_the_same_data_and_delete_clears_it(made, province):
    def facts():
        return sorted(Scorecard.objects.filter(framework__code="chi_bo_bon_tot").values_list(
            "unit__code", "state", "self_total", "appraised_total", "decided_at"), key=str)

    first = facts()
    assert synthetic.delete(province.code) == made.scorecards
    with pytest.raises(ValueError):
        synthetic.delete("BK")
    synthetic.generate(synthetic.Spec(province_code=province.code, today=TODAY, cells=80))
    assert facts() == first
    with pytest.raises(synthetic.AlreadyExists):
        synthetic.generate(synthetic.Spec(province_code=province.code, today=TODAY))
    synthetic.delete(province.code)
    assert org_synthetic.delete(province.code)[0] == 60 + made.added  # the added cells too
