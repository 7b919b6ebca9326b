"""Packages on pages that belong to other apps: the practice page (offers beside the single
sessions) and "Meine Sitzungen" (the client's packages). A template tag, because practices and
bookings sit below packages and must not import it.

A practice's offers are cached like its profile, under the listings' version that any change of
an offer retires (package_save): the practice page costs no query more than without them."""

from typing import Any

from django import template

from coaching.packages.selectors import client_packages_of, packages_on_sale
from coaching.practices.directory import versioned_get, versioned_set
from coaching.practices.models import Practice
from sofadoc.accounts.models import User

register = template.Library()

OFFERS_CACHE_SECONDS = 60 * 60


@register.inclusion_tag("packages/partials/offers.html")
def package_offers(practice: Practice) -> dict[str, Any]:
    key = f"packages:offers:{practice.pk}"
    packages, version = versioned_get(key)
    if packages is None:
        packages = list(packages_on_sale(practice))
        versioned_set(key, packages, version=version, timeout=OFFERS_CACHE_SECONDS)
    return {"practice": practice, "packages": packages}


@register.inclusion_tag("packages/partials/mine.html")
def my_packages(user: User) -> dict[str, Any]:
    return {"client_packages": list(client_packages_of(user))}
