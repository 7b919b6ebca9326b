"""Container health check of the web role: GET /healthz on this container's gunicorn.

200 only when the database, the cache and the broker answer (sofadoc/health.py). The request
carries a host name the site serves (the first of DJANGO_ALLOWED_HOSTS), else Django would
answer 400; /healthz is exempt from the https redirect, so plain http is enough.
Standard library only: the slim image has no curl.
"""

import os
import sys
import urllib.error
import urllib.request

port = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rpartition(":")[2]
host = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0].strip().lstrip(".")
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/healthz", headers={"Host": host if host != "*" else "localhost"}
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 - fixed local URL
        sys.exit(0 if response.status == 200 else 1)
except (urllib.error.URLError, OSError) as error:
    print(f"healthz: {error}", file=sys.stderr)
    sys.exit(1)
