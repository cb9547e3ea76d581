"""The roles of DESIGN.md. A role is granted on a unit and covers its subtree."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị hệ thống"
    SECRETARIAT = "secretariat", "Văn phòng, cán bộ thi đua"
    LEADER = "leader", "Lãnh đạo"
    COUNCIL = "council", "Thành viên hội đồng"
    OBSERVER = "observer", "Kiểm tra, giám sát"
    STAFF = "staff", "Cán bộ, công chức, viên chức"


#: Who may read the directory of units and people of a subtree.
READ_ROLES = frozenset({Role.ADMIN, Role.SECRETARIAT, Role.LEADER, Role.OBSERVER})
#: Who may change units and people (and import them).
MANAGE_ROLES = frozenset({Role.ADMIN, Role.SECRETARIAT})
#: Who may grant roles.
GRANT_ROLES = frozenset({Role.ADMIN})
#: Who may read the audit trail of a record.
AUDIT_ROLES = frozenset({Role.ADMIN, Role.OBSERVER})
ALL_ROLES = frozenset(Role)
