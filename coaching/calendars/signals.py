"""What the calendars app tells others, after commit: a connection stopped working.

connection_broken   → coaching.calendars.notifications.on_connection_broken
"""

from django.dispatch import Signal

connection_broken = Signal()  # connection
