from django import template

from privacy.data_requests import data_requests_overdue
from privacy.models import DataRequest

register = template.Library()


@register.simple_tag
def overdue_data_requests() -> list[DataRequest]:
    """Open data-subject requests past their deadline, for the admin index."""
    return data_requests_overdue()
