from django.urls import path

from coaching.bookings import views, views_checkout, views_coach

app_name = "bookings"

urlpatterns = [
    path(
        "coaches/<slug:slug>/book/<int:session_type_id>/",
        views_checkout.booking_start,
        name="start",
    ),
    path("bookings/", views.client_bookings, name="mine"),
    path("bookings/<str:reference>/", views.booking_detail, name="detail"),
    path(
        "bookings/<str:reference>/paypal/return/",
        views_checkout.paypal_return,
        name="paypal_return",
    ),
    path(
        "bookings/<str:reference>/paypal/cancel/",
        views_checkout.paypal_cancel,
        name="paypal_cancel",
    ),
    path("bookings/<str:reference>/cancel/", views.booking_cancel_view, name="cancel"),
    path("bookings/<str:reference>/move/", views.booking_move_view, name="move"),
    path("bookings/<str:reference>/receipt/", views.booking_receipt, name="receipt"),
    path("bookings/<str:reference>/calendar.ics", views.booking_ics, name="ics"),
    path("practice/bookings/", views_coach.coach_bookings, name="coach"),
    path("practice/calendar/new/", views_coach.coach_feed_regenerate, name="feed_regenerate"),
    path("calendar/<str:token>.ics", views_coach.coach_feed, name="feed"),
]
