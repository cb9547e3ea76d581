from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "thidua.org"
    label = "org"
    verbose_name = "Tổ chức và cán bộ"

    def ready(self):
        from auditlog.registry import auditlog

        from thidua.org import models

        auditlog.register(models.UnitKind)
        auditlog.register(models.Unit, exclude_fields=["path", "depth", "numchild", "name_folded"])
        auditlog.register(models.Person, exclude_fields=["name_folded", "updated_at"])
        auditlog.register(models.DisciplineRecord)
        auditlog.register(models.RoleAssignment)
