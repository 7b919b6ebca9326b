from django.conf import settings
from django.utils import timezone, translation

from sofadoc.accounts.timezones import viewer_time_zone


class UserPreferencesMiddleware:
    """Activate the viewer's time zone and, for signed-in people, their chosen language.

    Runs after AuthenticationMiddleware and LocaleMiddleware: an account's language overrides
    what LocaleMiddleware guessed from the cookie or Accept-Language header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = viewer_time_zone(
            user=user, cookie_value=request.COOKIES.get(settings.TIME_ZONE_COOKIE_NAME)
        )
        timezone.activate(zone)
        request.time_zone = zone
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
