from approvalmax.core.models import Membership


def administered_organisations(request) -> dict:
    """Organisations the user administers, for the settings links in the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"administered_organisations": []}
    return {"administered_organisations": [
        m.organisation for m in Membership.objects.filter(user=user, role=Membership.Role.ADMINISTRATOR)
        .select_related("organisation").order_by("organisation__name")
    ]}
