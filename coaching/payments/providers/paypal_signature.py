"""PayPal webhook signatures checked offline, over exactly the bytes received (issue 24 #10).

PayPal signs `transmission_id|transmission_time|webhook_id|crc32(raw body)` (CRC32 as unsigned
decimal) with SHA256withRSA; the certificate is at PAYPAL-CERT-URL. Parsing and re-serialising the
event first (what the verify endpoint needs) changes the bytes and fails real events, so nothing
here looks inside the body.

The certificate is fetched only over https from a PayPal host, and kept per process for a day.
When it cannot be fetched (network, PayPal's 5xx) we cannot tell forged from real:
VerifierUnavailable, answered 503 so PayPal delivers again.
"""

from __future__ import annotations

import base64
import binascii
import logging
import threading
import time
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from coaching.payments.providers.base import VerifierUnavailable

logger = logging.getLogger(__name__)

CERT_TTL = 24 * 60 * 60
FETCH_TIMEOUT = (2, 4)  # connect, read: PayPal waits for our answer, and retries anyway
_certs: dict[str, tuple[float, x509.Certificate]] = {}
_lock = threading.Lock()


def is_paypal_url(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return (
        parts.scheme == "https"
        and parts.port in (None, 443)
        and not parts.username
        and (host == "paypal.com" or host.endswith(".paypal.com"))
    )


def signed_message(*, transmission_id: str, transmission_time: str, webhook_id: str, body: bytes):
    return f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}".encode()


def verify(*, headers: Mapping[str, str], body: bytes, webhook_id: str) -> bool:
    """True if PayPal signed exactly `body` for our webhook. Raises VerifierUnavailable when the
    certificate cannot be fetched now."""
    if not webhook_id:
        logger.error("PAYPAL_WEBHOOK_ID is not set: no webhook can be verified")
        return False
    transmission_id = headers.get("PAYPAL-TRANSMISSION-ID", "")
    transmission_time = headers.get("PAYPAL-TRANSMISSION-TIME", "")
    cert_url = headers.get("PAYPAL-CERT-URL", "")
    if headers.get("PAYPAL-AUTH-ALGO", "") != "SHA256withRSA" or not transmission_id:
        return False
    if not is_paypal_url(cert_url):
        logger.warning("paypal webhook with a certificate from elsewhere: %r", cert_url[:200])
        return False
    try:
        signature = base64.b64decode(headers.get("PAYPAL-TRANSMISSION-SIG", ""), validate=True)
    except (binascii.Error, ValueError):
        return False
    certificate = _certificate(cert_url)
    if certificate is None:
        return False
    now = datetime.now(UTC)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        logger.warning("paypal webhook certificate outside its validity: %s", cert_url)
        return False
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    message = signed_message(
        transmission_id=transmission_id,
        transmission_time=transmission_time,
        webhook_id=webhook_id,
        body=body,
    )
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def _certificate(url: str) -> x509.Certificate | None:
    with _lock:
        cached = _certs.get(url)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    try:
        response = requests.get(url, timeout=FETCH_TIMEOUT, allow_redirects=False)
    except requests.RequestException as error:
        raise VerifierUnavailable(f"certificate not reachable: {type(error).__name__}") from error
    if response.status_code >= 500 or response.status_code == 429:
        raise VerifierUnavailable(f"certificate host answered {response.status_code}")
    if response.status_code != 200:
        logger.warning("paypal webhook certificate %s: %s", url, response.status_code)
        return None
    try:
        certificate = x509.load_pem_x509_certificate(response.content)
    except ValueError:
        logger.warning("paypal webhook certificate %s is not a PEM certificate", url)
        return None
    with _lock:
        _certs[url] = (time.monotonic() + CERT_TTL, certificate)
    return certificate


def forget_certificates() -> None:
    """Tests: start without cached certificates."""
    with _lock:
        _certs.clear()
