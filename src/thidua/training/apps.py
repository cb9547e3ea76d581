from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "thidua.training"
    label = "training"
    verbose_name = "Bồi dưỡng cán bộ, công chức"

    def ready(self):
        from auditlog.registry import auditlog

        from thidua.training import indicators, models

        indicators.register()
        auditlog.register(models.TrainingRecord)
