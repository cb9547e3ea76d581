from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "thidua.feedback"
    label = "feedback"
    verbose_name = "Người dân đánh giá mức độ hài lòng"

    def ready(self):
        from auditlog.registry import auditlog

        from thidua.feedback import indicators, models

        indicators.register()
        for model in (models.ServiceDesk, models.DeskOfficial):
            auditlog.register(model)
