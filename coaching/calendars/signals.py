"""What the calendars app tells others, after commit: a connection stopped working."""

from django.dispatch import Signal

connection_broken = Signal()  # connection
