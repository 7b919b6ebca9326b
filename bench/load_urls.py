"""The site's URLs plus `/bench/floor/`: a bare view through the full middleware stack."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from sofadoc.urls import urlpatterns as site_urlpatterns


def floor(request: HttpRequest) -> HttpResponse:
    # No database, no template: what the framework and the middleware cost on their own.
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *site_urlpatterns]
