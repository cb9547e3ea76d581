"""Training fixtures: records on ward A's people (tests/conftest.py ``people``)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.movements.conftest import launched, movement, today  # noqa: F401 (fixtures)
from thidua.training.models import TrainingRecord


def url(name, *args):
    return reverse(f"training:{name}", args=args)


def values(**extra):
    return {"course": "Bồi dưỡng kỹ năng chuyển đổi số", "topic": "chuyen_doi_so",
            "provider": "Trường Chính trị tỉnh", "starts_on": date(2026, 3, 2),
            "ends_on": date(2026, 3, 4), "hours": Decimal("24"), "certificate": "CC-01",
            **extra}


@pytest.fixture
def record(people, users):
    return TrainingRecord.objects.create(person=people["a1"], created_by=users["secretariat"],
                                         **values())
