"""Security: sessions and cookies, HTTPS and HSTS, proxy headers, the browser-feature policy and
the Content Security Policy."""

from sofadoc.settings.environment import DEBUG, env

# --- Security -------------------------------------------------------------------------------
# Sessions are read from Redis and kept in PostgreSQL (sofadoc/sessions.py: survives Redis down).
SESSION_ENGINE = "sofadoc.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# In production every cookie is HTTPS-only and HSTS is on; the demo runs on plain http.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# /healthz answers plain http probes from the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Browser features per origin ("self" = our own pages only; empty = nobody). Camera and
# microphone are for the video join page; everything else no page uses.
PERMISSIONS_POLICY = {
    "camera": ["self"],
    "microphone": ["self"],
    "autoplay": ["self"],
    "fullscreen": ["self"],
    "display-capture": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "accelerometer": [],
    "gyroscope": [],
    "magnetometer": [],
}

# Content Security Policy: everything self-hosted, no inline script. Later features widen
# script-src/connect-src only for what the visitor opted into (see privacy/cookies).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'", "blob:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
