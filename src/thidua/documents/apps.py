from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "thidua.documents"
    label = "documents"
    verbose_name = "Văn bản, báo cáo"

    def ready(self):
        from auditlog.registry import auditlog

        from thidua.documents import models

        for model in (models.IssuerProfile, models.TemplateFile):
            auditlog.register(model)
