from approvalmax.notifications.selectors import unread_count


def bell(request) -> dict:
    """The unread count beside the bell in the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user=user)}
