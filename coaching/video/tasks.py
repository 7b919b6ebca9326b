from celery import shared_task

from coaching.video.attendance import video_settle


@shared_task(name="video.settle_attendance")
def settle_attendance() -> int:
    """Completed or no-show for sessions that have ended (every five minutes)."""
    return video_settle()
