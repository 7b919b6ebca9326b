"""What the booking services refuse, in words for the person who asked."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sofadoc.errors import ShownError


class BookingError(ShownError):
    """A request we refuse; `message` says why, in words for the person who asked."""


class SlotTaken(BookingError):
    def __init__(self):
        super().__init__(_("This time was just taken. Please pick another slot."))


class PriceChanged(BookingError):
    def __init__(self):
        super().__init__(
            _("The price of this session has changed. Please check it and confirm again.")
        )
