"""Shared fixtures: a small province with two wards, their people and users.

    Tỉnh ủy Thử nghiệm (TU)
    ├── Đảng bộ phường An Bình (PAB)
    │   ├── Chi bộ Tổ dân phố 1 (PAB-CB1)
    │   └── Chi bộ Tổ dân phố 2 (PAB-CB2)
    └── Đảng bộ xã Bình Minh (XBM)
        └── Chi bộ Thôn Đồng Tâm (XBM-CB1)
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from thidua.org.defaults import ensure_unit_kinds
from thidua.org.models import Person, RoleAssignment, Unit, UnitKind


@dataclass
class Tree:
    province: Unit
    ward_a: Unit
    cell_a1: Unit
    cell_a2: Unit
    ward_b: Unit
    cell_b1: Unit


@pytest.fixture
def kinds(db):
    # Transactional tests flush the tables, data migrations included.
    ensure_unit_kinds()
    return {k.code: k for k in UnitKind.objects.all()}


@pytest.fixture
def make_unit(kinds):
    def make(name, parent=None, kind="chi_bo", code=None, **extra):
        fields = {"name": name, "code": code or name.upper().replace(" ", "-")[:40],
                  "kind": kinds[kind], "sector": kinds[kind].sector, **extra}
        if parent is None:
            return Unit.objects.add_root(instance=Unit(**fields))
        return Unit.objects.add_child(parent, instance=Unit(**fields))

    return make


@pytest.fixture
def tree(make_unit):
    province = make_unit("Tỉnh ủy Thử nghiệm", kind="tinh_uy", code="TU")
    ward_a = make_unit("Đảng bộ phường An Bình", province, kind="dang_uy_xa", code="PAB")
    cell_a1 = make_unit("Chi bộ Tổ dân phố 1", ward_a, code="PAB-CB1")
    cell_a2 = make_unit("Chi bộ Tổ dân phố 2", ward_a, code="PAB-CB2")
    ward_b = make_unit("Đảng bộ xã Bình Minh", province, kind="dang_uy_xa", code="XBM")
    cell_b1 = make_unit("Chi bộ Thôn Đồng Tâm", ward_b, code="XBM-CB1")
    return Tree(*(Unit.objects.get(pk=u.pk) for u in
                  (province, ward_a, cell_a1, cell_a2, ward_b, cell_b1)))


@pytest.fixture
def make_person(db):
    counter = {"n": 0}

    def make(full_name, unit, **extra):
        counter["n"] += 1
        fields = {"staff_code": f"CB{counter['n']:05d}", "full_name": full_name,
                  "gender": "nam", "staff_category": "cong_chuc", "unit": unit, **extra}
        return Person.objects.create(**fields)

    return make


@pytest.fixture
def make_user(db):
    def make(username, role=None, unit=None, **extra):
        user = get_user_model().objects.create_user(username=username, password="x-Test-12345",
                                                    **extra)
        if role is not None:
            RoleAssignment.objects.create(user=user, role=role, unit=unit)
        return user

    return make


@pytest.fixture
def people(tree, make_person):
    """Three people in ward A, two in ward B."""
    return {
        "a1": make_person("Nguyễn Văn An", tree.cell_a1, gender="nam", is_party_member=True),
        "a2": make_person("Trần Thị Bình", tree.cell_a2, gender="nu"),
        "a3": make_person("Đặng Đức Dũng", tree.ward_a, staff_category="can_bo"),
        "b1": make_person("Lê Văn Cường", tree.cell_b1),
        "b2": make_person("Hoàng Thị Duyên", tree.ward_b, gender="nu"),
    }


@pytest.fixture
def users(tree, make_user):
    """One user per role on ward A; one secretariat user of ward B; one without a role."""
    return {
        "admin": make_user("admin_a", "admin", tree.ward_a),
        "secretariat": make_user("vanphong_a", "secretariat", tree.ward_a),
        "leader": make_user("lanhdao_a", "leader", tree.ward_a),
        "observer": make_user("giamsat_a", "observer", tree.ward_a),
        "staff": make_user("canbo_a", "staff", tree.cell_a1),
        "other": make_user("vanphong_b", "secretariat", tree.ward_b),
        "norole": make_user("khongquyen"),
    }


def as_user(client, user):
    """``client`` logged in as ``user`` (axes blocks ``client.login``)."""
    client.force_login(user)
    return client
