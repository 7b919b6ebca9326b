"""The coach's money pages: connecting PayPal (and the twin's sign-up page) and earnings."""

from django.urls import path

from coaching.payments import views_earnings, views_onboarding

app_name = "payments_coach"

urlpatterns = [
    path("practice/paypal/", views_onboarding.onboarding, name="onboarding"),
    path("practice/paypal/return/", views_onboarding.onboarding_return, name="onboarding_return"),
    path("practice/paypal/check/", views_onboarding.onboarding_refresh, name="onboarding_refresh"),
    path(
        "practice/paypal/sandbox/<str:tracking_id>/",
        views_onboarding.twin_signup,
        name="twin_signup",
    ),
    path("practice/paypal/sandbox-revoke/", views_onboarding.twin_revoke, name="twin_revoke"),
    path("practice/earnings/", views_earnings.earnings, name="earnings"),
    path("practice/earnings/<str:month>.csv", views_earnings.earnings_export, name="earnings_csv"),
]
