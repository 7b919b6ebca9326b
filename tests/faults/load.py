"""Clients of the site under fault, over HTTP: they sign in, book a slot and pay.

Each HTTP request becomes a `Sample` (when it started, how long it took, what it was, its
status), so a test or the benchmark can cut the run into before / during / after a fault.
Used by the fault suite and bench.faults.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Sample:
    started: float  # time.monotonic()
    seconds: float
    action: str
    status: int  # 0: no answer (connection refused, timeout)
    ok: bool


class Visitor:
    """One browser: its own cookies, a slow answer measured rather than cut off at 10 s."""

    def __init__(
        self, base: str, samples: list[Sample], *, timeout: float = 30, address: str = ""
    ) -> None:
        self.base = base
        self.samples = samples
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["Referer"] = base + "/"
        if address:
            # The client's address as the proxy in front reports it (the site trusts one proxy,
            # ALLAUTH_TRUSTED_PROXY_COUNT=1): people sign in from many addresses, and allauth
            # limits sign-ins per address (30 a minute).
            self.session.headers["X-Forwarded-For"] = address

    def request(self, action: str, method: str, path: str, *, expect=(200, 302), **kwargs):
        started = time.monotonic()
        try:
            response = self.session.request(
                method,
                self.base + path,
                allow_redirects=False,
                timeout=self.timeout,
                **kwargs,
            )
            status = response.status_code
        except requests.RequestException:
            response, status = None, 0
        seconds = time.monotonic() - started
        self.samples.append(Sample(started, seconds, action, status, status in expect))
        return response

    def _form_token(self, response) -> str:
        found = _CSRF.search(response.text) if response is not None else None
        return found.group(1) if found else ""

    def submit(self, action: str, path: str, data: dict, *, expect=(302,)) -> bool:
        """Open the form's page, then send the form as a browser would (with its CSRF token);
        True when the answer is one of `expect`."""
        page = self.request(f"{action} page", "GET", path)
        answer = self.request(
            action,
            "POST",
            path,
            data={**data, "csrfmiddlewaretoken": self._form_token(page)},
            expect=expect,
        )
        return answer is not None and answer.status_code in expect

    def login(self, email: str, password: str) -> bool:
        return self.submit("login", "/accounts/login/", {"login": email, "password": password})

    def book_and_pay(self, slug: str, type_id: int, start: str) -> bool:
        """Book the slot and pay for it (PayPal's approval leads straight back to the return
        URL, see tests/faults/paypal.py); True when the booking page shows it as booked."""
        path = f"/coaches/{slug}/book/{type_id}/"
        page = self.request("booking page", "GET", path, params={"start": start})
        held = self.request(
            "hold",
            "POST",
            path,
            data={
                "start": start,
                "price": "80.00",
                "csrfmiddlewaretoken": self._form_token(page),
            },
            expect=(302,),
        )
        if held is None or held.status_code != 302:
            return False
        back = urlsplit(held.headers["Location"])
        paid = self.request(
            "pay (PayPal return)", "GET", f"{back.path}?{back.query}", expect=(302,)
        )
        if paid is None or paid.status_code != 302:
            return False
        booking = self.request("booking detail", "GET", urlsplit(paid.headers["Location"]).path)
        return booking is not None and booking.status_code == 200


def run_clients(
    base: str,
    *,
    clients: list[str],
    password: str,
    slots: list[list],
    stop: threading.Event,
    samples: list[Sample],
    pause: Callable[[], float] = lambda: 0.0,
) -> list[threading.Thread]:
    """One thread per client: sign in afresh, book and pay the next free slot, again and again
    until `stop` is set or the slots run out. Returns the started threads."""
    lock = threading.Lock()
    visits = itertools.count(1)

    def next_slot():
        with lock:
            return slots.pop(0) if slots else None

    def client(email: str) -> None:
        while not stop.is_set():
            slot = next_slot()
            if slot is None:
                return
            n = next(visits)
            visitor = Visitor(base, samples, address=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}")
            if visitor.login(email, password):
                visitor.book_and_pay(*slot)
            time.sleep(pause())

    threads = [threading.Thread(target=client, args=(email,), daemon=True) for email in clients]
    for thread in threads:
        thread.start()
    return threads
