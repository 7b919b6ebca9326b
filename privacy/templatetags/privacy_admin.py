from django import template

register = template.Library()


@register.simple_tag
def overdue_data_requests():
    """Open data-subject requests past their deadline, for the admin index."""
    from privacy.data_requests import data_requests_overdue

    return data_requests_overdue()
