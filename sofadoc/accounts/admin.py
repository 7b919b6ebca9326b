from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from sofadoc.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["-created_at"]
    list_display = [
        "email",
        "display_name",
        "language",
        "time_zone",
        "is_staff",
        "is_active",
        "is_demo",
        "created_at",
        "last_login",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "is_demo", "language"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["created_at", "updated_at", "last_login"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["display_name", "phone", "time_zone", "language"]}),
        (
            _("Permissions"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                    "is_demo",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "created_at", "updated_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]},
        ),
    ]
