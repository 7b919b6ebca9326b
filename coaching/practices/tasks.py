from celery import shared_task

from coaching.practices.selectors import practice_ids_booked_out_refresh


@shared_task(name="practices.refresh_booked_out")
def refresh_booked_out() -> int:
    """Recompute which practices have no free slot within 7 days; returns how many."""
    return len(practice_ids_booked_out_refresh())
