"""The base of every refusal whose reason is shown to the person who asked."""

from typing import Any


class ShownError(Exception):
    """Refused, and `message` says why in words for the person who asked (often a lazy
    translation: it is rendered in their language when shown). `str(error)` is for the logs:
    the message, or `detail` where the logs need more (a booking's reference and states)."""

    def __init__(self, message: Any, *, detail: str | None = None) -> None:
        super().__init__(detail if detail is not None else str(message))
        self.message = message
