"""The synthetic movement of the benchmarks: realistic enough to show every status, and
the engine's numbers equal those of the benchmark's hand-written SQL."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from bench import measure
from thidua.movements import synthetic as synthetic_movement
from thidua.movements.engine import Dashboard
from thidua.movements.models import Movement, Registration
from thidua.org import synthetic
from thidua.org.models import RoleAssignment


@pytest.fixture
def province(kinds):
    return synthetic.generate(synthetic.Spec(communes=3, units=60, people=600, seed=7)).root


@pytest.fixture
def made(province):
    return synthetic_movement.generate(synthetic_movement.Spec(province_code=province.code))


def test_ten_targets_with_facts_at_realistic_rates(made, province):
    assert made.targets == 10
    movement = made.movement
    assert movement.state == "launched" and movement.scope_unit == province
    today = timezone.localdate()
    assert movement.starts_on.day == 1
    assert (today.year * 12 + today.month) - (movement.starts_on.year * 12
                                              + movement.starts_on.month) == 8
    cells = movement.registrations.filter(person__isnull=True, unit__kind__code="chi_bo")
    share = cells.filter(state="accepted").count() / province.subtree().filter(
        kind__code="chi_bo").count()
    assert 0.6 < share < 0.95
    assert made.people_registrations > 0.6 * 600 * 0.9
    assert made.practices and made.reports and made.manual_values and made.users


def test_statuses_at_the_root_are_mixed(made, province):
    board = Dashboard(made.movement, province)
    statuses = [board.row(target).status for target in board.targets()]
    assert {"met", "behind", "overdue"} <= set(statuses)
    lower = board.targets()[9]
    assert lower.comparator == "lte" and board.row(lower).value is not None


def test_the_engine_agrees_with_the_hand_written_sql(made, province):
    """The benchmark compares times only of computations that agree; so does this test,
    at the root and at a commune."""
    movement = Movement.objects.get(pk=made.movement.pk)
    commune = province.subtree().filter(kind__code="dang_uy_xa").order_by("path").first()
    for root in (province, commune):
        statements = {t.pk: measure.reference_statement(t, movement, root, timezone.localdate())
                      for t in movement.targets.all()}
        reference = {pk: measure.run_reference(s) for pk, s in statements.items()}
        measure.check_same_numbers(measure.engine_numbers(movement, root), reference)


def test_the_same_seed_gives_the_same_movement(made, province):
    def facts(movement):
        return sorted(Registration.objects.filter(movement=movement).values_list(
            "unit__code", "person__staff_code", "state", "submitted_at"), key=str)

    first = facts(made.movement)
    again = synthetic_movement.generate(synthetic_movement.Spec(province_code=province.code))
    assert Movement.objects.filter(pk=made.movement.pk).count() == 0  # replaced
    assert facts(again.movement) == first


def test_delete_leaves_the_province_deletable(made, province):
    assert synthetic_movement.delete(province.code) == 1
    assert not get_user_model().objects.filter(username__startswith="syn-").exists()
    assert not RoleAssignment.objects.exists()
    assert synthetic.delete(province.code)[0] == 60
    with pytest.raises(ValueError):
        synthetic_movement.delete("TU")


def test_the_dashboard_of_ten_targets_at_the_root(client, made, province, make_user,
                                                 django_assert_max_num_queries):
    user = make_user("vp_tinh_syn", "secretariat", province)
    client.force_login(user)
    address = reverse("movements:dashboard", args=[made.movement.pk])
    client.get(address)
    with django_assert_max_num_queries(28):  # bench/README.md: 27 at the root
        response = client.get(address)
    assert response.status_code == 200
    assert len(response.context["panels"]) == 10
    assert len(response.context["children"]) == 3
    reminded = [item.remind for panel in response.context["panels"] for item in panel.lagging]
    assert any(reminded)
