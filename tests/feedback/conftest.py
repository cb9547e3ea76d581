"""Feedback fixtures: a desk of ward A (3 levels) with two officials, a 5-level desk,
and a clean cache for the rate limits."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.kpi.conftest import fill, month, staff, submitted  # noqa: F401 (fixtures)
from tests.movements.conftest import launched, movement, today  # noqa: F401 (fixtures)
from thidua.feedback.models import DeskOfficial, ServiceDesk


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def rate_url(token):
    return reverse("feedback:rate", args=[token])


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@dataclass
class Desks:
    desk: ServiceDesk
    five: ServiceDesk
    ha: DeskOfficial
    khoa: DeskOfficial


@pytest.fixture
def desks(tree, make_person):
    desk = ServiceDesk.objects.create(unit=tree.ward_a, name="Bộ phận một cửa phường An Bình")
    five = ServiceDesk.objects.create(unit=tree.ward_a, name="Quầy tư pháp – hộ tịch", scale="5")
    ha = DeskOfficial.objects.create(desk=desk, person=make_person("Phạm Thu Hà", tree.ward_a))
    khoa = DeskOfficial.objects.create(desk=desk,
                                       person=make_person("Vũ Minh Khoa", tree.ward_a))
    return Desks(desk, five, ha, khoa)
