from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "thidua.kpi"
    label = "kpi"
    verbose_name = "Đánh giá, xếp loại hằng tháng (KPI)"

    def ready(self):
        from auditlog.registry import auditlog

        from thidua.kpi import indicators, models

        indicators.register()
        for model in (models.ScoringPolicy, models.MonthSheet, models.Task,
                      models.MissingSheet, models.UnitMonth):
            auditlog.register(model)
