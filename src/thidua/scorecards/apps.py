from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "thidua.scorecards"
    label = "scorecards"
    verbose_name = "Chấm điểm theo bộ tiêu chí"

    def ready(self):
        from auditlog.registry import auditlog

        from thidua.scorecards import indicators, models

        indicators.register()
        for model in (models.Framework, models.Criterion, models.Scorecard, models.ScoreLine,
                      models.Commitment, models.Evaluation):
            auditlog.register(model)
