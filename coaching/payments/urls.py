from django.urls import path

from coaching.payments import views, webhooks

app_name = "payments"

urlpatterns = [
    path("paypal-sandbox/<str:order_id>/", views.twin_approve, name="twin_approve"),
    # Exact path, no trailing-slash redirect: PayPal POSTs here.
    path("webhooks/paypal/", webhooks.paypal_webhook, name="paypal_webhook"),
]
