"""The one place where every URL is classified: public, signed-in only, secret-token, webhook,
demo-only, staff-only (the admin). The security tests (anonymous access, object ownership, CSRF,
headers) derive their lists from here, so a new URL that is not classified, or has no name to
classify it by, fails them."""

import re

from django.urls import URLResolver, get_resolver, reverse

PUBLIC = {
    # The service worker script: the same file for everyone, served from the root for its scope.
    "notifications:service_worker",
    "home",
    "healthz",
    "impressum",
    "help",
    "privacy:policy",
    "privacy:policy_version",
    "privacy:terms",
    "privacy:terms_version",
    "privacy:cookies",
    "privacy:cookies_version",
    "privacy:cookie_consent",
    "privacy:processors",
    "privacy:support",
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_email_verification_sent",
    "account_reset_password",
    "account_confirm_login_code",
    "account_confirm_email",
    "account_reset_password_from_key_done",
    "account_reset_password_from_key",
    "account_reset_password_done",
    "mfa_authenticate",
    "accounts:set_language",
    "practices:directory",
    "practices:detail",
    "practices:slots",
}
SIGNED_IN = {
    "privacy:export",
    "privacy:delete",
    "privacy:accept",
    "privacy:consents",
    "account_reauthenticate",
    "account_email",
    "account_change_password",
    "account_set_password",
    "mfa_index",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "usersessions_list",
    "accounts:profile",
    "practices:setup",
    "practices:start",
    "practices:profile",
    "practices:photo",
    "practices:session_types",
    "practices:session_type_add",
    "practices:session_type_edit",
    "practices:hours",
    "practices:rules",
    "practices:billing",
    "practices:time_off",
    "practices:time_off_delete",
    "practices:publish",
    "payments_coach:onboarding",
    "payments_coach:onboarding_return",
    "payments_coach:onboarding_refresh",
    "payments_coach:twin_signup",
    "payments_coach:twin_revoke",
    "payments_coach:earnings",
    "payments_coach:earnings_csv",
    "bookings:start",
    "bookings:mine",
    "bookings:detail",
    "bookings:paypal_return",
    "bookings:paypal_cancel",
    "bookings:cancel",
    "bookings:move",
    "bookings:receipt",
    "bookings:ics",
    "bookings:coach",
    "bookings:feed_regenerate",
    "billing:document",
    "billing:document_pdf",
    "packages:coach",
    "packages:edit",
    "packages:coupons",
    "packages:coupon_deactivate",
    "packages:buy",
    "packages:detail",
    "packages:book",
    "packages:paypal_return",
    "packages:paypal_cancel",
    "packages:series_start",
    "packages:series_detail",
    "packages:series_paypal_return",
    "packages:series_paypal_cancel",
    "packages:series_cancel",
    "video:join",
    "video:token",
    "video:preflight",
    "video:attendance",
    "intake:form_edit",
    "intake:agreement_edit",
    "intake:ask_again",
    "intake:answer",
    "intake:agreement",
    "intake:agreement_revoke",
    "intake:agreement_pdf",
    "video:wait",
    "video:admit",
    "video:status",
    "video:leave",
    "video:no_show",
    "video:twin_chat",
    "video:settings",
    "notifications:list",
    "notifications:read_all",
    "notifications:detail",
    "notifications:read",
    "notifications:preferences",
    "notifications:sms_code_send",
    "notifications:sms_code_confirm",
    "notifications:news_subscribe",
    "notifications:push_subscribe",
    "notifications:push_unsubscribe",
    "notifications:push_device",
    "calendars:settings",
    "calendars:caldav_connect",
    "calendars:oauth_start",
    "calendars:oauth_callback",
    "calendars:connection_edit",
    "calendars:sync",
    "calendars:delete",
    "calendars:calendar_edit",
    "calendars:week",
    "calendars:block_add",
    "calendars:block_remove",
    # Signed link and the signed-in owner (a link forwarded to someone else is a 404 for them).
    "privacy:export_download",
    "clients:threads",
    "clients:thread",
    "clients:file_upload",
    "clients:end",
    "clients:task_answer",
    "clients:file_delete",
    "clients:list",
    "clients:settings",
    "clients:detail",
    "clients:note_add",
    "clients:task_add",
    "clients:note_edit",
    "clients:note_delete",
    "clients:book",
    "clients:move",
    "clients:pay",
    # Signed link made for one of the two parties, who must be signed in (tests/clients).
    "clients:file_download",
}
# Reached by a secret in the address (signed or random), so no login: a wrong secret is a 404.
SECRET_TOKEN = {
    "bookings:feed",
    "notifications:news_confirm",
    "notifications:news_unsubscribe",
}
# The e-mail open pixel answers every address with the same image, so it reveals nothing;
# only a validly signed token marks a message as opened (tested in notifications).
OPEN_PIXEL = {"notifications:opened"}
# Called by PayPal / Twilio; each checks its signature first (tests per app).
WEBHOOKS = {"payments:paypal_webhook", "video:twilio_webhook", "notifications:twilio_sms"}
# The PayPal stand-in's approval page: only with PAYPAL_MODE=twin, else 404 (tested in bookings).
DEMO_ONLY = {"payments:twin_approve"}


