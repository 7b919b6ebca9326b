from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideoConfig(AppConfig):
    name = "coaching.video"
    label = "video"
    verbose_name = _("Video sessions")

    def ready(self) -> None:
        # notifications registers the message kind; receivers retires cached pages.
        from coaching.bookings.attendance_source import register_attendance_source
        from coaching.video import notifications, receivers  # noqa: F401
        from coaching.video.selectors import attended_seconds

        register_attendance_source(attended_seconds)  # shown on the booking page
