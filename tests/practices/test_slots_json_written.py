"""slots.json writes its times from seconds since the epoch, without a datetime each."""

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.practices.views.public import _utc_iso


@settings(max_examples=300, deadline=None)
@given(seconds=st.lists(st.integers(min_value=0, max_value=253_402_300_799), max_size=20))
def test_times_are_written_as_strftime_writes_them(seconds):
    assert _utc_iso([float(at) for at in seconds]) == [
        datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for at in seconds
    ]


def test_a_leap_day_and_the_last_second_of_a_year():
    leap = datetime(2028, 2, 29, 23, 59, 59, tzinfo=UTC).timestamp()
    assert _utc_iso([leap, leap + 1]) == ["2028-02-29T23:59:59Z", "2028-03-01T00:00:00Z"]
