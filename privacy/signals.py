from django.dispatch import Signal

# Sent inside account_erase()'s transaction before any data is erased, with `user` and `actor`.
# Apps with obligations towards others connect here: bookings cancels future sessions, queues
# full refunds (on commit) and tells the other side. Receivers must not swallow errors: an
# exception aborts the erasure and leaves everything as it was.
account_erasure_requested = Signal()
