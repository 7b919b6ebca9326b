"""Response headers that Django's SecurityMiddleware and django-csp do not set."""

from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


class PermissionsPolicyMiddleware:
    """Permissions-Policy from settings.PERMISSIONS_POLICY on every response.

    The browser features a page may use, one header for the whole site: the join page needs
    camera and microphone (on our own origin only), nothing needs the rest, and embedded frames
    get none of them.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class RejectNulMiddleware:
    """A NUL character in the address or the query string is a 400.

    PostgreSQL cannot compare text that contains NUL, so looking up a booking reference or a
    token with one fails in the database (a 500). Form fields already refuse NUL (Django's
    ProhibitNullCharactersValidator); this covers what views take from the address itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return HttpResponseBadRequest(
                _("This address contains a character that is not allowed."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
