import time

from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from sofadoc.pagecache import cache_for_visitors, visitor_page_cache

HOME_CACHE_SECONDS = 300


@method_decorator(visitor_page_cache, name="dispatch")  # type: ignore[arg-type]
class HomeView(TemplateView):
    template_name = "pages/home.html"

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # Only texts and links: the same for every visitor who is not signed in.
        return cache_for_visitors(response.render(), until=time.time() + HOME_CACHE_SECONDS)
