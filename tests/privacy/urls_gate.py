"""Test urlconf: the real URLs plus a dummy view that the tests put behind the consent gate."""

from django.http import HttpResponse
from django.urls import include, path

from sofadoc.urls import urlpatterns as real_patterns

dummy = ([path("book/", lambda request: HttpResponse("booked"), name="book")], "gatetest")

urlpatterns = [path("dummy/", include(dummy)), *real_patterns]
