"""The attendance rules (pure): who counts as there, when a no-show may be marked, the refund."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coaching.video import attendance_rules as rules
from coaching.video.attendance_rules import Presence

START = datetime(2026, 6, 2, 8, 0, tzinfo=UTC)
END = START + timedelta(hours=1)


@pytest.mark.parametrize(
    ("client", "coach", "verdict"),
    [
        (START, START, rules.COMPLETED),
        (None, START, rules.CLIENT_ABSENT),
        (START, None, rules.COACH_ABSENT),
        (None, None, rules.COACH_ABSENT),  # the coach did not deliver: the client is refunded
    ],
)
def test_the_outcome(client, coach, verdict):
    assert rules.outcome(Presence(client_joined_at=client, coach_joined_at=coach)) == verdict


def test_a_no_show_may_be_marked_only_after_the_waiting_time_with_the_coach_there():
    coach_only = Presence(client_joined_at=None, coach_joined_at=START)
    wait = timedelta(minutes=rules.CLIENT_WAIT_MINUTES)
    assert not rules.may_mark_no_show(
        start=START, end=END, now=START + wait - timedelta(seconds=1), presence=coach_only
    )
    assert rules.may_mark_no_show(start=START, end=END, now=START + wait, presence=coach_only)
    both = Presence(client_joined_at=START, coach_joined_at=START)
    assert not rules.may_mark_no_show(start=START, end=END, now=START + wait, presence=both)
    nobody = Presence(client_joined_at=None, coach_joined_at=None)
    assert not rules.may_mark_no_show(start=START, end=END, now=START + wait, presence=nobody)


@pytest.mark.parametrize(
    ("percent", "refund"), [(0, "0.00"), (50, "40.00"), (33, "26.40"), (100, "80.00")]
)
def test_the_no_show_refund_is_the_practices_share_to_the_cent(percent, refund):
    assert rules.no_show_refund(paid=Decimal("80.00"), percent=percent) == Decimal(refund)


@given(
    paid=st.decimals(min_value=0, max_value=10000, places=2),
    percent=st.integers(min_value=0, max_value=100),
)
def test_a_no_show_refund_is_never_more_than_was_paid(paid, percent):
    refund = rules.no_show_refund(paid=paid, percent=percent)
    assert Decimal("0") <= refund <= paid


def test_a_share_outside_0_to_100_is_refused():
    with pytest.raises(ValueError):
        rules.no_show_refund(paid=Decimal("80"), percent=101)


def test_the_correction_window_is_24_hours():
    assert rules.correction_open(decided_at=END, now=END + timedelta(hours=23, minutes=59))
    assert not rules.correction_open(decided_at=END, now=END + timedelta(hours=24))
