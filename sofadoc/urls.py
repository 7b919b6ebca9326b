from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from sofadoc import health, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", health.healthz, name="healthz"),
    path(
        "impressum/", TemplateView.as_view(template_name="pages/impressum.html"), name="impressum"
    ),
    path("hilfe/", TemplateView.as_view(template_name="pages/help.html"), name="help"),
    path("privacy/", include("privacy.urls")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("sofadoc.accounts.urls")),
    path("", include("coaching.practices.urls")),
    path("", include("coaching.bookings.urls")),
    path("", include("coaching.payments.urls")),
    path("", include("coaching.video.urls")),
    path("", include("coaching.notifications.urls")),
    path("", include("coaching.payments.urls_coach")),
    path("", include("coaching.billing.urls")),
    path("", include("coaching.intake.urls")),
    path("", include("coaching.calendars.urls")),
    path("", include("coaching.clients.urls")),
    path("", include("coaching.packages.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
