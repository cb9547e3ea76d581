from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "thidua.api"
    label = "api"
    verbose_name = "API"

    def ready(self):
        from auditlog.registry import auditlog

        from thidua.api.models import ApiToken

        # Neither the hash nor each use belongs in the audit trail.
        auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])
