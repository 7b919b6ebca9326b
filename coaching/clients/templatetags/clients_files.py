from typing import Any

from django import template

from coaching.clients.links import file_download_path
from coaching.clients.models import SharedFile

register = template.Library()


@register.simple_tag(takes_context=True)
def file_link(context: dict[str, Any], shared: SharedFile) -> str:
    """A fresh signed link for the person viewing the page (valid a few minutes)."""
    return file_download_path(shared, context["request"].user)
