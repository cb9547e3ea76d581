from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "thidua.awards"
    label = "awards"
    verbose_name = "Khen thưởng"

    def ready(self):
        from auditlog.registry import auditlog

        from thidua.awards import models

        # Vote and VoteReceipt are never logged: an audit row would tie a member to his
        # secret ballot.
        for model in (models.AwardType, models.BaseSalary, models.Impediment, models.PastGrade,
                      models.UnitGrade, models.AwardRound, models.Nomination, models.Decision,
                      models.Award):
            auditlog.register(model)
