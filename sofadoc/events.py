"""Sending a domain event (see the README's architecture section): every receiver runs; one that
fails is logged with its traceback and does not stop the others or undo the action, which has
committed already."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import Signal

logger = logging.getLogger(__name__)


def event_send(signal: Signal, *, sender: str, **kwargs: Any) -> None:
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            logger.error(
                "%s.%s failed for %s",
                receiver.__module__,
                receiver.__qualname__,
                sender,
                exc_info=result,
            )
