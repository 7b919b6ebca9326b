"""Forms of the calendar settings and the week view."""

from __future__ import annotations

import ipaddress
import socket
from datetime import time
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coaching.calendars.models import CalendarConnection, RemoteCalendar


def _private_address(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False  # the connect attempt reports it as unreachable
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local:
            return True
    return False


class CalDAVForm(forms.Form):
    server_url = forms.URLField(
        label=_("Server address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("For example https://caldav.icloud.com/ or your Nextcloud's address."),
    )
    username = forms.CharField(label=_("User name"), max_length=200)
    password = forms.CharField(
        label=_("App password"),
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Create an app password in your provider's settings; it is stored encrypted."),
    )

    def clean_server_url(self):
        url = self.cleaned_data["server_url"]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise ValidationError(_("Please enter an http or https address."))
        # Our server connects to this address: never to a machine inside our own network
        # (the demo and tests allow the local CalDAV server explicitly).
        if not settings.CALDAV_ALLOW_PRIVATE_ADDRESSES and _private_address(parts.hostname or ""):
            raise ValidationError(_("This address is not reachable from the internet."))
        return url


class ConnectionForm(forms.ModelForm):
    class Meta:
        model = CalendarConnection
        fields = ["stale_after_hours"]


class RemoteCalendarForm(forms.ModelForm):
    class Meta:
        model = RemoteCalendar
        fields = ["counts_as_busy", "all_day_blocks", "receives_bookings"]


class HourBlockForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("From"), widget=forms.TimeInput(attrs={"type": "time", "step": 900})
    )
    end_time = forms.TimeField(
        label=_("Until"), widget=forms.TimeInput(attrs={"type": "time", "step": 900})
    )
    # Asked only when the block covers booked sessions: keep them, or cancel them with a refund.
    bookings = forms.ChoiceField(
        choices=[("keep", _("Keep the sessions")), ("cancel", _("Cancel them with a full refund"))],
        required=False,
        widget=forms.HiddenInput,
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start and end != time(0):
            self.add_error("end_time", _("The end must be after the start."))
        return cleaned
