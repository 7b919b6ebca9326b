"""Response headers that Django's SecurityMiddleware and django-csp do not set."""

from django.conf import settings


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
