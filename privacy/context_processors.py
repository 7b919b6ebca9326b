from typing import Any

from django.conf import settings
from django.http import HttpRequest

from privacy.cookies import ADS_COOKIE_MAX_AGE, GA_COOKIE_MAX_AGE, MARKETING, STATISTICS, tag_ids

# The page after a completed signup counts as a conversion for Google Ads (marketing consent only).
CONVERSION_PAGES = {"account_email_verification_sent"}


def cookie_consent(request: HttpRequest) -> dict[str, Any]:
    """The banner state and which Google tags this visitor allowed (ids only when allowed)."""
    choice = getattr(request, "cookie_choice", None)
    if choice is None:
        return {}
    ids = tag_ids()
    ga_id = ids[STATISTICS] if choice.decided and choice.statistics else ""
    ads_id = ids[MARKETING] if choice.decided and choice.marketing else ""
    conversion = ""
    match = getattr(request, "resolver_match", None)
    label = settings.PRIVACY_GOOGLE_ADS_SIGNUP_LABEL
    if ads_id and label and match and match.url_name in CONVERSION_PAGES:
        conversion = f"{ads_id}/{label}"
    return {
        "cookie_choice": choice,
        "cookie_banner": not choice.decided,
        "google_tags": {
            "ga_id": ga_id,
            "ads_id": ads_id,
            "conversion": conversion,
            "ads_cookie_max_age": ADS_COOKIE_MAX_AGE,
            "ga_cookie_max_age": GA_COOKIE_MAX_AGE,
        }
        if (ga_id or ads_id)
        else None,
    }
