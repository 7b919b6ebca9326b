"""The list's and thread's links and dates, made once per page, are the strings the template's
{% url %} and |date filter would give, in the viewer's language and time zone."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from coaching.clients.formatting import PageDates, PathFor


@pytest.mark.parametrize("name", ["clients:detail", "clients:thread"])
def test_a_path_is_the_reversed_one(name):
    path_for = PathFor(name)
    for pk in (1, 9, 42, 987654321, 12345678901):
        assert path_for(pk) == reverse(name, args=[pk])


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "UTC"])
def test_dates_are_the_date_filters_in_the_viewers_language_and_zone(language, zone):
    # Every month and weekday, both sides of midnight and of the summer-time changes.
    moments = [
        datetime(2026, 1, 1, 0, 30, tzinfo=UTC) + timedelta(hours=37 * n, minutes=7 * n)
        for n in range(300)
    ]
    template = Template('{{ m|date:"D j. M, H:i" }}|{{ m|date:"j. M, H:i" }}|{{ m|date:"j. M Y" }}')
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        dates = PageDates()
        for moment in moments:
            made = f"{dates.weekday_time(moment)}|{dates.day_time(moment)}|{dates.day_year(moment)}"
            assert made == template.render(Context({"m": moment}))


def test_the_names_are_the_viewers_language():
    moment = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
    with translation.override("de"), timezone.override(ZoneInfo("Europe/Berlin")):
        assert PageDates().weekday_time(moment) == "Di 3. Mär, 10:30"
    with translation.override("en"), timezone.override(ZoneInfo("America/New_York")):
        assert PageDates().weekday_time(moment) == "Tue 3. Mar, 04:30"
