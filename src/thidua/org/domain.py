"""Write operations on the organisation: each takes the acting user."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from thidua.core import scoping
from thidua.core.roles import GRANT_ROLES, MANAGE_ROLES, Role
from thidua.org.choices import PersonStatus
from thidua.org.excel.audit import log_updated
from thidua.org.models import Person, RoleAssignment, Unit


def _require(user, unit: Unit, roles, message: str) -> None:
    if not scoping.covers(user, unit.path, roles):
        raise PermissionDenied(message)


@transaction.atomic
def create_unit(user, *, parent: Unit | None, **fields) -> Unit:
    """Add a unit under ``parent`` (a root only for superusers)."""
    if parent is None:
        if not user.is_superuser:
            raise PermissionDenied("Chỉ quản trị toàn hệ thống mới tạo được đơn vị gốc.")
        return Unit.objects.add_root(instance=Unit(**fields))
    _require(user, parent, MANAGE_ROLES, "Bạn không có quyền thêm đơn vị vào đơn vị này.")
    if not parent.is_active:
        raise ValidationError("Đơn vị cấp trên đã ngừng hoạt động (đã sáp nhập): không thể thêm "
                              "đơn vị trực thuộc.")
    return Unit.objects.add_child(parent, instance=Unit(**fields))


@transaction.atomic
def merge_units(user, source: Unit, target: Unit, on: date) -> Unit:
    """Merge ``source`` into ``target`` (the 2025 reorganisation).

    Active people and active sub-units move to ``target``; ``source`` stays in
    the tree, inactive and pointing at its successor, so everything recorded
    against it keeps its history.
    """
    for unit in (source, target):
        _require(user, unit, MANAGE_ROLES, "Bạn không có quyền sáp nhập các đơn vị này.")
    if source.pk == target.pk or target.path.startswith(source.path):
        raise ValidationError("Không thể sáp nhập một đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.")
    if not source.is_active or not target.is_active:
        raise ValidationError("Chỉ sáp nhập được các đơn vị đang hoạt động.")
    members_qs = Person.objects.filter(party_cell=source)
    members = list(members_qs.only("pk", "full_name"))
    if members and target.kind.code != "chi_bo":
        raise ValidationError(f"{source.name} còn {len(members)} đảng viên sinh hoạt: chỉ sáp nhập "
                              "được vào một chi bộ khác.")
    now = timezone.now()
    moving = Person.objects.filter(unit=source, status=PersonStatus.ACTIVE)
    moved = list(moving.only("pk", "full_name"))
    moving.update(unit=target, updated_at=now)
    log_updated(user, moved, {"unit": (source.name, target.name)})
    members_qs.update(party_cell=target, updated_at=now)
    log_updated(user, members, {"party_cell": (source.name, target.name)})
    for child in list(Unit.objects.get_children(source).filter(is_active=True)):
        Unit.objects.move(child, Unit.objects.get(pk=target.pk), "last-child")
    source = Unit.objects.get(pk=source.pk)
    source.is_active = False
    source.merged_into = target
    source.merged_on = on
    source.save()
    return source


def grant_role(user, *, grantee, role: str, unit: Unit) -> RoleAssignment:
    """Give ``grantee`` ``role`` on ``unit``; admins grant only inside their subtree."""
    _require(user, unit, GRANT_ROLES, "Bạn chỉ phân quyền được trong phạm vi đơn vị mình quản trị.")
    if role not in Role.values:
        raise ValidationError("Vai trò không hợp lệ.")
    assignment, created = RoleAssignment.objects.get_or_create(
        user=grantee, role=role, unit=unit, defaults={"granted_by": user}
    )
    if not created:
        raise ValidationError(
            f"Tài khoản {grantee.get_username()} đã có vai trò “{assignment.get_role_display()}” "
            f"tại {unit.name}."
        )
    scoping.forget_roles(grantee)
    return assignment


def revoke_role(user, assignment: RoleAssignment) -> None:
    _require(user, assignment.unit, GRANT_ROLES, "Bạn không có quyền thu hồi vai trò này.")
    if assignment.user_id == user.pk and assignment.role == Role.ADMIN:
        still_admin = RoleAssignment.objects.filter(user=user, role=Role.ADMIN).exclude(
            pk=assignment.pk
        )
        if not any(assignment.unit.path.startswith(a.unit.path) for a in still_admin.select_related("unit")):
            raise ValidationError("Bạn không thể tự thu hồi quyền quản trị của chính mình.")
    assignment.delete()
    scoping.forget_roles(assignment.user)
