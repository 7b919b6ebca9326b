"""Research statistics of bookings (coaching/bookings/research.py)."""

import pytest

from coaching.bookings.models import Role
from coaching.bookings.services import (
    booking_cancel,
)

pytestmark = pytest.mark.django_db


def test_research_statistics_count_sessions_and_cancellations_without_people(
    booking, client_user, frozen
):
    from privacy.research import research_export

    booking_cancel(booking=booking, actor=client_user, role=Role.CLIENT)
    data = research_export(k=1)

    assert data["sessions_per_specialty_and_month"] == []  # the only session was cancelled
    assert data["cancellations_per_month"] == [
        {"month": "2026-06", "outcome": "cancelled_by_client", "count": 1}
    ]
    assert research_export(k=2)["cancellations_per_month"] == []  # a group of one is suppressed
    assert client_user.email not in str(data) and booking.reference not in str(data)
