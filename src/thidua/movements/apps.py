from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "thidua.movements"
    label = "movements"
    verbose_name = "Phong trào thi đua"

    def ready(self):
        from auditlog.registry import auditlog

        from thidua.movements import indicators, models

        indicators.register_builtin()
        for model in (models.Movement, models.Content, models.Milestone, models.Target,
                      models.Registration, models.Commitment, models.Practice, models.Exemplar,
                      models.UnitReport, models.ManualValue):
            auditlog.register(model)
