from django.apps import AppConfig


class DextIntegrationConfig(AppConfig):
    name = "dext_integration"
    verbose_name = "Dext"

    def ready(self) -> None:
        from dext_integration import receivers  # noqa: F401

        from approvalmax.core.configuration_audit import audit_configuration
        from dext_integration.models import DextConnection

        audit_configuration(DextConnection, organisation=lambda c: c.organisation_id, ignore=("created_at",),
                            secret=("key_hash",))
