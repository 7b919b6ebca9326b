"""Request types for views.

Behind `login_required`, `request.user` is a signed-in `User`, never `AnonymousUser`; views
annotate their request with `AuthenticatedHttpRequest` so the type checker knows it too.
"""

from django.http import HttpRequest

from sofadoc.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User  # narrowed: login_required lets only signed-in users through
