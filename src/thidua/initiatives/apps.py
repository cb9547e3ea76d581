from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "thidua.initiatives"
    label = "initiatives"
    verbose_name = "Sáng kiến"

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_migrate

        from thidua.initiatives import indicators, models
        from thidua.initiatives.search import reinstall_after_migrate

        indicators.register()
        # SQLite: a later migration that rebuilds the table drops the FTS triggers; put them back.
        post_migrate.connect(reinstall_after_migrate, sender=self)
        auditlog.register(models.ApplicationField)
        auditlog.register(models.Initiative, exclude_fields=["search_text", "updated_at"])
        auditlog.register(models.Author)
        auditlog.register(models.Attachment)
        auditlog.register(models.Council)
        auditlog.register(models.CouncilMember)
        auditlog.register(models.Session, exclude_fields=["minutes"])
        auditlog.register(models.AgendaItem)
        # Ballot is not logged: the audit trail would show a member's scores before the
        # session closes; the closed session's minutes keep every ballot.
        auditlog.register(models.Replication)
