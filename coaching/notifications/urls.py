from django.urls import path

from coaching.notifications import push_views, views, webhooks

app_name = "notifications"

urlpatterns = [
    path("messages/", views.message_list, name="list"),
    path("messages/read-all/", views.messages_read_all, name="read_all"),
    path("messages/<int:pk>/", views.message_detail, name="detail"),
    path("messages/<int:pk>/read/", views.message_read, name="read"),
    path("messages/opened/<str:token>/", views.opened, name="opened"),
    path("account/notifications/", views.preferences, name="preferences"),
    path("account/notifications/sms/send-code/", views.sms_code_send, name="sms_code_send"),
    path("account/notifications/sms/confirm/", views.sms_code_confirm, name="sms_code_confirm"),
    path("account/notifications/news/", views.news_subscribe, name="news_subscribe"),
    path("account/notifications/push/", push_views.push_subscribe, name="push_subscribe"),
    path(
        "account/notifications/push/remove/",
        push_views.push_unsubscribe,
        name="push_unsubscribe",
    ),
    path("account/notifications/push/<int:pk>/", push_views.push_device, name="push_device"),
    path("sw.js", push_views.service_worker, name="service_worker"),
    path("news/confirm/<str:token>/", views.news_confirm, name="news_confirm"),
    path("news/unsubscribe/<str:token>/", views.news_unsubscribe, name="news_unsubscribe"),
    path("webhooks/twilio/sms/", webhooks.twilio_sms, name="twilio_sms"),
]
