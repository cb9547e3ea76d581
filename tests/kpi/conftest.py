"""KPI fixtures: ward A's staff with logins, a past month, a sheet with tasks.

Ward A (tests/conftest.py ``tree``) grades the people working in the ward
itself: ``staff`` (a civil servant with the ``canbo_a`` login of ``users``)
and ``chief`` (its leader, with the ``lanhdao_a`` login); ``clerk`` has no login.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import as_user  # noqa: F401 (shared helper)
from tests.movements.conftest import launched, movement, today  # noqa: F401 (fixtures)
from thidua.kpi import domain


def url(name, *args):
    return reverse(f"kpi:{name}", args=args)




def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@dataclass
class Staff:
    staff: object
    clerk: object
    chief: object


@pytest.fixture
def month():
    """The previous month: past, open, closable."""
    first = timezone.localdate().replace(day=1)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


@pytest.fixture
def staff(tree, users, make_person):
    return Staff(
        staff=make_person("Phạm Thu Hà", tree.ward_a, user=users["staff"]),
        clerk=make_person("Vũ Minh Khoa", tree.ward_a),
        chief=make_person("Đỗ Quang Hải", tree.ward_a, is_leader=True, staff_category="can_bo",
                          user=users["leader"]),
    )


GOOD_TASK = {"name": "Giải quyết hồ sơ một cửa", "assigned": 10, "done": 10, "meeting": 10,
             "on_time": 10}
FULL_MARKS = {"chinh_tri": "6", "dao_duc": "6", "ky_luat": "6", "phuc_vu": "6", "doi_moi": "6"}


@pytest.fixture
def fill():
    """Give a sheet one task and general scores, as its owner (or a leader in draft)."""
    def fill(sheet, user, task=None, general=None):
        domain.save_task(sheet, user, dict(task or GOOD_TASK))
        domain.assess_general(sheet, user, dict(general or FULL_MARKS))
        sheet.refresh_from_db()
        return sheet
    return fill


@pytest.fixture
def submitted(staff, users, month, fill):
    sheet = domain.sheet_for(staff.staff, month, users["staff"])
    fill(sheet, users["staff"])
    domain.transition(sheet, "submit", users["staff"])
    sheet.refresh_from_db()
    return sheet
