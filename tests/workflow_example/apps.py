from django.apps import AppConfig


class WorkflowExampleConfig(AppConfig):
    name = "tests.workflow_example"
    label = "workflow_example"
