from django.urls import path

from coaching.intake import views_client, views_coach

app_name = "intake"

urlpatterns = [
    path("practice/intake/", views_coach.intake_form_edit, name="form_edit"),
    path("practice/agreement/", views_coach.agreement_edit, name="agreement_edit"),
    path(
        "bookings/<str:reference>/intake/again/",
        views_coach.intake_ask_again,
        name="ask_again",
    ),
    path("bookings/<str:reference>/intake/", views_client.intake_answer, name="answer"),
    path("bookings/<str:reference>/agreement/", views_client.agreement_view, name="agreement"),
    path(
        "bookings/<str:reference>/agreement/revoke/",
        views_client.agreement_revoke_view,
        name="agreement_revoke",
    ),
    path("agreements/<int:pk>/document.pdf", views_client.agreement_pdf, name="agreement_pdf"),
]
