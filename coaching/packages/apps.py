from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PackagesConfig(AppConfig):
    name = "coaching.packages"
    label = "packages"
    verbose_name = _("Packages and series")

    def ready(self) -> None:
        from coaching.packages import payment_kind, prepaid

        payment_kind.register()  # packages are sold through payments as lines of kind "package"
        prepaid.register()  # a booking paid with a credit gives it back when cancelled in time
        from coaching.packages.notifications import register_kinds

        register_kinds()  # "your package expires soon"
        from coaching.packages.coupons import coupon_discount
        from coaching.payments.discounts import register_discount_source

        register_discount_source(coupon_discount)  # coupon codes at every checkout
        from django.apps import apps

        if apps.is_installed("coaching.clients"):
            from coaching.packages.client_facts import package_facts

            # The coach's client list shows balances; through clients' app config, as the two
            # apps share a layer and must not import each other.
            apps.get_app_config("clients").register_fact_source(  # type: ignore[attr-defined]
                code="packages", title=_("Packages"), facts=package_facts
            )
