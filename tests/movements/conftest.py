"""A movement of ward A (fixture tree of tests/conftest.py) with targets and milestones."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.conftest import as_user  # noqa: F401 (shared helper)
from thidua.movements.models import Content, Milestone, Movement, Target


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files (attachments, evidence) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def cell_leader(make_user, tree):
    """The leader of ward A's first party cell."""
    return make_user("lanhdao_cb1", "leader", tree.cell_a1)




@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def movement(tree, users, kinds, today):
    movement = Movement.objects.create(
        number="167", symbol="KH/ĐU", issued_on=today - timedelta(days=10),
        issuing_unit=tree.ward_a, scope_unit=tree.ward_a,
        title="Năm nâng cao chất lượng cán bộ cơ sở",
        theme="Trách nhiệm, kỷ cương, gần dân, sát dân, phục vụ Nhân dân",
        starts_on=today - timedelta(days=10), ends_on=date(today.year + 1, 12, 31),
        staff_categories=["can_bo", "cong_chuc"], created_by=users["secretariat"],
    )
    movement.participant_kinds.set([kinds["chi_bo"]])
    Content.objects.create(movement=movement, order=1, title="Nâng cao bản lĩnh chính trị")
    Milestone.objects.create(movement=movement, kind="registration", title="Hạn đăng ký thi đua",
                             due_on=today + timedelta(days=20), actor="Các chi bộ")
    Milestone.objects.create(movement=movement, kind="final", title="Gửi báo cáo tổng kết",
                             due_on=today + timedelta(days=60), actor="Các chi bộ",
                             requires_report=True)
    Target.objects.create(movement=movement, order=1, indicator="units_registered",
                          wording="100% chi bộ đăng ký thi đua", comparator="gte", goal=100,
                          deadline=today + timedelta(days=20))
    Target.objects.create(movement=movement, order=2, indicator="units_with_practices",
                          wording="Mỗi chi bộ có ít nhất 01 mô hình", comparator="gte", goal=100,
                          params={"min_count": 1})
    return movement


@pytest.fixture
def launched(movement, users):
    from thidua.movements import domain

    domain.launch(users["secretariat"], movement)
    movement.refresh_from_db()
    return movement
