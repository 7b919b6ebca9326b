from collections.abc import Callable

from django.http import HttpRequest

from coaching.clients.selectors import unread_count_cached


def unread_client_messages(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """Unread coach-client messages for the header, evaluated only if a template uses it: from
    Redis while the person's messages stay the same, otherwise one indexed COUNT."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_client_messages": lambda: unread_count_cached(user=user)}
