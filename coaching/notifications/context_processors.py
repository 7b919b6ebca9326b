from coaching.notifications.selectors import inbox_unread_count


def unread_messages(request):
    """The header's unread count: one indexed COUNT, evaluated only if a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_messages": lambda: inbox_unread_count(user=user)}
