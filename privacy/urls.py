from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.policy, name="policy"),
    path("v<int:version>/<str:language>/", views.policy, name="policy_version"),
    path("terms/", views.terms, name="terms"),
    path("terms/v<int:version>/<str:language>/", views.terms, name="terms_version"),
    path("cookies/", views.cookies, name="cookies"),
    path("cookies/v<int:version>/<str:language>/", views.cookies, name="cookies_version"),
    path("cookies/consent/", views.cookie_consent, name="cookie_consent"),
    path("export/", views.export, name="export"),
    path("export/download/<str:token>/", views.export_download, name="export_download"),
    path("delete/", views.delete_account, name="delete"),
    path("processors/", views.processors, name="processors"),
    path("support/", views.support, name="support"),
    path("accept/", views.accept, name="accept"),
    path("consents/", views.consents, name="consents"),
]
