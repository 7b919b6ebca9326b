"""Remembering, per process, that a service just failed, so requests stop waiting on it.

After a failure the service counts as down for a few seconds (REDIS_RETRY_SECONDS): calls in
that time give up at once instead of each waiting out a connection timeout, then one call tries
again. The change of state is logged once each way (down, back), not once per request: under
load an outage would otherwise write thousands of identical lines.
"""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger("sofadoc.outage")


class Breaker:
    def __init__(self, name: str, *, pause: float) -> None:
        self.name = name
        self.pause = pause
        self._down_until = 0.0
        self._down = False
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        """True while the service counts as down: skip it without trying."""
        return time.monotonic() < self._down_until

    def failed(self, error: BaseException) -> None:
        with self._lock:
            self._down_until = time.monotonic() + self.pause
            first = not self._down
            self._down = True
        if first:
            logger.warning(
                "%s unreachable (%s); retrying every %.0f s",
                self.name,
                type(error).__name__,
                self.pause,
                extra={"event": f"outage.{self.name}.down"},
            )

    def succeeded(self) -> None:
        if not self._down:  # the common case: no lock, no log
            return
        with self._lock:
            back, self._down, self._down_until = self._down, False, 0.0
        if back:
            logger.warning("%s is back", self.name, extra={"event": f"outage.{self.name}.up"})
