"""A small reviewable record that proves the core workflow mechanism."""

from django.conf import settings
from django.db import models

from thidua.core.roles import Role
from thidua.core.workflow import OWNER, Transition, Workflow


def _must_have_title(obj, user):
    return None if obj.title else "Báo cáo chưa có tiêu đề."


REPORT_WORKFLOW = Workflow(
    states={"draft": "Nháp", "submitted": "Đã gửi", "returned": "Bị trả lại",
            "accepted": "Đã chấp nhận"},
    initial="draft",
    transitions=[
        Transition("submit", ["draft", "returned"], "submitted", "Gửi", roles={OWNER},
                   guard=_must_have_title),
        Transition("return", ["submitted"], "returned", "Trả lại",
                   roles={Role.LEADER, Role.SECRETARIAT}, reason_required=True),
        Transition("accept", ["submitted"], "accepted", "Chấp nhận", roles={Role.LEADER}),
    ],
)


class ExampleReport(models.Model):
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    title = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=20, choices=REPORT_WORKFLOW.choices(), default="draft")

    scope_path = "unit__path"
    workflow = REPORT_WORKFLOW

    def __str__(self):
        return self.title

    @property
    def workflow_owner_id(self):
        return self.owner_id
