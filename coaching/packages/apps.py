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
