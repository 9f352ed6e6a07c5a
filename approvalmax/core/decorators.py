from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseForbidden


def member_required(view):
    """For the stand-ins' pages: only a logged-in member of an organisation here may use them,
    since they act with an organisation's keys."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_superuser or user.memberships.exists()):
            return HttpResponseForbidden("Only members of an organisation may use the stand-ins.")
        return view(request, *args, **kwargs)

    return guarded
