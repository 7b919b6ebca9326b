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
    """A NUL character in the address, the query string or a urlencoded form body is a 400.

    PostgreSQL cannot store or even compare text that contains NUL, so looking up a booking
    reference, a token or a phone number with one fails in the database (a 500). Form fields
    refuse NUL themselves (Django's ProhibitNullCharactersValidator); this covers what views
    and webhooks read directly. Multipart bodies are left to the forms: parsing them here
    would read uploads before the view could choose how.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            return HttpResponseBadRequest(
                _("Your request contains a character that is not allowed."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _has_nul(request) -> bool:
    if "\x00" in request.path_info or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
        return True
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        # The body is read once and kept, so views and signature checks still see it.
        return any("\x00" in key or "\x00" in value for key, value in _pairs(request.POST))
    return False


def _pairs(query):
    for key, values in query.lists():
        for value in values:
            yield key, value
