from django.urls import path

from coaching.video import views

app_name = "video"

urlpatterns = [
    path("bookings/<str:reference>/join/", views.join_page, name="join"),
    path("bookings/<str:reference>/join/token/", views.join_token, name="token"),
    path("bookings/<str:reference>/join/check/", views.preflight_token, name="preflight"),
    path("bookings/<str:reference>/attendance/", views.attendance_correct_view, name="attendance"),
    # Exact path: Twilio POSTs here and a trailing-slash redirect would lose the body.
    path("webhooks/twilio/video/", views.twilio_webhook, name="twilio_webhook"),
]
