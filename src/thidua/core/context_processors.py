from thidua.core import scoping
from thidua.core.roles import AUDIT_ROLES, GRANT_ROLES, MANAGE_ROLES, READ_ROLES, Role


def navigation(request):
    """What the menu shows: only the entries the user's roles open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = scoping.roles_of(user)
    from thidua.core.notifications import unread_count

    return {
        "unread_notifications": unread_count(user),
        "nav": {
            "directory": bool(roles & READ_ROLES),
            "manage": bool(roles & MANAGE_ROLES),
            "grant": bool(roles & GRANT_ROLES),
            "audit": bool(roles & AUDIT_ROLES),
            "council": Role.COUNCIL in roles,
            "admin_site": user.is_staff,
        }
    }
