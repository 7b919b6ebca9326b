from django.urls import path

from sofadoc.accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile_edit, name="profile"),
    path("language/", views.set_language, name="set_language"),
]
