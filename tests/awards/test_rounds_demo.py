"""The awards demo: the ward's 2026 round open, its council, candidates with reasons."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from thidua.awards import demo, rounds
from thidua.awards.models import Award, AwardRound
from thidua.kpi import demo as kpi_demo

pytestmark = pytest.mark.django_db
DEMO_TODAY = date(2026, 11, 22)


@pytest.fixture
def loaded(monkeypatch):
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate",
                        lambda *a, **k: DEMO_TODAY if not a and not k else real(*a, **k))
    kpi_demo.load()
    assert demo.load() is True
    return AwardRound.objects.get(year=2026, unit__code="BK")


def test_demo_round_is_open_with_a_council_and_candidates(loaded):
    round_ = loaded
    assert round_.state == "open" and round_.granting_unit == round_.unit
    assert round_.created_by.username == "vanphong"
    members = {u.username for u in rounds.council_members(round_)}
    assert members == {"hoidong", "hoidong2", "hoidong3"}
    User = get_user_model()
    assert User.objects.get(username="hoidong2").person.position.startswith("Phó Bí thư")
    evaluation = rounds.evaluate(round_)
    ldtt = [c for c in evaluation.candidates if c.award_type == "ldtt"]
    assert len(ldtt) > 20
    assert all(c.checks and all(check.met for check in c.checks) for c in ldtt)
    assert evaluation.near_misses  # the disciplined civil servant at least
    assert Award.objects.filter(source="import", year=2025).exists()
    # Idempotent.
    assert demo.load() is False
    assert AwardRound.objects.filter(unit__code="BK").count() == 1
