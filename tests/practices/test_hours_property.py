"""weekly_hours_replace accepts a week exactly when no two windows of a weekday overlap."""

from datetime import time
from itertools import combinations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.practices.services import Opening, weekly_hours_replace
from tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db


@st.composite
def openings(draw) -> Opening:
    start = draw(st.integers(min_value=0, max_value=46)) * 30  # minutes after midnight
    length = draw(st.integers(min_value=1, max_value=48 - start // 30 - 1)) * 30
    end = min(start + length, 23 * 60 + 59)
    return Opening(
        weekday=draw(st.integers(min_value=0, max_value=1)),
        start=time(start // 60, start % 60),
        end=time(end // 60, end % 60),
    )


def _overlap(a: Opening, b: Opening) -> bool:
    return a.weekday == b.weekday and a.start < b.end and b.start < a.end


@settings(max_examples=40, deadline=None)
@given(week=st.lists(openings(), max_size=5))
def test_weekly_hours_are_stored_iff_windows_do_not_overlap(week):
    practice = PracticeFactory(hours=[(4, 9, 12)])
    distinct = set(week)
    clash = any(_overlap(a, b) for a, b in combinations(distinct, 2))

    if clash:
        with pytest.raises(ValidationError):
            weekly_hours_replace(practice=practice, actor=practice.owner, openings=week)
        expected = {(4, time(9), time(12))}
    else:
        weekly_hours_replace(practice=practice, actor=practice.owner, openings=week)
        expected = {(o.weekday, o.start, o.end) for o in distinct}

    stored = practice.weekly_hours.values_list("weekday", "start_time", "end_time")
    assert set(stored) == expected
