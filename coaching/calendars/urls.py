from django.urls import path

from coaching.calendars.views import connections, week

app_name = "calendars"

urlpatterns = [
    path("practice/calendars/", connections.calendar_settings, name="settings"),
    path("practice/calendars/caldav/", connections.caldav_connect, name="caldav_connect"),
    path(
        "practice/calendars/connect/<str:provider>/",
        connections.oauth_start,
        name="oauth_start",
    ),
    path(
        "practice/calendars/callback/<str:provider>/",
        connections.oauth_callback,
        name="oauth_callback",
    ),
    path("practice/calendars/<int:pk>/", connections.connection_edit, name="connection_edit"),
    path("practice/calendars/<int:pk>/sync/", connections.connection_sync, name="sync"),
    path("practice/calendars/<int:pk>/delete/", connections.connection_remove, name="delete"),
    path("practice/calendars/calendar/<int:pk>/", connections.calendar_edit, name="calendar_edit"),
    path("practice/week/", week.week, name="week"),
    path("practice/week/blocks/", week.block_add, name="block_add"),
    path("practice/week/blocks/<int:pk>/delete/", week.block_remove, name="block_remove"),
]
