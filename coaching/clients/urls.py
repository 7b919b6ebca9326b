from django.urls import path

from coaching.clients import views, views_sessions, views_shared

app_name = "clients"

urlpatterns = [
    path("conversations/", views.threads, name="threads"),
    path("conversations/<int:pk>/", views.thread, name="thread"),
    path("conversations/<int:pk>/files/", views_shared.file_upload, name="file_upload"),
    path("conversations/<int:pk>/end/", views_shared.relationship_end, name="end"),
    path("conversations/tasks/<int:pk>/answer/", views_shared.task_answer, name="task_answer"),
    path("conversations/files/<int:pk>/delete/", views_shared.file_delete, name="file_delete"),
    path("conversations/files/<str:token>/", views_shared.file_download, name="file_download"),
    path("practice/clients/", views.client_list, name="list"),
    path("practice/clients/settings/", views_shared.coach_settings, name="settings"),
    path("practice/clients/<int:pk>/", views.client_detail, name="detail"),
    path("practice/clients/<int:pk>/notes/", views.note_add, name="note_add"),
    path("practice/clients/<int:pk>/tasks/", views_shared.task_add, name="task_add"),
    path("practice/clients/<int:pk>/book/", views_sessions.session_book, name="book"),
    path(
        "practice/clients/sessions/<str:reference>/move/",
        views_sessions.session_move_view,
        name="move",
    ),
    path("conversations/sessions/<str:reference>/pay/", views_sessions.session_pay, name="pay"),
    path("practice/clients/notes/<int:pk>/", views.note_edit, name="note_edit"),
    path("practice/clients/notes/<int:pk>/delete/", views.note_delete, name="note_delete"),
]
