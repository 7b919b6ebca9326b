from django.urls import path

from coaching.practices.views import public, setup

app_name = "practices"

urlpatterns = [
    # Public
    path("coaches/", public.directory, name="directory"),
    path("coaches/<slug:slug>/", public.practice_detail, name="detail"),
    path("coaches/<slug:slug>/slots.json", public.practice_slots, name="slots"),
    # The coach's own practice
    path("practice/", setup.practice_setup, name="setup"),
    path("practice/start/", setup.practice_start, name="start"),
    path("practice/profile/", setup.practice_profile, name="profile"),
    path("practice/photo/", setup.practice_photo, name="photo"),
    path("practice/session-types/", setup.session_type_list, name="session_types"),
    path("practice/session-types/new/", setup.session_type_edit, name="session_type_add"),
    path("practice/session-types/<int:pk>/", setup.session_type_edit, name="session_type_edit"),
    path("practice/hours/", setup.practice_hours, name="hours"),
    path("practice/rules/", setup.practice_rules, name="rules"),
    path("practice/receipts/", setup.practice_billing, name="billing"),
    path("practice/time-off/", setup.practice_time_off, name="time_off"),
    path(
        "practice/time-off/<int:pk>/delete/", setup.practice_time_off_delete, name="time_off_delete"
    ),
    path("practice/publish/", setup.practice_publish_toggle, name="publish"),
]
