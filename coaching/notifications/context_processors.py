from collections.abc import Callable

from django.http import HttpRequest

from coaching.notifications.selectors import inbox_unread_count_cached


def unread_messages(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """The header's unread count, evaluated only if a template uses it: from Redis while the
    person's inbox stays the same, otherwise one indexed COUNT."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_messages": lambda: inbox_unread_count_cached(user=user)}
