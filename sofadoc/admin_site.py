"""The Django admin, reached through the site's own login and only with two factors."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from sofadoc.accounts.staff import staff_with_two_factors

# allauth names these apps and models in English only ("MFA", "authenticators", "user
# sessions"), and its "Accounts" repeats ours; the admin's index and sidebar use these names.
# (Setting the models' verbose names instead would ask for migrations in allauth's apps.)
APP_NAMES = {
    "account": _("E-mail addresses and confirmations"),
    "mfa": _("Two-factor authentication"),
    "usersessions": _("Signed-in devices"),
}
MODEL_NAMES = {
    ("mfa", "Authenticator"): _("Second factors"),
    ("usersessions", "UserSession"): _("Signed-in devices"),
}


class SofaDocAdminSite(admin.AdminSite):
    site_header = _("SofaDoc administration")
    site_title = _("SofaDoc administration")
    index_title = _("Overview")

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            app["name"] = APP_NAMES.get(app["app_label"], app["name"])
            for model in app["models"]:
                model["name"] = MODEL_NAMES.get(
                    (app["app_label"], model["object_name"]), model["name"]
                )
        return app_list

    def has_permission(self, request) -> bool:
        return staff_with_two_factors(request.user)

    def login(self, request, extra_context=None):
        user = request.user
        if (
            user.is_authenticated
            and user.is_active
            and user.is_staff
            and not staff_with_two_factors(user)
        ):
            messages.warning(
                request,
                _("Set up two-factor authentication before you open the administration."),
            )
            return redirect("mfa_activate_totp")
        # Anonymous visitors go to allauth's login (rate limits, MFA); non-staff get 403.
        return secure_admin_login(super().login)(request, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs, money records and people's own choices: staff read them; nobody adds, edits or
    deletes them by hand. What changes them goes through a service (an admin action at most)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
