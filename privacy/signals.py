"""What privacy tells the apps that hold personal data with obligations towards others.

account_erasure_requested → coaching.bookings.receivers.cancel_future_sessions
                          → coaching.notifications.receivers.account_erasure_forget_person
data_export_ready         → coaching.notifications.receivers.data_export_ready_notify

Sent inside account_erase()'s transaction before any data is erased, with `user`:
bookings cancels future sessions, queues full refunds (on commit) and tells the other side;
notifications takes the person's name out of messages others got. Receivers must not swallow
errors: an exception aborts the erasure and leaves everything as it was. Every receiver is
listed above (tests/test_signals.py keeps the list true).

data_export_ready is sent after the commit that stored a person's export, with `export`: the
person is told by e-mail (the delivery log's kind "data_export_ready"). A failing receiver is
logged; the export stays ready on the person's export page.
"""

from django.dispatch import Signal

account_erasure_requested = Signal()
data_export_ready = Signal()
