"""The Django admin, reached through the site's own login and only with two factors."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from sofadoc.accounts.staff import staff_with_two_factors


class SofaDocAdminSite(admin.AdminSite):
    site_header = _("SofaDoc administration")
    site_title = _("SofaDoc administration")
    index_title = _("Overview")

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
