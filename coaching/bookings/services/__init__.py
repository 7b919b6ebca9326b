"""Changes to bookings, one module per noun; import them from here.

Every state change goes through states.transition; the money goes through the payments
services (a booking is sold as a purchase line of kind "booking", payment_kind.py), and every
refund of a booking through refunds.booking_refund_issue.

- holds.py         holding a slot while the client pays; holds that ran out
- checkout.py      the purchase, the PayPal order, the capture, confirmation (paid or prepaid)
- refunds.py       what a booking paid and gets back; staff refunds; issuing a refund
- cancellation.py  a participant cancels a future session
- moving.py        a confirmed session moves to another free slot
- attendance.py    completed or no-show, and the attendance decisions that move money
- errors.py        what the services refuse, in words for people
"""

from coaching.bookings.services.attendance import (
    booking_coach_absent,
    booking_complete,
    booking_mark_no_show,
    booking_no_show,
)
from coaching.bookings.services.cancellation import booking_cancel
from coaching.bookings.services.checkout import (
    booking_abandon,
    booking_capture,
    booking_confirm_paid,
    booking_confirm_prepaid,
    booking_line,
    booking_payment_failed,
    booking_purchase_ensure,
    booking_start_payment,
)
from coaching.bookings.services.errors import BookingError, PriceChanged, SlotTaken
from coaching.bookings.services.holds import booking_expire_holds, booking_hold
from coaching.bookings.services.moving import booking_move
from coaching.bookings.services.refunds import (
    booking_line_amount,
    booking_refund,
    booking_refund_amount,
    booking_refund_issue,
)

__all__ = [
    "BookingError",
    "PriceChanged",
    "SlotTaken",
    "booking_abandon",
    "booking_cancel",
    "booking_capture",
    "booking_coach_absent",
    "booking_complete",
    "booking_confirm_paid",
    "booking_confirm_prepaid",
    "booking_expire_holds",
    "booking_hold",
    "booking_line",
    "booking_line_amount",
    "booking_mark_no_show",
    "booking_move",
    "booking_no_show",
    "booking_payment_failed",
    "booking_purchase_ensure",
    "booking_refund",
    "booking_refund_amount",
    "booking_refund_issue",
    "booking_start_payment",
]
