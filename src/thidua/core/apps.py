from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "thidua.core"
    label = "core"
    verbose_name = "Lõi hệ thống"

    def ready(self):
        from auditlog.registry import auditlog
        from django.contrib.auth import get_user_model

        # Accounts are edited by admins (activation, staff flags): keep who changed what,
        # never the password hash.
        auditlog.register(get_user_model(), include_fields=["username", "first_name", "last_name",
                                                            "email", "is_active", "is_staff",
                                                            "is_superuser"])
