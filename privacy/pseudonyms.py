"""Keyed hashes and truncated addresses: proof without identifying anyone."""

import hashlib
import hmac
import ipaddress
import secrets

from django.conf import settings
from django.http import HttpRequest


def keyed_hash(value: str) -> str:
    key = hashlib.sha256(("privacy-pseudonym:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def attempt_pseudonym() -> str:
    """A fresh pseudonym for one anonymous attempt (HMAC of a random token, never the e-mail)."""
    return keyed_hash("attempt:" + secrets.token_hex(16))


def user_pseudonym(user_pk: int) -> str:
    return keyed_hash(f"user:{user_pk}")


def truncate_ip(value: str | None) -> str:
    """IPv4 to /24, IPv6 to /48 — the address is no longer a single device."""
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def request_ip(request: HttpRequest) -> str:
    return truncate_ip(request.META.get("REMOTE_ADDR"))