# The Django admin: staff with two factors only (sofadoc/admin_site.py). Its pages are made
# from the registered models, so the class is the namespace rather than a list of names.
STAFF_ONLY_NAMESPACES = {"admin"}


def _walk(patterns, namespace=""):
    """(namespace, full name or None, route, pattern) for every URL pattern."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            for space, name, route, leaf in _walk(pattern.url_patterns, full):
                yield space, name, str(pattern.pattern) + route, leaf
        else:
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield namespace, name, str(pattern.pattern), pattern


def _is_staff_only(namespace: str) -> bool:
    return namespace.split(":", 1)[0] in STAFF_ONLY_NAMESPACES


def named_patterns(urlpatterns=None):
    """Every URL pattern outside the admin, by its full name (urlpatterns: the project's).

    A pattern without a name cannot be classified, so one fails whichever test asks. Only the
    admin has unnamed ones (Django's redirect to a change page and its catch-all), and its
    whole namespace is STAFF_ONLY anyway."""
    named, unnamed = {}, []
    for namespace, name, route, pattern in _walk(urlpatterns or get_resolver().url_patterns):
        if _is_staff_only(namespace):
            continue
        if name is None:
            unnamed.append(route)
        else:
            named[name] = pattern
    assert not unnamed, f"URL patterns without a name= cannot be classified: {unnamed}"
    return named


def staff_only_patterns():
    """The admin's named patterns, by full name."""
    return {
        name: pattern
        for namespace, name, _route, pattern in _walk(get_resolver().url_patterns)
        if name and _is_staff_only(namespace)
    }


def url_arguments(pattern) -> set[str]:
    """The names of the parts of the address a view receives (path converters, regex groups)."""
    return set(pattern.pattern.converters) | set(re.findall(r"\(\?P<(\w+)>", str(pattern.pattern)))


def dummy_url(name, pattern):
    kwargs = {}
    for key in url_arguments(pattern):
        converter = pattern.pattern.converters.get(key)
        kwargs[key] = 1 if type(converter).__name__ == "IntConverter" else "x1"
    return reverse(name, kwargs=kwargs)


def staff_only_urls() -> dict[str, str]:
    """An address for every admin pattern: each app's index, and a made-up primary key where
    the page is about one object (the refusal comes before any lookup)."""
    urls = {}
    for name, pattern in staff_only_patterns().items():
        arguments = url_arguments(pattern)
        if "app_label" in arguments:
            # The pattern lists the registered apps, and only those reverse.
            labels = re.search(r"\(\?P<app_label>([\w|]+)\)", str(pattern.pattern))[1]
            for label in labels.split("|"):
                urls[f"{name}[{label}]"] = reverse(name, kwargs={"app_label": label})
        else:
            urls[name] = reverse(name, kwargs=dict.fromkeys(arguments, "424242"))
    return urls
