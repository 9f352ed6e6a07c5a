from approvalmax.core.configuration_audit import Actor, current_actor


class ConfigurationActorMiddleware:
    """Configuration changes made while serving a request are recorded as that person's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = None
        if user is not None and user.is_authenticated:
            via = "admin" if request.path.startswith("/admin/") else "pages"
            token = current_actor.set(Actor(user.pk, user.get_full_name() or user.get_username(), via))
        try:
            return self.get_response(request)
        finally:
            if token is not None:
                current_actor.reset(token)
