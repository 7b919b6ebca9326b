from django.urls import path

from coaching.billing import views

app_name = "billing"

urlpatterns = [
    path("documents/<int:pk>/", views.document_page, name="document"),
    path("documents/<int:pk>/pdf/", views.document_pdf_download, name="document_pdf"),
]
