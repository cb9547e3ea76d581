"""What may be done with desks, officials and ratings, and who may do it.

Desks and their officials are managed by the unit's admins and secretariat
(``MANAGE_ROLES`` covering the desk's unit); ratings are given by anyone
holding a desk's or an official's QR token, limited by :mod:`thidua.feedback.limits`.
Refusals are ``PermissionDenied`` / ``ValidationError`` with Vietnamese messages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from thidua.core import scoping
from thidua.core.roles import MANAGE_ROLES
from thidua.feedback.models import (
    COMMENT_MAX,
    DEFAULT_REASONS,
    SCALES,
    DeskOfficial,
    Rating,
    ServiceDesk,
)
from thidua.org.models import Person, Unit

NOT_A_MANAGER = "Chỉ quản trị hoặc văn phòng của đơn vị mới quản lý được quầy tiếp nhận."
DOSSIER_USED = ("Hồ sơ này đã được đánh giá rồi. Xin cảm ơn, mỗi hồ sơ chỉ đánh giá một lần.")


class RatingTargetGone(Exception):
    """The rated desk or official no longer exists (a stale token cache): a missing code."""


def may_manage(user, unit: Unit) -> bool:
    return scoping.covers(user, unit.path, MANAGE_ROLES)


def _require_manager(user, unit: Unit) -> None:
    if not may_manage(user, unit):
        raise PermissionDenied(NOT_A_MANAGER)


def clean_reasons(lines) -> list[str]:
    """The reasons offered, one a line, without blanks or repeats (the default when empty)."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    seen: list[str] = []
    for line in lines:
        text = " ".join(str(line).split())[:100]
        if text and text not in seen:
            seen.append(text)
    return seen or list(DEFAULT_REASONS)


def save_desk(desk: ServiceDesk, user, *, name: str, scale: str, reasons, is_active=True):
    """Create (``desk.pk`` empty, ``desk.unit`` set) or change a desk."""
    _require_manager(user, desk.unit)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Hãy nhập tên quầy."})
    if scale not in SCALES:
        raise ValidationError({"scale": "Thang đánh giá không hợp lệ."})
    desk.name, desk.scale, desk.reasons = name[:200], scale, clean_reasons(reasons)
    desk.is_active = bool(is_active)
    desk.save()
    return desk


def assign_official(desk: ServiceDesk, user, person: Person) -> DeskOfficial:
    """Put ``person`` (of the desk's unit subtree) at the desk, or back at it."""
    _require_manager(user, desk.unit)
    if not person.unit.path.startswith(desk.unit.path):
        raise ValidationError("Cán bộ này không thuộc đơn vị của quầy.")
    official, created = DeskOfficial.objects.get_or_create(desk=desk, person=person)
    if not created and not official.is_active:
        official.is_active = True
        official.save(update_fields=["is_active"])
    return official


def set_official_active(official: DeskOfficial, user, active: bool) -> None:
    _require_manager(user, official.desk.unit)
    official.is_active = active
    official.save(update_fields=["is_active"])


def submit_rating(desk: ServiceDesk, official: DeskOfficial | None, *, level: str,
                  reasons: list[str], comment: str, dossier_code: str | None,
                  client_key: str) -> Rating:
    """Store one rating; a dossier code already rated in the unit is refused."""
    levels = {item.code: item for item in desk.levels}
    if level not in levels:
        raise ValidationError({"level": "Xin chọn mức độ hài lòng."})
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": f"Góp ý dài tối đa {COMMENT_MAX} ký tự."})
    offered = desk.reason_list()
    satisfied = levels[level].satisfied
    chosen = [] if satisfied else [reason for reason in offered if reason in set(reasons)]
    code = (dossier_code or "").strip().upper() or None
    # A replayed dossier code is refused by the unique constraint (dossier code per unit):
    # no query before the insert, and two copies sent at the same moment cannot both pass.
    fields = {"desk": desk, "official": official, "unit_id": desk.unit_id, "level": level,
              "satisfied": satisfied, "reasons": chosen, "comment": comment,
              "dossier_code": code, "client_key": client_key}
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():  # a savepoint: a refusal leaves the caller's usable
                return Rating.objects.create(**fields)
        # One INSERT in autocommit: on SQLite the write lock is held for that statement
        # only, not across Python code between BEGIN and COMMIT, where a thread switch
        # would keep the other workers waiting (bench/README.md, ratings).
        return Rating.objects.create(**fields)
    except IntegrityError as exc:
        # The dossier code was already rated in the unit — or the desk or official was
        # deleted while another worker still held it in its token cache (the foreign key).
        if code and Rating.objects.filter(unit_id=desk.unit_id, dossier_code=code).exists():
            raise ValidationError({"dossier_code": DOSSIER_USED}) from exc
        raise RatingTargetGone from exc
