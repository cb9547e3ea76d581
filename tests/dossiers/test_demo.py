"""The demo dossiers: deterministic, idempotent, late share falling against 2025."""

from datetime import date

import pytest

from thidua.dossiers import demo, queries
from thidua.dossiers.models import ProcedureDossier
from thidua.org.models import Unit

pytestmark = pytest.mark.django_db


def test_demo_loads_once(kinds):
    assert demo.load(today=date(2026, 11, 22)) is True
    count = ProcedureDossier.objects.count()
    assert 250 <= count <= 400
    assert demo.load(today=date(2026, 11, 22)) is False
    assert ProcedureDossier.objects.count() == count
    ward = Unit.objects.get(code="BK")
    stats = queries.month_stats(ward, date(2026, 11, 1))
    assert stats.total.overdue >= 2
    year = queries.month_stats(ward, date(2026, 5, 1),
                               queries.Baseline(date(2025, 1, 1), date(2025, 12, 1)))
    assert year.total.base_late_share > 5
