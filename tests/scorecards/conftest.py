"""Scorecard fixtures: the shipped frameworks, ward A's cells scoring "Chi bộ bốn tốt".

The cells' office is the cell's own leader (a user with the leader role on
the cell); ward A's office (``users["secretariat"]``) appraises, ward A's
leader (``users["leader"]``) decides.
"""

from datetime import date
from decimal import Decimal

import pytest

from tests.movements.conftest import launched, movement, today  # noqa: F401 (fixtures)
from thidua.scorecards import domain
from thidua.scorecards.defaults import ensure_frameworks
from thidua.scorecards.models import Framework

YEAR = date.today().year


@pytest.fixture
def frameworks(db, kinds):
    ensure_frameworks()
    return {f.code: f for f in Framework.objects.filter(is_active=True)}


@pytest.fixture
def bon_tot(frameworks):
    return frameworks["chi_bo_bon_tot"]


@pytest.fixture
def cell_leader(make_user, tree):
    return make_user("bithu_cb1", "leader", tree.cell_a1)


def full_marks(card, less: dict | None = None):
    """Every item at its maximum, less the points given by code."""
    less = less or {}
    return {line.criterion_id: (str(line.criterion.max_points - Decimal(less.get(
        line.criterion.code, 0))), "Có minh chứng")
        for line in card.lines.select_related("criterion")}


@pytest.fixture
def registered(bon_tot, tree, cell_leader):
    card = domain.start(bon_tot, tree.cell_a1, YEAR, cell_leader)
    domain.save_commitments(card, cell_leader, {
        g.pk: f"Đăng ký thực hiện tốt: {g.title}" for g in bon_tot.groups()})
    domain.register(card, cell_leader)
    card.refresh_from_db()
    return card


@pytest.fixture
def submitted(registered, cell_leader):
    domain.self_score(registered, cell_leader, full_marks(registered))
    domain.transition(registered, "submit", cell_leader)
    registered.refresh_from_db()
    return registered
