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
        from django.db.models.signals import post_delete, post_save

        from thidua.feedback.views_public import forget_closed_unit_tokens, forget_tokens
        from thidua.org.models import Unit

        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(forget_tokens, sender=models.ServiceDesk,
                           dispatch_uid=f"feedback_forget_{name}_desk_tokens")
            signal.connect(forget_tokens, sender=models.DeskOfficial,
                           dispatch_uid=f"feedback_forget_{name}_official_tokens")
        post_save.connect(forget_closed_unit_tokens, sender=Unit,
                          dispatch_uid="feedback_forget_closed_unit_tokens")
