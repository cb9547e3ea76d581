"""Scorecard measures of movement targets: recognised, registered, self-evaluated."""

from datetime import date

import pytest

from tests.scorecards.conftest import YEAR
from tests.scorecards.test_domain import grade_party_org
from thidua.movements.engine import Dashboard
from thidua.movements.indicators import get
from thidua.movements.models import Target
from thidua.scorecards import domain

pytestmark = pytest.mark.django_db


def target(movement, indicator, **params):
    return Target.objects.create(movement=movement, order=9, indicator=indicator,
                                 wording="Trên 90% chi bộ được công nhận “Chi bộ bốn tốt”",
                                 comparator="gt", goal=90,
                                 params={"framework": "chi_bo_bon_tot", "year": YEAR, **params})


def test_recognised_registered_and_self_evaluated(launched, tree, submitted, users, cell_leader,
                                                  frameworks, django_assert_max_num_queries):
    recognised = target(launched, "scorecard_recognised")
    registered = target(launched, "scorecard_registered")
    evaluated = target(launched, "scorecard_self_evaluated")
    dashboard = Dashboard(launched, tree.ward_a)
    assert dashboard.row(registered).measure.numerator == 1  # one of the two cells
    assert dashboard.row(registered).measure.denominator == 2
    assert dashboard.row(recognised).measure.numerator == 0
    quarter = (date.today().month - 1) // 3 + 1
    domain.evaluate(submitted, cell_leader, quarter, "Tự đánh giá quý")
    grade_party_org(tree.cell_a1, 80, users, cell_leader, frameworks)
    domain.transition(submitted, "appraise", users["secretariat"])
    domain.transition(submitted, "recognise", users["leader"], decision_number="15-QĐ/ĐU",
                      decision_date=date(YEAR, 12, 25))
    with django_assert_max_num_queries(8):
        dashboard = Dashboard(launched, tree.ward_a)
        rows = {t.indicator: dashboard.row(t) for t in (recognised, registered, evaluated)}
    assert rows["scorecard_recognised"].measure.numerator == 1
    assert str(rows["scorecard_recognised"].value) == "50.00"
    assert rows["scorecard_self_evaluated"].measure.numerator == 1
    children = {r.unit.code: r.measure.numerator for r in dashboard.child_rows(recognised)}
    assert children == {"PAB-CB1": 1.0, "PAB-CB2": 0.0}


def test_parameters_are_checked(movement, frameworks):
    kind = get("scorecard_recognised")
    assert kind.check({"framework": "chi_bo_bon_tot"}, movement) == []
    assert kind.check({"framework": "khong_co"}, movement)
    assert kind.check({}, movement)
