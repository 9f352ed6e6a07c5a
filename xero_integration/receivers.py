"""Reacts to what the approval engine announces: approved requests, their audit report rendered,
are published to Xero."""

from django.dispatch import receiver

from workflows.signals import request_ready_to_publish
from xero_integration.tasks import publish_tenant


@receiver(request_ready_to_publish, dispatch_uid="xero_publish_when_ready")
def publish_when_ready(sender, request, **kwargs) -> None:
    """The tenant's publisher takes every approved request waiting, so bills go to Xero together."""
    publish_tenant.delay_on_commit(request.organisation_id)
