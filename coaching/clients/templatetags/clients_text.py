from django import template

from coaching.clients.text import formatted

register = template.Library()
register.filter("formatted", formatted)
