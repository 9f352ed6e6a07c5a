from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse


def bad_request(request, exception=None):
    return render(request, "error.html", {"title": "Bad request", "message": "The request could not be understood."}, status=400)


def permission_denied(request, exception=None):
    return render(request, "error.html", {"title": "Not allowed", "message": str(exception) or "You may not do this."}, status=403)


def page_not_found(request, exception=None):
    return render(request, "error.html", {"title": "Not found", "message": "There is nothing here."}, status=404)


def accounting_disconnect(request, *, organisation, system_name: str, namespace: str,
                          delete: Callable[..., None], approved_waiting: Callable[[], int]):
    """Disconnecting an accounting system asks first (it stops publishing): a GET, or a POST
    without the confirmation, shows what stops and how many approved bills wait."""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        delete(organisation=organisation)
        messages.success(request, f"{system_name} is disconnected.")
        return redirect(f"{namespace}:connection", slug=organisation.slug)
    return render(request, "disconnect_confirm.html", {
        "system_name": system_name, "organisation": organisation, "approved_waiting": approved_waiting(),
        "action": reverse(f"{namespace}:disconnect", args=[organisation.slug]),
        "cancel_url": reverse(f"{namespace}:connection", args=[organisation.slug])},
        status=400 if request.method == "POST" else 200)
