from django.urls import path

from coaching.video import views, views_room, views_settings

app_name = "video"

room = "bookings/<str:reference>/join/"
urlpatterns = [
    path(room, views.join_page, name="join"),
    path(f"{room}token/", views.join_token, name="token"),
    path(f"{room}check/", views.preflight_token, name="preflight"),
    path(f"{room}wait/", views_room.wait, name="wait"),
    path(f"{room}admit/", views_room.admit, name="admit"),
    path(f"{room}status/", views_room.status, name="status"),
    path(f"{room}leave/", views_room.leave, name="leave"),
    path(f"{room}no-show/", views_room.no_show, name="no_show"),
    path(f"{room}twin-chat/", views_room.twin_chat, name="twin_chat"),
    path("bookings/<str:reference>/attendance/", views.attendance_correct_view, name="attendance"),
    path("practice/video-room/", views_settings.room_settings_edit, name="settings"),
    # Exact path: Twilio POSTs here and a trailing-slash redirect would lose the body.
    path("webhooks/twilio/video/", views.twilio_webhook, name="twilio_webhook"),
]
