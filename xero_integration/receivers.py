"""What the Xero adapter does when the engine announces something (on commit)."""

from django.dispatch import receiver

from workflows.signals import request_rejected
from xero_integration.system import KEY as SYSTEM


@receiver(request_rejected, dispatch_uid="xero_return_rejected_pulled_bill")
def rejected_bill_return(sender, request, **kwargs) -> None:
    # Only a bill pulled from Xero is there to hand back; one from Dext never reached Xero.
    if request.source_system == SYSTEM:
        from xero_integration.tasks import return_rejected_bill

        return_rejected_bill.delay(request.pk)
