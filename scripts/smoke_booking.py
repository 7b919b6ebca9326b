"""Production smoke test, the client's side: one booking over HTTP, as a browser would make it.

Run by scripts/prod-smoke.sh against gunicorn with production settings, a Celery worker and
beat. Only HTTP reaches the site (no Django imports): health check, the allauth login form,
the directory, slots.json, the booking form, the PayPal twin's approval page, the confirmed
booking, and finally the confirmation message the worker delivers (e-mail file and inbox).

Usage: smoke_booking.py BASE_URL MAIL_DIR   (BASE_URL like http://127.0.0.1:8765)
Exits 0 on success; otherwise prints what failed and exits 1.
"""

from __future__ import annotations

import email
import email.policy
import html
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

CLIENT_EMAIL = "klient@demo.sofadoc.de"
CLIENT_PASSWORD = "sofadoc-demo"  # noqa: S105 - the printed demo login
DELIVERY_TIMEOUT = 60  # seconds the worker gets to deliver the confirmation
TIMEOUT = 15  # per request


class SmokeFailure(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


class TlsTerminatingProxy(HTTPAdapter):
    """What the load balancer does in production: the client speaks https, the app gets plain
    http with `X-Forwarded-Proto: https`. The client side keeps https URLs, so secure cookies
    are sent back and the site's https redirects and links are followed as a browser would."""

    def send(self, request, **kwargs):
        inner = request.copy()
        inner.url = "http://" + request.url.removeprefix("https://")
        inner.headers["X-Forwarded-Proto"] = "https"
        response = super().send(inner, **kwargs)
        response.url, response.request = request.url, request
        return response


def hidden_inputs(page: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", page):
        name = re.search(r'\bname="([^"]*)"', tag)
        value = re.search(r'\bvalue="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[html.unescape(name.group(1))] = html.unescape(value.group(1) if value else "")
    return fields


class Smoke:
    def __init__(self, base_url: str, mail_dir: Path):
        parts = urlsplit(base_url)
        self.plain = f"http://{parts.netloc}"
        self.site = f"https://{parts.netloc}"
        self.mail_dir = mail_dir
        self.http = requests.Session()
        self.http.mount(self.site + "/", TlsTerminatingProxy())
        self.http.headers["Accept-Language"] = "de"

    def url(self, path: str) -> str:
        return urljoin(self.site, path)

    def get(self, path: str, expect: int = 200, **kwargs) -> requests.Response:
        response = self.http.get(self.url(path), timeout=TIMEOUT, **kwargs)
        check(
            response.status_code == expect,
            f"GET {path}: expected {expect}, got {response.status_code} at {response.url}",
        )
        return response

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:
        # Browsers send Origin on a POST; Django's CSRF check insists on it over https.
        headers = {"Origin": self.site, "Referer": self.url(path)}
        return self.http.post(self.url(path), data=data, headers=headers, timeout=TIMEOUT, **kwargs)

    def step(self, text: str) -> None:
        print(f"smoke: {text}", flush=True)

    # --- the journey ------------------------------------------------------------------------
    def run(self) -> str:
        self.health_and_https()
        self.log_in()
        slug, session_type_id, start = self.pick_free_slot()
        reference = self.book_and_pay(slug, session_type_id, start)
        self.wait_for_confirmation(reference)
        return reference

    def health_and_https(self) -> None:
        health = requests.get(self.plain + "/healthz", timeout=TIMEOUT)
        check(health.status_code == 200, f"/healthz: {health.status_code} {health.text[:200]}")
        check(health.json().get("status") == "ok", f"/healthz says {health.text[:200]}")
        # Production settings really are on: plain http is sent to https, cookies are secure.
        home = requests.get(self.plain + "/", timeout=TIMEOUT, allow_redirects=False)
        check(
            home.status_code == 301 and home.headers.get("Location", "").startswith("https://"),
            f"plain http / is not redirected to https ({home.status_code})",
        )
        page = self.get("/")
        check("Strict-Transport-Security" in page.headers, "no HSTS header on the home page")
        check("Content-Security-Policy" in page.headers, "no CSP header on the home page")
        # German by default, from the compiled catalogue (the image compiles it at build time).
        check(
            ">Coach finden<" in page.text,
            "the home page is not in German: translations not compiled (make messages)?",
        )
        stylesheet = re.search(r'<link[^>]+href="(/static/[^"]+\.css)"', page.text)
        check(stylesheet is not None, "the home page links no stylesheet")
        # Hashed name from the manifest, served by WhiteNoise with a long cache lifetime.
        css = self.get(stylesheet.group(1))
        check(len(css.content) > 1000, f"the stylesheet is empty ({len(css.content)} bytes)")
        check("max-age" in css.headers.get("Cache-Control", ""), "static files are not cached")
        missing = self.get("/gibt-es-nicht/", expect=404)
        check("Seite nicht gefunden" in missing.text, "the 404 page is not the site's own")
        self.step(f"health ok, https enforced, static {stylesheet.group(1)} served, 404 page ok")

    def log_in(self) -> None:
        form = self.get("/accounts/login/")
        fields = hidden_inputs(form.text)
        check("csrfmiddlewaretoken" in fields, "the login form has no CSRF token")
        response = self.post(
            "/accounts/login/",
            {**fields, "login": CLIENT_EMAIL, "password": CLIENT_PASSWORD},
        )
        check(response.status_code == 200, f"login: {response.status_code}")
        check(
            urlsplit(response.url).path != "/accounts/login/",
            "login failed: still on the login page",
        )
        session = next((c for c in self.http.cookies if c.name == "sessionid"), None)
        check(session is not None and session.secure, "no secure session cookie after login")
        mine = self.get("/bookings/")
        check(urlsplit(mine.url).path == "/bookings/", "signed in, /bookings/ still asks to log in")
        self.step(f"logged in as {CLIENT_EMAIL}")

    def pick_free_slot(self) -> tuple[str, int, str]:
        directory = self.get("/coaches/").text
        slugs = list(dict.fromkeys(re.findall(r'href="/coaches/([a-z0-9-]+)/"', directory)))
        check(bool(slugs), "the directory lists no practice")
        not_before = datetime.now(UTC) + timedelta(hours=2)
        for slug in slugs:
            detail = self.get(f"/coaches/{slug}/").text
            type_ids = list(dict.fromkeys(re.findall(rf"/coaches/{slug}/book/(\d+)/", detail)))
            for type_id in type_ids:
                slots = self.get(
                    f"/coaches/{slug}/slots.json",
                    params={
                        "type": type_id,
                        "start": datetime.now(UTC).date().isoformat(),
                        "days": 14,
                    },
                ).json()
                check("slots" in slots and "timezone" in slots, f"slots.json shape: {slots}")
                for start in slots["slots"]:
                    if datetime.fromisoformat(start.replace("Z", "+00:00")) > not_before:
                        self.step(f"picked {slug}, session type {type_id}, slot {start}")
                        return slug, int(type_id), start
        raise SmokeFailure(f"no free slot in the next 14 days at any of {slugs}")

    def book_and_pay(self, slug: str, session_type_id: int, start: str) -> str:
        path = f"/coaches/{slug}/book/{session_type_id}/?start={start}"
        confirm = self.get(path).text
        fields = hidden_inputs(confirm)
        check(
            {"csrfmiddlewaretoken", "start", "price"} <= fields.keys(),
            f"the booking form lacks fields: {sorted(fields)}",
        )
        # The booking form posts to PayPal (here: the twin's approval page on the same site).
        paypal = self.post(path, fields)
        check(
            paypal.status_code == 200 and "/paypal-sandbox/" in paypal.url,
            f"booking POST did not lead to the PayPal page: {paypal.status_code} {paypal.url}",
        )
        approve = hidden_inputs(paypal.text)
        check("csrfmiddlewaretoken" in approve, "the PayPal twin page has no form")
        returned = self.post(urlsplit(paypal.url).path, {**approve, "action": "approve"})
        match = re.fullmatch(r"/bookings/([^/]+)/", urlsplit(returned.url).path)
        check(
            returned.status_code == 200 and match is not None,
            f"after approving: {returned.status_code} at {returned.url}",
        )
        check(
            'class="badge state-confirmed"' in returned.text,
            f"the booking page does not say confirmed: {returned.url}",
        )
        reference = match.group(1)
        self.step(f"booking {reference} confirmed and paid")
        return reference

    def wait_for_confirmation(self, reference: str) -> None:
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        mailed = inboxed = False
        while time.monotonic() < deadline and not (mailed and inboxed):
            mailed = mailed or self.mail_confirms(reference)
            inboxed = inboxed or self.inbox_confirms(reference)
            if not (mailed and inboxed):
                time.sleep(0.5)
        check(mailed, f"no confirmation e-mail for {reference} within {DELIVERY_TIMEOUT} s")
        check(inboxed, f"no confirmation in the inbox for {reference} within {DELIVERY_TIMEOUT} s")
        self.step(f"worker delivered the confirmation of {reference} (e-mail and inbox)")

    def mail_confirms(self, reference: str) -> bool:
        # Django's file backend: one file per connection, messages separated by a line of dashes.
        for path in sorted(self.mail_dir.glob("*.log")):
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if not raw.strip():
                    continue
                message = email.message_from_bytes(raw.lstrip(), policy=email.policy.default)
                if CLIENT_EMAIL not in str(message["To"]):
                    continue
                body = message.get_body(preferencelist=("plain",))
                if body is not None and f"/bookings/{reference}/" in body.get_content():
                    has_ics = any(
                        part.get_content_type() == "text/calendar"
                        for part in message.iter_attachments()
                    )
                    check(has_ics, f"the confirmation e-mail for {reference} has no .ics")
                    return True
        return False

    def inbox_confirms(self, reference: str) -> bool:
        inbox = self.get("/messages/").text
        for message_id in dict.fromkeys(re.findall(r'href="/messages/(\d+)/"', inbox)):
            if f"/bookings/{reference}/" in self.get(f"/messages/{message_id}/").text:
                return True
        return False


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        reference = Smoke(sys.argv[1], Path(sys.argv[2])).run()
    except (SmokeFailure, requests.RequestException, ValueError) as error:
        print(f"smoke: FAILED: {error}", file=sys.stderr)
        return 1
    print(f"smoke: OK, booking {reference} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
