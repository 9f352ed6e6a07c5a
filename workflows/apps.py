from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Approval workflows"

    def ready(self) -> None:
        from approvalmax.core.configuration_audit import audit_configuration
        from workflows.models import MatrixRule, Substitution, Workflow, WorkflowStep

        audit_configuration(Workflow, organisation=lambda w: w.organisation_id, ignore=("created_at",))
        audit_configuration(WorkflowStep, organisation=lambda s: s.workflow.organisation_id)
        audit_configuration(MatrixRule, organisation=lambda r: r.step.workflow.organisation_id)
        from approvalmax.core import metrics
        from workflows import receivers  # noqa: F401
        from workflows.metrics import collect

        metrics.register(collect)
        audit_configuration(Substitution, organisation=lambda s: s.organisation_id, ignore=("created_at",))
